import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';
import { decodeSecret } from './secret.ts';

/** Signs one message with a secret fixed at creation; returns `v1,<base64 HMAC-SHA256>`. */
export type Signer = (msgId: string, timestampSeconds: number, body: string | Uint8Array) => string;

/**
 * Timestamps at or above this are almost certainly `Date.now()` milliseconds passed by mistake:
 * 1e11 seconds is the year 5138. Signing such a value would produce a header every receiver
 * rejects as `timestamp_too_new`, so fail loudly at the sender instead.
 */
const MAX_TIMESTAMP_SECONDS = 1e11;

/**
 * Builds the one string Standard Webhooks signs and the HMAC over it.
 *
 * The body is fed to the HMAC as is (bytes stay bytes, strings are UTF-8) rather than concatenated,
 * so a large Uint8Array body is never copied into a string.
 */
function computeSignature(
  key: KeyObject,
  msgId: string,
  timestampSeconds: number,
  body: string | Uint8Array,
): string {
  if (
    !Number.isSafeInteger(timestampSeconds) ||
    timestampSeconds < 0 ||
    timestampSeconds >= MAX_TIMESTAMP_SECONDS
  ) {
    throw new RangeError(`timestampSeconds must be whole unix seconds, got ${timestampSeconds}`);
  }
  const digest = createHmac('sha256', key)
    .update(`${msgId}.${timestampSeconds}.`)
    .update(body)
    .digest('base64');
  return `v1,${digest}`;
}

/**
 * Prepares a signer for one secret.
 *
 * The server signs thousands of deliveries per second with the same Endpoint secret; decoding the
 * base64 and wrapping it in a `KeyObject` once here keeps that work off the hot path.
 *
 * @param secret - `whsec_<base64>` (prefix optional).
 * @returns a function producing `v1,<base64>` for a message.
 * @throws {WebhookVerificationError} code `invalid_secret` when the secret cannot be decoded.
 */
export function createSigner(secret: string): Signer {
  const key = createSecretKey(decodeSecret(secret));
  return (msgId, timestampSeconds, body) => computeSignature(key, msgId, timestampSeconds, body);
}

/**
 * Signs one message; convenient for tests and one-off scripts. Use {@link createSigner} when
 * signing repeatedly with the same secret.
 *
 * @param secret - `whsec_<base64>` (prefix optional).
 * @param msgId - value of the `webhook-id` header.
 * @param timestampSeconds - value of the `webhook-timestamp` header, in unix seconds.
 * @param body - the exact bytes that will be sent.
 * @returns `v1,<base64 HMAC-SHA256 of "{msgId}.{timestampSeconds}.{body}">`.
 */
export function sign(
  secret: string,
  msgId: string,
  timestampSeconds: number,
  body: string | Uint8Array,
): string {
  return createSigner(secret)(msgId, timestampSeconds, body);
}

/**
 * Builds the `webhook-signature` header value from several secrets.
 *
 * During secret rotation an Endpoint has an old and a new secret for a while; signing with both lets
 * receivers switch at their own pace, since a verifier accepts when any signature matches.
 *
 * @param signers - one {@link Signer} per active secret, from {@link createSigner}.
 * @param msgId - value of the `webhook-id` header.
 * @param timestampSeconds - value of the `webhook-timestamp` header, in unix seconds.
 * @param body - the exact bytes that will be sent.
 * @returns the signatures joined by single spaces.
 * @throws {RangeError} when `signers` is empty: an empty header would be an unsigned delivery.
 */
export function signatureHeader(
  signers: readonly Signer[],
  msgId: string,
  timestampSeconds: number,
  body: string | Uint8Array,
): string {
  if (signers.length === 0) {
    throw new RangeError('signatureHeader needs at least one signer');
  }
  return signers.map((signer) => signer(msgId, timestampSeconds, body)).join(' ');
}
