// Push: send queued changes in batches of at most 500 and settle each by the server's result.

import { post } from "../api.js";
import { APP_VERSION } from "../version.js";
import { pendingCount, queuedEntries, settle } from "./outbox.js";

const BATCH_SIZE = 500;

function wire(entry) {
  const { mutation_id, entity, record_id, op, base_version, clock, fields } = entry;
  return { mutation_id, entity, record_id, op, base_version, clock, fields };
}

/** Send everything queued; `onBatch(sent, total)` after each batch. Returns the server's cursor hint. */
export async function push(onBatch = () => {}) {
  const entries = await queuedEntries();
  let cursorHint = null;
  for (let start = 0; start < entries.length; start += BATCH_SIZE) {
    const batch = entries.slice(start, start + BATCH_SIZE);
    const reply = await post("/api/v1/sync/push", {
      app_version: APP_VERSION,
      queued: (await pendingCount()) - batch.length, // what is left in the outbox after this batch
      mutations: batch.map(wire),
    });
    await settle(batch, reply.results || []);
    cursorHint = reply.cursor_hint ?? cursorHint;
    onBatch(start + batch.length, entries.length);
  }
  return cursorHint;
}
