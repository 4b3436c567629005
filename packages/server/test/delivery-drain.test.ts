// Stopping (SIGTERM) drains: attempts in flight are waited for and their results committed; claims
// still waiting in the process go back to the database, due at once for the next start.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.ts';
import { startReceiver } from './support/receiver.ts';
import { startTestServer, waitFor } from './support/test-server.ts';

const ANSWER_AFTER_MS = 500;

describe('stopping the server', { concurrency: true }, () => {
  test('waits for an attempt in flight and records its success', async () => {
    const ts = await startTestServer();
    const target = await startReceiver();
    let answeredAt = 0;
    target.answer({
      raw: (_req, res) => {
        setTimeout(() => {
          answeredAt = Date.now();
          res.writeHead(200).end('late but fine');
        }, ANSWER_AFTER_MS);
      },
    });
    try {
      const accountId = (await ts.createAccount()).id;
      await ts.api.call('POST', `/v1/accounts/${accountId}/endpoints`, { body: { url: target.url } });
      const published = await ts.api.call('POST', `/v1/accounts/${accountId}/events`, {
        body: { type: 'shop.order.paid', data: { order: { id: 'ord_1' } } },
      });
      const deliveryId = published.body.deliveries[0] as string;
      await waitFor(() => target.requests.length === 1, { what: 'the attempt to be in flight' });

      await ts.server.stop();
      assert.ok(answeredAt > 0, 'stop returned before the receiver answered');

      const store = SqliteStore.open({ path: ts.server.databasePath });
      try {
        const delivery = await store.getDelivery(accountId, deliveryId);
        assert.equal(delivery?.status, 'succeeded');
        assert.equal(delivery?.attemptCount, 1);
        const attempts = await store.listAttempts(accountId, deliveryId);
        assert.deepEqual(
          attempts.map((a) => [a.statusCode, a.responseBody, a.succeeded]),
          [[200, 'late but fine', true]],
        );
      } finally {
        await store.close();
      }
    } finally {
      await target.close();
      await ts.close();
    }
  });

  test('hands claims waiting behind the endpoint’s cap back to the database, due soon', async () => {
    const ts = await startTestServer();
    const target = await startReceiver();
    target.answer({
      raw: (_req, res) => {
        setTimeout(() => res.writeHead(204).end(), ANSWER_AFTER_MS);
      },
    });
    try {
      const accountId = (await ts.createAccount()).id;
      await ts.api.call('POST', `/v1/accounts/${accountId}/endpoints`, {
        body: { url: target.url, maxConcurrency: 1 },
      });
      const published = await ts.api.call('POST', `/v1/accounts/${accountId}/events/batch`, {
        body: { events: [1, 2, 3].map((n) => ({ type: 'shop.order.paid', data: { n } })) },
      });
      assert.equal(published.status, 202, JSON.stringify(published.body));
      await waitFor(() => target.requests.length === 1, { what: 'the first attempt to be in flight' });
      const stoppedAt = Date.now();
      await ts.server.stop();
      assert.equal(target.requests.length, 1, 'nothing new is sent while stopping');

      const store = SqliteStore.open({ path: ts.server.databasePath });
      try {
        const deliveries = (await store.listDeliveries(accountId, { limit: 10 }, {})).items;
        const sent = deliveries.filter((d) => d.status === 'succeeded');
        const waiting = deliveries.filter((d) => d.status === 'pending');
        assert.equal(sent.length, 1, JSON.stringify(deliveries));
        assert.equal(waiting.length, 2, JSON.stringify(deliveries));
        for (const delivery of waiting) {
          assert.equal(delivery.attemptCount, 0);
          // Handed back unsent (the endpoint had no room, or the stop released them): due within one
          // attempt deadline (2 s in these tests) of the stop, not left leased until the lease ends.
          assert.ok(delivery.nextAttemptAt! <= stoppedAt + 2_000, JSON.stringify(delivery));
        }
      } finally {
        await store.close();
      }
    } finally {
      await target.close();
      await ts.close();
    }
  });
});
