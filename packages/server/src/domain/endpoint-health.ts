/**
 * Failing endpoints. An endpoint is failing from its first failed attempt after its last success
 * (`failingSince`); any success ends that. When every attempt has failed for a while, the merchant is
 * warned (`hookline.endpoint.failing`, after `HOOKLINE_FAILING_WARNING_AFTER`, 24 h), and later the
 * endpoint is disabled with the reason `failing` (after `HOOKLINE_DISABLE_AFTER`, 5 days): its live
 * deliveries are cancelled, kept in the log, and `recover` sends them again once it is enabled.
 *
 * The rule is judged when attempt results are recorded, so an endpoint that nothing is sent to is
 * left alone: the next event's first attempt decides.
 */

/** What one group of attempt results says about one endpoint. */
export interface AttemptsSummary {
  readonly endpointId: string;
  readonly accountId: string;
  /** The start of the group's last successful attempt, `null` if none succeeded. */
  readonly succeededAt: number | null;
  /** The start of the first failed attempt after that success (or in the group), `null` if none. */
  readonly failedSince: number | null;
}

/** The attempts of a group, per endpoint (only what {@link summarizeAttempts} reads of a result). */
export interface AttemptOutcome {
  readonly endpointId: string;
  readonly accountId: string;
  readonly startedAt: number;
  readonly succeeded: boolean;
}

/** Sums a group of attempts up per endpoint, whatever their order in the group. */
export function summarizeAttempts(attempts: readonly AttemptOutcome[]): AttemptsSummary[] {
  const byEndpoint = new Map<string, AttemptOutcome[]>();
  for (const attempt of attempts) {
    const list = byEndpoint.get(attempt.endpointId);
    if (list) list.push(attempt);
    else byEndpoint.set(attempt.endpointId, [attempt]);
  }
  const summaries: AttemptsSummary[] = [];
  for (const [endpointId, list] of byEndpoint) {
    let succeededAt: number | null = null;
    for (const a of list)
      if (a.succeeded && (succeededAt === null || a.startedAt > succeededAt)) succeededAt = a.startedAt;
    let failedSince: number | null = null;
    for (const a of list) {
      if (a.succeeded || (succeededAt !== null && a.startedAt <= succeededAt)) continue;
      if (failedSince === null || a.startedAt < failedSince) failedSince = a.startedAt;
    }
    summaries.push({
      endpointId,
      accountId: (list[0] as AttemptOutcome).accountId,
      succeededAt,
      failedSince,
    });
  }
  return summaries;
}

/**
 * The endpoint's `failingSince` after a group: `null` once its last attempt succeeded; the first
 * failure after a success in the group; otherwise the streak goes on from where it began.
 */
export function nextFailingSince(current: number | null, summary: AttemptsSummary): number | null {
  if (summary.failedSince === null) return summary.succeededAt === null ? current : null;
  if (summary.succeededAt !== null) return summary.failedSince;
  return current ?? summary.failedSince;
}

/** The windows of the rule, from the configuration. */
export interface HealthWindows {
  readonly warnAfterMs: number;
  readonly disableAfterMs: number;
}

/** What to do about an endpoint after a group. */
export type HealthAction = 'none' | 'warn' | 'disable';

/**
 * Disable once every attempt has failed for `disableAfterMs`; warn once for `warnAfterMs` (a
 * streak is warned about once). A disabled endpoint is left as it is.
 */
export function healthAction(
  state: {
    readonly enabled: boolean;
    readonly failingSince: number | null;
    readonly warnedAt: number | null;
  },
  nowMs: number,
  windows: HealthWindows,
): HealthAction {
  if (!state.enabled || state.failingSince === null) return 'none';
  const failingForMs = nowMs - state.failingSince;
  if (failingForMs >= windows.disableAfterMs) return 'disable';
  if (failingForMs >= windows.warnAfterMs && state.warnedAt === null) return 'warn';
  return 'none';
}
