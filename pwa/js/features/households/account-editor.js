// Editing a household's accounts of one kind (seller accounts by platform, e-payment by provider).
// Accounts are a set keyed by platform or provider, so each one appears at most once.

import { _ } from "../../i18n.js";
import { ACCOUNT_STATUSES, nameOf } from "../../reference.js";
import { h } from "../../ui/h.js";
import { uuid7 } from "../../uuid.js";

/**
 * An editor for accounts; `kind` is {entity, key ("platform"|"provider"), codes, title, addLabel, shopName (the shop name's field rule, when there is one)}.
 * Returns {element, changes()} where changes() lists the records to write.
 */
export function accountEditor(kind, householdId, accounts) {
  const rows = [];
  const list = h("div", { class: "accounts" });
  const addSelect = h("select", { "aria-label": kind.addLabel });
  const refreshChoices = () => {
    const taken = new Set(rows.filter((r) => !r.removed).map((r) => r.code));
    addSelect.replaceChildren(
      ...kind.codes.filter((c) => !taken.has(c)).map((c) => h("option", { value: c }, nameOf(kind.key, c))),
    );
  };
  const addRow = (account, isNew) => {
    const row = { account, code: account[kind.key], isNew, removed: false };
    row.status = h(
      "select",
      { "aria-label": _("Status") },
      ACCOUNT_STATUSES.map((s) => h("option", { value: s, selected: s === account.status }, nameOf("status", s))),
    );
    row.shop = kind.shopName
      ? h("input", {
          value: account.shop_name || "",
          "aria-label": _("Shop name"),
          placeholder: _("Shop name"),
          maxlength: kind.shopName.max_length,
        })
      : null;
    const remove = h("button", { type: "button", class: "small" }, _("Remove"));
    row.element = h(
      "div",
      { class: "account-row" },
      h("strong", {}, nameOf(kind.key, row.code)),
      row.shop,
      row.status,
      remove,
    );
    remove.addEventListener("click", () => {
      row.removed = true;
      row.element.remove();
      refreshChoices();
    });
    rows.push(row);
    list.append(row.element);
    refreshChoices();
  };
  accounts.forEach((account) => addRow(account, false));
  refreshChoices();
  const add = h("button", { type: "button" }, kind.addLabel);
  add.addEventListener("click", () => {
    if (addSelect.value) addRow({ id: uuid7(), [kind.key]: addSelect.value, status: "opened" }, true);
  });
  const element = h(
    "fieldset",
    { class: "card" },
    h("legend", {}, kind.title),
    list,
    h("div", { class: "add-row" }, addSelect, add),
  );
  const changes = () => rows.flatMap((row) => rowChange(kind, householdId, row));
  return { element, changes };
}

function rowChange(kind, householdId, row) {
  if (row.removed) return row.isNew ? [] : [{ entity: kind.entity, id: row.account.id, op: "delete" }];
  const fields = { household_id: householdId, [kind.key]: row.code, status: row.status.value };
  if (row.shop) fields.shop_name = row.shop.value.trim() || null;
  return [{ entity: kind.entity, id: row.account.id, fields }];
}
