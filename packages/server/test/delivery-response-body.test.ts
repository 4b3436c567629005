// The attempt log keeps at most HOOKLINE_MAX_RESPONSE_BODY_BYTES of each response body, after
// decompression, and stops reading there: a huge, endless or gzip-bomb response costs at most the cap.
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { after, before, describe, test } from 'node:test';
import { createGzip, gzipSync } from 'node:zlib';
import { firstAttempt } from './support/first-attempt.ts';
import type { Receiver } from './support/receiver.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';

const DEFAULT_CAP = 65_536;
const MiB = 1024 * 1024;

/** 50 MiB of zeros, gzipped (about 50 KB), built without holding the 50 MiB. */
async function gzipBomb(): Promise<Buffer> {
  const zeros = Buffer.alloc(64 * 1024);
  const chunks = (function* () {
    for (let i = 0; i < (50 * MiB) / zeros.length; i++) yield zeros;
  })();
  return buffer(Readable.from(chunks).pipe(createGzip({ level: 9 })));
}

describe('the response body cap', () => {
  let ts: TestServer;
  let accountId: string;
  const receivers: Receiver[] = [];

  before(async () => {
    ts = await startTestServer();
    accountId = (await ts.createAccount()).id;
  });

  after(async () => {
    for (const receiver of receivers) await receiver.close();
    await ts.close();
  });

  test('a 5 MiB body is stored cut at 65,536 bytes and marked truncated', async () => {
    const attempt = await firstAttempt(ts, accountId, receivers, {
      status: 200,
      body: 'a'.repeat(5 * MiB),
    });
    assert.equal(attempt.statusCode, 200);
    assert.equal(attempt.succeeded, true);
    assert.equal(Buffer.byteLength(attempt.responseBody), DEFAULT_CAP);
    assert.equal(attempt.responseBody, 'a'.repeat(DEFAULT_CAP));
    assert.equal(attempt.responseBodyTruncated, true);
  });

  test('a body of exactly the cap is kept whole and not marked truncated', async () => {
    const attempt = await firstAttempt(ts, accountId, receivers, {
      status: 200,
      body: 'b'.repeat(DEFAULT_CAP),
    });
    assert.equal(attempt.responseBody.length, DEFAULT_CAP);
    assert.equal(attempt.responseBodyTruncated, false);
  });

  test('an endless response ends the attempt once the cap is read', async () => {
    let written = 0;
    const attempt = await firstAttempt(ts, accountId, receivers, {
      raw: (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain' });
        const chunk = Buffer.alloc(16 * 1024, 'z');
        const pump = () => {
          let room = true;
          while (room && !res.destroyed) {
            room = res.write(chunk);
            written += chunk.length;
          }
          if (!res.destroyed) res.once('drain', pump);
        };
        pump();
      },
    });
    assert.equal(attempt.statusCode, 200);
    assert.equal(attempt.errorCode, null, 'a capped body is a response, not a timeout');
    assert.equal(attempt.responseBody, 'z'.repeat(DEFAULT_CAP));
    assert.equal(attempt.responseBodyTruncated, true);
    assert.ok(written > DEFAULT_CAP);
  });

  test('a small gzip body is stored decoded', async () => {
    const json = JSON.stringify({ received: true, note: 'Grüße' });
    const attempt = await firstAttempt(ts, accountId, receivers, {
      raw: (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
        res.end(gzipSync(json));
      },
    });
    assert.equal(attempt.responseBody, json);
    assert.equal(attempt.responseBodyTruncated, false);
  });

  test('an empty response that names gzip as its encoding is empty, not truncated', async () => {
    const attempt = await firstAttempt(ts, accountId, receivers, {
      status: 204,
      headers: { 'content-encoding': 'gzip' },
    });
    assert.equal(attempt.statusCode, 204);
    assert.equal(attempt.responseBody, '');
    assert.equal(attempt.responseBodyTruncated, false);
  });

  test('a body that is not the gzip it claims is still a response, marked truncated', async () => {
    const attempt = await firstAttempt(ts, accountId, receivers, {
      raw: (_req, res) => {
        res.writeHead(200, { 'content-encoding': 'gzip' });
        res.end('this is not gzip');
      },
    });
    assert.equal(attempt.statusCode, 200);
    assert.equal(attempt.errorCode, null);
    assert.equal(attempt.succeeded, true);
    assert.equal(attempt.responseBody, '');
    assert.equal(attempt.responseBodyTruncated, true);
  });

  test('a gzip bomb is decoded only up to the cap, without holding the whole body in memory', async () => {
    const bomb = await gzipBomb();
    assert.ok(bomb.length < MiB, `the bomb is ${bomb.length} bytes on the wire`);
    const rssBefore = process.memoryUsage().rss;
    const attempt = await firstAttempt(ts, accountId, receivers, {
      raw: (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain', 'content-encoding': 'gzip' });
        res.end(bomb);
      },
    });
    const rssGrowth = process.memoryUsage().rss - rssBefore;
    assert.equal(attempt.statusCode, 200);
    assert.ok(Buffer.byteLength(attempt.responseBody) <= DEFAULT_CAP);
    assert.equal(attempt.responseBody, '\0'.repeat(DEFAULT_CAP));
    assert.equal(attempt.responseBodyTruncated, true);
    assert.ok(rssGrowth < 20 * MiB, `RSS grew by ${(rssGrowth / MiB).toFixed(1)} MiB`);
  });
});

describe('HOOKLINE_MAX_RESPONSE_BODY_BYTES', () => {
  test('is the cap', async () => {
    const ts = await startTestServer({ HOOKLINE_MAX_RESPONSE_BODY_BYTES: '100' });
    const receivers: Receiver[] = [];
    try {
      const accountId = (await ts.createAccount()).id;
      const long = await firstAttempt(ts, accountId, receivers, { status: 500, body: 'e'.repeat(1_000) });
      assert.equal(long.responseBody, 'e'.repeat(100));
      assert.equal(long.responseBodyTruncated, true);
      const short = await firstAttempt(ts, accountId, receivers, { status: 200, body: 'f'.repeat(100) });
      assert.equal(short.responseBody, 'f'.repeat(100));
      assert.equal(short.responseBodyTruncated, false);
    } finally {
      for (const receiver of receivers) await receiver.close();
      await ts.close();
    }
  });
});
