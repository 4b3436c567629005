/**
 * The one place an error becomes HTTP: every failure leaves as `application/problem+json`
 * (RFC 9457) with a stable `code` and, when an input is at fault, the `field`.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, type ErrorCode } from '../app/app-error.ts';
import { assertNever } from '../domain/assert-never.ts';
import { fieldPathOf as fieldPath } from '../domain/field-path.ts';
import { InvalidCursorError } from '../store/pagination.ts';

/** The HTTP status of each error code. */
export function statusOf(code: ErrorCode): number {
  switch (code) {
    case 'invalid_json':
    case 'invalid_cursor':
    case 'malformed_request':
      return 400;
    case 'unauthorized':
      return 401;
    case 'forbidden':
    case 'scope_forbidden':
      return 403;
    case 'not_found':
    case 'route_not_found':
      return 404;
    case 'delivery_in_progress':
    case 'idempotency_conflict':
    case 'endpoint_disabled':
    case 'event_type_exists':
    case 'active_url_limit':
    case 'api_key_expiring':
      return 409;
    case 'request_timeout':
      return 408;
    case 'payload_too_large':
      return 413;
    case 'unsupported_media_type':
      return 415;
    case 'headers_too_large':
      return 431;
    case 'rate_limited':
      return 429;
    case 'missing_field':
    case 'unknown_field':
    case 'invalid_field':
    case 'invalid_url':
    case 'endpoint_url_blocked':
    case 'event_data_invalid':
    case 'unknown_event_type':
      return 422;
    case 'internal_error':
      return 500;
    case 'not_ready':
      return 503;
    default:
      return assertNever(code);
  }
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  408: 'Request Timeout',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** The problem details of an {@link AppError}: what every error response carries. */
export function problemOf(error: AppError): { status: number; title: string; body: Record<string, unknown> } {
  const status = statusOf(error.code);
  const title = TITLES[status] ?? 'Error';
  return {
    status,
    title,
    body: {
      type: `https://hookline.dev/errors#${error.code}`,
      title,
      status,
      code: error.code,
      detail: error.message,
      ...(error.field === undefined ? {} : { field: error.field }),
      ...error.details,
    },
  };
}

/** Sends an {@link AppError} as problem details. */
export function sendProblem(reply: FastifyReply, error: AppError): FastifyReply {
  const { status, body } = problemOf(error);
  // RFC 9110 §11.6.1: a 401 must name the authentication scheme the client is to use.
  if (status === 401) reply.header('www-authenticate', 'Bearer');
  return reply.code(status).type('application/problem+json').send(body);
}

interface AjvError {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

/** Turns the first schema violation into an {@link AppError} naming the field. */
function validationError(errors: readonly AjvError[], context: string | undefined): AppError {
  // With anyOf/union schemas ajv reports every branch; a missing or unknown field is the clearest.
  const first =
    errors.find((e) => e.keyword === 'required') ??
    errors.find((e) => e.keyword === 'additionalProperties') ??
    errors[0];
  if (!first) return new AppError('invalid_field', 'the request is invalid');
  const where = context === 'body' || context === undefined ? '' : `${context} `;
  if (first.keyword === 'required') {
    const field = fieldPath(first.instancePath, String(first.params['missingProperty']));
    return new AppError('missing_field', `${where}${field} is required`, field);
  }
  if (first.keyword === 'additionalProperties') {
    const field = fieldPath(first.instancePath, String(first.params['additionalProperty']));
    return new AppError('unknown_field', `${where}${field} is not a known field`, field);
  }
  const field = fieldPath(first.instancePath) || (context ?? 'body');
  return new AppError('invalid_field', `${where}${field} ${first.message ?? 'is invalid'}`, field);
}

/**
 * Maps anything thrown in a request to an {@link AppError}: our own errors as they are, the web
 * framework's (bad JSON, media type, body size, schema) to their codes, and the rest to
 * `internal_error` (logged, never shown: the message may hold internals).
 */
export function toAppError(error: unknown, request: FastifyRequest): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof InvalidCursorError) return new AppError('invalid_cursor', error.message, 'cursor');
  const e = error as FastifyError & { validation?: AjvError[]; validationContext?: string };
  if (e.validation) return validationError(e.validation, e.validationContext);
  switch (e.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError('invalid_json', 'the body is not valid JSON', 'body');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('payload_too_large', 'the request body is larger than allowed', 'body');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('unsupported_media_type', 'send the body as application/json', 'content-type');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new AppError('invalid_json', 'the body does not match its Content-Length', 'body');
    case 'FST_ERR_BAD_URL':
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return new AppError('route_not_found', `no route ${request.method} ${request.url.split('?')[0]}`);
  }
  if (e.statusCode === 400 && error instanceof SyntaxError) {
    return new AppError('invalid_json', 'the body is not valid JSON', 'body');
  }
  // The connection closed while the body was being read: the client gave up (or was cut off by the
  // request timeout). Nothing failed here and nobody is left to answer: one line, no stack.
  if (e.code === 'ECONNRESET' && request.raw.readableAborted) {
    request.log.info('the connection closed before the whole request was read');
    return new AppError('malformed_request', 'the connection was closed before the whole request arrived');
  }
  request.log.error({ err: error }, 'unexpected error');
  return new AppError('internal_error', 'something went wrong on our side (logged with the request id)');
}
