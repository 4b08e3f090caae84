// Exponential backoff for failed syncs: 5 s, 10 s, 20 s ... up to 10 minutes, with jitter so
// that many phones coming back online together do not all retry at the same second.

const BASE_MS = 5000;
const MAX_MS = 10 * 60 * 1000;

/** The wait before retry number `failures` (1 for the first retry). */
export function backoffDelay(failures, random = Math.random) {
  const exponential = Math.min(MAX_MS, BASE_MS * 2 ** Math.max(0, failures - 1));
  return Math.round(exponential * (0.75 + random() * 0.5));
}
