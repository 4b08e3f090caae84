// Sign in: needs the network once; afterwards the app opens and works offline.

import { ApiError, NetworkError } from "../../api.js";
import { deleteEverything } from "../../db.js";
import { _ } from "../../i18n.js";
import { DEVICE_LABEL_MAX, askPersistentStorage, deviceLabel, session, signIn } from "../../session.js";
import { pendingCount } from "../../sync/outbox.js";
import { appHeader } from "../../ui/app-header.js";
import { inputField } from "../../ui/field.js";
import { languageSwitch } from "../../ui/language-switch.js";
import { h, replace } from "../../ui/h.js";

// The wait the server asked for (Retry-After) in whole seconds.
const waitSeconds = (error) => Math.max(1, Math.ceil((error.retryAfter ?? 1000) / 1000));

// The server names each refusal by its problem `code` (docs/sync.md); say it in the trainer's
// language rather than in the server's words, which follow the server's locale.
const REFUSALS = {
  wrong_password: () => _("The username or password is not right."),
  // Wrong passwords from this phone's address: the next try counts only after the wait.
  slow_down: (error) =>
    _("Too many wrong passwords. Please wait %(seconds)s seconds, then try again.", { seconds: waitSeconds(error) }),
  locked: (error) =>
    _("Too many wrong passwords. Please wait %(minutes)s minutes, then try again.", {
      minutes: Math.ceil(waitSeconds(error) / 60),
    }),
  inactive: () => _("This account is switched off. Ask your administrator."),
  no_communes: () => _("No commune is assigned to this account yet. Ask your supervisor to assign your communes."),
};

function errorText(error) {
  if (error instanceof NetworkError)
    return _("Signing in needs a connection to the server. Please try again when online.");
  if (!(error instanceof ApiError)) return error.message;
  if (REFUSALS[error.code]) return REFUSALS[error.code](error);
  if (error.status === 429) return _("Too many attempts. Please wait a few minutes.");
  if (error.status === 503) return _("The server is busy right now. Please try again in a few minutes.");
  if (error.status === 401) return _("The username or password is not right.");
  return error.message;
}

// Another trainer's records may be on this phone: never mix them, never lose unsent ones.
async function makeRoomFor(username) {
  const previous = session();
  if (!previous || previous.user.username === username) return null;
  if ((await pendingCount()) > 0) {
    return _("This phone has changes by %(name)s that are not sent yet. They must sign in and sync first.", {
      name: previous.user.display_name || previous.user.username,
    });
  }
  await deleteEverything();
  return null;
}

const FIELDS = ["username", "password", "device_label"];

// The refusal on show, as a function of the current language, so a redraw says it again in the
// language that just arrived.
const shownRefusal = new WeakMap();

function refuse(form, error, say) {
  shownRefusal.set(form, say);
  replace(error, say());
}

// What was typed, and where, and the refusal on show, so drawing the screen again in another
// language loses none of it: the language's words arrive while the trainer may already be typing.
function typed(form) {
  if (!form) return null;
  const active = document.activeElement;
  return {
    refusal: shownRefusal.get(form),
    values: Object.fromEntries(FIELDS.map((name) => [name, form.elements[name].value])),
    focused: active && active.form === form ? active.name : null,
    selection: active && active.form === form ? [active.selectionStart, active.selectionEnd] : null,
  };
}

function restore(form, error, kept) {
  if (!kept) return;
  for (const name of FIELDS) form.elements[name].value = kept.values[name];
  if (kept.refusal) refuse(form, error, kept.refusal);
  const field = kept.focused && form.elements[kept.focused];
  if (!field) return;
  field.focus();
  if (kept.selection && field.setSelectionRange) field.setSelectionRange(...kept.selection);
}

/** The sign-in screen; calls `onSignedIn` once signed in. */
export async function renderSignIn(main, { onSignedIn }) {
  const previous = session();
  const label = previous?.device_label || (await deviceLabel());
  const kept = typed(main.querySelector("form.sign-in-form")); // after the last wait: nothing typed is missed
  const error = h("p", { class: "error", role: "alert" });
  const form = h(
    "form",
    { class: "card narrow sign-in-form", novalidate: true },
    h("h1", {}, _("Sign in")),
    previous?.expired
      ? h("p", {}, _("Please sign in again to keep syncing. Your unsent changes stay on this phone."))
      : null,
    inputField(_("Username"), {
      name: "username",
      autocomplete: "username",
      required: true,
      value: previous?.user?.username || "",
    }),
    inputField(_("Password"), { name: "password", type: "password", autocomplete: "current-password", required: true }),
    inputField(_("Name of this phone"), {
      name: "device_label",
      value: label,
      maxlength: String(DEVICE_LABEL_MAX),
      autocomplete: "off",
      "aria-describedby": "device-label-hint",
    }),
    h(
      "p",
      { class: "muted hint", id: "device-label-hint" },
      _("Your supervisor sees this name on the devices page, to tell your phones apart."),
    ),
    error,
    h("button", { type: "submit", class: "primary wide" }, _("Sign in")),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    const username = form.username.value.trim();
    if (!username || !form.password.value) {
      refuse(form, error, () => _("Please enter your username and password."));
      button.disabled = false;
      return;
    }
    try {
      const refusal = await makeRoomFor(username);
      if (refusal) throw new Error(refusal);
      await signIn(username, form.password.value, form.device_label.value);
      await askPersistentStorage();
      onSignedIn();
    } catch (failure) {
      refuse(form, error, () => errorText(failure));
      button.disabled = false;
    }
  });
  const rerender = () => renderSignIn(main, { onSignedIn });
  replace(
    main,
    h(
      "div",
      { class: "sign-in" },
      h("p", { class: "app-name" }, _("Lên Sàn")),
      languageSwitch(() => {
        // The top bar too: its words and names must be in the page's language.
        document.querySelector("header.topbar")?.replaceWith(appHeader());
        rerender();
      }),
      form,
    ),
  );
  restore(form, error, kept);
}
