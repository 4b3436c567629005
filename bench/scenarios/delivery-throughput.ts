/**
 * The delivery-throughput run shared by B2, the endpoint scaling and B6: publish at an offered rate for a
 * while (the backlog bounded, see `paced-publisher.ts`), wait until every receiver path has every
 * event it is owed, and report the rate end to end and in the steady middle of the run.
 */
import {
  awaitDeliveries,
  type EndpointSpec,
  type Fixture,
  receiverPaths,
  startFixture,
  stopFixture,
} from '../fixture.ts';
import type { HooklineClient } from '../hookline-client.ts';
import { expectationsFor } from '../ledger.ts';
import { publishPaced } from '../paced-publisher.ts';
import type { ScenarioContext } from '../scenario.ts';

/** One delivery-throughput run. */
export interface ThroughputSpec {
  readonly label: string;
  readonly endpoints: number;
  /** `every`: all endpoints want every event (fan-out); `spread`: endpoint i wants type `bench.e<i>`. */
  readonly how: 'every' | 'spread';
  readonly eventsPerSecond: number;
  readonly batchSize: number;
  readonly durationMs: number;
  /** Longest wait for the last deliveries after publishing ends. */
  readonly drainCapMs: number;
  /**
   * Publishing at the same rate this long before the measured run, waiting for those deliveries and
   * resetting the receiver's counters; nothing of it is counted (0 or absent: no warm-up).
   */
  readonly warmUpMs?: number;
}

/** Warm-up events are numbered from here, apart from the measured run's (numbered from 0). */
export const WARM_UP_FIRST_SEQ = 1_000_000_000;

/** What one delivery-throughput run measured. */
export interface ThroughputResult {
  /** Deliveries ÷ (last receipt − first publish). */
  readonly endToEndPerSecond: number;
  /** Deliveries per second over the middle half of the publishing phase. */
  readonly steadyPerSecond: number;
  readonly expected: number;
  readonly missing: number;
  readonly duplicates: number;
  readonly invalidSignatures: number;
  readonly acceptedEvents: number;
  readonly skippedEvents: number;
  readonly failedEvents: number;
  readonly maxRssMb: number;
  /** Hookline's CPU use over the run, in cores (1.0 = one core busy all the time). */
  readonly cpuCores: number;
  /** The database server's CPU over the same time, in cores; NaN when it is not a separate server. */
  readonly databaseCpuCores: number;
}

/**
 * Mean of `arrivalsPerSecond` over the whole seconds inside `[fromAt, toAt)`; the seconds are counted
 * from `resetAt` (all epoch ms). NaN when no whole second fits.
 */
export function meanRateBetween(
  arrivalsPerSecond: readonly number[],
  resetAt: number,
  fromAt: number,
  toAt: number,
): number {
  const first = Math.max(0, Math.ceil((fromAt - resetAt) / 1000));
  const last = Math.floor((toAt - resetAt) / 1000);
  if (last <= first) return Number.NaN;
  let sum = 0;
  for (let second = first; second < last; second++) sum += arrivalsPerSecond[second] ?? 0;
  return sum / (last - first);
}

/**
 * The Hookline a throughput run publishes to, however it was started (one process on SQLite, several
 * on PostgreSQL): its client and account, and what its processes use.
 */
export interface ThroughputWorld {
  readonly client: HooklineClient;
  readonly accountId: string;
  /** A prefix for the run's event ids. */
  readonly runId: string;
  /** CPU seconds Hookline's processes have used so far, sampled now (summed over the processes). */
  cpuSeconds(): number;
  /** Largest RSS of Hookline in bytes (with several processes, the sum of each one's peak). */
  maxRssBytes(): number;
  /** CPU seconds a database server on this machine has used so far, when there is one. */
  databaseCpuSeconds?(): number;
}

/** The endpoints a throughput run needs: one receiver path each, subscribed as `spec.how` says. */
export function throughputEndpoints(spec: Pick<ThroughputSpec, 'endpoints' | 'how'>): EndpointSpec[] {
  return receiverPaths(spec.endpoints).map((path, i) => ({
    path,
    mode: 'ok',
    eventTypes: [spec.how === 'every' ? 'bench.delivery' : `bench.e${i}`],
  }));
}

/** The {@link ThroughputWorld} of a fixture's one Hookline process (SQLite). */
export function fixtureWorld(fixture: Fixture): ThroughputWorld {
  const { hookline } = fixture;
  return {
    client: fixture.client,
    accountId: fixture.accountId,
    runId: fixture.runId,
    cpuSeconds: () => {
      hookline.sampler.sample();
      return hookline.sampler.lastCpuSeconds;
    },
    maxRssBytes: () => hookline.sampler.maxRssBytes,
  };
}

/** Runs one delivery-throughput measurement on a fresh Hookline (SQLite, one process). */
export async function measureThroughput(
  ctx: ScenarioContext,
  spec: ThroughputSpec,
): Promise<ThroughputResult> {
  const fixture = await startFixture({
    label: spec.label,
    receiver: ctx.receiver,
    endpoints: throughputEndpoints(spec),
  });
  try {
    return await runThroughput(ctx, spec, fixtureWorld(fixture));
  } finally {
    await stopFixture(fixture);
  }
}

/**
 * Publishes `spec` to a Hookline whose account and endpoints ({@link throughputEndpoints}) are set up
 * and the receiver reset, waits for the deliveries, and measures.
 */
export async function runThroughput(
  ctx: ScenarioContext,
  spec: ThroughputSpec,
  world: ThroughputWorld,
): Promise<ThroughputResult> {
  const paths = receiverPaths(spec.endpoints);
  const typeOf =
    spec.how === 'every' ? () => 'bench.delivery' : (seq: number) => `bench.e${seq % spec.endpoints}`;
  const deliveriesPerEvent = spec.how === 'every' ? spec.endpoints : 1;
  const plan = {
    client: world.client,
    accountId: world.accountId,
    eventsPerSecond: spec.eventsPerSecond,
    batchSize: spec.batchSize,
    typeOf,
    backlog: {
      receiver: ctx.receiver,
      deliveriesPerEvent,
      seconds: 2,
      minEvents: Math.max(spec.batchSize * 4, spec.eventsPerSecond / 4),
    },
  };
  // A bad signature counts wherever it came; the rest of the warm-up is left out.
  let warmUpInvalidSignatures = 0;
  if (spec.warmUpMs) {
    ctx.log(`${spec.label}: warming up for ${spec.warmUpMs / 1000} s (not counted)`);
    const warmUp = await publishPaced({
      ...plan,
      runId: `${world.runId}w`,
      firstSeq: WARM_UP_FIRST_SEQ,
      durationMs: spec.warmUpMs,
    });
    const warmed = await awaitDeliveries(
      ctx.receiver,
      expectationsFor(warmUp.accepted, paths, spec.how),
      spec.drainCapMs,
    );
    if (!warmed.complete) ctx.log(`${spec.label}: ${warmed.check.missing} warm-up deliveries still missing`);
    warmUpInvalidSignatures = warmed.stats.invalidSignatures;
    await ctx.receiver.reset();
  }
  const cpuBefore = world.cpuSeconds();
  const databaseCpuBefore = world.databaseCpuSeconds?.() ?? Number.NaN;
  ctx.log(
    `${spec.label}: ${spec.endpoints} endpoint(s), offering ${spec.eventsPerSecond} events/s ` +
      `for ${spec.durationMs / 1000} s`,
  );
  const published = await publishPaced({
    ...plan,
    runId: world.runId,
    durationMs: spec.durationMs,
    onProgress: (accepted, elapsedMs) => {
      if (Math.round(elapsedMs / 1000) % 10 === 0) {
        ctx.log(`${spec.label}: ${Math.round(elapsedMs / 1000)} s, ${accepted} events accepted`);
      }
    },
  });
  const expected = expectationsFor(published.accepted, paths, spec.how);
  const wait = await awaitDeliveries(ctx.receiver, expected, spec.drainCapMs);
  const cpuSeconds = world.cpuSeconds() - cpuBefore;
  const databaseCpuSeconds = (world.databaseCpuSeconds?.() ?? Number.NaN) - databaseCpuBefore;
  const { stats, check } = wait;
  const lastAt = stats.lastReceiptAt ?? wait.endedAt;
  const spanMs = Math.max(1, lastAt - published.startedAt);
  const publishMs = published.endedAt - published.startedAt;
  const cpuWindowSeconds = Math.max(spanMs, wait.endedAt - published.startedAt) / 1000;
  const result: ThroughputResult = {
    endToEndPerSecond: check.present / (spanMs / 1000),
    steadyPerSecond: meanRateBetween(
      stats.arrivalsPerSecond,
      stats.resetAt,
      published.startedAt + publishMs / 4,
      published.startedAt + (publishMs * 3) / 4,
    ),
    expected: check.expected,
    missing: check.missing,
    duplicates: stats.duplicates,
    invalidSignatures: warmUpInvalidSignatures + stats.invalidSignatures,
    acceptedEvents: published.accepted.size,
    skippedEvents: published.skippedEvents,
    failedEvents: published.failedEvents,
    maxRssMb: world.maxRssBytes() / 1e6,
    cpuCores: cpuSeconds / cpuWindowSeconds,
    databaseCpuCores: databaseCpuSeconds / cpuWindowSeconds,
  };
  ctx.log(
    `${spec.label}: ${check.present}/${check.expected} delivered, ${Math.round(result.endToEndPerSecond)}/s end to end, ` +
      `${Math.round(result.steadyPerSecond)}/s steady, ${published.skippedEvents} events skipped by the backlog bound` +
      (wait.complete ? '' : ` (INCOMPLETE after waiting ${spec.drainCapMs / 1000} s)`),
  );
  return result;
}
