// Training sessions on this phone, newest first.

import { allRecords } from "../../db.js";
import { presentBySession } from "./attendance.js";
import { _, formatNumber } from "../../i18n.js";
import { placeNames } from "../../reference.js";
import { h, replace } from "../../ui/h.js";
import { sessionRow } from "../../ui/session-row.js";

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
              sessionRow(
                t,
                names,
                h("span", { class: "muted" }, _("%(count)s present", { count: formatNumber(counts.get(t.id) || 0) })),
              ),
            ),
          ),
        )
      : h("p", { class: "muted" }, _("No session yet.")),
  );
}
