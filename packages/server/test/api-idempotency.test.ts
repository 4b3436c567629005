/**
 * Idempotent publishing: publishing a known event id again (in the body, through `Idempotency-Key`,
 * or inside a batch) writes nothing new, answers with the stored event, and the receiver gets each
 * event once.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Receiver, startReceiver } from './support/receiver.ts';
import { startTestServer, type TestServer, waitFor } from './support/test-server.ts';

let t: TestServer;
let receiver: Receiver;
let accountId: string;
let eventsPath: string;

async function allDeliveries(): Promise<{ id: string; eventId: string; status: string }[]> {
  const res = await t.api.call('GET', `/v1/accounts/${accountId}/deliveries?limit=250`);
  assert.equal(res.status, 200);
  assert.equal(res.body.nextCursor, null, 'the test stays under one page');
  return res.body.data;
}

/** Waits until every delivery succeeded, then returns how many requests each event id got. */
async function requestsPerEvent(): Promise<Map<string, number>> {
  await waitFor(async () => (await allDeliveries()).every((d) => d.status === 'succeeded'), {
    what: 'every delivery to succeed',
  });
  const counts = new Map<string, number>();
  for (const request of receiver.requests) {
    const id = String(request.headers['webhook-id']);
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

function publishedTotal(metrics: string): number {
  const match = /^hookline_events_published_total (\d+)$/m.exec(metrics);
  assert.ok(match, 'the metric is exported');
  return Number(match[1]);
}

before(async () => {
  receiver = await startReceiver();
  t = await startTestServer();
  accountId = (await t.createAccount('Idempotent shop')).id;
  eventsPath = `/v1/accounts/${accountId}/events`;
  const endpoint = await t.api.call('POST', `/v1/accounts/${accountId}/endpoints`, {
    body: { url: receiver.url },
  });
  assert.equal(endpoint.status, 201);
});

after(async () => {
  await t.close();
  await receiver.close();
});

describe('one event', () => {
  it('answers a repeated id with the stored event, idempotent-replayed, and no new deliveries', async () => {
    const first = await t.api.call('POST', eventsPath, {
      body: { id: 'order-1', type: 'shop.order.paid', data: { total: '10.00' } },
    });
    assert.equal(first.status, 202);
    assert.equal(first.body.created, true);
    assert.equal(first.body.id, 'order-1');
    assert.equal(first.headers['idempotent-replayed'], undefined);
    assert.equal(first.body.deliveries.length, 1);
    const countBefore = (await allDeliveries()).length;

    const again = await t.api.call('POST', eventsPath, {
      body: { id: 'order-1', type: 'shop.order.paid', data: { total: '10.00' } },
    });
    assert.equal(again.status, 202);
    assert.equal(again.headers['idempotent-replayed'], 'true');
    assert.equal(again.body.created, false);
    assert.equal(again.body.id, first.body.id);
    assert.deepEqual(again.body.deliveries, first.body.deliveries);
    assert.equal(again.body.createdAt, first.body.createdAt);
    assert.equal((await allDeliveries()).length, countBefore);

    const stored = await t.api.call('GET', `${eventsPath}/order-1`);
    assert.deepEqual(stored.body.data, { total: '10.00' });
    assert.deepEqual(
      stored.body.deliveries.map((d: { id: string }) => d.id),
      first.body.deliveries,
    );
    assert.equal((await requestsPerEvent()).get('order-1'), 1);
  });

  it('refuses the same id with another type or other data: 409 idempotency_conflict, nothing overwritten', async () => {
    for (const body of [
      { id: 'order-1', type: 'shop.order.refunded', data: { total: '10.00' } },
      { id: 'order-1', type: 'shop.order.paid', data: { total: '99.00' } },
    ]) {
      const res = await t.api.call('POST', eventsPath, { body });
      assert.equal(res.status, 409);
      assert.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8');
      assert.equal(res.body.code, 'idempotency_conflict');
      assert.equal(res.body.field, 'id');
    }
    const stored = await t.api.call('GET', `${eventsPath}/order-1`);
    assert.equal(stored.body.type, 'shop.order.paid');
    assert.deepEqual(stored.body.data, { total: '10.00' });
  });

  it('refuses a body id that differs from the Idempotency-Key header', async () => {
    const res = await t.api.call('POST', eventsPath, {
      body: { id: 'order-77', type: 'shop.order.paid', data: {} },
      headers: { 'idempotency-key': 'order-78' },
    });
    assert.equal(res.status, 422);
    assert.equal(res.body.field, 'id');
  });

  it('does the same with the Idempotency-Key header', async () => {
    const publish = () =>
      t.api.call('POST', eventsPath, {
        body: { type: 'shop.order.paid', data: { n: 2 } },
        headers: { 'idempotency-key': 'checkout-42.attempt-1' },
      });
    const first = await publish();
    assert.equal(first.status, 202);
    assert.equal(first.body.id, 'checkout-42.attempt-1', 'the key becomes the event id');
    const countBefore = (await allDeliveries()).length;
    const again = await publish();
    assert.equal(again.status, 202);
    assert.equal(again.headers['idempotent-replayed'], 'true');
    assert.equal(again.body.created, false);
    assert.equal(again.body.id, first.body.id);
    assert.deepEqual(again.body.deliveries, first.body.deliveries);
    assert.equal((await allDeliveries()).length, countBefore);
    assert.equal((await requestsPerEvent()).get('checkout-42.attempt-1'), 1);
  });

  it('does not count a replay as a published event', async () => {
    const before = publishedTotal((await t.api.call('GET', '/metrics', { token: null })).body);
    const body = { id: 'order-metrics', type: 'shop.order.paid', data: {} };
    assert.equal((await t.api.call('POST', eventsPath, { body })).status, 202);
    assert.equal((await t.api.call('POST', eventsPath, { body })).headers['idempotent-replayed'], 'true');
    const afterwards = publishedTotal((await t.api.call('GET', '/metrics', { token: null })).body);
    assert.equal(afterwards - before, 1);
  });
});

describe('batches', () => {
  it('publishes a repeated id inside one batch once', async () => {
    const res = await t.api.call('POST', `${eventsPath}/batch`, {
      body: {
        events: [
          { id: 'b-1', type: 'shop.order.paid', data: { n: 1 } },
          { id: 'b-2', type: 'shop.order.paid', data: { n: 2 } },
          { id: 'b-1', type: 'shop.order.paid', data: { n: 1 } },
        ],
      },
    });
    assert.equal(res.status, 202);
    const [one, two, oneAgain] = res.body.events;
    assert.deepEqual(
      res.body.events.map((e: { id: string; created: boolean }) => [e.id, e.created]),
      [
        ['b-1', true],
        ['b-2', true],
        ['b-1', false],
      ],
    );
    assert.notDeepEqual(one.deliveries, two.deliveries);
    assert.deepEqual(oneAgain.deliveries, one.deliveries);
    const stored = await t.api.call('GET', `${eventsPath}/b-1`);
    assert.deepEqual(stored.body.data, { n: 1 });
  });

  it('refuses a batch that repeats an id with other data, and stores none of it', async () => {
    const res = await t.api.call('POST', `${eventsPath}/batch`, {
      body: {
        events: [
          { id: 'c-1', type: 'shop.order.paid', data: { n: 1 } },
          { id: 'b-1', type: 'shop.order.paid', data: { n: 3 } },
        ],
      },
    });
    assert.equal(res.status, 409);
    assert.equal(res.body.code, 'idempotency_conflict');
    assert.equal(res.body.field, 'events[1].id');
    assert.equal((await t.api.call('GET', `${eventsPath}/c-1`)).status, 404);
  });

  it('publishes an id already known from an earlier request once', async () => {
    const earlier = await t.api.call('GET', `${eventsPath}/b-2`);
    const countBefore = (await allDeliveries()).length;
    const res = await t.api.call('POST', `${eventsPath}/batch`, {
      body: {
        events: [
          { id: 'b-2', type: 'shop.order.paid', data: { n: 2 } },
          { id: 'b-3', type: 'shop.order.paid', data: { n: 3 } },
          { id: 'order-1', type: 'shop.order.paid', data: { total: '10.00' } },
        ],
      },
    });
    assert.equal(res.status, 202);
    assert.deepEqual(
      res.body.events.map((e: { id: string; created: boolean }) => [e.id, e.created]),
      [
        ['b-2', false],
        ['b-3', true],
        ['order-1', false],
      ],
    );
    assert.deepEqual(
      res.body.events[0].deliveries,
      earlier.body.deliveries.map((d: { id: string }) => d.id),
    );
    assert.equal((await allDeliveries()).length, countBefore + 1, 'only b-3 owes a new delivery');
    const counts = await requestsPerEvent();
    for (const id of ['b-1', 'b-2', 'b-3', 'order-1']) assert.equal(counts.get(id), 1, id);
  });

  it('makes a resent batch without ids a no-op when it carries the same Idempotency-Key', async () => {
    const send = () =>
      t.api.call('POST', `${eventsPath}/batch`, {
        headers: { 'idempotency-key': 'import-7' },
        body: {
          events: [
            { type: 'shop.order.paid', data: { n: 1 } },
            { type: 'shop.order.paid', data: { n: 2 } },
            { type: 'shop.order.paid', data: { n: 3 } },
          ],
        },
      });
    const first = await send();
    assert.equal(first.status, 202);
    assert.deepEqual(
      first.body.events.map((e: { id: string; created: boolean }) => [e.id, e.created]),
      [
        ['import-7:0', true],
        ['import-7:1', true],
        ['import-7:2', true],
      ],
    );
    const countBefore = (await allDeliveries()).length;
    const again = await send();
    assert.equal(again.status, 202);
    assert.deepEqual(
      again.body.events.map((e: { id: string; created: boolean }) => [e.id, e.created]),
      [
        ['import-7:0', false],
        ['import-7:1', false],
        ['import-7:2', false],
      ],
    );
    assert.deepEqual(
      again.body.events.map((e: { deliveries: string[] }) => e.deliveries),
      first.body.events.map((e: { deliveries: string[] }) => e.deliveries),
    );
    assert.equal((await allDeliveries()).length, countBefore);
    const counts = await requestsPerEvent();
    for (const id of ['import-7:0', 'import-7:1', 'import-7:2']) assert.equal(counts.get(id), 1, id);
  });

  it('sends each event exactly once over the whole file', async () => {
    const counts = await requestsPerEvent();
    const events = await t.api.call('GET', `${eventsPath}?limit=250`);
    assert.equal(counts.size, events.body.data.length);
    for (const [id, n] of counts) assert.equal(n, 1, id);
  });
});
