// Settings: language, storage, version, and signing out (which removes the phone's records).

import { getMeta } from "../../db.js";
import { _ } from "../../i18n.js";
import { askPersistentStorage, deviceLabel, session, signOut } from "../../session.js";
import { syncNow } from "../../sync/engine.js";
import { pendingCount } from "../../sync/outbox.js";
import { appVersion } from "../../version.js";
import { confirmDialog } from "../../ui/confirm-dialog.js";
import { h, replace } from "../../ui/h.js";
import { languageSwitch } from "../../ui/language-switch.js";

async function storageSection() {
  const persisted = await getMeta("storage_persisted");
  const state = h(
    "p",
    { "data-testid": "storage-state" },
    persisted
      ? _("Kept on this phone: the browser will not clear it.")
      : _("Not protected: the browser may clear it when space runs low."),
  );
  const ask = h("button", { type: "button", hidden: persisted }, _("Ask to keep the data"));
  ask.addEventListener("click", async () => {
    const granted = await askPersistentStorage();
    replace(
      state,
      granted ? _("Kept on this phone: the browser will not clear it.") : _("The browser did not agree. Sync often."),
    );
    ask.hidden = granted;
  });
  return h("section", { class: "card" }, h("h2", {}, _("Storage")), state, ask);
}

async function signOutFlow() {
  if (navigator.onLine) await syncNow();
  const waiting = await pendingCount();
  if (waiting > 0) {
    const question = _(
      "%(count)s changes have not reached the server. If you sign out now they are lost for ever. Sign out anyway?",
      { count: waiting },
    );
    if (!(await confirmDialog(question, _("Sign out and lose them")))) return;
  }
  await signOut();
  window.location.replace("/app/");
}

/** The settings screen. */
export async function renderSettings(main) {
  const user = session().user;
  replace(
    main,
    h("h1", {}, _("Settings")),
    h(
      "section",
      { class: "card" },
      h("h2", {}, _("Language")),
      languageSwitch(() => window.dispatchEvent(new Event("languagechange-app"))),
    ),
    await storageSection(),
    h(
      "section",
      { class: "card" },
      h("h2", {}, _("Account")),
      h("p", {}, _("Signed in as %(name)s", { name: user.display_name || user.username })),
      h(
        "p",
        { "data-testid": "device-label" },
        _("Name of this phone: %(name)s", { name: session().device_label || (await deviceLabel()) }),
      ),
      h("p", { class: "muted" }, _("Signing out removes every record from this phone.")),
      h("button", { type: "button", class: "danger", onclick: signOutFlow }, _("Sign out")),
    ),
    h(
      "p",
      { class: "muted", "data-testid": "app-version" },
      _("App version %(version)s", { version: await appVersion() }),
    ),
  );
}
