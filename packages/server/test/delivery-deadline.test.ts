// One total deadline per attempt (HOOKLINE_TIMEOUT_MS), whether the receiver never answers, drips its
// body or drips its status line and headers: each attempt ends at about the deadline as `timeout`.
import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { firstAttempt } from './support/first-attempt.ts';
import type { Receiver, ReceiverAnswer } from './support/receiver.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';

const TIMEOUT_MS = 1_000;

/** Writes one character of `text` (repeated for ever) every 200 ms until the connection closes. */
function drip(socket: Socket, write: (byte: string) => void, text: string): void {
  let i = 0;
  const timer = setInterval(() => write(text[i++ % text.length]!), 200);
  socket.on('close', () => clearInterval(timer));
}

const answers: Record<string, ReceiverAnswer> = {
  'never answers': 'hang',
  'sends headers, then one body byte every 200 ms': {
    raw: (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.flushHeaders();
      drip(res.socket!, (byte) => res.write(byte), 'x');
    },
  },
  'sends its status line and headers one byte every 200 ms': {
    raw: (req) =>
      drip(
        req.socket,
        (byte) => req.socket.write(byte),
        'HTTP/1.1 200 OK\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaa',
      ),
  },
};

describe('the attempt deadline', { concurrency: true }, () => {
  let ts: TestServer;
  let accountId: string;
  const receivers: Receiver[] = [];

  before(async () => {
    // A long schedule: each test looks at the first attempt only.
    ts = await startTestServer({ HOOKLINE_TIMEOUT_MS: String(TIMEOUT_MS), HOOKLINE_RETRY_SCHEDULE: '1h' });
    accountId = (await ts.createAccount()).id;
  });

  after(async () => {
    for (const receiver of receivers) await receiver.close();
    await ts.close();
  });

  for (const [name, answer] of Object.entries(answers)) {
    test(`a receiver that ${name} times out at about HOOKLINE_TIMEOUT_MS`, async () => {
      const attempt = await firstAttempt(ts, accountId, receivers, answer);
      assert.equal(attempt.receiver.requests.length, 1);
      assert.equal(attempt.errorCode, 'timeout', JSON.stringify(attempt));
      assert.equal(attempt.statusCode, null);
      assert.equal(attempt.succeeded, false);
      // A timer may fire up to a millisecond before its nominal time by performance.now().
      assert.ok(attempt.durationMs >= TIMEOUT_MS - 2, `ended after ${attempt.durationMs} ms`);
      assert.ok(attempt.durationMs < 1.5 * TIMEOUT_MS, `ended after ${attempt.durationMs} ms`);
      // The delivery as recorded with its attempt: this test's own, whatever the others run meanwhile.
      const { delivery } = attempt;
      assert.equal(delivery.status, 'pending', 'a timeout is retried');
      assert.equal(delivery.lastErrorCode, 'timeout');
    });
  }
});
