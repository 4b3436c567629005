/**
 * Every reason {@link verify} or {@link decodeSecret} can reject, as one closed list.
 *
 * The README's error table is checked against this list by a test, so adding a code here without
 * documenting it fails the build.
 */
export const WEBHOOK_VERIFICATION_ERROR_CODES = [
  'missing_header',
  'invalid_timestamp',
  'timestamp_too_old',
  'timestamp_too_new',
  'invalid_signature',
  'invalid_secret',
] as const;

/** Why a webhook was rejected; see {@link WEBHOOK_VERIFICATION_ERROR_CODES}. */
export type WebhookVerificationErrorCode = (typeof WEBHOOK_VERIFICATION_ERROR_CODES)[number];

/**
 * Thrown when a delivery cannot be trusted or a secret cannot be decoded.
 *
 * Callers branch on {@link WebhookVerificationError.code}, never on the message: messages are for
 * logs and may change wording between releases.
 */
export class WebhookVerificationError extends Error {
  /** Machine-readable reason; stable across releases. */
  readonly code: WebhookVerificationErrorCode;

  /**
   * @param code - machine-readable reason.
   * @param message - human-readable detail for logs.
   */
  constructor(code: WebhookVerificationErrorCode, message: string) {
    super(message);
    this.name = 'WebhookVerificationError';
    this.code = code;
  }
}
