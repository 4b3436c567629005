/**
 * Scaling: how drain rate and memory change with the size of the backlog (10k, 100k; the 1M row is
 * B5's), and how delivered throughput and memory change with the number of endpoints (1 to 1,000).
 */
import type { Measurement, Scenario } from '../scenario.ts';
import { BACKLOG_ENDPOINTS, measureBacklog } from './backlog.ts';
import { measureThroughput } from './delivery-throughput.ts';

/** Backlog sizes in deliveries, full and quick. */
export const BACKLOG_SIZES = { full: [10_000, 100_000], quick: [10_000] } as const;
/** Endpoint counts. */
export const ENDPOINT_COUNTS = [1, 10, 100, 1_000] as const;

/** Scaling. */
export const scaling: Scenario = {
  id: 'scaling',
  title: 'Scaling',
  description:
    'Backlog size: the B5 procedure (10 endpoints, receivers down, then back, no crash) with 10,000 and ' +
    "100,000 queued deliveries; the 1,000,000 row is B5's. Endpoints: the B2 procedure with 1, 10, 100 " +
    'and 1,000 endpoints of one account, each subscribed to its own type, events published round-robin ' +
    'over the types (8,000 events/s offered in batches of 100, backlog bounded), a few seconds each. ' +
    'One run each.',
  runs: () => 1,
  estimateMs: (options) => (options.quick ? 30_000 : 53_000),
  async run(ctx) {
    const quick = ctx.options.quick;
    const measurements: Measurement[] = [];
    for (const deliveries of quick ? BACKLOG_SIZES.quick : BACKLOG_SIZES.full) {
      const r = await measureBacklog(ctx, {
        label: `backlog-${deliveries}`,
        events: deliveries / BACKLOG_ENDPOINTS,
        publishCapMs: quick ? 10_000 : 40_000,
        drainCapMs: quick ? 8_000 : 40_000,
      });
      const key = `backlog${deliveries}`;
      measurements.push(
        {
          key: `${key}.queued`,
          label: `${deliveries} queued: deliveries queued`,
          unit: 'count',
          value: r.queuedDeliveries,
        },
        {
          key: `${key}.drainPerSecond`,
          label: `${deliveries} queued: drain rate`,
          unit: 'deliveries/s',
          value: r.drainPerSecond,
          comparesToCeiling: true,
        },
        {
          key: `${key}.maxRssMb`,
          label: `${deliveries} queued: Hookline max RSS`,
          unit: 'MB',
          value: r.maxRssMb,
        },
        {
          key: `${key}.missing`,
          label: `${deliveries} queued: undelivered at the end`,
          unit: 'count',
          value: r.missing,
        },
      );
    }
    for (const endpoints of ENDPOINT_COUNTS) {
      const r = await measureThroughput(ctx, {
        label: `endpoints-${endpoints}`,
        endpoints,
        how: 'spread',
        eventsPerSecond: 8_000,
        batchSize: 100,
        durationMs: quick ? 2_000 : 6_000,
        drainCapMs: quick ? 4_000 : 10_000,
      });
      const key = `endpoints${endpoints}`;
      measurements.push(
        {
          key: `${key}.deliveredPerSecond`,
          label: `${endpoints} endpoint(s): delivered end to end`,
          unit: 'deliveries/s',
          value: r.endToEndPerSecond,
          comparesToCeiling: true,
        },
        {
          key: `${key}.maxRssMb`,
          label: `${endpoints} endpoint(s): Hookline max RSS`,
          unit: 'MB',
          value: r.maxRssMb,
        },
        {
          key: `${key}.missing`,
          label: `${endpoints} endpoint(s): undelivered at the end`,
          unit: 'count',
          value: r.missing,
        },
      );
    }
    return { measurements };
  },
};
