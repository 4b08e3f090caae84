// Before a new household is saved: the households already on this phone that it may be, to open
// instead (or to save anyway, when it is another household after all).

import { _ } from "../../i18n.js";
import { placeNames } from "../../reference.js";
import { likelyDuplicates } from "../../search/household-index.js";
import { h } from "../../ui/h.js";
import { householdRow } from "../../ui/household-row.js";

function why(reasons) {
  return reasons
    .map((reason) => (reason === "phone" ? _("Same phone number") : _("Same name in the same hamlet")))
    .join(" · ");
}

/** A warning listing the likely duplicates of `household`, or null when there is none. */
export async function duplicateWarning(household, onSaveAnyway) {
  const found = await likelyDuplicates(household);
  if (!found.length) return null;
  const names = await placeNames();
  const saveAnyway = h("button", { type: "button" }, _("Save anyway: it is another household"));
  saveAnyway.addEventListener("click", onSaveAnyway);
  return h(
    "section",
    { class: "card duplicates", role: "alert", "data-testid": "likely-duplicates" },
    h("h2", {}, _("This household may already be registered")),
    h("p", {}, _("Open the household below instead of registering it twice.")),
    h(
      "ul",
      { class: "rows" },
      found.map(({ household: other, reasons }) =>
        h("li", {}, householdRow(other, names, `#/households/${other.id}`), h("p", { class: "warn" }, why(reasons))),
      ),
    ),
    saveAnyway,
  );
}
