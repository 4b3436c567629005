/**
 * Sends attempts from a worker thread, so the HTTP work (undici, sockets, response parsing) runs on a
 * second core beside the main thread's API, database and engine. With both on one thread a busy
 * server is bound by that one core; split, the main thread keeps what only it can do.
 *
 * The engine's view does not change: `send` returns the attempt's {@link SendOutcome}. Attempts
 * started in one turn of the event loop cross to the thread in one message, and their outcomes come
 * back the same way, so the cost of crossing is paid per batch, not per attempt. The thread has its
 * own guarded agent built from the same allow list, so every connection passes the same address
 * check. Should the thread die, the attempts it held end as `network_error` (and are retried by the
 * schedule, like any failed attempt) and the next send starts a new thread.
 */
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { Cidr } from '../domain/ip-range.ts';
import type { SendOutcome } from '../domain/send-outcome.ts';
import type { SendRequest } from './http-sender.ts';
import type { Sender } from './sender.ts';

/** What the sending thread is built from: plain data, as it crosses to the thread by copy. */
export interface SenderThreadSettings {
  readonly allowTargets: readonly Cidr[];
  /** Most sockets per origin. */
  readonly connections: number;
  readonly maxResponseBodyBytes: number;
}

/** One attempt as it crosses to the thread. */
export interface SendJob extends SendRequest {
  readonly id: number;
}

/** What the thread is told: attempts to send, or a lane whose waiting requests to take back. */
export type ThreadCommand = readonly SendJob[] | { readonly withdraw: string };

// The thread's young generation is kept small: it holds requests for milliseconds, and a large one
// would only add to the process's memory.
const THREAD_YOUNG_GENERATION_MB = 16;

/**
 * What the thread runs: the bundle's sibling module when Hookline runs bundled; from the TypeScript
 * sources (tests, or the launcher's fallback), a small script that loads tsx in the thread first, as
 * loader hooks registered in this thread do not reach a new one.
 */
function threadScript(): { script: string | URL; eval: boolean } {
  if (!import.meta.url.endsWith('.ts'))
    return { script: new URL('./sender-thread.mjs', import.meta.url), eval: false };
  const tsx = import.meta.resolve('tsx/esm/api');
  const module = new URL('./sender-thread.ts', import.meta.url).href;
  return {
    script: `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(module)}); });`,
    eval: true,
  };
}

/** A {@link Sender} whose HTTP work runs in a worker thread. */
export class ThreadedSender implements Sender {
  readonly #settings: SenderThreadSettings;
  readonly #logger: Logger;
  #worker: Worker | undefined;
  readonly #pending = new Map<number, (outcome: SendOutcome | undefined) => void>();
  #outbox: SendJob[] = [];
  #flushQueued = false;
  #nextId = 1;
  #closed = false;

  constructor(settings: SenderThreadSettings, logger: Logger) {
    this.#settings = settings;
    this.#logger = logger;
  }

  /** Starts the thread now rather than at the first send, so the first attempt does not wait for it. */
  start(): void {
    if (!this.#closed) this.#thread();
  }

  send(request: SendRequest): Promise<SendOutcome | undefined> {
    if (this.#closed) return Promise.resolve(stopped('the sender is closed'));
    const id = this.#nextId++;
    return new Promise((resolve) => {
      this.#pending.set(id, resolve);
      this.#outbox.push({ id, ...request });
      if (!this.#flushQueued) {
        this.#flushQueued = true;
        queueMicrotask(() => this.#flush());
      }
    });
  }

  /** Takes back the requests still waiting in a lane (see `HttpSender.withdraw`). */
  withdraw(laneKey: string): void {
    if (this.#closed) return;
    // Attempts handed over before this call go first, so they are among those it takes back.
    this.#flush();
    this.#worker?.postMessage({ withdraw: laneKey } satisfies ThreadCommand);
  }

  /**
   * Stops the thread. Attempts still in flight are abandoned (their outcomes say so), as closing the
   * agent in one thread would abandon them.
   */
  async close(): Promise<void> {
    this.#closed = true;
    const worker = this.#worker;
    this.#worker = undefined;
    await worker?.terminate();
    this.#failPending('the sender was closed');
  }

  #flush(): void {
    this.#flushQueued = false;
    const jobs = this.#outbox;
    this.#outbox = [];
    if (jobs.length === 0) return;
    if (this.#closed) {
      this.#failPending('the sender is closed');
      return;
    }
    this.#thread().postMessage(jobs satisfies ThreadCommand);
  }

  #thread(): Worker {
    if (this.#worker) return this.#worker;
    const { script, eval: isScript } = threadScript();
    const worker = new Worker(script, {
      eval: isScript,
      workerData: this.#settings,
      resourceLimits: { maxYoungGenerationSizeMb: THREAD_YOUNG_GENERATION_MB },
    });
    worker.on('message', (done: readonly (number | SendOutcome | undefined)[]) => {
      for (let i = 0; i < done.length; i += 2) {
        const id = done[i] as number;
        const resolve = this.#pending.get(id);
        if (!resolve) continue;
        this.#pending.delete(id);
        resolve(done[i + 1] as SendOutcome | undefined);
      }
    });
    worker.on('error', (error) => {
      this.#logger.error({ err: error }, 'the sending thread failed; attempts it held are retried');
    });
    worker.on('exit', (code) => {
      if (this.#worker === worker) this.#worker = undefined;
      this.#failPending(`the sending thread stopped (exit code ${code})`);
    });
    this.#worker = worker;
    return worker;
  }

  #failPending(message: string): void {
    const waiting = [...this.#pending.values()];
    this.#pending.clear();
    for (const resolve of waiting) resolve(stopped(message));
  }
}

function stopped(message: string): SendOutcome {
  return { kind: 'error', errorCode: 'network_error', message, durationMs: 0 };
}
