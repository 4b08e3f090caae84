// The outbox: every local change is written to its record and queued in the same transaction.
// An entry leaves the outbox only when the server acknowledged it; a rejected one stays, with the
// server's reason, until it is corrected and sent again or discarded.

import { ENTITIES, KEYS, META, OUTBOX, done, recordFor, transaction } from "../db.js";
import { uuid7 } from "../uuid.js";
import { later, parse, tick } from "./clock.js";

const ACKNOWLEDGED = "hlc_acknowledged"; // the latest clock of ours the server accepted

/** Fired (on `outboxEvents`) after local records or the outbox changed. */
export const outboxEvents = new EventTarget();

function announce() {
  outboxEvents.dispatchEvent(new Event("change"));
}

function changedFields(existing, fields) {
  if (!existing || existing.deleted) return { ...fields };
  const diff = {};
  for (const [name, value] of Object.entries(fields)) {
    if (JSON.stringify(existing[name]) !== JSON.stringify(value)) diff[name] = value;
  }
  return diff;
}

// The natural key of a keyed record (attendance) goes with each of its changes, deletes included:
// the server finds the record by it when the id it was sent under is not the server's.
function keyFields(entity, fields) {
  return Object.fromEntries((KEYS[entity] || []).map((name) => [name, fields[name]]));
}

/**
 * Write changes locally and queue them, all in one transaction.
 * Each change is {entity, id, fields, op?}; attendance is named by the session_id and
 * household_id in its fields (and `id` is only used for a new one). Returns the number queued.
 */
export async function recordChanges(changes) {
  const stores = [...new Set(changes.map((c) => c.entity)), OUTBOX, META];
  const queued = await transaction(stores, "readwrite", async (s) => {
    const session = (await done(s[META].get("session")))?.value;
    let clockState = (await done(s[META].get("hlc")))?.value;
    let count = 0;
    for (const change of changes) {
      const op = change.op || "upsert";
      const existing = await recordFor(s, change.entity, change.id, change.fields);
      const changed = op === "delete" ? {} : changedFields(existing, change.fields);
      if (op === "upsert" && existing && Object.keys(changed).length === 0) continue;
      const fields = { ...changed, ...keyFields(change.entity, existing || change.fields) };
      const recordId = existing?.id || change.id || uuid7();
      const [clock, next] = tick(clockState, Date.now(), session.device_id);
      clockState = next;
      const record = { version: 0, ...existing, ...fields, id: recordId, deleted: op === "delete" };
      s[change.entity].put(record);
      s[OUTBOX].add({
        mutation_id: uuid7(),
        entity: change.entity,
        record_id: recordId,
        op,
        base_version: existing ? existing.version || 0 : 0,
        clock,
        fields,
        state: "queued",
        created_at: Date.now(),
      });
      count += 1;
    }
    s[META].put({ key: "hlc", value: clockState });
    return count;
  });
  announce();
  return queued;
}

/** Write one change locally and queue it. */
export function recordChange(entity, id, fields, op = "upsert") {
  return recordChanges([{ entity, id, fields, op }]);
}

/** Entries waiting to be sent, oldest first. */
export function queuedEntries() {
  return transaction([OUTBOX], "readonly", (s) => done(s[OUTBOX].index("state").getAll("queued")));
}

/** Entries the server rejected, with its reason. */
export function rejectedEntries() {
  return transaction([OUTBOX], "readonly", (s) => done(s[OUTBOX].index("state").getAll("rejected")));
}

/** How many changes are not yet on the server (queued and rejected). */
export function pendingCount() {
  return transaction([OUTBOX], "readonly", (s) => done(s[OUTBOX].count()));
}

/** What a result means for the outbox: a duplicate repeats the first answer (`original_status`). */
export function outcome(result) {
  const status = result.status === "duplicate" ? result.original_status || "applied" : result.status;
  if (status !== "rejected") return "acknowledged";
  return result.retryable ? "retry" : "rejected";
}

/** Apply the server's results for the sent entries: acknowledged ones leave, rejected ones stay. */
export async function settle(entries, results) {
  const byMutation = new Map(results.map((r) => [r.mutation_id, r]));
  await transaction([OUTBOX, META, ...ENTITIES], "readwrite", async (s) => {
    let acknowledged = (await done(s[META].get(ACKNOWLEDGED)))?.value || null;
    for (const entry of entries) {
      const result = byMutation.get(entry.mutation_id);
      if (!result) continue; // not answered: stays queued and is sent again
      let kind = outcome(result);
      if (kind === "retry" && (await answerNotQueued(s, entry, result))) kind = "rejected";
      // What it refers to is not on the server yet (another phone's household, say): send it later.
      if (kind === "retry") continue;
      if (kind === "rejected") {
        const { code, message, errors = null } = result;
        s[OUTBOX].put({ ...entry, state: "rejected", code, message, errors });
        continue;
      }
      s[OUTBOX].delete(entry.seq);
      acknowledged = later(acknowledged, parse(entry.clock));
      let recordId = entry.record_id;
      if (result.record_id && result.record_id !== entry.record_id) {
        await adoptServerId(s, entry, result.record_id);
        recordId = result.record_id;
      }
      const record = await recordFor(s, entry.entity, recordId, entry.fields);
      if (record && result.version && result.version > (record.version || 0)) {
        s[entry.entity].put({ ...record, version: result.version });
      }
    }
    if (acknowledged) s[META].put({ key: ACKNOWLEDGED, value: { ms: acknowledged.ms, counter: acknowledged.counter } });
  });
  announce();
}

/**
 * Stamp changes the server refused as made at a wrong future date again, in queue order, now
 * that our date is right. Our clock comes back from that future too: it goes on from the latest
 * clock the server accepted from us, or from now. The mutation ids stay (the server tries a
 * change refused this way again), and so does the place in the queue.
 */
export async function restamp(entries) {
  await transaction([OUTBOX, META], "readwrite", async (s) => {
    const session = (await done(s[META].get("session")))?.value;
    let state = (await done(s[META].get(ACKNOWLEDGED)))?.value || null;
    for (const entry of [...entries].sort((a, b) => a.seq - b.seq)) {
      const queued = await done(s[OUTBOX].get(entry.seq));
      if (!queued || queued.clock !== entry.clock) continue; // sent or changed meanwhile
      const [clock, next] = tick(state, Date.now(), session.device_id);
      state = next;
      s[OUTBOX].put({ ...queued, clock });
    }
    if (state) s[META].put({ key: "hlc", value: state });
  });
  announce();
}

// A household waiting for its Yes to the programme that is not in the outbox waits for ever: the
// trainer must ask the household, so it is listed with the server's reason like a refusal.
async function answerNotQueued(s, entry, result) {
  if (result.code !== "consent_missing" || entry.entity !== "household") return false;
  const queued = await done(s[OUTBOX].getAll());
  return !queued.some(
    (e) => e.entity === "consent" && e.fields.household_id === entry.record_id && e.fields.purpose === "programme",
  );
}

// Two phones recorded the same fact (same natural key): the server kept its row, so ours takes its id.
async function adoptServerId(s, entry, serverId) {
  const { entity, record_id: localId } = entry;
  const local = await recordFor(s, entity, localId, entry.fields);
  if (KEYS[entity]) {
    // Stored by its natural key: the same record, now under the server's id.
    if (local) s[entity].put({ ...local, id: serverId });
  } else {
    const server = await done(s[entity].get(serverId));
    s[entity].delete(localId);
    if (local) s[entity].put({ ...server, ...local, id: serverId });
  }
  const later = await done(s[OUTBOX].index("record_id").getAll(localId));
  for (const entry of later) s[OUTBOX].put({ ...entry, record_id: serverId });
}

/** Send a rejected change again with the record's current (corrected) values and a new clock. */
export async function resend(seq) {
  await transaction([OUTBOX, META, ...ENTITIES], "readwrite", async (s) => {
    const entry = await done(s[OUTBOX].get(seq));
    if (!entry || entry.state !== "rejected") return;
    const session = (await done(s[META].get("session")))?.value;
    const record = (await recordFor(s, entry.entity, entry.record_id, entry.fields)) || {};
    const fields = Object.fromEntries(Object.keys(entry.fields).map((name) => [name, record[name] ?? null]));
    const [clock, next] = tick((await done(s[META].get("hlc")))?.value, Date.now(), session.device_id);
    s[META].put({ key: "hlc", value: next });
    // A new mutation id: the server remembers the rejected one and would answer it the same way.
    // The same place in the queue: it may create the record that later changes build on.
    const { code: _code, message: _message, errors: _errors, ...rest } = entry;
    s[OUTBOX].put({ ...rest, mutation_id: uuid7(), fields, clock, state: "queued", created_at: Date.now() });
  });
  announce();
}

/** Rejected changes of one record and of the records that belong to it (a household's consents, a session's attendance). */
export async function rejectedOf(recordId) {
  const rejected = await rejectedEntries();
  return rejected.filter(
    (e) => e.record_id === recordId || e.fields.household_id === recordId || e.fields.session_id === recordId,
  );
}

/** Send again every rejected change of one record and of those that belong to it (after the trainer corrected it). */
export async function resendRecord(recordId) {
  for (const entry of await rejectedOf(recordId)) await resend(entry.seq);
}

/** Give up a rejected change; the next pull starts from the beginning to bring back the server's values. */
export async function discard(seq) {
  await transaction([OUTBOX, META], "readwrite", (s) => {
    s[OUTBOX].delete(seq);
    return done(s[META].put({ key: "cursor", value: 0 }));
  });
  announce();
}
