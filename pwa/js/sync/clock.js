// Hybrid logical clock: "<ms:13>-<counter:4>-<device id>", ordered by plain string comparison.
// The wall clock of a cheap phone may jump back; the counter keeps our own clocks increasing.
//
// A phone whose date is wrong (ahead) makes clocks the server refuses ("clock_ahead"): it allows
// CLOCK_MAX_AHEAD_SECONDS, 300 by default. Our own check, against the server's Date header, is
// stricter so that a clock we stamp once we believe our date is right is surely accepted.

const MAX_COUNTER = 9999;
/** How far ahead of the server's time our date may be and still count as right. */
export const PLAUSIBLE_AHEAD_MS = 2 * 60 * 1000;

/** The next clock after `last` ({ms, counter}) at wall time `now`; returns [clock string, new state]. */
export function tick(last, now, deviceId) {
  const previous = last || { ms: 0, counter: 0 };
  let ms = Math.max(now, previous.ms);
  let counter = ms === previous.ms ? previous.counter + 1 : 0;
  if (counter > MAX_COUNTER) [ms, counter] = [ms + 1, 0]; // four digits, so string order stays clock order
  const state = { ms, counter };
  return [format(state, deviceId), state];
}

/**
 * Move our clock past a clock seen from another device, so our next change orders after it.
 * A clock far ahead of `now` is not adopted: it would pin our clocks to a wrong future time.
 */
export function observe(last, clock, now) {
  const parsed = parse(clock);
  if (!parsed || parsed.ms > now + PLAUSIBLE_AHEAD_MS) return last;
  const previous = last || { ms: 0, counter: 0 };
  if (parsed.ms > previous.ms || (parsed.ms === previous.ms && parsed.counter > previous.counter)) {
    return { ms: parsed.ms, counter: parsed.counter };
  }
  return previous;
}

/** The later of two clock states (either may be missing). */
export function later(a, b) {
  if (!a || !b) return a || b || null;
  return a.ms > b.ms || (a.ms === b.ms && a.counter >= b.counter) ? a : b;
}

/** Whether our date is right by the server's: `server` is {server, local}, the times of one reply. */
export function dateIsRight(server) {
  return Boolean(server) && server.local - server.server <= PLAUSIBLE_AHEAD_MS;
}

/** A clock string from its parts. */
export function format(state, deviceId) {
  return `${String(state.ms).padStart(13, "0")}-${String(state.counter).padStart(4, "0")}-${deviceId}`;
}

/** The parts of a clock string, or null if it is not one. */
export function parse(clock) {
  const match = /^(\d{13})-(\d{4})-(.+)$/.exec(clock || "");
  return match ? { ms: Number(match[1]), counter: Number(match[2]), device: match[3] } : null;
}
