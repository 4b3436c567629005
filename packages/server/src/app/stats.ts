/**
 * Figures for dashboards: each webhook's attempts over a recent period, and the operator's overview
 * of the whole server (what the store knows; the process's own counters are added by the API).
 */
import type { EndpointAttemptStats } from '../store/store.ts';
import type { AppContext } from './context.ts';
import { logTimeRange } from './delivery-log.ts';

/** The period the webhook list shows when none is asked for: the last 24 hours. */
export const DEFAULT_STATS_PERIOD_MS = 24 * 60 * 60 * 1000;

/** Attempts per endpoint of an account from one instant on. */
export interface EndpointStats {
  readonly sinceMs: number;
  /** One entry per endpoint with attempts in the period, in the endpoints' list order. */
  readonly endpoints: readonly EndpointAttemptStats[];
}

/**
 * The attempts each of the account's endpoints made since `since` (ISO 8601; the last 24 hours when
 * absent): every HTTP request counts, first attempts, retries and resends alike, by the time it
 * started. With `endpointIds`, only those endpoints (a caller who may see only some).
 */
export async function endpointStats(
  ctx: AppContext,
  accountId: string,
  since: string | undefined,
  endpointIds?: readonly string[],
): Promise<EndpointStats> {
  const sinceMs = logTimeRange(since, undefined).sinceMs ?? ctx.now() - DEFAULT_STATS_PERIOD_MS;
  const all = await ctx.store.endpointAttemptStats(accountId, sinceMs);
  const visible = endpointIds === undefined ? undefined : new Set(endpointIds);
  return { sinceMs, endpoints: visible ? all.filter((s) => visible.has(s.endpointId)) : all };
}

/** What the store tells the operator's overview: the queue, and how many accounts and disabled endpoints. */
export interface StoreOverview {
  readonly backlog: { readonly pending: number; readonly sending: number };
  readonly accounts: number;
  readonly disabledEndpoints: number;
}

/** The store's part of the operator's overview. */
export async function storeOverview(ctx: AppContext): Promise<StoreOverview> {
  const [backlog, counts] = await Promise.all([ctx.queueDepth(), ctx.store.overviewCounts()]);
  return { backlog, ...counts };
}

/** How long a count of the backlog is reused: each open overview polls every 2 s. */
export const QUEUE_DEPTH_MAX_AGE_MS = 5_000;

/**
 * Counting the backlog reads every live delivery (on SQLite, about 0.4 s for a million, on the thread
 * that also runs the engine), so a count is reused for {@link QUEUE_DEPTH_MAX_AGE_MS} and callers who
 * ask while one runs share it: any number of open dashboards cost one count every five seconds at
 * most. (`/metrics` counts afresh: a scraper asks every 15 s or so, and expects the value of now.)
 */
export function sharedQueueDepth(
  count: () => Promise<{ pending: number; sending: number }>,
  now: () => number,
  maxAgeMs = QUEUE_DEPTH_MAX_AGE_MS,
): () => Promise<{ pending: number; sending: number }> {
  let last: { atMs: number; value: Promise<{ pending: number; sending: number }> } | undefined;
  return () => {
    const atMs = now();
    if (last && atMs - last.atMs < maxAgeMs) return last.value;
    const value = count();
    const entry = { atMs, value };
    last = entry;
    // A failed count is not reused: the next caller tries again.
    value.catch(() => {
      if (last === entry) last = undefined;
    });
    return value;
  };
}
