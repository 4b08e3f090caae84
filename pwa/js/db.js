// The one owner of the IndexedDB schema and its migrations.
// Inside a transaction we only ever wait on IndexedDB requests: anything else (fetch, timers)
// would let the transaction commit early. Fetch first, then write.

const DB_NAME = "lensan";
const DB_VERSION = 4;

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
// Attendance is stored by its natural key, as the server merges it and as pulls name it; its `id`,
// when the phone knows one, is the record id its changes are sent under. Every other record by id.
export const KEYS = { attendance: ["session_id", "household_id"] };

let opening = null;

/** Create or migrate the stores, one `if (oldVersion < N)` step per schema version. */
function upgrade(db, oldVersion, tx) {
  if (oldVersion < 1) {
    for (const entity of FIRST_ENTITIES) {
      const store = db.createObjectStore(entity, { keyPath: "id" });
      if (["consent", "marketplace_account", "payment_account", "attendance"].includes(entity)) {
        store.createIndex("household_id", "household_id");
      }
      if (entity === "attendance") store.createIndex("session_id", "session_id");
      if (entity === "training_session") store.createIndex("held_on", "held_on");
    }
    const outbox = db.createObjectStore(OUTBOX, { keyPath: "seq", autoIncrement: true });
    outbox.createIndex("record_id", "record_id");
    outbox.createIndex("state", "state");
    db.createObjectStore(META, { keyPath: "key" });
  }
  if (oldVersion < 2) keyAttendanceByPair(db, tx);
  if (oldVersion < 3) {
    db.createObjectStore("bulletin", { keyPath: "id" });
    db.createObjectStore("bulletin_told", { keyPath: "id" }).createIndex("session_id", "session_id");
  }
  // Version 4: households by their server ref, which pulled attendance names them by (refs=1).
  if (oldVersion < 4) tx.objectStore("household").createIndex("ref", "ref");
}

// Version 2: attendance keyed by (session_id, household_id). Requests of a transaction finish in
// order, so the records are read when the outbox is; a record with queued changes goes in last,
// so it wins over another copy of the same pair (its id is the one the outbox refers to).
function keyAttendanceByPair(db, tx) {
  const records = tx.objectStore("attendance").getAll();
  const outbox = tx.objectStore(OUTBOX).getAll();
  outbox.onsuccess = () => {
    const queued = new Set(outbox.result.map((entry) => entry.record_id));
    db.deleteObjectStore("attendance");
    const store = db.createObjectStore("attendance", { keyPath: KEYS.attendance });
    store.createIndex("household_id", "household_id");
    store.createIndex("session_id", "session_id");
    store.createIndex("id", "id");
    const rows = records.result.filter((row) => row.session_id && row.household_id);
    for (const row of rows.filter((r) => !queued.has(r.id))) store.put(row);
    for (const row of rows.filter((r) => queued.has(r.id))) store.put(row);
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
 * Run `work(stores)` in one transaction; resolves with its result once the transaction commits.
 * `durability: "relaxed"` (for data the server still holds, such as a pulled page) commits without
 * waiting for the disk: a page lost to a crash is pulled again, its cursor being lost with it.
 */
export async function transaction(storeNames, mode, work, { durability = "default" } = {}) {
  const db = await openDb();
  const tx = db.transaction(storeNames, mode, { durability });
  const stores = Object.fromEntries(storeNames.map((name) => [name, tx.objectStore(name)]));
  const committed = new Promise((resolve, reject) => {
    tx.oncomplete = resolve;
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error || new Error("transaction aborted"));
  });
  let result;
  try {
    result = await work(stores, tx);
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

/** The stored record a record id refers to (inside a transaction holding its `store`), or undefined. */
export function recordById(store, entity, id) {
  if (id === undefined || id === null) return Promise.resolve(undefined);
  return done(KEYS[entity] ? store.index("id").get(id) : store.get(id));
}

/** The store key of a record or of a change's fields: its id, or its natural key. */
export function storeKey(entity, id, fields) {
  return KEYS[entity] ? KEYS[entity].map((name) => fields[name]) : id;
}

/** One record by id, or undefined. */
export function getRecord(entity, id) {
  return transaction([entity], "readonly", (s) => recordById(s[entity], entity, id));
}

/** Every record of an entity (tombstones excluded). */
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
