// When and how sync runs: on app open, when the network returns, every few minutes while online,
// and on the button; failures retry with backoff, never sooner than a busy server asked
// (Retry-After). The outbox is untouched by a failed sync. The state is observable for the UI.

import { ApiError, NetworkError } from "../api.js";
import { getMeta, setMeta } from "../db.js";
import { retryDelay } from "./backoff.js";
import { pull } from "./pull.js";
import { push } from "./push.js";

const PERIOD_MS = 3 * 60 * 1000;

/**
 * What the sync is doing now: read by the progress bar and the sync status. `error` is null,
 * "offline", "busy" (the server asked to wait), "server", "local", "unauthorized" or "clock"
 * (the sync ran, but changes wait because this phone's date is ahead of the server's);
 * `queued` is true while a sync waits for the running one to end.
 */
export const syncState = {
  running: false,
  queued: false,
  progress: 0,
  lastSync: null,
  error: null,
  failures: 0,
  retryAt: null,
};
/** Fired: "change" whenever syncState changes, "synced" after a sync, "signed-out" when the token is refused. */
export const syncEvents = new EventTarget();

let retryTimer = null;
let periodTimer = null;
let current = null; // the sync running now
let next = null; // a sync asked for while one runs: it starts when that one ends

function update(changes) {
  Object.assign(syncState, changes);
  syncEvents.dispatchEvent(new Event("change"));
}

/** Load the last successful sync time kept on the phone. */
export async function loadSyncState() {
  update({ lastSync: (await getMeta("last_sync")) || null });
}

/**
 * Push then pull now; resolves true when it succeeded. Asked while a sync runs, another one
 * follows it: the one running may have read the server before what the trainer expects now.
 */
export function syncNow() {
  if (!current) {
    current = run().finally(() => {
      current = null;
    });
    return current;
  }
  if (!next) {
    update({ queued: true });
    next = current.then(() => {
      next = null;
      update({ queued: false });
      return syncNow();
    });
  }
  return next;
}

// Automatic triggers: not while a sync runs, and not before the time a failed one set.
function syncSoon() {
  if (!navigator.onLine || current || (syncState.retryAt && Date.now() < syncState.retryAt)) return;
  syncNow();
}

async function run() {
  clearTimeout(retryTimer);
  update({ running: true, progress: 0.02, error: null, retryAt: null });
  try {
    const { cursorHint: hint, dateWrong } = await push((sent, total) => update({ progress: 0.5 * (sent / total) }));
    const start = (await getMeta("cursor")) || 0;
    await pull((cursor) => {
      const known = hint && hint > start && cursor !== null;
      const share = known ? Math.max(0, Math.min(1, (cursor - start) / (hint - start))) : (1 + syncState.progress) / 2;
      update({ progress: known ? 0.5 + 0.5 * share : share });
    });
    const now = Date.now();
    await setMeta("last_sync", now);
    update({
      running: false,
      progress: 1,
      lastSync: now,
      failures: 0,
      retryAt: null,
      error: dateWrong ? "clock" : null,
    });
    syncEvents.dispatchEvent(new Event("synced"));
    return true;
  } catch (error) {
    failed(error);
    return false;
  }
}

function failed(error) {
  if (error instanceof ApiError && error.status === 401) {
    update({ running: false, progress: 0, error: "unauthorized" });
    syncEvents.dispatchEvent(new Event("signed-out"));
    return;
  }
  const failures = syncState.failures + 1;
  const busy = error instanceof ApiError && (error.status === 503 || error.status === 429);
  const delay = retryDelay(failures, busy ? error.retryAfter : null);
  const kind =
    error instanceof NetworkError ? "offline" : busy ? "busy" : error instanceof ApiError ? "server" : "local";
  update({
    running: false,
    progress: 0,
    error: kind,
    errorDetail: error.message,
    failures,
    retryAt: Date.now() + delay,
  });
  if (kind === "local") console.error(error);
  retryTimer = setTimeout(() => navigator.onLine && !current && syncNow(), delay);
}

function onOnline() {
  // Back from no network: try at once. A busy server keeps the time it asked for.
  if (syncState.error === "offline") update({ failures: 0, retryAt: null });
  syncSoon();
}

/** Start the automatic triggers (after sign-in or on app open with a session). */
export function startSyncTriggers() {
  window.addEventListener("online", onOnline);
  clearInterval(periodTimer);
  periodTimer = setInterval(syncSoon, PERIOD_MS);
  if (navigator.onLine) syncNow();
}

/** Stop every automatic trigger (signing out). */
export function stopSyncTriggers() {
  window.removeEventListener("online", onOnline);
  clearInterval(periodTimer);
  clearTimeout(retryTimer);
}
