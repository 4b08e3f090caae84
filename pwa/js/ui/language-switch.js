// The language buttons (Tiếng Việt, ភាសាខ្មែរ, English), shared by the sign-in and settings screens.

import { setMeta } from "../db.js";
import { _, LANGUAGES, language, setLanguage } from "../i18n.js";
import { h } from "./h.js";

/** Buttons that switch the app's language and keep the choice on the phone; then `afterChange()` redraws. */
export function languageSwitch(afterChange) {
  return h(
    "div",
    { class: "language-switch", role: "group", "aria-label": _("Language") },
    Object.entries(LANGUAGES).map(([code, name]) =>
      h(
        "button",
        {
          type: "button",
          lang: code,
          "aria-pressed": String(code === language()),
          onclick: async () => {
            await setLanguage(code);
            await setMeta("language", code);
            afterChange();
          },
        },
        name,
      ),
    ),
  );
}
