// Where the sync stands: changes waiting, last successful sync, a progress bar and the button.

import { _, formatDateTime, formatNumber } from "../i18n.js";
import { outboxEvents, pendingCount, rejectedEntries } from "../sync/outbox.js";
import { syncEvents, syncNow, syncState } from "../sync/engine.js";
import { h, listenWhileShown, replace } from "./h.js";
import { progressBar } from "./progress-bar.js";

function problemText() {
  switch (syncState.error) {
    case "offline":
      return _("No connection to the server. Your changes are safe on this phone.");
    case "busy":
      return _("The server is busy. Your changes are safe on this phone.");
    case "server":
      return _("The server could not take the changes right now.");
    case "clock":
      return _(
        "The date and time of this phone are wrong (ahead of the server's). Set them right in the phone's settings: your changes are kept and will be sent then.",
      );
    case "unauthorized":
      return _("The server no longer accepts this phone's sign-in. Please sign in again.");
    case "local":
      return _("Something went wrong on this phone: %(detail)s", { detail: syncState.errorDetail || "" });
    default:
      return null;
  }
}

/** A card showing the sync state, refreshed on every change of the outbox or the sync. */
export function syncStatus() {
  const pending = h("strong", { "data-testid": "pending-count" }, "…");
  const last = h("span", { "data-testid": "last-sync" }, "");
  const message = h("p", { class: "sync-message", role: "status" });
  // Refused changes wait for the trainer, not for the network: said apart from the ones waiting.
  const toFix = h("strong", {}, "");
  const fixLink = h("a", { class: "button small", href: "#/sync" }, _("Fix them"));
  const needsFixing = h(
    "p",
    { class: "needs-fixing bad", "data-testid": "needs-fixing", hidden: true },
    h("span", {}, _("Changes refused by the server, to fix:"), " ", toFix),
    fixLink,
  );
  const button = h("button", { type: "button", class: "primary", onclick: () => syncNow() }, _("Sync now"));
  const card = h(
    "section",
    { class: "card sync-status", "aria-label": _("Sync") },
    h("p", {}, _("Changes waiting to be sent:"), " ", pending),
    needsFixing,
    h("p", {}, _("Last successful sync:"), " ", last),
    progressBar(),
    message,
    button,
  );
  const refresh = async () => {
    replace(pending, formatNumber(await pendingCount()));
    const refused = (await rejectedEntries()).length;
    replace(toFix, formatNumber(refused));
    needsFixing.hidden = refused === 0;
    fixLink.hidden = window.location.hash.startsWith("#/sync");
    replace(last, syncState.lastSync ? formatDateTime(syncState.lastSync) : _("never"));
    const problem = problemText();
    const retry =
      syncState.retryAt && problem ? " " + _("Next try at %(time)s.", { time: formatDateTime(syncState.retryAt) }) : "";
    replace(message, syncState.running ? _("Syncing…") : problem ? problem + retry : "");
    message.classList.toggle("bad", Boolean(problem) && !syncState.running);
    button.disabled = syncState.running;
  };
  listenWhileShown(card, outboxEvents, "change", refresh);
  listenWhileShown(card, syncEvents, "change", refresh);
  refresh();
  return card;
}
