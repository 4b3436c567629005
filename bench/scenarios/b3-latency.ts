/**
 * B3 latency: single events at a steady 1,000 per second, open loop, to one endpoint that answers at
 * once; the time from the publisher sending the event to the receiver having it.
 */
import { awaitDeliveries, receiverPaths, startFixture, stopFixture } from '../fixture.ts';
import { expectationsFor } from '../ledger.ts';
import { publishPaced } from '../paced-publisher.ts';
import type { Scenario } from '../scenario.ts';
import { LatencyHistogram, percentileWithUndelivered } from '../stats.ts';

/** The steady rate of the issue. */
export const B3_EVENTS_PER_SECOND = 1_000;

/** B3 latency. */
export const b3Latency: Scenario = {
  id: 'B3',
  title: 'B3 latency',
  description:
    `Single events (\`POST …/events\`) at a steady ${B3_EVENTS_PER_SECOND.toLocaleString('en-US')} per second, open loop, to one ` +
    'endpoint whose receiver answers at once. Latency is receipt time at the receiver − `data.sentAt` ' +
    "(the publisher's clock when it sent the request; one machine, one clock), for every event after " +
    'the first second (warm-up). An event still undelivered when the wait ends counts as infinitely late.',
  runs: (options) => options.runs,
  estimateMs: (options) => options.runs * (options.quick ? 12_000 : 22_000),
  async run(ctx) {
    const durationMs = ctx.options.quick ? 4_000 : 15_000;
    const paths = receiverPaths(1);
    const fixture = await startFixture({
      label: 'b3',
      receiver: ctx.receiver,
      endpoints: [{ path: paths[0]!, mode: 'ok', eventTypes: ['bench.latency'] }],
      // The first second is warm-up (JIT, connection set-up): left out of the histogram.
      latencyFromSeq: B3_EVENTS_PER_SECOND,
    });
    try {
      ctx.log(`${B3_EVENTS_PER_SECOND} events/s for ${durationMs / 1000} s`);
      const published = await publishPaced({
        client: fixture.client,
        accountId: fixture.accountId,
        runId: fixture.runId,
        eventsPerSecond: B3_EVENTS_PER_SECOND,
        batchSize: 1,
        durationMs,
        typeOf: () => 'bench.latency',
      });
      const wait = await awaitDeliveries(
        ctx.receiver,
        expectationsFor(published.accepted, paths, 'every'),
        ctx.options.quick ? 5_000 : 10_000,
      );
      const histogram = LatencyHistogram.from(wait.stats.latency!);
      const missing = wait.check.missing;
      const p = (q: number) => percentileWithUndelivered(histogram, missing, q);
      ctx.log(
        `p50 ${p(0.5).toFixed(2)} ms, p99 ${p(0.99).toFixed(2)} ms, p99.9 ${p(0.999).toFixed(2)} ms, ` +
          `${missing} undelivered`,
      );
      return {
        measurements: [
          {
            key: 'deliveredPerSecond',
            label: 'delivered rate (end to end)',
            unit: 'events/s',
            value:
              wait.check.present /
              ((Math.max(wait.stats.lastReceiptAt ?? 0, published.endedAt) - published.startedAt) / 1000),
          },
          {
            key: 'p50Ms',
            label: 'publish → receipt p50',
            unit: 'ms',
            value: p(0.5),
            target: { op: '<=', value: 5 },
          },
          {
            key: 'p99Ms',
            label: 'publish → receipt p99',
            unit: 'ms',
            value: p(0.99),
            target: { op: '<=', value: 20 },
          },
          {
            key: 'p999Ms',
            label: 'publish → receipt p99.9',
            unit: 'ms',
            value: p(0.999),
            target: { op: '<=', value: 50 },
          },
          {
            key: 'maxMs',
            label: 'publish → receipt max',
            unit: 'ms',
            value: missing > 0 ? Infinity : histogram.maxMs,
          },
          {
            key: 'ackP99Ms',
            label: 'publish ack (202) p99, from the schedule',
            unit: 'ms',
            value: published.load.latency.percentile(0.99),
          },
          {
            key: 'generatorLatenessP99Ms',
            label: 'load generator lateness p99 (send − schedule)',
            unit: 'ms',
            value: published.load.lateness.percentile(0.99),
          },
          {
            key: 'missing',
            label: 'undelivered after the wait',
            unit: 'count',
            value: missing,
            target: { op: '<=', value: 0 },
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
          `${published.accepted.size} events accepted, ${published.failedEvents} refused; the most publish requests outstanding at once: ${published.load.maxOutstanding}`,
        ],
      };
    } finally {
      await stopFixture(fixture);
    }
  },
};
