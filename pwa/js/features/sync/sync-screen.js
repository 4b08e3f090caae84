// Sync: its state and button, and the changes the server refused, with its reason, to correct
// and send again (or give up).

import { getRecord } from "../../db.js";
import { _, formatDateTime } from "../../i18n.js";
import { discard, outboxEvents, rejectedEntries, resend } from "../../sync/outbox.js";
import { syncNow } from "../../sync/engine.js";
import { confirmDialog } from "../../ui/confirm-dialog.js";
import { h, listenWhileShown, replace } from "../../ui/h.js";
import { syncStatus } from "../../ui/sync-status.js";
import { refusalDetails } from "./refusal-words.js";

function entityName(entity) {
  return {
    household: _("Household"),
    consent: _("Consent"),
    marketplace_account: _("Seller account"),
    payment_account: _("E-payment account"),
    training_session: _("Training session"),
    attendance: _("Attendance"),
  }[entity];
}

// Where to correct a refused change: the form of the household it belongs to, or of the session.
async function correctionLink(entry) {
  if (entry.entity === "household") return `#/households/${entry.record_id}/edit`;
  if (entry.entity === "training_session") return `#/sessions/${entry.record_id}/edit`;
  // Every attendance change names its session (and household) in its fields.
  if (entry.entity === "attendance")
    return entry.fields.session_id ? `#/sessions/${entry.fields.session_id}/edit` : null;
  const record = await getRecord(entry.entity, entry.record_id);
  const householdId = entry.fields.household_id || record?.household_id;
  return householdId ? `#/households/${householdId}/edit` : null;
}

async function rejectedItem(entry) {
  const link = await correctionLink(entry);
  const retry = h("button", { type: "button", class: "small primary" }, _("Send again"));
  retry.addEventListener("click", async () => {
    await resend(entry.seq);
    syncNow();
  });
  const drop = h("button", { type: "button", class: "small" }, _("Discard"));
  drop.addEventListener("click", async () => {
    if (
      await confirmDialog(_("Discard this change? The server's values will come back at the next sync."), _("Discard"))
    )
      await discard(entry.seq);
  });
  return h(
    "li",
    { class: "rejected" },
    h("strong", {}, entityName(entry.entity), " · ", formatDateTime(entry.created_at)),
    refusalDetails(entry),
    h(
      "div",
      { class: "actions" },
      link ? h("a", { class: "button small", href: link }, _("Correct")) : null,
      retry,
      drop,
    ),
  );
}

/** The sync screen. */
export async function renderSyncScreen(main) {
  const list = h("section", { class: "card", "data-testid": "rejected" });
  const refresh = async () => {
    const rejected = await rejectedEntries();
    replace(
      list,
      h("h2", {}, _("Changes the server refused")),
      rejected.length
        ? h("ul", { class: "rows" }, await Promise.all(rejected.map(rejectedItem)))
        : h("p", { class: "muted" }, _("None.")),
    );
  };
  listenWhileShown(list, outboxEvents, "change", refresh);
  replace(main, h("h1", {}, _("Sync")), syncStatus(), list);
  await refresh();
}
