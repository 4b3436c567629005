/**
 * B5 backlog: a million deliveries queued while the receivers are down, then the receivers come back.
 * Memory must stay bounded, the backlog must drain fast, and a `kill -9` during the drain must lose
 * nothing. See `backlog.ts` for how "down" is modelled.
 */
import type { Scenario } from '../scenario.ts';
import { BACKLOG_ENDPOINTS, measureBacklog } from './backlog.ts';

const FULL_EVENTS = 100_000;
const QUICK_EVENTS = 2_000;
/** Where the full run crashes Hookline: about 30 % drained, from the issue. */
const CRASH_AT_FRACTION = 0.3;

/** B5 backlog. */
export const b5Backlog: Scenario = {
  id: 'B5',
  title: 'B5 backlog',
  description:
    `One account with ${BACKLOG_ENDPOINTS} endpoints whose receivers are down (their paths hang); ` +
    `${FULL_EVENTS.toLocaleString('en-US')} events published in batches of 500 queue ` +
    `${(FULL_EVENTS * BACKLOG_ENDPOINTS).toLocaleString('en-US')} deliveries (quick: ` +
    `${(QUICK_EVENTS * BACKLOG_ENDPOINTS).toLocaleString('en-US')}). Then the receivers come back and ` +
    "the drain rate is deliveries ÷ (last receipt − return), without the restart's downtime. The full " +
    `run sends Hookline a \`kill -9\` once ${CRASH_AT_FRACTION * 100} % is delivered and restarts it on the ` +
    'same data dir; "lost" counts deliveries neither received nor still queued. RSS is sampled every ' +
    '250 ms from /proc over the whole scenario, both processes when restarted. Hanging paths (not ' +
    'refused connections) model "down" so that the deliveries stay queued instead of being retried on ' +
    'the schedule; `HOOKLINE_RETRY_SCHEDULE` is 30 × 1 s so the few attempts that time out come back ' +
    'within the run. The million-delivery run is made once; its drain wait is bounded by the time left ' +
    'in the time budget of the whole run.',
  runs: (options) => (options.quick ? options.runs : 1),
  estimateMs: (options) => (options.quick ? 15_000 : 110_000),
  async run(ctx) {
    const quick = ctx.options.quick;
    const leftMs = ctx.timeLeftMs();
    const publishCapMs = quick ? 20_000 : Math.min(150_000, Math.max(30_000, leftMs * 0.3));
    const drainCapMs = quick
      ? Math.max(10_000, leftMs - 5_000)
      : Math.max(60_000, leftMs - publishCapMs - 20_000);
    const r = await measureBacklog(ctx, {
      label: 'b5',
      events: quick ? QUICK_EVENTS : FULL_EVENTS,
      ...(quick ? {} : { crashAtFraction: CRASH_AT_FRACTION }),
      publishCapMs,
      drainCapMs,
    });
    return {
      measurements: [
        { key: 'queuedDeliveries', label: 'deliveries queued', unit: 'count', value: r.queuedDeliveries },
        {
          key: 'queueingPerSecond',
          label: 'queueing rate (publishing the backlog)',
          unit: 'deliveries/s',
          value: r.queuedDeliveries / r.publishSeconds,
        },
        {
          key: 'maxRssMb',
          label: 'Hookline max RSS, whole scenario',
          unit: 'MB',
          value: r.maxRssMb,
          target: { op: '<=', value: 250 },
        },
        {
          key: 'readyRssMb',
          label: 'Hookline RSS when ready, before any work',
          unit: 'MB',
          value: r.readyRssMb,
        },
        {
          key: 'drainPerSecond',
          label: 'drain rate',
          unit: 'deliveries/s',
          value: r.drainPerSecond,
          comparesToCeiling: true,
          target: { op: '>=', value: 10_000 },
        },
        { key: 'drainSeconds', label: 'drain time', unit: 's', value: r.drainSeconds },
        {
          key: 'missing',
          label: 'undelivered when the wait ended',
          unit: 'count',
          value: r.missing,
          target: { op: '<=', value: 0 },
        },
        {
          key: 'lost',
          label: r.crashed ? 'lost (kill -9 during the drain)' : 'lost (no crash in this run)',
          unit: 'count',
          value: r.lost,
          target: { op: '<=', value: 0 },
        },
        { key: 'duplicates', label: 'duplicates received', unit: 'count', value: r.duplicates },
        {
          key: 'invalidSignatures',
          label: 'invalid signatures',
          unit: 'count',
          value: r.invalidSignatures,
          target: { op: '<=', value: 0 },
        },
        ...(r.crashed
          ? [{ key: 'restartSeconds', label: 'kill -9 → ready again', unit: 's', value: r.restartSeconds }]
          : []),
      ],
      notes: [
        r.crashed
          ? `Hookline was killed with SIGKILL once ${CRASH_AT_FRACTION * 100} % was delivered and restarted on the same data dir`
          : 'no crash in this run (the quick run does not crash Hookline)',
        `publishing the backlog took ${r.publishSeconds.toFixed(1)} s (cap ${(publishCapMs / 1000).toFixed(0)} s); ` +
          `the drain wait was capped at ${(drainCapMs / 1000).toFixed(0)} s` +
          (r.complete ? '' : ' and ran out before the drain completed'),
      ],
    };
  },
};
