/**
 * Failing endpoints and operational events end to end, on SQLite and on PostgreSQL: real receivers,
 * a server whose clock the test moves forward past the warning and disabling windows. An endpoint
 * whose attempts all fail is warned about, then disabled with its live deliveries kept for `recover`;
 * one that answers again after the warning recovers; 410, a manual disable and an exhausted schedule
 * are told too. Every operational event goes to the merchant's endpoint that asks for `hookline.*`,
 * with a copy to the operator's account, never to the endpoint it is about nor to one listening to `*`.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { onEachStore } from './support/postgres.ts';
import { type ReceivedRequest, type Receiver, startReceiver } from './support/receiver.ts';
import { noneSending, startTestServer, type TestServer, waitFor } from './support/test-server.ts';

const MINUTE = 60_000;
const ajv = addFormats.default(new Ajv.default({ allErrors: true }));

interface Delivered {
  readonly type: string;
  // biome-ignore lint/suspicious/noExplicitAny: the test reads the data's fields ad hoc
  readonly data: Record<string, any>;
}
const bodies = (receiver: Receiver): Delivered[] =>
  receiver.requests.map((r: ReceivedRequest) => JSON.parse(r.body));
const operational = (receiver: Receiver) => bodies(receiver).filter((b) => b.type.startsWith('hookline.'));

onEachStore('failing endpoints and operational events', (backend, storeEnv) => {
  let offsetMs = 0;
  let ts: TestServer;
  let shop: { id: string; apiKey: string };
  const receivers: Receiver[] = [];
  let ops: Receiver;
  let operatorOps: Receiver;
  let everything: Receiver;
  let operatorId: string;

  const receiver = async () => {
    const r = await startReceiver();
    receivers.push(r);
    return r;
  };
  const endpoint = async (accountId: string, url: string, eventTypes: string[]) => {
    const response = await ts.api.call('POST', `/v1/accounts/${accountId}/endpoints`, {
      body: { url, eventTypes },
    });
    assert.equal(response.status, 201, JSON.stringify(response.body));
    return response.body.id as string;
  };
  const get = (path: string) => ts.api.call('GET', `/v1/accounts/${shop.id}${path}`);
  const publish = async (type = 'order.paid') => {
    const data = (await ts.api.call('GET', `/v1/event-types/${type}`)).body.example;
    const response = await ts.api.call('POST', `/v1/accounts/${shop.id}/events`, { body: { type, data } });
    assert.equal(response.status, 202, JSON.stringify(response.body));
    return response.body as { id: string; deliveries: string[] };
  };
  /** Waits for an operational event of `type` about `endpointId` at `to`, checks it against its schema. */
  // biome-ignore lint/suspicious/noExplicitAny: the test reads the data's fields ad hoc
  const told = async (to: Receiver, type: string, about: (data: Record<string, any>) => boolean) => {
    const event = await waitFor(() => operational(to).find((b) => b.type === type && about(b.data)), {
      what: `${type} at the ops endpoint`,
    });
    const schema = (await ts.api.call('GET', `/v1/event-types/${type}`)).body.schema;
    const validate = ajv.compile(schema);
    assert.ok(validate(event.data), JSON.stringify(validate.errors));
    return event;
  };

  before(async () => {
    const env: Record<string, string> = {
      HOOKLINE_FAILING_WARNING_AFTER: '1m',
      HOOKLINE_DISABLE_AFTER: '5m',
      HOOKLINE_RETRY_SCHEDULE: '1s,1s,1s',
    };
    Object.assign(env, await storeEnv());
    // The operator's account must exist before the server names it: a first server creates it.
    const first = await startTestServer(env);
    const operator = await first.createAccount('Operations');
    operatorId = operator.id;
    if (backend === 'PostgreSQL') await first.close();
    else {
      await first.server.stop();
      env['HOOKLINE_DATA_DIR'] = first.dataDir;
    }
    ts = await startTestServer(
      { ...env, HOOKLINE_OPERATOR_ACCOUNT: operator.id },
      { now: () => Date.now() + offsetMs },
    );
    shop = await ts.createAccount('Shop');
    ops = await receiver();
    operatorOps = await receiver();
    everything = await receiver();
    await endpoint(shop.id, ops.url, ['hookline.*']);
    await endpoint(operator.id, operatorOps.url, ['hookline.endpoint.*', 'hookline.delivery.exhausted']);
    await endpoint(shop.id, everything.url, ['*']);
  });
  after(async () => {
    await ts.close();
    for (const r of receivers) await r.close();
  });

  test('a failing endpoint is warned about, then disabled; its deliveries are kept and recovered', async () => {
    const failing = await receiver();
    failing.answer({ status: 500 });
    // It asks for Hookline's events too, but never gets one about itself.
    const id = await endpoint(shop.id, failing.url, ['order.paid', 'hookline.*']);
    await publish();
    await waitFor(() => failing.requests.length >= 1, { what: 'the first attempt' });
    await waitFor(async () => (await get(`/endpoints/${id}`)).body.failingSince !== null, {
      what: 'failingSince',
    });

    // Past the warning window: the next attempt fails and the merchant is told, once.
    await noneSending(ts.api, [shop.id, operatorId]);
    offsetMs += 2 * MINUTE;
    const warning = await told(ops, 'hookline.endpoint.failing', (d) => d.endpoint.id === id);
    assert.equal(warning.data.accountId, shop.id);
    assert.deepEqual(warning.data.endpoint.urls, [failing.url]);
    await told(
      operatorOps,
      'hookline.endpoint.failing',
      (d) => d.endpoint.id === id && d.accountId === shop.id,
    );
    assert.ok((await get(`/endpoints/${id}`)).body.enabled);

    // Past the disabling window: disabled with the reason, its live delivery cancelled but kept.
    await noneSending(ts.api, [shop.id, operatorId]);
    offsetMs += 5 * MINUTE;
    const disabled = await told(ops, 'hookline.endpoint.disabled', (d) => d.endpoint.id === id);
    assert.equal(disabled.data.reason, 'failing');
    assert.equal(disabled.data.failingSince, warning.data.failingSince);
    const after = (await get(`/endpoints/${id}`)).body;
    assert.equal(after.enabled, false);
    assert.equal(after.disabledReason, 'failing');
    assert.equal(
      operational(ops).filter((b) => b.type === 'hookline.endpoint.failing' && b.data.endpoint.id === id)
        .length,
      1,
    );
    assert.deepEqual(operational(failing), [], 'never to the endpoint it is about');
    const ofEndpoint = (await get(`/deliveries?endpointId=${id}`)).body.data;
    assert.deepEqual(
      ofEndpoint.map((d: { status: string }) => d.status),
      ['cancelled'],
    );

    // Fixed and enabled again: the streak starts over, and recover sends what was kept.
    failing.answer({ status: 200 });
    const enabled = await ts.api.call('PATCH', `/v1/accounts/${shop.id}/endpoints/${id}`, {
      body: { enabled: true },
    });
    assert.equal(enabled.body.failingSince, null);
    const since = new Date(Date.now() + offsetMs - 10 * MINUTE).toISOString();
    const recovered = await ts.api.call('POST', `/v1/accounts/${shop.id}/endpoints/${id}/recover`, {
      body: { since },
    });
    assert.equal(recovered.status, 202, JSON.stringify(recovered.body));
    assert.equal(recovered.body.recovered, 1);
    await waitFor(
      async () => (await get(`/deliveries?endpointId=${id}`)).body.data[0].status === 'succeeded',
      {
        what: 'the recovered delivery',
      },
    );
    assert.ok(failing.requests.every((r) => JSON.parse(r.body).type === 'order.paid'));
  });

  test('an endpoint that answers again after the warning has recovered', async () => {
    const flaky = await receiver();
    flaky.answer({ status: 503 });
    const id = await endpoint(shop.id, flaky.url, ['order.refunded']);
    await publish('order.refunded');
    await waitFor(async () => (await get(`/endpoints/${id}`)).body.failingSince !== null, {
      what: 'failingSince',
    });
    await noneSending(ts.api, [shop.id, operatorId]);
    offsetMs += 2 * MINUTE;
    const warning = await told(ops, 'hookline.endpoint.failing', (d) => d.endpoint.id === id);
    flaky.answer({ status: 200 });
    const recovered = await told(ops, 'hookline.endpoint.recovered', (d) => d.endpoint.id === id);
    assert.ok(Date.parse(recovered.data.warnedAt) >= Date.parse(warning.data.failingSince));
    assert.equal((await get(`/endpoints/${id}`)).body.failingSince, null);
    await told(operatorOps, 'hookline.endpoint.recovered', (d) => d.endpoint.id === id);
  });

  test('a 410, a disable by hand and an exhausted schedule are told; `*` never gets them', async () => {
    const gone = await receiver();
    gone.answer({ status: 410 });
    const goneId = await endpoint(shop.id, gone.url, ['order.shipped']);
    const dead = await receiver();
    dead.answer({ status: 500 });
    const deadId = await endpoint(shop.id, dead.url, ['order.declined']);
    const manualId = await endpoint(shop.id, (await receiver()).url, ['invoice.paid']);
    const deadOps = await receiver();
    deadOps.answer({ status: 500 });
    const deadOpsId = await endpoint(shop.id, deadOps.url, ['hookline.delivery.exhausted']);

    await publish('order.shipped');
    const byGone = await told(ops, 'hookline.endpoint.disabled', (d) => d.endpoint.id === goneId);
    assert.equal(byGone.data.reason, 'gone');

    const patched = await ts.api.call('PATCH', `/v1/accounts/${shop.id}/endpoints/${manualId}`, {
      body: { enabled: false },
    });
    assert.equal(patched.status, 200);
    const byHand = await told(ops, 'hookline.endpoint.disabled', (d) => d.endpoint.id === manualId);
    assert.equal(byHand.data.reason, 'manual');

    const order = await publish('order.declined');
    const exhausted = await told(ops, 'hookline.delivery.exhausted', (d) => d.delivery.endpointId === deadId);
    assert.equal(exhausted.data.delivery.eventId, order.id);
    assert.equal(exhausted.data.delivery.attempts, 4);
    assert.equal(exhausted.data.delivery.lastStatusCode, 500);
    await told(operatorOps, 'hookline.delivery.exhausted', (d) => d.delivery.endpointId === deadId);

    // A delivery of an operational event that is exhausted in turn is not told: two failing
    // endpoints listening to each other's news would tell each other for ever.
    await waitFor(
      async () =>
        (await get(`/deliveries?endpointId=${deadOpsId}`)).body.data.some(
          (d: { status: string }) => d.status === 'failed',
        ),
      { what: 'the exhausted delivery of the exhausted event' },
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.deepEqual(
      operational(ops).filter(
        (b) => b.type === 'hookline.delivery.exhausted' && b.data.delivery.endpointId === deadOpsId,
      ),
      [],
    );

    assert.deepEqual(operational(everything), [], '`*` does not include Hookline’s own events');
  });

  test('platforms cannot publish Hookline’s own event types', async () => {
    for (const type of ['hookline.endpoint.failing', 'hookline.test']) {
      const refused = await ts.api.call('POST', `/v1/accounts/${shop.id}/events`, {
        body: { type, data: {} },
      });
      assert.equal(refused.status, 422, JSON.stringify(refused.body));
      assert.equal(refused.body.field, 'type');
    }
  });
});
