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

/** How many households came to each session: session id -> count (read along an index, without the ids). */
export async function presentBySession() {
  const counts = new Map();
  await transaction([CAME], "readonly", (s) =>
    eachStep(s[CAME].index("present").openKeyCursor(), (cursor) => counts.set(cursor.primaryKey, cursor.key)),
  );
  return counts;
}

// Steps through a cursor; resolves at its end.
function eachStep(request, visit) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => {
      if (!request.result) return resolve();
      visit(request.result);
      request.result.continue();
    };
    request.onerror = () => reject(request.error);
  });
}

// Who came to every session (one string of household ids a session), read once and kept until
// attendance changes, as the search index is: a household's sessions are the strings holding its
// id. An index on households in IndexedDB cost a first sync 3 s more (bench/phone_first_sync.py).
let reading = null;

function forget() {
  reading = null;
}
outboxEvents.addEventListener("change", forget);
syncEvents.addEventListener("synced", forget);

function readWhoCame() {
  return transaction([CAME], "readonly", (s) => done(s[CAME].getAll()));
}

/** The sessions a household came to, newest first. */
export async function sessionsAttendedBy(householdId) {
  if (!reading) {
    reading = readWhoCame();
    reading.catch(forget);
  }
  const ids = (await reading).filter((came) => came.households.includes(householdId)).map((came) => came.session_id);
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
