// The one owner of the IndexedDB schema and its migrations.
// Inside a transaction we only ever wait on IndexedDB requests: anything else (fetch, timers)
// would let the transaction commit early. Fetch first, then write.

const DB_NAME = "lensan";
const DB_VERSION = 1;

export const ENTITIES = [
  "household",
  "consent",
  "marketplace_account",
  "payment_account",
  "training_session",
  "attendance",
];
export const OUTBOX = "outbox";
export const META = "meta";

let opening = null;

/** Create or migrate the stores, one `if (oldVersion < N)` step per schema version. */
function upgrade(db, oldVersion) {
  if (oldVersion < 1) {
    for (const entity of ENTITIES) {
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
}

/** The open database (opened, and migrated if needed, on first use). */
export function openDb() {
  if (!opening) {
    opening = new Promise((resolve, reject) => {
      const request = indexedDB.open(DB_NAME, DB_VERSION);
      request.onupgradeneeded = (event) => upgrade(request.result, event.oldVersion);
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

/** Run `work(stores)` in one transaction; resolves with its result once the transaction commits. */
export async function transaction(storeNames, mode, work) {
  const db = await openDb();
  const tx = db.transaction(storeNames, mode);
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

/** One record by id, or undefined. */
export function getRecord(entity, id) {
  return transaction([entity], "readonly", (s) => done(s[entity].get(id)));
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
