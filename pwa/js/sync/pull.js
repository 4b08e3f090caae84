// Pull: fetch every change in scope since our cursor, page by page, and store it locally.
// A record with changes still in the outbox keeps its local values for those fields.
// A page lists each kind of record once as column names and rows of values (docs/sync.md).
//
// Scope changes come with the reference data of the first page. Communes given to the trainer
// bring records older than our cursor: they are fetched for those communes alone from cursor 0
// (a "catch-up", remembered until done so that an interrupted sync resumes it), while our own
// cursor stays. Records of communes taken away are removed from the phone.

import { forgetReference } from "../reference.js";
import { get } from "../api.js";
import { ENTITIES, KEYS, META, OUTBOX, done, storeKey, transaction } from "../db.js";

const PAGE_SIZE = 500;
const PULL = "/api/v1/sync/pull?";

/** Pull until the server has nothing more; `onPage(cursor)` is told after each stored page. */
export async function pull(onPage = () => {}) {
  let cursor = (await getMeta("cursor")) || 0;
  let first = true;
  for (;;) {
    // Reference data (places, vocabularies, scope, progress) comes with the first page of every pull.
    const page = await get(PULL + `cursor=${cursor}&limit=${PAGE_SIZE}` + (first ? "&reference=1" : ""));
    await storePage(page, cursor);
    if (page.reference) forgetReference(); // screens opened from now on read the new scope
    cursor = page.next_cursor;
    first = false;
    onPage(cursor);
    if (!page.has_more) break;
  }
  await catchUp(onPage);
  return cursor;
}

function getMeta(key) {
  return transaction([META], "readonly", async (s) => (await done(s[META].get(key)))?.value);
}

// Stores one page of our own pull; the cursor moves in the same transaction as the records it covers.
async function storePage(page, cursor) {
  await transaction([...ENTITIES, OUTBOX, META], "readwrite", async (s) => {
    await storeChanges(s, page);
    if (page.reference) await storeReference(s, page.reference, cursor);
    const current = (await done(s[META].get("cursor")))?.value || 0;
    if (current === cursor) s[META].put({ key: "cursor", value: page.next_cursor });
  });
}

// Fetch the records of communes given to the trainer since the last pull, from cursor 0.
async function catchUp(onPage) {
  for (;;) {
    const pending = await getMeta("catch_up");
    if (!pending) return;
    const only = pending.communes ? "&communes=" + encodeURIComponent(pending.communes.join(",")) : "";
    const page = await get(PULL + `cursor=${pending.cursor}&limit=${PAGE_SIZE}` + only);
    await transaction([...ENTITIES, OUTBOX, META], "readwrite", async (s) => {
      await storeChanges(s, page);
      const now = (await done(s[META].get("catch_up")))?.value;
      if (JSON.stringify(now) !== JSON.stringify(pending)) return; // the scope changed again meanwhile
      if (page.has_more) s[META].put({ key: "catch_up", value: { ...pending, cursor: page.next_cursor } });
      else s[META].delete("catch_up");
    });
    onPage(null);
  }
}

async function storeChanges(s, page) {
  for (const [entity, block] of Object.entries(page.records || {})) {
    if (!ENTITIES.includes(entity)) continue;
    for (const row of block.rows) await storeChange(s, entity, named(block.columns, row));
  }
  for (const [entity, block] of Object.entries(page.exits || {})) {
    if (!ENTITIES.includes(entity)) continue;
    for (const row of block.rows) await dropRecord(s, entity, named(block.columns, row));
  }
}

function named(columns, row) {
  const values = {};
  for (let i = 0; i < columns.length; i++) values[columns[i]] = row[i];
  return values;
}

// Changes queued in the outbox for a stored record (attendance is queued under the id it has, if any).
async function queuedFor(s, entity, record, id) {
  const recordId = KEYS[entity] ? record?.id : id;
  if (!recordId) return [];
  return done(s[OUTBOX].index("record_id").getAll(recordId));
}

async function storeChange(s, entity, values) {
  const { id, version, deleted, ...fields } = values;
  const store = s[entity];
  const key = storeKey(entity, id, fields);
  const existing = await done(store.get(key));
  const pending = await queuedFor(s, entity, existing, id);
  if (deleted) {
    if (pending.length === 0) store.delete(key);
    else if (existing) store.put({ ...existing, version });
    return;
  }
  const localFields = new Set(pending.flatMap((entry) => Object.keys(entry.fields)));
  const pulled = Object.fromEntries(Object.entries(fields).filter(([name]) => !localFields.has(name)));
  const record = { ...existing, ...pulled, version, deleted: pending.some((entry) => entry.op === "delete") };
  if (!KEYS[entity]) record.id = id;
  store.put(record);
}

// A record no longer for this phone (it left the scope): removed unless it has unsent changes.
async function dropRecord(s, entity, values) {
  const key = storeKey(entity, values.id, values);
  const existing = await done(s[entity].get(key));
  if (existing && (await queuedFor(s, entity, existing, values.id)).length === 0) s[entity].delete(key);
  return Boolean(existing);
}

// Keep the new reference; when the scope grew, remember a catch-up, and forget communes taken away.
async function storeReference(s, reference, cursor) {
  const previous = (await done(s[META].get("reference")))?.value?.scope;
  s[META].put({ key: "reference", value: reference });
  const scope = reference.scope;
  if (!previous || !scope) return;
  const added = grownBy(previous, scope);
  // From cursor 0 our own pull brings every commune anyway.
  if (cursor > 0 && (added === null || added.length)) await addCatchUp(s, added);
  if (!scope.everything) {
    const kept = new Set(scope.communes);
    const lost = previous.everything || previous.communes.some((code) => !kept.has(code));
    if (lost) await forgetOutside(s, kept);
  }
}

// The communes the scope gained: null when it became everything.
function grownBy(previous, scope) {
  if (previous.everything) return [];
  if (scope.everything) return null;
  return scope.communes.filter((code) => !previous.communes.includes(code));
}

// `communes` null: everything (the user now sees every commune).
async function addCatchUp(s, communes) {
  const pending = (await done(s[META].get("catch_up")))?.value;
  const all = communes === null || (pending && pending.communes === null);
  const union = all ? null : [...new Set([...(pending?.communes || []), ...communes])].sort();
  s[META].put({ key: "catch_up", value: { communes: union, cursor: 0 } });
}

// Remove the records of communes outside `kept` (a household's records and a session's
// attendance go with it), except those with changes still to send.
async function forgetOutside(s, kept) {
  const followers = {
    household: ["consent", "marketplace_account", "payment_account"],
    training_session: ["attendance", "bulletin_told"],
  };
  const link = { household: "household_id", training_session: "session_id" };
  for (const entity of ["household", "training_session"]) {
    const outside = (await done(s[entity].getAll())).filter((record) => !kept.has(record.commune_code));
    for (const record of outside) {
      for (const follower of followers[entity]) {
        for (const row of await done(s[follower].index(link[entity]).getAll(record.id))) {
          await dropRecord(s, follower, row);
        }
      }
      await dropRecord(s, entity, record);
    }
  }
}
