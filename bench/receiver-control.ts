/**
 * The harness's side of the receiver process: forks `receiver-process.ts` and speaks to it over IPC.
 * The message types here are the whole protocol; the child imports them, and {@link SLOW_ANSWER_MS}.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ExpectedSeqs, LedgerCheck } from './ledger.ts';
import { trackChild } from './process-registry.ts';
import type { HistogramSnapshot } from './stats.ts';

/**
 * How a receiver path answers.
 * - `ok`: 200 at once, after checking the signature (401 when it does not verify).
 * - `slow`: as `ok`, after {@link SLOW_ANSWER_MS}.
 * - `flaky`: 500 to {@link FLAKY_FAIL_PERCENT} % of requests at random, as `ok` to the others.
 * - `hang`: never answers; switching the path to another mode answers the held requests in that mode.
 * - `fail`: 500.
 * - `down`: destroys the connection as soon as the request arrives.
 */
export type ReceiverMode = 'ok' | 'slow' | 'flaky' | 'hang' | 'fail' | 'down';

/** How long a `slow` path takes to answer. */
export const SLOW_ANSWER_MS = 50;
/** The share of requests a `flaky` path answers 500. */
export const FLAKY_FAIL_PERCENT = 10;

/** One path of the receiver, `/e/<n>` by convention. */
export interface ReceiverPath {
  readonly path: string;
  readonly mode: ReceiverMode;
  /** The endpoint's `whsec_` secret, to verify signatures with. */
  readonly secret: string;
  /**
   * Checks that the events of each key arrive in order: event `seq` is number `⌊seq ÷ orderKeys⌋` of
   * key `seq mod orderKeys`, and a request for a key's number n is out of order unless number n − 1
   * got a 200 before (or n is 0).
   */
  readonly orderKeys?: number;
  /**
   * Leaves this path's deliveries out of the latency histogram: a path held failing on purpose (B11)
   * would otherwise count its retries' minutes as publish-to-receipt latency.
   */
  readonly untimed?: boolean;
}

/** What the receiver counted since its last reset. */
export interface ReceiverStats {
  /** Deliveries answered 200 with a valid signature, duplicates included. */
  readonly received: number;
  /** Deliveries whose sequence number that path had already received. */
  readonly duplicates: number;
  /** Requests on an `ok` path whose signature did not verify (answered 401). */
  readonly invalidSignatures: number;
  /** Requests of every kind, on every path. */
  readonly requests: number;
  /** Requests answered 500 by `fail` paths. */
  readonly failed: number;
  /** Connections destroyed by `down` paths. */
  readonly dropped: number;
  /** Requests being held by `hang` paths right now. */
  readonly hanging: number;
  /** Requests on paths with `orderKeys` that came before their key's previous event got a 200, or went back. */
  readonly outOfOrder: number;
  /** Receipt time of the first and last recorded delivery (epoch ms, sub-millisecond). */
  readonly firstReceiptAt: number | null;
  readonly lastReceiptAt: number | null;
  /** When the counters were last reset (epoch ms); `arrivalsPerSecond[i]` counts second `i` after it. */
  readonly resetAt: number;
  readonly arrivalsPerSecond: readonly number[];
  /** Present only when asked for. */
  readonly check?: LedgerCheck;
  readonly latency?: HistogramSnapshot;
  readonly receivedByPath?: Readonly<Record<string, number>>;
}

/** What the harness asks. */
export type ReceiverRequest =
  | { readonly kind: 'configure'; readonly paths: readonly ReceiverPath[] }
  | { readonly kind: 'set-mode'; readonly paths: readonly string[]; readonly mode: ReceiverMode }
  | { readonly kind: 'reset'; readonly latencyFromSeq: number }
  | {
      readonly kind: 'stats';
      readonly expected?: readonly ExpectedSeqs[];
      readonly latency?: boolean;
      readonly byPath?: boolean;
    };

/** An IPC message to the child. */
export interface ReceiverEnvelope {
  readonly id: number;
  readonly request: ReceiverRequest;
}

/** An IPC message from the child: a reply to request `id`, or the port it listens on (`id` 0). */
export type ReceiverReply =
  | { readonly id: number; readonly ok: true; readonly result: unknown }
  | { readonly id: number; readonly ok: false; readonly error: string };

/** A running receiver process. */
export interface ReceiverProcess {
  readonly pid: number;
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  /** Sets the paths (replacing the previous set) with their modes and secrets. */
  configure(paths: readonly ReceiverPath[]): Promise<void>;
  setMode(paths: readonly string[], mode: ReceiverMode): Promise<void>;
  /** Clears the ledger, histogram and counters; latencies are kept only for `data.seq >= latencyFromSeq`. */
  reset(latencyFromSeq?: number): Promise<void>;
  stats(options?: {
    expected?: readonly ExpectedSeqs[];
    latency?: boolean;
    byPath?: boolean;
  }): Promise<ReceiverStats>;
  stop(): Promise<void>;
}

const RECEIVER_ENTRY = fileURLToPath(new URL('./receiver-process.ts', import.meta.url));

/** Forks the receiver process and waits until it listens. */
export async function startReceiverProcess(): Promise<ReceiverProcess> {
  const child: ChildProcess = fork(RECEIVER_ENTRY, [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  if (child.pid === undefined) throw new Error('could not fork the receiver process');
  const exited = trackChild(child, 'receiver');
  const waiting = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let nextId = 1;
  let listening: ((port: number) => void) | undefined;
  const port = new Promise<number>((resolve, reject) => {
    listening = resolve;
    void exited.then(() => reject(new Error('the receiver process exited before it listened')));
  });
  child.on('message', (message: ReceiverReply) => {
    if (message.id === 0 && message.ok) {
      listening?.((message.result as { port: number }).port);
      return;
    }
    const call = waiting.get(message.id);
    if (!call) return;
    waiting.delete(message.id);
    if (message.ok) call.resolve(message.result);
    else call.reject(new Error(`receiver: ${message.error}`));
  });
  void exited.then(() => {
    for (const call of waiting.values()) call.reject(new Error('the receiver process exited'));
    waiting.clear();
  });
  const ask = (request: ReceiverRequest): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      waiting.set(id, { resolve, reject });
      const envelope: ReceiverEnvelope = { id, request };
      child.send(envelope, (error) => {
        if (!error) return;
        waiting.delete(id);
        reject(error);
      });
    });
  const origin = `http://127.0.0.1:${await port}`;
  return {
    pid: child.pid,
    origin,
    configure: async (paths) => void (await ask({ kind: 'configure', paths })),
    setMode: async (paths, mode) => void (await ask({ kind: 'set-mode', paths, mode })),
    reset: async (latencyFromSeq = 0) => void (await ask({ kind: 'reset', latencyFromSeq })),
    stats: async (options = {}) =>
      (await ask({
        kind: 'stats',
        ...(options.expected ? { expected: options.expected } : {}),
        ...(options.latency ? { latency: true } : {}),
        ...(options.byPath ? { byPath: true } : {}),
      })) as ReceiverStats,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
