/**
 * Endpoints: create, read, change, delete, list with cursors, several URLs, and the signing secret
 * (read, rotate with a grace period, bring your own).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { verify } from '@hookline/receiver';
import { type Receiver, startReceiver } from './support/receiver.ts';
import { startTestServer, type TestServer, waitFor } from './support/test-server.ts';

const SECRET_SHAPE = /^whsec_[A-Za-z0-9+/]{32,}={0,2}$/;
const DAY_MS = 24 * 60 * 60 * 1000;
/** A valid custom secret: whsec_ and 32 bytes in base64. */
const CUSTOM_SECRET = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;

let t: TestServer;
let receiver: Receiver;
let accountId: string;
let endpointsPath: string;

/** An endpoint as its creation answered it. */
interface CreatedEndpoint {
  readonly id: string;
  readonly secret: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly [field: string]: unknown;
}

async function createEndpoint(body: Record<string, unknown>): Promise<CreatedEndpoint> {
  const res = await t.api.call<CreatedEndpoint>('POST', endpointsPath, { body });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body;
}

before(async () => {
  receiver = await startReceiver();
  // A failed first attempt waits an hour for its retry, so a delivery can be caught pending.
  t = await startTestServer({ HOOKLINE_RETRY_SCHEDULE: '1h' });
  accountId = (await t.createAccount('Endpoint shop')).id;
  endpointsPath = `/v1/accounts/${accountId}/endpoints`;
  // Each test publishes a type of its own, so no endpoint receives another test's events.
  await t.registerEventTypes(
    'shop.order.split',
    'shop.order.paid',
    'shop.subscription.cancelled',
    'custom.secret',
    'rotation.check',
    'nothing.here',
    'header.check',
    'disable.check',
    'delete.check',
    'never.sent',
  );
});

after(async () => {
  await t.close();
  await receiver.close();
});

describe('create and read', () => {
  it('creates an endpoint with defaults and a whsec_ secret shown at creation only', async () => {
    // Its own account: an endpoint for every event type would receive the other tests' events.
    const own = await t.createAccount('Defaults');
    const path = `/v1/accounts/${own.id}/endpoints`;
    const res = await t.api.call('POST', path, { token: own.apiKey, body: { url: receiver.url } });
    assert.equal(res.status, 201);
    const created = res.body;
    assert.match(created['id'], /^ep_/);
    assert.match(created['secret'], SECRET_SHAPE);
    assert.equal(created['url'], receiver.url);
    assert.deepEqual(created['urls'], [receiver.url]);
    assert.deepEqual(created['eventTypes'], ['*']);
    assert.equal(created['enabled'], true);
    assert.equal(created['disabledReason'], null);
    assert.deepEqual(created['headers'], {});
    assert.equal(created['description'], '');

    const read = await t.api.call('GET', `${path}/${created['id']}`, { token: own.apiKey });
    assert.equal(read.status, 200);
    assert.equal(read.body.secret, undefined, 'the endpoint representation carries no secret');
    const { secret: _secret, ...withoutSecret } = created;
    assert.deepEqual(read.body, withoutSecret);

    const secret = await t.api.call('GET', `${path}/${created['id']}/secret`, { token: own.apiKey });
    assert.equal(secret.status, 200);
    assert.deepEqual(secret.body, { secret: created['secret'], previousSecretExpiresAt: null });
  });

  it('splits a comma-separated url into urls, and delivers to each', async () => {
    const first = receiver.url.replace('/webhook', '/split-a');
    const second = receiver.url.replace('/webhook', '/split-b');
    const created = await createEndpoint({ url: `${first} , ${second}`, eventTypes: ['shop.order.split'] });
    assert.deepEqual(created['urls'], [first, second]);
    assert.equal(created['url'], `${first},${second}`);

    const published = await t.api.call('POST', `/v1/accounts/${accountId}/events`, {
      body: { type: 'shop.order.split', data: {} },
    });
    assert.equal(published.body.deliveries.length, 2, 'one delivery per URL');
    await waitFor(() => receiver.requests.filter((r) => r.path.startsWith('/split-')).length === 2, {
      what: 'both URLs',
    });
    assert.deepEqual(
      receiver.requests
        .filter((r) => r.path.startsWith('/split-'))
        .map((r) => r.path)
        .sort(),
      ['/split-a', '/split-b'],
    );
  });

  it('accepts a custom secret and signs with it', async () => {
    const created = await createEndpoint({
      url: receiver.url,
      secret: CUSTOM_SECRET,
      eventTypes: ['custom.secret'],
    });
    assert.equal(created['secret'], CUSTOM_SECRET);
    const secret = await t.api.call('GET', `${endpointsPath}/${created['id']}/secret`);
    assert.equal(secret.body.secret, CUSTOM_SECRET);
    const published = await t.api.call('POST', `/v1/accounts/${accountId}/events`, {
      body: { type: 'custom.secret', data: { ok: true } },
    });
    const request = await waitFor(() =>
      receiver.requests.find((r) => r.headers['webhook-id'] === published.body.id),
    );
    assert.equal(verify(CUSTOM_SECRET, request.headers, request.body).id, published.body.id);
  });

  it('refuses an invalid custom secret', async () => {
    for (const secret of ['whsec_short', 'not-a-secret', `whsec_${'!'.repeat(44)}`, `sk_${'a'.repeat(44)}`]) {
      const res = await t.api.call('POST', endpointsPath, { body: { url: receiver.url, secret } });
      assert.equal(res.status, 422, secret);
      assert.equal(res.body.code, 'invalid_field');
      assert.equal(res.body.field, 'secret');
    }
  });
});

describe('the secret', () => {
  it('rotates to a new secret; the previous one keeps signing for 24 hours', async () => {
    const created = await createEndpoint({ url: receiver.url, eventTypes: ['rotation.check'] });
    const oldSecret = created['secret'] as string;
    const before = Date.now();
    const rotated = await t.api.call('POST', `${endpointsPath}/${created['id']}/secret/rotate`);
    assert.equal(rotated.status, 200, JSON.stringify(rotated.body));
    assert.match(rotated.body.secret, SECRET_SHAPE);
    assert.notEqual(rotated.body.secret, oldSecret);
    const expiresAt = Date.parse(rotated.body.previousSecretExpiresAt);
    assert.ok(expiresAt >= before + DAY_MS && expiresAt <= Date.now() + DAY_MS, 'now + 24 h');

    const read = await t.api.call('GET', `${endpointsPath}/${created['id']}/secret`);
    assert.deepEqual(read.body, rotated.body);

    // Both secrets sign during the grace period, so receivers can switch without a failed check.
    const published = await t.api.call('POST', `/v1/accounts/${accountId}/events`, {
      body: { type: 'rotation.check', data: {} },
    });
    const request = await waitFor(() =>
      receiver.requests.find((r) => r.headers['webhook-id'] === published.body.id),
    );
    assert.equal(String(request.headers['webhook-signature']).split(' ').length, 2);
    assert.equal(verify(oldSecret, request.headers, request.body).id, published.body.id);
    assert.equal(verify(rotated.body.secret, request.headers, request.body).id, published.body.id);
  });

  it('rotates with an empty JSON body as well as with none', async () => {
    const created = await createEndpoint({ url: receiver.url, eventTypes: ['nothing.here'] });
    const rotated = await t.api.call('POST', `${endpointsPath}/${created['id']}/secret/rotate`, { body: {} });
    assert.equal(rotated.status, 200);
    assert.notEqual(rotated.body.secret, created['secret']);
    const empty = await t.api.call('POST', `${endpointsPath}/${created['id']}/secret/rotate`, {
      rawBody: '',
    });
    assert.equal(empty.status, 200, JSON.stringify(empty.body));
    assert.notEqual(empty.body.secret, rotated.body.secret);
  });

  it('rotates to a custom secret, and refuses an invalid one without changing anything', async () => {
    const created = await createEndpoint({ url: receiver.url, eventTypes: ['nothing.here'] });
    const rotated = await t.api.call('POST', `${endpointsPath}/${created['id']}/secret/rotate`, {
      body: { secret: CUSTOM_SECRET },
    });
    assert.equal(rotated.status, 200);
    assert.equal(rotated.body.secret, CUSTOM_SECRET);

    const refused = await t.api.call('POST', `${endpointsPath}/${created['id']}/secret/rotate`, {
      body: { secret: 'whsec_tooshort' },
    });
    assert.equal(refused.status, 422);
    assert.equal(refused.body.code, 'invalid_field');
    assert.equal(refused.body.field, 'secret');
    const read = await t.api.call('GET', `${endpointsPath}/${created['id']}/secret`);
    assert.deepEqual(read.body, rotated.body);
  });
});

describe('change and delete', () => {
  it('changes the fields a PATCH names and leaves the others', async () => {
    const created = await createEndpoint({
      url: receiver.url,
      description: 'old',
      eventTypes: ['shop.order.paid'],
    });
    const other = receiver.url.replace('/webhook', '/patched');
    const patched = await t.api.call('PATCH', `${endpointsPath}/${created['id']}`, {
      body: {
        url: other,
        description: 'new',
        eventTypes: ['shop.order.*', 'shop.subscription.cancelled'],
        headers: { 'x-shop': '42' },
        timeoutMs: 5000,
        maxConcurrency: 4,
        rateLimitPerSecond: 10,
      },
    });
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    assert.deepEqual(patched.body.urls, [other]);
    assert.equal(patched.body.description, 'new');
    assert.deepEqual(patched.body.eventTypes, ['shop.order.*', 'shop.subscription.cancelled']);
    assert.deepEqual(patched.body.headers, { 'x-shop': '42' });
    assert.equal(patched.body.timeoutMs, 5000);
    assert.equal(patched.body.maxConcurrency, 4);
    assert.equal(patched.body.rateLimitPerSecond, 10);
    assert.equal(patched.body.createdAt, created['createdAt']);
    assert.ok(Date.parse(patched.body.updatedAt) >= Date.parse(created['updatedAt']));

    const partial = await t.api.call('PATCH', `${endpointsPath}/${created['id']}`, {
      body: { description: 'newer', timeoutMs: null },
    });
    assert.equal(partial.body.description, 'newer');
    assert.equal(partial.body.timeoutMs, null);
    assert.deepEqual(partial.body.eventTypes, ['shop.order.*', 'shop.subscription.cancelled'], 'untouched');
    assert.deepEqual(partial.body.headers, { 'x-shop': '42' }, 'untouched');

    const read = await t.api.call('GET', `${endpointsPath}/${created['id']}`);
    assert.deepEqual(read.body, partial.body);
    const secret = await t.api.call('GET', `${endpointsPath}/${created['id']}/secret`);
    assert.equal(secret.body.secret, created['secret'], 'a PATCH does not touch the secret');

    const refused = await t.api.call('PATCH', `${endpointsPath}/${created['id']}`, {
      body: { secret: CUSTOM_SECRET },
    });
    assert.equal(refused.status, 422);
    assert.equal(refused.body.code, 'unknown_field', 'the secret changes only by rotation');
  });

  it('sends the custom headers with each delivery', async () => {
    await createEndpoint({
      url: receiver.url.replace('/webhook', '/headers'),
      eventTypes: ['header.check'],
      headers: { 'x-shop-id': 'shop-42', Authorization: 'Bearer receiver-token' },
    });
    await t.api.call('POST', `/v1/accounts/${accountId}/events`, {
      body: { type: 'header.check', data: {} },
    });
    const request = await waitFor(() => receiver.requests.find((r) => r.path === '/headers'));
    assert.equal(request.headers['x-shop-id'], 'shop-42');
    assert.equal(request.headers['authorization'], 'Bearer receiver-token');
  });

  it('cancels the pending deliveries of an endpoint it disables, and does not revive them', async () => {
    const failing = await startReceiver();
    failing.answer({ status: 503, body: 'down' });
    try {
      const created = await createEndpoint({ url: failing.url, eventTypes: ['disable.check'] });
      const deliveryIds: string[] = [];
      for (let i = 0; i < 2; i++) {
        const published = await t.api.call('POST', `/v1/accounts/${accountId}/events`, {
          body: { type: 'disable.check', data: { i } },
        });
        deliveryIds.push(...published.body.deliveries);
      }
      const deliveries = `/v1/accounts/${accountId}/deliveries?endpointId=${created['id']}`;
      await waitFor(
        async () => {
          const list = (await t.api.call('GET', deliveries)).body.data as {
            status: string;
            attemptCount: number;
          }[];
          return list.length === 2 && list.every((d) => d.status === 'pending' && d.attemptCount === 1);
        },
        { what: 'two deliveries waiting for their retry' },
      );

      const disabled = await t.api.call('PATCH', `${endpointsPath}/${created['id']}`, {
        body: { enabled: false },
      });
      assert.equal(disabled.status, 200);
      assert.equal(disabled.body.enabled, false);
      const afterDisable = (await t.api.call('GET', deliveries)).body.data as {
        id: string;
        status: string;
      }[];
      assert.deepEqual(afterDisable.map((d) => d.status).sort(), ['cancelled', 'cancelled']);
      assert.deepEqual(afterDisable.map((d) => d.id).sort(), [...deliveryIds].sort());

      const skipped = await t.api.call('POST', `/v1/accounts/${accountId}/events`, {
        body: { type: 'disable.check', data: {} },
      });
      assert.deepEqual(skipped.body.deliveries, [], 'a disabled endpoint gets no new deliveries');

      const enabled = await t.api.call('PATCH', `${endpointsPath}/${created['id']}`, {
        body: { enabled: true },
      });
      assert.equal(enabled.body.enabled, true);
      assert.equal(enabled.body.disabledReason, null);
      const afterEnable = (await t.api.call('GET', deliveries)).body.data as { status: string }[];
      assert.deepEqual(afterEnable.map((d) => d.status).sort(), ['cancelled', 'cancelled']);
      assert.equal(failing.requests.length, 2, 'one attempt each, no more');
    } finally {
      await failing.close();
    }
  });

  it('deletes with 204, then answers 404; the delivery log stays', async () => {
    const created = await createEndpoint({ url: receiver.url, eventTypes: ['delete.check'] });
    const published = await t.api.call('POST', `/v1/accounts/${accountId}/events`, {
      body: { type: 'delete.check', data: {} },
    });
    const [deliveryId] = published.body.deliveries as string[];
    const deleted = await t.api.call('DELETE', `${endpointsPath}/${created['id']}`);
    assert.equal(deleted.status, 204);
    assert.equal(deleted.body, undefined);
    for (const path of ['', '/secret']) {
      const res = await t.api.call('GET', `${endpointsPath}/${created['id']}${path}`);
      assert.equal(res.status, 404);
      assert.equal(res.body.code, 'not_found');
      assert.equal(res.body.field, 'endpointId');
    }
    const again = await t.api.call('DELETE', `${endpointsPath}/${created['id']}`);
    assert.equal(again.status, 404);
    const list = await t.api.call('GET', `${endpointsPath}?limit=250`);
    assert.equal(
      list.body.data.some((e: { id: string }) => e.id === created['id']),
      false,
    );
    const delivery = await t.api.call('GET', `/v1/accounts/${accountId}/deliveries/${deliveryId}`);
    assert.equal(delivery.status, 200, 'the log outlives the endpoint');
    assert.ok(['succeeded', 'cancelled'].includes(delivery.body.status), delivery.body.status);
  });
});

describe('list', () => {
  it('visits every endpoint once, oldest first, with limit and nextCursor', async () => {
    const own = await t.createAccount('Many endpoints');
    const path = `/v1/accounts/${own.id}/endpoints`;
    const createdIds: string[] = [];
    for (let i = 0; i < 7; i++) {
      const res = await t.api.call('POST', path, {
        token: own.apiKey,
        body: { url: `${receiver.url}?n=${i}`, eventTypes: ['never.sent'] },
      });
      createdIds.push(res.body.id);
    }
    const seen: string[] = [];
    const pageSizes: number[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor === null ? '?limit=3' : `?limit=3&cursor=${encodeURIComponent(cursor)}`;
      const page = await t.api.call('GET', `${path}${query}`, { token: own.apiKey });
      assert.equal(page.status, 200);
      pageSizes.push(page.body.data.length);
      seen.push(...page.body.data.map((e: { id: string }) => e.id));
      cursor = page.body.nextCursor;
    } while (cursor !== null && pageSizes.length < 10);
    assert.deepEqual(pageSizes, [3, 3, 1]);
    assert.deepEqual(seen, createdIds);

    const all = await t.api.call('GET', path, { token: own.apiKey });
    assert.equal(all.body.data.length, 7);
    assert.equal(all.body.nextCursor, null);
  });

  it('gives no cursor when the last page is exactly full', async () => {
    const own = await t.createAccount('Exact page');
    const path = `/v1/accounts/${own.id}/endpoints`;
    for (let i = 0; i < 2; i++)
      await t.api.call('POST', path, { body: { url: `${receiver.url}?exact=${i}` } });
    const page = await t.api.call('GET', `${path}?limit=2`);
    assert.equal(page.body.data.length, 2);
    assert.equal(page.body.nextCursor, null);
  });
});
