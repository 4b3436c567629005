/**
 * Group commit, shared by the stores: publishes that arrive in the same turn of the event loop are
 * committed together (one fsync, one NOTIFY, instead of one each). Within a group each publish runs on
 * its own (a savepoint), so one failing call (an idempotency conflict) fails alone; every publish is
 * answered only after its group committed.
 */
import type { InsertEventResult, NewEvent } from './store.ts';

/** One publish waiting for its group. */
export interface PendingInsert {
  readonly accountId: string;
  readonly events: readonly NewEvent[];
  /** What the endpoints the deliveries were planned with are checked by (`PublishBasis.check`). */
  readonly check?: string | undefined;
  readonly resolve: (results: InsertEventResult[]) => void;
  readonly reject: (error: unknown) => void;
}

/** What one publish of a group came to. */
export type InsertOutcome = { readonly results: InsertEventResult[] } | { readonly error: unknown };

/** Collects the publishes of one turn of the event loop and hands them to `commit` together. */
export class PublishQueue {
  private pending: PendingInsert[] = [];

  constructor(private readonly commit: (publishes: PendingInsert[]) => void) {}

  /** Queues a publish; resolves with its results once its group committed. */
  add(accountId: string, events: readonly NewEvent[], check?: string): Promise<InsertEventResult[]> {
    return new Promise((resolve, reject) => {
      this.pending.push({ accountId, events, check, resolve, reject });
      if (this.pending.length === 1) setImmediate(() => this.flush());
    });
  }

  /** Hands what waits to `commit` now (on close, or at the end of the turn). */
  flush(): void {
    if (this.pending.length === 0) return;
    const publishes = this.pending;
    this.pending = [];
    this.commit(publishes);
  }
}

/**
 * Answers every publish of a group: each its own outcome once the group committed, or all the error
 * of a transaction that did not.
 */
export function settle(
  group: readonly PendingInsert[],
  outcome: readonly InsertOutcome[] | { error: unknown },
): void {
  if (!Array.isArray(outcome)) {
    const { error } = outcome as { error: unknown };
    for (const item of group) item.reject(error);
    return;
  }
  group.forEach((item, i) => {
    const own = outcome[i] as InsertOutcome;
    if ('error' in own) item.reject(own.error);
    else item.resolve(own.results);
  });
}
