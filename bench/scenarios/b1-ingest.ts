/**
 * B1 ingest: how fast Hookline accepts events. The account's only endpoint wants another event type,
 * so publishing does everything it does for a real event (authentication, schema validation, endpoint
 * matching, the idempotency check on the caller's id, one durable SQLite transaction) but creates no
 * delivery: this measures the accept path alone.
 */
import { benchEvent } from '../bench-event.ts';
import { startFixture, stopFixture } from '../fixture.ts';
import { runClosedLoop } from '../load.ts';
import type { Scenario } from '../scenario.ts';

/** Keep-alive publishers of single events, from the issue. */
const SINGLE_CLIENTS = 64;
/** Events per batch request, from the issue. */
const BATCH_SIZE = 100;
/** Concurrent batch publishers: enough to overlap parsing with the fsync of the previous batch. */
const BATCH_CLIENTS = 4;
/**
 * The single publishers run this long before the measured window. Each run starts a fresh Hookline,
 * whose first second is spent compiling its hot paths: measured on this machine, it accepts 4,500 to
 * 9,500 events/s then, with an ack p99 of 18 to 130 ms, against about 14,000/s and 8 to 11 ms from
 * the second second on. B3 and B4 leave their first second out the same way.
 */
const WARM_UP_MS = 1_000;

/** B1 ingest. */
export const b1Ingest: Scenario = {
  id: 'B1',
  title: 'B1 ingest',
  description:
    `${SINGLE_CLIENTS} keep-alive clients publish single events back to back (closed loop), after a ` +
    `${WARM_UP_MS / 1000} s warm-up that is not counted (a fresh process compiles its hot paths then); then ` +
    `${BATCH_CLIENTS} clients publish batches of ${BATCH_SIZE}. The account has no endpoint for the ` +
    'published type, so this measures the accept path alone (validation, idempotency check, one ' +
    'durable transaction per request) and no delivery work competes with it. Ack latency is from ' +
    'sending the request to its 202.',
  runs: (options) => options.runs,
  estimateMs: (options) => options.runs * (options.quick ? 12_000 : 22_000),
  async run(ctx) {
    const singleMs = ctx.options.quick ? 3_000 : 8_000;
    const batchMs = ctx.options.quick ? 2_000 : 5_000;
    const fixture = await startFixture({
      label: 'b1',
      receiver: ctx.receiver,
      endpoints: [{ path: '/e/0', mode: 'ok', eventTypes: ['bench.delivered'] }],
    });
    try {
      const { client, accountId, runId } = fixture;
      ctx.log(`single: ${SINGLE_CLIENTS} clients for ${singleMs / 1000} s after a warm-up`);
      const warmUp = await runClosedLoop({
        clients: SINGLE_CLIENTS,
        durationMs: WARM_UP_MS,
        send: (k) => client.publish(accountId, benchEvent(`${runId}w`, k, 'bench.ingest')),
      });
      const single = await runClosedLoop({
        clients: SINGLE_CLIENTS,
        durationMs: singleMs,
        send: (k) => client.publish(accountId, benchEvent(`${runId}s`, k, 'bench.ingest')),
      });
      const singleRate = single.succeeded / (single.elapsedMs / 1000);
      ctx.log(
        `single: ${Math.round(singleRate)} events/s, ack p99 ${single.latency.percentile(0.99).toFixed(1)} ms, ` +
          `${single.errors} errors`,
      );
      ctx.log(`batch: ${BATCH_CLIENTS} clients × ${BATCH_SIZE} events for ${batchMs / 1000} s`);
      const batch = await runClosedLoop({
        clients: BATCH_CLIENTS,
        durationMs: batchMs,
        send: (k) =>
          client.publishBatch(
            accountId,
            Array.from({ length: BATCH_SIZE }, (_, i) =>
              benchEvent(`${runId}b`, k * BATCH_SIZE + i, 'bench.ingest'),
            ),
          ),
      });
      const batchRate = (batch.succeeded * BATCH_SIZE) / (batch.elapsedMs / 1000);
      ctx.log(`batch: ${Math.round(batchRate)} events/s, ${batch.errors} errors`);
      const rssMb = fixture.hookline.sampler.maxRssBytes / 1e6;
      return {
        measurements: [
          {
            key: 'single.eventsPerSecond',
            label: 'single events accepted',
            unit: 'events/s',
            value: singleRate,
            comparesToCeiling: true,
            target: { op: '>=', value: 10_000 },
          },
          {
            key: 'single.ackP50Ms',
            label: 'single: ack latency p50',
            unit: 'ms',
            value: single.latency.percentile(0.5),
          },
          {
            key: 'single.ackP99Ms',
            label: 'single: ack latency p99',
            unit: 'ms',
            value: single.latency.percentile(0.99),
            target: { op: '<=', value: 15 },
          },
          {
            key: 'batch.eventsPerSecond',
            label: `batches of ${BATCH_SIZE}: events accepted`,
            unit: 'events/s',
            value: batchRate,
            comparesToCeiling: true,
            target: { op: '>=', value: 40_000 },
          },
          {
            key: 'batch.ackP99Ms',
            label: `batches of ${BATCH_SIZE}: ack latency p99`,
            unit: 'ms',
            value: batch.latency.percentile(0.99),
          },
          {
            key: 'errors',
            label: 'failed publish requests',
            unit: 'count',
            value: warmUp.errors + single.errors + batch.errors,
          },
          { key: 'maxRssMb', label: 'Hookline max RSS', unit: 'MB', value: rssMb },
        ],
      };
    } finally {
      await stopFixture(fixture);
    }
  },
};
