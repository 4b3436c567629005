/**
 * What the attempt log keeps of each HTTP exchange besides its outcome: the request headers and body
 * as sent, and the response headers as received, so a merchant can see exactly what their receiver
 * got and said. Three rules keep it safe to show and bounded to store:
 * - a header that carries a credential keeps its name and loses its value (`[redacted]`): a custom
 *   `Authorization` of the endpoint, a `Set-Cookie` of the receiver;
 * - headers are kept up to {@link MAX_RECORDED_HEADER_BYTES}, whole headers only, in the order they
 *   came;
 * - a body is kept up to the operator's cap (`HOOKLINE_LOGGED_REQUEST_BODY_BYTES`), cut on a character
 *   boundary and marked when cut.
 * Headers are stored as JSON text (an object of lower-case name → value): built once here, parsed only
 * when someone reads the log.
 */

/** What a value that was not kept reads as. */
export const REDACTED = '[redacted]';

/**
 * How much of the headers of one request or response the log keeps: their JSON text, counted in
 * characters before escaping (header values are printable ASCII in practice).
 */
export const MAX_RECORDED_HEADER_BYTES = 8 * 1024;

// Names whose value is a credential or session: exact names, then words inside a name (`x-api-key`,
// `x-auth-token`, `x-shop-secret`). `webhook-signature` is Hookline's own HMAC of this very request:
// it proves nothing without the secret and is what a merchant compares when verification fails.
const SENSITIVE_NAMES = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie']);
const SENSITIVE_WORDS = /token|secret|passw|auth|session|key|credential|cookie/;

/** Whether the value of a header is left out of the attempt log. */
export function isSensitiveHeader(name: string): boolean {
  if (name === 'webhook-signature') return false;
  return SENSITIVE_NAMES.has(name) || SENSITIVE_WORDS.test(name);
}

// The same answer for the names seen lately: every attempt records the same few names.
const sensitivityOf = new Map<string, boolean>();

function sensitive(name: string): boolean {
  let answer = sensitivityOf.get(name);
  if (answer === undefined) {
    answer = isSensitiveHeader(name);
    if (sensitivityOf.size >= 1_000) sensitivityOf.clear();
    sensitivityOf.set(name, answer);
  }
  return answer;
}

/**
 * The JSON text the log keeps of headers: those of a request as the engine sends them, or of a response
 * as undici parses them (names in lower case in both; a repeated response header as an array, joined
 * here with `, ` as HTTP allows).
 */
export function recordedHeaders(headers: Readonly<Record<string, string | string[] | undefined>>): string {
  // Most sets hold nothing to redact, join or cut: they are written as they are.
  let size = 2;
  let plain = true;
  for (const name in headers) {
    const value = headers[name];
    if (typeof value !== 'string' || sensitive(name)) {
      plain = false;
      break;
    }
    size += name.length + value.length + 6;
  }
  if (plain && size <= MAX_RECORDED_HEADER_BYTES) return JSON.stringify(headers);
  const kept: Record<string, string> = {};
  size = 2;
  for (const name in headers) {
    const raw = headers[name];
    if (raw === undefined) continue;
    const value = sensitive(name) ? REDACTED : typeof raw === 'string' ? raw : raw.join(', ');
    const added = name.length + value.length + 6;
    if (size + added > MAX_RECORDED_HEADER_BYTES) break;
    kept[name] = value;
    size += added;
  }
  return JSON.stringify(kept);
}

/** A request body as the log keeps it. */
export interface RecordedBody {
  /** `null` when the operator keeps no request bodies (a cap of 0). */
  readonly body: string | null;
  readonly truncated: boolean;
}

const NOT_KEPT: RecordedBody = { body: null, truncated: false };

/** The part of `body` the log keeps under a cap of `capBytes` UTF-8 bytes. */
export function recordedBody(body: string, capBytes: number): RecordedBody {
  if (capBytes <= 0) return NOT_KEPT;
  // A UTF-16 unit is at most 3 bytes of UTF-8: most bodies are known to fit without being measured.
  if (body.length * 3 <= capBytes) return { body, truncated: false };
  const bytes = Buffer.from(body, 'utf8');
  if (bytes.length <= capBytes) return { body, truncated: false };
  return { body: bytes.toString('utf8', 0, utf8Boundary(bytes.subarray(0, capBytes))), truncated: true };
}

/** The length of the longest prefix of `bytes` that ends on a whole UTF-8 character. */
export function utf8Boundary(bytes: Buffer): number {
  let start = bytes.length - 1;
  // Continuation bytes are 10xxxxxx; a character has at most three of them.
  while (start >= 0 && bytes.length - start <= 3 && ((bytes[start] as number) & 0xc0) === 0x80) start--;
  if (start < 0) return bytes.length;
  const lead = bytes[start] as number;
  const width = lead >= 0xf8 ? 1 : lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  return start + width <= bytes.length ? bytes.length : start;
}
