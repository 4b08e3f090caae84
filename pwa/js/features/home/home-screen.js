// Home: what waits to be sent, the last sync, today's sessions and the communes' progress.

import { allRecords, getMeta } from "../../db.js";
import { _, formatDate, formatPercent, today } from "../../i18n.js";
import { nameOf, placeNames, reference } from "../../reference.js";
import { session } from "../../session.js";
import { syncEvents } from "../../sync/engine.js";
import { h, listenWhileShown, replace } from "../../ui/h.js";
import { syncStatus } from "../../ui/sync-status.js";
import { bulletinsCard } from "../bulletins/bulletin-screens.js";

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

// One indicator of a commune: percent is the share of households (0..1), target a percentage.
function figure(item) {
  const share = formatPercent(item.percent);
  const text =
    item.target === null || item.target === undefined
      ? share
      : _("%(value)s of target %(target)s", { value: share, target: formatPercent(item.target / 100) });
  return h(
    "li",
    {},
    h("span", {}, nameOf("indicator", item.indicator)),
    h("meter", {
      min: "0",
      max: "1",
      value: String(item.percent ?? 0),
      "aria-label": nameOf("indicator", item.indicator),
    }),
    h("span", { class: "muted" }, text),
  );
}

// This year's progress of each of the trainer's communes, as the last pull brought it.
function progress(communes, names) {
  if (!Array.isArray(communes) || communes.length === 0) return null;
  return h(
    "section",
    { class: "card", "data-testid": "progress" },
    h("h2", {}, _("Progress of my communes")),
    communes.map((commune) =>
      h(
        "section",
        { class: "commune-progress" },
        h("h3", {}, names.get(commune.code) || commune.name),
        h("ul", { class: "rows progress-rows" }, (commune.indicators || []).map(figure)),
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

/** The home screen; the progress is drawn again after every sync (the pull brings new figures). */
export async function renderHome(main) {
  const [trainings, names, ref] = await Promise.all([allRecords("training_session"), placeNames(), reference()]);
  const user = session().user;
  const progressSlot = h("div", {}, progress(ref.progress, names));
  listenWhileShown(progressSlot, syncEvents, "synced", async () => {
    const [fresh, freshNames] = await Promise.all([reference(), placeNames()]);
    replace(progressSlot, progress(fresh.progress, freshNames));
  });
  replace(
    main,
    h("h1", {}, _("Hello, %(name)s", { name: user.display_name || user.username })),
    syncStatus(),
    await storageLine(),
    todaySessions(trainings, names),
    await bulletinsCard(),
    progressSlot,
  );
}
