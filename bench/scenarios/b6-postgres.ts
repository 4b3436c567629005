/**
 * B6 PostgreSQL scale-out: the B2 delivery-throughput run (fan-out 1 and 10) on a real PostgreSQL
 * with durable settings on the same machine, once with one Hookline process and once with two
 * processes delivering from the same database, and how much of the first the second keeps.
 */
import { benchRunId } from '../bench-event.ts';
import { type Role, SHARES_SETTLE_MS, startDeployment } from '../deployment.ts';
import { setUpAccount } from '../fixture.ts';
import {
  POSTGRES_SETTINGS,
  type PostgresServer,
  postgresUnavailable,
  startPostgres,
} from '../postgres-server.ts';
import type { Measurement, Scenario, ScenarioContext } from '../scenario.ts';
import {
  runThroughput,
  type ThroughputResult,
  type ThroughputSpec,
  throughputEndpoints,
} from './delivery-throughput.ts';

/** The two ways Hookline runs: the roles of its processes, the first one serving the API. */
export interface Variant {
  /** Key part: `oneWorker`, `twoWorkers`. */
  readonly key: string;
  readonly label: string;
  readonly roles: readonly Role[];
}

/** "1 worker" and "2 workers", in that order (the ratio is the second's rate ÷ the first's). */
export const VARIANTS: readonly Variant[] = [
  { key: 'oneWorker', label: '1 worker', roles: ['all'] },
  { key: 'twoWorkers', label: '2 workers', roles: ['all', 'worker'] },
];

/** Endpoints per account, each subscribed to every event. */
export const FAN_OUTS = [1, 10] as const;
/** The quick run's: the one where both processes have endpoints to deliver to. */
const QUICK_FAN_OUTS = [10] as const;

/**
 * Offered events per second by fan-out, as in B2: more than one process delivers, so that each variant
 * is measured at what it can do rather than at what it is offered (at 1,000 events/s to ten endpoints,
 * one process came within 1 % of the offer in some runs).
 */
const OFFERED_EVENTS_PER_SECOND: Readonly<Record<(typeof FAN_OUTS)[number], number>> = {
  1: 8_000,
  10: 1_500,
};
const BATCH_SIZE = 100;
/** Deliveries per second each variant should reach, and the share of it 2 processes must keep (%). */
export const TARGET_PER_SECOND = 5_000;
export const TARGET_SCALE_OUT_PERCENT = 95;

/**
 * Publishing time, the longest wait for the last deliveries, and the warm-up before each measurement.
 * Every measurement starts fresh processes, and a fresh process spends its first second or two
 * compiling its hot paths; two processes compile the same code twice, on the same two cores. Counted
 * in an 8 s window, that start made two processes keep 81 to 89 % of one (fan-out 10); with the start
 * left out, 84 to 97 % in 8 s windows and 92 to 96 % in 20 s ones. B1, B3 and B4 leave their first
 * second out for the same reason.
 */
const DURATIONS = {
  full: { durationMs: 8_000, drainCapMs: 10_000, warmUpMs: 2_000 },
  quick: { durationMs: 1_500, drainCapMs: 5_000, warmUpMs: 500 },
} as const;

/** The variant order of a run: alternated, so a drift over the run favours neither. */
export function variantOrder(runIndex: number): readonly Variant[] {
  return runIndex % 2 === 0 ? VARIANTS : [...VARIANTS].reverse();
}

/** `100 × two ÷ one`: the share of the one-process throughput the two processes keep (NaN without one). */
export function scaleOutPercent(one: number, two: number): number {
  return one > 0 ? (100 * two) / one : Number.NaN;
}

/** One measurement's result, with the checkpoints PostgreSQL started meanwhile. */
export interface VariantResult extends ThroughputResult {
  readonly checkpoints: number;
}

/**
 * One measurement: a fresh database, `hookline migrate`, the variant's processes, the account and its
 * endpoints through the API, then the throughput run. Everything it started is stopped at the end.
 */
async function measureVariant(
  ctx: ScenarioContext,
  server: PostgresServer,
  fanOut: (typeof FAN_OUTS)[number],
  variant: Variant,
): Promise<VariantResult> {
  const quick = ctx.options.quick;
  const label = `b6-fanout${fanOut}-${variant.key}`;
  const spec: ThroughputSpec = {
    label,
    endpoints: fanOut,
    how: 'every',
    eventsPerSecond: OFFERED_EVENTS_PER_SECOND[fanOut],
    batchSize: BATCH_SIZE,
    ...(quick ? DURATIONS.quick : DURATIONS.full),
  };
  // Hookline keeps nothing in its data dir with DATABASE_URL; the database is fresh for each measurement.
  const deployment = await startDeployment({
    label: `b6_run${ctx.runIndex + 1}_fanout${fanOut}_${variant.key}`,
    postgres: server,
    roles: variant.roles,
  });
  let result: VariantResult;
  try {
    const { client, processes } = deployment;
    const accountId = await setUpAccount(client, {
      label,
      receiver: ctx.receiver,
      endpoints: throughputEndpoints(spec),
    });
    const checkpointsBefore = server.checkpoints();
    const measured = await runThroughput(ctx, spec, {
      client,
      accountId,
      runId: benchRunId(label),
      cpuSeconds: () =>
        processes.reduce((sum, p) => {
          p.sampler.sample();
          return sum + p.sampler.lastCpuSeconds;
        }, 0),
      maxRssBytes: () => processes.reduce((sum, p) => sum + p.sampler.maxRssBytes, 0),
      databaseCpuSeconds: () => server.cpuSeconds(),
    });
    result = { ...measured, checkpoints: server.checkpoints() - checkpointsBefore };
  } finally {
    await deployment.stop();
  }
  return result;
}

function variantRows(prefix: string, name: string, r: VariantResult): Measurement[] {
  return [
    {
      key: `${prefix}.steadyPerSecond`,
      label: `${name}: delivered, steady middle of the run`,
      unit: 'deliveries/s',
      value: r.steadyPerSecond,
      comparesToCeiling: true,
    },
    {
      key: `${prefix}.missing`,
      label: `${name}: deliveries missing from the ledger`,
      unit: 'count',
      value: r.missing,
      target: { op: '<=', value: 0 },
    },
    {
      key: `${prefix}.invalidSignatures`,
      label: `${name}: invalid signatures`,
      unit: 'count',
      value: r.invalidSignatures,
      target: { op: '<=', value: 0 },
    },
    { key: `${prefix}.duplicates`, label: `${name}: duplicates`, unit: 'count', value: r.duplicates },
    {
      key: `${prefix}.cpuCores`,
      label: `${name}: Hookline CPU (all its processes)`,
      unit: 'cores',
      value: r.cpuCores,
    },
    {
      key: `${prefix}.maxRssMb`,
      label: `${name}: Hookline max RSS (sum of its processes' peaks)`,
      unit: 'MB',
      value: r.maxRssMb,
    },
    {
      key: `${prefix}.postgresCpuCores`,
      label: `${name}: PostgreSQL CPU (server and backends)`,
      unit: 'cores',
      value: r.databaseCpuCores,
    },
  ];
}

/** The rows of one fan-out: both variants' rates and their ratio first, then the details. */
export function fanOutRows(fanOut: number, one: VariantResult, two: VariantResult): Measurement[] {
  const prefix = `fanOut${fanOut}`;
  const [oneVariant, twoVariant] = VARIANTS as [Variant, Variant];
  const name = (v: Variant) => `fan-out ${fanOut}, ${v.label}`;
  const endToEnd = (v: Variant, r: VariantResult): Measurement => ({
    key: `${prefix}.${v.key}.endToEndPerSecond`,
    label: `${name(v)}: delivered end to end`,
    unit: 'deliveries/s',
    value: r.endToEndPerSecond,
    comparesToCeiling: true,
    target: { op: '>=', value: TARGET_PER_SECOND },
  });
  return [
    endToEnd(oneVariant, one),
    endToEnd(twoVariant, two),
    {
      key: `${prefix}.scaleOutPercent`,
      label: `fan-out ${fanOut}: 2 workers ÷ 1 worker, end to end`,
      unit: '%',
      value: scaleOutPercent(one.endToEndPerSecond, two.endToEndPerSecond),
      target: { op: '>=', value: TARGET_SCALE_OUT_PERCENT },
    },
    {
      key: `${prefix}.scaleOutSteadyPercent`,
      label: `fan-out ${fanOut}: 2 workers ÷ 1 worker, steady`,
      unit: '%',
      value: scaleOutPercent(one.steadyPerSecond, two.steadyPerSecond),
    },
    ...variantRows(`${prefix}.${oneVariant.key}`, name(oneVariant), one),
    ...variantRows(`${prefix}.${twoVariant.key}`, name(twoVariant), two),
  ];
}

function note(fanOut: number, variant: Variant, r: VariantResult): string {
  return (
    `fan-out ${fanOut}, ${variant.label}: ${r.acceptedEvents} events accepted (${r.expected} deliveries owed), ` +
    `${r.skippedEvents} skipped by the backlog bound, ${r.failedEvents} refused; ` +
    `${r.checkpoints} PostgreSQL checkpoint(s) started during the measurement`
  );
}

const [ONE, TWO] = VARIANTS as [Variant, Variant];

const seconds = (ms: number) => `${(ms / 1000).toLocaleString('en-US')} s`;
const settings = Object.entries(POSTGRES_SETTINGS)
  .filter(([name]) => name !== 'listen_addresses')
  .map(([name, value]) => `\`${name}=${value}\``)
  .join(' and ');

/** B6 PostgreSQL scale-out. */
export const b6Postgres: Scenario = {
  id: 'B6',
  title: 'B6 PostgreSQL scale-out',
  description:
    `The B2 procedure (receivers answer 200 at once; batches of ${BATCH_SIZE} published open loop with the ` +
    `backlog bounded to 2 s; ${OFFERED_EVENTS_PER_SECOND[1].toLocaleString('en-US')} events/s offered to one ` +
    `endpoint, ${OFFERED_EVENTS_PER_SECOND[10].toLocaleString('en-US')} events/s to ten endpoints each on its ` +
    'own receiver path; then the wait until the ledger holds every delivery with a valid signature) on ' +
    "PostgreSQL instead of SQLite. The harness starts Debian's PostgreSQL server on this machine, in a " +
    'fresh cluster under the system temp dir, with the durable defaults (`fsync`, `synchronous_commit` and ' +
    `\`full_page_writes\` on); only ${settings} are set. Each measurement gets a fresh database, migrated ` +
    'by `hookline migrate`, and fresh Hookline processes started with `DATABASE_URL`: ' +
    `"${ONE.label}" is one \`hookline start --role all\`; "${TWO.label}" is the same \`--role all\` process ` +
    'plus one `hookline start --role worker`, so that the two differ only by the added delivery process: ' +
    'the API and publishing path are the same, and no third process competes for the two cores (as one ' +
    '`--role api` beside two `--role worker` would). Hookline hands each endpoint to one worker process, ' +
    'so with fan-out 1 the second process has no endpoint of its own. With two processes, publishing ' +
    `starts ${seconds(SHARES_SETTLE_MS)} after the last one is ready, once the workers have seen each ` +
    'other (they report every second). The variants alternate which goes first from run to run; ' +
    '"2 workers ÷ 1 worker" divides the end-to-end rates of the same run. Hookline CPU and RSS are summed ' +
    'over its processes; PostgreSQL CPU counts the server and all its backends. Publishing lasts ' +
    `${seconds(DURATIONS.full.durationMs)} per measurement, after a warm-up of ` +
    `${seconds(DURATIONS.full.warmUpMs)} at the same rate that is not counted (fresh processes compile ` +
    'their hot paths first, and two processes compile twice); the quick run measures fan-out 10 only, ' +
    `${seconds(DURATIONS.quick.durationMs)} each after ${seconds(DURATIONS.quick.warmUpMs)}.`,
  runs: (options) => (postgresUnavailable() === undefined ? options.runs : 1),
  estimateMs: (options) => {
    if (postgresUnavailable() !== undefined) return 5_000;
    return options.quick ? 17_000 : options.runs * 63_000;
  },
  async run(ctx) {
    const unavailable = postgresUnavailable();
    if (unavailable !== undefined) {
      ctx.log(`skipped: ${unavailable}`);
      return { measurements: [], notes: [`Skipped: ${unavailable}.`] };
    }
    const server = await startPostgres('b6-postgres');
    try {
      ctx.log(`PostgreSQL ${server.pid} on port ${server.port}`);
      const measurements: Measurement[] = [];
      const notes: string[] = [];
      for (const fanOut of ctx.options.quick ? QUICK_FAN_OUTS : FAN_OUTS) {
        const results = new Map<string, VariantResult>();
        for (const variant of variantOrder(ctx.runIndex)) {
          results.set(variant.key, await measureVariant(ctx, server, fanOut, variant));
        }
        const one = results.get(ONE.key)!;
        const two = results.get(TWO.key)!;
        measurements.push(...fanOutRows(fanOut, one, two));
        notes.push(note(fanOut, ONE, one), note(fanOut, TWO, two));
        ctx.log(
          `fan-out ${fanOut}: 2 workers ÷ 1 worker = ` +
            `${scaleOutPercent(one.endToEndPerSecond, two.endToEndPerSecond).toFixed(1)} %`,
        );
      }
      return { measurements, notes };
    } finally {
      await server.stop();
    }
  },
};
