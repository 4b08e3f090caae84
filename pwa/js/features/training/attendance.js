// Attendance is a set: one record per (session, household), however often or by whom checked in.

import { recordsBy } from "../../db.js";
import { recordChange } from "../../sync/outbox.js";
import { uuid7 } from "../../uuid.js";

/** The attendance records of a session. */
export function attendanceOf(sessionId) {
  return recordsBy("attendance", "session_id", sessionId);
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
