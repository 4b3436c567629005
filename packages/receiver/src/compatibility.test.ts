// Checks our wire format against the reference `standardwebhooks` package in both directions, so
// merchants can verify Hookline deliveries with any Standard Webhooks library and vice versa.
import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { describe, test } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { generateSecret } from './secret.ts';
import { createSigner, sign, signatureHeader } from './sign.ts';
import { verify } from './verify.ts';

const MSG_ID = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
const BODY = '{"type":"subscription.renewed","data":{"plan":"pro","note":"naïve ✓"}}';

// The reference library reads the system clock with no override, so sign with the current time.
const nowSeconds = () => Math.floor(Date.now() / 1000);

describe('compatibility with standardwebhooks', () => {
  test('the published test vector signs identically in both libraries', () => {
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const expected = 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=';
    const body = '{"test": 2432232314}';
    assert.equal(sign(secret, MSG_ID, 1614265330, body), expected);
    assert.equal(new Webhook(secret).sign(MSG_ID, new Date(1614265330 * 1000), body), expected);
  });

  test('their verify accepts what we sign (string and byte bodies)', () => {
    const secret = generateSecret();
    const timestampSeconds = nowSeconds();
    for (const body of [BODY, Buffer.from(BODY)]) {
      const headers = {
        'webhook-id': MSG_ID,
        'webhook-timestamp': String(timestampSeconds),
        'webhook-signature': sign(secret, MSG_ID, timestampSeconds, body),
      };
      assert.deepEqual(new Webhook(secret).verify(body, headers), JSON.parse(BODY));
    }
  });

  test('their verify accepts a rotation header with several of our signatures', () => {
    const oldSecret = generateSecret();
    const newSecret = generateSecret();
    const timestampSeconds = nowSeconds();
    const headers = {
      'webhook-id': MSG_ID,
      'webhook-timestamp': String(timestampSeconds),
      'webhook-signature': signatureHeader(
        [createSigner(oldSecret), createSigner(newSecret)],
        MSG_ID,
        timestampSeconds,
        BODY,
      ),
    };
    assert.deepEqual(new Webhook(oldSecret).verify(BODY, headers), JSON.parse(BODY));
    assert.deepEqual(new Webhook(newSecret).verify(BODY, headers), JSON.parse(BODY));
    assert.throws(() => new Webhook(generateSecret()).verify(BODY, headers));
  });

  test('our verify accepts what they sign', () => {
    const secret = generateSecret();
    const timestampSeconds = nowSeconds();
    const signature = new Webhook(secret).sign(MSG_ID, new Date(timestampSeconds * 1000), BODY);
    const headers = {
      'webhook-id': MSG_ID,
      'webhook-timestamp': String(timestampSeconds),
      'webhook-signature': signature,
    };
    assert.deepEqual(verify(secret, headers, BODY), {
      id: MSG_ID,
      timestamp: timestampSeconds,
      payload: JSON.parse(BODY),
    });
    assert.deepEqual(verify(secret, headers, Buffer.from(BODY)).payload, JSON.parse(BODY));
    assert.throws(() => verify(secret, headers, BODY.replace('pro', 'free')));
  });

  test('a secret from generateSecret decodes to the same key in both libraries', () => {
    const secret = generateSecret();
    const timestampSeconds = nowSeconds();
    assert.equal(
      new Webhook(secret).sign(MSG_ID, new Date(timestampSeconds * 1000), BODY),
      sign(secret, MSG_ID, timestampSeconds, BODY),
    );
  });
});
