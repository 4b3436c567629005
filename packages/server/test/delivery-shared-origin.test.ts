// Endpoints of different merchants often share one origin (an integration platform's hook URLs). The
// HTTP pool is per origin, so it must never make an attempt wait for a socket: a wait would spend the
// attempt's deadline and end as a false `timeout` without the receiver seeing the request.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startReceiver } from './support/receiver.ts';
import { startTestServer, waitFor } from './support/test-server.ts';

test('two endpoints on one origin both use their full concurrency without false timeouts', async () => {
  const receiver = await startReceiver('/a');
  // Each answer takes 1.2 s: with only 8 sockets for the origin, the second endpoint's 8 attempts
  // would wait 1.2 s for a socket and pass the 2 s deadline.
  receiver.answer({ raw: (_req, res) => void setTimeout(() => res.writeHead(200).end('ok'), 1_200) });
  const t = await startTestServer({
    HOOKLINE_TIMEOUT_MS: '2000',
    HOOKLINE_ENDPOINT_CONCURRENCY: '8',
    HOOKLINE_RETRY_SCHEDULE: '1h',
  });
  try {
    const { id } = await t.createAccount();
    const origin = new URL(receiver.url).origin;
    for (const path of ['/a', '/b']) {
      const created = await t.api.call('POST', `/v1/accounts/${id}/endpoints`, {
        body: { url: origin + path },
      });
      assert.equal(created.status, 201);
    }
    const events = Array.from({ length: 8 }, (_, i) => ({ type: 'shop.order.paid', data: { i } }));
    await t.api.call('POST', `/v1/accounts/${id}/events/batch`, { body: { events } });
    const deliveries = await waitFor(
      async () => {
        const list = await t.api.call('GET', `/v1/accounts/${id}/deliveries?limit=100`);
        const done = list.body.data.filter(
          (d: { status: string }) => d.status !== 'pending' && d.status !== 'sending',
        );
        return done.length === 16 && list.body.data;
      },
      { timeoutMs: 15_000, what: '16 finished deliveries' },
    );
    const outcomes = deliveries.map(
      (d: { status: string; lastErrorCode: string | null }) => `${d.status}/${d.lastErrorCode}`,
    );
    assert.deepEqual(outcomes, Array(16).fill('succeeded/null'));
    assert.equal(receiver.requests.length, 16);
  } finally {
    await t.close();
    await receiver.close();
  }
});
