// What changed for a household since last time, recorded during check-in in one or two taps.

import { recordsBy } from "../../db.js";
import { _ } from "../../i18n.js";
import { PLATFORMS, PROVIDERS, nameOf } from "../../reference.js";
import { h, replace } from "../../ui/h.js";
import { notice } from "../../ui/notice.js";
import { gotSmartphone, openedPaymentAccount, openedSellerAccount } from "../households/household-records.js";

function chips(codes, vocabulary, onPick) {
  return h(
    "div",
    { class: "chips" },
    codes.map((code) =>
      h("button", { type: "button", class: "chip", onclick: () => onPick(code) }, nameOf(vocabulary, code)),
    ),
  );
}

const SMARTPHONE_STATE = {
  yes: () => _("Smartphone: yes"),
  no: () => _("Smartphone: no"),
  unknown: () => _("Smartphone: not known"),
};

// What the household has now, apart from the button that records a change: a button's words
// say what pressing it does, never what is already true.
function change(testId, state, button) {
  return h("div", { class: "quick-change", "data-testid": testId }, h("span", { class: "state" }, state), button);
}

function accountsState(accounts, key, vocabulary, some, none) {
  const names = accounts.map((account) => nameOf(vocabulary, account[key]));
  return names.length ? some(names.join(", ")) : none();
}

/** One household's smartphone, seller and e-payment accounts, each with the button that records a new one. */
export async function quickChanges(household, onChanged) {
  const [sellers, wallets] = await Promise.all([
    recordsBy("marketplace_account", "household_id", household.id),
    recordsBy("payment_account", "household_id", household.id),
  ]);
  const picker = h("div", { class: "picker" });
  const hasSmartphone = household.smartphone === "yes";
  const smartphone = hasSmartphone ? null : h("button", { type: "button", class: "small" }, _("Record a smartphone"));
  smartphone?.addEventListener("click", async () => {
    await gotSmartphone(household.id);
    notice(_("Recorded: %(name)s has a smartphone.", { name: household.head_name }));
    onChanged();
  });
  const open = (vocabulary, codes, record) => () =>
    replace(
      picker,
      chips(codes, vocabulary, async (code) => {
        const added = await record(household.id, code);
        replace(picker);
        notice(
          added
            ? _("Recorded: %(account)s account opened.", { account: nameOf(vocabulary, code) })
            : _("This account was already recorded."),
        );
        onChanged();
      }),
    );
  const action = (label, onclick) => h("button", { type: "button", class: "small", onclick }, label);
  return h(
    "div",
    { class: "quick-changes" },
    change("smartphone-state", (SMARTPHONE_STATE[household.smartphone] || SMARTPHONE_STATE.unknown)(), smartphone),
    change(
      "seller-accounts-state",
      accountsState(
        sellers,
        "platform",
        "platform",
        (names) => _("Seller accounts: %(names)s", { names }),
        () => _("Seller accounts: none"),
      ),
      action(_("Record a seller account"), open("platform", PLATFORMS, openedSellerAccount)),
    ),
    change(
      "payment-accounts-state",
      accountsState(
        wallets,
        "provider",
        "provider",
        (names) => _("E-payment accounts: %(names)s", { names }),
        () => _("E-payment accounts: none"),
      ),
      action(_("Record an e-payment account"), open("provider", PROVIDERS, openedPaymentAccount)),
    ),
    picker,
  );
}
