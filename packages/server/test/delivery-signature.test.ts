// What a receiver gets on the wire: method, headers, body, and a Standard Webhooks signature that both
// our receiver SDK and the reference `standardwebhooks` package accept, including during rotation.
import assert from 'node:assert/strict';
import type { IncomingHttpHeaders } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { verify } from '@hookline/receiver';
import { Webhook } from 'standardwebhooks';
import { type ReceivedRequest, type Receiver, startReceiver } from './support/receiver.ts';
import { startTestServer, type TestServer, waitFor } from './support/test-server.ts';

const ORDER = {
  order: {
    id: 'ord_1001',
    checkoutId: 'chk_7',
    currency: 'EUR',
    total: '149.00',
    customer: { id: 'cus_1', email: 'an@example.com', name: 'Ån Ödegård' },
    lines: [
      { id: 'line_1', productId: 'prod_1', kind: 'main', name: 'Course', quantity: 1, total: '149.00' },
    ],
  },
};

/** The headers as the reference library wants them: one string per name. */
function flatHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

/** The `data` of a delivery, after our SDK verified its signature with `secret`. */
function verifiedData(secret: string, request: ReceivedRequest): unknown {
  return (verify(secret, request.headers, request.body).payload as { data: unknown }).data;
}

async function createEndpoint(ts: TestServer, accountId: string, body: Record<string, unknown>) {
  const response = await ts.api.call('POST', `/v1/accounts/${accountId}/endpoints`, { body });
  assert.equal(response.status, 201, JSON.stringify(response.body));
  return response.body as { id: string; secret: string };
}

async function publish(ts: TestServer, accountId: string, type: string, data: unknown) {
  const response = await ts.api.call('POST', `/v1/accounts/${accountId}/events`, { body: { type, data } });
  assert.equal(response.status, 202, JSON.stringify(response.body));
  return response.body as { id: string; deliveries: string[] };
}

async function nextRequest(receiver: Receiver, count: number): Promise<ReceivedRequest> {
  return waitFor(() => receiver.requests[count - 1], { what: `request ${count} at ${receiver.url}` });
}

describe('delivery on the wire', () => {
  let ts: TestServer;
  let accountId: string;
  const receivers: Receiver[] = [];

  before(async () => {
    ts = await startTestServer();
    accountId = (await ts.createAccount()).id;
    await ts.registerEventTypes('shop.invoice.paid', 'shop.order.refunded');
  });

  after(async () => {
    for (const receiver of receivers) await receiver.close();
    await ts.close();
  });

  async function receiver(): Promise<Receiver> {
    const started = await startReceiver();
    receivers.push(started);
    return started;
  }

  test('a POST with the Standard Webhooks headers and body, verifiable by both libraries', async () => {
    const target = await receiver();
    const endpoint = await createEndpoint(ts, accountId, { url: target.url });
    const beforeSeconds = Math.floor(Date.now() / 1000);
    const published = await publish(ts, accountId, 'shop.order.paid', ORDER);
    const got = await nextRequest(target, 1);
    const afterSeconds = Math.ceil(Date.now() / 1000);

    assert.equal(got.method, 'POST');
    assert.equal(got.path, '/webhook');
    assert.equal(got.headers['content-type'], 'application/json');
    assert.match(got.headers['user-agent'] ?? '', /^Hookline\/\d+\.\d+\.\d+/);
    assert.equal(got.headers['webhook-id'], published.id);
    const timestamp = Number(got.headers['webhook-timestamp']);
    assert.ok(timestamp >= beforeSeconds && timestamp <= afterSeconds, `timestamp ${timestamp} is now`);
    assert.match(String(got.headers['webhook-signature']), /^v1,[A-Za-z0-9+/]{43}=$/);

    const body = JSON.parse(got.body);
    assert.deepEqual(Object.keys(body), ['id', 'type', 'timestamp', 'data']);
    assert.equal(body.id, published.id);
    assert.equal(body.type, 'shop.order.paid');
    assert.ok(Math.abs(Date.parse(body.timestamp) - Date.now()) < 60_000, body.timestamp);
    assert.deepEqual(body.data, ORDER);

    const ours = verify(endpoint.secret, got.headers, got.body);
    assert.equal(ours.id, published.id);
    assert.deepEqual(ours.payload, body);
    assert.deepEqual(new Webhook(endpoint.secret).verify(got.body, flatHeaders(got.headers)), body);
    // And a signature over anything else, or with another secret, does not verify.
    assert.throws(() => verify(endpoint.secret, got.headers, got.body.replace('149.00', '1.00')));
    const other = await createEndpoint(ts, accountId, { url: `${target.url}?other`, enabled: false });
    assert.throws(() => new Webhook(other.secret).verify(got.body, flatHeaders(got.headers)));
  });

  test('one event fans out to the endpoints whose event types match it', async () => {
    const family = await receiver();
    const subscriptions = await receiver();
    const everything = await receiver();
    const fresh = await startTestServer();
    try {
      await fresh.registerEventTypes('shop.order.paid', 'shop.subscription.created');
      const account = (await fresh.createAccount()).id;
      const familyEndpoint = await createEndpoint(fresh, account, {
        url: family.url,
        eventTypes: ['shop.order.*'],
      });
      await createEndpoint(fresh, account, {
        url: subscriptions.url,
        eventTypes: ['shop.subscription.created'],
      });
      const everythingEndpoint = await createEndpoint(fresh, account, {
        url: everything.url,
        eventTypes: ['*'],
      });

      const published = await publish(fresh, account, 'shop.order.paid', ORDER);
      assert.equal(published.deliveries.length, 2);
      const [toFamily, toEverything] = await Promise.all([
        nextRequest(family, 1),
        nextRequest(everything, 1),
      ]);
      for (const [got, endpoint] of [
        [toFamily, familyEndpoint],
        [toEverything, everythingEndpoint],
      ] as const) {
        assert.equal(got.headers['webhook-id'], published.id);
        assert.deepEqual(verifiedData(endpoint.secret, got), ORDER);
      }
      // Each endpoint signs with its own secret.
      assert.throws(() => verify(familyEndpoint.secret, toEverything.headers, toEverything.body));

      // An event the subscription endpoint does want arrives there, so its silence above was the filter.
      await publish(fresh, account, 'shop.subscription.created', { subscription: { id: 'sub_1' } });
      const subscription = await nextRequest(subscriptions, 1);
      assert.equal(JSON.parse(subscription.body).type, 'shop.subscription.created');
      assert.equal(subscriptions.requests.length, 1);
      assert.equal(family.requests.length, 1);
      await nextRequest(everything, 2);
    } finally {
      await fresh.close();
    }
  });

  test('custom endpoint headers arrive; a custom User-Agent replaces ours instead of doubling it', async () => {
    const target = await receiver();
    const rawHeaders: string[][] = [];
    target.answer({
      raw: (req, res) => {
        rawHeaders.push(req.rawHeaders);
        res.writeHead(204).end();
      },
    });
    await createEndpoint(ts, accountId, {
      url: target.url,
      eventTypes: ['shop.invoice.paid'],
      headers: {
        'X-Shop-Id': 'shop_42',
        Authorization: 'Bearer receiver-token',
        'User-Agent': 'PayGate/2.0',
      },
    });
    await publish(ts, accountId, 'shop.invoice.paid', { invoice: { id: 'inv_1' } });
    const got = await nextRequest(target, 1);
    assert.equal(got.headers['x-shop-id'], 'shop_42');
    assert.equal(got.headers['authorization'], 'Bearer receiver-token');
    const userAgents = (rawHeaders[0] ?? []).filter(
      (_, i, all) => i % 2 === 0 && /^user-agent$/i.test(all[i]!),
    );
    assert.equal(userAgents.length, 1, `one User-Agent header, got ${JSON.stringify(rawHeaders[0])}`);
    assert.equal(got.headers['user-agent'], 'PayGate/2.0');
  });

  test('after a rotation both secrets verify during the grace period', async () => {
    const target = await receiver();
    const endpoint = await createEndpoint(ts, accountId, {
      url: target.url,
      eventTypes: ['shop.order.refunded'],
    });
    const rotated = await ts.api.call(
      'POST',
      `/v1/accounts/${accountId}/endpoints/${endpoint.id}/secret/rotate`,
      { body: {} },
    );
    assert.equal(rotated.status, 200, JSON.stringify(rotated.body));
    const newSecret = rotated.body.secret as string;
    assert.notEqual(newSecret, endpoint.secret);

    await publish(ts, accountId, 'shop.order.refunded', ORDER);
    const got = await nextRequest(target, 1);
    const signatures = String(got.headers['webhook-signature']).split(' ');
    assert.equal(signatures.length, 2);
    assert.ok(signatures.every((signature) => signature.startsWith('v1,')));
    for (const secret of [newSecret, endpoint.secret]) {
      assert.deepEqual(verifiedData(secret, got), ORDER);
      assert.deepEqual(new Webhook(secret).verify(got.body, flatHeaders(got.headers)), JSON.parse(got.body));
    }
  });
});

describe('delivery with no secret grace period', () => {
  test('after a rotation only the new secret signs', async () => {
    const ts = await startTestServer({ HOOKLINE_SECRET_GRACE: '0s' });
    const target = await startReceiver();
    try {
      const accountId = (await ts.createAccount()).id;
      const endpoint = await createEndpoint(ts, accountId, { url: target.url });
      const rotated = await ts.api.call(
        'POST',
        `/v1/accounts/${accountId}/endpoints/${endpoint.id}/secret/rotate`,
        { body: {} },
      );
      assert.equal(rotated.status, 200, JSON.stringify(rotated.body));
      await publish(ts, accountId, 'shop.order.paid', ORDER);
      const got = await nextRequest(target, 1);
      assert.equal(String(got.headers['webhook-signature']).split(' ').length, 1);
      assert.deepEqual(verifiedData(rotated.body.secret, got), ORDER);
      assert.throws(() => verify(endpoint.secret, got.headers, got.body));
      assert.throws(() => new Webhook(endpoint.secret).verify(got.body, flatHeaders(got.headers)));
    } finally {
      await target.close();
      await ts.close();
    }
  });
});
