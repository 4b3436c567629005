/**
 * B2 delivery throughput: receivers answer at once; how many deliveries per second Hookline sustains
 * from publish to receipt, with fan-out 1 and fan-out 10, checked against the receivers' ledger.
 */
import type { Measurement, Scenario, ScenarioContext } from '../scenario.ts';
import { measureThroughput, type ThroughputResult } from './delivery-throughput.ts';

/**
 * Offered rates: above both targets of each fan-out, the absolute one (6,000 events/s; 10,000
 * deliveries/s = 1,000 events/s × 10) and 30 % of the ceiling measured in the same run. An offer below
 * 30 % of the ceiling could not show that target met, however fast Hookline is, so the offer grows
 * with the ceiling: fan-out 1 offers 45 % of it, fan-out 10 60 % of it in deliveries.
 */
export const FAN_OUT_1_OFFERED = 8_000;
const FAN_OUT_10_OFFERED = 1_500;
export const FAN_OUT_1_CEILING_SHARE = 0.45;
const FAN_OUT_10_CEILING_SHARE = 0.6;

/** The offered events per second: the floor, or the share of the ceiling when that is more. */
export function offeredRate(floor: number, ceilingPerSecond: number, share: number, fanOut: number): number {
  return Math.max(floor, Math.round((ceilingPerSecond * share) / fanOut / 100) * 100);
}
/** Events per publish request (B10 publishes its fan-out-1 runs the same way). */
export const BATCH_SIZE = 100;

function rows(
  prefix: string,
  label: string,
  r: ThroughputResult,
  targetPerSecond: number,
  ceilingPerSecond: number,
): Measurement[] {
  const unit = prefix === 'fanOut1' ? 'events/s' : 'deliveries/s';
  return [
    {
      key: `${prefix}.endToEndPerSecond`,
      label: `${label}: delivered end to end`,
      unit,
      value: r.endToEndPerSecond,
      comparesToCeiling: true,
      target: { op: '>=', value: targetPerSecond },
    },
    {
      key: `${prefix}.shareOfCeiling`,
      label: `${label}: end to end ÷ ceiling`,
      unit: '%',
      value: (100 * r.endToEndPerSecond) / ceilingPerSecond,
      target: { op: '>=', value: 30 },
    },
    {
      key: `${prefix}.steadyPerSecond`,
      label: `${label}: delivered, steady middle of the run`,
      unit,
      value: r.steadyPerSecond,
      comparesToCeiling: true,
    },
    {
      key: `${prefix}.missing`,
      label: `${label}: deliveries missing from the ledger`,
      unit: 'count',
      value: r.missing,
      target: { op: '<=', value: 0 },
    },
    {
      key: `${prefix}.invalidSignatures`,
      label: `${label}: invalid signatures`,
      unit: 'count',
      value: r.invalidSignatures,
      target: { op: '<=', value: 0 },
    },
    { key: `${prefix}.duplicates`, label: `${label}: duplicates`, unit: 'count', value: r.duplicates },
    { key: `${prefix}.cpuCores`, label: `${label}: Hookline CPU`, unit: 'cores', value: r.cpuCores },
    { key: `${prefix}.maxRssMb`, label: `${label}: Hookline max RSS`, unit: 'MB', value: r.maxRssMb },
  ];
}

function note(label: string, r: ThroughputResult): string {
  return (
    `${label}: ${r.acceptedEvents} events accepted (${r.expected} deliveries owed), ` +
    `${r.skippedEvents} skipped by the backlog bound, ${r.failedEvents} refused`
  );
}

/** B2 delivery throughput. */
export const b2Delivery: Scenario = {
  id: 'B2',
  title: 'B2 delivery throughput',
  description:
    `Receivers answer 200 at once. The harness publishes batches of ${BATCH_SIZE} open loop at more than ` +
    `the targets (to one endpoint: ${FAN_OUT_1_OFFERED.toLocaleString('en-US')} events/s, or ` +
    `${FAN_OUT_1_CEILING_SHARE * 100} % of the ceiling when that is more; to ten endpoints of one account, ` +
    `each on its own receiver path: ${FAN_OUT_10_OFFERED.toLocaleString('en-US')} events/s, or ` +
    `${FAN_OUT_10_CEILING_SHARE * 100} % of the ceiling in deliveries), then waits until the ledger holds every ` +
    'event on every path. A request falling due while more than 2 s of deliveries wait undelivered is ' +
    'skipped, so the server always has work queued but a slow one cannot stretch the run. "End to end" ' +
    'is deliveries ÷ (last receipt − first publish); "steady" is the delivered rate over the middle half ' +
    'of the publishing phase. Each fan-out runs on its own fresh Hookline.',
  runs: (options) => options.runs,
  estimateMs: (options) => options.runs * (options.quick ? 30_000 : 75_000),
  async run(ctx: ScenarioContext) {
    const durationMs = ctx.options.quick ? 5_000 : 30_000;
    const drainCapMs = ctx.options.quick ? 5_000 : 15_000;
    const one = await measureThroughput(ctx, {
      label: 'b2-fanout1',
      endpoints: 1,
      how: 'every',
      eventsPerSecond: offeredRate(FAN_OUT_1_OFFERED, ctx.ceilingPerSecond, FAN_OUT_1_CEILING_SHARE, 1),
      batchSize: BATCH_SIZE,
      durationMs,
      drainCapMs,
    });
    const ten = await measureThroughput(ctx, {
      label: 'b2-fanout10',
      endpoints: 10,
      how: 'every',
      eventsPerSecond: offeredRate(FAN_OUT_10_OFFERED, ctx.ceilingPerSecond, FAN_OUT_10_CEILING_SHARE, 10),
      batchSize: BATCH_SIZE,
      durationMs,
      drainCapMs,
    });
    return {
      measurements: [
        ...rows('fanOut1', 'fan-out 1', one, 6_000, ctx.ceilingPerSecond),
        ...rows('fanOut10', 'fan-out 10', ten, 10_000, ctx.ceilingPerSecond),
      ],
      notes: [note('fan-out 1', one), note('fan-out 10', ten)],
    };
  },
};
