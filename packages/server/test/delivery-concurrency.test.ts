// Noisy neighbours: a hanging endpoint fills only its own `maxConcurrency` slots while a healthy one
// keeps flowing, and `rateLimitPerSecond` spaces an endpoint's attempts.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { answeringAfter, countInFlight, type Receiver, startReceiver } from './support/receiver.ts';
import { startTestServer, waitFor } from './support/test-server.ts';

const EVENTS = 50;

describe('per-endpoint limits', { concurrency: true }, () => {
  test('a hanging endpoint is capped at its maxConcurrency and does not hold up a healthy one', async () => {
    // Four worker slots in all and a 5 s deadline: without the per-endpoint cap the hanging endpoint
    // would take every slot, and the healthy one would wait for those attempts to time out.
    const ts = await startTestServer({ HOOKLINE_WORKER_CONCURRENCY: '4', HOOKLINE_TIMEOUT_MS: '5000' });
    const hanging = await startReceiver();
    const healthy = await startReceiver();
    try {
      // Never answered: an attempt ends only when Hookline gives up on it and closes the connection.
      const { answer, inFlight } = countInFlight(() => undefined);
      hanging.answer(answer);
      const accountId = (await ts.createAccount()).id;
      for (const body of [{ url: hanging.url, maxConcurrency: 2 }, { url: healthy.url }]) {
        const created = await ts.api.call('POST', `/v1/accounts/${accountId}/endpoints`, { body });
        assert.equal(created.status, 201, JSON.stringify(created.body));
      }
      const published = await ts.api.call('POST', `/v1/accounts/${accountId}/events/batch`, {
        body: {
          events: Array.from({ length: EVENTS }, (_, n) => ({ type: 'shop.order.paid', data: { n } })),
        },
      });
      assert.equal(published.status, 202, JSON.stringify(published.body));

      await waitFor(() => healthy.requests.length === EVENTS, {
        what: 'the healthy endpoint to get every event',
      });
      assert.equal(
        inFlight.ended,
        0,
        'every event reached the healthy endpoint before any hanging attempt ended',
      );
      assert.equal(hanging.requests.length, 2);
      assert.equal(inFlight.most, 2);
      const ids = new Set(healthy.requests.map((request) => request.headers['webhook-id']));
      assert.equal(ids.size, EVENTS);
    } finally {
      await hanging.close();
      await healthy.close();
      await ts.close();
    }
  });

  test('a fast endpoint gets attempts handed ahead, yet never more than its maxConcurrency at once', async () => {
    // Answers in about 5 ms: fast enough for the engine to hand attempts ahead to the sending thread,
    // where they wait for the endpoint's turn. The receiver must still never see more than 3 at once.
    const ts = await startTestServer();
    const target = await startReceiver();
    try {
      const { answer, inFlight } = answeringAfter(5);
      target.answer(answer);
      const accountId = (await ts.createAccount()).id;
      await ts.api.call('POST', `/v1/accounts/${accountId}/endpoints`, {
        body: { url: target.url, maxConcurrency: 3 },
      });
      const count = 150;
      await ts.api.call('POST', `/v1/accounts/${accountId}/events/batch`, {
        body: { events: Array.from({ length: count }, (_, n) => ({ type: 'shop.order.paid', data: { n } })) },
      });
      await waitFor(() => target.requests.length === count, { what: `all ${count} deliveries` });
      assert.equal(inFlight.most, 3);
      const log = await waitFor(
        async () => {
          const list = await ts.api.call<{ data: { id: string }[] }>(
            'GET',
            `/v1/accounts/${accountId}/deliveries?status=succeeded&limit=100`,
          );
          return list.body.data.length === 100 && list.body.data;
        },
        { what: 'the deliveries to be recorded' },
      );
      // An attempt's duration counts from when it went out, not from when it was handed over.
      for (const delivery of log.slice(0, 20)) {
        const detail = await ts.api.call<{ attempts: { durationMs: number }[] }>(
          'GET',
          `/v1/accounts/${accountId}/deliveries/${delivery.id}`,
        );
        assert.equal(detail.body.attempts.length, 1);
        assert.ok(
          detail.body.attempts.every((a) => a.durationMs < 200),
          JSON.stringify(detail.body.attempts),
        );
      }
    } finally {
      await target.close();
      await ts.close();
    }
  });

  test('an endpoint maxConcurrency above HOOKLINE_ENDPOINT_CONCURRENCY is held to the server cap', async () => {
    // Over the cap, attempts would wait in the connection pool (sized to the cap) and time out there
    // without ever reaching the receiver.
    const ts = await startTestServer({
      HOOKLINE_ENDPOINT_CONCURRENCY: '2',
      HOOKLINE_TIMEOUT_MS: '500',
      HOOKLINE_RETRY_SCHEDULE: '1h',
    });
    const hanging = await startReceiver();
    try {
      hanging.answer('hang');
      const accountId = (await ts.createAccount()).id;
      await ts.api.call('POST', `/v1/accounts/${accountId}/endpoints`, {
        body: { url: hanging.url, maxConcurrency: 10 },
      });
      await ts.api.call('POST', `/v1/accounts/${accountId}/events/batch`, {
        body: { events: Array.from({ length: 4 }, (_, n) => ({ type: 'shop.order.paid', data: { n } })) },
      });
      const attempts = await waitFor(
        async () => {
          const list = await ts.api.call(
            'GET',
            `/v1/accounts/${accountId}/deliveries?status=pending&limit=10`,
          );
          const attempted = list.body.data.filter((d: { attemptCount: number }) => d.attemptCount === 1);
          return attempted.length === 4 && attempted;
        },
        { what: 'every delivery to have had its first attempt' },
      );
      assert.ok(attempts.every((d: { lastErrorCode: string }) => d.lastErrorCode === 'timeout'));
      assert.equal(hanging.requests.length, 4, 'every attempt reached the receiver');
    } finally {
      await hanging.close();
      await ts.close();
    }
  });

  test('rateLimitPerSecond: 5 spreads 10 deliveries over at least 1.6 s', async () => {
    const ts = await startTestServer();
    const target: Receiver = await startReceiver();
    try {
      const accountId = (await ts.createAccount()).id;
      const created = await ts.api.call('POST', `/v1/accounts/${accountId}/endpoints`, {
        body: { url: target.url, rateLimitPerSecond: 5 },
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      await ts.api.call('POST', `/v1/accounts/${accountId}/events/batch`, {
        body: { events: Array.from({ length: 10 }, (_, n) => ({ type: 'shop.order.paid', data: { n } })) },
      });
      const deliveries = await waitFor(
        async () => {
          const list = await ts.api.call<{ data: { lastAttemptAt: string }[] }>(
            'GET',
            `/v1/accounts/${accountId}/deliveries?status=succeeded`,
          );
          return list.body.data.length === 10 && list.body.data;
        },
        { what: 'all 10 deliveries' },
      );
      assert.equal(target.requests.length, 10);
      // The attempts' start times, which the limit governs (arrival adds network and event-loop jitter).
      const starts = deliveries.map((d) => Date.parse(d.lastAttemptAt)).sort((a, b) => a - b);
      // Nine intervals of 200 ms make 1.8 s.
      assert.ok(
        starts.at(-1)! - starts[0]! >= 1_600,
        `10 deliveries took only ${starts.at(-1)! - starts[0]!} ms`,
      );
      // Each start counts from the hand-over of the one before, which comes after its recorded start:
      // no two are closer than 200 ms, even after a pause of the process between check and hand-over.
      for (let i = 1; i < starts.length; i++) {
        const gapMs = starts[i]! - starts[i - 1]!;
        assert.ok(gapMs >= 200, `two attempts started ${gapMs} ms apart`);
      }
    } finally {
      await target.close();
      await ts.close();
    }
  });
});
