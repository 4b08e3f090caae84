// A modal question with two answers, answered by a promise.

import { _ } from "../i18n.js";
import { h } from "./h.js";

/** Ask `question`; resolves true when the person chooses `confirmLabel`. */
export function confirmDialog(question, confirmLabel, cancelLabel = _("Cancel")) {
  return new Promise((resolve) => {
    const dialog = h("dialog", { class: "confirm", "aria-label": question });
    const close = (answer) => {
      dialog.close();
      dialog.remove();
      resolve(answer);
    };
    dialog.append(
      h("p", {}, question),
      h(
        "div",
        { class: "actions" },
        h("button", { type: "button", onclick: () => close(false) }, cancelLabel),
        h("button", { type: "button", class: "danger", onclick: () => close(true) }, confirmLabel),
      ),
    );
    dialog.addEventListener("cancel", () => resolve(false));
    document.body.append(dialog);
    dialog.showModal();
  });
}
