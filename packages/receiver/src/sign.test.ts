import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { describe, test } from 'node:test';
import { generateSecret } from './secret.ts';
import { createSigner, sign, signatureHeader } from './sign.ts';
import { WebhookVerificationError } from './verification-error.ts';

// Published Standard Webhooks test vector (spec and every reference library use it).
const VECTOR = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  msgId: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestampSeconds: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};

describe('sign', () => {
  test('matches the published test vector', () => {
    assert.equal(sign(VECTOR.secret, VECTOR.msgId, VECTOR.timestampSeconds, VECTOR.body), VECTOR.signature);
  });

  test('createSigner gives the same result and can be reused', () => {
    const signer = createSigner(VECTOR.secret);
    assert.equal(signer(VECTOR.msgId, VECTOR.timestampSeconds, VECTOR.body), VECTOR.signature);
    assert.equal(signer(VECTOR.msgId, VECTOR.timestampSeconds, VECTOR.body), VECTOR.signature);
  });

  test('the secret prefix is optional', () => {
    const bare = VECTOR.secret.slice('whsec_'.length);
    assert.equal(sign(bare, VECTOR.msgId, VECTOR.timestampSeconds, VECTOR.body), VECTOR.signature);
  });

  test('signs Uint8Array bodies as their bytes, including views into larger buffers', () => {
    const bytes = new TextEncoder().encode(VECTOR.body);
    assert.equal(sign(VECTOR.secret, VECTOR.msgId, VECTOR.timestampSeconds, bytes), VECTOR.signature);
    const padded = Buffer.concat([Buffer.from('xx'), bytes, Buffer.from('yy')]);
    const view = new Uint8Array(padded.buffer, padded.byteOffset + 2, bytes.length);
    assert.equal(sign(VECTOR.secret, VECTOR.msgId, VECTOR.timestampSeconds, view), VECTOR.signature);
  });

  test('every signed part changes the signature', () => {
    const { secret, msgId, timestampSeconds, body, signature } = VECTOR;
    assert.notEqual(sign(secret, `${msgId}x`, timestampSeconds, body), signature);
    assert.notEqual(sign(secret, msgId, timestampSeconds + 1, body), signature);
    assert.notEqual(sign(secret, msgId, timestampSeconds, `${body} `), signature);
    assert.notEqual(sign(generateSecret(), msgId, timestampSeconds, body), signature);
  });

  test('rejects timestamps that are not whole unix seconds', () => {
    const signer = createSigner(VECTOR.secret);
    assert.throws(() => signer(VECTOR.msgId, Date.now(), VECTOR.body), RangeError);
    assert.throws(() => signer(VECTOR.msgId, 1614265330.5, VECTOR.body), RangeError);
    assert.throws(() => signer(VECTOR.msgId, -1, VECTOR.body), RangeError);
    assert.throws(() => signer(VECTOR.msgId, Number.NaN, VECTOR.body), RangeError);
  });

  test('a bad secret fails when the signer is created, not on first use', () => {
    assert.throws(
      () => createSigner('whsec_***'),
      (error: unknown) => error instanceof WebhookVerificationError && error.code === 'invalid_secret',
    );
  });
});

describe('signatureHeader', () => {
  test('joins one signature per secret with spaces, in order', () => {
    const other = generateSecret();
    const header = signatureHeader(
      [createSigner(VECTOR.secret), createSigner(other)],
      VECTOR.msgId,
      VECTOR.timestampSeconds,
      VECTOR.body,
    );
    assert.equal(
      header,
      `${VECTOR.signature} ${sign(other, VECTOR.msgId, VECTOR.timestampSeconds, VECTOR.body)}`,
    );
  });

  test('refuses to build an empty header', () => {
    assert.throws(() => signatureHeader([], VECTOR.msgId, VECTOR.timestampSeconds, VECTOR.body), RangeError);
  });
});
