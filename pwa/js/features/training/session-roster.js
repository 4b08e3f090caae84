// A session: check attendees in (search, QR label, or register on the spot), record what changed
// for each household in one or two taps, and see who came.

import { getRecord } from "../../db.js";
import { _, formatDate, formatNumber } from "../../i18n.js";
import { recordId } from "../../public-code.js";
import { nameOf, placeNames } from "../../reference.js";
import { searchHouseholds } from "../../search/household-index.js";
import { h, replace } from "../../ui/h.js";
import { householdRow } from "../../ui/household-row.js";
import { notice } from "../../ui/notice.js";
import { sessionBulletins } from "../bulletins/session-bulletins.js";
import { attendanceOf, checkIn } from "./attendance.js";
import { openScanner } from "./qr-scanner.js";
import { quickChanges } from "./quick-changes.js";

// The label's QR holds the household's public code: its id in base32 (server/public/codes.py).
async function householdForCode(code) {
  const id = recordId(code);
  const household = id ? await getRecord("household", id) : null;
  return household && !household.deleted ? household : null;
}

function searchPanel(sessionId, names, refresh) {
  const results = h("ul", { class: "rows", "data-testid": "check-in-results" });
  const input = h("input", {
    type: "search",
    placeholder: _("Name, phone or hamlet"),
    "aria-label": _("Find a household to check in"),
    autocomplete: "off",
  });
  input.addEventListener("input", async () => {
    if (!input.value.trim()) return replace(results);
    const present = new Set((await attendanceOf(sessionId)).map((a) => a.household_id));
    const { households } = await searchHouseholds(input.value, 8);
    replace(
      results,
      households.map((household) => {
        const button = h(
          "button",
          { type: "button", class: "primary small", disabled: present.has(household.id) },
          present.has(household.id) ? _("Present") : _("Check in"),
        );
        button.addEventListener("click", async () => {
          await checkIn(sessionId, household, "search");
          notice(_("%(name)s checked in.", { name: household.head_name }));
          input.value = "";
          replace(results);
          refresh();
        });
        return h("li", {}, householdRow(household, names, null, button));
      }),
    );
  });
  return h("section", { class: "card" }, h("h2", {}, _("Check in")), input, results);
}

async function rosterRow(attendance, names, refresh) {
  const household = await getRecord("household", attendance.household_id);
  if (!household) return h("li", {}, attendance.attendee_name);
  return h(
    "li",
    {},
    householdRow(household, names, `#/households/${household.id}`),
    await quickChanges(household, refresh),
  );
}

async function roster(sessionId, names, refresh) {
  const attendance = await attendanceOf(sessionId);
  const rows = await Promise.all(attendance.map((a) => rosterRow(a, names, refresh)));
  return h(
    "section",
    { class: "card" },
    h("h2", {}, _("Present: %(count)s", { count: formatNumber(attendance.length) })),
    h("ul", { class: "rows roster", "data-testid": "roster" }, rows),
  );
}

/** The session screen with check-in and roster. */
export async function renderSessionRoster(main, { id }) {
  const training = await getRecord("training_session", id);
  if (!training || training.deleted) return replace(main, h("h1", {}, _("This session is not on this phone.")));
  const names = await placeNames();
  const rosterSlot = h("div");
  const refresh = async () => replace(rosterSlot, await roster(id, names, refresh));
  const scannerSlot = h("div");
  let stopScanner = null;
  const scan = h("button", { type: "button" }, _("Scan a label's QR code"));
  scan.addEventListener("click", () => {
    stopScanner = openScanner(scannerSlot, async (code) => {
      const household = await householdForCode(code);
      if (!household) return false;
      const added = await checkIn(id, household, "qr");
      notice(
        added
          ? _("%(name)s checked in.", { name: household.head_name })
          : _("%(name)s is already checked in.", { name: household.head_name }),
      );
      refresh();
      return true;
    });
  });
  replace(
    main,
    h(
      "h1",
      {},
      formatDate(training.held_on),
      " · ",
      names.get(training.hamlet_code) || names.get(training.commune_code) || "",
    ),
    h("p", { class: "muted" }, (training.topics || []).map((t) => nameOf("topic", t)).join(", ")),
    searchPanel(id, names, refresh),
    h(
      "div",
      { class: "actions" },
      scan,
      h("a", { class: "button", href: `#/households/new?session=${id}` }, _("Register a new household")),
      h("a", { class: "button", href: `#/sessions/${id}/edit` }, _("Edit session")),
    ),
    scannerSlot,
    rosterSlot,
    sessionBulletins(training),
  );
  await refresh();
  return () => stopScanner && stopScanner();
}
