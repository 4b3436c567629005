/**
 * Durable commits without the event loop waiting on the disk. The hot writes (publishes and attempt
 * results) commit with `synchronous=NORMAL`, which in WAL mode writes the WAL frames without an fsync;
 * the caller then awaits {@link WalSync.sync}, an `fdatasync` of the WAL file run on libuv's thread
 * pool, before it answers. So a publish is still answered only once it is on disk, while the main
 * thread goes on serving requests and claims during the fsync (1 to 2 ms each here, 200 a second at
 * 200 single publishes/s: a third of the event loop).
 *
 * Callers that arrive while an fsync is under way share the next one: the fsyncs are grouped as the
 * commits were. An fsync that started before a commit does not cover it, so such a caller waits for
 * the next. After a failed fsync the kernel may have dropped the pages it could not write, and a later
 * fsync would succeed without them: the failure is kept, and every later call fails with it (the
 * process must restart, as PostgreSQL does on a failed fsync).
 *
 * The WAL file lives as long as a connection is open (the checkpointer's and the store's), and
 * checkpoints restart it in place; should it still be replaced, the inode check reopens it.
 */
import { closeSync, fdatasync, fstatSync, openSync, statSync } from 'node:fs';

/** The fsync function (libuv's, unless a test gives another). */
export type FdatasyncFn = (fd: number, callback: (error: NodeJS.ErrnoException | null) => void) => void;

/** fsyncs of one WAL file, grouped. */
export class WalSync {
  private fd: number;
  private inode: number;
  /** The fsync under way. */
  private running: Promise<void> | undefined;
  /** The fsync that starts when the running one ends, for the calls made meanwhile. */
  private queued: Promise<void> | undefined;
  private failure: Error | undefined;
  private closed = false;

  /**
   * @param walPath the `-wal` file of a database in WAL mode (it exists once the mode is set)
   */
  constructor(
    private readonly walPath: string,
    private readonly fsync: FdatasyncFn = fdatasync,
  ) {
    this.fd = openSync(walPath, 'r+');
    this.inode = fstatSync(this.fd).ino;
  }

  /** Resolves once everything committed before the call is on disk. */
  sync(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.closed) return Promise.reject(new Error('the WAL file is closed'));
    if (this.running === undefined) return this.begin();
    this.queued ??= this.running
      .catch(() => undefined)
      .then(() => {
        this.queued = undefined;
        return this.sync();
      });
    return this.queued;
  }

  /** Waits for the fsyncs under way, then closes the file. */
  async close(): Promise<void> {
    await Promise.allSettled([this.running, this.queued]);
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
  }

  private begin(): Promise<void> {
    this.followReplacedFile();
    const run = new Promise<void>((resolve, reject) => {
      this.fsync(this.fd, (error) => {
        if (error) {
          this.failure ??= new Error(`fsync of the WAL failed: ${error.message}`, { cause: error });
          reject(this.failure);
        } else resolve();
      });
    });
    this.running = run;
    const done = () => {
      if (this.running === run) this.running = undefined;
    };
    run.then(done, done);
    return run;
  }

  private followReplacedFile(): void {
    let inode: number;
    try {
      inode = statSync(this.walPath).ino;
    } catch {
      return;
    }
    if (inode === this.inode) return;
    closeSync(this.fd);
    this.fd = openSync(this.walPath, 'r+');
    this.inode = fstatSync(this.fd).ino;
  }
}
