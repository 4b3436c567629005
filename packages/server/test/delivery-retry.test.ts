// Failed attempts and what follows them: the retry schedule with its jitter, 3xx/429/network failures,
// Retry-After (seconds, HTTP date, clamp), and 410 Gone disabling the endpoint.
// The test server's schedule is 100 ms, 200 ms, 300 ms (±20 %), so a delivery fails after 4 attempts.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { describe, test } from 'node:test';
import { type ReceivedRequest, type Receiver, startReceiver } from './support/receiver.ts';
import { startTestServer, type TestServer, waitFor } from './support/test-server.ts';

const SCHEDULE_MS = [100, 200, 300];

interface Harness {
  readonly ts: TestServer;
  readonly accountId: string;
  receiver(): Promise<Receiver>;
}

/** Runs `body` against its own server and receivers, and stops them all afterwards. */
async function withServer(env: Record<string, string>, body: (h: Harness) => Promise<void>): Promise<void> {
  const ts = await startTestServer(env);
  const receivers: Receiver[] = [];
  try {
    const accountId = (await ts.createAccount()).id;
    await body({
      ts,
      accountId,
      async receiver() {
        const started = await startReceiver();
        receivers.push(started);
        return started;
      },
    });
  } finally {
    for (const receiver of receivers) await receiver.close();
    await ts.close();
  }
}

async function createEndpoint(h: Harness, body: Record<string, unknown>): Promise<{ id: string }> {
  const response = await h.ts.api.call('POST', `/v1/accounts/${h.accountId}/endpoints`, { body });
  assert.equal(response.status, 201, JSON.stringify(response.body));
  return response.body;
}

/** Publishes one event and returns the id of its only delivery. */
async function publishOne(
  h: Harness,
  type = 'shop.order.paid',
): Promise<{ eventId: string; deliveryId: string }> {
  const response = await h.ts.api.call('POST', `/v1/accounts/${h.accountId}/events`, {
    body: { type, data: { order: { id: 'ord_1' } } },
  });
  assert.equal(response.status, 202, JSON.stringify(response.body));
  assert.equal(response.body.deliveries.length, 1);
  return { eventId: response.body.id, deliveryId: response.body.deliveries[0] };
}

/** The parts of `GET …/deliveries/{deliveryId}` these tests read. */
interface DeliveryDetail {
  readonly status: string;
  readonly attemptCount: number;
  readonly nextAttemptAt: string | null;
  readonly lastStatusCode: number | null;
  readonly lastErrorCode: string | null;
  readonly attempts: ReadonlyArray<{
    readonly number: number;
    readonly startedAt: string;
    readonly statusCode: number | null;
    readonly errorCode: string | null;
    readonly errorMessage: string | null;
    readonly responseBody: string | null;
    readonly succeeded: boolean;
  }>;
}

async function getDelivery(h: Harness, deliveryId: string): Promise<DeliveryDetail> {
  const response = await h.ts.api.call<DeliveryDetail>(
    'GET',
    `/v1/accounts/${h.accountId}/deliveries/${deliveryId}`,
  );
  assert.equal(response.status, 200, JSON.stringify(response.body));
  return response.body;
}

async function waitForStatus(h: Harness, deliveryId: string, status: string, timeoutMs = 10_000) {
  return waitFor(
    async () => {
      const delivery = await getDelivery(h, deliveryId);
      return delivery.status === status && delivery;
    },
    { what: `delivery ${deliveryId} to be ${status}`, timeoutMs },
  );
}

async function metric(h: Harness, name: string): Promise<number> {
  const response = await h.ts.api.call('GET', '/metrics', { token: null });
  const match = new RegExp(`^${name} (\\d+)$`, 'm').exec(String(response.body));
  return match ? Number(match[1]) : 0;
}

/** Milliseconds between consecutive requests. */
function gaps(requests: readonly ReceivedRequest[]): number[] {
  return requests.slice(1).map((request, i) => request.receivedAt - requests[i]!.receivedAt);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A port on 127.0.0.1 where nothing listens. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('retries by the schedule', { concurrency: true }, () => {
  test('500, 500, 200: three attempts spaced by the schedule, all in the delivery log', async () => {
    await withServer({}, async (h) => {
      const target = await h.receiver();
      target.answer((index) =>
        index < 2 ? { status: 500, body: `boom ${index + 1}` } : { status: 200, body: 'thanks' },
      );
      await createEndpoint(h, { url: target.url });
      const { deliveryId, eventId } = await publishOne(h);
      const delivery = await waitForStatus(h, deliveryId, 'succeeded');

      assert.equal(target.requests.length, 3);
      assert.ok(target.requests.every((request) => request.headers['webhook-id'] === eventId));
      for (const [i, gap] of gaps(target.requests).entries()) {
        assert.ok(gap >= SCHEDULE_MS[i]! * 0.8, `retry ${i + 1} came ${gap} ms after the previous attempt`);
      }
      assert.equal(delivery.attemptCount, 3);
      assert.equal(delivery.lastStatusCode, 200);
      assert.equal(delivery.nextAttemptAt, null);
      assert.deepEqual(
        delivery.attempts.map((a) => [a.number, a.statusCode, a.responseBody, a.succeeded, a.errorCode]),
        [
          [1, 500, 'boom 1', false, null],
          [2, 500, 'boom 2', false, null],
          [3, 200, 'thanks', true, null],
        ],
      );
    });
  });

  test('a receiver that always answers 500: failed after 1 + schedule length attempts, counted', async () => {
    await withServer({}, async (h) => {
      const target = await h.receiver();
      target.answer({ status: 500, body: 'down' });
      await createEndpoint(h, { url: target.url });
      const failedBefore = await metric(h, 'hookline_deliveries_failed_total');
      const { deliveryId } = await publishOne(h);
      const delivery = await waitForStatus(h, deliveryId, 'failed');

      assert.equal(delivery.attemptCount, 1 + SCHEDULE_MS.length);
      assert.deepEqual(
        delivery.attempts.map((a) => a.statusCode),
        [500, 500, 500, 500],
      );
      assert.equal(delivery.nextAttemptAt, null);
      for (const [i, gap] of gaps(target.requests).entries()) {
        assert.ok(gap >= SCHEDULE_MS[i]! * 0.8, `retry ${i + 1} came ${gap} ms after the previous attempt`);
      }
      assert.equal(await metric(h, 'hookline_deliveries_failed_total'), failedBefore + 1);
      // Nothing comes after the schedule is used up (its longest delay is 360 ms).
      await sleep(500);
      assert.equal(target.requests.length, 1 + SCHEDULE_MS.length);
    });
  });

  test('a 302 is a failure and is not followed', async () => {
    await withServer({}, async (h) => {
      const moved = await h.receiver();
      const target = await h.receiver();
      target.answer({ status: 302, headers: { location: moved.url }, body: 'moved' });
      await createEndpoint(h, { url: target.url });
      const { deliveryId } = await publishOne(h);
      const delivery = await waitForStatus(h, deliveryId, 'failed');

      assert.deepEqual(
        delivery.attempts.map((a) => [a.statusCode, a.succeeded]),
        [
          [302, false],
          [302, false],
          [302, false],
          [302, false],
        ],
      );
      assert.equal(target.requests.length, 4);
      assert.equal(moved.requests.length, 0);
    });
  });

  test('a 429 without Retry-After is retried by the schedule', async () => {
    await withServer({}, async (h) => {
      const target = await h.receiver();
      target.answer((index) => (index === 0 ? { status: 429, body: 'slow down' } : { status: 204 }));
      await createEndpoint(h, { url: target.url });
      const { deliveryId } = await publishOne(h);
      const delivery = await waitForStatus(h, deliveryId, 'succeeded');
      assert.deepEqual(
        delivery.attempts.map((a) => a.statusCode),
        [429, 204],
      );
      assert.ok(gaps(target.requests)[0]! >= SCHEDULE_MS[0]! * 0.8);
    });
  });

  test('connection refused is retried, then fails with its error code', async () => {
    await withServer({}, async (h) => {
      const port = await closedPort();
      await createEndpoint(h, { url: `http://127.0.0.1:${port}/webhook` });
      const { deliveryId } = await publishOne(h);
      const delivery = await waitForStatus(h, deliveryId, 'failed');
      assert.equal(delivery.attemptCount, 1 + SCHEDULE_MS.length);
      assert.equal(delivery.lastErrorCode, 'connection_refused');
      assert.equal(delivery.lastStatusCode, null);
      for (const attempt of delivery.attempts) {
        assert.equal(attempt.statusCode, null);
        assert.equal(attempt.errorCode, 'connection_refused');
        assert.ok(attempt.errorMessage, 'the attempt says what went wrong');
      }
      const starts = delivery.attempts.map((a) => Date.parse(a.startedAt));
      for (let i = 1; i < starts.length; i++) {
        assert.ok(starts[i]! - starts[i - 1]! >= SCHEDULE_MS[i - 1]! * 0.8, `retry ${i} came too early`);
      }
    });
  });
  test('a response that breaks HTTP/1.1 is an invalid_response and is retried', async () => {
    await withServer({}, async (h) => {
      const target = await h.receiver();
      target.answer((index) =>
        index === 0 ? { raw: (req) => req.socket.end('HTTP/1.1 2x0 Fine\r\n\r\n') } : { status: 200 },
      );
      await createEndpoint(h, { url: target.url });
      const { deliveryId } = await publishOne(h);
      const delivery = await waitForStatus(h, deliveryId, 'succeeded');
      assert.deepEqual(
        delivery.attempts.map((a) => [a.statusCode, a.errorCode]),
        [
          [null, 'invalid_response'],
          [200, null],
        ],
      );
    });
  });
});

describe('Retry-After', { concurrency: true }, () => {
  test('429 with Retry-After: 2 postpones the retry past the 100 ms schedule', async () => {
    await withServer({}, async (h) => {
      const target = await h.receiver();
      target.answer((index) =>
        index === 0 ? { status: 429, headers: { 'retry-after': '2' } } : { status: 200 },
      );
      await createEndpoint(h, { url: target.url });
      const { deliveryId } = await publishOne(h);
      await waitForStatus(h, deliveryId, 'succeeded');
      const [gap] = gaps(target.requests);
      assert.ok(gap! >= 2_000, `the retry came ${gap} ms after the 429`);
    });
  });

  test('503 with an HTTP-date Retry-After waits until that date', async () => {
    await withServer({}, async (h) => {
      const target = await h.receiver();
      let retryAt = 0;
      target.answer((index) => {
        if (index > 0) return { status: 200 };
        const date = new Date(Date.now() + 3_000).toUTCString();
        retryAt = Date.parse(date);
        return { status: 503, headers: { 'retry-after': date } };
      });
      await createEndpoint(h, { url: target.url });
      const { deliveryId } = await publishOne(h);
      await waitForStatus(h, deliveryId, 'succeeded');
      const retry = target.requests[1]!;
      assert.ok(retry.receivedAt >= retryAt, `the retry came ${retryAt - retry.receivedAt} ms early`);
      assert.ok(gaps(target.requests)[0]! >= 2_000);
    });
  });

  test('a Retry-After beyond HOOKLINE_RETRY_AFTER_MAX is clamped to it', async () => {
    await withServer({ HOOKLINE_RETRY_AFTER_MAX: '1s' }, async (h) => {
      const target = await h.receiver();
      target.answer((index) =>
        index === 0 ? { status: 429, headers: { 'retry-after': '3600' } } : { status: 200 },
      );
      await createEndpoint(h, { url: target.url });
      const { deliveryId } = await publishOne(h);
      await waitForStatus(h, deliveryId, 'succeeded', 5_000);
      const [gap] = gaps(target.requests);
      assert.ok(gap! >= 1_000, `the clamped Retry-After still postpones the retry (came after ${gap} ms)`);
    });
  });
});

describe('410 Gone', () => {
  test('disables the endpoint and cancels its other deliveries until it is enabled again', async () => {
    await withServer({}, async (h) => {
      const target = await h.receiver();
      let gone = false;
      target.answer((index) => {
        if (index > 0) return { status: 200 };
        // Answer the first request late, so more deliveries are waiting when the 410 comes.
        return {
          raw: (_req, res) => {
            setTimeout(() => {
              gone = true;
              res.writeHead(410).end('gone');
            }, 500);
          },
        };
      });
      const bystander = await h.receiver();
      const endpoint = await createEndpoint(h, { url: target.url, maxConcurrency: 1 });
      await createEndpoint(h, { url: bystander.url });
      const first = await h.ts.api.call('POST', `/v1/accounts/${h.accountId}/events`, {
        body: { type: 'shop.order.paid', data: { n: 0 } },
      });
      await waitFor(() => target.requests.length === 1, { what: 'the first request' });
      const batch = await h.ts.api.call('POST', `/v1/accounts/${h.accountId}/events/batch`, {
        body: { events: [1, 2, 3].map((n) => ({ type: 'shop.order.paid', data: { n } })) },
      });
      assert.equal(batch.status, 202, JSON.stringify(batch.body));
      assert.equal(gone, false, 'the batch was published while the first attempt was in flight');

      const firstDelivery = await waitFor(async () => {
        const list = await h.ts.api.call(
          'GET',
          `/v1/accounts/${h.accountId}/deliveries?endpointId=${endpoint.id}&eventId=${first.body.id}`,
        );
        const delivery = list.body.data[0];
        return delivery?.status === 'cancelled' && delivery;
      });
      assert.equal(firstDelivery.lastStatusCode, 410);
      const disabled = await h.ts.api.call('GET', `/v1/accounts/${h.accountId}/endpoints/${endpoint.id}`);
      assert.equal(disabled.body.enabled, false);
      assert.equal(disabled.body.disabledReason, 'gone');

      const all = await h.ts.api.call<{ data: DeliveryDetail[] }>(
        'GET',
        `/v1/accounts/${h.accountId}/deliveries?endpointId=${endpoint.id}`,
      );
      assert.equal(all.body.data.length, 4);
      assert.deepEqual(
        all.body.data.map((d) => d.status),
        ['cancelled', 'cancelled', 'cancelled', 'cancelled'],
      );
      // The other endpoint of the account is not affected.
      await waitFor(() => bystander.requests.length === 4, { what: 'the bystander to get all 4 events' });
      await sleep(400);
      assert.equal(target.requests.length, 1, 'nothing more reaches the gone endpoint');

      const enabled = await h.ts.api.call('PATCH', `/v1/accounts/${h.accountId}/endpoints/${endpoint.id}`, {
        body: { enabled: true },
      });
      assert.equal(enabled.status, 200, JSON.stringify(enabled.body));
      assert.equal(enabled.body.enabled, true);
      assert.equal(enabled.body.disabledReason, null);
      const { eventId } = await h.ts.api
        .call('POST', `/v1/accounts/${h.accountId}/events`, {
          body: { type: 'shop.order.paid', data: { n: 4 } },
        })
        .then((r) => ({ eventId: r.body.id as string }));
      const next = await waitFor(() => target.requests[1], { what: 'an event after re-enabling' });
      assert.equal(next.headers['webhook-id'], eventId);
      await sleep(300);
      assert.equal(target.requests.length, 2, 'the cancelled deliveries stay cancelled');
    });
  });
});
