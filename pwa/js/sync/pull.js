// Pull: fetch every change in scope since our cursor, page by page, and store it locally.
// A record with changes still in the outbox keeps its local values for those fields.

import { get } from "../api.js";
import { ENTITIES, META, OUTBOX, done, transaction } from "../db.js";

const PAGE_SIZE = 500;

/** Pull until the server has nothing more; `onPage(cursor)` is told after each stored page. */
export async function pull(onPage = () => {}) {
  let cursor = (await readCursor()) || 0;
  let first = true;
  for (;;) {
    // Reference data (places, vocabularies, progress) comes with the first page of every pull.
    const query = `cursor=${cursor}&limit=${PAGE_SIZE}` + (first ? "&reference=1" : "");
    const page = await get("/api/v1/sync/pull?" + query);
    const scopeChanged = await storePage(page, cursor);
    // New communes bring records older than our cursor: pull everything again from the start.
    cursor = scopeChanged ? 0 : page.next_cursor;
    first = false;
    onPage(cursor);
    if (!page.has_more && !scopeChanged) return cursor;
  }
}

async function readCursor() {
  return transaction([META], "readonly", async (s) => (await done(s[META].get("cursor")))?.value);
}

// Stores one page; resolves true when the reference brought a different scope (communes).
async function storePage(page, cursor) {
  return transaction([...ENTITIES, OUTBOX, META], "readwrite", async (s) => {
    for (const change of page.changes) {
      if (ENTITIES.includes(change.entity)) await storeChange(s, change);
    }
    const previous = (await done(s[META].get("reference")))?.value;
    const scopeChanged =
      cursor > 0 && Boolean(page.reference) && JSON.stringify(previous?.scope) !== JSON.stringify(page.reference.scope);
    if (page.reference) s[META].put({ key: "reference", value: page.reference });
    // The cursor moves in the same transaction as the records it covers.
    const current = (await done(s[META].get("cursor")))?.value || 0;
    if (current === cursor) s[META].put({ key: "cursor", value: scopeChanged ? 0 : page.next_cursor });
    return scopeChanged;
  });
}

async function storeChange(s, change) {
  const store = s[change.entity];
  const pending = await done(s[OUTBOX].index("record_id").getAll(change.id));
  const localFields = new Set(pending.flatMap((entry) => Object.keys(entry.fields)));
  const localDelete = pending.some((entry) => entry.op === "delete");
  const existing = await done(store.get(change.id));
  if (change.deleted) {
    if (pending.length === 0) store.delete(change.id);
    else if (existing) store.put({ ...existing, version: change.version });
    return;
  }
  const fields = Object.fromEntries(Object.entries(change.fields || {}).filter(([name]) => !localFields.has(name)));
  const record = { ...existing, ...fields, id: change.id, version: change.version };
  record.deleted = localDelete;
  store.put(record);
}
