/**
 * WAL checkpoints on a worker thread. SQLite's automatic checkpoint runs inside a commit every 1,000
 * pages: it copies the WAL into the database file and fsyncs it on the thread that committed, which
 * here is the event loop. Measured at 1,000 events/s: publish-to-receipt p99 33-89 ms with automatic
 * checkpoints, 12 ms with them moved off the event loop. Durability is unchanged: every commit still
 * fsyncs the WAL (`synchronous=FULL`); the checkpoint only moves committed pages to the main file.
 *
 * PASSIVE checkpoints never block the writer. The WAL starts over from its beginning only when a write
 * begins while every frame has been copied; under steady load the event loop commits while the
 * checkpoint copies and fsyncs, so that moment never comes on its own, and the WAL grew by 16 MB a
 * second at 1,000 events/s (B11) until the load stopped. So once the WAL holds more than
 * {@link CheckpointLimits.settleFrames}, the worker checkpoints again at once, up to
 * {@link SETTLE_TRIES} times, until one finds nothing new to copy; the next commit then starts the WAL
 * over. Should the writer never pause that long, a RESTART checkpoint past
 * {@link CheckpointLimits.restartFrames} holds new commits back while it copies what the last PASSIVE
 * left (a few milliseconds' worth) and the WAL starts over. `journal_size_limit` on the writer's
 * connection then trims the file back.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** When the worker works harder to let the WAL start over, in WAL frames (a page each, 4 KiB). */
export interface CheckpointLimits {
  /** Past this, checkpoints are repeated until one catches up with the writer. */
  readonly settleFrames: number;
  /** Past this, a RESTART checkpoint briefly holds the writer back. */
  readonly restartFrames: number;
  /** How often the worker checkpoints. */
  readonly intervalMs: number;
}

/** 16 MiB and 64 MiB of WAL; a checkpoint every 250 ms. */
export const CHECKPOINT_LIMITS: CheckpointLimits = {
  settleFrames: 4_096,
  restartFrames: 16_384,
  intervalMs: 250,
};

/** What `journal_size_limit` trims a WAL back to when it starts over: the RESTART bound. */
export const WAL_SIZE_LIMIT_BYTES = 64 * 1024 * 1024;

/** Immediate checkpoints tried, past `settleFrames`, before waiting for the next interval. */
const SETTLE_TRIES = 8;

// Plain JavaScript run with `eval`, so the worker needs no TypeScript loader.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driverPath);
const { settleFrames, restartFrames, intervalMs, settleTries } = workerData;
const db = new Database(workerData.path);
db.pragma('busy_timeout = 5000');
db.pragma('synchronous = FULL');
const checkpoint = (mode) => db.pragma('wal_checkpoint(' + mode + ')')[0];
const timer = setInterval(() => {
  try {
    let last = checkpoint('PASSIVE');
    if (last.log > settleFrames) {
      // Frames the writer committed during a checkpoint are left for the next; one that finds the
      // WAL as it was (the same last frame) has copied everything.
      for (let i = 0; i < settleTries; i++) {
        const again = checkpoint('PASSIVE');
        if (again.log === last.log && again.checkpointed === again.log) return;
        last = again;
      }
    }
    if (last.log > restartFrames) checkpoint('RESTART');
  } catch (error) {
    parentPort.postMessage({ error: String(error && error.message || error) });
  }
}, intervalMs);
parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

/** A running background checkpointer. */
export class WalCheckpointer {
  private readonly worker: Worker;
  private readonly exited: Promise<void>;

  private constructor(worker: Worker) {
    this.worker = worker;
    this.exited = new Promise((resolve) => worker.once('exit', () => resolve()));
  }

  /**
   * Starts checkpointing the database at `path` on a worker thread.
   * @param onFailure called once if the worker fails, so the caller can go back to automatic checkpoints.
   * @param limits {@link CHECKPOINT_LIMITS} unless given (tests use small ones)
   */
  static start(
    path: string,
    onFailure: (error: Error) => void,
    limits: CheckpointLimits = CHECKPOINT_LIMITS,
  ): WalCheckpointer {
    const driverPath = createRequire(import.meta.url).resolve('better-sqlite3');
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { path, driverPath, ...limits, settleTries: SETTLE_TRIES },
    });
    let failed = false;
    const fail = (error: Error) => {
      if (failed) return;
      failed = true;
      onFailure(error);
    };
    worker.on('error', fail);
    worker.on('message', (message: { error?: string }) => {
      if (message.error !== undefined) fail(new Error(message.error));
    });
    // The worker must not keep the process alive on its own.
    worker.unref();
    return new WalCheckpointer(worker);
  }

  /** Stops the worker and waits for it to close its connection. */
  async stop(): Promise<void> {
    // Held again while stopping, so the process waits for the connection to close.
    this.worker.ref();
    this.worker.postMessage('stop');
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.exited, new Promise((resolve) => (timer = setTimeout(resolve, 2_000)))]);
    clearTimeout(timer);
    await this.worker.terminate();
  }
}
