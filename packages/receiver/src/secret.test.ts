import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { describe, test } from 'node:test';
import { decodeSecret, generateSecret, SECRET_PREFIX } from './secret.ts';
import { WebhookVerificationError } from './verification-error.ts';

function assertInvalidSecret(fn: () => unknown): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof WebhookVerificationError);
    assert.equal(error.code, 'invalid_secret');
    return true;
  });
}

describe('generateSecret', () => {
  test('is whsec_ plus base64 of 24 bytes', () => {
    const secret = generateSecret();
    assert.match(secret, /^whsec_[A-Za-z0-9+/]{32}$/);
    assert.equal(decodeSecret(secret).length, 24);
  });

  test('is random', () => {
    const secrets = new Set(Array.from({ length: 50 }, generateSecret));
    assert.equal(secrets.size, 50);
  });
});

describe('decodeSecret', () => {
  test('decodes the key bytes with or without the prefix', () => {
    const key = Buffer.from('0123456789abcdefghijklmn');
    const encoded = key.toString('base64');
    assert.deepEqual(decodeSecret(SECRET_PREFIX + encoded), key);
    assert.deepEqual(decodeSecret(encoded), key);
  });

  test('accepts unpadded base64', () => {
    assert.deepEqual(decodeSecret('whsec_YWJjZA'), Buffer.from('abcd'));
    assert.deepEqual(decodeSecret('whsec_YWJjZA=='), Buffer.from('abcd'));
  });

  test('rejects empty secrets', () => {
    assertInvalidSecret(() => decodeSecret(''));
    assertInvalidSecret(() => decodeSecret('whsec_'));
  });

  test('rejects text that Buffer would decode leniently', () => {
    assertInvalidSecret(() => decodeSecret('whsec_not base64!'));
    assertInvalidSecret(() => decodeSecret('whsec_abc-def_'));
    assertInvalidSecret(() => decodeSecret('whsec_YWJjZA=x'));
    assertInvalidSecret(() => decodeSecret('whsec_Y'));
    assertInvalidSecret(() => decodeSecret(' whsec_YWJjZA=='));
  });

  test('rejects a non-string, such as an unset environment variable', () => {
    assertInvalidSecret(() => decodeSecret(undefined as unknown as string));
  });
});
