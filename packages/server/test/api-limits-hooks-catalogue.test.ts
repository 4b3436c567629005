// The account's limit of URLs receiving at once, REST Hooks for integration platforms, and the event
// catalogue with its schemas: each through the real API and, where delivery matters, real receivers.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { BUILTIN_EVENT_TYPES } from '../src/domain/event-catalog/builtin-event-types.ts';
import { type Receiver, startReceiver } from './support/receiver.ts';
import { startTestServer, type TestServer, waitFor } from './support/test-server.ts';

const orderPaid = BUILTIN_EVENT_TYPES.find((t) => t.name === 'order.paid')?.example as {
  order: Record<string, unknown>;
};

describe('maxActiveUrls', () => {
  let ts: TestServer;
  let accountId: string;
  let apiKey: string;
  const endpoints = () => `/v1/accounts/${accountId}/endpoints`;
  const url = (n: number) => `http://127.0.0.1:9/hook/${n}`;

  before(async () => {
    ts = await startTestServer();
  });
  beforeEach(async () => {
    ({ id: accountId, apiKey } = await ts.createAccount('Limited shop'));
  });
  after(() => ts.close());

  async function create(body: Record<string, unknown>) {
    return ts.api.call('POST', endpoints(), { body, token: apiKey });
  }

  test('10 URLs receive at once by default; the 11th answers 409 active_url_limit naming the limit', async () => {
    const account = await ts.api.call('GET', `/v1/accounts/${accountId}`, { token: apiKey });
    assert.equal(account.body.maxActiveUrls, 10);
    // Nine endpoints, one of them with two URLs: ten URLs.
    for (let i = 0; i < 8; i++) assert.equal((await create({ url: url(i) })).status, 201);
    assert.equal((await create({ urls: [url(8), url(9)] })).status, 201);
    const eleventh = await create({ url: url(10) });
    assert.equal(eleventh.status, 409);
    assert.equal(eleventh.headers['content-type'], 'application/problem+json; charset=utf-8');
    assert.equal(eleventh.body.code, 'active_url_limit');
    assert.equal(eleventh.body.limit, 10);
    assert.equal(eleventh.body.field, 'url');
    assert.match(eleventh.body.detail, /at most 10 URLs/);
    // A URL already receiving counts once, and a disabled endpoint not at all.
    assert.equal((await create({ url: url(3), eventTypes: ['order.refunded'] })).status, 201);
    assert.equal((await create({ url: url(10), enabled: false })).status, 201);
  });

  test('disabling frees a URL; enabling over the limit and adding a URL are refused', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) ids.push((await create({ url: url(i) })).body.id);
    const spare = await create({ url: url(10), enabled: false });
    const enable = await ts.api.call('PATCH', `${endpoints()}/${spare.body.id}`, {
      body: { enabled: true },
      token: apiKey,
    });
    assert.equal(enable.status, 409);
    assert.equal(enable.body.field, 'enabled');
    const moreUrls = await ts.api.call('PATCH', `${endpoints()}/${ids[0]}`, {
      body: { urls: [url(0), url(11)] },
      token: apiKey,
    });
    assert.equal(moreUrls.status, 409);
    assert.equal(moreUrls.body.field, 'urls');
    // Other changes stay possible at the limit.
    const rename = await ts.api.call('PATCH', `${endpoints()}/${ids[0]}`, {
      body: { description: 'main shop' },
      token: apiKey,
    });
    assert.equal(rename.status, 200);

    await ts.api.call('PATCH', `${endpoints()}/${ids[1]}`, { body: { enabled: false }, token: apiKey });
    const now = await ts.api.call('PATCH', `${endpoints()}/${spare.body.id}`, {
      body: { enabled: true },
      token: apiKey,
    });
    assert.equal(now.status, 200);
  });

  test('the admin sets the limit per account with PATCH; an account key cannot', async () => {
    const byKey = await ts.api.call('PATCH', `/v1/accounts/${accountId}`, {
      body: { maxActiveUrls: 50 },
      token: apiKey,
    });
    assert.equal(byKey.status, 403);
    const set = await ts.api.call('PATCH', `/v1/accounts/${accountId}`, { body: { maxActiveUrls: 2 } });
    assert.equal(set.status, 200);
    assert.equal(set.body.maxActiveUrls, 2);
    assert.equal((await create({ urls: `${url(0)},${url(1)}` })).status, 201);
    const third = await create({ url: url(2) });
    assert.equal(third.body.code, 'active_url_limit');
    assert.equal(third.body.limit, 2);
    const invalid = await ts.api.call('PATCH', `/v1/accounts/${accountId}`, { body: { maxActiveUrls: 0 } });
    assert.equal(invalid.status, 422);
    assert.equal(invalid.body.field, 'maxActiveUrls');
    const reset = await ts.api.call('PATCH', `/v1/accounts/${accountId}`, { body: { maxActiveUrls: null } });
    assert.equal(reset.body.maxActiveUrls, 10);
    assert.equal((await create({ url: url(2) })).status, 201);
  });

  test("the admin sets an account's share of attempts in flight; an account key cannot", async () => {
    const before = await ts.api.call('GET', `/v1/accounts/${accountId}`);
    assert.equal(before.body.maxConcurrency, 128, 'the default, HOOKLINE_ACCOUNT_CONCURRENCY');
    const byKey = await ts.api.call('PATCH', `/v1/accounts/${accountId}`, {
      body: { maxConcurrency: 500 },
      token: apiKey,
    });
    assert.equal(byKey.status, 403);
    const set = await ts.api.call('PATCH', `/v1/accounts/${accountId}`, { body: { maxConcurrency: 16 } });
    assert.equal(set.status, 200, JSON.stringify(set.body));
    assert.equal(set.body.maxConcurrency, 16);
    assert.equal(set.body.maxActiveUrls, before.body.maxActiveUrls, 'the other setting is unchanged');
    for (const bad of [0, 100_001, 2.5, '16']) {
      const invalid = await ts.api.call('PATCH', `/v1/accounts/${accountId}`, {
        body: { maxConcurrency: bad },
      });
      assert.equal(invalid.status, 422, `${bad}`);
      assert.equal(invalid.body.field, 'maxConcurrency');
    }
    const reset = await ts.api.call('PATCH', `/v1/accounts/${accountId}`, { body: { maxConcurrency: null } });
    assert.equal(reset.body.maxConcurrency, 128);
  });

  test('concurrent creates cannot slip past the limit', async () => {
    await ts.api.call('PATCH', `/v1/accounts/${accountId}`, { body: { maxActiveUrls: 5 } });
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => create({ url: url(i) })));
    assert.equal(answers.filter((a) => a.status === 201).length, 5);
    assert.equal(answers.filter((a) => a.body.code === 'active_url_limit').length, 7);
  });
});

describe('REST Hooks', () => {
  let ts: TestServer;
  let accountId: string;
  let apiKey: string;
  const receivers: Receiver[] = [];

  before(async () => {
    ts = await startTestServer();
    ({ id: accountId, apiKey } = await ts.createAccount('Zapier shop'));
  });
  after(async () => {
    await Promise.all(receivers.map((r) => r.close()));
    await ts.close();
  });

  const hooks = () => `/v1/accounts/${accountId}/hooks`;
  const publish = (type: string, data: unknown) =>
    ts.api.call('POST', `/v1/accounts/${accountId}/events`, { body: { type, data } });

  test('subscribe with the API key, receive signed events of that type, unsubscribe', async () => {
    const target = await startReceiver('/catch/123');
    receivers.push(target);
    const subscribed = await ts.api.call('POST', hooks(), {
      body: { target_url: target.url, event: 'order.paid' },
      token: apiKey,
    });
    assert.equal(subscribed.status, 201, JSON.stringify(subscribed.body));
    assert.equal(subscribed.body.target_url, target.url);
    assert.equal(subscribed.body.event, 'order.paid');
    assert.match(subscribed.body.secret, /^whsec_/);
    const hookId = subscribed.body.id as string;

    assert.equal((await publish('order.paid', orderPaid)).status, 202);
    assert.equal(
      (await publish('order.refunded', BUILTIN_EVENT_TYPES.find((t) => t.name === 'order.refunded')?.example))
        .status,
      202,
    );
    await waitFor(() => target.requests.length === 1, { what: 'the hook to receive order.paid' });
    assert.equal(JSON.parse(target.requests[0]?.body ?? '').type, 'order.paid');
    assert.ok(target.requests[0]?.headers['webhook-signature']);

    const endpoint = await ts.api.call('GET', `/v1/accounts/${accountId}/endpoints/${hookId}`, {
      token: apiKey,
    });
    assert.equal(endpoint.body.source, 'rest_hook');

    const gone = await ts.api.call('DELETE', `${hooks()}/${hookId}`, { token: apiKey });
    assert.equal(gone.status, 204);
    const again = await ts.api.call('DELETE', `${hooks()}/${hookId}`, { token: apiKey });
    assert.equal(again.status, 404);
    assert.equal(again.body.field, 'hookId');
    const published = await publish('order.paid', orderPaid);
    assert.deepEqual(published.body.deliveries, [], 'nothing is owed to an unsubscribed hook');
  });

  test('a 410 from the target unsubscribes the hook', async () => {
    const target = await startReceiver();
    receivers.push(target);
    target.answer({ status: 410 });
    const subscribed = await ts.api.call('POST', hooks(), {
      body: { target_url: target.url, event: 'subscription.cancelled' },
      token: apiKey,
    });
    const example = BUILTIN_EVENT_TYPES.find((t) => t.name === 'subscription.cancelled')?.example;
    await publish('subscription.cancelled', example);
    await waitFor(
      async () => {
        const e = await ts.api.call('GET', `/v1/accounts/${accountId}/endpoints/${subscribed.body.id}`);
        return e.status === 404;
      },
      { what: 'the hook to be unsubscribed' },
    );
    const published = await publish('subscription.cancelled', example);
    assert.deepEqual(published.body.deliveries, []);
  });

  test('an endpoint made by hand is not reachable as a hook; a blocked target names target_url', async () => {
    const made = await ts.api.call('POST', `/v1/accounts/${accountId}/endpoints`, {
      body: { url: 'http://127.0.0.1:9/x' },
      token: apiKey,
    });
    const refused = await ts.api.call('DELETE', `${hooks()}/${made.body.id}`, { token: apiKey });
    assert.equal(refused.status, 404);
    const blocked = await ts.api.call('POST', hooks(), {
      body: { target_url: 'http://10.0.0.1/hook', event: 'order.paid' },
      token: apiKey,
    });
    assert.equal(blocked.status, 422);
    assert.equal(blocked.body.code, 'endpoint_url_blocked');
    assert.equal(blocked.body.field, 'target_url');
  });

  test('the sample is a list with one webhook body of the type', async () => {
    const sample = await ts.api.call('GET', `/v1/accounts/${accountId}/event-types/order.paid/sample`, {
      token: apiKey,
    });
    assert.equal(sample.status, 200);
    assert.equal(sample.body.length, 1);
    assert.equal(sample.body[0].type, 'order.paid');
    assert.deepEqual(sample.body[0].data, orderPaid);
    const missing = await ts.api.call('GET', `/v1/accounts/${accountId}/event-types/nope.nothing/sample`, {
      token: apiKey,
    });
    assert.equal(missing.status, 404);
  });
});

describe('the event catalogue', () => {
  let ts: TestServer;
  let accountId: string;
  let apiKey: string;

  before(async () => {
    ts = await startTestServer();
    ({ id: accountId, apiKey } = await ts.createAccount('Catalogue shop'));
  });
  after(() => ts.close());

  test('lists every built-in type with its schema and example, for any caller with a token', async () => {
    const list = await ts.api.call('GET', '/v1/event-types', { token: apiKey });
    assert.equal(list.status, 200);
    const names = list.body.data.map((t: { name: string }) => t.name);
    for (const name of ['order.paid', 'order.tracking_number_set', 'cart.abandoned', 'access.revoked']) {
      assert.ok(names.includes(name), name);
    }
    const one = await ts.api.call('GET', '/v1/event-types/subscription.payment_failed', { token: apiKey });
    assert.equal(one.status, 200);
    assert.equal(one.body.origin, 'builtin');
    assert.equal(typeof one.body.schema, 'object');
    assert.equal(typeof one.body.example, 'object');
    const missing = await ts.api.call('GET', '/v1/event-types/order.teleported', { token: apiKey });
    assert.equal(missing.status, 404);
    const anonymous = await ts.api.call('GET', '/v1/event-types', { token: null });
    assert.equal(anonymous.status, 401);
  });

  test('data that breaks the schema answers 422 event_data_invalid with the failing path', async () => {
    const events = `/v1/accounts/${accountId}/events`;
    const floatTotal = { order: { ...orderPaid.order, total: 176 } };
    const single = await ts.api.call('POST', events, { body: { type: 'order.paid', data: floatTotal } });
    assert.equal(single.status, 422);
    assert.equal(single.body.code, 'event_data_invalid');
    assert.equal(single.body.field, 'data.order.total');

    const noLines = { order: { ...orderPaid.order, lines: undefined } };
    const batch = await ts.api.call('POST', `${events}/batch`, {
      body: {
        events: [
          { type: 'order.paid', data: orderPaid },
          { type: 'order.paid', data: noLines },
        ],
      },
    });
    assert.equal(batch.status, 422);
    assert.equal(batch.body.field, 'events[1].data.order.lines');
    const stored = await ts.api.call('GET', events);
    assert.equal(stored.body.data.length, 0, 'a refused batch stores nothing');

    const badLine = structuredClone(orderPaid) as { order: { lines: { productId?: string }[] } };
    delete badLine.order.lines[1]?.productId;
    const line = await ts.api.call('POST', events, { body: { type: 'order.paid', data: badLine } });
    assert.equal(line.body.field, 'data.order.lines[1].productId');

    const unknown = await ts.api.call('POST', events, { body: { type: 'shop.custom', data: { any: 1 } } });
    assert.equal(unknown.status, 202, 'types outside the catalogue are not checked');
  });

  test('every built-in example publishes as it is (but Hookline’s own, which only Hookline publishes)', async () => {
    const published = BUILTIN_EVENT_TYPES.filter((t) => !t.name.startsWith('hookline.'));
    const answer = await ts.api.call('POST', `/v1/accounts/${accountId}/events/batch`, {
      body: { events: published.map((t) => ({ type: t.name, data: t.example })) },
    });
    assert.equal(answer.status, 202, JSON.stringify(answer.body));
  });

  test('the operator registers a type; its schema then checks publishing', async () => {
    const type = {
      name: 'course.completed',
      description: 'A customer finished every lesson of a course.',
      schema: {
        type: 'object',
        required: ['course'],
        properties: {
          course: {
            type: 'object',
            required: ['id', 'customerId'],
            properties: { id: { type: 'string' }, customerId: { type: 'string' } },
          },
        },
      },
      example: { course: { id: 'crs_1', customerId: 'cus_1' } },
    };
    const byKey = await ts.api.call('POST', '/v1/event-types', { body: type, token: apiKey });
    assert.equal(byKey.status, 403);
    const created = await ts.api.call('POST', '/v1/event-types', { body: type });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.origin, 'registered');
    const twice = await ts.api.call('POST', '/v1/event-types', { body: type });
    assert.equal(twice.status, 409);
    assert.equal(twice.body.code, 'event_type_exists');
    const builtin = await ts.api.call('POST', '/v1/event-types', { body: { ...type, name: 'order.paid' } });
    assert.equal(builtin.body.code, 'event_type_exists');

    const listed = await ts.api.call('GET', '/v1/event-types/course.completed', { token: apiKey });
    assert.deepEqual(listed.body.example, type.example);
    const bad = await ts.api.call('POST', `/v1/accounts/${accountId}/events`, {
      body: { type: 'course.completed', data: { course: { id: 'crs_1' } } },
    });
    assert.equal(bad.status, 422);
    assert.equal(bad.body.field, 'data.course.customerId');

    const wrongExample = await ts.api.call('POST', '/v1/event-types', {
      body: { ...type, name: 'course.started', example: { course: {} } },
    });
    assert.equal(wrongExample.status, 422);
    assert.equal(wrongExample.body.field, 'example.course.id');
    // A schema with an `$id`, refused once for its example, registers when sent again fixed.
    const withId = {
      ...type,
      name: 'course.resumed',
      schema: { ...type.schema, $id: 'https://shop.example/course' },
    };
    const firstTry = await ts.api.call('POST', '/v1/event-types', {
      body: { ...withId, example: { course: {} } },
    });
    assert.equal(firstTry.status, 422);
    const secondTry = await ts.api.call('POST', '/v1/event-types', { body: withId });
    assert.equal(secondTry.status, 201, JSON.stringify(secondTry.body));

    const notASchema = await ts.api.call('POST', '/v1/event-types', {
      body: { ...type, name: 'course.paused', schema: { type: 'nonsense' } },
    });
    assert.equal(notASchema.status, 422);
    assert.equal(notASchema.body.field, 'schema');
  });
});
