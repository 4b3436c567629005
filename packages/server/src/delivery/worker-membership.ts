/**
 * A delivery process among those sharing a database: it says it is alive every second
 * ({@link HEARTBEAT_MS}) and takes its share of the endpoints from the list of live workers. One silent
 * for {@link WORKER_TTL_MS} (killed, or cut off) is left out, and its share moves to the others; its
 * leased deliveries come back when their leases end.
 */
import type { Logger } from 'pino';
import type { Partition, Store } from '../store/store.ts';

export const HEARTBEAT_MS = 1_000;
export const WORKER_TTL_MS = 5_000;

/**
 * The share of a worker among the live ones (sorted as the store lists them): its position; none
 * (every endpoint) while it is alone or not listed yet.
 */
export function shareOf(workers: readonly string[], workerId: string): Partition | undefined {
  const index = workers.indexOf(workerId);
  return workers.length > 1 && index >= 0 ? { index, count: workers.length } : undefined;
}

/** What the membership tells its process. */
export interface MembershipEvents {
  /** The share changed (a worker came or went): what was queued for endpoints that moved must go back. */
  shareChanged(partition: Partition | undefined): Promise<void>;
  /** After each heartbeat that reached the database. */
  beat(): Promise<void>;
}

/** This process's heartbeat and share. */
export class WorkerMembership {
  /** This process's share of the endpoints; `undefined` while it is the only worker. */
  partition: Partition | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** The heartbeat running now, which `leave` waits for before it unregisters. */
  private beating: Promise<void> = Promise.resolve();
  private running = false;

  constructor(
    private readonly store: Pick<Store, 'registerWorker' | 'unregisterWorker'>,
    private readonly workerId: string,
    private readonly now: () => number,
    private readonly logger: Logger,
    private readonly events: MembershipEvents,
  ) {}

  /** Starts the heartbeat; resolves after the first, so the first claim never takes another's share. */
  join(): Promise<void> {
    this.running = true;
    this.beating = this.heartbeat();
    return this.beating;
  }

  /** Stops the heartbeat and unregisters, so the others take this share now rather than after its TTL. */
  async leave(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    // A heartbeat under way would register this worker again after it unregisters below.
    await this.beating;
    await this.store.unregisterWorker(this.workerId).catch(() => {});
  }

  /**
   * Says this worker is alive and takes its share: its position among the live workers. Until every
   * worker has seen a change (one heartbeat), an endpoint may briefly be served by two processes.
   */
  private async heartbeat(): Promise<void> {
    clearTimeout(this.timer);
    try {
      const workers = await this.store.registerWorker(this.workerId, this.now(), WORKER_TTL_MS);
      const partition = shareOf(workers, this.workerId);
      if (partition?.index !== this.partition?.index || partition?.count !== this.partition?.count) {
        const hadShare = this.partition !== undefined || partition !== undefined;
        this.partition = partition;
        if (hadShare) {
          this.logger.info(
            { workers: workers.length, index: partition?.index },
            'delivery workers changed; share updated',
          );
          await this.events.shareChanged(partition);
        }
      }
      await this.events.beat();
    } catch (error) {
      // The database is unreachable: keep the last share; claims fail the same way and are retried.
      this.logger.warn({ err: error }, 'worker heartbeat failed');
    }
    if (this.running) {
      this.timer = setTimeout(() => {
        this.beating = this.heartbeat();
      }, HEARTBEAT_MS);
    }
  }
}
