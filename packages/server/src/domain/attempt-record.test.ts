import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  isSensitiveHeader,
  MAX_RECORDED_HEADER_BYTES,
  REDACTED,
  recordedBody,
  recordedHeaders,
  utf8Boundary,
} from './attempt-record.ts';

test('utf8Boundary keeps whole characters and drops a cut one', () => {
  const text = 'aé€😀';
  const bytes = Buffer.from(text);
  // a(1) é(2) €(3) 😀(4) = 10 bytes: every prefix ends on the last whole character before the cut.
  const expected = [0, 1, 1, 3, 3, 3, 6, 6, 6, 6, 10];
  for (let cut = 0; cut <= bytes.length; cut++) {
    assert.equal(utf8Boundary(bytes.subarray(0, cut)), expected[cut], `cut at ${cut}`);
  }
});

test('utf8Boundary leaves invalid bytes to the decoder', () => {
  assert.equal(utf8Boundary(Buffer.from([0x80, 0x80, 0x80, 0x80])), 4);
  assert.equal(utf8Boundary(Buffer.from([0x41, 0xff])), 2);
});

describe('recorded headers', () => {
  test('credentials keep their name and lose their value; the rest is kept as sent', () => {
    const recorded = JSON.parse(
      recordedHeaders({
        'user-agent': 'Hookline/0.1.0',
        authorization: 'Bearer s3cr3t',
        'x-api-key': 'k-123',
        'x-shop-id': 'shop-7',
        'content-type': 'application/json',
        'webhook-signature': 'v1,abc=',
      }),
    );
    assert.deepEqual(recorded, {
      'user-agent': 'Hookline/0.1.0',
      authorization: REDACTED,
      'x-api-key': REDACTED,
      'x-shop-id': 'shop-7',
      'content-type': 'application/json',
      'webhook-signature': 'v1,abc=',
    });
  });

  test('the names that carry credentials', () => {
    for (const name of ['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-auth-token']) {
      assert.equal(isSensitiveHeader(name), true, name);
    }
    for (const name of ['x-shop-secret', 'x-session-id', 'x-password', 'api-key', 'x-credentials']) {
      assert.equal(isSensitiveHeader(name), true, name);
    }
    for (const name of ['webhook-signature', 'webhook-id', 'content-type', 'x-shop-id', 'date']) {
      assert.equal(isSensitiveHeader(name), false, name);
    }
  });

  test('a repeated response header is joined, and Set-Cookie is redacted', () => {
    const recorded = JSON.parse(
      recordedHeaders({
        'content-type': 'text/plain',
        vary: ['accept', 'origin'],
        'set-cookie': ['a=1', 'b=2'],
        absent: undefined,
      }),
    );
    assert.deepEqual(recorded, {
      'content-type': 'text/plain',
      vary: 'accept, origin',
      'set-cookie': REDACTED,
    });
  });

  test('headers are kept whole, in order, up to the cap', () => {
    const headers: Record<string, string> = {};
    for (let i = 0; i < 100; i++) headers[`x-h${String(i).padStart(2, '0')}`] = 'v'.repeat(200);
    const text = recordedHeaders(headers);
    assert.ok(text.length <= MAX_RECORDED_HEADER_BYTES, `${text.length}`);
    const kept = Object.keys(JSON.parse(text));
    assert.ok(kept.length > 30 && kept.length < 100, `${kept.length} kept`);
    assert.deepEqual(kept, Object.keys(headers).slice(0, kept.length));
  });
});

describe('recorded body', () => {
  test('a body within the cap is kept whole', () => {
    assert.deepEqual(recordedBody('{"a":1}', 65_536), { body: '{"a":1}', truncated: false });
    // 3 characters of 3 bytes each: 9 bytes, exactly the cap, measured rather than guessed.
    assert.deepEqual(recordedBody('€€€', 9), { body: '€€€', truncated: false });
  });

  test('a longer body is cut at the cap on a character boundary and marked', () => {
    assert.deepEqual(recordedBody('a'.repeat(100), 10), { body: 'a'.repeat(10), truncated: true });
    assert.deepEqual(recordedBody('€€€', 8), { body: '€€', truncated: true });
  });

  test('a cap of 0 keeps no body', () => {
    assert.deepEqual(recordedBody('{"a":1}', 0), { body: null, truncated: false });
  });
});
