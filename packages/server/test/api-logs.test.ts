/**
 * The logs a merchant reads and the resends they ask for: events (newest first, paged, filtered),
 * deliveries with their attempts, send-test, recover and retry.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Receiver, startReceiver } from './support/receiver.ts';
import { startTestServer, type TestServer, waitFor } from './support/test-server.ts';

interface Delivery {
  id: string;
  eventId: string;
  eventType: string;
  endpointId: string;
  url: string;
  status: string;
  attemptCount: number;
  lastStatusCode: number | null;
}

let t: TestServer;
/** Answers 200. */
let ok: Receiver;
/** Answers 500 until a test says otherwise. */
let flaky: Receiver;
let accountId: string;
let base: string;

async function publish(
  type: string,
  data: unknown = {},
  id?: string,
): Promise<{ id: string; deliveries: string[] }> {
  const res = await t.api.call('POST', `${base}/events`, { body: { type, data, ...(id ? { id } : {}) } });
  assert.equal(res.status, 202, JSON.stringify(res.body));
  return res.body;
}

async function createEndpoint(url: string, eventTypes: string[]): Promise<string> {
  const res = await t.api.call('POST', `${base}/endpoints`, { body: { url, eventTypes } });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.id;
}

async function deliveries(query: string): Promise<Delivery[]> {
  const res = await t.api.call('GET', `${base}/deliveries?limit=250${query ? `&${query}` : ''}`);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.data;
}

async function waitForStatus(deliveryIds: readonly string[], status: string): Promise<Delivery[]> {
  return waitFor(
    async () => {
      const found: Delivery[] = [];
      for (const id of deliveryIds) {
        const res = await t.api.call('GET', `${base}/deliveries/${id}`);
        if (res.body.status !== status) return undefined;
        found.push(res.body);
      }
      return found;
    },
    { what: `deliveries to be ${status}` },
  );
}

before(async () => {
  ok = await startReceiver('/ok');
  flaky = await startReceiver('/flaky');
  flaky.answer({ status: 500, body: 'receiver is down' });
  // One retry 50 ms after the first attempt: a delivery to a 500 fails within a fraction of a second.
  t = await startTestServer({ HOOKLINE_RETRY_SCHEDULE: '50ms' });
  accountId = (await t.createAccount('Log shop')).id;
  base = `/v1/accounts/${accountId}`;
  await t.registerEventTypes(
    'shop.order.paid',
    'shop.order.refunded',
    'detail.check',
    'long.id',
    'filter.check',
    'recover.check',
    'window.check',
  );
});

after(async () => {
  await t.close();
  await ok.close();
  await flaky.close();
});

describe('events', () => {
  it('lists newest first, paged by cursor, and filters by type', async () => {
    const own = await t.createAccount('Seven events');
    const path = `/v1/accounts/${own.id}/events`;
    const published: string[] = [];
    for (let i = 0; i < 7; i++) {
      const type = i % 2 === 0 ? 'shop.order.paid' : 'shop.order.refunded';
      const res = await t.api.call('POST', path, { body: { type, data: { i } } });
      published.push(res.body.id);
    }
    const newestFirst = [...published].reverse();

    const seen: string[] = [];
    const sizes: number[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor === null ? '?limit=3' : `?limit=3&cursor=${encodeURIComponent(cursor)}`;
      const page = await t.api.call('GET', `${path}${query}`, { token: own.apiKey });
      assert.equal(page.status, 200);
      sizes.push(page.body.data.length);
      seen.push(...page.body.data.map((e: { id: string }) => e.id));
      cursor = page.body.nextCursor;
    } while (cursor !== null && sizes.length < 10);
    assert.deepEqual(sizes, [3, 3, 1]);
    assert.deepEqual(seen, newestFirst);

    const paid = await t.api.call('GET', `${path}?type=shop.order.paid&limit=2`, { token: own.apiKey });
    assert.deepEqual(
      paid.body.data.map((e: { id: string }) => e.id),
      [published[6], published[4]],
    );
    const rest = await t.api.call(
      'GET',
      `${path}?type=shop.order.paid&limit=2&cursor=${paid.body.nextCursor}`,
      {
        token: own.apiKey,
      },
    );
    assert.deepEqual(
      rest.body.data.map((e: { id: string }) => e.id),
      [published[2], published[0]],
    );
    assert.equal(rest.body.nextCursor, null);
    const refunded = await t.api.call('GET', `${path}?type=shop.order.refunded`, { token: own.apiKey });
    assert.deepEqual(
      refunded.body.data.map((e: { type: string; data: { i: number } }) => [e.type, e.data.i]),
      [
        ['shop.order.refunded', 5],
        ['shop.order.refunded', 3],
        ['shop.order.refunded', 1],
      ],
    );
    const none = await t.api.call('GET', `${path}?type=order.shipped`, { token: own.apiKey });
    assert.deepEqual(none.body, { data: [], nextCursor: null });
  });

  it('shows one event with its data, occurredAt and deliveries', async () => {
    const endpointId = await createEndpoint(ok.url, ['detail.check']);
    const res = await t.api.call('POST', `${base}/events`, {
      body: {
        type: 'detail.check',
        data: { order: { id: 'ord_1', total: '149.00' } },
        occurredAt: '2030-05-01T12:00:00.000Z',
      },
    });
    const detail = await t.api.call('GET', `${base}/events/${res.body.id}`);
    assert.equal(detail.status, 200);
    assert.equal(detail.body.type, 'detail.check');
    assert.deepEqual(detail.body.data, { order: { id: 'ord_1', total: '149.00' } });
    assert.equal(detail.body.occurredAt, '2030-05-01T12:00:00.000Z');
    assert.deepEqual(
      detail.body.deliveries.map((d: Delivery) => [d.id, d.eventId, d.eventType, d.endpointId, d.url]),
      [[res.body.deliveries[0], res.body.id, 'detail.check', endpointId, ok.url]],
    );
  });

  it('reads back an event whose id is 128 characters long', async () => {
    const id = `ord-${'9'.repeat(124)}`;
    await publish('long.id', {}, id);
    const detail = await t.api.call('GET', `${base}/events/${id}`);
    assert.equal(detail.status, 200, JSON.stringify(detail.body));
    assert.equal(detail.body.id, id);
    const replay = await t.api.call('POST', `${base}/events`, { body: { id, type: 'long.id', data: {} } });
    assert.equal(replay.status, 202);
    assert.equal(replay.body.created, false);
  });
});

describe('deliveries', () => {
  let okEndpoint: string;
  let flakyEndpoint: string;
  let first: { id: string; deliveries: string[] };
  let second: { id: string; deliveries: string[] };

  before(async () => {
    okEndpoint = await createEndpoint(ok.url, ['filter.check']);
    flakyEndpoint = await createEndpoint(flaky.url, ['filter.check']);
    first = await publish('filter.check', { n: 1 });
    second = await publish('filter.check', { n: 2 });
    const all = await deliveries('');
    const okIds = all.filter((d) => d.endpointId === okEndpoint).map((d) => d.id);
    const flakyIds = all.filter((d) => d.endpointId === flakyEndpoint).map((d) => d.id);
    await waitForStatus(okIds, 'succeeded');
    await waitForStatus(flakyIds, 'failed');
  });

  it('filters by endpointId, eventId and status, alone and together', async () => {
    const byEndpoint = await deliveries(`endpointId=${okEndpoint}`);
    assert.equal(byEndpoint.length, 2);
    assert.ok(byEndpoint.every((d) => d.endpointId === okEndpoint));
    assert.deepEqual(
      byEndpoint.map((d) => d.eventId),
      [second.id, first.id],
      'newest first',
    );

    const byEvent = await deliveries(`eventId=${first.id}`);
    assert.deepEqual(byEvent.map((d) => d.id).sort(), [...first.deliveries].sort());

    const failed = await deliveries(`status=failed&endpointId=${flakyEndpoint}`);
    assert.equal(failed.length, 2);
    assert.ok(failed.every((d) => d.status === 'failed' && d.attemptCount === 2 && d.lastStatusCode === 500));

    const succeeded = await deliveries(`status=succeeded&eventId=${second.id}`);
    assert.deepEqual(
      succeeded.map((d) => d.endpointId),
      [okEndpoint],
    );
    assert.deepEqual(await deliveries(`status=failed&endpointId=${okEndpoint}`), []);
    assert.deepEqual(await deliveries('endpointId=ep_nope'), []);
    assert.deepEqual(await deliveries('eventId=nope'), []);
  });

  it('pages deliveries by cursor', async () => {
    const page = await t.api.call('GET', `${base}/deliveries?endpointId=${flakyEndpoint}&limit=1`);
    assert.equal(page.body.data.length, 1);
    assert.notEqual(page.body.nextCursor, null);
    const next = await t.api.call(
      'GET',
      `${base}/deliveries?endpointId=${flakyEndpoint}&limit=1&cursor=${page.body.nextCursor}`,
    );
    assert.equal(next.body.data.length, 1);
    assert.notEqual(next.body.data[0].id, page.body.data[0].id);
    assert.equal(next.body.nextCursor, null, 'two deliveries, two pages');
  });

  it('shows a delivery with every attempt', async () => {
    const [failedOne] = await deliveries(`endpointId=${flakyEndpoint}&eventId=${first.id}`);
    const detail = await t.api.call('GET', `${base}/deliveries/${failedOne!.id}`);
    assert.equal(detail.status, 200);
    assert.equal(detail.body.status, 'failed');
    assert.equal(detail.body.nextAttemptAt, null);
    assert.deepEqual(
      detail.body.attempts.map((a: { number: number; statusCode: number; succeeded: boolean }) => [
        a.number,
        a.statusCode,
        a.succeeded,
      ]),
      [
        [1, 500, false],
        [2, 500, false],
      ],
    );
    assert.equal(detail.body.attempts[0].responseBody, 'receiver is down');
    assert.ok(
      Date.parse(detail.body.attempts[1].startedAt) >= Date.parse(detail.body.attempts[0].startedAt) + 40,
    );

    const [okOne] = await deliveries(`endpointId=${okEndpoint}&eventId=${first.id}`);
    const okDetail = await t.api.call('GET', `${base}/deliveries/${okOne!.id}`);
    assert.equal(okDetail.body.status, 'succeeded');
    assert.equal(okDetail.body.attempts.length, 1);
    assert.equal(okDetail.body.attempts[0].statusCode, 200);
    assert.equal(okDetail.body.attempts[0].succeeded, true);
    assert.equal(okDetail.body.attempts[0].errorCode, null);
  });

  it('retries one failed delivery, and resends a succeeded one on request', async () => {
    const [failedOne] = await deliveries(`endpointId=${flakyEndpoint}&eventId=${second.id}`);
    flaky.answer({ status: 200, body: 'back' });
    try {
      const before = flaky.requests.length;
      const retried = await t.api.call('POST', `${base}/deliveries/${failedOne!.id}/retry`);
      assert.equal(retried.status, 202, JSON.stringify(retried.body));
      assert.equal(retried.body.id, failedOne!.id);
      assert.ok(['pending', 'sending', 'succeeded'].includes(retried.body.status), retried.body.status);
      const [done] = await waitForStatus([failedOne!.id], 'succeeded');
      assert.equal(done!.attemptCount, 3);
      assert.equal(flaky.requests.length, before + 1, 'only this delivery was resent');
      assert.equal(flaky.requests.at(-1)!.headers['webhook-id'], second.id);
      // The other failed delivery of this endpoint stays failed.
      const [other] = await deliveries(`endpointId=${flakyEndpoint}&eventId=${first.id}`);
      assert.equal(other!.status, 'failed');
    } finally {
      flaky.answer({ status: 500, body: 'receiver is down' });
    }

    const [okOne] = await deliveries(`endpointId=${okEndpoint}&eventId=${second.id}`);
    const resend = await t.api.call('POST', `${base}/deliveries/${okOne!.id}/retry`);
    assert.equal(resend.status, 202);
    const [again] = await waitForStatus([okOne!.id], 'succeeded');
    assert.equal(again!.attemptCount, 2);
  });
});

describe('send-test', () => {
  it('delivers a hookline.test event to that endpoint only, whatever its event types', async () => {
    const path = '/send-test';
    const endpointId = await createEndpoint(ok.url.replace('/ok', path), ['shop.order.paid']);
    const bystander = await createEndpoint(ok.url.replace('/ok', '/bystander'), ['*']);
    const res = await t.api.call('POST', `${base}/endpoints/${endpointId}/test`);
    assert.equal(res.status, 202, JSON.stringify(res.body));
    assert.equal(res.body.deliveries.length, 1);
    const request = await waitFor(() => ok.requests.find((r) => r.path === path), { what: 'the test event' });
    assert.equal(request.headers['webhook-id'], res.body.eventId);
    const body = JSON.parse(request.body);
    assert.equal(body.type, 'hookline.test');
    assert.equal(body.id, res.body.eventId);

    const event = await t.api.call('GET', `${base}/events/${res.body.eventId}`);
    assert.equal(event.body.type, 'hookline.test');
    assert.deepEqual(
      event.body.deliveries.map((d: Delivery) => d.endpointId),
      [endpointId],
    );
    await waitForStatus(res.body.deliveries, 'succeeded');
    assert.equal(
      ok.requests.some((r) => r.path === '/bystander'),
      false,
      'another endpoint does not get the test',
    );
    await t.api.call('DELETE', `${base}/endpoints/${bystander}`);
  });
});

describe('recover', () => {
  it('re-queues the failed deliveries created since a time, and they are delivered', async () => {
    flaky.answer({ status: 500, body: 'receiver is down' });
    const endpointId = await createEndpoint(flaky.url.replace('/flaky', '/recover'), ['recover.check']);
    const since = new Date(Date.now() - 1000).toISOString();
    const a = await publish('recover.check', { n: 1 });
    const b = await publish('recover.check', { n: 2 });
    const ids = [...a.deliveries, ...b.deliveries];
    await waitForStatus(ids, 'failed');

    const tooLate = await t.api.call('POST', `${base}/endpoints/${endpointId}/recover`, {
      body: { since: new Date().toISOString() },
    });
    assert.deepEqual(tooLate.body, { recovered: 0 }, 'nothing was created since now');

    flaky.answer({ status: 200, body: 'back' });
    try {
      const recovered = await t.api.call('POST', `${base}/endpoints/${endpointId}/recover`, {
        body: { since },
      });
      assert.equal(recovered.status, 202, JSON.stringify(recovered.body));
      assert.deepEqual(recovered.body, { recovered: 2 });
      const done = await waitForStatus(ids, 'succeeded');
      assert.ok(done.every((d) => d.attemptCount === 3 && d.lastStatusCode === 200));
      const delivered = flaky.requests.filter((r) => r.path === '/recover').slice(-2);
      assert.deepEqual(delivered.map((r) => r.headers['webhook-id']).sort(), [a.id, b.id].sort());

      const nothingLeft = await t.api.call('POST', `${base}/endpoints/${endpointId}/recover`, {
        body: { since },
      });
      assert.deepEqual(nothingLeft.body, { recovered: 0 }, 'succeeded deliveries are not re-sent');
    } finally {
      flaky.answer({ status: 500, body: 'receiver is down' });
    }
  });

  it('recovers only inside [since, until)', async () => {
    const endpointId = await createEndpoint(flaky.url.replace('/flaky', '/window'), ['window.check']);
    const early = await publish('window.check', { n: 1 });
    await waitForStatus(early.deliveries, 'failed');
    await new Promise((resolve) => setTimeout(resolve, 20));
    const cut = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const late = await publish('window.check', { n: 2 });
    await waitForStatus(late.deliveries, 'failed');

    const res = await t.api.call('POST', `${base}/endpoints/${endpointId}/recover`, {
      body: { since: '2000-01-01T00:00:00Z', until: cut },
    });
    assert.deepEqual(res.body, { recovered: 1 });
    const [earlyNow] = await t.api
      .call('GET', `${base}/deliveries/${early.deliveries[0]}`)
      .then((r) => [r.body as Delivery]);
    assert.notEqual(earlyNow!.status, 'failed', 'the early delivery is queued again');
    const lateNow = await t.api.call('GET', `${base}/deliveries/${late.deliveries[0]}`);
    assert.equal(lateNow.body.status, 'failed', 'the late one is outside the range');
    await waitForStatus(early.deliveries, 'failed');
  });
});
