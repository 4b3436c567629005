// An endpoint's `eventTypes` name only what the catalogue knows, and the seed platforms' own names
// are aliases of its types: refused names, stored aliases, and a delivery to a real receiver of an
// endpoint subscribed by InPlayer's label. Through the real API on a real server.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { BUILTIN_EVENT_TYPES } from '../src/domain/event-catalog/builtin-event-types.ts';
import { type Receiver, startReceiver } from './support/receiver.ts';
import { type ApiResponse, startTestServer, type TestServer, waitFor } from './support/test-server.ts';

const exampleOf = (name: string) => {
  const found = BUILTIN_EVENT_TYPES.find((type) => type.name === name);
  assert.ok(found, name);
  return found.example;
};

function assertProblem(res: ApiResponse, status: number, code: string, field: string): void {
  const body = JSON.stringify(res.body);
  assert.equal(res.status, status, body);
  assert.match(String(res.headers['content-type']), /^application\/problem\+json/, body);
  assert.equal(res.body.code, code, body);
  assert.equal(res.body.field, field, body);
}

let ts: TestServer;
let accountId: string;
let apiKey: string;
const receivers: Receiver[] = [];

before(async () => {
  ts = await startTestServer();
  ({ id: accountId, apiKey } = await ts.createAccount('Streaming shop'));
});

after(async () => {
  for (const receiver of receivers) await receiver.close();
  await ts.close();
});

const endpoints = () => `/v1/accounts/${accountId}/endpoints`;
const create = (body: Record<string, unknown>) =>
  ts.api.call('POST', endpoints(), { body: { url: 'http://127.0.0.1:9/hook', ...body }, token: apiKey });
const patch = (id: string, body: Record<string, unknown>) =>
  ts.api.call('PATCH', `${endpoints()}/${id}`, { body, token: apiKey });
const publish = (type: string, data: unknown) =>
  ts.api.call('POST', `/v1/accounts/${accountId}/events`, { body: { type, data } });
const endpointCount = async () =>
  (await ts.api.call('GET', `${endpoints()}?limit=250`, { token: apiKey })).body.data.length as number;

describe('unknown names', () => {
  test('a name outside the catalogue is refused with 422 unknown_event_type, naming the entry and the closest names', async () => {
    const before = await endpointCount();
    const refused = await create({ eventTypes: ['order.paid', 'subscription.*', 'order.payd'] });
    assertProblem(refused, 422, 'unknown_event_type', 'eventTypes[2]');
    assert.deepEqual(refused.body.suggestions, ['order.paid']);
    assert.equal(
      refused.body.detail,
      'order.payd is not an event type of the catalogue; did you mean order.paid?',
    );
    // InPlayer's label, misspelt: the label itself is suggested.
    const label = await create({ eventTypes: ['payment.card.succes'] });
    assertProblem(label, 422, 'unknown_event_type', 'eventTypes[0]');
    assert.deepEqual(label.body.suggestions, ['payment.card.success']);
    // Nothing close: no suggestion, a pointer to the catalogue.
    const far = await create({ eventTypes: ['zzz'] });
    assertProblem(far, 422, 'unknown_event_type', 'eventTypes[0]');
    assert.deepEqual(far.body.suggestions, []);
    assert.match(far.body.detail, /GET \/v1\/event-types/);
    assert.equal(await endpointCount(), before, 'nothing was stored');
  });

  test('a wildcard that covers no type is refused; one that covers a type, and `*`, are kept', async () => {
    const orders = await create({ eventTypes: ['orders.*'] });
    assertProblem(orders, 422, 'unknown_event_type', 'eventTypes[0]');
    assert.deepEqual(orders.body.suggestions, ['order.*']);
    assert.match(
      orders.body.detail,
      /^orders\.\* covers no event type of the catalogue; did you mean order\.\*\?$/,
    );
    // InPlayer's family of labels is no family of types: its events arrive as subscription.*.
    const subscribe = await create({ eventTypes: ['subscribe.*'] });
    assertProblem(subscribe, 422, 'unknown_event_type', 'eventTypes[0]');
    assert.deepEqual(subscribe.body.suggestions, ['subscription.*']);
    const kept = await create({ eventTypes: ['order.*', 'external_payment.*', '*'] });
    assert.equal(kept.status, 201, JSON.stringify(kept.body));
    assert.deepEqual(kept.body.eventTypes, ['order.*', 'external_payment.*', '*']);
  });

  test('a PATCH with an unknown name is refused and changes nothing', async () => {
    const created = await create({ eventTypes: ['order.paid'], description: 'before' });
    assert.equal(created.status, 201);
    const refused = await patch(created.body.id, {
      description: 'after',
      eventTypes: ['order.refunded', 'ordr.paid'],
    });
    assertProblem(refused, 422, 'unknown_event_type', 'eventTypes[1]');
    assert.deepEqual(refused.body.suggestions, ['order.paid']);
    const now = await ts.api.call('GET', `${endpoints()}/${created.body.id}`, { token: apiKey });
    assert.deepEqual(now.body.eventTypes, ['order.paid']);
    assert.equal(now.body.description, 'before');
    // A PATCH that leaves eventTypes out does not look at them.
    assert.equal((await patch(created.body.id, { description: 'renamed' })).status, 200);
  });

  test('a type the operator registers may be subscribed to at once, by name and by its family', async () => {
    assertProblem(
      await create({ eventTypes: ['loyalty.points_earned'] }),
      422,
      'unknown_event_type',
      'eventTypes[0]',
    );
    assertProblem(await create({ eventTypes: ['loyalty.*'] }), 422, 'unknown_event_type', 'eventTypes[0]');
    const registered = await ts.api.call('POST', '/v1/event-types', {
      body: {
        name: 'loyalty.points_earned',
        description: 'A customer earned loyalty points.',
        schema: { type: 'object', required: ['points'], properties: { points: { type: 'integer' } } },
        example: { points: 10 },
      },
    });
    assert.equal(registered.status, 201, JSON.stringify(registered.body));
    assert.deepEqual(registered.body.aliases, []);
    for (const eventTypes of [['loyalty.points_earned'], ['loyalty.*']]) {
      const made = await create({ eventTypes });
      assert.equal(made.status, 201, JSON.stringify(made.body));
      assert.deepEqual(made.body.eventTypes, eventTypes);
    }
  });
});

describe('aliases', () => {
  test('the catalogue shows each type with its aliases; an alias is no type of its own', async () => {
    const list = await ts.api.call('GET', '/v1/event-types', { token: apiKey });
    assert.equal(list.status, 200);
    const byName = new Map<string, { aliases: string[] }>(
      list.body.data.map((type: { name: string; aliases: string[] }) => [type.name, type]),
    );
    assert.deepEqual(byName.get('payment.succeeded')?.aliases, ['payment.card.success']);
    assert.deepEqual(byName.get('subscription.ended')?.aliases, ['subscribe.expired']);
    assert.deepEqual(byName.get('order.paid')?.aliases, ['plugandpaid.one_time_sale']);
    assert.deepEqual(byName.get('hookline.test')?.aliases, []);
    const one = await ts.api.call('GET', '/v1/event-types/payment.updated', { token: apiKey });
    assert.deepEqual(one.body.aliases, ['paygate.payment_updated']);
    const alias = await ts.api.call('GET', '/v1/event-types/payment.card.success', { token: apiKey });
    assertProblem(alias, 404, 'not_found', 'name');
    assert.equal(alias.body.detail, 'payment.card.success is an alias of payment.succeeded');
  });

  test('an alias is stored, and answered, as the types it stands for, each once', async () => {
    const created = await create({
      eventTypes: [
        'payment.card.success',
        'subscribe.expired',
        'payment.succeeded',
        'paygate.agreement_created',
      ],
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.deepEqual(created.body.eventTypes, [
      'payment.succeeded',
      'subscription.ended',
      'subscription.created',
    ]);
    const read = await ts.api.call('GET', `${endpoints()}/${created.body.id}`, { token: apiKey });
    assert.deepEqual(read.body.eventTypes, created.body.eventTypes);
    // Plug&Paid's "Watch Recurring Failed" stands for two types.
    const changed = await patch(created.body.id, {
      eventTypes: ['plugandpaid.recurring_failed', 'customer.updated'],
    });
    assert.equal(changed.status, 200, JSON.stringify(changed.body));
    assert.deepEqual(changed.body.eventTypes, [
      'subscription.payment_failed',
      'subscription.failed',
      'customer.updated',
    ]);
  });

  test("an endpoint subscribed by InPlayer's label receives the type it stands for, and only that", async () => {
    const target = await startReceiver('/inplayer');
    receivers.push(target);
    const created = await ts.api.call('POST', endpoints(), {
      body: { url: target.url, eventTypes: ['payment.card.success'] },
      token: apiKey,
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const endpointId = created.body.id as string;
    const secret = created.body.secret as string;

    const failed = await publish('payment.failed', exampleOf('payment.failed'));
    assert.equal(failed.status, 202, JSON.stringify(failed.body));
    const succeeded = await publish('payment.succeeded', exampleOf('payment.succeeded'));
    assert.equal(succeeded.status, 202, JSON.stringify(succeeded.body));
    const owed = await ts.api.call('GET', `/v1/accounts/${accountId}/deliveries?endpointId=${endpointId}`, {
      token: apiKey,
    });
    assert.deepEqual(
      owed.body.data.map((d: { eventId: string }) => d.eventId),
      [succeeded.body.id],
      'a delivery for payment.succeeded, none for payment.failed',
    );

    await waitFor(() => target.requests.length === 1, { what: 'the delivery of payment.succeeded' });
    const got = target.requests[0]!;
    const headers = Object.fromEntries(Object.entries(got.headers).map(([k, v]) => [k, String(v)]));
    const body = new Webhook(secret).verify(got.body, headers) as { id: string; type: string; data: unknown };
    assert.equal(body.id, succeeded.body.id);
    assert.equal(body.type, 'payment.succeeded');
    assert.deepEqual(body.data, exampleOf('payment.succeeded'));
  });

  test('an event cannot be published under an alias, nor a type registered under one', async () => {
    const single = await publish('payment.card.success', exampleOf('payment.succeeded'));
    assertProblem(single, 422, 'invalid_field', 'type');
    assert.match(single.body.detail, /publish the event as payment\.succeeded$/);
    const batch = await ts.api.call('POST', `/v1/accounts/${accountId}/events/batch`, {
      body: {
        events: [
          { type: 'payment.succeeded', data: exampleOf('payment.succeeded') },
          { type: 'plugandpaid.recurring_failed', data: {} },
        ],
      },
    });
    assertProblem(batch, 422, 'invalid_field', 'events[1].type');
    assert.match(batch.body.detail, /subscription\.payment_failed or subscription\.failed$/);

    const registered = await ts.api.call('POST', '/v1/event-types', {
      body: { name: 'subscribe.expired', description: 'Expired.', schema: {}, example: {} },
    });
    assertProblem(registered, 409, 'event_type_exists', 'name');
    assert.equal(
      registered.body.detail,
      'subscribe.expired is an alias of subscription.ended in the catalogue',
    );
  });
});

describe('REST hooks', () => {
  const hooks = () => `/v1/accounts/${accountId}/hooks`;

  test('an unknown event is refused naming `event`; an alias subscribes to its types', async () => {
    const refused = await ts.api.call('POST', hooks(), {
      body: { target_url: 'http://127.0.0.1:9/zap', event: 'order.payd' },
      token: apiKey,
    });
    assertProblem(refused, 422, 'unknown_event_type', 'event');
    assert.deepEqual(refused.body.suggestions, ['order.paid']);

    const subscribed = await ts.api.call('POST', hooks(), {
      body: { target_url: 'http://127.0.0.1:9/zap', event: 'customer.registered' },
      token: apiKey,
    });
    assert.equal(subscribed.status, 201, JSON.stringify(subscribed.body));
    assert.equal(subscribed.body.event, 'customer.registered', 'the hook answers the event it was given');
    const endpoint = await ts.api.call('GET', `${endpoints()}/${subscribed.body.id}`, { token: apiKey });
    assert.deepEqual(endpoint.body.eventTypes, ['customer.created']);
  });

  test("an alias's sample is one webhook body of each type it stands for", async () => {
    const sample = (name: string) =>
      ts.api.call('GET', `/v1/accounts/${accountId}/event-types/${name}/sample`, { token: apiKey });
    const one = await sample('payment.card.success');
    assert.equal(one.status, 200, JSON.stringify(one.body));
    assert.deepEqual(
      one.body.map((b: { type: string; data: unknown }) => [b.type, b.data]),
      [['payment.succeeded', exampleOf('payment.succeeded')]],
    );
    const two = await sample('plugandpaid.recurring_failed');
    assert.deepEqual(
      two.body.map((b: { id: string; type: string }) => [b.id, b.type]),
      [
        ['evt_sample', 'subscription.payment_failed'],
        ['evt_sample_2', 'subscription.failed'],
      ],
    );
  });
});
