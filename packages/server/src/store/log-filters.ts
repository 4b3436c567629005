/**
 * What both stores make of the log filters before they write SQL: which endpoints a deliveries
 * filter leaves, and how a time range becomes a range of `seq`, the position every log list is
 * ordered and paged by.
 */
import type { DeliveryFilter } from './store.ts';

/**
 * How far a row's `created_at` may stand out of `seq` order on PostgreSQL. `created_at` is the publish
 * time, taken before the event waits for its group commit, and several processes (each with its own
 * clock) take `seq` values from one sequence: so `created_at` grows with `seq` only up to the time a
 * publish waits plus the clocks' disagreement, milliseconds in practice. A range of `seq` derived from
 * a time range is widened by this much at each end, and the rows in the widened part are filtered by
 * `created_at` itself. Two seconds cover a publish held up by a busy process and NTP-synchronised
 * clocks; a clock stepped back further can leave rows of that moment out of a time range. Every row in
 * the widened part is read: at 11,000 deliveries a second, as a burst of publishing makes them, two
 * seconds are 22,000 rows (about 10 ms) on top of a page whose range ends amid newer deliveries.
 */
export const CREATED_AT_SLACK_MS = 2_000;

/**
 * The same on SQLite, where one process writes and one clock reads the time: rows take their `seq` in
 * the order their publishes reach the group commit, and between reading the time and getting there a
 * publish only checks its endpoints and validates its events, synchronously on this store. So the
 * disorder is at most the time one publish takes to validate (a few milliseconds for a batch of 100),
 * or a stall of the event loop in between. A quarter of a second leaves room for both and reads an
 * eighth of the rows: in a burst of 40,000 deliveries a second, 10,000 instead of 80,000.
 */
export const SQLITE_CREATED_AT_SLACK_MS = 250;

/**
 * The endpoints a deliveries filter allows: `undefined` for any, otherwise the ids (an empty list: none).
 * `endpointId` and `endpointIds` together allow the one endpoint only when the list holds it.
 */
export function endpointsAllowed(filter: DeliveryFilter): readonly string[] | undefined {
  const { endpointId, endpointIds } = filter;
  if (endpointIds === undefined) return endpointId === undefined ? undefined : [endpointId];
  if (endpointId !== undefined) return endpointIds.includes(endpointId) ? [endpointId] : [];
  return [...new Set(endpointIds)];
}

/** Whether a time range selects nothing at all (`since` at or after `until`). */
export function isEmptyRange(filter: {
  sinceMs?: number | undefined;
  untilMs?: number | undefined;
}): boolean {
  return filter.sinceMs !== undefined && filter.untilMs !== undefined && filter.sinceMs >= filter.untilMs;
}

/**
 * Above this many endpoints, a deliveries list restricted to some endpoints reads the account's log
 * and keeps those endpoints' rows, instead of reading the newest page of each endpoint and merging
 * them (which costs one index descent and up to a page of rows per endpoint).
 */
export const MAX_MERGED_ENDPOINTS = 100;
