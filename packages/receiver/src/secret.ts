import { Buffer } from 'node:buffer';
import { randomBytes } from 'node:crypto';
import { WebhookVerificationError } from './verification-error.ts';

/** Prefix that marks a Standard Webhooks signing secret; the rest is base64 of the key bytes. */
export const SECRET_PREFIX = 'whsec_';

/**
 * 24 bytes = 192 bits of key: the lower end of the 24–64 bytes the Standard Webhooks spec
 * recommends, and what the reference implementations generate.
 */
const GENERATED_KEY_BYTES = 24;

/**
 * Standard base64 with optional padding. `Buffer.from(s, 'base64')` silently skips characters
 * outside the alphabet, so a secret with a typo (or a URL-safe `-`/`_`) would decode to a
 * different, shorter key and every signature would quietly mismatch; checking the shape first turns
 * that into an `invalid_secret` error at startup instead.
 */
const BASE64_PATTERN = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}(?:==)?|[A-Za-z0-9+/]{3}=?)?$/;

/**
 * Creates a new signing secret for an Endpoint.
 *
 * @returns `whsec_` followed by base64 of 24 cryptographically random bytes.
 */
export function generateSecret(): string {
  return SECRET_PREFIX + randomBytes(GENERATED_KEY_BYTES).toString('base64');
}

/**
 * Turns a `whsec_…` secret into the HMAC key bytes.
 *
 * The prefix is optional because some dashboards show the secret without it and users paste
 * whatever they see.
 *
 * @param secret - `whsec_<base64>` or bare `<base64>`.
 * @returns the key bytes (never empty).
 * @throws {WebhookVerificationError} code `invalid_secret` when the secret is empty or not base64.
 */
export function decodeSecret(secret: string): Buffer {
  if (typeof secret !== 'string') {
    throw new WebhookVerificationError('invalid_secret', 'webhook secret must be a string');
  }
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  if (encoded.length === 0) {
    throw new WebhookVerificationError('invalid_secret', 'webhook secret is empty');
  }
  if (!BASE64_PATTERN.test(encoded)) {
    throw new WebhookVerificationError(
      'invalid_secret',
      `webhook secret is not valid base64 after the optional "${SECRET_PREFIX}" prefix`,
    );
  }
  return Buffer.from(encoded, 'base64');
}
