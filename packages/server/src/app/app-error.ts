/**
 * The closed set of error codes Hookline answers with. `api/error-response.ts` is the one place a code
 * becomes an HTTP status; `docs/errors.md` documents each code and a test keeps the two in step.
 */

/** Every error code of the API. */
export const ERROR_CODES = [
  'unauthorized',
  'forbidden',
  'scope_forbidden',
  'not_found',
  'route_not_found',
  'malformed_request',
  'request_timeout',
  'headers_too_large',
  'invalid_json',
  'unsupported_media_type',
  'missing_field',
  'unknown_field',
  'invalid_field',
  'invalid_cursor',
  'invalid_url',
  'endpoint_url_blocked',
  'endpoint_disabled',
  'payload_too_large',
  'delivery_in_progress',
  'idempotency_conflict',
  'event_data_invalid',
  'event_type_exists',
  'unknown_event_type',
  'active_url_limit',
  'api_key_expiring',
  'rate_limited',
  'not_ready',
  'internal_error',
] as const;

/** A stable error code. */
export type ErrorCode = (typeof ERROR_CODES)[number];

/** An expected failure of a use case: a code, a sentence for people, and the input field at fault. */
export class AppError extends Error {
  override readonly name = 'AppError';
  readonly code: ErrorCode;
  /** The offending input, as a path such as `url`, `events[2].data` or `accountId`. */
  readonly field: string | undefined;
  /** Extra members of the problem details (e.g. the `limit` that was reached). */
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(code: ErrorCode, message: string, field?: string, details?: Readonly<Record<string, unknown>>) {
    super(message);
    this.code = code;
    this.field = field;
    this.details = details;
  }
}

/** The 404 every lookup gives, whether the resource is missing or belongs to another account. */
export function notFound(what: string, field: string): AppError {
  return new AppError('not_found', `${what} not found`, field);
}
