// The main menu at the bottom of the screen, where a thumb reaches it.

import { _ } from "../i18n.js";
import { h } from "./h.js";

const SECTIONS = () => [
  ["#/", _("Home"), "⌂"],
  ["#/households", _("Households"), "☰"],
  ["#/sessions", _("Training"), "✎"],
  ["#/sync", _("Sync"), "⇅"],
];

/** The navigation bar; `current` is the hash of the section shown. */
export function bottomNav() {
  const nav = h("nav", { class: "bottom-nav", "aria-label": _("Main") });
  for (const [href, label, icon] of SECTIONS()) {
    nav.append(h("a", { href }, h("span", { class: "icon", "aria-hidden": "true" }, icon), h("span", {}, label)));
  }
  return nav;
}

/** Mark the section that contains `hash` as current. */
export function markCurrent(nav, hash) {
  const section = "#/" + (hash.replace(/^#\/?/, "").split("/")[0] || "");
  for (const link of nav.querySelectorAll("a")) {
    if (link.getAttribute("href") === section) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
}
