// Push: send queued changes in batches of at most 500 and settle each by the server's result.
// Changes refused because they were made at a wrong future date stay queued; once the server's
// Date header shows that our date is right, they are stamped again and sent at once.

import { post, serverTime } from "../api.js";
import { getMeta, setMeta } from "../db.js";
import { appVersion } from "../version.js";
import { dateIsRight } from "./clock.js";
import { pendingCount, queuedEntries, restamp, settle } from "./outbox.js";
import { reportedShown, unreportedShown } from "../features/bulletins/bulletins.js";

const BATCH_SIZE = 500;
const CLOCK_AHEAD = "clock_ahead";

function wire(entry) {
  const { mutation_id, entity, record_id, op, base_version, clock, fields } = entry;
  return { mutation_id, entity, record_id, op, base_version, clock, fields };
}

// One pass over the outbox: the cursor hint and the entries refused for a clock ahead of the server's.
async function sendQueued(onBatch) {
  const entries = await queuedEntries();
  let cursorHint = null;
  const ahead = [];
  // Bulletins shown to the trainer go with the first batch, or alone when nothing is queued.
  let shown = await unreportedShown();
  // A version the server has not heard of yet (an update taken) goes too, with nothing else if need be.
  const version = await appVersion();
  let report = (await getMeta("reported_version")) !== version;
  for (let start = 0; start < entries.length || shown.length || report; start += BATCH_SIZE) {
    const batch = entries.slice(start, start + BATCH_SIZE);
    const reply = await post("/api/v1/sync/push", {
      app_version: version,
      queued: (await pendingCount()) - batch.length, // what is left in the outbox after this batch
      mutations: batch.map(wire),
      shown,
    });
    if (shown.length) await reportedShown(shown);
    shown = [];
    if (report) await setMeta("reported_version", version);
    report = false;
    const results = reply.results || [];
    await settle(batch, results);
    const refused = new Set(results.filter((r) => r.code === CLOCK_AHEAD).map((r) => r.mutation_id));
    ahead.push(...batch.filter((entry) => refused.has(entry.mutation_id)));
    cursorHint = reply.cursor_hint ?? cursorHint;
    if (batch.length) onBatch(start + batch.length, entries.length);
  }
  return { cursorHint, ahead };
}

/**
 * Send everything queued; `onBatch(sent, total)` after each batch. Returns the server's cursor
 * hint and `dateWrong`: whether changes wait because this phone's date is ahead of the server's.
 */
export async function push(onBatch = () => {}) {
  let sent = await sendQueued(onBatch);
  if (sent.ahead.length && dateIsRight(serverTime())) {
    await restamp(sent.ahead);
    sent = await sendQueued(onBatch);
  }
  return { cursorHint: sent.cursorHint, dateWrong: sent.ahead.length > 0 };
}
