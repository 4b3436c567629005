/**
 * The operator overview's arithmetic: rates and failure ratios from two readings of the engine's
 * cumulative counters (`GET /v1/stats`). Plain functions, no browser, tested on their own.
 *
 * A rate needs two readings, so the first reading has none. The counters restart from zero with the
 * process, so a counter that went down means a restart, not a negative rate: that interval has no
 * rates at all (a counter that happens to have grown past its old value after a restart would give a
 * wrong one). A failure ratio needs attempts to divide by; with none there is no ratio, not 0 %.
 */
import type { EngineStats } from './api-types.ts';

/** What the overview shows, from the latest reading and the one before it. */
export interface OverviewFigures {
  /** Seconds between the two readings the rates cover; `null` when there are no rates (see below). */
  readonly intervalSeconds: number | null;
  /** Events published per second over the interval; `null` on the first reading or after a restart. */
  readonly eventsPerSecond: number | null;
  /** Deliveries created per second over the interval; `null` as above. */
  readonly deliveriesPerSecond: number | null;
  /** Failed ÷ all attempts over the interval; `null` as above, or when no attempt was made in it. */
  readonly failureRateRecent: number | null;
  /** Failed ÷ all attempts since the process started; `null` before the first attempt. */
  readonly failureRateSinceStart: number | null;
  /** Deliveries owed now: pending plus sending. */
  readonly backlog: number;
  readonly eventsPublished: number;
  readonly deliveriesCreated: number;
  readonly attempts: number;
  readonly disabledEndpoints: number;
  readonly accounts: number;
}

/** The two latest readings, as the overview keeps them between polls. */
export interface Readings {
  readonly previous: EngineStats | null;
  readonly latest: EngineStats | null;
}

/** No reading yet. */
export const NO_READINGS: Readings = { previous: null, latest: null };

/** The readings after a new one arrived: the latest becomes the previous. */
export function withReading(readings: Readings, reading: EngineStats): Readings {
  return { previous: readings.latest, latest: reading };
}

/** When a reading was taken, in epoch milliseconds (`NaN` when the server's time cannot be read). */
export function readingTimeMs(reading: EngineStats): number {
  return typeof reading.at === 'number' ? reading.at : Date.parse(reading.at);
}

/** The cumulative counters: each only grows while the process runs. */
const COUNTERS = ['eventsPublished', 'deliveriesCreated', 'attemptsSucceeded', 'attemptsFailed'] as const;

/** Whether the process restarted between two readings: some counter went down. */
export function restartedBetween(previous: EngineStats, latest: EngineStats): boolean {
  return COUNTERS.some((counter) => latest[counter] < previous[counter]);
}

/** `failed ÷ (succeeded + failed)`, or `null` when there were no attempts. */
export function failureRatio(succeeded: number, failed: number): number | null {
  const attempts = succeeded + failed;
  return attempts > 0 ? failed / attempts : null;
}

/**
 * The seconds between two readings whose counters can be compared, or `null`: no previous reading,
 * a restart in between, or times that do not move forward (a clock step, an unreadable time).
 */
function comparableSeconds(previous: EngineStats | null, latest: EngineStats): number | null {
  if (previous === null || restartedBetween(previous, latest)) return null;
  const seconds = (readingTimeMs(latest) - readingTimeMs(previous)) / 1000;
  return Number.isFinite(seconds) && seconds > 0 ? seconds : null;
}

/** The overview's figures from the latest reading and the one before it (`null` for the first). */
export function overviewFigures(previous: EngineStats | null, latest: EngineStats): OverviewFigures {
  const seconds = comparableSeconds(previous, latest);
  const perSecond = (counter: (typeof COUNTERS)[number]): number | null =>
    seconds === null || previous === null ? null : (latest[counter] - previous[counter]) / seconds;
  const failureRateRecent =
    seconds === null || previous === null
      ? null
      : failureRatio(
          latest.attemptsSucceeded - previous.attemptsSucceeded,
          latest.attemptsFailed - previous.attemptsFailed,
        );
  return {
    intervalSeconds: seconds,
    eventsPerSecond: perSecond('eventsPublished'),
    deliveriesPerSecond: perSecond('deliveriesCreated'),
    failureRateRecent,
    failureRateSinceStart: failureRatio(latest.attemptsSucceeded, latest.attemptsFailed),
    backlog: latest.backlog.pending + latest.backlog.sending,
    eventsPublished: latest.eventsPublished,
    deliveriesCreated: latest.deliveriesCreated,
    attempts: latest.attemptsSucceeded + latest.attemptsFailed,
    disabledEndpoints: latest.disabledEndpoints,
    accounts: latest.accounts,
  };
}
