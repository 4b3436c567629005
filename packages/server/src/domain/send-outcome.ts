/**
 * What one HTTP attempt came to, as a value (expected failures are not exceptions), and how the
 * engine judges it.
 */

/** Why an attempt got no HTTP response. A closed set: the attempt log and the docs use these codes. */
export type SendErrorCode =
  | 'timeout'
  | 'connection_refused'
  | 'connection_reset'
  | 'dns_failure'
  | 'blocked_address'
  | 'tls_error'
  | 'invalid_response'
  | 'network_error';

/** The outcome of one attempt. */
export type SendOutcome = (
  | {
      readonly kind: 'response';
      readonly statusCode: number;
      readonly durationMs: number;
      /** The response body, decompressed and cut at the configured cap. */
      readonly body: string;
      readonly bodyTruncated: boolean;
      /** The response headers as the attempt log keeps them (see `attempt-record.ts`): JSON text. */
      readonly headersJson: string;
      /** The `Retry-After` header, raw. */
      readonly retryAfter: string | undefined;
    }
  | {
      readonly kind: 'error';
      readonly errorCode: SendErrorCode;
      readonly message: string;
      readonly durationMs: number;
    }
) & {
  /** How long the attempt waited for its endpoint's turn before it went out; absent when it did not. */
  readonly waitedMs?: number;
  /**
   * The request headers as the attempt log keeps them (JSON text), recorded where the request is sent;
   * absent when it never reached the sender (the sending thread died first).
   */
  readonly requestHeadersJson?: string;
};

/** How an outcome counts: delivered, the endpoint is gone for good, or try again later. */
export type OutcomeVerdict = 'succeeded' | 'gone' | 'retryable';

/**
 * 2xx is success. 410 Gone means the receiver wants no more: the endpoint is disabled.
 * Everything else retries by the schedule: 3xx (redirects are never followed, so a move is a
 * misconfiguration the merchant can fix), 4xx, 429, 5xx, timeouts and network errors.
 */
export function judgeOutcome(outcome: SendOutcome): OutcomeVerdict {
  if (outcome.kind === 'error') return 'retryable';
  if (outcome.statusCode >= 200 && outcome.statusCode < 300) return 'succeeded';
  if (outcome.statusCode === 410) return 'gone';
  return 'retryable';
}

/** Statuses whose `Retry-After` the engine honours (RFC 9110: 503; RFC 6585: 429). */
export function honoursRetryAfter(outcome: SendOutcome): boolean {
  return outcome.kind === 'response' && (outcome.statusCode === 429 || outcome.statusCode === 503);
}
