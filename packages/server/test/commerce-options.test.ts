// The commerce options of an endpoint, each proven on the real engine: real SQLite, real HTTP, real
// receivers on 127.0.0.1. Orders come from the catalogue's own `order.paid` example, so every event also
// passes its type's schema.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { verify } from '@hookline/receiver';
import qs from 'qs';
import { BUILTIN_EVENT_TYPES } from '../src/domain/event-catalog/builtin-event-types.ts';
import { type ReceivedRequest, type Receiver, startReceiver } from './support/receiver.ts';
import { startTestServer, type TestServer, waitFor } from './support/test-server.ts';

const PRODUCT_COURSE = 'prod_course';
const PRODUCT_BUMP = 'prod_workbook';
const PRODUCT_COACHING = 'prod_coaching';

interface Line {
  id: string;
  productId: string;
  kind: 'main' | 'bump' | 'upsell';
  name: string;
  quantity: number;
  unitPrice: string;
  total: string;
}

const example = BUILTIN_EVENT_TYPES.find((t) => t.name === 'order.paid')?.example as {
  order: Record<string, unknown>;
};

let orderNumber = 0;

/** An `order.paid` from the catalogue example with the given lines, checkout, plug, upsell and payment. */
function order(
  options: {
    lines?: Line[];
    checkoutId?: string;
    plugId?: string;
    upsellId?: string | null;
    payment?: { kind: 'one_time' | 'direct_debit' | 'instalment'; method: string; sequence: number };
  } = {},
) {
  orderNumber++;
  const lines = options.lines ?? [line('main', PRODUCT_COURSE, '149.00')];
  const cents = lines.reduce((sum, l) => sum + Math.round(Number(l.total) * 100), 0);
  return {
    order: {
      ...example.order,
      id: `ord_${orderNumber}`,
      checkoutId: options.checkoutId ?? 'chk_main',
      plugId: options.plugId ?? 'plug_main',
      upsellId: options.upsellId ?? null,
      parentOrderId: options.upsellId ? 'ord_parent' : null,
      total: (cents / 100).toFixed(2),
      payment: options.payment ?? { kind: 'one_time', method: 'ideal', sequence: 1 },
      lines,
    },
  };
}

let lineNumber = 0;
function line(kind: Line['kind'], productId: string, total: string): Line {
  lineNumber++;
  return {
    id: `line_${lineNumber}`,
    productId,
    kind,
    name: `${kind} ${productId}`,
    quantity: 1,
    unitPrice: total,
    total,
  };
}

describe('endpoint options on the real engine', () => {
  let ts: TestServer;
  let accountId: string;
  let apiKey: string;
  const receivers: Receiver[] = [];

  before(async () => {
    ts = await startTestServer();
  });
  // Each test has an account of its own, so only its own endpoints take its events.
  beforeEach(async () => {
    ({ id: accountId, apiKey } = await ts.createAccount('Options shop'));
  });
  after(async () => {
    await Promise.all(receivers.map((r) => r.close()));
    await ts.close();
  });

  async function receiver(): Promise<Receiver> {
    const r = await startReceiver();
    receivers.push(r);
    return r;
  }

  /** Creates an endpoint; returns it with its secret. */
  async function endpoint(body: Record<string, unknown>) {
    const created = await ts.api.call('POST', `/v1/accounts/${accountId}/endpoints`, { body });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    return created.body as { id: string; secret: string };
  }

  async function publish(type: string, data: unknown) {
    const published = await ts.api.call('POST', `/v1/accounts/${accountId}/events`, { body: { type, data } });
    assert.equal(published.status, 202, JSON.stringify(published.body));
    return published.body as { id: string; deliveries: string[] };
  }

  /** Waits until every delivery of the events is final, so a receiver's count is complete. */
  async function settled(deliveryIds: readonly string[]) {
    await waitFor(
      async () => {
        for (const id of deliveryIds) {
          const d = await ts.api.call('GET', `/v1/accounts/${accountId}/deliveries/${id}`);
          if (d.body.status !== 'succeeded') return false;
        }
        return true;
      },
      { what: 'every delivery to succeed' },
    );
  }

  const bodyOf = (request: ReceivedRequest) => JSON.parse(request.body);

  function assertSigned(request: ReceivedRequest, secret: string) {
    const payload = verify(secret, request.headers as Record<string, string>, request.body);
    assert.ok(payload !== undefined);
  }

  test('scope: product, checkout, upsell and plug rules get only their orders; the general webhook gets all', async () => {
    const general = await receiver();
    const byProduct = await receiver();
    const byCheckout = await receiver();
    const byUpsell = await receiver();
    const byPlug = await receiver();
    await endpoint({ url: general.url, eventTypes: ['order.paid'] });
    await endpoint({ url: byProduct.url, eventTypes: ['order.paid'], productIds: [PRODUCT_COACHING] });
    await endpoint({ url: byCheckout.url, eventTypes: ['order.paid'], checkoutIds: ['chk_black_friday'] });
    await endpoint({ url: byUpsell.url, eventTypes: ['order.paid'], upsellIds: ['ups_coaching'] });
    await endpoint({ url: byPlug.url, eventTypes: ['order.paid'], plugIds: ['plug_mobile'] });

    const plain = await publish('order.paid', order());
    const coachingBump = await publish(
      'order.paid',
      order({ lines: [line('main', PRODUCT_COURSE, '149.00'), line('bump', PRODUCT_COACHING, '49.00')] }),
    );
    const blackFriday = await publish('order.paid', order({ checkoutId: 'chk_black_friday' }));
    // A paid one-click upsell: reaches its upsell rule, and the general webhook too.
    const upsell = await publish(
      'order.paid',
      order({ upsellId: 'ups_coaching', lines: [line('upsell', PRODUCT_COACHING, '99.00')] }),
    );
    const mobile = await publish('order.paid', order({ plugId: 'plug_mobile' }));
    await settled([plain, coachingBump, blackFriday, upsell, mobile].flatMap((e) => e.deliveries));

    const orderIds = (r: Receiver) => r.requests.map((req) => bodyOf(req).data.order.id).sort();
    const idOf = async (e: { id: string }) =>
      (await ts.api.call('GET', `/v1/accounts/${accountId}/events/${e.id}`)).body.data.order.id;
    const [p, c, b, u, m] = await Promise.all([plain, coachingBump, blackFriday, upsell, mobile].map(idOf));
    assert.deepEqual(orderIds(general), [p, c, b, u, m].sort());
    assert.deepEqual(orderIds(byProduct), [c, u].sort(), 'orders with a coaching line, upsell included');
    assert.deepEqual(orderIds(byCheckout), [b]);
    assert.deepEqual(orderIds(byUpsell), [u]);
    assert.deepEqual(orderIds(byPlug), [m]);
  });

  test('perOrderLine: an order with 3 lines becomes 3 signed deliveries, each with one line and its own id', async () => {
    const target = await receiver();
    const created = await endpoint({ url: target.url, eventTypes: ['order.paid'], perOrderLine: true });
    const lines = [
      line('main', PRODUCT_COURSE, '149.00'),
      line('bump', PRODUCT_BUMP, '27.00'),
      line('bump', PRODUCT_COACHING, '49.00'),
    ];
    const event = await publish('order.paid', order({ lines }));
    assert.equal(event.deliveries.length, 3);
    await settled(event.deliveries);

    assert.equal(target.requests.length, 3);
    const bodies = target.requests.map(bodyOf);
    assert.deepEqual(bodies.map((b) => b.data.order.line.id).sort(), lines.map((l) => l.id).sort());
    for (const [i, body] of bodies.entries()) {
      assert.equal(body.data.order.lines, undefined, 'only the one line travels');
      assert.equal(body.data.order.total, '225.00', 'the order is whole otherwise');
      assert.equal(body.id, `${event.id}#${body.data.order.line.id}`);
      assert.equal(target.requests[i]?.headers['webhook-id'], body.id);
      assertSigned(target.requests[i] as ReceivedRequest, created.secret);
    }
    const log = await ts.api.call('GET', `/v1/accounts/${accountId}/deliveries?eventId=${event.id}`);
    assert.deepEqual(
      log.body.data.map((d: { lineId: string }) => d.lineId).sort(),
      lines.map((l) => l.id).sort(),
    );
  });

  test('perOrderLine scoped to one product gets only that product’s lines', async () => {
    const target = await receiver();
    await endpoint({
      url: target.url,
      eventTypes: ['order.paid'],
      perOrderLine: true,
      productIds: [PRODUCT_BUMP],
    });
    const bumpLine = line('bump', PRODUCT_BUMP, '27.00');
    const withBump = await publish(
      'order.paid',
      order({
        lines: [line('main', PRODUCT_COURSE, '149.00'), bumpLine, line('bump', PRODUCT_COACHING, '49.00')],
      }),
    );
    const withoutBump = await publish('order.paid', order());
    assert.equal(withBump.deliveries.length, 1);
    assert.equal(withoutBump.deliveries.length, 0);
    await settled(withBump.deliveries);
    assert.equal(target.requests.length, 1);
    assert.deepEqual(bodyOf(target.requests[0] as ReceivedRequest).data.order.line, bumpLine);
  });

  test('perOrderLine with lines sharing an id: each line is delivered once, to the right endpoint', async () => {
    const everyLine = await receiver();
    const bumpOnly = await receiver();
    await endpoint({ url: everyLine.url, eventTypes: ['order.paid'], perOrderLine: true });
    await endpoint({
      url: bumpOnly.url,
      eventTypes: ['order.paid'],
      perOrderLine: true,
      productIds: [PRODUCT_BUMP],
    });
    const main = { ...line('main', PRODUCT_COURSE, '149.00'), id: 'line_same' };
    const bump = { ...line('bump', PRODUCT_BUMP, '27.00'), id: 'line_same' };
    const event = await publish('order.paid', order({ lines: [main, bump] }));
    await settled(event.deliveries);
    const products = (r: Receiver) => r.requests.map((req) => bodyOf(req).data.order.line.productId).sort();
    assert.deepEqual(products(everyLine), [PRODUCT_COURSE, PRODUCT_BUMP].sort());
    assert.deepEqual(products(bumpOnly), [PRODUCT_BUMP]);
    const ids = everyLine.requests.map((req) => req.headers['webhook-id']).sort();
    assert.deepEqual(ids, [`${event.id}##0`, `${event.id}##1`], 'line ids by position: #0, #1');
  });

  test('includeRecurring: direct debits and instalments reach only endpoints that ask for them', async () => {
    const firstOnly = await receiver();
    const everyPayment = await receiver();
    await endpoint({ url: firstOnly.url, eventTypes: ['order.paid'] });
    await endpoint({ url: everyPayment.url, eventTypes: ['order.paid'], includeRecurring: true });
    const first = await publish('order.paid', order());
    const debit = await publish(
      'order.paid',
      order({ payment: { kind: 'direct_debit', method: 'sepa_direct_debit', sequence: 2 } }),
    );
    const instalment = await publish(
      'order.paid',
      order({ payment: { kind: 'instalment', method: 'creditcard', sequence: 3 } }),
    );
    assert.equal(debit.deliveries.length, 1);
    assert.equal(instalment.deliveries.length, 1);
    await settled([first, debit, instalment].flatMap((e) => e.deliveries));
    const kinds = (r: Receiver) => r.requests.map((req) => bodyOf(req).data.order.payment.kind).sort();
    assert.deepEqual(kinds(firstOnly), ['one_time']);
    assert.deepEqual(kinds(everyPayment), ['direct_debit', 'instalment', 'one_time']);
  });

  test('fields: the delivered data holds only the chosen paths, through arrays', async () => {
    const target = await receiver();
    await endpoint({
      url: target.url,
      eventTypes: ['order.paid'],
      fields: ['order.id', 'order.customer.email', 'order.lines.productId'],
    });
    const event = await publish(
      'order.paid',
      order({ lines: [line('main', PRODUCT_COURSE, '149.00'), line('bump', PRODUCT_BUMP, '27.00')] }),
    );
    await settled(event.deliveries);
    const body = bodyOf(target.requests[0] as ReceivedRequest);
    assert.deepEqual(Object.keys(body).sort(), ['data', 'id', 'timestamp', 'type']);
    assert.deepEqual(body.data, {
      order: {
        id: body.data.order.id,
        customer: { email: 'sanne.devries@example.nl' },
        lines: [{ productId: PRODUCT_COURSE }, { productId: PRODUCT_BUMP }],
      },
    });
  });

  test('format form with fields: nested keys that qs reads back, signed over the exact bytes', async () => {
    const target = await receiver();
    const created = await endpoint({
      url: target.url,
      eventTypes: ['order.paid'],
      format: 'form',
      fields: ['order.id', 'order.total', 'order.lines.productId'],
    });
    const event = await publish('order.paid', order());
    await settled(event.deliveries);
    const request = target.requests[0] as ReceivedRequest;
    assert.equal(request.headers['content-type'], 'application/x-www-form-urlencoded');
    assert.match(request.body, /(^|&)data\[order\]\[lines\]\[0\]\[productId\]=prod_course(&|$)/);
    assertSigned(request, created.secret);
    const parsed = qs.parse(request.body);
    assert.equal(parsed['id'], event.id);
    assert.equal(parsed['type'], 'order.paid');
    assert.deepEqual(parsed['data'], {
      order: {
        id: (parsed['data'] as { order: { id: string } }).order.id,
        total: '149.00',
        lines: [{ productId: PRODUCT_COURSE }],
      },
    });
  });

  test('custom headers and userAgent arrive as set', async () => {
    const target = await receiver();
    await endpoint({
      url: target.url,
      eventTypes: ['order.paid'],
      headers: { 'X-Shop': 'amsterdam' },
      userAgent: 'PayGate - Webhooks',
    });
    const event = await publish('order.paid', order());
    await settled(event.deliveries);
    const request = target.requests[0] as ReceivedRequest;
    assert.equal(request.headers['user-agent'], 'PayGate - Webhooks');
    assert.equal(request.headers['x-shop'], 'amsterdam');
  });

  test('urls: a comma-separated string becomes URLs delivered and logged separately', async () => {
    const first = await receiver();
    const second = await receiver();
    const created = await endpoint({ urls: `${first.url}, ${second.url}`, eventTypes: ['order.paid'] });
    const shown = await ts.api.call('GET', `/v1/accounts/${accountId}/endpoints/${created.id}`);
    assert.deepEqual(shown.body.urls, [first.url, second.url]);
    const event = await publish('order.paid', order());
    assert.equal(event.deliveries.length, 2);
    await settled(event.deliveries);
    assert.equal(first.requests.length, 1);
    assert.equal(second.requests.length, 1);
    const log = await ts.api.call('GET', `/v1/accounts/${accountId}/deliveries?eventId=${event.id}`);
    assert.deepEqual(log.body.data.map((d: { url: string }) => d.url).sort(), [first.url, second.url].sort());

    const list = await endpoint({ urls: [first.url, second.url], eventTypes: ['order.refunded'] });
    assert.ok(list.id);
    const both = await ts.api.call('POST', `/v1/accounts/${accountId}/endpoints`, {
      body: { url: first.url, urls: [second.url] },
    });
    assert.equal(both.status, 422);
    assert.equal(both.body.field, 'urls');
  });

  test('an account key manages the options too; bad options name their field', async () => {
    const asAccount = (body: unknown) =>
      ts.api.call('POST', `/v1/accounts/${accountId}/endpoints`, { body, token: apiKey });
    const ok = await asAccount({ url: 'http://127.0.0.1:9/x', productIds: ['prod_1'], format: 'form' });
    assert.equal(ok.status, 201);
    assert.deepEqual(ok.body.productIds, ['prod_1']);
    assert.equal(ok.body.format, 'form');
    const cases: Array<[body: Record<string, unknown>, code: string, field: string]> = [
      [{ url: 'http://127.0.0.1:9/x', format: 'xml' }, 'invalid_field', 'format'],
      [{ url: 'http://127.0.0.1:9/x', fields: ['order..id'] }, 'invalid_field', 'fields[0]'],
      [{ url: 'http://127.0.0.1:9/x', fields: ['order.__proto__.x'] }, 'invalid_field', 'fields[0]'],
      [{ url: 'http://127.0.0.1:9/x', productIds: 'prod_1' }, 'invalid_field', 'productIds'],
      [{ url: 'http://127.0.0.1:9/x', perOrderLine: 'yes' }, 'invalid_field', 'perOrderLine'],
      [{ url: 'http://127.0.0.1:9/x', userAgent: 'Shop\u00e9' }, 'invalid_field', 'userAgent'],
      [{ eventTypes: ['order.paid'] }, 'missing_field', 'url'],
    ];
    for (const [body, code, field] of cases) {
      const refused = await asAccount(body);
      assert.equal(refused.status, 422, JSON.stringify(body));
      assert.equal(refused.body.code, code, JSON.stringify(refused.body));
      assert.equal(refused.body.field, field, JSON.stringify(refused.body));
    }
    const patched = await ts.api.call('PATCH', `/v1/accounts/${accountId}/endpoints/${ok.body.id}`, {
      body: { checkoutIds: ['chk_1'], perOrderLine: true },
      token: apiKey,
    });
    assert.equal(patched.status, 200);
    assert.deepEqual(patched.body.productIds, ['prod_1'], 'other scope lists are kept');
    assert.deepEqual(patched.body.checkoutIds, ['chk_1']);
    assert.equal(patched.body.perOrderLine, true);
  });
});
