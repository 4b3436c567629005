/**
 * B8 backlog merchant: account A has a large backlog draining to receivers that answer in 50 ms;
 * account B publishes its orders meanwhile. B's deliveries must not wait behind A's backlog, and B's
 * traffic must not slow A's drain. Windows without and with B alternate on the same backlog, so A's
 * drain rate is compared with itself in the same run.
 */
import { benchRunId } from '../bench-event.ts';
import { startDeployment } from '../deployment.ts';
import { awaitDeliveries, receiverPaths, setUpAccounts } from '../fixture.ts';
import { expectationsFor, SeqRanges } from '../ledger.ts';
import { publishPaced } from '../paced-publisher.ts';
import { type ReceiverProcess, SLOW_ANSWER_MS } from '../receiver-control.ts';
import type { Scenario } from '../scenario.ts';
import { LatencyHistogram, median, percentileWithUndelivered } from '../stats.ts';
import { BACKLOG_ENDPOINTS, BACKLOG_RETRY_SCHEDULE, publishBacklog } from './backlog.ts';

const FULL_EVENTS = 100_000;
const QUICK_EVENTS = 2_000;
const B_EVENTS_PER_SECOND = 200;
/** B's events are numbered from here, apart from A's backlog; each window of B from its own block. */
const B_FIRST_SEQ = 10_000_000;
const B_WINDOW_BLOCK = 1_000_000;
const WINDOWS = {
  full: { count: 6, ms: 10_000 },
  quick: { count: 2, ms: 3_000 },
} as const;
/** Account A's share of a process's attempts in flight (the default `HOOKLINE_ACCOUNT_CONCURRENCY`). */
const A_SHARE = 128;

const P99_TARGET_MS = 50;
const DRAIN_KEPT_TARGET_PERCENT = 90;

const A_PATHS = receiverPaths(BACKLOG_ENDPOINTS);
const B_PATH = `/e/${BACKLOG_ENDPOINTS}`;

async function deliveredToA(receiver: ReceiverProcess): Promise<number> {
  const stats = await receiver.stats({ byPath: true });
  return A_PATHS.reduce((sum, path) => sum + (stats.receivedByPath?.[path] ?? 0), 0);
}

interface Window {
  readonly withB: boolean;
  readonly aPerSecond: number;
}

/** B8 backlog merchant. */
export const b8BacklogMerchant: Scenario = {
  id: 'B8',
  title: 'B8 backlog merchant',
  description:
    `Account A has ${BACKLOG_ENDPOINTS} endpoints; ${FULL_EVENTS.toLocaleString('en-US')} events queue ` +
    `${(FULL_EVENTS * BACKLOG_ENDPOINTS).toLocaleString('en-US')} deliveries for them while their receivers ` +
    `hang (quick: ${(QUICK_EVENTS * BACKLOG_ENDPOINTS).toLocaleString('en-US')}), as in B5. Then A's ` +
    `receivers answer 200 after ${SLOW_ANSWER_MS} ms and A drains. Account B has one endpoint whose ` +
    `receiver answers at once. Windows of ${WINDOWS.full.ms / 1000} s alternate, ${WINDOWS.full.count} in ` +
    `all (quick: ${WINDOWS.quick.count} of ${WINDOWS.quick.ms / 1000} s): without B, then with B publishing ` +
    `${B_EVENTS_PER_SECOND} events/s, one a request. A's drain rate is what A's receivers got in a ` +
    'window, per second; "with B ÷ without B" divides the medians of the two kinds of window. B\'s p99 ' +
    'is publish → receipt over all its events. Default settings: A holds its share of ' +
    `${A_SHARE} attempts in flight, so at ${SLOW_ANSWER_MS} ms an answer it drains at most about ` +
    `${Math.round((A_SHARE * 1000) / SLOW_ANSWER_MS).toLocaleString('en-US')} deliveries/s; B5 drains to ` +
    'receivers that answer at once. One process on SQLite; one run (the backlog is the slow part).',
  runs: () => 1,
  estimateMs: (options) => (options.quick ? 20_000 : 110_000),
  async run(ctx) {
    const quick = ctx.options.quick;
    const windows = quick ? WINDOWS.quick : WINDOWS.full;
    const label = 'b8';
    const deployment = await startDeployment({
      label,
      env: { HOOKLINE_RETRY_SCHEDULE: BACKLOG_RETRY_SCHEDULE },
    });
    try {
      const [accountA, accountB] = await setUpAccounts(deployment.client, {
        receiver: ctx.receiver,
        accounts: [
          {
            label: `${label} A`,
            endpoints: A_PATHS.map((path) => ({ path, mode: 'hang', eventTypes: ['bench.backlog'] })),
          },
          { label: `${label} B`, endpoints: [{ path: B_PATH, mode: 'ok', eventTypes: ['bench.order'] }] },
        ],
        latencyFromSeq: B_FIRST_SEQ,
      });
      const runId = benchRunId(label);
      const publishStart = performance.now();
      const backlog = await publishBacklog(
        ctx,
        { client: deployment.client, accountId: accountA!, runId },
        {
          label,
          events: quick ? QUICK_EVENTS : FULL_EVENTS,
          publishCapMs: quick ? 15_000 : Math.min(150_000, Math.max(30_000, ctx.timeLeftMs() * 0.3)),
        },
      );
      const queued = backlog.size * BACKLOG_ENDPOINTS;
      ctx.log(
        `${label}: ${queued} deliveries queued for A in ${((performance.now() - publishStart) / 1000).toFixed(1)} s; ` +
          `A's receivers answer in ${SLOW_ANSWER_MS} ms from now`,
      );
      await ctx.receiver.setMode(A_PATHS, 'slow');

      const results: Window[] = [];
      const bAccepted = new SeqRanges();
      for (let i = 0; i < windows.count; i++) {
        const withB = i % 2 === 1;
        const before = await deliveredToA(ctx.receiver);
        const startedAt = performance.now();
        if (withB) {
          const published = await publishPaced({
            client: deployment.client,
            accountId: accountB!,
            runId,
            eventsPerSecond: B_EVENTS_PER_SECOND,
            batchSize: 1,
            durationMs: windows.ms,
            firstSeq: B_FIRST_SEQ + i * B_WINDOW_BLOCK,
            typeOf: () => 'bench.order',
          });
          for (const [start, end] of published.accepted.list()) bAccepted.add(start, end);
        } else {
          await new Promise((resolve) => setTimeout(resolve, windows.ms));
        }
        const delivered = (await deliveredToA(ctx.receiver)) - before;
        const aPerSecond = delivered / ((performance.now() - startedAt) / 1000);
        results.push({ withB, aPerSecond });
        ctx.log(
          `${label}: window ${i + 1} ${withB ? 'with' : 'without'} B: A drained ${Math.round(aPerSecond)}/s`,
        );
      }
      const aDelivered = await deliveredToA(ctx.receiver);
      const wait = await awaitDeliveries(ctx.receiver, expectationsFor(bAccepted, [B_PATH], 'every'), 5_000);
      const histogram = LatencyHistogram.from(wait.stats.latency!);
      const without = median(results.filter((w) => !w.withB).map((w) => w.aPerSecond));
      const withB = median(results.filter((w) => w.withB).map((w) => w.aPerSecond));
      const bP99 = percentileWithUndelivered(histogram, wait.check.missing, 0.99);
      ctx.log(
        `${label}: B p99 ${bP99.toFixed(2)} ms over ${wait.check.present} deliveries, ${wait.check.missing} missing; ` +
          `A ${Math.round(without)}/s without B, ${Math.round(withB)}/s with B`,
      );
      return {
        measurements: [
          { key: 'aQueued', label: "A's deliveries queued", unit: 'count', value: queued },
          {
            key: 'bP99Ms',
            label: "B's publish → receipt p99 while A drains",
            unit: 'ms',
            value: bP99,
            target: { op: '<=', value: P99_TARGET_MS },
          },
          { key: 'bMaxMs', label: "B's slowest delivery", unit: 'ms', value: histogram.maxMs },
          {
            key: 'bMissing',
            label: "B's deliveries missing",
            unit: 'count',
            value: wait.check.missing,
            target: { op: '<=', value: 0 },
          },
          {
            key: 'aWithoutB',
            label: "A's drain rate, windows without B",
            unit: 'deliveries/s',
            value: without,
          },
          { key: 'aWithB', label: "A's drain rate, windows with B", unit: 'deliveries/s', value: withB },
          {
            key: 'aDrainKept',
            label: "A's drain rate with B ÷ without B",
            unit: '%',
            value: (100 * withB) / without,
            target: { op: '>=', value: DRAIN_KEPT_TARGET_PERCENT },
          },
          {
            key: 'aOfShareBound',
            label: `A's drain rate without B ÷ its share's bound (${A_SHARE} ÷ ${SLOW_ANSWER_MS} ms)`,
            unit: '%',
            value: (100 * without) / ((A_SHARE * 1000) / SLOW_ANSWER_MS),
          },
          {
            key: 'invalidSignatures',
            label: 'invalid signatures',
            unit: 'count',
            value: wait.stats.invalidSignatures,
            target: { op: '<=', value: 0 },
          },
        ],
        notes: [
          `A's receivers got ${aDelivered.toLocaleString('en-US')} of its ${queued.toLocaleString('en-US')} deliveries during the windows`,
        ],
      };
    } finally {
      await deployment.stop();
    }
  },
};
