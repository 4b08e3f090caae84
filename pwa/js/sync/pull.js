// Pull: fetch every change in scope since our cursor, page by page, and store it locally.
// A record with changes still in the outbox keeps its local values for those fields.
// A page lists each kind of record once as column names and rows of values (docs/sync.md).
//
// Scope changes come with the reference data of the first page. Communes given to the trainer
// bring records older than our cursor: they are fetched for those communes alone from cursor 0
// (a "catch-up", remembered until done so that an interrupted sync resumes it), while our own
// cursor stays. Records of communes taken away are removed from the phone.
//
// Attendance names its household by the household's short server ref (refs=1, docs/sync.md),
// or by its UUID where the server knows the phone cannot hold it. A phone asks for refs once
// every household it holds came with its ref: from a first sync (cursor 0) on. A ref whose
// household is not on the phone yet (a commune given since, still being caught up) waits in
// META until the household comes.

import { forgetReference } from "../reference.js";
import { get } from "../api.js";
import { ENTITIES, KEYS, META, OUTBOX, done, recordFor, storeKey, transaction } from "../db.js";

const PAGE_SIZE = 5000; // the most the server gives: a page costs the server a fixed part whatever its size
const RELAXED = { durability: "relaxed" };
const PULL = "/api/v1/sync/pull?";
const REFS = "refs"; // META: every household on the phone came with its ref
const WAITING = "waiting_attendance"; // META: pulled attendance rows whose household is not here yet

/** Pull until the server has nothing more; `onPage(cursor)` is told after each stored page. */
export async function pull(onPage = () => {}) {
  let cursor = (await getMeta("cursor")) || 0;
  if (cursor === 0) await setMeta(REFS, true); // every household comes from now on, with its ref
  const refs = (await getMeta(REFS)) ? "&refs=1" : "";
  const known = new Map(); // household ref -> id, of the households this pull has met
  // Reference data (places, vocabularies, scope, progress) comes with the first page of every pull.
  let fetching = get(PULL + `cursor=${cursor}&limit=${PAGE_SIZE}&reference=1` + refs);
  for (;;) {
    const waiting = performance.now();
    const page = await fetching;
    // Where a sync's time goes (bench/phone_first_sync.py reads these): waiting for the server, storing.
    performance.measure("pull:wait", { start: waiting });
    // The next page travels while this one is stored: the server and IndexedDB work side by side.
    fetching = page.has_more ? get(PULL + `cursor=${page.next_cursor}&limit=${PAGE_SIZE}` + refs) : null;
    fetching?.catch(() => {}); // a failed prefetch is reported when it is awaited
    const storing = performance.now();
    await storePage(page, cursor, known);
    performance.measure("pull:store", { start: storing });
    if (page.reference) forgetReference(); // screens opened from now on read the new scope
    cursor = page.next_cursor;
    onPage(cursor);
    if (!fetching) break;
  }
  await catchUp(onPage, refs, known);
  return cursor;
}

function getMeta(key) {
  return transaction([META], "readonly", async (s) => (await done(s[META].get(key)))?.value);
}

function setMeta(key, value) {
  return transaction([META], "readwrite", (s) => done(s[META].put({ key, value })));
}

// Stores one page of our own pull; the cursor moves in the same transaction as the records it covers.
async function storePage(page, cursor, known) {
  await transaction(
    [...ENTITIES, OUTBOX, META],
    "readwrite",
    async (s) => {
      await storeChanges(s, page, known);
      if (page.reference) await storeReference(s, page.reference, cursor);
      const current = (await done(s[META].get("cursor")))?.value || 0;
      if (current === cursor) s[META].put({ key: "cursor", value: page.next_cursor });
    },
    RELAXED,
  );
}

// Fetch the records of communes given to the trainer since the last pull, from cursor 0.
async function catchUp(onPage, refs, known) {
  for (;;) {
    const pending = await getMeta("catch_up");
    if (!pending) return;
    const only = pending.communes ? "&communes=" + encodeURIComponent(pending.communes.join(",")) : "";
    const page = await get(PULL + `cursor=${pending.cursor}&limit=${PAGE_SIZE}` + only + refs);
    await transaction(
      [...ENTITIES, OUTBOX, META],
      "readwrite",
      async (s) => {
        await storeChanges(s, page, known);
        const now = (await done(s[META].get("catch_up")))?.value;
        if (JSON.stringify(now) !== JSON.stringify(pending)) return; // the scope changed again meanwhile
        if (page.has_more) s[META].put({ key: "catch_up", value: { ...pending, cursor: page.next_cursor } });
        else s[META].delete("catch_up");
      },
      RELAXED,
    );
    onPage(null);
  }
}

// One page in one transaction with plain puts: the outbox is read once, and a stored record is
// read only when it has changes still queued (its local values win for those fields); every
// other pulled row is the whole record as the server holds it, so it is put without reading
// what it replaces. Waiting on two reads per row made a first sync take minutes, and asking
// for every row at once still cost a read per row.
async function storeChanges(s, page, known) {
  const blocks = Object.entries(page.records || {}).filter(([entity]) => ENTITIES.includes(entity));
  const exits = Object.entries(page.exits || {}).filter(([entity]) => ENTITIES.includes(entity));
  if (!blocks.length && !exits.length) return;
  const queued = await outboxByRecord(s);
  // Households first: attendance of this page may name them by ref.
  blocks.sort(([a], [b]) => (b === "household") - (a === "household"));
  for (const [entity, block] of blocks) {
    let rows = block.rows.map((row) => named(block.columns, row));
    if (entity === "household") {
      for (const values of rows) if (values.ref != null && !values.deleted) known.set(values.ref, values.id);
      await storeRows(s, entity, rows, queued);
      await storeWaiting(s, known, queued);
      continue;
    }
    if (entity === "attendance" && block.columns.includes("household_ref")) rows = await byHousehold(s, rows, known);
    await storeRows(s, entity, rows, queued);
  }
  for (const [entity, block] of exits) {
    const rows = block.rows.map((row) => named(block.columns, row));
    await readSessionsOf(s, entity, rows);
    for (const values of rows) dropStored(s[entity], entity, values, queued);
  }
}

// Attendance goes into the records of its sessions: each touched session is read once, all at
// once, and written back once when the page's transaction is done (session-attendance.js).
function readSessionsOf(s, entity, rows) {
  return entity === "attendance" ? s.attendance.load(rows.map((values) => values.session_id)) : undefined;
}

async function storeRows(s, entity, rows, queued) {
  const store = s[entity];
  await readSessionsOf(s, entity, rows);
  const pending = [];
  for (const values of rows) {
    if (queuedFor(queued, entity, values).length) pending.push(values);
    else storeChange(store, entity, values, undefined, []);
  }
  const stored = await storedFor(s, entity, pending);
  pending.forEach((values, i) => storeChange(store, entity, values, stored[i], queuedFor(queued, entity, values)));
}

// Attendance rows with their household's id in place of its ref. A ref this pull has not met is
// looked up among the stored households; one not on the phone yet waits (storeWaiting).
async function byHousehold(s, rows, known) {
  const unknown = [...new Set(rows.map((v) => v.household_ref).filter((ref) => ref != null && !known.has(ref)))];
  const ids = await Promise.all(unknown.map((ref) => done(s.household.index("ref").getKey(ref))));
  unknown.forEach((ref, i) => ids[i] !== undefined && known.set(ref, ids[i]));
  const ready = [];
  const waiting = [];
  for (const values of rows) {
    const ref = values.household_ref;
    if (ref == null) {
      ready.push(values);
    } else if (known.has(ref)) {
      values.household_id = known.get(ref);
      ready.push(values);
    } else {
      waiting.push(values);
    }
  }
  if (waiting.length) {
    const before = (await done(s[META].get(WAITING)))?.value || [];
    s[META].put({ key: WAITING, value: [...before, ...waiting] });
  }
  return ready;
}

// Waiting attendance whose household has come: stored now, unless a newer copy of it came meanwhile.
async function storeWaiting(s, known, queued) {
  const waiting = (await done(s[META].get(WAITING)))?.value;
  if (!waiting?.length) return;
  const come = waiting.filter((values) => known.has(values.household_ref));
  if (!come.length) return;
  const left = waiting.filter((values) => !known.has(values.household_ref));
  if (left.length) s[META].put({ key: WAITING, value: left });
  else s[META].delete(WAITING);
  const rows = come.map((values) => ({ ...values, household_id: known.get(values.household_ref) }));
  const stored = await storedFor(s, "attendance", rows);
  await storeRows(
    s,
    "attendance",
    rows.filter((values, i) => !stored[i] || stored[i].version <= values.version),
    queued,
  );
}

function named(columns, row) {
  const values = {};
  for (let i = 0; i < columns.length; i++) values[columns[i]] = row[i];
  return values;
}

// The outbox's entries by the record they are queued for: the record id, or for a kind keyed
// by its natural key (attendance) that key, which every such change carries in its fields (the
// outbox is small: unsent changes).
async function outboxByRecord(s) {
  const byRecord = new Map();
  for (const entry of await done(s[OUTBOX].getAll())) {
    const key = queueKey(entry.entity, entry.record_id, entry.fields || {});
    const list = byRecord.get(key);
    if (list) list.push(entry);
    else byRecord.set(key, [entry]);
  }
  return byRecord;
}

function queueKey(entity, id, fields) {
  return KEYS[entity] ? entity + " " + KEYS[entity].map((name) => fields[name]).join(" ") : id;
}

// The stored records for a list of changes, in the same order, asked for all at once.
async function storedFor(s, entity, rows) {
  await readSessionsOf(s, entity, rows);
  return Promise.all(rows.map((values) => recordFor(s, entity, values.id, values)));
}

// Changes queued for a record, found by its id or natural key.
function queuedFor(queued, entity, values) {
  return queued.get(queueKey(entity, values.id, values)) || [];
}

function storeChange(store, entity, values, existing, pending) {
  // An attendance row's household_ref was read into its household_id (byHousehold).
  const { id, version, deleted, household_ref: _ref, ...fields } = values;
  if (deleted) {
    if (pending.length === 0) store.delete(storeKey(entity, id, fields));
    else if (existing) store.put({ ...existing, version });
    return;
  }
  let record;
  if (pending.length === 0) {
    record = { ...fields, version, deleted: false };
  } else {
    const localFields = new Set(pending.flatMap((entry) => Object.keys(entry.fields)));
    const pulled = Object.fromEntries(Object.entries(fields).filter(([name]) => !localFields.has(name)));
    record = { ...existing, ...pulled, version, deleted: pending.some((entry) => entry.op === "delete") };
  }
  if (!KEYS[entity]) record.id = id;
  store.put(record);
}

// A record no longer for this phone (it left the scope): removed unless it has unsent changes.
function dropStored(store, entity, values, queued) {
  if (queuedFor(queued, entity, values).length === 0) store.delete(storeKey(entity, values.id, values));
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
  const queued = await outboxByRecord(s);
  for (const entity of ["household", "training_session"]) {
    const outside = (await done(s[entity].getAll())).filter((record) => !kept.has(record.commune_code));
    for (const record of outside) {
      for (const follower of followers[entity]) {
        for (const row of await recordsOf(s, follower, link[entity], record.id)) {
          dropStored(s[follower], follower, row, queued);
        }
      }
      dropStored(s[entity], entity, record, queued);
    }
  }
}

// The records of `entity` whose `link` (household_id, session_id) is `id`, tombstones included.
async function recordsOf(s, entity, link, id) {
  if (entity !== "attendance") return done(s[entity].index(link).getAll(id));
  await s.attendance.load([id]);
  return s.attendance.recordsOf(id);
}
