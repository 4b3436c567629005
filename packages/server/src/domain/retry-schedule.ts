/**
 * When the next attempt of a failed delivery happens: a pure function of the attempt count, the
 * configured schedule, a random number for jitter and the receiver's `Retry-After`.
 */

/** ±20 % spreads retries of many deliveries that failed together (a receiver restart) over time. */
export const JITTER_RATIO = 0.2;

/** What the retry decision needs to know. */
export interface RetryInput {
  /** Attempts made so far, the failed one included (1 after the first attempt). */
  readonly attemptsMade: number;
  /** Delays before retry 1, 2, … (the first attempt is immediate and not in the list). */
  readonly scheduleMs: readonly number[];
  /** A number in [0, 1) for the jitter. */
  readonly random: number;
  /** The receiver's `Retry-After`, already converted to milliseconds, if it sent one. */
  readonly retryAfterMs?: number | undefined;
  /** Upper bound applied to `retryAfterMs`. */
  readonly retryAfterMaxMs: number;
}

/**
 * The delay before the next attempt, or `undefined` when the schedule is used up.
 * A `Retry-After` can only postpone the scheduled retry (never bring it forward) and is clamped to
 * `retryAfterMaxMs`, so a receiver cannot park a delivery beyond the operator's bound.
 */
export function nextRetryDelayMs(input: RetryInput): number | undefined {
  const base = input.scheduleMs[input.attemptsMade - 1];
  if (base === undefined) return undefined;
  const jittered = Math.round(base * (1 + (input.random * 2 - 1) * JITTER_RATIO));
  if (input.retryAfterMs === undefined) return jittered;
  return Math.max(jittered, Math.min(input.retryAfterMs, input.retryAfterMaxMs));
}

// The HTTP-date forms of RFC 9110 §5.6.7: IMF-fixdate and RFC 850 (both end in GMT), and asctime,
// which means UTC but names no zone. They are checked before `Date.parse`, which on its own reads
// loose text as a date (`1.5` and `abc 1` as days in 2001, `2099-01-01` as ISO 8601).
const ZONED_HTTP_DATE = /^[a-z]{3,9}, \d{2}[ -][a-z]{3}[ -]\d{2}(?:\d{2})? \d{2}:\d{2}:\d{2} GMT$/i;
const ASCTIME_DATE = /^[a-z]{3} [a-z]{3} [ \d]\d \d{2}:\d{2}:\d{2} \d{4}$/i;

/**
 * Reads a `Retry-After` header: delay-seconds or an HTTP date (RFC 9110 §10.2.3).
 * Returns milliseconds from `nowMs`, or `undefined` when the value is absent or not understood.
 */
export function parseRetryAfterMs(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1_000;
  let dateMs = Number.NaN;
  if (ZONED_HTTP_DATE.test(text)) dateMs = Date.parse(text);
  else if (ASCTIME_DATE.test(text)) dateMs = Date.parse(`${text} GMT`);
  if (Number.isNaN(dateMs)) return undefined;
  return Math.max(0, dateMs - nowMs);
}
