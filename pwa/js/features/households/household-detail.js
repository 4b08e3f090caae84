// One household: what the programme knows about it, and the way to edit it.

import { _, formatDate, formatNumber } from "../../i18n.js";
import { householdCode } from "../../public-code.js";
import { nameOf, placeNames } from "../../reference.js";
import { h, replace } from "../../ui/h.js";
import { sessionRow } from "../../ui/session-row.js";
import { sessionsAttendedBy } from "../training/attendance.js";
import { loadHousehold } from "./household-records.js";

function fact(label, value) {
  return [h("dt", {}, label), h("dd", {}, value || "—")];
}

function accounts(title, list, nameKind, key) {
  return h(
    "section",
    { class: "card" },
    h("h2", {}, title),
    list.length
      ? h(
          "ul",
          { class: "rows" },
          list.map((account) =>
            h(
              "li",
              {},
              nameOf(nameKind, account[key]),
              account.shop_name ? ` · ${account.shop_name}` : "",
              " · ",
              nameOf("status", account.status),
            ),
          ),
        )
      : h("p", { class: "muted" }, _("None recorded.")),
  );
}

function consentList(consents) {
  return h(
    "ul",
    { class: "rows" },
    [...consents.values()].map((c) =>
      h(
        "li",
        {},
        nameOf("consent", c.purpose),
        ": ",
        c.given ? _("Yes") : _("No"),
        " ",
        h("span", { class: "muted" }, formatDate((c.recorded_at || "").slice(0, 10))),
      ),
    ),
  );
}

// The sessions the household came to: how many, and the latest, each opening its roster.
const LATEST_SESSIONS = 10;

function sessionList(sessions, names) {
  return h(
    "section",
    { class: "card", "data-testid": "sessions-attended" },
    h("h2", {}, _("Training sessions"), sessions.length ? ` · ${formatNumber(sessions.length)}` : ""),
    sessions.length
      ? h(
          "ul",
          { class: "rows" },
          sessions.slice(0, LATEST_SESSIONS).map((t) => h("li", {}, sessionRow(t, names))),
        )
      : h("p", { class: "muted" }, _("None recorded.")),
  );
}

/** The household detail screen. */
export async function renderHouseholdDetail(main, { id }) {
  const found = await loadHousehold(id);
  if (!found) return replace(main, h("h1", {}, _("This household is not on this phone.")));
  const { household, consents, marketplace, payment } = found;
  const [names, sessions] = await Promise.all([placeNames(), sessionsAttendedBy(id)]);
  replace(
    main,
    h(
      "div",
      { class: "title-row" },
      h("h1", {}, household.head_name),
      h("a", { class: "button primary", href: `#/households/${id}/edit` }, _("Edit")),
    ),
    h(
      "dl",
      { class: "card facts" },
      fact(
        _("Household code"),
        h("span", { class: "household-code", "data-testid": "household-code" }, householdCode(id)),
      ),
      fact(_("Phone"), household.phone),
      fact(_("Commune"), names.get(household.commune_code)),
      fact(_("Hamlet"), names.get(household.hamlet_code)),
      fact(_("Preferred language"), nameOf("language", household.preferred_language)),
      fact(_("Smartphone"), nameOf("smartphone", household.smartphone)),
      fact(_("Plus Code"), household.plus_code),
    ),
    accounts(_("Seller accounts"), marketplace, "platform", "platform"),
    accounts(_("E-payment accounts"), payment, "provider", "provider"),
    h(
      "section",
      { class: "card" },
      h("h2", {}, _("Consent")),
      consents.size ? consentList(consents) : h("p", { class: "muted" }, _("Not asked yet.")),
    ),
    sessionList(sessions, names),
  );
}
