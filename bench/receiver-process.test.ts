// The receiver process as the harness drives it: real HTTP into the forked child, real signatures.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createSigner, generateSecret } from '@hookline/receiver';
import { request } from 'undici';
import { benchEvent, webhookBodyOf } from './bench-event.ts';
import { type ReceiverProcess, startReceiverProcess } from './receiver-control.ts';

const secret = generateSecret();
const sign = createSigner(secret);

async function post(receiver: ReceiverProcess, path: string, seq: number, signWith = sign) {
  const event = benchEvent('test', seq, 'bench.test');
  const body = webhookBodyOf(event);
  const timestamp = Math.floor(Date.now() / 1000);
  const response = await request(`${receiver.origin}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'webhook-id': event.id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signWith(event.id, timestamp, body),
    },
    body,
  });
  await response.body.dump();
  return response.statusCode;
}

describe('receiver process', () => {
  let receiver: ReceiverProcess;

  before(async () => {
    receiver = await startReceiverProcess();
    await receiver.configure([
      { path: '/e/0', mode: 'ok', secret },
      { path: '/e/1', mode: 'ok', secret },
      { path: '/e/2', mode: 'fail', secret },
      { path: '/e/3', mode: 'hang', secret },
      { path: '/e/4', mode: 'down', secret },
    ]);
  });

  after(async () => {
    await receiver.stop();
  });

  test('ok paths verify, record the ledger and the latency, and count duplicates', async () => {
    await receiver.reset(1);
    assert.equal(await post(receiver, '/e/0', 0), 200);
    assert.equal(await post(receiver, '/e/0', 1), 200);
    assert.equal(await post(receiver, '/e/0', 1), 200);
    assert.equal(await post(receiver, '/e/1', 0), 200);
    const stats = await receiver.stats({
      expected: [
        { path: '/e/0', start: 0, end: 3, step: 1 },
        { path: '/e/1', start: 0, end: 1, step: 1 },
      ],
      latency: true,
      byPath: true,
    });
    assert.equal(stats.received, 4);
    assert.equal(stats.duplicates, 1);
    assert.deepEqual(stats.check, { expected: 4, present: 3, missing: 1 });
    // Only seq >= 1 is kept for latency: two deliveries of seq 1.
    assert.equal(stats.latency?.count, 2);
    assert.equal(stats.receivedByPath?.['/e/0'], 3);
    assert.equal(
      stats.arrivalsPerSecond.reduce((a, b) => a + b, 0),
      4,
    );
  });

  test('a signature that does not verify is answered 401 and counted, not recorded', async () => {
    await receiver.reset();
    const wrong = createSigner(generateSecret());
    assert.equal(await post(receiver, '/e/0', 7, wrong), 401);
    const stats = await receiver.stats();
    assert.equal(stats.invalidSignatures, 1);
    assert.equal(stats.received, 0);
  });

  test('fail answers 500, down drops the connection, unknown paths get 404', async () => {
    await receiver.reset();
    assert.equal(await post(receiver, '/e/2', 0), 500);
    await assert.rejects(post(receiver, '/e/4', 0));
    assert.equal(await post(receiver, '/e/9', 0), 404);
    const stats = await receiver.stats();
    assert.equal(stats.failed, 1);
    assert.equal(stats.dropped, 1);
    assert.equal(stats.received, 0);
  });

  test('hang holds requests until the path comes back, then answers them', async () => {
    await receiver.reset();
    const held = post(receiver, '/e/3', 5);
    for (let i = 0; (await receiver.stats()).hanging === 0; i++) {
      assert.ok(i < 500, 'the request never arrived');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await receiver.setMode(['/e/3'], 'ok');
    assert.equal(await held, 200);
    const stats = await receiver.stats({ expected: [{ path: '/e/3', start: 5, end: 6, step: 1 }] });
    assert.equal(stats.hanging, 0);
    assert.equal(stats.check?.missing, 0);
  });
});
