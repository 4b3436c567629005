// What happens to deliveries when an endpoint changes under them: deleted endpoints stop receiving at
// once (also work already queued in the engine), a replaced URL takes its deliveries along, and only
// settings that can really be sent are accepted.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startReceiver } from './support/receiver.ts';
import { startTestServer, type TestServer, waitFor } from './support/test-server.ts';

let t: TestServer;
let base: string;

before(async () => {
  t = await startTestServer({ HOOKLINE_RETRY_SCHEDULE: '50ms' });
  base = `/v1/accounts/${(await t.createAccount()).id}`;
  await t.registerEventTypes('moved.check');
});

after(async () => {
  await t.close();
});

test('a deleted endpoint gets nothing more, not even what the engine had queued', async () => {
  const receiver = await startReceiver();
  receiver.answer({ raw: (_req, res) => void setTimeout(() => res.writeHead(200).end(), 200) });
  try {
    const endpoint = await t.api.call('POST', `${base}/endpoints`, {
      body: { url: receiver.url, maxConcurrency: 1 },
    });
    const events = Array.from({ length: 10 }, (_, n) => ({ type: 'shop.order.paid', data: { n } }));
    await t.api.call('POST', `${base}/events/batch`, { body: { events } });
    await waitFor(() => receiver.requests.length >= 1, { what: 'the first request' });
    assert.equal((await t.api.call('DELETE', `${base}/endpoints/${endpoint.body.id}`)).status, 204);
    await new Promise((resolve) => setTimeout(resolve, 600));
    // The one in flight when the endpoint was deleted may finish; none of the 8 or 9 queued ones start.
    assert.ok(receiver.requests.length <= 2, `got ${receiver.requests.length} requests after the delete`);
    const live = await t.api.call('GET', `${base}/deliveries?endpointId=${endpoint.body.id}&status=pending`);
    assert.deepEqual(live.body.data, []);
  } finally {
    await receiver.close();
  }
});

test('replacing the URL moves failed deliveries to the new one, and recover sends them there', async () => {
  const broken = await startReceiver();
  broken.answer({ status: 500 });
  const fixed = await startReceiver();
  try {
    const endpoint = await t.api.call('POST', `${base}/endpoints`, {
      body: { url: broken.url, eventTypes: ['moved.check'] },
    });
    const since = new Date().toISOString();
    await t.api.call('POST', `${base}/events`, { body: { type: 'moved.check', data: { n: 1 } } });
    const path = `${base}/deliveries?endpointId=${endpoint.body.id}`;
    await waitFor(async () => (await t.api.call('GET', path)).body.data[0]?.status === 'failed', {
      what: 'the delivery to fail',
    });
    const patched = await t.api.call('PATCH', `${base}/endpoints/${endpoint.body.id}`, {
      body: { url: fixed.url },
    });
    assert.equal(patched.status, 200);
    const recovered = await t.api.call('POST', `${base}/endpoints/${endpoint.body.id}/recover`, {
      body: { since },
    });
    assert.equal(recovered.body.recovered, 1);
    const done = await waitFor(
      async () => {
        const [delivery] = (await t.api.call('GET', path)).body.data;
        return delivery?.status === 'succeeded' && delivery;
      },
      { what: 'the recovered delivery to succeed' },
    );
    assert.equal(done.url, fixed.url);
    assert.equal(fixed.requests.length, 1);
    assert.equal(broken.requests.length, 2, 'the first attempt and its one retry, none after the move');
  } finally {
    await broken.close();
    await fixed.close();
  }
});

test('secrets the signer could not use and header values HTTP cannot carry are refused', async () => {
  const receiver = await startReceiver();
  try {
    for (const secret of [
      'whsec_' + 'A'.repeat(33),
      'whsec_' + Buffer.alloc(16).toString('base64'),
      'not-a-secret',
    ]) {
      const res = await t.api.call('POST', `${base}/endpoints`, { body: { url: receiver.url, secret } });
      assert.equal(res.status, 422, secret);
      assert.equal(res.body.field, 'secret');
    }
    const good = 'whsec_' + Buffer.alloc(32, 7).toString('base64');
    assert.equal(
      (await t.api.call('POST', `${base}/endpoints`, { body: { url: receiver.url, secret: good } })).status,
      201,
    );

    const res = await t.api.call('POST', `${base}/endpoints`, {
      body: { url: receiver.url, headers: { 'x-shop': 'Café €' } },
    });
    assert.equal(res.status, 422);
    assert.equal(res.body.code, 'invalid_field');
    assert.equal(res.body.field, 'headers.x-shop');
  } finally {
    await receiver.close();
  }
});
