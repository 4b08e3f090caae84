// Training sessions on this phone, newest first.

import { allRecords } from "../../db.js";
import { presentBySession } from "./attendance.js";
import { _, formatDate, formatNumber } from "../../i18n.js";
import { nameOf, placeNames } from "../../reference.js";
import { h, replace } from "../../ui/h.js";

/** The session list screen. */
export async function renderSessionList(main) {
  const [trainings, counts, names] = await Promise.all([
    allRecords("training_session"),
    presentBySession(),
    placeNames(),
  ]);
  trainings.sort((a, b) => (b.held_on || "").localeCompare(a.held_on || ""));
  replace(
    main,
    h(
      "div",
      { class: "title-row" },
      h("h1", {}, _("Training sessions")),
      h("a", { class: "button primary", href: "#/sessions/new" }, _("New session")),
    ),
    trainings.length
      ? h(
          "ul",
          { class: "rows" },
          trainings.map((t) =>
            h(
              "li",
              {},
              h(
                "a",
                { class: "row-link", href: `#/sessions/${t.id}` },
                h(
                  "strong",
                  {},
                  formatDate(t.held_on),
                  " · ",
                  names.get(t.hamlet_code) || names.get(t.commune_code) || "",
                ),
                h("span", { class: "muted" }, (t.topics || []).map((c) => nameOf("topic", c)).join(", ")),
                h("span", { class: "muted" }, _("%(count)s present", { count: formatNumber(counts.get(t.id) || 0) })),
              ),
            ),
          ),
        )
      : h("p", { class: "muted" }, _("No session yet.")),
  );
}
