// When to try again after a failed sync: exponential backoff (5 s, 10 s, 20 s ... up to 10
// minutes) with jitter, so that many phones coming back online together do not all retry at the
// same second; never sooner than the server asked with Retry-After (a busy server, a database
// down), plus a little jitter too, since the server tells every phone the same.

const BASE_MS = 5000;
const MAX_MS = 10 * 60 * 1000;
const MAX_RETRY_AFTER_MS = 60 * 60 * 1000; // trust the server, up to an hour

/** The wait before retry number `failures` (1 for the first retry). */
export function backoffDelay(failures, random = Math.random) {
  const exponential = Math.min(MAX_MS, BASE_MS * 2 ** Math.max(0, failures - 1));
  return Math.round(exponential * (0.75 + random() * 0.5));
}

/**
 * The wait before retry number `failures` when the server asked to wait `retryAfterMs` (or null):
 * the longer of that (plus up to a fifth) and the backoff. `jitter` is a number in [0, 1).
 */
export function retryDelay(failures, retryAfterMs = null, jitter = Math.random()) {
  const backoff = backoffDelay(failures, () => jitter);
  if (!retryAfterMs || retryAfterMs < 0) return backoff;
  const asked = Math.min(retryAfterMs, MAX_RETRY_AFTER_MS) * (1 + jitter * 0.2);
  return Math.round(Math.max(asked, backoff));
}
