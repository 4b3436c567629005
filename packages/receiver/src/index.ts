/**
 * Standard Webhooks signing and verification with no runtime dependencies.
 *
 * The Hookline server signs every delivery with this package and receivers verify with it, so the
 * wire format is defined in exactly one place.
 *
 * @packageDocumentation
 */
export {
  type HeadersLike,
  WEBHOOK_ID_HEADER,
  WEBHOOK_SIGNATURE_HEADER,
  WEBHOOK_TIMESTAMP_HEADER,
  type WebhookHeaders,
} from './headers.ts';
export { decodeSecret, generateSecret, SECRET_PREFIX } from './secret.ts';
export { createSigner, type Signer, sign, signatureHeader } from './sign.ts';
export {
  WEBHOOK_VERIFICATION_ERROR_CODES,
  WebhookVerificationError,
  type WebhookVerificationErrorCode,
} from './verification-error.ts';
export { type VerifiedWebhook, type VerifyOptions, verify } from './verify.ts';
