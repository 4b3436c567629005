/** Header carrying the unique message id; receivers use it to drop duplicate deliveries. */
export const WEBHOOK_ID_HEADER = 'webhook-id';

/** Header carrying the send time in unix seconds; bounds how long a captured request can be replayed. */
export const WEBHOOK_TIMESTAMP_HEADER = 'webhook-timestamp';

/** Header carrying one or more space-separated `v1,<base64>` signatures. */
export const WEBHOOK_SIGNATURE_HEADER = 'webhook-signature';

/** A WHATWG `Headers` object, or anything else with a case-insensitive `get`. */
export interface HeadersLike {
  /** Returns the header value, or `null`/`undefined` when absent. */
  get(name: string): string | null | undefined;
}

/**
 * Request headers as frameworks hand them over: Node's `IncomingMessage.headers` (lower-case keys),
 * a hand-built object with any casing, or a fetch-style `Headers`.
 */
export type WebhookHeaders = Readonly<Record<string, string | readonly string[] | undefined>> | HeadersLike;

function isHeadersLike(headers: WebhookHeaders): headers is HeadersLike {
  return typeof (headers as Partial<HeadersLike>).get === 'function';
}

/**
 * Looks a header up case-insensitively.
 *
 * Repeated headers given as arrays are joined with `", "`, the same way `Headers.get` joins them, so
 * both shapes produce the same string and the signature parser has one format to handle.
 *
 * @param headers - the request headers.
 * @param lowerCaseName - the header name, already lower-case.
 * @returns the value, or `undefined` when absent or empty.
 */
export function readHeader(headers: WebhookHeaders, lowerCaseName: string): string | undefined {
  if (isHeadersLike(headers)) {
    return headers.get(lowerCaseName) || undefined;
  }
  // Fast path: Node lower-cases incoming header names, so the exact key almost always hits.
  let value = headers[lowerCaseName];
  if (value === undefined) {
    for (const key of Object.keys(headers)) {
      if (key.toLowerCase() === lowerCaseName) {
        value = headers[key];
        break;
      }
    }
  }
  const joined = typeof value === 'string' || value === undefined ? value : value.join(', ');
  return joined || undefined;
}
