/**
 * Retention: events, with their deliveries and attempts, are kept for the account's retention
 * (`retention` on the account, else `HOOKLINE_RETENTION`) and then deleted by the pruner, a job of each
 * delivery process. An event with a delivery still `pending` or `sending` is kept whatever its age.
 * The account's audit log entries are kept for the same retention; the operator's entries that concern
 * no account for `HOOKLINE_RETENTION`.
 *
 * The pruner works in small steps: each deletes at most a batch of one account's oldest events in one
 * transaction. The batch is sized by how long the last step took, so a step holds the database (and,
 * on SQLite, the event loop) for a few milliseconds, and the event loop is yielded between steps so
 * publishes and results go in between.
 */
import { setImmediate as yieldTurn } from 'node:timers/promises';
import type { AccountRecord, PruneCounts, Store } from '../store/store.ts';
import { AppError } from './app-error.ts';
import type { AppContext } from './context.ts';

/** The shortest retention accepted: the pruner must never race the publish that wrote an event. */
export const MIN_RETENTION_MS = 1_000;

/**
 * A step aims at this long unless the store says otherwise; the batch grows while steps are faster and
 * shrinks when they are slower. On SQLite a step holds the event loop, so it is short.
 */
export const STEP_TARGET_MS = 4;
const MIN_BATCH = 10;
const MAX_BATCH = 1_000;
const FIRST_BATCH = 100;
/** Accounts read per page while a pass walks them. */
const ACCOUNT_PAGE = 500;
/**
 * The first batch of audit entries, then sized by its own steps as the events' batch is by theirs. One
 * account's entries lie between other accounts' in the table, so a step rewrites about a page per
 * entry: on SQLite with 100,000 entries of ten accounts, a step of 500 took 15 to 34 ms (medians of
 * two runs on a busy 2-core machine) and one of 100 about 7.
 */
const FIRST_AUDIT_BATCH = 100;

/** The retention in force for an account: its own, or the server's default. */
export function retentionOf(ctx: Pick<AppContext, 'retentionMs'>, account: AccountRecord): number {
  return account.retentionMs ?? ctx.retentionMs;
}

/**
 * Checks a retention given to an account: a whole number of milliseconds of at least
 * {@link MIN_RETENTION_MS}, or `null` for the server's default.
 */
export function checkRetention(retentionMs: number | null): number | null {
  if (retentionMs !== null && retentionMs < MIN_RETENTION_MS) {
    throw new AppError(
      'invalid_field',
      'retention must be at least 1s: events are kept at least until their deliveries are made',
      'retention',
    );
  }
  return retentionMs;
}

/** What a pass deleted: events with their deliveries and attempts, and audit log entries. */
export interface PassCounts extends PruneCounts {
  readonly auditEntries: number;
}

export interface PrunerOptions {
  readonly store: Store;
  readonly now: () => number;
  /** `HOOKLINE_RETENTION`: for accounts without their own. */
  readonly retentionMs: number;
  /** `HOOKLINE_PRUNE_INTERVAL`: the pause between the end of one pass and the start of the next. */
  readonly intervalMs: number;
  /** Called after a pass that deleted something (the SQLite store gives freed pages back to the system). */
  readonly afterPass?: ((pruned: PassCounts) => Promise<void>) | undefined;
  /** Told of every pass that deleted something, and of failures (the next pass tries again). */
  readonly onPass?: ((pruned: PassCounts, durationMs: number) => void) | undefined;
  /**
   * How long a step should take ({@link STEP_TARGET_MS} unless given). On PostgreSQL a step holds one
   * pooled connection and the rows it deletes, not the event loop, and most of its time is the commit
   * and the wait for a connection, whatever the batch: a target of a few milliseconds shrank the batch
   * to 10 events a step and the pruner fell behind 1,000 events a second (B11).
   */
  readonly stepTargetMs?: number | undefined;
  /** Told how long each step took (a transaction deleting a batch), whether it found anything or not. */
  readonly onStep?: ((durationMs: number) => void) | undefined;
  readonly onFailure: (error: unknown) => void;
}

/** The pruning job: a pass over every account, every `intervalMs`. */
export class RetentionPruner {
  private readonly options: PrunerOptions;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<PassCounts> | undefined;
  private stopped = false;
  private batch = FIRST_BATCH;
  private auditBatch = FIRST_AUDIT_BATCH;

  private readonly stepTargetMs: number;

  constructor(options: PrunerOptions) {
    this.options = options;
    this.stepTargetMs = options.stepTargetMs ?? STEP_TARGET_MS;
  }

  start(): void {
    this.stopped = false;
    this.schedule();
  }

  /** Stops after the step under way; resolves when it has ended. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }

  /**
   * One pass now (tests, and the timer): every account's events and audit entries past its retention,
   * then the operator's entries past `HOOKLINE_RETENTION`, step by step.
   */
  prune(): Promise<PassCounts> {
    this.running ??= this.pass().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.prune()
        .catch((error: unknown) => this.options.onFailure(error))
        .finally(() => this.schedule());
    }, this.options.intervalMs);
    this.timer.unref();
  }

  private async pass(): Promise<PassCounts> {
    const { store, now } = this.options;
    const startedAt = performance.now();
    const total = { events: 0, deliveries: 0, attempts: 0, auditEntries: 0 };
    // Where each retention in use starts, found once per pass (a bisection of the events' positions).
    const bounds = new Map<number, { cutoffMs: number; beforeSeq: number }>();
    const passStartMs = now();
    let cursor: string | undefined;
    do {
      const page = await store.listAccounts({ limit: ACCOUNT_PAGE, ...(cursor ? { cursor } : {}) });
      for (const account of page.items) {
        if (this.stopped) return total;
        const retentionMs = account.retentionMs ?? this.options.retentionMs;
        let bound = bounds.get(retentionMs);
        if (!bound) {
          const cutoffMs = passStartMs - retentionMs;
          bound = { cutoffMs, beforeSeq: await store.eventSeqFrom(cutoffMs) };
          bounds.set(retentionMs, bound);
        }
        await this.pruneAccount(account.id, bound, total);
        total.auditEntries += await this.pruneAuditLog(account.id, bound.cutoffMs);
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
    if (this.stopped) return total;
    total.auditEntries += await this.pruneAuditLog(null, passStartMs - this.options.retentionMs);
    if (total.events > 0 || total.auditEntries > 0) {
      await this.options.afterPass?.(total);
      this.options.onPass?.(total, performance.now() - startedAt);
    }
    return total;
  }

  private async pruneAccount(
    accountId: string,
    bound: { cutoffMs: number; beforeSeq: number },
    total: { events: number; deliveries: number; attempts: number },
  ): Promise<void> {
    for (;;) {
      const limit = this.batch;
      const started = performance.now();
      const pruned = await this.options.store.pruneEvents(accountId, bound, limit);
      const tookMs = performance.now() - started;
      this.options.onStep?.(tookMs);
      this.batch = resized(this.batch, tookMs, this.stepTargetMs);
      total.events += pruned.events;
      total.deliveries += pruned.deliveries;
      total.attempts += pruned.attempts;
      if (pruned.events < limit || this.stopped) return;
      await yieldTurn();
    }
  }

  /** Deletes an account's (`null`: no account's) audit entries made before `cutoffMs`, a step at a time. */
  private async pruneAuditLog(accountId: string | null, cutoffMs: number): Promise<number> {
    let pruned = 0;
    for (;;) {
      const limit = this.auditBatch;
      const started = performance.now();
      const step = await this.options.store.pruneAuditLog(accountId, cutoffMs, limit);
      const tookMs = performance.now() - started;
      this.options.onStep?.(tookMs);
      // Only a full step tells how long a batch takes: one that found a few entries is fast whatever
      // the batch, and most accounts have none to delete in most passes.
      if (step === limit || tookMs > 2 * this.stepTargetMs)
        this.auditBatch = resized(limit, tookMs, this.stepTargetMs);
      pruned += step;
      if (step < limit || this.stopped) return pruned;
      await yieldTurn();
    }
  }
}

/** The next step's batch: halved after a slow step, a quarter more after a fast one. */
function resized(batch: number, tookMs: number, targetMs: number): number {
  if (tookMs > 2 * targetMs) return Math.max(MIN_BATCH, Math.floor(batch / 2));
  if (tookMs < targetMs / 2) return Math.min(MAX_BATCH, Math.ceil(batch * 1.25));
  return batch;
}
