/**
 * The load generators.
 *
 * Open loop (rate-driven scenarios): request `k` is due at `start + k / rate` and is sent then whether
 * or not earlier requests have been answered, and its latency is measured from that scheduled time. A
 * closed loop that waits for each answer sends less while the server stalls and so never sees the
 * stall in its latencies ("coordinated omission"); measuring from the schedule counts the wait.
 *
 * Closed loop (B1 single): `clients` workers, each sending its next request when the previous one is
 * answered: what 64 keep-alive publishers of a platform do.
 */
import { LatencyHistogram } from './stats.ts';

/** Time and waiting, injectable so the schedule can be tested without sleeping. */
export interface Clock {
  /** Milliseconds on a monotonic clock. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** The real clock: `performance.now()` and `setTimeout`. */
export const systemClock: Clock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))),
};

/** When each request of an open-loop run is due. */
export class OpenLoopSchedule {
  /** Requests in the whole run. */
  readonly total: number;
  private readonly intervalMs: number;

  constructor(
    readonly ratePerSecond: number,
    readonly durationMs: number,
  ) {
    if (!(ratePerSecond > 0)) throw new RangeError(`rate must be positive, got ${ratePerSecond}`);
    if (!(durationMs >= 0)) throw new RangeError(`duration must be >= 0, got ${durationMs}`);
    this.intervalMs = 1000 / ratePerSecond;
    this.total = Math.floor((durationMs * ratePerSecond) / 1000);
  }

  /** Offset from the start at which request `k` (0-based) is due. */
  offsetMs(k: number): number {
    return k * this.intervalMs;
  }

  /** How many requests are due by `elapsedMs` after the start (never more than {@link total}). */
  dueBy(elapsedMs: number): number {
    if (elapsedMs < 0) return 0;
    // +1e-9 keeps k·interval from landing a hair after elapsed through floating-point error.
    return Math.min(this.total, Math.floor((elapsedMs * this.ratePerSecond) / 1000 + 1e-9) + 1);
  }
}

/** What a load run came to. */
export interface LoadResult {
  /** Requests answered with success. */
  readonly succeeded: number;
  /** Requests that failed (non-2xx or network error). */
  readonly errors: number;
  /** Open loop only: requests not sent because `hold` said so when they were due. */
  readonly skipped: number;
  /** From the first request's start (or scheduled time) to the last answer. */
  readonly elapsedMs: number;
  /** Latency of answered requests: from the scheduled time (open loop) or the send (closed loop). */
  readonly latency: LatencyHistogram;
  /** Most requests outstanding at once. */
  readonly maxOutstanding: number;
  /**
   * Open loop only: how late each request left the generator (send time − scheduled time). Large
   * values mean the generator itself fell behind: its CPU was taken, and the offered load was lumpy.
   */
  readonly lateness: LatencyHistogram;
}

/** One request: resolves true on success, false on a failure the server answered; may throw. */
export type SendRequest = (k: number) => Promise<boolean>;

/** Options of {@link runOpenLoop}. */
export interface OpenLoopOptions {
  readonly ratePerSecond: number;
  readonly durationMs: number;
  readonly send: SendRequest;
  readonly clock?: Clock;
  /**
   * Asked before each due request; true skips it (counted in `skipped`). B2 uses it to bound the
   * backlog so a slow server cannot stretch the run beyond its time budget.
   */
  readonly hold?: () => boolean;
  /** Called once per loop turn with the scheduler's start time, for progress and sampling. */
  readonly onTick?: (elapsedMs: number) => void;
}

/** Sends requests on a fixed schedule and waits for every answer. */
export async function runOpenLoop(options: OpenLoopOptions): Promise<LoadResult> {
  const clock = options.clock ?? systemClock;
  const schedule = new OpenLoopSchedule(options.ratePerSecond, options.durationMs);
  const latency = new LatencyHistogram();
  const lateness = new LatencyHistogram();
  const pending = new Set<Promise<void>>();
  let succeeded = 0;
  let errors = 0;
  let skipped = 0;
  let maxOutstanding = 0;
  let lastAnswerAt = 0;
  const start = clock.now();
  let next = 0;
  while (next < schedule.total) {
    const elapsed = clock.now() - start;
    options.onTick?.(elapsed);
    const due = schedule.dueBy(elapsed);
    for (; next < due; next++) {
      if (options.hold?.()) {
        skipped++;
        continue;
      }
      const scheduledAt = start + schedule.offsetMs(next);
      lateness.record(clock.now() - scheduledAt);
      const request = options
        .send(next)
        .then(
          (ok) => {
            if (ok) {
              succeeded++;
              latency.record(clock.now() - scheduledAt);
            } else errors++;
          },
          () => {
            errors++;
          },
        )
        .finally(() => {
          lastAnswerAt = clock.now();
          pending.delete(request);
        });
      pending.add(request);
      if (pending.size > maxOutstanding) maxOutstanding = pending.size;
    }
    if (next >= schedule.total) break;
    await clock.sleep(start + schedule.offsetMs(next) - clock.now());
  }
  while (pending.size > 0) await Promise.all(pending);
  return {
    succeeded,
    errors,
    skipped,
    elapsedMs: Math.max(lastAnswerAt, clock.now()) - start,
    latency,
    maxOutstanding,
    lateness,
  };
}

/** Options of {@link runClosedLoop}. */
export interface ClosedLoopOptions {
  readonly clients: number;
  readonly durationMs: number;
  readonly send: SendRequest;
  readonly clock?: Clock;
}

/** `clients` workers send back to back for `durationMs`; request numbers are shared and increasing. */
export async function runClosedLoop(options: ClosedLoopOptions): Promise<LoadResult> {
  const clock = options.clock ?? systemClock;
  const latency = new LatencyHistogram();
  let succeeded = 0;
  let errors = 0;
  let next = 0;
  const start = clock.now();
  const stopAt = start + options.durationMs;
  const worker = async () => {
    while (clock.now() < stopAt) {
      const k = next++;
      const sentAt = clock.now();
      try {
        if (await options.send(k)) {
          succeeded++;
          latency.record(clock.now() - sentAt);
        } else errors++;
      } catch {
        errors++;
        // A request that fails at once must not spin the loop without letting timers and signals in.
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
  };
  await Promise.all(Array.from({ length: options.clients }, worker));
  return {
    succeeded,
    errors,
    skipped: 0,
    elapsedMs: clock.now() - start,
    latency,
    maxOutstanding: options.clients,
    lateness: new LatencyHistogram(),
  };
}
