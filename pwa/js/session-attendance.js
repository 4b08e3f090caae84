// Attendance on the phone: one IndexedDB record per training session, holding the session's
// rows keyed by household ({session_id, rows: {household_id: row}}). A first sync brings
// 100,000 rows; stored one record each (with their indexes) they went at 2,400–3,000 rows/s, as
// one record per session at tens of thousands. A row is what the server calls an attendance
// record without the pair that keys it: {version, attendee_name, method, id?, deleted?} (`id`
// when the phone knows the record id its changes go under; `deleted` for a local undo not yet
// sent).
//
// Beside it, a small record per session lists who came: {session_id, present (a count),
// households (their ids, space-separated)}. The session list's counts and a household's
// sessions read those (one string a session) instead of every row; an index on households
// would cost IndexedDB a write per check-in.
//
// Code outside db.js sees attendance records as before, {session_id, household_id, ...row}, through
// a SessionAttendance: a transaction's view of the sessions it touches, each read once and
// written back once when the transaction's work is done (db.js `transaction` does it).

/** The attendance records of one stored session record, tombstones included. */
export function recordsOfSession(stored) {
  if (!stored) return [];
  return Object.entries(stored.rows).map(([householdId, row]) => ({
    session_id: stored.session_id,
    household_id: householdId,
    ...row,
  }));
}

/** Who came to a stored session: its record in the store beside it. */
function whoCame(stored) {
  const households = Object.keys(stored.rows).filter((householdId) => !stored.rows[householdId].deleted);
  return { session_id: stored.session_id, present: households.length, households: households.join(" ") };
}

/** The sessions' attendance one transaction reads and changes; see the top of this file. */
export class SessionAttendance {
  /**
   * `store` holds the sessions' rows and `came` who came to each; `empty`: the stores are new,
   * so a session not read has no record (the storage migration).
   */
  constructor(store, came, { empty = false } = {}) {
    this.store = store;
    this.came = came;
    this.empty = empty;
    this.sessions = new Map(); // session id -> its stored record, or null: read, none stored
    this.reading = new Map(); // session id -> the read under way
    this.changed = new Set();
  }

  /** Read the sessions not read yet, all at once. */
  async load(sessionIds) {
    const wanted = [...new Set(sessionIds)].filter((id) => id != null && !this.sessions.has(id));
    await Promise.all(wanted.map((id) => this.read(id)));
  }

  read(sessionId) {
    if (!this.reading.has(sessionId)) {
      const request = this.store.get(sessionId);
      this.reading.set(
        sessionId,
        new Promise((resolve, reject) => {
          request.onsuccess = () => {
            this.sessions.set(sessionId, request.result || null);
            resolve();
          };
          request.onerror = () => reject(request.error);
        }),
      );
    }
    return this.reading.get(sessionId);
  }

  /** The record of a (session_id, household_id) pair, read if need be; undefined if none. */
  async find(key) {
    await this.load([key[0]]);
    return this.get(key);
  }

  /** The record of a pair whose session was read (load), or undefined. */
  get([sessionId, householdId]) {
    const row = this.loaded(sessionId)?.rows[householdId];
    return row ? { session_id: sessionId, household_id: householdId, ...row } : undefined;
  }

  /** The records of a session that was read, tombstones included. */
  recordsOf(sessionId) {
    return recordsOfSession(this.loaded(sessionId));
  }

  /** Store a record (its pair from its fields) in its session, which was read. */
  put(record) {
    const { session_id: sessionId, household_id: householdId, ...row } = record;
    if (!row.deleted) delete row.deleted;
    if (row.id == null) delete row.id;
    const stored = this.loaded(sessionId) || { session_id: sessionId, rows: {} };
    stored.rows[householdId] = row;
    this.sessions.set(sessionId, stored);
    this.changed.add(sessionId);
  }

  /** Remove the record of a pair from its session, which was read. */
  delete([sessionId, householdId]) {
    const stored = this.loaded(sessionId);
    if (!stored || !(householdId in stored.rows)) return;
    delete stored.rows[householdId];
    this.changed.add(sessionId);
  }

  /** Write every changed session once, and who came to it: a session left without rows is removed. */
  flush() {
    for (const sessionId of this.changed) {
      const stored = this.sessions.get(sessionId);
      if (stored && Object.keys(stored.rows).length) {
        this.store.put(stored);
        this.came.put(whoCame(stored));
      } else {
        this.store.delete(sessionId);
        this.came.delete(sessionId);
      }
    }
    this.changed.clear();
  }

  loaded(sessionId) {
    if (!this.sessions.has(sessionId) && this.empty) return null;
    if (!this.sessions.has(sessionId)) throw new Error(`attendance of session ${sessionId} was not read`);
    return this.sessions.get(sessionId);
  }
}
