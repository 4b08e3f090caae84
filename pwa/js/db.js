// The one owner of the IndexedDB schema and its migrations.
// Inside a transaction we only ever wait on IndexedDB requests: anything else (fetch, timers)
// would let the transaction commit early. Fetch first, then write.

import { SessionAttendance } from "./session-attendance.js";

const DB_NAME = "lensan";
const DB_VERSION = 5;

const FIRST_ENTITIES = [
  "household",
  "consent",
  "marketplace_account",
  "payment_account",
  "training_session",
  "attendance",
];
// Bulletins come with the pull only; a bulletin told at a session is written like attendance.
export const ENTITIES = [...FIRST_ENTITIES, "bulletin", "bulletin_told"];
export const OUTBOX = "outbox";
export const META = "meta";
// Attendance is found by its natural key, as the server merges it and as pulls name it; its `id`,
// when the phone knows one, is the record id its changes are sent under. Every other record by id.
export const KEYS = { attendance: ["session_id", "household_id"] };

/** The stores of attendance: one record per training session, and who came to it (session-attendance.js). */
export const ATTENDANCE = "attendance_by_session";
export const CAME = "came_to_session";

let opening = null;

/** Create or migrate the stores, one `if (oldVersion < N)` step per schema version. */
function upgrade(db, oldVersion, tx) {
  if (oldVersion < 1) {
    for (const entity of FIRST_ENTITIES.filter((name) => name !== "attendance")) {
      const store = db.createObjectStore(entity, { keyPath: "id" });
      if (["consent", "marketplace_account", "payment_account"].includes(entity)) {
        store.createIndex("household_id", "household_id");
      }
      if (entity === "training_session") store.createIndex("held_on", "held_on");
    }
    const outbox = db.createObjectStore(OUTBOX, { keyPath: "seq", autoIncrement: true });
    outbox.createIndex("record_id", "record_id");
    outbox.createIndex("state", "state");
    db.createObjectStore(META, { keyPath: "key" });
  }
  // Version 2 keyed attendance by (session_id, household_id); version 5 does it too (below).
  if (oldVersion < 3) {
    db.createObjectStore("bulletin", { keyPath: "id" });
    db.createObjectStore("bulletin_told", { keyPath: "id" }).createIndex("session_id", "session_id");
  }
  // Version 4: households by their server ref, which pulled attendance names them by (refs=1).
  if (oldVersion < 4) tx.objectStore("household").createIndex("ref", "ref");
  // Version 5: attendance as one record per session.
  if (oldVersion < 1) attendanceStores(db);
  else if (oldVersion < 5) attendanceBySession(db, tx);
}

function attendanceStores(db, options) {
  const store = db.createObjectStore(ATTENDANCE, { keyPath: "session_id" });
  const came = db.createObjectStore(CAME, { keyPath: "session_id" });
  came.createIndex("present", "present"); // the session list reads the counts along it
  return new SessionAttendance(store, came, options);
}

// Version 5: attendance rows, one record each until now (by id in version 1, by their pair from
// version 2), go into one record per session. Requests of a transaction finish in order, so the
// rows are read when the outbox is. Of two copies of a pair (version 1) the one with queued
// changes goes in last and wins: its id is the one the outbox refers to.
function attendanceBySession(db, tx) {
  const records = tx.objectStore("attendance").getAll();
  const outbox = tx.objectStore(OUTBOX).getAll();
  outbox.onsuccess = () => {
    const queued = new Set(outbox.result.map((entry) => entry.record_id));
    db.deleteObjectStore("attendance");
    const sessions = attendanceStores(db, { empty: true });
    const rows = records.result.filter((row) => row.session_id && row.household_id);
    for (const row of rows.filter((r) => !queued.has(r.id))) sessions.put(row);
    for (const row of rows.filter((r) => queued.has(r.id))) sessions.put(row);
    sessions.flush();
  };
}

/** The open database (opened, and migrated if needed, on first use). */
export function openDb() {
  if (!opening) {
    opening = new Promise((resolve, reject) => {
      const request = indexedDB.open(DB_NAME, DB_VERSION);
      request.onupgradeneeded = (event) => upgrade(request.result, event.oldVersion, request.transaction);
      request.onsuccess = () => {
        const db = request.result;
        // Another tab upgrading the schema: let it, this tab reloads on its next start.
        db.onversionchange = () => {
          db.close();
          opening = null;
        };
        resolve(db);
      };
      request.onerror = () => reject(request.error);
      request.onblocked = () => reject(new Error("database upgrade blocked by another tab"));
    });
  }
  return opening;
}

/** A promise for an IDBRequest's result. */
export function done(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/**
 * Run `work(stores)` in one transaction (`stores.attendance` is a SessionAttendance); resolves with its result once the transaction commits.
 * `durability: "relaxed"` (for data the server still holds, such as a pulled page) commits without
 * waiting for the disk: a page lost to a crash is pulled again, its cursor being lost with it.
 */
export async function transaction(storeNames, mode, work, { durability = "default" } = {}) {
  const db = await openDb();
  const names = storeNames.flatMap((name) => (name === "attendance" ? [ATTENDANCE, CAME] : [name]));
  const tx = db.transaction(names, mode, { durability });
  const stores = Object.fromEntries(
    storeNames.map((name) => [name, name === "attendance" ? null : tx.objectStore(name)]),
  );
  // Attendance is read and written through its sessions, each written back once at the end.
  if ("attendance" in stores)
    stores.attendance = new SessionAttendance(tx.objectStore(ATTENDANCE), tx.objectStore(CAME));
  const committed = new Promise((resolve, reject) => {
    tx.oncomplete = resolve;
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error || new Error("transaction aborted"));
  });
  let result;
  try {
    result = await work(stores, tx);
    stores.attendance?.flush();
  } catch (error) {
    try {
      tx.abort();
    } catch {
      // already finished
    }
    throw error;
  }
  await committed;
  return result;
}

/**
 * The stored record a change refers to, inside a transaction holding its store: by id, or for
 * attendance by the pair in the change's fields. Undefined if there is none.
 */
export function recordFor(stores, entity, id, fields = {}) {
  if (KEYS[entity]) return stores[entity].find(storeKey(entity, id, fields));
  if (id === undefined || id === null) return Promise.resolve(undefined);
  return done(stores[entity].get(id));
}

/** The store key of a record or of a change's fields: its id, or its natural key. */
export function storeKey(entity, id, fields) {
  return KEYS[entity] ? KEYS[entity].map((name) => fields[name]) : id;
}

/** One record by id, or undefined (not attendance: it is found by its pair). */
export function getRecord(entity, id) {
  return transaction([entity], "readonly", (s) => recordFor(s, entity, id));
}

/** Every record of an entity (tombstones excluded; not attendance: see features/training/attendance.js). */
export async function allRecords(entity) {
  const rows = await transaction([entity], "readonly", (s) => done(s[entity].getAll()));
  return rows.filter((row) => !row.deleted);
}

/** Records of an entity whose index `name` equals `value` (tombstones excluded). */
export async function recordsBy(entity, name, value) {
  const rows = await transaction([entity], "readonly", (s) => done(s[entity].index(name).getAll(value)));
  return rows.filter((row) => !row.deleted);
}

/** A value kept in the meta store (cursor, last sync, session, language...). */
export async function getMeta(key) {
  const row = await transaction([META], "readonly", (s) => done(s[META].get(key)));
  return row ? row.value : undefined;
}

/** Keep a value in the meta store. */
export function setMeta(key, value) {
  return transaction([META], "readwrite", (s) => done(s[META].put({ key, value })));
}

/** Remove every local record, the outbox and the session: the phone may be handed to someone else. */
export async function deleteEverything() {
  const db = await openDb();
  db.close();
  opening = null;
  await new Promise((resolve, reject) => {
    const request = indexedDB.deleteDatabase(DB_NAME);
    request.onsuccess = resolve;
    request.onerror = () => reject(request.error);
    request.onblocked = resolve; // finishes once other tabs close
  });
}
