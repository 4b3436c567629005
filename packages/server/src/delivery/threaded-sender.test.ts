import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import pino from 'pino';
import { parseCidrList } from '../domain/ip-range.ts';
import { ThreadedSender } from './threaded-sender.ts';

let receiver: Server;
let base: string;
const bodies: string[] = [];
const headersSeen: IncomingMessage['headers'][] = [];
/** Requests to `/slow` being answered now, and the most at once. */
let slowOpen = 0;
let slowMaxOpen = 0;
let hangSeen = 0;

before(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.url === '/hang') {
        hangSeen++;
        return;
      }
      if (req.url === '/slow') {
        slowOpen++;
        slowMaxOpen = Math.max(slowMaxOpen, slowOpen);
        setTimeout(() => {
          slowOpen--;
          res.writeHead(200).end('slow');
        }, 40);
        return;
      }
      bodies.push(Buffer.concat(chunks).toString());
      headersSeen.push(req.headers);
      res.writeHead(req.url === '/fail' ? 503 : 200, { 'retry-after': '7' }).end(`seen ${req.url}`);
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
});

after(() => {
  receiver.closeAllConnections();
  receiver.close();
});

function newSender(allow = '127.0.0.1/32'): ThreadedSender {
  return new ThreadedSender(
    { allowTargets: parseCidrList(allow), connections: 64, maxResponseBodyBytes: 1024 },
    pino({ level: 'silent' }),
  );
}

test('attempts cross to the thread and their outcomes come back, many at a time', async () => {
  const sender = newSender();
  try {
    const outcomes = await Promise.all(
      Array.from({ length: 300 }, (_, i) =>
        sender.send({
          url: `${base}/${i % 3 === 0 ? 'fail' : 'ok'}`,
          headers: { 'content-type': 'application/json', 'webhook-id': `msg_${i}` },
          body: JSON.stringify({ i }),
          timeoutMs: 5_000,
        }),
      ),
    );
    outcomes.forEach((outcome, i) => {
      assert.equal(outcome?.kind, 'response');
      if (outcome.kind !== 'response') return;
      assert.equal(outcome.statusCode, i % 3 === 0 ? 503 : 200);
      assert.equal(outcome.body, `seen /${i % 3 === 0 ? 'fail' : 'ok'}`);
      assert.equal(outcome.retryAfter, '7');
    });
    const sent = bodies.slice(-300).map((body) => (JSON.parse(body) as { i: number }).i);
    assert.deepEqual(
      sent.sort((a, b) => a - b),
      Array.from({ length: 300 }, (_, i) => i),
    );
    assert.ok(headersSeen.some((headers) => headers['webhook-id'] === 'msg_299'));
  } finally {
    await sender.close();
  }
});

test('the thread applies the address guard: a target outside the allow list is refused', async () => {
  const sender = newSender('10.0.0.0/8');
  try {
    const outcome = await sender.send({ url: `${base}/ok`, headers: {}, body: '{}', timeoutMs: 5_000 });
    assert.equal(outcome?.kind === 'error' && outcome.errorCode, 'blocked_address');
  } finally {
    await sender.close();
  }
});

test('the thread keeps the deadline of each attempt', async () => {
  const sender = newSender();
  try {
    const outcome = await sender.send({ url: `${base}/hang`, headers: {}, body: '{}', timeoutMs: 200 });
    assert.equal(outcome?.kind === 'error' && outcome.errorCode, 'timeout');
  } finally {
    await sender.close();
  }
});

test('closing ends the attempts in flight as failures, and later sends fail at once', async () => {
  const sender = newSender();
  sender.start();
  const hanging = sender.send({ url: `${base}/hang`, headers: {}, body: '{}', timeoutMs: 60_000 });
  // Let the attempt reach the receiver before the thread is stopped.
  await new Promise((resolve) => setTimeout(resolve, 200));
  await sender.close();
  const outcome = await hanging;
  assert.equal(outcome?.kind === 'error' && outcome.errorCode, 'network_error');
  const late = await sender.send({ url: `${base}/ok`, headers: {}, body: '{}', timeoutMs: 1_000 });
  assert.equal(late?.kind === 'error' && late.errorCode, 'network_error');
});

test('a lane sends at most its concurrency at once; the rest go out in turn, and say how long they waited', async () => {
  const sender = newSender();
  try {
    slowMaxOpen = 0;
    const lane = { key: 'ep_slow', concurrency: 2 };
    const outcomes = await Promise.all(
      Array.from({ length: 6 }, () =>
        sender.send({ url: `${base}/slow`, headers: {}, body: '{}', timeoutMs: 5_000, lane }),
      ),
    );
    assert.equal(slowMaxOpen, 2);
    assert.ok(outcomes.every((outcome) => outcome?.kind === 'response' && outcome.statusCode === 200));
    // Two went out at once, the next two after about 40 ms, the last two after about 80 ms. The
    // deadline and the duration count from when each went out.
    const waits = outcomes.map((outcome) => outcome?.waitedMs ?? 0).sort((a, b) => a - b);
    assert.deepEqual(waits.slice(0, 2), [0, 0]);
    assert.ok(
      waits.slice(2).every((ms) => ms >= 30),
      `waits: ${waits.join(', ')}`,
    );
    assert.ok((waits[5] ?? 0) >= 60, `waits: ${waits.join(', ')}`);
    assert.ok(outcomes.every((outcome) => (outcome?.durationMs ?? 0) < 1_000));
  } finally {
    await sender.close();
  }
});

test('withdrawing a lane takes back its waiting requests unsent; the one out is unaffected', async () => {
  const sender = newSender();
  try {
    const lane = { key: 'ep_gone', concurrency: 1 };
    const before = hangSeen;
    const out = sender.send({ url: `${base}/hang`, headers: {}, body: '{}', timeoutMs: 1_000, lane });
    const waiting = Array.from({ length: 3 }, () =>
      sender.send({ url: `${base}/hang`, headers: {}, body: '{}', timeoutMs: 1_000, lane }),
    );
    sender.withdraw('ep_gone');
    assert.deepEqual(await Promise.all(waiting), [undefined, undefined, undefined]);
    const first = await out;
    assert.equal(first?.kind === 'error' && first.errorCode, 'timeout');
    assert.equal(hangSeen - before, 1, 'only the request that was out reached the receiver');
  } finally {
    await sender.close();
  }
});
