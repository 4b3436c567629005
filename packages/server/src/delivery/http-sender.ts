/**
 * The only place Hookline makes outbound HTTP. One POST per attempt through undici's `dispatch` on a
 * keep-alive pool per origin, with a handler of our own rather than `request` or `fetch`: no streams,
 * abort signals or async iterators per attempt, which in a busy process is most of what `request`
 * allocates (and what the garbage collector then has to clear). Each attempt gets:
 * - one total deadline for connect, send, headers and body (a receiver that drips one byte a second
 *   cannot hold a worker slot beyond `timeoutMs`);
 * - no redirects (`dispatch` does not follow them; a 3xx is judged a failure);
 * - a capped response body: at most `maxResponseBodyBytes` are kept, after decompression, and reading
 *   stops there, so an endless or gzip-bomb response costs at most the cap in memory.
 * Expected failures come back as a {@link SendOutcome} value, never as an exception.
 */
import type { Transform } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { Dispatcher } from 'undici';
import { recordedHeaders, utf8Boundary } from '../domain/attempt-record.ts';
import type { SendErrorCode, SendOutcome } from '../domain/send-outcome.ts';

/** One attempt to send. */
export interface SendRequest {
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: string;
  /** The deadline, counted from when the request goes out (after any wait in its lane). */
  readonly timeoutMs: number;
  /** Requests of one lane go out at most `concurrency` at a time; the others wait, in order. */
  readonly lane?: SendLane | undefined;
}

/**
 * A lane: the engine keys one per endpoint, so its concurrency cap is counted here, where the HTTP
 * requests are, rather than where attempts are handed over. The engine may then hand over a few more
 * than the cap: they wait here and go out the moment an earlier request ends, instead of after a trip
 * through the engine's thread and back.
 */
export interface SendLane {
  readonly key: string;
  /** The latest cap: a changed endpoint applies from its next request. */
  readonly concurrency: number;
}

/** A request waiting for its lane's turn. */
interface Waiting {
  readonly request: SendRequest;
  readonly queuedAt: number;
  readonly resolve: (outcome: SendOutcome | undefined) => void;
}

interface Lane {
  active: number;
  concurrency: number;
  readonly waiting: Waiting[];
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
  /** Origin and path of each URL sent to lately: endpoints send to the same few URLs over and over. */
  private readonly targets = new Map<string, { origin: string; path: string } | undefined>();
  /** Lanes with requests out or waiting. */
  private readonly lanes = new Map<string, Lane>();

  constructor(options: HttpSenderOptions) {
    this.dispatcher = options.dispatcher;
    this.maxResponseBodyBytes = options.maxResponseBodyBytes;
  }

  /**
   * Sends one POST and reports what happened. Never throws. Resolves `undefined` only for a request
   * that was still waiting in its lane when {@link withdraw} took it back: it never went out.
   */
  send(request: SendRequest): Promise<SendOutcome | undefined> {
    return new Promise((resolve) => {
      const spec = request.lane;
      if (spec === undefined) {
        this.start(request, 0, resolve);
        return;
      }
      let lane = this.lanes.get(spec.key);
      if (lane === undefined) {
        lane = { active: 0, concurrency: spec.concurrency, waiting: [] };
        this.lanes.set(spec.key, lane);
      }
      lane.concurrency = spec.concurrency;
      if (lane.active < lane.concurrency) {
        lane.active++;
        this.start(request, 0, (outcome) => this.ended(spec.key, lane, outcome, resolve));
      } else {
        lane.waiting.push({ request, queuedAt: performance.now(), resolve });
      }
    });
  }

  /** Takes back every request still waiting in a lane (the endpoint is gone or disabled). */
  withdraw(laneKey: string): void {
    const lane = this.lanes.get(laneKey);
    if (lane === undefined) return;
    for (const waiting of lane.waiting.splice(0)) waiting.resolve(undefined);
    if (lane.active === 0) this.lanes.delete(laneKey);
  }

  /** A request of `lane` ended: the next ones waiting go out before its outcome is passed on. */
  private ended(
    key: string,
    lane: Lane,
    outcome: SendOutcome,
    resolve: (outcome: SendOutcome | undefined) => void,
  ): void {
    lane.active--;
    while (lane.active < lane.concurrency) {
      const next = lane.waiting.shift();
      if (next === undefined) break;
      lane.active++;
      const waitedMs = Math.round(performance.now() - next.queuedAt);
      this.start(next.request, waitedMs, (o) => this.ended(key, lane, o, next.resolve));
    }
    if (lane.active === 0 && lane.waiting.length === 0) this.lanes.delete(key);
    resolve(outcome);
  }

  private start(req: SendRequest, waitedMs: number, resolve: (outcome: SendOutcome) => void): void {
    const attempt = new Attempt(req, this.maxResponseBodyBytes, waitedMs, resolve);
    const target = this.targetOf(req.url);
    if (target === undefined) {
      attempt.fail(new TypeError(`invalid URL: ${req.url}`));
      return;
    }
    try {
      this.dispatcher.dispatch(
        {
          origin: target.origin,
          path: target.path,
          method: 'POST',
          headers: req.headers,
          body: req.body,
          // The attempt's own timer is the real deadline; these only stop undici's own, longer
          // defaults (300 s) from mattering.
          headersTimeout: req.timeoutMs,
          bodyTimeout: req.timeoutMs,
        },
        attempt,
      );
    } catch (error) {
      attempt.fail(error);
    }
  }

  private targetOf(url: string): { origin: string; path: string } | undefined {
    if (this.targets.has(url)) return this.targets.get(url);
    const parsed = URL.canParse(url) ? new URL(url) : undefined;
    const target = parsed && { origin: parsed.origin, path: `${parsed.pathname}${parsed.search}` };
    if (this.targets.size >= 10_000) this.targets.clear();
    this.targets.set(url, target);
    return target;
  }
}

/** Raised into undici when an attempt's deadline passes, so the request stops where it is. */
class DeadlineError extends Error {
  override readonly name = 'DeadlineError';
}

/**
 * One attempt in flight, as undici's handler: collects the status, the headers and at most `cap`
 * bytes of (decoded) body, and settles once, on the first of: the response's end, an error, the cap,
 * or the deadline.
 */
class Attempt implements Dispatcher.DispatchHandler {
  private readonly startedMs = performance.now();
  private readonly timer: NodeJS.Timeout;
  private controller: Dispatcher.DispatchController | undefined;
  private settled = false;
  private timedOut = false;
  private statusCode = 0;
  private retryAfter: string | undefined;
  private headersJson = '{}';
  private decoder: Transform | undefined;
  private encodedBytes = 0;
  private readonly chunks: Buffer[] = [];
  private size = 0;
  private truncated = false;

  private readonly timeoutMs: number;

  constructor(
    private readonly request: SendRequest,
    private readonly cap: number,
    private readonly waitedMs: number,
    private readonly resolve: (outcome: SendOutcome) => void,
  ) {
    this.timeoutMs = request.timeoutMs;
    this.timer = setTimeout(() => this.onDeadline(), this.timeoutMs);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    // Settled while it waited for a socket: it must not go out now.
    if (this.settled) controller.abort(new DeadlineError('attempt already settled'));
  }

  onResponseStart(
    _controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: Record<string, string | string[] | undefined>,
  ): void {
    // 1xx informational responses come before the real one.
    if (statusCode < 200 || this.settled) return;
    this.statusCode = statusCode;
    this.retryAfter = header(headers['retry-after']);
    this.headersJson = recordedHeaders(headers);
    const decoder = decoderFor(header(headers['content-encoding']));
    if (decoder) {
      this.decoder = decoder;
      decoder.on('data', (chunk: Buffer) => this.keep(chunk));
      // A broken compressed body keeps what decoded. No bytes at all (a 204 that names an encoding) is
      // an empty body, which zlib calls an early end.
      decoder.on('error', () => {
        this.truncated ||= this.encodedBytes > 0;
        this.respond();
      });
      decoder.on('end', () => this.respond());
    }
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.settled) return;
    if (this.decoder) {
      this.encodedBytes += chunk.length;
      this.decoder.write(chunk);
    } else {
      this.keep(chunk);
    }
  }

  onResponseEnd(): void {
    if (this.settled) return;
    if (this.decoder) this.decoder.end();
    else this.respond();
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    if (this.settled) return;
    this.fail(error);
  }

  /** Settles with an error that happened before or instead of a response. */
  fail(error: unknown): void {
    if (this.settled) return;
    if (this.timedOut) {
      this.settle({
        kind: 'error',
        errorCode: 'timeout',
        message: `no complete response within ${this.timeoutMs} ms`,
        durationMs: this.elapsedMs(),
      });
      return;
    }
    this.settle({ kind: 'error', ...describeError(error), durationMs: this.elapsedMs() });
  }

  private keep(chunk: Buffer): void {
    if (this.settled) return;
    // A chunk arriving when the cap is already full means the body was longer than the cap.
    const room = this.cap - this.size;
    if (chunk.length > room || room === 0) {
      if (room > 0) this.chunks.push(chunk.subarray(0, room));
      this.size += Math.min(room, chunk.length);
      this.truncated = true;
      this.respond();
      // Nothing more is read: the rest of the body is never buffered.
      this.controller?.abort(new DeadlineError('response body cap reached'));
      return;
    }
    this.chunks.push(chunk);
    this.size += chunk.length;
  }

  private respond(): void {
    if (this.settled) return;
    const bytes =
      this.chunks.length === 1 ? (this.chunks[0] as Buffer) : Buffer.concat(this.chunks, this.size);
    // A cut may fall inside a multi-byte character: end before it, so the stored text stays within the
    // cap and holds no broken character.
    const end = this.truncated ? utf8Boundary(bytes) : bytes.length;
    this.settle({
      kind: 'response',
      statusCode: this.statusCode,
      durationMs: this.elapsedMs(),
      body: bytes.toString('utf8', 0, end),
      bodyTruncated: this.truncated,
      headersJson: this.headersJson,
      retryAfter: this.retryAfter,
    });
  }

  private onDeadline(): void {
    if (this.settled) return;
    this.timedOut = true;
    this.fail(undefined);
    this.controller?.abort(new DeadlineError(`no complete response within ${this.timeoutMs} ms`));
  }

  private settle(outcome: SendOutcome): void {
    this.settled = true;
    clearTimeout(this.timer);
    this.decoder?.destroy();
    // Recorded here, in the sending thread, rather than where the engine runs.
    const requestHeadersJson = recordedHeaders(this.request.headers);
    this.resolve(
      this.waitedMs > 0
        ? { ...outcome, waitedMs: this.waitedMs, requestHeadersJson }
        : { ...outcome, requestHeadersJson },
    );
  }

  private elapsedMs(): number {
    return Math.round(performance.now() - this.startedMs);
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
