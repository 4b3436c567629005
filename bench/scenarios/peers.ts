/**
 * `npm run bench -- --peers`: Hookline beside two peers written the way their libraries' documentation
 * recommends (`bench/peers/`): BullMQ on Debian's Redis with the append-only file (fsync every second,
 * and always) and graphile-worker on the bench's PostgreSQL. Every system takes the same publish calls
 * (the peers serve Hookline's publish routes), delivers to the same receiver, which verifies every
 * signature and counts lost and duplicated deliveries in its ledger, and is measured the same way.
 *
 * Each run of the scenario is one round: every system in turn (Hookline SQLite, Hookline PostgreSQL,
 * BullMQ everysec, BullMQ always, graphile-worker), each workload on a fresh instance of it, so that a
 * drift of the machine over the invocation touches every system alike; the harness measures the
 * ceiling before each round. Hookline runs through the same code as B2 and B6 (`startDeployment`,
 * `setUpAccount`): one process, on SQLite or on a fresh database of the round's PostgreSQL.
 */
import { benchRunId } from '../bench-event.ts';
import { startDeployment } from '../deployment.ts';
import { awaitDeliveries, setUpAccount } from '../fixture.ts';
import { HooklineClient } from '../hookline-client.ts';
import { expectationsFor } from '../ledger.ts';
import { publishPaced } from '../paced-publisher.ts';
import { type PeerKind, startPeer } from '../peers/peer-process.ts';
import { redisUnavailable, startRedis } from '../peers/redis-server.ts';
import {
  PEER_SYSTEMS,
  PEERS_SCENARIO_ID,
  type PeerSystemKey,
  type PeerWorkload,
  peerMetricKey,
  peerWorkloadsFor,
} from '../peers/systems.ts';
import { type PostgresServer, postgresUnavailable, startPostgres } from '../postgres-server.ts';
import type { Measurement, Scenario, ScenarioContext } from '../scenario.ts';
import { LatencyHistogram, percentileWithUndelivered } from '../stats.ts';
import { throughputEndpoints } from './delivery-throughput.ts';

/**
 * The peers' tuning, chosen on the reference machine (2 cores) with the fan-out 10 workload (`--quick`
 * size), 2026-12-07: BullMQ `concurrency` 25, 50, 100, 200 and 400 gave 2,505, 3,518, 3,550 to 3,651,
 * 3,474 and 3,428 deliveries/s; graphile-worker `concurrentJobs` 16, 32, 64 and 128 (local queue of
 * 500) gave 3,926, 4,148, 4,447 and 4,394, and at 64 a local queue of 65 (`concurrentJobs + 1`, the
 * documentation's starting point) 3,237 against 4,215 with 500 (its performance page's figure). The
 * machine was shared during those runs, so only the order of the figures counts.
 */
export const PEER_TUNING = {
  bullmqConcurrency: 100,
  graphileConcurrency: 64,
  graphileLocalQueueSize: 500,
} as const;

/** One workload as a round runs it. */
export interface WorkloadSpec {
  readonly key: PeerWorkload;
  readonly title: string;
  readonly endpoints: number;
  readonly events: number;
  readonly batchSize: number;
  /** Offered rate; throughput workloads offer more than any system delivers, so the count is what is timed. */
  readonly eventsPerSecond: number;
  /** Throughput workloads: events published (and delivered) before the measured ones, not counted. */
  readonly warmUpEvents: number;
  /** Longest wait for the last deliveries after publishing ends. */
  readonly drainCapMs: number;
}

/** Warm-up events are numbered from here, apart from the measured ones (numbered from 0). */
const WARM_UP_FIRST_SEQ = 10_000_000;
/** The latency workload's first second is its warm-up: left out of the histogram. */
const LATENCY_EVENTS_PER_SECOND = 1_000;

/** The workloads of a full (or `--quick`) round. */
export function workloadSpecs(quick: boolean): Readonly<Record<PeerWorkload, WorkloadSpec>> {
  const latencySeconds = quick ? 3 : 6;
  const fanOut1Events = quick ? 10_000 : 20_000;
  const fanOut10Events = quick ? 2_000 : 5_000;
  return {
    fanOut1: {
      key: 'fanOut1',
      title: `${fanOut1Events.toLocaleString('en-US')} events in batches of 100 to 1 endpoint`,
      endpoints: 1,
      events: fanOut1Events,
      batchSize: 100,
      eventsPerSecond: 20_000,
      warmUpEvents: fanOut1Events / 10,
      drainCapMs: quick ? 30_000 : 60_000,
    },
    fanOut10: {
      key: 'fanOut10',
      title: `${fanOut10Events.toLocaleString('en-US')} events in batches of 100 × 10 endpoints`,
      endpoints: 10,
      events: fanOut10Events,
      batchSize: 100,
      eventsPerSecond: 2_500,
      warmUpEvents: fanOut10Events / 10,
      drainCapMs: quick ? 30_000 : 60_000,
    },
    latency: {
      key: 'latency',
      title: `${LATENCY_EVENTS_PER_SECOND.toLocaleString('en-US')} single publishes/s for ${latencySeconds} s`,
      endpoints: 1,
      events: LATENCY_EVENTS_PER_SECOND * latencySeconds,
      batchSize: 1,
      eventsPerSecond: LATENCY_EVENTS_PER_SECOND,
      warmUpEvents: 0,
      drainCapMs: quick ? 10_000 : 15_000,
    },
  };
}

/** One running instance of a system, set up with the workload's account and endpoints. */
interface RunningSystem {
  readonly client: HooklineClient;
  readonly accountId: string;
  readonly runId: string;
  /** CPU seconds of all its processes so far, its Redis or PostgreSQL server included. */
  cpuSeconds(): number;
  /** Sum of the peaks of its own processes' RSS (the Hookline or peer process, and Redis; not PostgreSQL). */
  maxRssBytes(): number;
  /** Stops everything it started; throws when a process had died on its own. */
  stop(): Promise<void>;
}

/** What a round has to start systems with. */
export interface RoundResources {
  readonly ctx: ScenarioContext;
  readonly postgres: PostgresServer | undefined;
}

type Starter = (round: RoundResources, workload: WorkloadSpec, label: string) => Promise<RunningSystem>;

async function setUp(
  round: RoundResources,
  workload: WorkloadSpec,
  client: HooklineClient,
  label: string,
): Promise<string> {
  return setUpAccount(client, {
    label,
    receiver: round.ctx.receiver,
    endpoints: throughputEndpoints({ endpoints: workload.endpoints, how: 'every' }),
    latencyFromSeq: workload.key === 'latency' ? LATENCY_EVENTS_PER_SECOND : 0,
  });
}

/** Hookline, one process (`--role all`), on SQLite or on a fresh database of the round's PostgreSQL. */
function hooklineStarter(store: 'sqlite' | 'postgres'): Starter {
  return async (round, workload, label) => {
    const postgres = store === 'postgres' ? round.postgres : undefined;
    if (store === 'postgres' && !postgres) throw new Error('no PostgreSQL');
    const deployment = await startDeployment({ label, ...(postgres ? { postgres, roles: ['all'] } : {}) });
    try {
      const hookline = deployment.processes[0]!;
      const accountId = await setUp(round, workload, deployment.client, label);
      return {
        client: deployment.client,
        accountId,
        runId: benchRunId(label),
        cpuSeconds: () => {
          hookline.sampler.sample();
          return hookline.sampler.lastCpuSeconds + (postgres?.cpuSeconds() ?? 0);
        },
        maxRssBytes: () => hookline.sampler.maxRssBytes,
        stop: () => deployment.stop(),
      };
    } catch (error) {
      await deployment.stop().catch(() => undefined);
      throw error;
    }
  };
}

/** What a peer's queue lives in: its own Redis, or its database on the round's PostgreSQL. */
interface QueueStore {
  cpuSeconds(): number;
  /** Its memory, counted with the peer's (Redis holds the queue itself), or 0. */
  maxRssBytes(): number;
  /** Stops it or drops the database; throws when it had died on its own. */
  stop(): Promise<void>;
}

/**
 * Starts a peer on `queue` and sets up the workload's account; stops both (and says which died on its
 * own) when the system is stopped, or when starting fails.
 */
async function startPeerSystem(
  kind: PeerKind,
  env: Readonly<Record<string, string>>,
  queue: QueueStore,
  round: RoundResources,
  workload: WorkloadSpec,
  label: string,
): Promise<RunningSystem> {
  let peer: Awaited<ReturnType<typeof startPeer>> | undefined;
  let client: HooklineClient | undefined;
  const stop = async () => {
    const peerDied = peer !== undefined && !peer.isRunning();
    await client?.close();
    await peer?.stop();
    const queueStopped = queue.stop();
    if (peerDied && peer) {
      await queueStopped.catch(() => undefined);
      throw new Error(`the ${kind} peer exited:\n${peer.output().slice(-4_000)}`);
    }
    await queueStopped;
  };
  try {
    peer = await startPeer(kind, env);
    client = new HooklineClient(peer.baseUrl);
    const accountId = await setUp(round, workload, client, label);
    const started = peer;
    return {
      client,
      accountId,
      runId: benchRunId(label),
      cpuSeconds: () => started.cpuSeconds() + queue.cpuSeconds(),
      maxRssBytes: () => started.sampler.maxRssBytes + queue.maxRssBytes(),
      stop,
    };
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
}

/** The BullMQ peer on its own fresh Redis with the given AOF fsync policy. */
function bullmqStarter(appendfsync: 'everysec' | 'always'): Starter {
  return async (round, workload, label) => {
    const redis = await startRedis(label, appendfsync);
    const queue: QueueStore = {
      cpuSeconds: () => redis.cpuSeconds(),
      maxRssBytes: () => redis.sampler.maxRssBytes,
      async stop() {
        const died = !redis.isRunning();
        await redis.stop();
        if (died) throw new Error(`redis-server exited:\n${redis.output().slice(-4_000)}`);
      },
    };
    const env = { REDIS_PORT: String(redis.port), PEER_CONCURRENCY: String(PEER_TUNING.bullmqConcurrency) };
    return startPeerSystem('bullmq', env, queue, round, workload, label);
  };
}

/** The graphile-worker peer on a fresh database of the round's PostgreSQL. */
const graphileStarter: Starter = async (round, workload, label) => {
  const postgres = round.postgres;
  if (!postgres) throw new Error('no PostgreSQL');
  const database = label.replace(/[^a-z0-9_]/gi, '_').toLowerCase();
  const url = await postgres.createDatabase(database);
  const queue: QueueStore = {
    cpuSeconds: () => postgres.cpuSeconds(),
    // PostgreSQL's memory is its fixed shared buffers, the same for Hookline on it: not counted.
    maxRssBytes: () => 0,
    async stop() {
      if (postgres.isRunning()) await postgres.dropDatabase(database);
      if (!postgres.isRunning()) throw new Error(`postgres exited:\n${postgres.output().slice(-4_000)}`);
    },
  };
  const env = {
    DATABASE_URL: url,
    PEER_CONCURRENCY: String(PEER_TUNING.graphileConcurrency),
    PEER_LOCAL_QUEUE_SIZE: String(PEER_TUNING.graphileLocalQueueSize),
  };
  return startPeerSystem('graphile', env, queue, round, workload, label);
};

const STARTERS: Readonly<Record<PeerSystemKey, Starter>> = {
  hooklineSqlite: hooklineStarter('sqlite'),
  hooklinePostgres: hooklineStarter('postgres'),
  bullmqEverysec: bullmqStarter('everysec'),
  bullmqAlways: bullmqStarter('always'),
  graphile: graphileStarter,
};

/** Why a system cannot run on this machine, or undefined when it can. */
function unavailable(system: PeerSystemKey): string | undefined {
  switch (system) {
    case 'hooklineSqlite':
      return undefined;
    case 'hooklinePostgres':
    case 'graphile':
      return postgresUnavailable();
    case 'bullmqEverysec':
    case 'bullmqAlways':
      return redisUnavailable();
  }
}

/** What one workload measured on one system. */
export interface WorkloadResult {
  readonly expected: number;
  readonly delivered: number;
  readonly missing: number;
  readonly duplicates: number;
  readonly invalidSignatures: number;
  /** Events in publish requests the system refused or that failed. */
  readonly refusedEvents: number;
  /** Deliveries ÷ (last receipt − first publish). */
  readonly deliveriesPerSecond: number;
  /** CPU seconds of the system (its database server included) per 1,000 deliveries. */
  readonly cpuSecondsPer1000: number;
  /** Publish → receipt percentiles (latency workload; undelivered count as infinitely late). */
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxRssBytes: number;
}

/**
 * How long to publish `events` at the workload's rate so that exactly `events ÷ batchSize` requests fall
 * due: half an interval past the last one, clear of floating-point error either way.
 */
function publishingMs(workload: WorkloadSpec, events: number): number {
  const requestsPerSecond = workload.eventsPerSecond / workload.batchSize;
  return ((events / workload.batchSize + 0.5) / requestsPerSecond) * 1000;
}

/** Publishes the workload to a running system, waits for its deliveries and measures. */
async function runWorkload(
  ctx: ScenarioContext,
  system: RunningSystem,
  workload: WorkloadSpec,
): Promise<WorkloadResult> {
  const paths = throughputEndpoints({ endpoints: workload.endpoints, how: 'every' }).map((e) => e.path);
  const plan = {
    client: system.client,
    accountId: system.accountId,
    eventsPerSecond: workload.eventsPerSecond,
    batchSize: workload.batchSize,
    typeOf: () => 'bench.delivery',
  };
  let warmUpInvalidSignatures = 0;
  if (workload.warmUpEvents > 0) {
    const warmUp = await publishPaced({
      ...plan,
      runId: `${system.runId}w`,
      firstSeq: WARM_UP_FIRST_SEQ,
      durationMs: publishingMs(workload, workload.warmUpEvents),
    });
    const warmed = await awaitDeliveries(
      ctx.receiver,
      expectationsFor(warmUp.accepted, paths, 'every'),
      workload.drainCapMs,
    );
    if (!warmed.complete) ctx.log(`${warmed.check.missing} warm-up deliveries still missing`);
    warmUpInvalidSignatures = warmed.stats.invalidSignatures;
    await ctx.receiver.reset();
  }
  const cpuBefore = system.cpuSeconds();
  const published = await publishPaced({
    ...plan,
    runId: system.runId,
    durationMs: publishingMs(workload, workload.events),
  });
  const wait = await awaitDeliveries(
    ctx.receiver,
    expectationsFor(published.accepted, paths, 'every'),
    workload.drainCapMs,
  );
  const cpuSeconds = system.cpuSeconds() - cpuBefore;
  const { stats, check } = wait;
  const spanMs = Math.max(1, (stats.lastReceiptAt ?? wait.endedAt) - published.startedAt);
  const histogram = stats.latency ? LatencyHistogram.from(stats.latency) : new LatencyHistogram();
  const latency = workload.key === 'latency';
  const p = (q: number) => (latency ? percentileWithUndelivered(histogram, check.missing, q) : Number.NaN);
  return {
    expected: check.expected,
    delivered: check.present,
    missing: check.missing,
    duplicates: stats.duplicates,
    invalidSignatures: warmUpInvalidSignatures + stats.invalidSignatures,
    refusedEvents: published.failedEvents,
    deliveriesPerSecond: check.present / (spanMs / 1000),
    cpuSecondsPer1000: check.present > 0 ? (cpuSeconds / check.present) * 1000 : Number.NaN,
    p50Ms: p(0.5),
    p99Ms: p(0.99),
    maxRssBytes: system.maxRssBytes(),
  };
}

/** Starts a fresh instance of `system`, runs `workload` on it and stops it. */
export async function measureSystem(
  round: RoundResources,
  system: PeerSystemKey,
  workload: WorkloadSpec,
  label: string,
): Promise<WorkloadResult> {
  const running = await STARTERS[system](round, workload, label);
  try {
    return await runWorkload(round.ctx, running, workload);
  } finally {
    await running.stop();
  }
}

/** The rows of one system over the workloads it ran. */
export function systemRows(
  system: (typeof PEER_SYSTEMS)[number],
  results: ReadonlyMap<PeerWorkload, WorkloadResult>,
): Measurement[] {
  const rows: Measurement[] = [];
  const key = (workload: PeerWorkload | null, name: string) => peerMetricKey(system.key, workload, name);
  for (const [workload, r] of results) {
    if (workload === 'latency') {
      rows.push(
        {
          key: key(workload, 'p50Ms'),
          label: `${system.label}, single publishes: publish → receipt p50`,
          unit: 'ms',
          value: r.p50Ms,
        },
        {
          key: key(workload, 'p99Ms'),
          label: `${system.label}, single publishes: publish → receipt p99`,
          unit: 'ms',
          value: r.p99Ms,
        },
      );
      continue;
    }
    const name = workload === 'fanOut1' ? 'fan-out 1' : 'fan-out 10';
    rows.push(
      {
        key: key(workload, 'deliveriesPerSecond'),
        label: `${system.label}, ${name}: delivered end to end`,
        unit: 'deliveries/s',
        value: r.deliveriesPerSecond,
        comparesToCeiling: true,
      },
      {
        key: key(workload, 'cpuSecondsPer1000'),
        label: `${system.label}, ${name}: CPU-seconds per 1,000 deliveries`,
        unit: 'CPU-s',
        value: r.cpuSecondsPer1000,
      },
    );
  }
  const all = [...results.values()];
  const sum = (pick: (r: WorkloadResult) => number) => all.reduce((total, r) => total + pick(r), 0);
  rows.push(
    {
      key: key(null, 'maxRssMb'),
      label: `${system.label}: max RSS`,
      unit: 'MB',
      value: Math.max(...all.map((r) => r.maxRssBytes)) / 1e6,
    },
    {
      key: key(null, 'lost'),
      label: `${system.label}: deliveries lost (missing from the ledger after the wait)`,
      unit: 'count',
      value: sum((r) => r.missing),
    },
    {
      key: key(null, 'duplicates'),
      label: `${system.label}: deliveries duplicated`,
      unit: 'count',
      value: sum((r) => r.duplicates),
    },
    {
      key: key(null, 'invalidSignatures'),
      label: `${system.label}: invalid signatures`,
      unit: 'count',
      value: sum((r) => r.invalidSignatures),
    },
    {
      key: key(null, 'refusedEvents'),
      label: `${system.label}: events refused at publish`,
      unit: 'count',
      value: sum((r) => r.refusedEvents),
    },
  );
  return rows;
}

const seconds = (ms: number) => `${(ms / 1000).toLocaleString('en-US')} s`;

function describe(): string {
  const full = workloadSpecs(false);
  const quick = workloadSpecs(true);
  return (
    'Hookline beside two webhook senders built on general-purpose job queues, each written the way its ' +
    "library's documentation recommends (`bench/peers/`), in the same invocation and on the same " +
    'receiver, which verifies every signature and records every delivery in its ledger. The peers are ' +
    "one Node.js process each, as Hookline is: an HTTP API (node:http) serving Hookline's publish routes " +
    'with the same bodies, answering 202 only once the queue write is durable, and workers that send ' +
    "each job with undici's `request`, signed with HMAC-SHA256 as Standard Webhooks requires " +
    '(`webhook-id`, `webhook-timestamp`, `webhook-signature: v1,…`). Fan-out to N endpoints is N jobs ' +
    "in both (each library's documented pattern: one job per unit that retries on its own). " +
    "**BullMQ + Redis**: Debian's `redis-server` started by the harness in a fresh temp dir with " +
    '`appendonly yes`, once with `appendfsync everysec` (an answered write may be lost in the last second ' +
    'of a crash) and once with `appendfsync always` (fsynced before the answer, as Hookline and ' +
    'PostgreSQL are); `Queue.add`/`addBulk` with the job id set to the webhook id (deduplication), ' +
    '`attempts: 10` with exponential `backoff`, `removeOnComplete`; one `Worker` with ' +
    `\`concurrency: ${PEER_TUNING.bullmqConcurrency}\`. **graphile-worker**: a fresh database on the ` +
    "round's PostgreSQL (the same server as Hookline PostgreSQL, durable defaults); `addJobs` (one " +
    '`add_jobs` transaction per publish request), `maxAttempts: 10` with its built-in exponential ' +
    `backoff; \`concurrentJobs: ${PEER_TUNING.graphileConcurrency}\`, ` +
    `\`localQueue.size: ${PEER_TUNING.graphileLocalQueueSize}\` and \`completeJobBatchDelay\`/` +
    '`failJobBatchDelay: 0` (the local queue and batched completions its performance page recommends). ' +
    'The peers keep accounts and endpoints in memory (Hookline reads them from its database). ' +
    'Each run is a round: Hookline SQLite, Hookline PostgreSQL (one `--role all` process, as in B6), ' +
    'BullMQ everysec, BullMQ always, graphile-worker, each workload on a fresh instance of the system ' +
    '(fresh data dir, database or Redis, fresh processes); the ceiling is measured before each round. ' +
    `Workloads: ${full.fanOut1.title} and ${full.fanOut10.title} (offered at ` +
    `${full.fanOut1.eventsPerSecond.toLocaleString('en-US')} and ` +
    `${full.fanOut10.eventsPerSecond.toLocaleString('en-US')} events/s, more than any system delivers, ` +
    'after a tenth as many as warm-up, not counted; the rate is deliveries ÷ (last receipt − first ' +
    `publish)); ${full.latency.title}, open loop (publish → receipt from the receiver's histogram, the ` +
    'first second left out as warm-up, undelivered events counting as infinitely late). CPU-seconds per ' +
    '1,000 deliveries count every process of the system over the measured part: the Hookline or peer ' +
    'process, and its Redis or its PostgreSQL server with all backends. Max RSS is the largest over the ' +
    "workloads of the system's own processes (Hookline or the peer, plus Redis, whose memory is the " +
    "queue's; not PostgreSQL's, whose shared buffers are fixed at 256 MB for both systems on it). " +
    `Deliveries still missing ${seconds(full.fanOut1.drainCapMs)} after publishing ends ` +
    `(${seconds(full.latency.drainCapMs)} for single publishes) count as lost. ` +
    `\`--quick\`: one round of ${quick.fanOut1.title}, ${quick.fanOut10.title} and ${quick.latency.title}. ` +
    'With `--only`, the workloads of the scenarios it names among B2 and B3 (all when it names neither).'
  );
}

/** The comparison with the peers. */
export const peers: Scenario = {
  id: PEERS_SCENARIO_ID,
  title: 'Compared with BullMQ + Redis and graphile-worker',
  description: describe(),
  runs: (options) => options.runs,
  estimateMs: (options) => {
    const workloads = peerWorkloadsFor(options);
    // Per system and workload, start and stop included, on the reference machine.
    const perWorkload = options.quick ? 12_000 : 25_000;
    return options.runs * (5_000 + PEER_SYSTEMS.length * workloads.length * perWorkload);
  },
  async run(ctx) {
    const quick = ctx.options.quick;
    const specs = workloadSpecs(quick);
    const workloads = peerWorkloadsFor(ctx.options);
    const round = ctx.runIndex + 1;
    const notes: string[] = [];
    const measurements: Measurement[] = [];
    let failures = 0;
    const postgres = postgresUnavailable() === undefined ? await startPostgres('peers-postgres') : undefined;
    try {
      for (const system of PEER_SYSTEMS) {
        const why = unavailable(system.key);
        if (why !== undefined) {
          ctx.log(`${system.label}: skipped: ${why}`);
          if (ctx.runIndex === 0) notes.push(`${system.label} skipped: ${why}.`);
          continue;
        }
        const results = new Map<PeerWorkload, WorkloadResult>();
        for (const workloadKey of workloads) {
          const workload = specs[workloadKey];
          const label = `peers_r${round}_${workloadKey}_${system.key}`.toLowerCase();
          try {
            const result = await measureSystem({ ctx, postgres }, system.key, workload, label);
            results.set(workloadKey, result);
            ctx.log(
              `${system.label}, ${workload.title}: ${result.delivered}/${result.expected} delivered` +
                (workloadKey === 'latency'
                  ? `, p50 ${result.p50Ms.toFixed(2)} ms, p99 ${result.p99Ms.toFixed(2)} ms`
                  : `, ${Math.round(result.deliveriesPerSecond)}/s, ` +
                    `${result.cpuSecondsPer1000.toFixed(3)} CPU-s per 1,000`) +
                `, ${result.duplicates} duplicated, ${(result.maxRssBytes / 1e6).toFixed(0)} MB` +
                (result.missing > 0 ? ` (${result.missing} LOST after ${seconds(workload.drainCapMs)})` : ''),
            );
            if (result.missing > 0 || result.refusedEvents > 0 || result.invalidSignatures > 0) {
              notes.push(
                `round ${round}, ${system.label}, ${workload.title}: ${result.missing} deliveries missing ` +
                  `after ${seconds(workload.drainCapMs)}, ${result.refusedEvents} events refused, ` +
                  `${result.invalidSignatures} invalid signatures`,
              );
            }
          } catch (error) {
            const message = (error as Error).message.split('\n')[0];
            ctx.log(`${system.label}, ${workload.title}: FAILED: ${(error as Error).stack ?? String(error)}`);
            notes.push(`round ${round}, ${system.label}, ${workload.title}: failed: ${message}`);
            failures++;
          }
        }
        if (results.size > 0) measurements.push(...systemRows(system, results));
      }
    } finally {
      await postgres?.stop();
    }
    // A system that could not run a workload (a process that died, a server that would not start) is
    // in the notes and the logs; this row puts it among the targets, where it cannot be missed.
    measurements.push({
      key: 'failedWorkloads',
      label: 'workloads a system failed to run (see the notes)',
      unit: 'count',
      value: failures,
      target: { op: '<=', value: 0 },
    });
    return { measurements, notes };
  },
};
