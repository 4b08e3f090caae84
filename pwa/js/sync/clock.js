// Hybrid logical clock: "<ms:13>-<counter:4>-<device id>", ordered by plain string comparison.
// The wall clock of a cheap phone may jump back; the counter keeps our own clocks increasing.

/** The next clock after `last` ({ms, counter}) at wall time `now`; returns [clock string, new state]. */
export function tick(last, now, deviceId) {
  const previous = last || { ms: 0, counter: 0 };
  const ms = Math.max(now, previous.ms);
  const counter = ms === previous.ms ? previous.counter + 1 : 0;
  const state = { ms, counter };
  return [format(state, deviceId), state];
}

/** Move our clock past a clock seen from another device, so our next change orders after it. */
export function observe(last, clock) {
  const parsed = parse(clock);
  if (!parsed) return last;
  const previous = last || { ms: 0, counter: 0 };
  if (parsed.ms > previous.ms || (parsed.ms === previous.ms && parsed.counter > previous.counter)) {
    return { ms: parsed.ms, counter: parsed.counter };
  }
  return previous;
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
