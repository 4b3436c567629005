/**
 * The benchmark's webhook receivers: one `node:http` server on 127.0.0.1, many paths (`/e/<n>`), each
 * answering in its mode (see {@link ReceiverMode}). Runs as a child of the harness and obeys it over
 * IPC (`receiver-control.ts`).
 *
 * For every delivery answered 200 it checks the Standard Webhooks signature with `@hookline/receiver`,
 * records `data.seq` in the ledger (duplicates counted) and `receipt time − data.sentAt` in the latency
 * histogram. Both times are `performance.timeOrigin + performance.now()`: the same clock, since the
 * publisher and this process run on one machine.
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import { verify } from '@hookline/receiver';
import { Ledger } from './ledger.ts';
import {
  FLAKY_FAIL_PERCENT,
  type ReceiverEnvelope,
  type ReceiverMode,
  type ReceiverPath,
  type ReceiverReply,
  type ReceiverRequest,
  type ReceiverStats,
  SLOW_ANSWER_MS,
} from './receiver-control.ts';
import { LatencyHistogram } from './stats.ts';

interface HeldRequest {
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  readonly res: ServerResponse;
}

interface PathState {
  readonly path: string;
  mode: ReceiverMode;
  secret: string;
  readonly held: Set<HeldRequest>;
  readonly orderKeys: number | undefined;
  /** With `orderKeys`: each key's last number answered 200. */
  readonly lastInOrder: Map<number, number>;
  /** Whether this path's deliveries count in the latency histogram (`ReceiverPath.untimed`). */
  readonly timed: boolean;
}

const paths = new Map<string, PathState>();
const ledger = new Ledger();
const latency = new LatencyHistogram();
let latencyFromSeq = 0;
let invalidSignatures = 0;
let requests = 0;
let failed = 0;
let dropped = 0;
let outOfOrder = 0;
let firstReceiptAt: number | null = null;
let lastReceiptAt: number | null = null;
let resetAt = nowMs();
let arrivals: number[] = [];

function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

/** Answers one request whose body has been read, in the path's current mode. */
function answer(state: PathState, held: HeldRequest): void {
  const { res } = held;
  if (res.destroyed) return;
  switch (state.mode) {
    case 'ok':
      accept(state, held);
      return;
    case 'slow':
      setTimeout(() => {
        if (!res.destroyed) accept(state, held);
      }, SLOW_ANSWER_MS);
      return;
    case 'flaky': {
      if (Math.random() * 100 < FLAKY_FAIL_PERCENT) {
        checkOrder(state, held.body);
        failed++;
        res.writeHead(500, { 'content-type': 'text/plain' }).end('failing at random on purpose');
        return;
      }
      accept(state, held);
      return;
    }
    case 'fail':
      failed++;
      res.writeHead(500, { 'content-type': 'text/plain' }).end('failing on purpose');
      return;
    case 'hang':
      state.held.add(held);
      res.once('close', () => state.held.delete(held));
      return;
    case 'down':
      dropped++;
      res.socket?.destroy();
      return;
  }
}

/**
 * With `orderKeys`, checks a request against its key's last number answered 200 (see
 * `ReceiverPath.orderKeys`).
 * @returns the key and number, to note once answered 200
 */
function checkOrder(state: PathState, body: Buffer): { key: number; n: number } | undefined {
  if (state.orderKeys === undefined) return undefined;
  let seq: unknown;
  try {
    seq = (JSON.parse(body.toString('utf8')) as { data?: { seq?: unknown } }).data?.seq;
  } catch {
    return undefined;
  }
  if (typeof seq !== 'number') return undefined;
  const key = seq % state.orderKeys;
  const n = Math.floor(seq / state.orderKeys);
  const last = state.lastInOrder.get(key) ?? -1;
  if (n > last + 1 || n < last) outOfOrder++;
  return { key, n };
}

function accept(state: PathState, { headers, body, res }: HeldRequest): void {
  const ordered = checkOrder(state, body);
  const receivedAt = nowMs();
  let payload: unknown;
  try {
    payload = verify(state.secret, headers, body).payload;
  } catch {
    invalidSignatures++;
    res.writeHead(401, { 'content-type': 'text/plain' }).end('invalid signature');
    return;
  }
  const data = (payload as { data?: { seq?: unknown; sentAt?: unknown } }).data;
  const seq = data?.seq;
  const sentAt = data?.sentAt;
  if (typeof seq !== 'number' || typeof sentAt !== 'number') {
    res.writeHead(400, { 'content-type': 'text/plain' }).end('data.seq and data.sentAt are required');
    return;
  }
  ledger.record(state.path, seq);
  if (ordered)
    state.lastInOrder.set(ordered.key, Math.max(ordered.n, state.lastInOrder.get(ordered.key) ?? -1));
  if (state.timed && seq >= latencyFromSeq) latency.record(receivedAt - sentAt);
  firstReceiptAt ??= receivedAt;
  lastReceiptAt = receivedAt;
  const second = Math.floor((receivedAt - resetAt) / 1000);
  if (second >= 0) {
    while (arrivals.length <= second) arrivals.push(0);
    arrivals[second]!++;
  }
  res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
}

const server = createServer({ requestTimeout: 0 }, (req, res) => {
  requests++;
  const state = paths.get(req.url ?? '');
  if (!state) {
    res.writeHead(404).end();
    return;
  }
  if (state.mode === 'down') {
    dropped++;
    req.socket.destroy();
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => answer(state, { headers: req.headers, body: Buffer.concat(chunks), res }));
});
// Hookline keeps hundreds of connections open; the default 5 s idle timeout would churn them.
server.keepAliveTimeout = 65_000;
server.headersTimeout = 66_000;

function configure(list: readonly ReceiverPath[]): void {
  for (const state of paths.values()) {
    for (const held of state.held) held.res.destroy();
  }
  paths.clear();
  for (const { path, mode, secret, orderKeys, untimed } of list) {
    paths.set(path, {
      path,
      mode,
      secret,
      held: new Set(),
      orderKeys,
      lastInOrder: new Map(),
      timed: untimed !== true,
    });
  }
}

function setMode(list: readonly string[], mode: ReceiverMode): void {
  for (const path of list) {
    const state = paths.get(path);
    if (!state) throw new Error(`unknown path ${path}`);
    state.mode = mode;
    if (mode === 'hang') continue;
    // The receiver is back (or fails differently): the requests it held get their answer now.
    const held = [...state.held];
    state.held.clear();
    for (const request of held) answer(state, request);
  }
}

function reset(fromSeq: number): void {
  ledger.clear();
  latency.reset();
  latencyFromSeq = fromSeq;
  invalidSignatures = 0;
  requests = 0;
  failed = 0;
  dropped = 0;
  outOfOrder = 0;
  for (const state of paths.values()) state.lastInOrder.clear();
  firstReceiptAt = null;
  lastReceiptAt = null;
  resetAt = nowMs();
  arrivals = [];
}

function stats(request: Extract<ReceiverRequest, { kind: 'stats' }>): ReceiverStats {
  let hanging = 0;
  for (const state of paths.values()) hanging += state.held.size;
  return {
    received: ledger.received,
    duplicates: ledger.duplicates,
    invalidSignatures,
    requests,
    failed,
    dropped,
    hanging,
    outOfOrder,
    firstReceiptAt,
    lastReceiptAt,
    resetAt,
    arrivalsPerSecond: arrivals,
    ...(request.expected ? { check: ledger.check(request.expected) } : {}),
    ...(request.latency ? { latency: latency.snapshot() } : {}),
    ...(request.byPath
      ? { receivedByPath: Object.fromEntries([...paths.keys()].map((p) => [p, ledger.receivedOn(p)])) }
      : {}),
  };
}

function handle(request: ReceiverRequest): unknown {
  switch (request.kind) {
    case 'configure':
      configure(request.paths);
      return null;
    case 'set-mode':
      setMode(request.paths, request.mode);
      return null;
    case 'reset':
      reset(request.latencyFromSeq);
      return null;
    case 'stats':
      return stats(request);
    default:
      throw new Error(`unknown request ${JSON.stringify(request satisfies never)}`);
  }
}

function reply(message: ReceiverReply): void {
  process.send?.(message);
}

process.on('message', (envelope: ReceiverEnvelope) => {
  try {
    reply({ id: envelope.id, ok: true, result: handle(envelope.request) });
  } catch (error) {
    reply({ id: envelope.id, ok: false, error: (error as Error).message });
  }
});
// The harness is gone (even by kill -9): nothing is left to report to.
process.on('disconnect', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));

server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  reply({ id: 0, ok: true, result: { port } });
});
