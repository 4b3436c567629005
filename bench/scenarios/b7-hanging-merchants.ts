/**
 * B7 hanging merchants: two accounts whose ten receivers each never answer, and a third account's
 * orders to a healthy receiver. Do the third merchant's deliveries still arrive at once? On SQLite, and
 * on PostgreSQL with two delivery processes.
 */
import { benchEvent, benchRunId, epochNowMs } from '../bench-event.ts';
import { type Deployment, startDeployment } from '../deployment.ts';
import { awaitDeliveries, type EndpointSpec, setUpAccounts } from '../fixture.ts';
import { expectationsFor } from '../ledger.ts';
import { publishPaced } from '../paced-publisher.ts';
import { type PostgresServer, postgresUnavailable, startPostgres } from '../postgres-server.ts';
import type { Measurement, Scenario, ScenarioContext } from '../scenario.ts';
import { LatencyHistogram, percentileWithUndelivered } from '../stats.ts';

const HANGING_ACCOUNTS = 2;
const HANGING_ENDPOINTS = 10;
const HANGING_EVENTS = 64;
const EVENTS_PER_SECOND = 200;
/** The healthy merchant's events are numbered from here, apart from the hanging ones'. */
const HEALTHY_FIRST_SEQ = 1_000_000;
const DURATIONS = { full: 10_000, quick: 3_000 } as const;
/** The first second of the healthy merchant's events is warm-up: its latency is not counted. */
const WARM_UP_EVENTS = EVENTS_PER_SECOND;
/** How long the hanging accounts get to take their attempts before the healthy merchant starts. */
const HANG_SETTLE_MS = 2_000;

const P99_TARGET_MS = 50;
const MAX_TARGET_MS = 1_000;

/** The two ways of running it. */
const STORES = [
  { key: 'sqlite', label: 'SQLite', roles: ['all'] },
  { key: 'postgres', label: 'PostgreSQL, 2 workers', roles: ['all', 'worker'] },
] as const;

interface VariantResult {
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly missing: number;
  readonly delivered: number;
  readonly hanging: number;
  readonly invalidSignatures: number;
}

/** The paths: `/e/0` … for the hanging accounts' endpoints, then the healthy one. */
function hangingPaths(account: number): string[] {
  return Array.from({ length: HANGING_ENDPOINTS }, (_, i) => `/e/${account * HANGING_ENDPOINTS + i}`);
}
const HEALTHY_PATH = `/e/${HANGING_ACCOUNTS * HANGING_ENDPOINTS}`;

async function runVariant(
  ctx: ScenarioContext,
  store: (typeof STORES)[number],
  postgres: PostgresServer | undefined,
  hangingEvents = HANGING_EVENTS,
): Promise<VariantResult> {
  const label = `b7_${store.key}_${hangingEvents > 0 ? 'hanging' : 'alone'}_run${ctx.runIndex + 1}`;
  const deployment: Deployment = await startDeployment({
    label,
    roles: store.roles,
    ...(postgres ? { postgres } : {}),
  });
  try {
    const hanging = (account: number): EndpointSpec[] =>
      hangingPaths(account).map((path) => ({ path, mode: 'hang', eventTypes: ['bench.hang'] }));
    const accountIds = await setUpAccounts(deployment.client, {
      receiver: ctx.receiver,
      accounts: [
        ...Array.from({ length: HANGING_ACCOUNTS }, (_, n) => ({
          label: `${label} hanging ${n + 1}`,
          endpoints: hanging(n),
        })),
        {
          label: `${label} healthy`,
          endpoints: [{ path: HEALTHY_PATH, mode: 'ok', eventTypes: ['bench.order'] }],
        },
      ],
      latencyFromSeq: HEALTHY_FIRST_SEQ + WARM_UP_EVENTS,
    });
    const runId = benchRunId(label);
    for (let n = 0; n < HANGING_ACCOUNTS; n++) {
      const events = Array.from({ length: hangingEvents }, (_, i) =>
        benchEvent(runId, n * HANGING_EVENTS + i, 'bench.hang', epochNowMs()),
      );
      if (events.length > 0 && !(await deployment.client.publishBatch(accountIds[n]!, events))) {
        throw new Error('the hanging accounts’ events were refused');
      }
    }
    await new Promise((resolve) => setTimeout(resolve, HANG_SETTLE_MS));
    const holding = (await ctx.receiver.stats()).hanging;
    ctx.log(`${store.label}: the hanging accounts hold ${holding} requests; the healthy merchant starts`);
    const durationMs = ctx.options.quick ? DURATIONS.quick : DURATIONS.full;
    const published = await publishPaced({
      client: deployment.client,
      accountId: accountIds[HANGING_ACCOUNTS]!,
      runId,
      eventsPerSecond: EVENTS_PER_SECOND,
      batchSize: 1,
      durationMs,
      firstSeq: HEALTHY_FIRST_SEQ,
      typeOf: () => 'bench.order',
    });
    const expected = expectationsFor(published.accepted, [HEALTHY_PATH], 'every');
    const wait = await awaitDeliveries(ctx.receiver, expected, 5_000);
    const histogram = LatencyHistogram.from(wait.stats.latency!);
    const result: VariantResult = {
      p99Ms: percentileWithUndelivered(histogram, wait.check.missing, 0.99),
      maxMs: wait.check.missing > 0 ? Number.POSITIVE_INFINITY : histogram.maxMs,
      missing: wait.check.missing,
      delivered: wait.check.present,
      hanging: wait.stats.hanging,
      invalidSignatures: wait.stats.invalidSignatures,
    };
    ctx.log(
      `${store.label}: healthy merchant p99 ${result.p99Ms.toFixed(2)} ms, max ${result.maxMs.toFixed(1)} ms, ` +
        `${result.delivered} delivered, ${result.missing} missing; ${result.hanging} requests hanging`,
    );
    return result;
  } finally {
    await deployment.stop();
  }
}

function rows(store: (typeof STORES)[number], r: VariantResult, alone: VariantResult): Measurement[] {
  const name = (what: string) => `${store.label}: ${what}`;
  return [
    {
      key: `${store.key}.p99Ms`,
      label: name("healthy merchant's publish → receipt p99"),
      unit: 'ms',
      value: r.p99Ms,
      target: { op: '<=', value: P99_TARGET_MS },
    },
    {
      key: `${store.key}.maxMs`,
      label: name("healthy merchant's slowest delivery"),
      unit: 'ms',
      value: r.maxMs,
      target: { op: '<=', value: MAX_TARGET_MS },
    },
    {
      key: `${store.key}.missing`,
      label: name("healthy merchant's deliveries missing"),
      unit: 'count',
      value: r.missing,
      target: { op: '<=', value: 0 },
    },
    {
      key: `${store.key}.aloneP99Ms`,
      label: name('the same merchant alone (no hanging merchants): p99'),
      unit: 'ms',
      value: alone.p99Ms,
    },
    {
      key: `${store.key}.hanging`,
      label: name('requests the hanging merchants hold at the end'),
      unit: 'count',
      value: r.hanging,
    },
    {
      key: `${store.key}.invalidSignatures`,
      label: name('invalid signatures'),
      unit: 'count',
      value: r.invalidSignatures + alone.invalidSignatures,
      target: { op: '<=', value: 0 },
    },
  ];
}

/** Both variants of a store, alternating which goes first from run to run. */
async function runStore(
  ctx: ScenarioContext,
  store: (typeof STORES)[number],
  postgres: PostgresServer | undefined,
): Promise<Measurement[]> {
  const aloneFirst = ctx.runIndex % 2 === 1;
  const alone = aloneFirst ? await runVariant(ctx, store, postgres, 0) : undefined;
  const hanging = await runVariant(ctx, store, postgres);
  return rows(store, hanging, alone ?? (await runVariant(ctx, store, postgres, 0)));
}

/** B7 hanging merchants. */
export const b7HangingMerchants: Scenario = {
  id: 'B7',
  title: 'B7 hanging merchants',
  description:
    `${HANGING_ACCOUNTS} accounts with ${HANGING_ENDPOINTS} endpoints each, every one on its own receiver path ` +
    `that never answers (each attempt runs into the default 15 s timeout); ${HANGING_EVENTS} events published ` +
    `to each, so ${HANGING_ACCOUNTS * HANGING_ENDPOINTS * HANGING_EVENTS} deliveries that hang. ` +
    `${HANG_SETTLE_MS / 1000} s later a third account starts publishing ${EVENTS_PER_SECOND} events/s, one a ` +
    'request, to one endpoint whose receiver answers 200 at once, for ' +
    `${DURATIONS.full / 1000} s (quick: ${DURATIONS.quick / 1000} s). Its publish → receipt p99 leaves out the ` +
    "first second; its slowest delivery counts them all. Default settings: the hanging accounts' shares " +
    '(`HOOKLINE_ACCOUNT_CONCURRENCY`, 128) are what keeps them from taking the 512 attempts in flight of a ' +
    'process. SQLite: one process. PostgreSQL: a fresh database on the bench server, one `--role all` and ' +
    "one `--role worker` process, so each holds its own share of the accounts' endpoints. Each store also " +
    'runs the healthy merchant alone (the hanging accounts exist but publish nothing) on a fresh ' +
    'deployment, for its latency without them. One run.',
  // One run: its four variants each start a fresh deployment, and the comparison is within the run.
  runs: () => 1,
  estimateMs: (options) => (options.quick ? 45_000 : 80_000),
  async run(ctx) {
    const measurements: Measurement[] = [];
    const notes: string[] = [];
    measurements.push(...(await runStore(ctx, STORES[0], undefined)));
    const unavailable = postgresUnavailable();
    if (unavailable !== undefined) {
      notes.push(`PostgreSQL skipped: ${unavailable}.`);
      return { measurements, notes };
    }
    const server = await startPostgres('b7-postgres');
    try {
      measurements.push(...(await runStore(ctx, STORES[1], server)));
    } finally {
      await server.stop();
    }
    return { measurements, notes };
  },
};
