/**
 * The only place Hookline makes outbound HTTP. One POST per attempt through undici's `request` on a
 * keep-alive pool per origin (about 10× the throughput of `fetch` here), with:
 * - one total deadline for connect, send, headers and body (a receiver that drips one byte a second
 *   cannot hold a worker slot beyond `timeoutMs`);
 * - no redirects (undici's `request` does not follow them; a 3xx is judged a failure);
 * - a capped response body: at most `maxResponseBodyBytes` are kept, after decompression, and reading
 *   stops there, so an endless or gzip-bomb response costs at most the cap in memory.
 * Expected failures come back as a {@link SendOutcome} value, never as an exception.
 */
import type { Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { type Dispatcher, request } from 'undici';
import type { SendErrorCode, SendOutcome } from '../domain/send-outcome.ts';

/** One attempt to send. */
export interface SendRequest {
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: string;
  readonly timeoutMs: number;
}

/** Options of {@link HttpSender}. */
export interface HttpSenderOptions {
  /** The guarded agent (see `ssrf-guard.ts`): every connection goes through its address check. */
  readonly dispatcher: Dispatcher;
  readonly maxResponseBodyBytes: number;
}

/** Sends webhook attempts. */
export class HttpSender {
  private readonly dispatcher: Dispatcher;
  private readonly maxResponseBodyBytes: number;

  constructor(options: HttpSenderOptions) {
    this.dispatcher = options.dispatcher;
    this.maxResponseBodyBytes = options.maxResponseBodyBytes;
  }

  /** Sends one POST and reports what happened. Never throws. */
  async send(req: SendRequest): Promise<SendOutcome> {
    const startedMs = performance.now();
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), req.timeoutMs);
    try {
      const response = await request(req.url, {
        method: 'POST',
        headers: req.headers,
        body: req.body,
        dispatcher: this.dispatcher,
        signal: controller.signal,
        // The AbortController is the real deadline; these only stop undici's own, longer defaults
        // (300 s) from mattering.
        headersTimeout: req.timeoutMs,
        bodyTimeout: req.timeoutMs,
      });
      const body = await readCapped(
        response.body,
        header(response.headers['content-encoding']),
        this.maxResponseBodyBytes,
      );
      return {
        kind: 'response',
        statusCode: response.statusCode,
        durationMs: Math.round(performance.now() - startedMs),
        body: body.text,
        bodyTruncated: body.truncated,
        retryAfter: header(response.headers['retry-after']),
      };
    } catch (error) {
      const durationMs = Math.round(performance.now() - startedMs);
      if (controller.signal.aborted) {
        return {
          kind: 'error',
          errorCode: 'timeout',
          message: `no complete response within ${req.timeoutMs} ms`,
          durationMs,
        };
      }
      return { kind: 'error', ...describeError(error), durationMs };
    } finally {
      clearTimeout(timer);
    }
  }
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function decoderFor(encoding: string | undefined) {
  switch (encoding?.trim().toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
      return createGunzip();
    case 'deflate':
      return createInflate();
    case 'br':
      return createBrotliDecompress();
    default:
      return undefined;
  }
}

/**
 * Reads at most `cap` bytes of (decoded) body, then destroys the stream so the rest is never read.
 * A body that cannot be decoded keeps what was decoded before the error.
 */
async function readCapped(
  body: Readable,
  encoding: string | undefined,
  cap: number,
): Promise<{ text: string; truncated: boolean }> {
  const decoder = decoderFor(encoding);
  let source: Readable = body;
  let encodedBytes = 0;
  if (decoder) {
    body.on('error', (error) => decoder.destroy(error));
    body.on('data', (chunk: Buffer) => {
      encodedBytes += chunk.length;
    });
    source = body.pipe(decoder);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let truncated = false;
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      // A chunk arriving when the cap is already full means the body was longer than the cap.
      if (size === cap) {
        truncated = true;
        break;
      }
      const room = cap - size;
      if (chunk.length > room) {
        chunks.push(chunk.subarray(0, room));
        size = cap;
        truncated = true;
        break;
      }
      chunks.push(chunk);
      size += chunk.length;
    }
  } catch (error) {
    // A broken compressed stream keeps what decoded; a deadline or reset is the caller's business.
    if (!decoder || body.errored) throw error;
    // No bytes at all (a 204 that names an encoding) is an empty body, which zlib calls an early end.
    truncated = encodedBytes > 0;
  } finally {
    decoder?.destroy();
    body.destroy();
  }
  const bytes = Buffer.concat(chunks, size);
  // A cut may fall inside a multi-byte character: end before it, so the stored text stays within the
  // cap and holds no broken character.
  const end = truncated ? utf8Boundary(bytes) : bytes.length;
  return { text: bytes.toString('utf8', 0, end), truncated };
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

// Node and undici error codes grouped into the closed set the attempt log shows.
function describeError(error: unknown): { errorCode: SendErrorCode; message: string } {
  const e = error as {
    name?: string;
    code?: string;
    message?: string;
    cause?: { code?: string; message?: string };
  };
  const code = e.code ?? e.cause?.code ?? '';
  const message = e.cause?.message ?? e.message ?? String(error);
  // undici 7 leaves `code` unset on its HTTPParserError (it looks the llhttp error name up by the
  // wrong key), so a response that breaks HTTP/1.1 is recognised by the error's name as well.
  if (e.name === 'HTTPParserError') return { errorCode: 'invalid_response', message };
  if (code === 'ERR_HOOKLINE_BLOCKED_ADDRESS') return { errorCode: 'blocked_address', message };
  if (code === 'ECONNREFUSED') return { errorCode: 'connection_refused', message };
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'UND_ERR_SOCKET' || code === 'UND_ERR_CLOSED') {
    return { errorCode: 'connection_reset', message };
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME' || code === 'EAI_FAIL') {
    return { errorCode: 'dns_failure', message };
  }
  if (code.startsWith('UND_ERR_') && code.includes('TIMEOUT')) return { errorCode: 'timeout', message };
  if (code === 'ETIMEDOUT') return { errorCode: 'timeout', message };
  if (code.startsWith('HPE_') || code === 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH' || code === 'UND_ERR_INFO') {
    return { errorCode: 'invalid_response', message };
  }
  if (
    code.startsWith('ERR_TLS') ||
    code.startsWith('ERR_SSL') ||
    /CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code)
  ) {
    return { errorCode: 'tls_error', message };
  }
  return { errorCode: 'network_error', message: code ? `${code}: ${message}` : message };
}
