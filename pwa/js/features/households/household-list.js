// Households: search as you type by name, phone, hamlet or the household code printed on the
// address label, ignoring Vietnamese diacritics.

import { _, formatNumber } from "../../i18n.js";
import { placeNames } from "../../reference.js";
import { searchHouseholds } from "../../search/household-index.js";
import { syncEvents } from "../../sync/engine.js";
import { h, listenWhileShown, replace } from "../../ui/h.js";
import { householdRow } from "../../ui/household-row.js";

/** The household list screen. */
export async function renderHouseholdList(main) {
  const names = await placeNames();
  const results = h("ul", { class: "rows", "data-testid": "household-results" });
  const count = h("p", { class: "muted", role: "status" });
  const input = h("input", {
    type: "search",
    name: "q",
    placeholder: _("Name, phone, hamlet or household code"),
    "aria-label": _("Search households"),
    autocomplete: "off",
  });
  const show = async () => {
    const { households, total } = await searchHouseholds(input.value);
    replace(count, _("%(count)s households", { count: formatNumber(total) }));
    replace(
      results,
      households.map((household) => h("li", {}, householdRow(household, names, `#/households/${household.id}`))),
    );
  };
  input.addEventListener("input", show);
  listenWhileShown(results, syncEvents, "synced", show); // a sync may bring households the search should show
  replace(
    main,
    h(
      "div",
      { class: "title-row" },
      h("h1", {}, _("Households")),
      h("a", { class: "button primary", href: "#/households/new" }, _("Register")),
    ),
    input,
    count,
    results,
  );
  await show();
}
