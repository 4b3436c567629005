// Ordered delivery, end to end: an endpoint with `ordered` gets the events of one `orderingKey` one
// after another, in publish order, through failed attempts, final failures and a `kill -9` of the
// server, while different keys go out side by side.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { type Receiver, startReceiver } from './support/receiver.ts';
import { freePort, killSpawned, runHookline, waitUntilReady } from './support/server-process.ts';
import {
  type ApiClient,
  apiClient,
  startTestServer,
  type TestServer,
  waitFor,
} from './support/test-server.ts';

interface Receipt {
  readonly key: string;
  readonly n: number;
  readonly messageId: string;
  readonly status: number;
}

/**
 * A receiver that answers after `delayMs`, 500 on the first attempt of every third message, and
 * notes every request with its key and number, and how many it held at once.
 */
async function orderedReceiver(delayMs: number): Promise<{
  receiver: Receiver;
  receipts: Receipt[];
  most: () => number;
}> {
  const receiver = await startReceiver();
  const receipts: Receipt[] = [];
  const attemptsOf = new Map<string, number>();
  let now = 0;
  let most = 0;
  receiver.answer(() => ({
    raw: (_req, res) => {
      const request = receiver.requests.at(-1)!;
      const { data } = JSON.parse(request.body) as { data: { key: string; n: number } };
      const messageId = String(request.headers['webhook-id']);
      const attempt = (attemptsOf.get(messageId) ?? 0) + 1;
      attemptsOf.set(messageId, attempt);
      const status = attempt === 1 && (data.n + data.key.length) % 3 === 0 ? 500 : 200;
      now++;
      most = Math.max(most, now);
      setTimeout(() => {
        now--;
        receipts.push({ key: data.key, n: data.n, messageId, status });
        res.writeHead(status).end();
      }, delayMs);
    },
  }));
  return { receiver, receipts, most: () => most };
}

/** For each key, the numbers its requests carried, in the order they were answered. */
function byKey(receipts: readonly Receipt[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const r of receipts) {
    const list = out.get(r.key) ?? [];
    list.push(r.n);
    out.set(r.key, list);
  }
  return out;
}

/** Every key's requests never went back to an earlier event, and each of its events got a 200. */
function assertInOrder(receipts: readonly Receipt[], keys: number, perKey: number): void {
  const ns = byKey(receipts);
  assert.equal(ns.size, keys);
  for (const [key, list] of ns) {
    for (let i = 1; i < list.length; i++) {
      assert.ok(list[i]! >= list[i - 1]!, `${key}: event ${list[i]} was sent after event ${list[i - 1]}`);
    }
    const delivered = new Set(receipts.filter((r) => r.key === key && r.status === 200).map((r) => r.n));
    assert.equal(delivered.size, perKey, `${key}: ${delivered.size} of ${perKey} events delivered`);
  }
}

async function createEndpoint(api: ApiClient, accountId: string, body: Record<string, unknown>) {
  const created = await api.call('POST', `/v1/accounts/${accountId}/endpoints`, { body });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  return created.body as { id: string; ordered: boolean };
}

/** Events `n` of keys `sub_0` … in batches: event i of a batch is key i % keys. */
function keyedEvents(keys: number, perKey: number) {
  return Array.from({ length: keys * perKey }, (_, i) => {
    const key = `sub_${i % keys}`;
    const n = Math.floor(i / keys);
    return { type: 'shop.order.paid', orderingKey: key, data: { key, n } };
  });
}

describe('ordered delivery', () => {
  const servers: TestServer[] = [];
  const receivers: Receiver[] = [];
  after(async () => {
    for (const r of receivers) await r.close();
    for (const ts of servers) await ts.close();
  });

  test("each key's events arrive in publish order through failed attempts; keys go side by side", async () => {
    const ts = await startTestServer();
    servers.push(ts);
    const accountId = (await ts.createAccount()).id;
    const { receiver, receipts, most } = await orderedReceiver(10);
    receivers.push(receiver);
    const endpoint = await createEndpoint(ts.api, accountId, { url: receiver.url, ordered: true });
    assert.equal(endpoint.ordered, true);
    const events = keyedEvents(20, 6);
    for (let start = 0; start < events.length; start += 40) {
      const published = await ts.api.call('POST', `/v1/accounts/${accountId}/events/batch`, {
        body: { events: events.slice(start, start + 40) },
      });
      assert.equal(published.status, 202, JSON.stringify(published.body));
    }
    // And one at a time.
    for (let n = 6; n < 9; n++) {
      const one = await ts.api.call('POST', `/v1/accounts/${accountId}/events`, {
        body: { type: 'shop.order.paid', orderingKey: 'sub_0', data: { key: 'sub_0', n } },
      });
      assert.equal(one.status, 202, JSON.stringify(one.body));
    }
    await waitFor(
      () => new Set(receipts.filter((r) => r.status === 200).map((r) => r.messageId)).size >= 123,
      {
        what: 'every event delivered',
        timeoutMs: 30_000,
      },
    );
    assert.ok(
      receipts.some((r) => r.status === 500),
      'some attempts failed',
    );
    const ns = byKey(receipts);
    const zero = ns.get('sub_0')!;
    ns.delete('sub_0');
    assertInOrder(
      receipts.filter((r) => r.key !== 'sub_0'),
      19,
      6,
    );
    assertInOrder(
      receipts.filter((r) => r.key === 'sub_0'),
      1,
      9,
    );
    assert.ok(zero.length >= 9);
    assert.ok(most() > 1, 'different keys were sent at the same time');

    const event = await ts.api.call('GET', `/v1/accounts/${accountId}/events?limit=1`);
    assert.equal((event.body as { data: { orderingKey: string }[] }).data[0]?.orderingKey, 'sub_0');

    // A key that is empty, too long or not a string is refused, naming the field.
    for (const [orderingKey, field] of [
      ['', 'orderingKey'],
      ['k'.repeat(201), 'orderingKey'],
      [42, 'orderingKey'],
    ] as const) {
      const bad = await ts.api.call('POST', `/v1/accounts/${accountId}/events`, {
        body: { type: 'shop.order.paid', orderingKey, data: {} },
      });
      assert.equal(bad.status, 422, JSON.stringify(bad.body));
      assert.equal((bad.body as { field: string }).field, field);
    }
    const badBatch = await ts.api.call('POST', `/v1/accounts/${accountId}/events/batch`, {
      body: {
        events: [
          { type: 'shop.order.paid', data: {} },
          { type: 'shop.order.paid', orderingKey: '', data: {} },
        ],
      },
    });
    assert.equal(badBatch.status, 422);
    assert.equal((badBatch.body as { field: string }).field, 'events[1].orderingKey');
    const badOption = await ts.api.call('PATCH', `/v1/accounts/${accountId}/endpoints/${endpoint.id}`, {
      body: { ordered: 'yes' },
    });
    assert.equal(badOption.status, 422);
    assert.equal((badOption.body as { field: string }).field, 'ordered');
  });

  test('a final failure lets the key go on; an endpoint without ordered is not held back', async () => {
    const ts = await startTestServer();
    servers.push(ts);
    const accountId = (await ts.createAccount()).id;
    const failing = await startReceiver();
    receivers.push(failing);
    // The first event of the key fails every attempt (4 with the test schedule), the second succeeds.
    failing.answer((_i, request) => ({ status: request.body.includes('"n":0') ? 500 : 200 }));
    await createEndpoint(ts.api, accountId, { url: failing.url, ordered: true });
    const plain = await startReceiver();
    receivers.push(plain);
    await createEndpoint(ts.api, accountId, { url: plain.url });
    await ts.api.call('POST', `/v1/accounts/${accountId}/events/batch`, {
      body: {
        events: [0, 1].map((n) => ({
          type: 'shop.order.paid',
          orderingKey: 'sub_x',
          data: { key: 'sub_x', n },
        })),
      },
    });
    await waitFor(() => failing.requests.some((r) => r.body.includes('"n":1')), {
      what: 'the second event after the first failed for good',
      timeoutMs: 15_000,
    });
    const order = failing.requests.map((r) => (r.body.includes('"n":0') ? 0 : 1));
    assert.deepEqual(order, [0, 0, 0, 0, 1], 'four attempts of the first, then the second');
    // The other endpoint got both at once, not after the retries.
    assert.equal(plain.requests.length, 2);
    assert.ok(plain.requests[1]!.receivedAt < failing.requests[3]!.receivedAt);
  });

  test('order holds across kill -9 and a restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'hookline-ordered-'));
    const { receiver, receipts } = await orderedReceiver(15);
    receivers.push(receiver);
    const port = await freePort();
    const token = 'hookline-ordered-test-admin-token';
    const env = {
      PORT: String(port),
      HOOKLINE_HOST: '127.0.0.1',
      HOOKLINE_DATA_DIR: dataDir,
      HOOKLINE_ADMIN_TOKEN: token,
      HOOKLINE_ALLOW_TARGETS: '127.0.0.0/8',
      HOOKLINE_LOG_LEVEL: 'warn',
      HOOKLINE_RETRY_SCHEDULE: '100ms,200ms,300ms,500ms,1s',
    };
    const baseUrl = `http://127.0.0.1:${port}`;
    try {
      let server = runHookline(['start'], env);
      await waitUntilReady(server, baseUrl);
      const api = apiClient(baseUrl, token);
      const account = await api.call('POST', '/v1/accounts', { body: { name: 'Ordered' } });
      assert.equal(account.status, 201, JSON.stringify(account.body));
      const accountId = (account.body as { id: string }).id;
      await createEndpoint(api, accountId, { url: receiver.url, ordered: true });
      const published = await api.call('POST', `/v1/accounts/${accountId}/events/batch`, {
        body: { events: keyedEvents(10, 10) },
      });
      assert.equal(published.status, 202, JSON.stringify(published.body));
      await waitFor(() => receipts.length >= 30, { what: 'deliveries under way' });
      server.child.kill('SIGKILL');
      await server.exited;
      server = runHookline(['start'], env);
      await waitUntilReady(server, baseUrl);
      await waitFor(
        () => new Set(receipts.filter((r) => r.status === 200).map((r) => r.messageId)).size >= 100,
        {
          what: 'every event delivered after the restart',
          timeoutMs: 30_000,
        },
      );
      assertInOrder(receipts, 10, 10);
    } finally {
      await killSpawned();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
