// On a session: the live bulletins for its commune, and "told the households" for each, written
// through the outbox like any other change (the server keeps one per bulletin and session).

import { recordsBy } from "../../db.js";
import { _ } from "../../i18n.js";
import { recordChange } from "../../sync/outbox.js";
import { h, replace } from "../../ui/h.js";
import { uuid7 } from "../../uuid.js";
import { liveBulletins, reaches, textOf } from "./bulletins.js";

async function rows(training, redraw) {
  const told = new Set((await recordsBy("bulletin_told", "session_id", training.id)).map((t) => t.bulletin_id));
  const list = [];
  for (const bulletin of await liveBulletins()) {
    if (await reaches(bulletin, training.commune_code)) list.push(bulletin);
  }
  return list.map((bulletin) => {
    const text = textOf(bulletin);
    let action;
    if (told.has(bulletin.id)) {
      action = h("span", { class: "muted", "data-testid": "bulletin-told" }, _("Told the households"));
    } else {
      action = h(
        "button",
        {
          type: "button",
          class: "small",
          onclick: async () => {
            await recordChange("bulletin_told", uuid7(), { bulletin_id: bulletin.id, session_id: training.id });
            redraw();
          },
        },
        _("Mark as told to the households"),
      );
    }
    return h(
      "li",
      { "data-testid": "session-bulletin" },
      h("a", { href: `#/bulletins/${bulletin.id}`, lang: text.language }, text.title),
      " ",
      action,
    );
  });
}

/** The session's bulletins section (nothing when no bulletin reaches its commune). */
export function sessionBulletins(training) {
  const slot = h("section", { class: "card", hidden: true, "data-testid": "session-bulletins" });
  const redraw = async () => {
    const items = await rows(training, redraw);
    slot.hidden = items.length === 0;
    replace(slot, h("h2", {}, _("Bulletins to pass on")), h("ul", { class: "rows" }, items));
  };
  redraw();
  return slot;
}
