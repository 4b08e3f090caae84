// One training session in a list: its date and place, its topics and what the list adds; opens
// the session's roster.

import { formatDate } from "../i18n.js";
import { nameOf } from "../reference.js";
import { h } from "./h.js";

/** A link to a session's roster, with `extra` lines (such as how many came) below its topics. */
export function sessionRow(training, names, ...extra) {
  return h(
    "a",
    { class: "row-link", href: `#/sessions/${training.id}` },
    h(
      "strong",
      {},
      formatDate(training.held_on),
      " · ",
      names.get(training.hamlet_code) || names.get(training.commune_code) || "",
    ),
    h("span", { class: "muted" }, (training.topics || []).map((c) => nameOf("topic", c)).join(", ")),
    ...extra,
  );
}
