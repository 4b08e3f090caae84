// Home: what waits to be sent, the last sync, today's sessions and the communes' progress.

import { allRecords, getMeta } from "../../db.js";
import { _, formatDate, formatPercent, today } from "../../i18n.js";
import { nameOf, placeNames, reference } from "../../reference.js";
import { session } from "../../session.js";
import { h, replace } from "../../ui/h.js";
import { syncStatus } from "../../ui/sync-status.js";

function sessionLink(training, names) {
  const place = names.get(training.hamlet_code) || names.get(training.commune_code) || "";
  return h(
    "li",
    {},
    h(
      "a",
      { class: "row-link", href: `#/sessions/${training.id}` },
      h("strong", {}, training.title || training.topics.map((t) => nameOf("topic", t)).join(", ")),
      h("span", { class: "muted" }, place),
    ),
  );
}

function todaySessions(trainings, names) {
  const list = trainings.filter((t) => t.held_on === today());
  return h(
    "section",
    { class: "card" },
    h("h2", {}, _("Today's sessions"), " · ", formatDate(today())),
    list.length
      ? h(
          "ul",
          { class: "rows" },
          list.map((t) => sessionLink(t, names)),
        )
      : h("p", { class: "muted" }, _("No session today.")),
    h("a", { class: "button", href: "#/sessions/new" }, _("New session")),
  );
}

// Progress rows from the last pull: {place_code, indicator, value (0..1), target (0..1)}.
function progress(rows, names) {
  if (!Array.isArray(rows) || rows.length === 0) return null;
  return h(
    "section",
    { class: "card" },
    h("h2", {}, _("Progress of my communes")),
    h(
      "ul",
      { class: "rows progress-rows" },
      rows.map((row) =>
        h(
          "li",
          {},
          h("span", {}, names.get(row.place_code) || row.place_code, " · ", nameOf("indicator", row.indicator)),
          h("meter", {
            min: "0",
            max: "1",
            value: String(row.value ?? 0),
            "aria-label": nameOf("indicator", row.indicator),
          }),
          h(
            "span",
            { class: "muted" },
            _("%(value)s of target %(target)s", { value: formatPercent(row.value), target: formatPercent(row.target) }),
          ),
        ),
      ),
    ),
  );
}

async function storageLine() {
  const persisted = await getMeta("storage_persisted");
  return h(
    "p",
    { class: persisted ? "muted" : "warn", "data-testid": "storage-state" },
    persisted
      ? _("Storage: kept on this phone (the browser will not clear it).")
      : _("Storage: the browser may clear it when space runs low. Sync often."),
  );
}

/** The home screen. */
export async function renderHome(main) {
  const [trainings, names, ref] = await Promise.all([allRecords("training_session"), placeNames(), reference()]);
  const user = session().user;
  replace(
    main,
    h("h1", {}, _("Hello, %(name)s", { name: user.display_name || user.username })),
    syncStatus(),
    await storageLine(),
    todaySessions(trainings, names),
    progress(ref.progress, names),
  );
}
