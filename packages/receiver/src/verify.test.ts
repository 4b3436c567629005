import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { createHmac } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, test } from 'node:test';
import type { WebhookHeaders } from './headers.ts';
import { decodeSecret, generateSecret } from './secret.ts';
import { createSigner, sign, signatureHeader } from './sign.ts';
import { WebhookVerificationError, type WebhookVerificationErrorCode } from './verification-error.ts';
import { verify } from './verify.ts';

const SECRET = generateSecret();
const MSG_ID = 'msg_2bX9kQ7fLr';
const NOW = 1_700_000_000;
const BODY = '{"type":"invoice.paid","data":{"amount":4200}}';

function headersFor(
  body: string | Uint8Array,
  { secret = SECRET, msgId = MSG_ID, timestampSeconds = NOW } = {},
): Record<string, string> {
  return {
    'webhook-id': msgId,
    'webhook-timestamp': String(timestampSeconds),
    'webhook-signature': sign(secret, msgId, timestampSeconds, body),
  };
}

function assertRejected(fn: () => unknown, code: WebhookVerificationErrorCode): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof WebhookVerificationError, `expected WebhookVerificationError, got ${error}`);
    assert.equal(error.code, code);
    assert.equal(error.name, 'WebhookVerificationError');
    return true;
  });
}

describe('verify: round trip', () => {
  test('returns id, timestamp and parsed JSON payload', () => {
    const result = verify(SECRET, headersFor(BODY), BODY, { nowSeconds: NOW });
    assert.deepEqual(result, {
      id: MSG_ID,
      timestamp: NOW,
      payload: { type: 'invoice.paid', data: { amount: 4200 } },
    });
  });

  test('returns the raw string when the body is not JSON', () => {
    const form = 'type=invoice.paid&amount=4200';
    assert.equal(verify(SECRET, headersFor(form), form, { nowSeconds: NOW }).payload, form);
    assert.equal(verify(SECRET, headersFor(''), '', { nowSeconds: NOW }).payload, '');
  });

  test('accepts a Uint8Array body, including a view into a larger buffer', () => {
    const bytes = new TextEncoder().encode(BODY);
    const padded = Buffer.concat([Buffer.from('garbage'), bytes, Buffer.from('garbage')]);
    const view = new Uint8Array(padded.buffer, padded.byteOffset + 7, bytes.length);
    const result = verify(SECRET, headersFor(BODY), view, { nowSeconds: NOW });
    assert.deepEqual(result.payload, JSON.parse(BODY));
    // Signed as bytes, verified as string: same wire format.
    assert.equal(verify(SECRET, headersFor(view), BODY, { nowSeconds: NOW }).id, MSG_ID);
  });

  test('defaults to the system clock', () => {
    const nowSeconds = Math.floor(Date.now() / 1000);
    assert.equal(
      verify(SECRET, headersFor(BODY, { timestampSeconds: nowSeconds }), BODY).timestamp,
      nowSeconds,
    );
    assertRejected(
      () => verify(SECRET, headersFor(BODY, { timestampSeconds: nowSeconds - 3600 }), BODY),
      'timestamp_too_old',
    );
  });
});

describe('verify: tampering', () => {
  test('rejects a changed body', () => {
    assertRejected(
      () => verify(SECRET, headersFor(BODY), BODY.replace('4200', '4201'), { nowSeconds: NOW }),
      'invalid_signature',
    );
    assertRejected(
      () => verify(SECRET, headersFor(BODY), `${BODY}\n`, { nowSeconds: NOW }),
      'invalid_signature',
    );
  });

  test('rejects a changed id', () => {
    const headers = { ...headersFor(BODY), 'webhook-id': `${MSG_ID}x` };
    assertRejected(() => verify(SECRET, headers, BODY, { nowSeconds: NOW }), 'invalid_signature');
  });

  test('rejects a changed timestamp, even one inside the tolerance', () => {
    const headers = { ...headersFor(BODY), 'webhook-timestamp': String(NOW + 1) };
    assertRejected(() => verify(SECRET, headers, BODY, { nowSeconds: NOW }), 'invalid_signature');
  });

  test('rejects a different secret', () => {
    assertRejected(
      () => verify(generateSecret(), headersFor(BODY), BODY, { nowSeconds: NOW }),
      'invalid_signature',
    );
  });

  test('rejects malformed signatures without throwing anything else', () => {
    for (const signature of [
      'v1,',
      'v1,AAAA',
      'v1',
      ',',
      'garbage',
      'v1,' + 'A'.repeat(44),
      'V1,' + headersFor(BODY)['webhook-signature']!.slice(3),
    ]) {
      const headers = { ...headersFor(BODY), 'webhook-signature': signature };
      assertRejected(() => verify(SECRET, headers, BODY, { nowSeconds: NOW }), 'invalid_signature');
    }
  });
});

describe('verify: timestamp', () => {
  const at = (timestampSeconds: number) => headersFor(BODY, { timestampSeconds });

  test('accepts exactly the default 300s tolerance on both sides', () => {
    assert.equal(verify(SECRET, at(NOW - 300), BODY, { nowSeconds: NOW }).timestamp, NOW - 300);
    assert.equal(verify(SECRET, at(NOW + 300), BODY, { nowSeconds: NOW }).timestamp, NOW + 300);
  });

  test('rejects one second beyond it on either side', () => {
    assertRejected(() => verify(SECRET, at(NOW - 301), BODY, { nowSeconds: NOW }), 'timestamp_too_old');
    assertRejected(() => verify(SECRET, at(NOW + 301), BODY, { nowSeconds: NOW }), 'timestamp_too_new');
  });

  test('honours a custom tolerance', () => {
    const options = { nowSeconds: NOW, toleranceSeconds: 10 };
    assert.equal(verify(SECRET, at(NOW - 10), BODY, options).timestamp, NOW - 10);
    assertRejected(() => verify(SECRET, at(NOW - 11), BODY, options), 'timestamp_too_old');
    assertRejected(() => verify(SECRET, at(NOW + 11), BODY, options), 'timestamp_too_new');
    assert.equal(verify(SECRET, at(1), BODY, { nowSeconds: NOW, toleranceSeconds: Infinity }).timestamp, 1);
    assert.throws(() => verify(SECRET, at(NOW), BODY, { nowSeconds: NOW, toleranceSeconds: -1 }), RangeError);
  });

  test('checks freshness before the signature, so a stale replay is reported as stale', () => {
    const headers = { ...at(NOW - 1000), 'webhook-signature': 'v1,bogus' };
    assertRejected(() => verify(SECRET, headers, BODY, { nowSeconds: NOW }), 'timestamp_too_old');
  });

  test('checks the signature over the timestamp text as sent, not a re-formatted number', () => {
    const key = decodeSecret(SECRET);
    const padded = `0${NOW}`;
    const digest = createHmac('sha256', key).update(`${MSG_ID}.${padded}.${BODY}`).digest('base64');
    const headers = {
      'webhook-id': MSG_ID,
      'webhook-timestamp': padded,
      'webhook-signature': `v1,${digest}`,
    };
    assert.equal(verify(SECRET, headers, BODY, { nowSeconds: NOW }).timestamp, NOW);
  });

  test('rejects timestamps that are not plain unix seconds', () => {
    for (const timestamp of [
      'abc',
      `${NOW}abc`,
      '-5',
      '1.5',
      ' 1700000000',
      '1e9',
      '9'.repeat(16),
      String(NOW * 1000),
    ]) {
      const headers = { ...headersFor(BODY), 'webhook-timestamp': timestamp };
      const expected = timestamp === String(NOW * 1000) ? 'timestamp_too_new' : 'invalid_timestamp';
      assertRejected(() => verify(SECRET, headers, BODY, { nowSeconds: NOW }), expected);
    }
  });
});

describe('verify: headers', () => {
  test('reports each missing header by name', () => {
    for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
      const headers: Record<string, string> = headersFor(BODY);
      delete headers[name];
      assert.throws(
        () => verify(SECRET, headers, BODY, { nowSeconds: NOW }),
        (error: unknown) =>
          error instanceof WebhookVerificationError &&
          error.code === 'missing_header' &&
          error.message.includes(name),
      );
      assertRejected(
        () => verify(SECRET, { ...headersFor(BODY), [name]: '' }, BODY, { nowSeconds: NOW }),
        'missing_header',
      );
    }
  });

  test('looks headers up case-insensitively in plain objects', () => {
    const signed = headersFor(BODY);
    const shouting = {
      'WEBHOOK-ID': signed['webhook-id'],
      'Webhook-Timestamp': signed['webhook-timestamp'],
      'webhook-Signature': signed['webhook-signature'],
    };
    assert.equal(verify(SECRET, shouting, BODY, { nowSeconds: NOW }).id, MSG_ID);
  });

  test('accepts a WHATWG Headers object', () => {
    const headers = new Headers(headersFor(BODY));
    assert.equal(verify(SECRET, headers, BODY, { nowSeconds: NOW }).id, MSG_ID);
    assertRejected(() => verify(SECRET, new Headers(), BODY, { nowSeconds: NOW }), 'missing_header');
  });

  test('accepts a repeated signature header, as Headers joins it or as an array', () => {
    const good = headersFor(BODY)['webhook-signature']!;
    const wrong = sign(generateSecret(), MSG_ID, NOW, BODY);
    const headers = new Headers({ 'webhook-id': MSG_ID, 'webhook-timestamp': String(NOW) });
    headers.append('webhook-signature', wrong);
    headers.append('webhook-signature', good);
    assert.equal(headers.get('webhook-signature'), `${wrong}, ${good}`);
    assert.equal(verify(SECRET, headers, BODY, { nowSeconds: NOW }).id, MSG_ID);

    const reversed = new Headers({ 'webhook-id': MSG_ID, 'webhook-timestamp': String(NOW) });
    reversed.append('webhook-signature', good);
    reversed.append('webhook-signature', wrong);
    assert.equal(verify(SECRET, reversed, BODY, { nowSeconds: NOW }).id, MSG_ID);

    const asArray: WebhookHeaders = { ...headersFor(BODY), 'webhook-signature': [wrong, good] };
    assert.equal(verify(SECRET, asArray, BODY, { nowSeconds: NOW }).id, MSG_ID);
  });

  test('works with a real Node request: lower-case IncomingMessage headers and raw body bytes', async () => {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const headers: IncomingHttpHeaders = req.headers;
        try {
          const { id, payload } = verify(SECRET, headers, Buffer.concat(chunks));
          res.writeHead(200).end(JSON.stringify({ id, payload }));
        } catch (error) {
          res.writeHead(400).end(error instanceof WebhookVerificationError ? error.code : 'unexpected');
        }
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
      const timestampSeconds = Math.floor(Date.now() / 1000);
      const body = '{"type":"checkout.completed","note":"héllo"}';
      const ok = await fetch(url, { method: 'POST', headers: headersFor(body, { timestampSeconds }), body });
      assert.equal(ok.status, 200);
      assert.deepEqual(await ok.json(), { id: MSG_ID, payload: JSON.parse(body) });

      const tampered = await fetch(url, {
        method: 'POST',
        headers: headersFor(body, { timestampSeconds }),
        body: body.replace('héllo', 'hello'),
      });
      assert.equal(tampered.status, 400);
      assert.equal(await tampered.text(), 'invalid_signature');
    } finally {
      server.close();
      await once(server, 'close');
    }
  });
});

describe('verify: several signatures and secrets', () => {
  const oldSecret = generateSecret();
  const newSecret = generateSecret();
  const rotating = signatureHeader([createSigner(oldSecret), createSigner(newSecret)], MSG_ID, NOW, BODY);
  const withSignature = (signature: string) => ({ ...headersFor(BODY), 'webhook-signature': signature });

  test('a receiver holding either secret accepts a header signed with both', () => {
    assert.equal(verify(oldSecret, withSignature(rotating), BODY, { nowSeconds: NOW }).id, MSG_ID);
    assert.equal(verify(newSecret, withSignature(rotating), BODY, { nowSeconds: NOW }).id, MSG_ID);
    assertRejected(
      () => verify(SECRET, withSignature(rotating), BODY, { nowSeconds: NOW }),
      'invalid_signature',
    );
  });

  test('a receiver holding both secrets accepts a header signed with either', () => {
    const both = [newSecret, oldSecret] as const;
    const signedOld = sign(oldSecret, MSG_ID, NOW, BODY);
    const signedNew = sign(newSecret, MSG_ID, NOW, BODY);
    assert.equal(verify(both, withSignature(signedOld), BODY, { nowSeconds: NOW }).id, MSG_ID);
    assert.equal(verify(both, withSignature(signedNew), BODY, { nowSeconds: NOW }).id, MSG_ID);
    assertRejected(() => verify(both, headersFor(BODY), BODY, { nowSeconds: NOW }), 'invalid_signature');
  });

  test('ignores other signature versions such as v1a', () => {
    const v1 = sign(SECRET, MSG_ID, NOW, BODY);
    const v1a = `v1a,${v1.slice(3)}`;
    assertRejected(() => verify(SECRET, withSignature(v1a), BODY, { nowSeconds: NOW }), 'invalid_signature');
    assert.equal(verify(SECRET, withSignature(`${v1a} v2,abc ${v1}`), BODY, { nowSeconds: NOW }).id, MSG_ID);
  });

  test('a bad secret is reported as invalid_secret even when the request is fine', () => {
    assertRejected(() => verify('whsec_%%%', headersFor(BODY), BODY, { nowSeconds: NOW }), 'invalid_secret');
    assertRejected(() => verify([SECRET, ''], headersFor(BODY), BODY, { nowSeconds: NOW }), 'invalid_secret');
    assertRejected(() => verify([], headersFor(BODY), BODY, { nowSeconds: NOW }), 'invalid_secret');
  });
});
