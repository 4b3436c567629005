import { Buffer } from 'node:buffer';
import { createHmac, timingSafeEqual } from 'node:crypto';
import {
  readHeader,
  WEBHOOK_ID_HEADER,
  WEBHOOK_SIGNATURE_HEADER,
  WEBHOOK_TIMESTAMP_HEADER,
  type WebhookHeaders,
} from './headers.ts';
import { decodeSecret } from './secret.ts';
import { WebhookVerificationError } from './verification-error.ts';

/** Tuning for {@link verify}. */
export interface VerifyOptions {
  /**
   * How far the `webhook-timestamp` may be from now, either way, in seconds. Defaults to 300, the
   * Standard Webhooks recommendation: long enough for clock skew and slow networks, short enough
   * that a captured request cannot be replayed for long. `Infinity` disables the check.
   */
  toleranceSeconds?: number;
  /** The current time in unix seconds; defaults to the system clock. Lets tests pin the clock. */
  nowSeconds?: number;
}

/** A delivery whose signature and timestamp checked out. */
export interface VerifiedWebhook {
  /** The `webhook-id` header; store it to drop redeliveries of a message you already handled. */
  id: string;
  /** The `webhook-timestamp` header in unix seconds. */
  timestamp: number;
  /**
   * The body parsed as JSON, or the body as a string when it is not JSON (form-encoded Endpoints
   * receive `a=1&b=2`).
   */
  payload: unknown;
}

const DEFAULT_TOLERANCE_SECONDS = 300;

/**
 * Digits only, at most 15 of them so the value stays a safe integer. `parseInt` would accept
 * `"1614265330abc"`, and the signed string would then differ from what we compare against.
 */
const TIMESTAMP_PATTERN = /^\d{1,15}$/;

const SIGNATURE_VERSION_PREFIX = 'v1,';

/**
 * Checks a delivery's signature and freshness and parses its body.
 *
 * Pass the body exactly as received (raw string or bytes): re-serialising parsed JSON changes
 * whitespace and key order and breaks the signature.
 *
 * @param secretOrSecrets - the Endpoint secret, or several during rotation; any may match.
 * @param headers - the request headers (plain object with any casing, or a `Headers`).
 * @param body - the raw request body.
 * @param options - tolerance and clock; see {@link VerifyOptions}.
 * @returns the message id, timestamp and parsed payload.
 * @throws {WebhookVerificationError} when a header is missing, the timestamp is malformed or outside
 * the tolerance, no `v1` signature matches, or a secret cannot be decoded.
 */
export function verify(
  secretOrSecrets: string | readonly string[],
  headers: WebhookHeaders,
  body: string | Uint8Array,
  options: VerifyOptions = {},
): VerifiedWebhook {
  const secrets = typeof secretOrSecrets === 'string' ? [secretOrSecrets] : secretOrSecrets;
  if (secrets.length === 0) {
    throw new WebhookVerificationError('invalid_secret', 'no webhook secret given');
  }
  // Decode before looking at the request so a misconfigured secret is reported as such, not
  // disguised as a stream of invalid_signature errors.
  const keys = secrets.map(decodeSecret);

  const id = readHeader(headers, WEBHOOK_ID_HEADER);
  const timestampHeader = readHeader(headers, WEBHOOK_TIMESTAMP_HEADER);
  const signatures = readHeader(headers, WEBHOOK_SIGNATURE_HEADER);
  if (id === undefined || timestampHeader === undefined || signatures === undefined) {
    const missing = [
      id === undefined ? WEBHOOK_ID_HEADER : '',
      timestampHeader === undefined ? WEBHOOK_TIMESTAMP_HEADER : '',
      signatures === undefined ? WEBHOOK_SIGNATURE_HEADER : '',
    ].filter(Boolean);
    throw new WebhookVerificationError('missing_header', `missing header(s): ${missing.join(', ')}`);
  }

  const timestamp = checkTimestamp(timestampHeader, options);

  // Sign the timestamp text exactly as received, not a re-formatted number, so the signed string is
  // byte-for-byte what the sender signed.
  const expected = keys.map((key) =>
    Buffer.from(createHmac('sha256', key).update(`${id}.${timestampHeader}.`).update(body).digest('base64')),
  );
  if (!anySignatureMatches(signatures, expected)) {
    throw new WebhookVerificationError('invalid_signature', 'no v1 signature matches the secret(s)');
  }

  return { id, timestamp, payload: parsePayload(body) };
}

function checkTimestamp(timestampHeader: string, options: VerifyOptions): number {
  if (!TIMESTAMP_PATTERN.test(timestampHeader)) {
    throw new WebhookVerificationError('invalid_timestamp', 'webhook-timestamp must be unix seconds');
  }
  const timestamp = Number(timestampHeader);
  const toleranceSeconds = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  if (Number.isNaN(toleranceSeconds) || toleranceSeconds < 0) {
    throw new RangeError(`toleranceSeconds must be >= 0, got ${toleranceSeconds}`);
  }
  const nowSeconds = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (nowSeconds - timestamp > toleranceSeconds) {
    throw new WebhookVerificationError(
      'timestamp_too_old',
      `webhook-timestamp is ${nowSeconds - timestamp}s old; tolerance is ${toleranceSeconds}s`,
    );
  }
  if (timestamp - nowSeconds > toleranceSeconds) {
    throw new WebhookVerificationError(
      'timestamp_too_new',
      `webhook-timestamp is ${timestamp - nowSeconds}s in the future; tolerance is ${toleranceSeconds}s`,
    );
  }
  return timestamp;
}

/**
 * Compares every `v1,` entry with every expected signature in constant time per pair.
 *
 * Entries are separated by spaces. A trailing comma is dropped because `Headers.get` joins a repeated
 * header as `"v1,a, v1,b"`; base64 never ends in a comma, so nothing valid is lost. Other versions
 * (`v1a,` is the asymmetric scheme) are skipped, not rejected, so senders can add schemes without
 * breaking older receivers. The base64 text is compared rather than decoded bytes because Node's
 * decoder skips invalid characters, which would let many strings stand for one signature.
 */
function anySignatureMatches(header: string, expected: readonly Buffer[]): boolean {
  for (const rawEntry of header.split(' ')) {
    const entry = rawEntry.endsWith(',') ? rawEntry.slice(0, -1) : rawEntry;
    if (!entry.startsWith(SIGNATURE_VERSION_PREFIX)) continue;
    const candidate = Buffer.from(entry.slice(SIGNATURE_VERSION_PREFIX.length));
    for (const signature of expected) {
      // timingSafeEqual throws on unequal lengths; the length of a base64 HMAC-SHA256 is public.
      if (candidate.length === signature.length && timingSafeEqual(candidate, signature)) {
        return true;
      }
    }
  }
  return false;
}

function parsePayload(body: string | Uint8Array): unknown {
  const text =
    typeof body === 'string'
      ? body
      : Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
