/**
 * Tenant isolation: an account's API key reaches only that account. On every route that takes an id,
 * another account's resource answers exactly like one that does not exist, and nothing of it changes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Receiver, startReceiver } from './support/receiver.ts';
import { type ApiResponse, startTestServer, type TestServer, waitFor } from './support/test-server.ts';

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** A route call: method, path, body. */
interface Call {
  readonly method: Method;
  readonly path: string;
  readonly body?: unknown;
}

const MISSING_ACCOUNT = 'acc_00000000000000000000000000';
const MISSING_ENDPOINT = 'ep_00000000000000000000000000';
const MISSING_EVENT = 'evt_00000000000000000000000000';
const MISSING_DELIVERY = 'dlv_00000000000000000000000000';

let t: TestServer;
let receiver: Receiver;
let a: { id: string; apiKey: string };
let b: { id: string; apiKey: string };
/** B's resources, as B saw them before the attack. */
let bEndpoint: Record<string, unknown>;
let bSecret: { secret: string; previousSecretExpiresAt: string | null };
let bEventId: string;
let bDelivery: Record<string, unknown>;
let aEndpointId: string;

function assertNotFound(res: ApiResponse, field: string, context: string): void {
  assert.equal(res.status, 404, `${context}: ${JSON.stringify(res.body)}`);
  assert.match(String(res.headers['content-type']), /^application\/problem\+json/, context);
  assert.equal(res.body.code, 'not_found', context);
  assert.equal(res.body.field, field, context);
}

/** What a caller can observe of an answer. */
function shape(res: ApiResponse): unknown {
  return { status: res.status, contentType: res.headers['content-type'], body: res.body };
}

/** Every route under an account, aimed at the given account and resource ids. */
function accountRoutes(
  accountId: string,
  ids: { endpointId: string; eventId: string; deliveryId: string },
): Call[] {
  const base = `/v1/accounts/${accountId}`;
  const endpoint = `${base}/endpoints/${ids.endpointId}`;
  return [
    { method: 'GET', path: base },
    { method: 'GET', path: `${base}/events` },
    { method: 'GET', path: `${base}/events?type=order.paid` },
    { method: 'GET', path: `${base}/events/${ids.eventId}` },
    { method: 'GET', path: `${base}/endpoints` },
    { method: 'POST', path: `${base}/endpoints`, body: { url: receiver.url } },
    { method: 'GET', path: endpoint },
    { method: 'PATCH', path: endpoint, body: { description: 'hijacked', enabled: false } },
    { method: 'DELETE', path: endpoint },
    { method: 'GET', path: `${endpoint}/secret` },
    { method: 'POST', path: `${endpoint}/secret/rotate` },
    { method: 'POST', path: `${endpoint}/test` },
    { method: 'POST', path: `${endpoint}/recover`, body: { since: '2000-01-01T00:00:00Z' } },
    { method: 'GET', path: `${base}/deliveries` },
    { method: 'GET', path: `${base}/deliveries?endpointId=${ids.endpointId}` },
    { method: 'GET', path: `${base}/deliveries/${ids.deliveryId}` },
    { method: 'POST', path: `${base}/deliveries/${ids.deliveryId}/retry` },
  ];
}

before(async () => {
  receiver = await startReceiver();
  t = await startTestServer();
  a = await t.createAccount('Shop A');
  b = await t.createAccount('Shop B');
  await t.registerEventTypes('shop.order.shipped', 'shop.order.paid');

  const createdA = await t.api.call('POST', `/v1/accounts/${a.id}/endpoints`, {
    token: a.apiKey,
    body: { url: `${receiver.url}?shop=a`, eventTypes: ['shop.order.shipped'] },
  });
  assert.equal(createdA.status, 201);
  aEndpointId = createdA.body.id;

  const createdB = await t.api.call('POST', `/v1/accounts/${b.id}/endpoints`, {
    token: b.apiKey,
    body: { url: `${receiver.url}?shop=b`, eventTypes: ['shop.order.paid'] },
  });
  assert.equal(createdB.status, 201);
  const published = await t.api.call('POST', `/v1/accounts/${b.id}/events`, {
    body: { id: 'order-1001', type: 'shop.order.paid', data: { shop: 'b', total: '10.00' } },
  });
  assert.equal(published.status, 202);
  bEventId = published.body.id;
  const deliveryId = published.body.deliveries[0] as string;
  // Wait for the delivery to finish, so a successful retry by A would show as a change.
  bDelivery = await waitFor(
    async () => {
      const d = await t.api.call('GET', `/v1/accounts/${b.id}/deliveries/${deliveryId}`, { token: b.apiKey });
      return d.body.status === 'succeeded' && d.body;
    },
    { what: "B's delivery" },
  );
  bEndpoint = (
    await t.api.call('GET', `/v1/accounts/${b.id}/endpoints/${createdB.body.id}`, { token: b.apiKey })
  ).body;
  bSecret = (
    await t.api.call('GET', `/v1/accounts/${b.id}/endpoints/${createdB.body.id}/secret`, { token: b.apiKey })
  ).body;
});

after(async () => {
  await t.close();
  await receiver.close();
});

describe("A's key on B's account", () => {
  it('answers every route exactly as for an account that does not exist', async () => {
    const bIds = {
      endpointId: bEndpoint['id'] as string,
      eventId: bEventId,
      deliveryId: bDelivery['id'] as string,
    };
    const theirs = accountRoutes(b.id, bIds);
    const nobodys = accountRoutes(MISSING_ACCOUNT, bIds);
    for (const [index, call] of theirs.entries()) {
      const other = nobodys[index]!;
      const res = await t.api.call(call.method, call.path, { token: a.apiKey, body: call.body });
      const missing = await t.api.call(other.method, other.path, { token: a.apiKey, body: other.body });
      const context = `${call.method} ${call.path}`;
      assertNotFound(res, 'accountId', context);
      assert.deepEqual(shape(res), shape(missing), context);
    }
  });

  it('refuses publishing with 403 whatever the account (publishing is the operator’s)', async () => {
    for (const accountId of [b.id, MISSING_ACCOUNT, a.id]) {
      const res = await t.api.call('POST', `/v1/accounts/${accountId}/events`, {
        token: a.apiKey,
        body: { type: 'shop.order.paid', data: {} },
      });
      assert.equal(res.status, 403);
      assert.equal(res.body.code, 'forbidden');
      const batch = await t.api.call('POST', `/v1/accounts/${accountId}/events/batch`, {
        token: a.apiKey,
        body: { events: [{ type: 'shop.order.paid', data: {} }] },
      });
      assert.equal(batch.status, 403);
    }
  });

  it('does not list B among the accounts (the list is admin-only)', async () => {
    const res = await t.api.call('GET', '/v1/accounts', { token: a.apiKey });
    assert.equal(res.status, 403);
    assert.equal(JSON.stringify(res.body).includes(b.id), false);
  });
});

describe("A's key on A's account with B's ids", () => {
  it("answers B's endpoint, event and delivery as ids that do not exist", async () => {
    const base = `/v1/accounts/${a.id}`;
    const cases: [Method, (id: string) => string, string, string, unknown?][] = [
      ['GET', (id) => `${base}/endpoints/${id}`, bEndpoint['id'] as string, MISSING_ENDPOINT],
      [
        'PATCH',
        (id) => `${base}/endpoints/${id}`,
        bEndpoint['id'] as string,
        MISSING_ENDPOINT,
        { enabled: false },
      ],
      ['DELETE', (id) => `${base}/endpoints/${id}`, bEndpoint['id'] as string, MISSING_ENDPOINT],
      ['GET', (id) => `${base}/endpoints/${id}/secret`, bEndpoint['id'] as string, MISSING_ENDPOINT],
      ['POST', (id) => `${base}/endpoints/${id}/secret/rotate`, bEndpoint['id'] as string, MISSING_ENDPOINT],
      ['POST', (id) => `${base}/endpoints/${id}/test`, bEndpoint['id'] as string, MISSING_ENDPOINT],
      [
        'POST',
        (id) => `${base}/endpoints/${id}/recover`,
        bEndpoint['id'] as string,
        MISSING_ENDPOINT,
        { since: '2000-01-01T00:00:00Z' },
      ],
      ['GET', (id) => `${base}/events/${id}`, bEventId, MISSING_EVENT],
      ['GET', (id) => `${base}/deliveries/${id}`, bDelivery['id'] as string, MISSING_DELIVERY],
      ['POST', (id) => `${base}/deliveries/${id}/retry`, bDelivery['id'] as string, MISSING_DELIVERY],
    ];
    for (const [method, path, theirId, missingId, body] of cases) {
      const res = await t.api.call(method, path(theirId), { token: a.apiKey, body });
      const missing = await t.api.call(method, path(missingId), { token: a.apiKey, body });
      const field = path('').includes('/events/')
        ? 'eventId'
        : path('').includes('/deliveries/')
          ? 'deliveryId'
          : 'endpointId';
      assertNotFound(res, field, `${method} ${path(theirId)}`);
      assert.deepEqual(shape(res), shape(missing), `${method} ${path(theirId)}`);
    }
  });

  it("filters A's lists by B's ids to nothing", async () => {
    const base = `/v1/accounts/${a.id}`;
    for (const query of [`endpointId=${bEndpoint['id']}`, `eventId=${bEventId}`]) {
      const res = await t.api.call('GET', `${base}/deliveries?${query}`, { token: a.apiKey });
      assert.equal(res.status, 200);
      assert.deepEqual(res.body.data, [], query);
    }
    const events = await t.api.call('GET', `${base}/events`, { token: a.apiKey });
    assert.equal(
      events.body.data.some((e: { id: string }) => e.id === bEventId),
      false,
    );
    const endpoints = await t.api.call('GET', `${base}/endpoints`, { token: a.apiKey });
    assert.deepEqual(
      endpoints.body.data.map((e: { id: string }) => e.id),
      [aEndpointId],
    );
  });

  it("keeps event ids per account: A's order-1001 is A's own, not B's", async () => {
    const published = await t.api.call('POST', `/v1/accounts/${a.id}/events`, {
      body: { id: 'order-1001', type: 'shop.order.shipped', data: { shop: 'a' } },
    });
    assert.equal(published.status, 202, 'the same id in another account is a new event');
    assert.equal(published.body.created, true);
    const mine = await t.api.call('GET', `/v1/accounts/${a.id}/events/order-1001`, { token: a.apiKey });
    assert.deepEqual(mine.body.data, { shop: 'a' });
    assert.equal(mine.body.deliveries.length, 1);
    assert.equal(mine.body.deliveries[0].endpointId, aEndpointId);
    const theirs = await t.api.call('GET', `/v1/accounts/${b.id}/events/order-1001`, { token: b.apiKey });
    assert.deepEqual(theirs.body.data, { shop: 'b', total: '10.00' });
    assert.equal(theirs.body.deliveries[0].endpointId, bEndpoint['id']);
  });
});

describe('the admin', () => {
  it('sees both accounts and their resources', async () => {
    const accounts = await t.api.call('GET', '/v1/accounts');
    const ids = accounts.body.data.map((x: { id: string }) => x.id);
    assert.ok(ids.includes(a.id) && ids.includes(b.id));
    for (const [accountId, endpointId] of [
      [a.id, aEndpointId],
      [b.id, bEndpoint['id'] as string],
    ]) {
      assert.equal((await t.api.call('GET', `/v1/accounts/${accountId}`)).status, 200);
      assert.equal(
        (await t.api.call('GET', `/v1/accounts/${accountId}/endpoints/${endpointId}`)).status,
        200,
      );
    }
    assert.equal((await t.api.call('GET', `/v1/accounts/${b.id}/events/${bEventId}`)).status, 200);
    assert.equal((await t.api.call('GET', `/v1/accounts/${b.id}/deliveries/${bDelivery['id']}`)).status, 200);
  });

  it('gets the same 404 for a missing account', async () => {
    assertNotFound(await t.api.call('GET', `/v1/accounts/${MISSING_ACCOUNT}`), 'accountId', 'admin');
    assertNotFound(
      await t.api.call('POST', `/v1/accounts/${MISSING_ACCOUNT}/events`, {
        body: { type: 'shop.order.paid', data: {} },
      }),
      'accountId',
      'admin publish',
    );
  });
});

describe('afterwards', () => {
  it("B's endpoint, secret, events and delivery are as they were", async () => {
    const base = `/v1/accounts/${b.id}`;
    const asB = { token: b.apiKey };
    const endpoint = await t.api.call('GET', `${base}/endpoints/${bEndpoint['id']}`, asB);
    assert.deepEqual(endpoint.body, bEndpoint, 'not deleted, patched or disabled');
    const secret = await t.api.call('GET', `${base}/endpoints/${bEndpoint['id']}/secret`, asB);
    assert.deepEqual(secret.body, bSecret, 'not rotated');
    const endpoints = await t.api.call('GET', `${base}/endpoints`, asB);
    assert.equal(endpoints.body.data.length, 1, 'A created no endpoint in B');
    const events = await t.api.call('GET', `${base}/events`, asB);
    assert.deepEqual(
      events.body.data.map((e: { id: string }) => e.id),
      [bEventId],
      'no test event was sent',
    );
    const delivery = await t.api.call('GET', `${base}/deliveries/${bDelivery['id']}`, asB);
    assert.deepEqual(delivery.body, { ...bDelivery, attempts: delivery.body.attempts }, 'not retried');
    assert.equal(delivery.body.attempts.length, 1);
    // Give a wrongly queued retry or test event time to be sent before counting.
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(receiver.requests.filter((r) => r.path.includes('shop=b')).length, 1);
  });
});
