/**
 * B11 retention soak: 1,000 events a second for 10 minutes with a retention of 2 minutes, on SQLite and
 * on PostgreSQL, each beside the same run without pruning (a retention of a year). Measured: whether the
 * database stops growing once the first retention period has passed, what pruning costs the
 * publish-to-receipt latency, and that nothing still to be delivered is pruned: one event in a thousand
 * also goes to an endpoint that fails for the first two retention periods, so its deliveries are
 * pending long past the retention and must all arrive once it answers again.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { type Deployment, startDeployment } from '../deployment.ts';
import { awaitDeliveries, receiverPaths, setUpAccount } from '../fixture.ts';
import { type ExpectedSeqs, expectationsFor, type SeqRanges } from '../ledger.ts';
import { publishPaced } from '../paced-publisher.ts';
import {
  POSTGRES_SETTINGS,
  type PostgresServer,
  postgresUnavailable,
  startPostgres,
} from '../postgres-server.ts';
import type { ReceiverProcess } from '../receiver-control.ts';
import type { Measurement, Scenario, ScenarioContext, Target } from '../scenario.ts';
import { LatencyHistogram, percentileWithUndelivered, summarize } from '../stats.ts';

/** The issue's load: events a second, published in batches of {@link BATCH_SIZE}. */
export const SOAK_EVENTS_PER_SECOND = 1_000;
/**
 * A platform publishing steadily sends batches; 100 requests of 10 a second keep both stores well below
 * what they can take, so what the latency shows is pruning rather than a store at its limit (single
 * publishes at 1,000 a second are B3's subject).
 */
const BATCH_SIZE = 10;
/** Event `seq` with `seq % HELD_EVERY === HELD_EVERY - 1` also goes to the held endpoint. */
const HELD_EVERY = 1_000;

/** One length set: the issue's for a full run, a 20-second one for `--quick`. */
export interface SoakTimes {
  readonly durationMs: number;
  readonly retention: string;
  readonly retentionMs: number;
  /**
   * How often the pruner runs. The default minute is nothing beside 30 days; beside 2 minutes it would
   * let the database swing by half its size between passes, so the interval is scaled down with the
   * retention (a 24th of it, as 1 minute is about a 43,000th of 30 days).
   */
  readonly pruneInterval: string;
  /** The retries of the held endpoint's deliveries: often enough to arrive soon after it recovers. */
  readonly retrySchedule: string;
  /** The window whose sizes must stay within ±10 %: the run's end, after the first retention period. */
  readonly steadyWindowMs: number;
  readonly sampleEveryMs: number;
  /** How long the last deliveries may take once publishing has ended. */
  readonly drainMs: number;
}

export const SOAK_TIMES: Readonly<Record<'full' | 'quick', SoakTimes>> = {
  full: {
    durationMs: 10 * 60_000,
    retention: '2m',
    retentionMs: 2 * 60_000,
    pruneInterval: '5s',
    retrySchedule: Array(45).fill('10s').join(','),
    steadyWindowMs: 5 * 60_000,
    sampleEveryMs: 5_000,
    drainMs: 30_000,
  },
  quick: {
    durationMs: 20_000,
    retention: '5s',
    retentionMs: 5_000,
    pruneInterval: '500ms',
    retrySchedule: Array(30).fill('1s').join(','),
    steadyWindowMs: 8_000,
    sampleEveryMs: 500,
    drainMs: 10_000,
  },
};

/** The target on the size: every sample of the steady window within this many percent of their median. */
export const SIZE_SPREAD_TARGET_PERCENT = 10;
/** The target on the latency: the pruned run's p99 at most this many times the unpruned run's. */
export const P99_RATIO_TARGET = 1.5;

/** A database size at a moment of the run. */
export interface SizeSample {
  readonly atMs: number;
  readonly bytes: number;
}

/**
 * The largest distance of a sample of the window (the samples at or after `fromMs`) from the window's
 * median, in percent of that median; NaN without samples.
 */
export function sizeSpreadPercent(samples: readonly SizeSample[], fromMs: number): number {
  const window = samples.filter((s) => s.atMs >= fromMs).map((s) => s.bytes);
  if (window.length === 0) return Number.NaN;
  const median = summarize(window).median;
  return (100 * Math.max(...window.map((b) => Math.abs(b - median)))) / median;
}

/** The sequence numbers of the held events among those accepted, as expectations of `path`. */
export function heldExpectations(accepted: SeqRanges, path: string): ExpectedSeqs[] {
  const out: ExpectedSeqs[] = [];
  for (const [start, end] of accepted.list()) {
    const first = start + ((HELD_EVERY - 1 - (start % HELD_EVERY) + HELD_EVERY) % HELD_EVERY);
    if (first < end) out.push({ path, start: first, end, step: HELD_EVERY });
  }
  return out;
}

/**
 * The smallest bucket bound of a Prometheus histogram in `scrape` that holds every observation, in ms
 * (Infinity when some are above the last bound, NaN when there are none).
 */
export function longestObservationBoundMs(scrape: string, name: string): number {
  const count = Number(new RegExp(`^${name}_count (\\S+)$`, 'm').exec(scrape)?.[1] ?? 0);
  if (count === 0) return Number.NaN;
  const buckets = [...scrape.matchAll(new RegExp(`^${name}_bucket\\{le="([^"]+)"\\} (\\S+)$`, 'gm'))]
    .map((m) => ({ le: m[1] === '+Inf' ? Infinity : Number(m[1]), cumulative: Number(m[2]) }))
    .sort((a, b) => a.le - b.le);
  const holding = buckets.find((b) => b.cumulative >= count);
  return holding ? holding.le * 1000 : Number.POSITIVE_INFINITY;
}

/** The value of a counter sample (`name{labels}`) in `scrape`, 0 when absent. */
function counter(scrape: string, sample: string): number {
  const line = scrape.split('\n').find((l) => l.startsWith(`${sample} `));
  return line ? Number(line.slice(sample.length + 1)) : 0;
}

type StoreName = 'sqlite' | 'postgres';

/** What one soak run measured. */
interface SoakResult {
  readonly samples: readonly SizeSample[];
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly missing: number;
  readonly heldExpected: number;
  readonly heldMissing: number;
  readonly invalidSignatures: number;
  readonly duplicates: number;
  readonly deliveredPerSecond: number;
  readonly accepted: number;
  readonly refused: number;
  readonly eventsKept: number;
  readonly prunedEvents: number;
  readonly longestStepMs: number;
  readonly maxRssBytes: number;
}

/** The database's size: the SQLite file and its WAL, or the relations of the PostgreSQL database. */
async function databaseBytes(deployment: Deployment, client: pg.Client | undefined): Promise<number> {
  if (client) {
    const { rows } = await client.query<{ bytes: string }>(
      `SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) AS bytes
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
          AND n.nspname NOT LIKE 'pg_toast%'`,
    );
    return Number(rows[0]!.bytes);
  }
  const file = join(deployment.dataDir, 'hookline.db');
  const size = (path: string) => statSync(path, { throwIfNoEntry: false })?.size ?? 0;
  return size(file) + size(`${file}-wal`);
}

async function eventsStored(deployment: Deployment, client: pg.Client | undefined): Promise<number> {
  if (client) {
    const { rows } = await client.query<{ n: string }>('SELECT count(*) AS n FROM events');
    return Number(rows[0]!.n);
  }
  const db = new Database(join(deployment.dataDir, 'hookline.db'), { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

async function soak(
  ctx: ScenarioContext,
  store: StoreName,
  postgres: PostgresServer | undefined,
  pruned: boolean,
): Promise<SoakResult> {
  const times = ctx.options.quick ? SOAK_TIMES.quick : SOAK_TIMES.full;
  const label = `b11_${store}_${pruned ? 'pruned' : 'kept'}`;
  const receiver: ReceiverProcess = ctx.receiver;
  const deployment = await startDeployment({
    label,
    ...(postgres ? { postgres } : {}),
    env: {
      HOOKLINE_RETENTION: pruned ? times.retention : '365d',
      HOOKLINE_PRUNE_INTERVAL: times.pruneInterval,
      HOOKLINE_RETRY_SCHEDULE: times.retrySchedule,
    },
  });
  let client: pg.Client | undefined;
  let failure: unknown;
  let result: SoakResult | undefined;
  try {
    if (deployment.databaseUrl) {
      client = new pg.Client({ connectionString: deployment.databaseUrl });
      await client.connect();
    }
    const [live, held] = receiverPaths(2) as [string, string];
    const accountId = await setUpAccount(deployment.client, {
      label,
      receiver,
      endpoints: [
        { path: live, mode: 'ok', eventTypes: ['bench.soak', 'bench.soak.held'] },
        // Fails for the first two retention periods: its deliveries stay pending past the retention.
        { path: held, mode: 'fail', eventTypes: ['bench.soak.held'], untimed: true },
      ],
      // The first second is warm-up.
      latencyFromSeq: SOAK_EVENTS_PER_SECOND,
    });
    const samples: SizeSample[] = [];
    const startedAt = performance.now();
    const sampler = setInterval(() => {
      const atMs = performance.now() - startedAt;
      void databaseBytes(deployment, client).then(
        (bytes) => samples.push({ atMs, bytes }),
        () => undefined,
      );
    }, times.sampleEveryMs);
    const recover = setTimeout(() => void receiver.setMode([held], 'ok'), 2 * times.retentionMs);
    const hookline = deployment.processes[0]!;
    let published: Awaited<ReturnType<typeof publishPaced>>;
    try {
      published = await publishPaced({
        client: deployment.client,
        accountId,
        runId: `${label}_${Date.now().toString(36)}`,
        eventsPerSecond: SOAK_EVENTS_PER_SECOND,
        batchSize: BATCH_SIZE,
        durationMs: times.durationMs,
        typeOf: (seq) => (seq % HELD_EVERY === HELD_EVERY - 1 ? 'bench.soak.held' : 'bench.soak'),
        onProgress: (accepted, elapsedMs) => {
          if (Math.round(elapsedMs / 1000) % 60 !== 0) return;
          const last = samples.at(-1);
          ctx.log(
            `${store}${pruned ? '' : ' (not pruned)'}: ${accepted.toLocaleString('en-US')} events at ` +
              `${Math.round(elapsedMs / 1000)} s; database ${last ? (last.bytes / 1e6).toFixed(1) : '?'} MB`,
          );
        },
      });
    } finally {
      clearInterval(sampler);
      clearTimeout(recover);
    }
    const heldExpected = heldExpectations(published.accepted, held);
    const wait = await awaitDeliveries(
      receiver,
      [...expectationsFor(published.accepted, [live], 'every'), ...heldExpected],
      times.drainMs,
    );
    const heldCheck = (await receiver.stats({ expected: heldExpected })).check!;
    const histogram = LatencyHistogram.from(wait.stats.latency!);
    const liveMissing = wait.check.missing - heldCheck.missing;
    const p = (q: number) => percentileWithUndelivered(histogram, liveMissing, q);
    const scrape = await deployment.client.metrics();
    result = {
      samples,
      p50Ms: p(0.5),
      p99Ms: p(0.99),
      missing: wait.check.missing,
      heldExpected: heldCheck.expected,
      heldMissing: heldCheck.missing,
      invalidSignatures: wait.stats.invalidSignatures,
      duplicates: wait.stats.duplicates,
      deliveredPerSecond:
        wait.check.present /
        ((Math.max(wait.stats.lastReceiptAt ?? 0, published.endedAt) - published.startedAt) / 1000),
      accepted: published.accepted.size,
      refused: published.failedEvents,
      eventsKept: await eventsStored(deployment, client),
      prunedEvents: counter(scrape, 'hookline_pruned_total{kind="events"}'),
      longestStepMs: longestObservationBoundMs(scrape, 'hookline_prune_step_duration_seconds'),
      maxRssBytes: hookline.sampler.maxRssBytes,
    };
    const steady = sizeSpreadPercent(samples, times.durationMs - times.steadyWindowMs);
    ctx.log(
      `${store}${pruned ? '' : ' (not pruned)'}: p50 ${result.p50Ms.toFixed(2)} ms, p99 ${result.p99Ms.toFixed(2)} ms; ` +
        `database ${((samples.at(-1)?.bytes ?? 0) / 1e6).toFixed(1)} MB at the end, ±${steady.toFixed(1)} % over ` +
        `the last ${times.steadyWindowMs / 1000} s; ${result.eventsKept.toLocaleString('en-US')} events kept, ` +
        `${result.prunedEvents.toLocaleString('en-US')} pruned; ${result.missing} undelivered ` +
        `(${result.heldMissing} of ${result.heldExpected} held)`,
    );
  } catch (error) {
    failure = error;
  } finally {
    await client?.end().catch(() => undefined);
    try {
      await deployment.stop();
    } catch (error) {
      failure ??= error;
    }
  }
  if (failure !== undefined || result === undefined) throw failure;
  return result;
}

function measurements(
  store: StoreName,
  pruned: SoakResult,
  kept: SoakResult,
  times: SoakTimes,
  quick: boolean,
): Measurement[] {
  const name = store === 'sqlite' ? 'SQLite' : 'PostgreSQL';
  // The size and latency targets are about a database past its first retention periods: the quick
  // run's 20 s soak is a smoke test of the scenario, its sizes still settling, so it shows them bare.
  const steadyTarget = (target: Target) => (quick ? {} : { target });
  const windowText = `the last ${times.steadyWindowMs >= 60_000 ? `${times.steadyWindowMs / 60_000} min` : `${times.steadyWindowMs / 1000} s`}`;
  const steadyFrom = times.durationMs - times.steadyWindowMs;
  const steadySizes = pruned.samples.filter((s) => s.atMs >= steadyFrom).map((s) => s.bytes);
  return [
    {
      key: `${store}.sizeSpreadPercent`,
      label: `${name}: database size over ${windowText}, largest distance from its median`,
      unit: '%',
      value: sizeSpreadPercent(pruned.samples, steadyFrom),
      ...steadyTarget({ op: '<=', value: SIZE_SPREAD_TARGET_PERCENT }),
    },
    {
      key: `${store}.sizeMB`,
      label: `${name}: database size over ${windowText} (median)`,
      unit: 'MB',
      value: steadySizes.length > 0 ? summarize(steadySizes).median / 1e6 : Number.NaN,
    },
    {
      key: `${store}.keptSizeMB`,
      label: `${name}: database size at the end without pruning`,
      unit: 'MB',
      value: (kept.samples.at(-1)?.bytes ?? Number.NaN) / 1e6,
    },
    {
      key: `${store}.eventsKept`,
      label: `${name}: events stored at the end (retention × rate = ${(times.retentionMs / 1000) * SOAK_EVENTS_PER_SECOND})`,
      unit: 'count',
      value: pruned.eventsKept,
    },
    {
      key: `${store}.prunedEvents`,
      label: `${name}: events pruned`,
      unit: 'count',
      value: pruned.prunedEvents,
    },
    {
      key: `${store}.longestStepMs`,
      label: `${name}: longest pruning step (at most)`,
      unit: 'ms',
      value: pruned.longestStepMs,
    },
    { key: `${store}.p50Ms`, label: `${name}: publish → receipt p50`, unit: 'ms', value: pruned.p50Ms },
    {
      key: `${store}.keptP50Ms`,
      label: `${name}: publish → receipt p50 without pruning`,
      unit: 'ms',
      value: kept.p50Ms,
    },
    { key: `${store}.p99Ms`, label: `${name}: publish → receipt p99`, unit: 'ms', value: pruned.p99Ms },
    {
      key: `${store}.keptP99Ms`,
      label: `${name}: publish → receipt p99 without pruning`,
      unit: 'ms',
      value: kept.p99Ms,
    },
    {
      key: `${store}.p99Ratio`,
      label: `${name}: p99 with pruning ÷ without`,
      unit: '×',
      value: pruned.p99Ms / kept.p99Ms,
      ...steadyTarget({ op: '<=', value: P99_RATIO_TARGET }),
    },
    {
      key: `${store}.deliveredPerSecond`,
      label: `${name}: delivered rate (end to end)`,
      unit: 'deliveries/s',
      value: pruned.deliveredPerSecond,
    },
    {
      key: `${store}.maxRssMB`,
      label: `${name}: Hookline max RSS`,
      unit: 'MB',
      value: pruned.maxRssBytes / 1e6,
    },
    {
      key: `${store}.keptMaxRssMB`,
      label: `${name}: Hookline max RSS without pruning`,
      unit: 'MB',
      value: kept.maxRssBytes / 1e6,
    },
    {
      key: `${store}.heldDelivered`,
      label: `${name}: deliveries held past the retention, then delivered`,
      unit: 'count',
      value: pruned.heldExpected - pruned.heldMissing,
    },
    {
      key: `${store}.missing`,
      label: `${name}: undelivered after the wait (both runs)`,
      unit: 'count',
      value: pruned.missing + kept.missing,
      target: { op: '<=', value: 0 },
    },
    {
      key: `${store}.invalidSignatures`,
      label: `${name}: invalid signatures (both runs)`,
      unit: 'count',
      value: pruned.invalidSignatures + kept.invalidSignatures,
      target: { op: '<=', value: 0 },
    },
  ];
}

/** Both runs of a store, in the order given (alternated between the stores, so drift favours neither). */
async function soakPair(
  ctx: ScenarioContext,
  store: StoreName,
  postgres: PostgresServer | undefined,
  prunedFirst: boolean,
): Promise<{ pruned: SoakResult; kept: SoakResult }> {
  if (prunedFirst) {
    const pruned = await soak(ctx, store, postgres, true);
    return { pruned, kept: await soak(ctx, store, postgres, false) };
  }
  const kept = await soak(ctx, store, postgres, false);
  return { pruned: await soak(ctx, store, postgres, true), kept };
}

function notesOf(store: StoreName, { pruned, kept }: { pruned: SoakResult; kept: SoakResult }): string {
  const sizes = (r: SoakResult) =>
    r.samples
      .filter((_, i, all) => i % Math.max(1, Math.floor(all.length / 10)) === 0 || i === all.length - 1)
      .map((s) => `${Math.round(s.atMs / 1000)} s ${(s.bytes / 1e6).toFixed(1)} MB`)
      .join(', ');
  return (
    `${store}: ${pruned.accepted.toLocaleString('en-US')} events accepted with pruning and ` +
    `${kept.accepted.toLocaleString('en-US')} without (${pruned.refused + kept.refused} refused), ` +
    `${pruned.duplicates + kept.duplicates} duplicates. Size with pruning: ${sizes(pruned)}. ` +
    `Without: ${sizes(kept)}.`
  );
}

/** B11 retention soak. */
export const b11RetentionSoak: Scenario = {
  id: 'B11',
  title: 'B11 retention soak',
  description:
    `${SOAK_EVENTS_PER_SECOND.toLocaleString('en-US')} events a second (batches of ${BATCH_SIZE}) for 10 minutes ` +
    'with a retention of 2 minutes (`HOOKLINE_RETENTION=2m`, the pruner every 5 s), on SQLite and on ' +
    'PostgreSQL, each beside the same run with a retention of a year (the pruner runs and finds nothing). ' +
    'Each event goes to an endpoint that answers at once; one in a thousand also goes to one that answers ' +
    '500 for the first 4 minutes and is retried every 10 s, so its deliveries stay pending past the ' +
    'retention. The database size (SQLite: the file and its WAL; PostgreSQL: its relations with their ' +
    'indexes and TOAST) is sampled every 5 s and must stay within ±10 % of its median over the last 5 ' +
    "minutes; the pruned run's publish → receipt p99 (to the first endpoint, after the first second) must " +
    "stay within 1.5 × the unpruned one's; every delivery must arrive, the held ones included, so none " +
    'was pruned while pending. One run per store: 40 minutes in all.',
  runs: () => 1,
  estimateMs: (options) => {
    const times = options.quick ? SOAK_TIMES.quick : SOAK_TIMES.full;
    const stores = postgresUnavailable() === undefined ? 2 : 1;
    return stores * 2 * (times.durationMs + 10_000);
  },
  async run(ctx) {
    const times = ctx.options.quick ? SOAK_TIMES.quick : SOAK_TIMES.full;
    const sqlite = await soakPair(ctx, 'sqlite', undefined, true);
    const out: Measurement[] = measurements('sqlite', sqlite.pruned, sqlite.kept, times, ctx.options.quick);
    const notes = [notesOf('sqlite', sqlite)];
    const unavailable = postgresUnavailable();
    if (unavailable !== undefined) {
      ctx.log(`PostgreSQL skipped: ${unavailable}`);
      notes.push(`PostgreSQL skipped: ${unavailable}`);
      return { measurements: out, notes };
    }
    const server = await startPostgres('b11-postgres', POSTGRES_SETTINGS);
    try {
      const postgres = await soakPair(ctx, 'postgres', server, false);
      out.push(...measurements('postgres', postgres.pruned, postgres.kept, times, ctx.options.quick));
      notes.push(notesOf('postgres', postgres));
    } finally {
      await server.stop();
    }
    return { measurements: out, notes };
  },
};
