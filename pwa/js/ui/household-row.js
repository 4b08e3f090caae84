// One household in a list: name, hamlet, phone and the code on its address label, as a link or
// with an action button.

import { _ } from "../i18n.js";
import { householdCode } from "../public-code.js";
import { h } from "./h.js";

/** A household's summary; a link when `href` is given. */
export function householdRow(household, names, href, extra = null) {
  const hamlet = names.get(household.hamlet_code) || names.get(household.commune_code) || "";
  const body = [
    h("strong", { class: "name" }, household.head_name || _("(no name)")),
    h(
      "span",
      { class: "muted" },
      [hamlet, household.phone].filter(Boolean).join(" · "),
      hamlet || household.phone ? " · " : "",
      h("span", { class: "household-code" }, householdCode(household.id)),
    ),
  ];
  if (href) return h("a", { class: "row-link", href }, body);
  return h("div", { class: "row" }, h("div", { class: "row-text" }, body), extra);
}
