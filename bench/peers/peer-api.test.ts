import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { verify } from '@hookline/receiver';
import { request } from 'undici';
import { benchEvent } from '../bench-event.ts';
import { HooklineClient } from '../hookline-client.ts';
import { BENCH_ADMIN_TOKEN, freePort } from '../hookline-process.ts';
import { type DeliveryJob, EndpointRegistry, startPeerApi } from './peer-api.ts';
import { webhookSignature } from './webhook-sender.ts';

describe('the peer API: the publish calls the bench makes to Hookline', () => {
  const registry = new EndpointRegistry();
  const enqueued: DeliveryJob[][] = [];
  let refuse = false;
  let server: Server;
  let client: HooklineClient;
  let baseUrl = '';

  before(async () => {
    const port = await freePort();
    server = await startPeerApi({
      port,
      token: BENCH_ADMIN_TOKEN,
      registry,
      enqueue: async (jobs) => {
        if (refuse) throw new Error('the queue is down');
        enqueued.push([...jobs]);
      },
    });
    baseUrl = `http://127.0.0.1:${port}`;
    client = new HooklineClient(baseUrl, 2);
  });
  after(async () => {
    await client.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  test('accounts and endpoints as the fixture creates them; one job per matching endpoint', async () => {
    // The fixture registers the bench's own types first (Hookline refuses an endpoint naming an unknown one).
    await client.registerEventType('bench.delivery');
    const accountId = await client.createAccount('bench peers');
    await client.setMaxActiveUrls(accountId, 20);
    const a = await client.createEndpoint(accountId, 'http://127.0.0.1:1/e/0', ['bench.delivery']);
    const b = await client.createEndpoint(accountId, 'http://127.0.0.1:1/e/1', ['bench.*']);
    await client.createEndpoint(accountId, 'http://127.0.0.1:1/e/2', ['order.paid']);
    assert.match(a.secret, /^whsec_/);

    const event = benchEvent('run', 7, 'bench.delivery');
    assert.equal(await client.publish(accountId, event), true);
    const jobs = enqueued.at(-1)!;
    assert.deepEqual(
      jobs.map((job) => job.endpointId),
      [a.id, b.id],
    );
    assert.deepEqual(
      jobs.map((job) => job.msgId),
      [`${event.id}.${a.id}`, `${event.id}.${b.id}`],
    );
    // The body Hookline sends: { id, type, timestamp, data }, the same for every endpoint.
    const body = JSON.parse(jobs[0]!.body) as { id: string; type: string; timestamp: string; data: unknown };
    assert.equal(body.id, event.id);
    assert.equal(body.type, 'bench.delivery');
    assert.ok(!Number.isNaN(Date.parse(body.timestamp)));
    assert.deepEqual(body.data, event.data);
    assert.equal(jobs[1]!.body, jobs[0]!.body);

    // The receiver verifies what a worker signs with the endpoint's key.
    const endpoint = registry.endpoint(a.id)!;
    const timestamp = Math.floor(Date.now() / 1000);
    const headers = {
      'webhook-id': jobs[0]!.msgId,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': webhookSignature(endpoint.key, jobs[0]!.msgId, timestamp, jobs[0]!.body),
    };
    const verified = verify(a.secret, headers, jobs[0]!.body);
    assert.equal((verified.payload as { data: { seq: number } }).data.seq, 7);

    const batch = Array.from({ length: 100 }, (_, i) => benchEvent('run', 100 + i, 'bench.delivery'));
    assert.equal(await client.publishBatch(accountId, batch), true);
    assert.equal(enqueued.at(-1)!.length, 200, 'one enqueue call per request, every job of the batch in it');
  });

  test('202 only once the queue took the jobs; 503 when it did not', async () => {
    const accountId = await client.createAccount('bench refused');
    await client.createEndpoint(accountId, 'http://127.0.0.1:1/e/0', ['*']);
    refuse = true;
    try {
      assert.equal(await client.publish(accountId, benchEvent('run', 1, 'bench.delivery')), false);
    } finally {
      refuse = false;
    }
  });

  test('refuses calls without the token, unknown accounts and malformed events', async () => {
    const post = async (path: string, body: unknown, authorization = `Bearer ${BENCH_ADMIN_TOKEN}`) => {
      const response = await request(`${baseUrl}${path}`, {
        method: 'POST',
        headers: { authorization, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      await response.body.dump();
      return response.statusCode;
    };
    const accountId = await client.createAccount('bench refusals');
    assert.equal(await post('/v1/accounts', { name: 'x' }, 'Bearer wrong'), 401);
    assert.equal(await post('/v1/accounts/acc_nope/events', benchEvent('run', 1, 'a')), 404);
    assert.equal(await post(`/v1/accounts/${accountId}/events`, { id: 'x', type: 'a' }), 400);
    assert.equal(await post(`/v1/accounts/${accountId}/events/batch`, { events: [] }), 400);
    // An event no endpoint wants is accepted with no job, as Hookline accepts it with no delivery.
    assert.equal(await post(`/v1/accounts/${accountId}/events`, benchEvent('run', 2, 'nobody.wants')), 202);
  });
});
