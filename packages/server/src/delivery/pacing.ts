/**
 * The pacing policy: how many deliveries a unit of sending (an endpoint, or an account, which holds
 * endpoints) may hold in this process, when the ones it has no room for should come back, whether it is
 * stuck, and how many of its attempts may wait in the sender ahead of their turn. Pure functions of the
 * unit's state, its settings and the time, so each rule is tested on its own (`pacing.test.ts`).
 *
 * The same rules apply at both levels. An endpoint is paced by its concurrency cap (and rate limit); an
 * account by its share of the process (`HOOKLINE_ACCOUNT_CONCURRENCY`), so a merchant whose receivers
 * all hang holds one round of its share and leaves the rest of the process to the others.
 */

/** What the engine knows of a unit's traffic in this process. */
export interface PacingState {
  /** Attempts handed to the sender and not yet back. */
  readonly inFlight: number;
  /** Claims held here waiting for their turn. */
  readonly queued: number;
  /** Moving average of attempt durations; 0 until the first attempt ends. */
  readonly latencyMs: number;
  /** When an attempt of the unit last ended (or it was first seen). */
  readonly lastProgressAt: number;
}

/** The limits a unit is paced by. */
export interface PacingLimits {
  /** Attempts in flight at once. */
  readonly cap: number;
  /** The deadline of one attempt. */
  readonly timeoutMs: number;
  /** How long a claim stays leased to this process. */
  readonly leaseMs: number;
  /** Attempts started per second; `null` (or 0) for no limit. */
  readonly rateLimitPerSecond: number | null;
}

// A claim is sent only if its attempt can finish this long before the lease runs out.
export const LEASE_SAFETY_MS = 1_000;
// Bounds of how long claims a unit has no room for are put off: long enough not to be claimed again at
// once, at most one deadline (by then every attempt in flight has ended).
export const MIN_DEFER_MS = 10;
// A unit with attempts in flight and none finished for this long (and for 4x its latency) is treated as
// stuck: it holds one round of its cap and nothing more.
export const STUCK_AFTER_MS = 1_000;
// Weight of the newest attempt in the moving average of a unit's latency.
export const LATENCY_WEIGHT = 0.2;
// A unit answering within this (on average) gets up to its cap again handed to the sender ahead of
// time, to go out as its attempts end: for it, the trip of each outcome through the engine's thread
// and of the next attempt back is as long as the HTTP exchange itself, and its cap would sit half idle.
// A slower unit gains nothing from it (the trip is then a small part of each turn).
export const AHEAD_MAX_LATENCY_MS = 50;

/** Attempts in flight and none finished for much longer than the unit's latency says. */
export function isStuck(state: PacingState, nowMs: number): boolean {
  const roundMs = Math.max(1, state.latencyMs * 4);
  return state.inFlight > 0 && nowMs - state.lastProgressAt > Math.max(roundMs, STUCK_AFTER_MS);
}

/**
 * How many claims a unit may hold (in flight and queued): as many rounds of its cap as it can start
 * before a lease ends, judged by its latency. A fast unit may so hold all the process will hold and is
 * never deferred. A unit holds one round while its latency is unknown, or while it has made no progress
 * for much longer than its latency says (a receiver that started hanging): ten hanging endpoints then
 * hold ten rounds in flight and nothing queued, leaving the process room for everyone else. A rate
 * limit lowers it to what the rate lets start before a lease ends.
 */
export function holdLimit(state: PacingState, limits: PacingLimits, nowMs: number): number {
  const usableMs = limits.leaseMs - limits.timeoutMs - LEASE_SAFETY_MS;
  const roundMs = Math.max(1, state.latencyMs * 4);
  const rounds =
    state.latencyMs === 0 || isStuck(state, nowMs) ? 1 : Math.max(1, Math.floor(usableMs / roundMs));
  const byConcurrency = limits.cap * rounds;
  const rate = limits.rateLimitPerSecond;
  if (rate === null || rate <= 0) return byConcurrency;
  return Math.min(byConcurrency, Math.max(1, Math.floor((rate * usableMs) / 1000)));
}

/**
 * When the `nth` claim a unit had no room for should come back: when its turn should come, from what
 * the unit holds, its cap and its latency, so deferred claims return spread out as room appears
 * instead of all at once (to be deferred again). A unit stuck for longer than its latency says (a
 * hanging receiver) is left alone for as long again, up to one deadline. Rounded up to
 * {@link MIN_DEFER_MS} steps so claims due together are released together.
 */
export function deferMs(state: PacingState, limits: PacingLimits, nth: number, nowMs: number): number {
  const ahead = state.inFlight + state.queued + nth;
  const turnMs = (ahead / limits.cap) * Math.max(state.latencyMs, 1);
  const stuckMs = state.inFlight > 0 ? nowMs - state.lastProgressAt : 0;
  const delayMs = Math.min(limits.timeoutMs, Math.max(turnMs, stuckMs));
  return Math.max(1, Math.ceil(delayMs / MIN_DEFER_MS)) * MIN_DEFER_MS;
}

/**
 * How many attempts of the unit may wait in the sender's lane beyond its cap: none unless it is fast
 * and flowing, with no rate limit to keep (a burst of waiting attempts would break it).
 */
export function aheadAllowed(state: PacingState, limits: PacingLimits, nowMs: number): number {
  const rate = limits.rateLimitPerSecond;
  if (rate !== null && rate > 0) return 0;
  if (state.latencyMs === 0 || state.latencyMs > AHEAD_MAX_LATENCY_MS) return 0;
  return isStuck(state, nowMs) ? 0 : limits.cap;
}

/**
 * How many deliveries of an account the next claim may take: up to what it may have in flight plus
 * one claim batch waiting, within its hold limit and its fair part of what the process holds
 * (`fairPart`: the process's room for claims divided among the accounts holding some). So an account
 * with a backlog holds a bounded part of the process and its backlog stays in the database, where the
 * claims of the others pass it by. 0 while that would be less than a quarter of its hold: an account
 * near its part is not claimed for a few at a time, it waits until some of its attempts have ended.
 * A stuck account keeps a quarter of its share (see below).
 */
export function claimRoom(
  state: PacingState,
  limits: PacingLimits,
  nowMs: number,
  batch: number,
  fairPart: number,
): number {
  const inFlight = limits.cap + aheadAllowed(state, limits, nowMs);
  const hold = Math.min(holdLimit(state, limits, nowMs), inFlight + batch, Math.max(limits.cap, fairPart));
  const room = hold - state.inFlight - state.queued;
  const worthwhile = Math.max(1, Math.floor(hold / 4));
  // Stuck (its receivers hang): it still takes a few each claim, so those of its endpoints that answer
  // get their work; what the hanging ones cannot take goes back for as long as they have hung.
  if (isStuck(state, nowMs)) return Math.max(room, Math.max(1, Math.floor(limits.cap / 4)));
  return room >= worthwhile ? room : 0;
}

/** The moving average of a unit's latency after an attempt that took `durationMs`. */
export function nextLatencyMs(latencyMs: number, durationMs: number): number {
  return latencyMs === 0 ? durationMs : latencyMs + LATENCY_WEIGHT * (durationMs - latencyMs);
}

/**
 * Whether a claim may still start now: its attempt (after waiting up to `waitMs` in the sender's lane)
 * must end, by its deadline, before its lease does. A claim that cannot is left to the database, which
 * hands it out again when the lease ends; sent, it could race the next holder of the lease.
 */
export function canStartBeforeLeaseEnds(
  nowMs: number,
  waitMs: number,
  timeoutMs: number,
  leaseUntil: number,
): boolean {
  return nowMs + waitMs + timeoutMs + LEASE_SAFETY_MS <= leaseUntil;
}
