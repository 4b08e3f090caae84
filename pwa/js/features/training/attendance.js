// Attendance is a set: one record per (session, household), however often or by whom checked in.
// The phone keeps a session's attendance as one record (session-attendance.js).

import { ATTENDANCE, CAME, done, transaction } from "../../db.js";
import { recordsOfSession } from "../../session-attendance.js";
import { outboxEvents, recordChange } from "../../sync/outbox.js";
import { syncEvents } from "../../sync/engine.js";
import { uuid7 } from "../../uuid.js";

/** The attendance records of a session. */
export async function attendanceOf(sessionId) {
  const stored = await transaction([ATTENDANCE], "readonly", (s) => done(s[ATTENDANCE].get(sessionId)));
  return recordsOfSession(stored).filter((row) => !row.deleted);
}

// Who came to which session, read once from the small records beside the sessions' rows (one
// string of household ids a session) and kept until the records change, as the search index is.
let reading = null;

function forget() {
  reading = null;
}
outboxEvents.addEventListener("change", forget);
syncEvents.addEventListener("synced", forget);

async function readWhoCame() {
  const came = await transaction([CAME], "readonly", (s) => done(s[CAME].getAll()));
  const present = new Map();
  const sessionsOf = new Map();
  for (const session of came) {
    present.set(session.session_id, session.present);
    for (const householdId of session.households.split(" ")) {
      const sessions = sessionsOf.get(householdId);
      if (sessions) sessions.push(session.session_id);
      else sessionsOf.set(householdId, [session.session_id]);
    }
  }
  return { present, sessionsOf };
}

function whoCame() {
  if (!reading) reading = readWhoCame();
  return reading;
}

/** How many households came to each session: session id -> count. */
export async function presentBySession() {
  return (await whoCame()).present;
}

/** The sessions a household came to, newest first. */
export async function sessionsAttendedBy(householdId) {
  const ids = (await whoCame()).sessionsOf.get(householdId) || [];
  const sessions = await transaction(["training_session"], "readonly", (s) =>
    Promise.all(ids.map((id) => done(s.training_session.get(id)))),
  );
  return sessions
    .filter((training) => training && !training.deleted)
    .sort((a, b) => (b.held_on || "").localeCompare(a.held_on || ""));
}

/** Check a household in (method: search, qr or new); false if it was already checked in. */
export async function checkIn(sessionId, household, method) {
  const present = await attendanceOf(sessionId);
  if (present.some((a) => a.household_id === household.id)) return false;
  const fields = { session_id: sessionId, household_id: household.id, attendee_name: household.head_name, method };
  await recordChange("attendance", uuid7(), fields);
  return true;
}

/** Undo a check-in made by mistake. */
export function undoCheckIn(attendance) {
  const { session_id, household_id } = attendance;
  return recordChange("attendance", attendance.id, { session_id, household_id }, "delete");
}
