/**
 * `hookline demo` end to end: `runDemo` in this process (Hookline on port 0, its receiver on port 0,
 * a temporary data dir) with the shop publishing fast for a few seconds, then what each endpoint's
 * receiver path got. Every assertion is about what arrived, never about how long it took.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type DemoHandle, runDemo } from '../src/demo/demo.ts';
import { DEMO_ENDPOINTS, DEMO_SCOPES, PAYGATE_USER_AGENT } from '../src/demo/demo-endpoints.ts';
import type { ReceivedDelivery } from '../src/demo/demo-receiver.ts';
import { createLogger } from '../src/observability/logger.ts';

type Data = Record<string, unknown>;

let demo: DemoHandle | undefined;
const output: string[] = [];

function started(): DemoHandle {
  assert.ok(demo, 'the demo did not start');
  return demo;
}

function deliveriesOf(name: string): readonly ReceivedDelivery[] {
  return started().deliveries.get(name) ?? [];
}

function dataOf(delivery: ReceivedDelivery): Data {
  const envelope = delivery.envelope as Data;
  assert.equal(typeof envelope['data'], 'object', `${delivery.endpoint}: ${delivery.body.slice(0, 200)}`);
  return envelope['data'] as Data;
}

function orderOf(delivery: ReceivedDelivery): Data {
  const order = dataOf(delivery)['order'];
  assert.equal(typeof order, 'object', `${delivery.endpoint} ${delivery.eventType}: no data.order`);
  return order as Data;
}

before(async () => {
  demo = await runDemo({
    // No inherited PORT or HOOKLINE_* variable may change what the test runs.
    env: {},
    port: 0,
    ratePerSecond: 80,
    // A fixed count, not a time: with the seed, the same mix of events however fast the machine is.
    maxEvents: 240,
    seed: 20_250_314,
    keepPerEndpoint: Number.POSITIVE_INFINITY,
    write: (text) => output.push(text),
    logger: createLogger((process.env['TEST_LOG_LEVEL'] ?? 'silent') as 'silent'),
  });
  await demo.shopStopped;
  assert.ok(await demo.waitForDeliveries(30_000), 'not every delivery arrived at the receiver');
});

after(async () => {
  await demo?.stop();
});

describe('the demo shop', () => {
  test('publishes without a single refusal, and says where everything is', () => {
    const { refusals, accountId, apiKey, adminToken } = started();
    assert.deepEqual(refusals, []);
    assert.ok(started().totals().events > 0);
    const banner = output[0] ?? '';
    for (const text of [
      accountId,
      apiKey,
      adminToken,
      'maxActiveUrls',
      `/v1/accounts/${accountId}/deliveries`,
    ]) {
      assert.ok(banner.includes(text), `the banner lacks ${text}`);
    }
    for (const plan of DEMO_ENDPOINTS) assert.ok(banner.includes(plan.name), `the table lacks ${plan.name}`);
  });

  test('every endpoint received deliveries, every signature verified', () => {
    for (const plan of DEMO_ENDPOINTS) {
      const received = deliveriesOf(plan.name);
      assert.ok(received.length > 0, `${plan.name} received nothing`);
      for (const delivery of received) {
        assert.equal(delivery.signatureError, null, `${plan.name} ${delivery.messageId}`);
      }
    }
  });

  test('the PayGate endpoint gets form bodies with its User-Agent at both of its URLs', () => {
    const received = deliveriesOf('paygate');
    const paths = DEMO_ENDPOINTS.find((plan) => plan.name === 'paygate')!.paths;
    assert.equal(paths.length, 2);
    const messagesAt = paths.map(
      (path) => new Set(received.filter((d) => d.path === path).map((d) => d.messageId)),
    );
    assert.ok(messagesAt[0]!.size > 0);
    assert.deepEqual(messagesAt[0], messagesAt[1], 'each message goes to both URLs');
    for (const delivery of received) {
      assert.match(delivery.contentType, /^application\/x-www-form-urlencoded/);
      assert.equal(delivery.userAgent, PAYGATE_USER_AGENT);
      const form = delivery.envelope as Record<string, string>;
      assert.ok(
        ['subscription.created', 'subscription.updated', 'payment.created', 'payment.updated'].includes(
          delivery.eventType,
        ),
      );
      const family = delivery.eventType.split('.')[0]!;
      assert.match(form[`data[${family}][id]`] ?? '', /^(sub|pay)_/, 'nested data as bracketed keys');
    }
  });

  test('the per-line endpoint gets one order line per call, recurring payments included', () => {
    const received = deliveriesOf('plugpay-per-line');
    for (const delivery of received) {
      const order = orderOf(delivery);
      assert.equal(order['lines'], undefined);
      const line = order['line'] as Data;
      assert.equal(typeof line, 'object', 'data.order.line');
      // The separator between event and line is the server's business; the line id ends the message id.
      assert.ok(delivery.messageId.endsWith(String(line['id'])), `${delivery.messageId} names the line`);
      assert.equal((delivery.envelope as Data)['id'], delivery.messageId);
    }
    const kinds = new Set(received.map((d) => (orderOf(d)['line'] as Data)['kind']));
    assert.ok(kinds.has('main') && kinds.has('bump') && kinds.has('upsell'), [...kinds].join());
    const payments = new Set(received.map((d) => (orderOf(d)['payment'] as Data)['kind']));
    assert.ok(payments.has('direct_debit') && payments.has('instalment'), [...payments].join());
  });

  test('the product rule gets only orders of its product; the general webhook gets the others too', () => {
    const hasProduct = (delivery: ReceivedDelivery) =>
      (orderOf(delivery)['lines'] as Data[]).some((line) => line['productId'] === DEMO_SCOPES.productId);
    for (const delivery of deliveriesOf('plugpay-product')) assert.ok(hasProduct(delivery), delivery.body);
    assert.ok(deliveriesOf('plugpay-general').some((delivery) => !hasProduct(delivery)));
  });

  test('the other scopes and options hold', () => {
    for (const delivery of deliveriesOf('plugpay-checkout')) {
      assert.equal(orderOf(delivery)['checkoutId'], DEMO_SCOPES.checkoutId);
    }
    for (const delivery of deliveriesOf('plugpay-upsell')) {
      assert.equal(orderOf(delivery)['upsellId'], DEMO_SCOPES.upsellId);
    }
    const general = deliveriesOf('plugpay-general');
    for (const delivery of general) {
      assert.equal((orderOf(delivery)['payment'] as Data)['kind'], 'one_time', 'no includeRecurring');
    }
    assert.ok(
      general.some((delivery) => typeof orderOf(delivery)['upsellId'] === 'string'),
      'upsells reach it',
    );
    for (const delivery of deliveriesOf('plugpay-cancel')) {
      assert.ok(['subscription.cancelled', 'subscription.ended'].includes(delivery.eventType));
    }
    for (const delivery of deliveriesOf('connect-hook')) assert.match(delivery.eventType, /^product\./);
    for (const delivery of deliveriesOf('inplayer')) {
      assert.match(delivery.eventType, /^(payment|subscription|access|customer)\./);
    }
    // Plug&Paid's fields: only the chosen paths arrive (the plug id itself is not one of them).
    for (const delivery of deliveriesOf('plugpaid-plug')) {
      const data = dataOf(delivery);
      for (const key of Object.keys(data)) assert.ok(['order', 'shipment', 'cart'].includes(key), key);
      const order = data['order'] as Data | undefined;
      for (const key of Object.keys(order ?? {}))
        assert.ok(['id', 'total', 'customer', 'lines'].includes(key), key);
    }
  });
});
