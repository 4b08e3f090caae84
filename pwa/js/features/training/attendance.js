// Attendance is a set: one record per (session, household), however often or by whom checked in.
// The phone keeps a session's attendance as one record (session-attendance.js).

import { ATTENDANCE, done, eachStep, transaction } from "../../db.js";
import { recordsOfSession } from "../../session-attendance.js";
import { recordChange } from "../../sync/outbox.js";
import { uuid7 } from "../../uuid.js";

/** The attendance records of a session. */
export async function attendanceOf(sessionId) {
  const stored = await transaction([ATTENDANCE], "readonly", (s) => done(s[ATTENDANCE].get(sessionId)));
  return recordsOfSession(stored).filter((row) => !row.deleted);
}

/** How many households came to each session: session id -> count. */
export async function presentBySession() {
  // The count kept in each session's record, read along its index without reading the rows.
  const counts = new Map();
  await transaction([ATTENDANCE], "readonly", (s) =>
    eachStep(s[ATTENDANCE].index("present").openKeyCursor(), (cursor) => counts.set(cursor.primaryKey, cursor.key)),
  );
  return counts;
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
