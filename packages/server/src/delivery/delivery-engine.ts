/**
 * The delivery engine: claims due deliveries from the database in batches, sends them with a
 * per-endpoint concurrency cap and rate limit, and commits attempt results in groups.
 *
 * Flow: `claimLoop` → `accept` (per-endpoint queues) → `dispatch` → `attempt` → `finish` → `results`
 * (`result-batcher.ts`).
 *
 * Why it holds up:
 * - The queue is the database. Claims set a lease (`next_attempt_at` moves to the lease expiry and a
 *   fencing token is bumped); a crashed worker's deliveries become due again when the lease expires.
 *   A claim is never sent once its lease could expire before the attempt's deadline, so one process
 *   never races another (or a later claim of its own) for the same delivery.
 * - A slow or hanging endpoint fills only its own slots (`maxConcurrency`); while it is saturated the
 *   claim query skips it, so other endpoints' deliveries keep flowing.
 * - Publishing wakes the claim loop at once; the poll interval only bounds how late a scheduled retry
 *   starts.
 * - Results are committed by the hundred in one transaction (one fsync instead of one per attempt).
 *   A crash between a 2xx and its commit resends that delivery: duplicates happen only for attempts
 *   that were in flight, which at-least-once delivery allows.
 */
import type { Logger } from 'pino';
import { assertNever } from '../domain/assert-never.ts';
import { recordedBody } from '../domain/attempt-record.ts';
import { decideAfterAttempt } from '../domain/delivery-state.ts';
import { partitionServesAny } from '../domain/endpoint-partition.ts';
import type { IdKind } from '../domain/ids.ts';
import type { SendOutcome } from '../domain/send-outcome.ts';
import { isPlainShape, renderPayload, type WebhookPayload } from '../domain/webhook-payload.ts';
import type { Metrics } from '../observability/metrics.ts';
import type { AccountRecord, AttemptResult, ClaimedDelivery, EndpointRecord, Store } from '../store/store.ts';
import {
  aheadAllowed,
  canStartBeforeLeaseEnds,
  claimRoom,
  deferMs,
  holdLimit,
  isStuck,
  nextLatencyMs,
  type PacingLimits,
} from './pacing.ts';
import { RequestBuilder } from './request-builder.ts';
import { ResultBatcher } from './result-batcher.ts';
import type { Sender } from './sender.ts';
import { AccountShare, type Claim, EndpointSlot } from './units.ts';
import { WorkerMembership } from './worker-membership.ts';

export type { Sender } from './sender.ts';

/** Settings and collaborators of the engine. */
export interface DeliveryEngineOptions {
  readonly store: Store;
  /**
   * Told of each group of attempt results once it is committed, in commit order (what it says about
   * the endpoints' health: app/operational-events.ts). It must not throw.
   */
  readonly onResultsCommitted?: ((group: readonly AttemptResult[]) => void) | undefined;
  readonly sender: Sender;
  readonly metrics: Metrics;
  readonly logger: Logger;
  readonly newId: (kind: IdKind) => string;
  readonly now: () => number;
  readonly random: () => number;
  readonly retryScheduleMs: readonly number[];
  readonly retryAfterMaxMs: number;
  readonly timeoutMs: number;
  readonly workerConcurrency: number;
  readonly endpointConcurrency: number;
  /** Attempts in flight at once for one account (its endpoints share it fairly). */
  readonly accountConcurrency: number;
  readonly claimBatchSize: number;
  readonly pollIntervalMs: number;
  readonly userAgent: string;
  /** How much of each request body the attempt log keeps, in bytes (0: none). */
  readonly loggedRequestBodyBytes: number;
  /** This process among the delivery workers sharing the database (unique per process). */
  readonly workerId: string;
}

// How often the accounts' shares are read again, for a change made through another process.
const SHARES_REREAD_MS = 5_000;
// While an account is held back (it holds its part and its backlog waits in the database), the loop
// looks again this often at the latest, for retries of the others falling due; one of the account's
// attempts ending wakes it sooner, and so does new work.
const HELD_BACK_RECHECK_MS = 50;

/** Runs delivery in this process. */
export class DeliveryEngine {
  private readonly options: DeliveryEngineOptions;
  /** Lease of a claim: time to wait in a per-endpoint queue plus the attempt itself, with room to spare. */
  private readonly leaseMs: number;
  private readonly maxLocal: number;
  private readonly minClaim: number;
  private running = false;
  private closed = false;
  private loopDone: Promise<void> = Promise.resolve();
  private wakeSleeper: (() => void) | undefined;
  private wakePending = false;
  /** The last claim was a full batch: more may be due, so finished attempts should make room for it. */
  private moreDue = false;
  /** New work was announced while the process was full: claim it as soon as there is room. */
  private wakeWhenRoom = false;
  private inFlight = 0;
  private queued = 0;
  /** Attempts waiting in the sender's lanes (the sum of the slots' `ahead`). */
  private ahead = 0;
  private readonly maxAhead: number;
  /** The attempts counter by outcome, its label set resolved once. */
  private readonly attemptsBy: Record<'succeeded' | 'retry' | 'failed' | 'gone', { inc(): void }>;
  private readonly slots = new Map<string, EndpointSlot>();
  private readonly accounts = new Map<string, AccountShare>();
  /** Accounts the last claim gave no room while it came back short: their attempts ending wakes the loop. */
  private readonly heldBack = new Set<AccountShare>();
  /** Each account's part of what the process holds, as of the last claim. */
  private fairPart: number;
  /** When the shares of the accounts here were last read again (another process may change them). */
  private sharesReadAt = 0;
  /** Slots with queued claims, in round-robin order. */
  private readonly ready = new Set<EndpointSlot>();
  private readonly results: ResultBatcher;
  private readonly requests: RequestBuilder;
  private idleWaiters: (() => void)[] = [];
  /** Stops following the store's notifications (see `listen`). */
  private stopListening: () => void = () => {};
  /** This process among the delivery workers: its heartbeat and its share of the endpoints. */
  private readonly membership: WorkerMembership;

  constructor(options: DeliveryEngineOptions) {
    this.options = options;
    this.leaseMs = 2 * options.timeoutMs + 30_000;
    // Keep one claim batch queued beyond the slots, so a finished attempt is replaced at once.
    this.maxLocal = options.workerConcurrency + options.claimBatchSize;
    this.minClaim = Math.max(1, Math.min(options.claimBatchSize, Math.floor(this.maxLocal / 4)));
    this.fairPart = this.maxLocal - this.minClaim;
    // Attempts handed to the sender ahead of their turn (see `aheadAllowed` in pacing.ts), over all
    // endpoints, stay within a quarter of `workerConcurrency`.
    this.maxAhead = Math.floor(options.workerConcurrency / 4);
    this.requests = new RequestBuilder(options.userAgent);
    this.membership = new WorkerMembership(options.store, options.workerId, options.now, options.logger, {
      shareChanged: async () => {
        await this.handBackQueued();
        this.wake();
      },
      beat: () => this.rereadShares(this.options.now()),
    });
    // The end of a lane's head made its next delivery due (domain/ordering.ts): claim it now rather than
    // at the next due time the loop knew of.
    this.results = new ResultBatcher(options.store, options.logger, options.now, (group) => {
      if (group.some((r) => r.claim.orderingKey !== null && r.status !== 'pending')) this.wake();
      options.onResultsCommitted?.(group);
    });
    const attempts = options.metrics.attempts;
    this.attemptsBy = {
      succeeded: attempts.labels({ outcome: 'succeeded' }),
      retry: attempts.labels({ outcome: 'retry' }),
      failed: attempts.labels({ outcome: 'failed' }),
      gone: attempts.labels({ outcome: 'gone' }),
    };
  }

  /** Starts claiming and sending. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.listen();
    // The first claim waits for the first heartbeat, so a new worker never claims another's share.
    this.loopDone = this.membership.join().then(() => this.claimLoop());
  }

  /**
   * Follows the store: new work wakes the claim loop, and a changed endpoint is read again and applied
   * to what is held for it, whichever process made the change (`Store.onDue`, `onEndpointChanged`).
   */
  private listen(): void {
    const store = this.options.store;
    const stopWaking = store.onDue((buckets) => this.wake(buckets));
    const stopFollowing = store.onEndpointChanged((endpointId) => {
      store.getEndpointsByIds([endpointId]).then(
        ([endpoint]) => this.endpointChanged(endpointId, endpoint),
        (error: unknown) =>
          this.options.logger.warn({ err: error, endpointId }, 'could not read a changed endpoint'),
      );
    });
    this.stopListening = () => {
      stopWaking();
      stopFollowing();
    };
  }

  /** Hands every queued (not started) claim back to the database, due now. */
  private async handBackQueued(): Promise<void> {
    const waiting: ClaimedDelivery[] = [];
    for (const slot of this.slots.values()) {
      for (const claim of this.takeQueued(slot)) waiting.push(claim.delivery);
    }
    if (waiting.length === 0) return;
    await this.options.store.releaseClaims(waiting, this.options.now()).catch((error: unknown) => {
      this.options.logger.error(
        { err: error },
        'could not release queued claims; they return when their lease expires',
      );
    });
  }

  /**
   * New deliveries are due now: claim without waiting for the poll interval. Given the buckets of their
   * endpoints, a worker whose share holds none of them stays asleep: with several worker processes,
   * each publish would otherwise make every one of them run a claim that finds nothing.
   */
  wake(buckets?: readonly number[]): void {
    if (buckets !== undefined && !partitionServesAny(this.membership.partition, buckets)) return;
    this.wakePending = true;
    this.wakeSleeper?.();
  }

  /**
   * Stops claiming, hands queued claims back to the database, waits up to `drainMs` for attempts in
   * flight and commits their results. Attempts still running after that are retried once their lease
   * expires.
   */
  async stop(drainMs: number): Promise<void> {
    this.running = false;
    this.stopListening();
    this.wakeSleeper?.();
    await this.loopDone;
    for (const slot of this.slots.values()) clearTimeout(slot.rateTimer);
    await this.handBackQueued();
    await this.membership.leave();
    if (this.inFlight > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, drainMs);
        this.idleWaiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    if (this.inFlight > 0)
      this.options.logger.warn({ inFlight: this.inFlight }, 'stopped with attempts still in flight');
    await this.results.flush();
    // From here the store may be closed: results of abandoned attempts are not recorded, and their
    // deliveries are sent again after the next start.
    this.closed = true;
    this.results.close();
  }

  /**
   * An endpoint was changed, disabled or deleted through the API. Its new settings apply to claims
   * already queued here; when it no longer accepts deliveries, they are dropped (the same transaction
   * that disabled or deleted it cancelled them in the database).
   */
  endpointChanged(endpointId: string, endpoint: EndpointRecord | undefined): void {
    const slot = this.slots.get(endpointId);
    if (!slot) return;
    if (endpoint?.enabled) {
      this.configure(slot, endpoint);
      return;
    }
    this.takeQueued(slot);
    // Attempts still out end as they will; those waiting in the sender's lane must not come back here.
    if (endpoint) this.configure(slot, endpoint);
    else this.forget(slot);
    if (slot.ahead > 0) this.options.sender.withdraw?.(endpointId);
  }

  /**
   * Claims while the process runs. After each step the loop is in one of these modes:
   * - **full**: less room than a worthwhile batch; it sleeps, and a finishing attempt wakes it when
   *   there is room (a wake meanwhile is kept for then);
   * - **more due**: the last claim was a whole batch that fitted; it claims again at once;
   * - **held back**: the claim came back short while accounts holding their part were left out; their
   *   attempts ending wake it, or new work, or a recheck ({@link HELD_BACK_RECHECK_MS});
   * - **idle**: nothing more is due; it sleeps until the next due time (at most the poll interval),
   *   or until new work wakes it.
   */
  private async claimLoop(): Promise<void> {
    while (this.running) {
      const room = this.maxLocal - this.inFlight - this.queued;
      if (room < this.minClaim) {
        await this.sleepWhileFull();
        continue;
      }
      this.wakePending = false;
      const claimed = await this.claimStep(room);
      if (claimed === undefined) {
        // The store failed; it was logged. Try again after a poll interval.
        await this.sleep(this.options.pollIntervalMs);
        continue;
      }
      if (this.moreDue || this.wakePending) continue;
      const idleMs = await this.idleDelayMs();
      await this.sleep(this.heldBack.size > 0 ? Math.max(idleMs, HELD_BACK_RECHECK_MS) : idleMs);
    }
  }

  /** Full: a wake now is kept for later; a finishing attempt passes it on once there is room. */
  private async sleepWhileFull(): Promise<void> {
    if (this.wakePending) {
      this.wakeWhenRoom = true;
      this.wakePending = false;
    }
    await this.sleep(this.options.pollIntervalMs);
  }

  /**
   * One claim and the filing of what it brought; sets the mode for the loop (`moreDue`, `heldBack`).
   * @returns how many were claimed; `undefined` when the store failed (logged).
   */
  private async claimStep(room: number): Promise<number | undefined> {
    const limit = Math.min(this.options.claimBatchSize, room + (await this.shedExcess()));
    const nowMs = this.options.now();
    const accountRoom = this.accountRooms(nowMs, limit);
    let claimed: ClaimedDelivery[];
    try {
      claimed = await this.options.store.claimDue({
        nowMs,
        limit,
        leaseMs: this.leaseMs,
        partition: this.membership.partition,
        accountRoom,
      });
      this.options.metrics.claims.inc();
    } catch (error) {
      this.options.logger.error({ err: error }, 'claiming deliveries failed; trying again');
      return undefined;
    }
    let deferred = 0;
    try {
      deferred = claimed.length > 0 ? await this.accept(claimed, nowMs) : 0;
    } catch (error) {
      // Reading their endpoints, or handing back what had no room, failed: what was not queued here
      // stays leased and comes back when the lease ends.
      this.options.logger.error(
        { err: error, claimed: claimed.length },
        'could not take in claimed deliveries; those not queued return when their lease ends',
      );
      return undefined;
    }
    // A full batch that fitted means more is probably due: finished attempts make room for it. A batch
    // that had to be deferred in part means the endpoints are full: wait for the deferred time instead.
    this.moreDue = claimed.length === limit && deferred === 0;
    // Short, with accounts left out: what is still due may well be theirs. Their attempts ending wake
    // the loop (see `finish`) rather than the due time, which has passed.
    this.heldBack.clear();
    if (claimed.length < limit) {
      for (const [accountId, accountRoomLeft] of accountRoom) {
        const account = this.accounts.get(accountId);
        if (accountRoomLeft === 0 && account) this.heldBack.add(account);
      }
    }
    return claimed.length;
  }

  /**
   * The accounts the next claim must not give a whole batch: those holding claims here, each with
   * what it may still take (see `claimRoom` in pacing.ts). An account not listed has nothing here.
   */
  private accountRooms(nowMs: number, limit: number): Map<string, number> {
    const rooms = new Map<string, number>();
    let holding = 0;
    for (const account of this.accounts.values()) if (account.inFlight + account.queued > 0) holding++;
    this.fairPart = Math.floor((this.maxLocal - this.minClaim) / Math.max(1, holding));
    for (const [accountId, account] of this.accounts) {
      if (account.inFlight + account.queued === 0) continue;
      const room = this.roomOf(account, nowMs);
      if (room < limit) rooms.set(accountId, room);
    }
    return rooms;
  }

  /**
   * What the next claim may bring an account: its room (see `claimRoom`), but none for a recheck after
   * a claim brought it only deliveries its endpoints here had no room for. A claim takes an account's
   * due first, whichever of its endpoints they are for: without the pause, an account whose endpoints
   * are full (or hang) would have its backlog claimed and handed back as fast as the loop can claim.
   * One that got some work through keeps its room: its other endpoints are flowing.
   */
  private roomOf(account: AccountShare, nowMs: number): number {
    const room = claimRoom(account, account.limits, nowMs, this.options.claimBatchSize, this.fairPart);
    return room > 0 && nowMs - account.deferredAt < HELD_BACK_RECHECK_MS ? 0 : room;
  }

  /**
   * Hands back, deferred, what endpoints and accounts hold beyond their limit: a fast endpoint that
   * started hanging would otherwise keep a queue that waits on it while the process has no room for
   * anyone else, and so would an account whose receivers hang (one round of its share while they do).
   * An account's claims are taken from its endpoints that hold more than their fair part of its limit,
   * so an endpoint that just got work keeps its claims.
   * @returns how many claims were handed back.
   */
  private async shedExcess(): Promise<number> {
    const nowMs = this.options.now();
    const shedding: { claims: Claim[]; dueAt: number }[] = [];
    for (const slot of this.ready) {
      const excess = slot.inFlight + slot.queue.length - this.slotHold(slot, nowMs);
      if (excess <= 0) continue;
      const dueAt = nowMs + deferMs(slot, slot.limits, 1, nowMs);
      shedding.push({ claims: this.takeQueued(slot, excess), dueAt });
    }
    for (const account of this.accounts.values()) {
      const accountHold = holdLimit(account, account.limits, nowMs);
      let excess = account.inFlight + account.queued - accountHold;
      if (excess <= 0) continue;
      // Taken from the endpoints that hold more than their fair part of the account's hold, the stuck
      // ones first. A stuck endpoint's claims come back when the account should have room again; a
      // flowing one's when its own turn comes, so its receiver is not kept waiting for the others.
      const fairHold = Math.max(1, Math.floor(accountHold / Math.max(1, account.busy)));
      const stuck = new Set([...account.slots].filter((slot) => isStuck(slot, nowMs)));
      for (const slot of new Set([...stuck, ...account.slots])) {
        if (excess <= 0) break;
        const over = Math.min(excess, slot.inFlight + slot.queue.length - fairHold);
        if (over <= 0) continue;
        const dueAt =
          nowMs +
          (stuck.has(slot)
            ? deferMs(account, account.limits, 1, nowMs)
            : deferMs(slot, slot.limits, 1, nowMs));
        const claims = this.takeQueued(slot, over);
        excess -= claims.length;
        shedding.push({ claims, dueAt });
      }
    }
    let shed = 0;
    for (const { claims, dueAt } of shedding) {
      if (claims.length === 0) continue;
      try {
        await this.options.store.releaseClaims(
          claims.map((claim) => claim.delivery),
          dueAt,
        );
      } catch (error) {
        // Their leases expire and they come back then.
        this.options.logger.error({ err: error }, 'could not hand back queued claims');
      }
      this.options.metrics.claimed.inc({ fate: 'deferred' }, claims.length);
      shed += claims.length;
    }
    return shed;
  }

  /** How long to sleep when the last claim found less than a batch. */
  private async idleDelayMs(): Promise<number> {
    try {
      const nextDue = await this.options.store.nextDueAt(this.membership.partition);
      const untilDue = nextDue === undefined ? this.options.pollIntervalMs : nextDue - this.options.now();
      return Math.max(0, Math.min(untilDue, this.options.pollIntervalMs));
    } catch {
      return this.options.pollIntervalMs;
    }
  }

  private sleep(ms: number): Promise<void> {
    // A wake that came while the loop was busy (even between its last check and now) is not lost.
    if (!this.running || this.wakePending) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakeSleeper = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeSleeper = done;
    });
  }

  // An endpoint may only lower the operator's per-endpoint cap, never raise it: the setting is the
  // ceiling on how much of a process one merchant's receiver may hold.
  private capOf(endpoint: EndpointRecord): number {
    return Math.min(
      endpoint.maxConcurrency ?? this.options.endpointConcurrency,
      this.options.endpointConcurrency,
    );
  }

  /**
   * Files a claimed batch into per-endpoint queues, with each event's body built once.
   * @returns how many claims were deferred because their endpoint had no room.
   */
  private async accept(claimed: readonly ClaimedDelivery[], nowMs: number): Promise<number> {
    const endpointIds = [...new Set(claimed.map((d) => d.endpointId))];
    const endpoints = new Map(
      (await this.options.store.getEndpointsByIds(endpointIds)).map((e) => [e.id, e]),
    );
    // Accounts seen for the first time: their own share, if the operator gave one.
    const newAccountIds = [...new Set(claimed.map((d) => d.accountId))].filter(
      (id) => !this.accounts.has(id),
    );
    if (newAccountIds.length > 0) {
      for (const account of await this.options.store.getAccountsByIds(newAccountIds)) {
        this.shareOf(account.id, account, nowMs);
      }
    }
    const payloads = new Map<string, WebhookPayload>();
    const parsed = new Map<string, unknown>();
    const leaseUntil = nowMs + this.leaseMs;
    const orphaned: ClaimedDelivery[] = [];
    const deferred = new Map<number, ClaimedDelivery[]>();
    const excessOf = new Map<EndpointSlot, number>();
    const handedBack = new Set<AccountShare>();
    const taken = new Set<AccountShare>();
    for (const delivery of claimed) {
      const slot = this.slotFor(delivery.endpointId, endpoints.get(delivery.endpointId));
      // Deleted, disabled, or no longer one of the endpoint's URLs.
      if (!slot?.endpoint.urls.includes(delivery.url)) {
        orphaned.push(delivery);
        continue;
      }
      if (slot.inFlight + slot.queue.length >= this.slotHold(slot, nowMs)) {
        handedBack.add(slot.account);
        const nth = (excessOf.get(slot) ?? 0) + 1;
        excessOf.set(slot, nth);
        const dueAt = nowMs + deferMs(slot, slot.limits, nth, nowMs);
        const group = deferred.get(dueAt);
        if (group) group.push(delivery);
        else deferred.set(dueAt, [delivery]);
        continue;
      }
      // Built once per event for every endpoint that takes it as stored, once per event, endpoint and
      // line for shaped ones (with the data parsed once per event).
      const shape = slot.endpoint;
      const key = isPlainShape(shape, delivery.lineId)
        ? delivery.eventId
        : `${delivery.eventId} ${delivery.endpointId} ${delivery.lineId ?? ''}`;
      let payload = payloads.get(key);
      if (payload === undefined) {
        payload = renderPayload(delivery, delivery.lineId, shape, () => {
          if (!parsed.has(delivery.eventId)) parsed.set(delivery.eventId, JSON.parse(delivery.dataJson));
          return parsed.get(delivery.eventId);
        });
        payloads.set(key, payload);
      }
      this.enqueue(slot, { delivery, leaseUntil, payload });
      taken.add(slot.account);
    }
    // An account this claim brought nothing it could keep gets no room for a recheck (see `roomOf`).
    for (const account of handedBack) if (!taken.has(account)) account.deferredAt = nowMs;
    this.dispatch();
    // The endpoint was deleted or disabled after the claim: sending is wrong, and leaving the row
    // leased would hand it out again at every lease end.
    if (orphaned.length > 0) await this.options.store.cancelClaims(orphaned, nowMs);
    // More than the endpoint can start before the lease ends: back to the queue, due when the endpoint
    // should have room again. Leaving them due now would keep them at the head of the queue, where
    // every claim would read them again (a hanging endpoint would slow every other one down).
    let count = 0;
    for (const [dueAt, claims] of deferred) {
      await this.options.store.releaseClaims(claims, dueAt);
      count += claims.length;
    }
    const claimedMetric = this.options.metrics.claimed;
    claimedMetric.inc({ fate: 'queued' }, claimed.length - count - orphaned.length);
    if (count > 0) claimedMetric.inc({ fate: 'deferred' }, count);
    if (orphaned.length > 0) claimedMetric.inc({ fate: 'cancelled' }, orphaned.length);
    return count;
  }

  private timeoutOf(endpoint: EndpointRecord): number {
    return Math.min(endpoint.timeoutMs ?? this.options.timeoutMs, this.options.timeoutMs);
  }

  private slotFor(endpointId: string, endpoint: EndpointRecord | undefined): EndpointSlot | undefined {
    const slot = this.slots.get(endpointId);
    if (!endpoint?.enabled) {
      if (slot && slot.inFlight === 0 && slot.queue.length === 0) this.forget(slot);
      return undefined;
    }
    if (!slot) {
      const nowMs = this.options.now();
      const account = this.shareOf(endpoint.accountId, undefined, nowMs);
      const created = new EndpointSlot(endpoint, this.limitsOf(endpoint), account, nowMs);
      account.slots.add(created);
      this.slots.set(endpointId, created);
      return created;
    }
    if (slot.goneAt !== undefined) {
      // The 410 is not committed yet, or the merchant has enabled the endpoint again since.
      if (endpoint.updatedAt <= slot.goneAt) return undefined;
      slot.goneAt = undefined;
    }
    this.configure(slot, endpoint);
    return slot;
  }

  /**
   * The account's share here, made on first use with its own `maxConcurrency` when `record` (or an
   * earlier read) gave it, else the default.
   */
  private shareOf(accountId: string, record: AccountRecord | undefined, nowMs: number): AccountShare {
    let share = this.accounts.get(accountId);
    if (share === undefined) {
      share = new AccountShare(this.accountLimitsOf(record), nowMs);
      this.accounts.set(accountId, share);
    }
    return share;
  }

  /** An account's share of this process's attempts in flight, within `workerConcurrency`. */
  private accountLimitsOf(record: AccountRecord | undefined): PacingLimits {
    const cap = record?.maxConcurrency ?? this.options.accountConcurrency;
    return {
      cap: Math.max(1, Math.min(cap, this.options.workerConcurrency)),
      timeoutMs: this.options.timeoutMs,
      leaseMs: this.leaseMs,
      rateLimitPerSecond: null,
    };
  }

  /** An account's settings changed through the API of this process: its share applies at once. */
  accountChanged(account: AccountRecord): void {
    const share = this.accounts.get(account.id);
    if (share === undefined) return;
    share.limits = this.accountLimitsOf(account);
    if (this.running) this.dispatch();
  }

  /** Reads the shares of the accounts here again: an operator may have changed one through another process. */
  private async rereadShares(nowMs: number): Promise<void> {
    if (nowMs - this.sharesReadAt < SHARES_REREAD_MS || this.accounts.size === 0) return;
    this.sharesReadAt = nowMs;
    for (const account of await this.options.store.getAccountsByIds([...this.accounts.keys()])) {
      const share = this.accounts.get(account.id);
      if (share) share.limits = this.accountLimitsOf(account);
    }
  }

  /** The limits an endpoint is paced by: its own settings within the operator's. */
  private limitsOf(endpoint: EndpointRecord): PacingLimits {
    return {
      cap: this.capOf(endpoint),
      timeoutMs: this.timeoutOf(endpoint),
      leaseMs: this.leaseMs,
      rateLimitPerSecond: endpoint.rateLimitPerSecond,
    };
  }

  /** A slot takes its endpoint's latest configuration. */
  private configure(slot: EndpointSlot, endpoint: EndpointRecord): void {
    if (slot.endpoint === endpoint) return;
    slot.endpoint = endpoint;
    slot.limits = this.limitsOf(endpoint);
  }

  /**
   * How many claims an endpoint may hold here: its hold limit (see `holdLimit`), and while it is stuck
   * no more than it may have in flight, so a hanging endpoint holds nothing queued even when its part
   * of its account's share is below its own cap (the rest goes back, deferred, for as long as it hangs).
   */
  private slotHold(slot: EndpointSlot, nowMs: number): number {
    const hold = holdLimit(slot, slot.limits, nowMs);
    return isStuck(slot, nowMs) ? Math.min(hold, Math.max(1, this.inFlightLimit(slot, nowMs))) : hold;
  }

  /** Drops the slot of an endpoint that is gone, and its account's share once nothing is left of it. */
  private forget(slot: EndpointSlot): void {
    if (this.slots.get(slot.endpoint.id) === slot) this.slots.delete(slot.endpoint.id);
    const { account } = slot;
    account.slots.delete(slot);
    if (account.slots.size === 0 && account.inFlight === 0 && account.queued === 0) {
      this.accounts.delete(slot.endpoint.accountId);
    }
  }

  /** Queues a claim at the end of its endpoint's queue. */
  private enqueue(slot: EndpointSlot, claim: Claim, first = false): void {
    if (first) slot.queue.unshift(claim);
    else slot.queue.push(claim);
    this.queued++;
    slot.account.queued++;
    slot.recount();
    this.ready.add(slot);
  }

  /** Takes the first claim of an endpoint's queue. */
  private dequeue(slot: EndpointSlot): Claim | undefined {
    const claim = slot.queue.shift();
    if (claim === undefined) return undefined;
    this.queued--;
    slot.account.queued--;
    slot.recount();
    if (slot.queue.length === 0) this.ready.delete(slot);
    return claim;
  }

  /** Takes the last `count` claims of an endpoint's queue (all of them by default). */
  private takeQueued(slot: EndpointSlot, count = slot.queue.length): Claim[] {
    const taken = slot.queue.splice(slot.queue.length - Math.min(count, slot.queue.length));
    this.queued -= taken.length;
    slot.account.queued -= taken.length;
    slot.recount();
    if (slot.queue.length === 0) this.ready.delete(slot);
    return taken;
  }

  /**
   * How many attempts an endpoint may have in flight: its cap (with those handed ahead when it is fast),
   * within its fair part of its account's share (the share divided among the account's endpoints with
   * work here) and what is left of the share. While some endpoint of the account is stuck, one with
   * nothing in flight may start one attempt even when the share is taken: a merchant's hanging receivers
   * cannot take every turn of its healthy one. So an account has at most its share in flight, and while
   * some of its receivers hang, one more for each of its endpoints that got work after the share was
   * taken, never more than twice its share.
   */
  private inFlightLimit(slot: EndpointSlot, nowMs: number): number {
    const own = slot.limits.cap + aheadAllowed(slot, slot.limits, nowMs);
    const { account } = slot;
    const share = account.limits.cap + aheadAllowed(account, account.limits, nowMs);
    const part = Math.max(1, Math.floor(share / Math.max(1, account.busy)));
    const fair = Math.min(own, part, slot.inFlight + Math.max(0, share - account.inFlight));
    if (slot.inFlight > 0 || fair > 0 || account.inFlight >= 2 * share) return fair;
    // Only stuck endpoints keep a share taken for long; otherwise room comes back within a turn.
    for (const other of account.slots) if (isStuck(other, nowMs)) return 1;
    return 0;
  }

  /** Starts queued attempts, round-robin over endpoints, within the global and per-endpoint caps. */
  private dispatch(): void {
    for (const slot of [...this.ready]) {
      if (this.inFlight >= this.options.workerConcurrency) return;
      this.startFrom(slot);
      // Re-adding moves the slot to the end, so the next free slot goes to another endpoint first.
      if (this.ready.delete(slot) && slot.queue.length > 0) this.ready.add(slot);
    }
  }

  private startFrom(slot: EndpointSlot): void {
    const { cap, timeoutMs } = slot.limits;
    const rate = slot.endpoint.rateLimitPerSecond;
    // Constant over the loop: each start adds one to the endpoint's and the account's attempts alike.
    const limit = this.inFlightLimit(slot, this.options.now());
    while (slot.inFlight < limit && this.inFlight < this.options.workerConcurrency) {
      const claim = slot.queue[0];
      if (!claim) return;
      const nowMs = this.options.now();
      // Handed ahead, it may wait up to one deadline in the lane (until each attempt out has ended)
      // before its own begins; it must still end before the lease does. Otherwise it waits here.
      const early = slot.inFlight >= cap;
      if (
        early &&
        (this.ahead >= this.maxAhead ||
          !canStartBeforeLeaseEnds(nowMs, timeoutMs, timeoutMs, claim.leaseUntil))
      ) {
        return;
      }
      // Too close to the lease expiry: leave it; the database hands it out again when the lease ends.
      if (!canStartBeforeLeaseEnds(nowMs, 0, timeoutMs, claim.leaseUntil)) {
        this.dequeue(slot);
        continue;
      }
      if (rate !== null && rate > 0 && nowMs < slot.nextStartAt) {
        slot.rateTimer ??= setTimeout(() => {
          slot.rateTimer = undefined;
          this.dispatch();
        }, slot.nextStartAt - nowMs);
        return;
      }
      this.dequeue(slot);
      slot.inFlight++;
      slot.account.inFlight++;
      slot.recount();
      this.inFlight++;
      if (early) {
        slot.ahead++;
        this.ahead++;
      }
      this.options.metrics.inFlight.inc();
      void this.attempt(slot, claim, timeoutMs, cap);
      // The next start of a rate-limited endpoint counts from after this hand-over, not from the check
      // above: a pause of the process in between (a collection, a busy turn) then delays the next
      // attempt instead of bringing it closer.
      if (rate !== null && rate > 0) slot.nextStartAt = this.options.now() + 1_000 / rate;
    }
  }

  private async attempt(slot: EndpointSlot, claim: Claim, timeoutMs: number, cap: number): Promise<void> {
    const { delivery } = claim;
    const endpoint = slot.endpoint;
    const handedAt = this.options.now();
    let outcome: SendOutcome | undefined;
    try {
      const { payload } = claim;
      outcome = await this.options.sender.send({
        url: delivery.url,
        headers: this.requests.headers(endpoint, payload, handedAt),
        body: payload.body,
        timeoutMs,
        lane: { key: delivery.endpointId, concurrency: cap },
      });
    } catch (error) {
      // Only a bug gets here (the sender returns failures as values); count it as a failed attempt.
      this.options.logger.error({ err: error, deliveryId: delivery.id }, 'attempt crashed');
      outcome = { kind: 'error', errorCode: 'network_error', message: String(error), durationMs: 0 };
    }
    if (outcome === undefined) this.withdrawn(slot, claim);
    else this.finish(slot, claim, handedAt + (outcome.waitedMs ?? 0), outcome);
  }

  /** An attempt left the sender's hands, sent or not. */
  private handedBack(slot: EndpointSlot): void {
    slot.inFlight--;
    slot.account.inFlight--;
    slot.recount();
    this.inFlight--;
    if (slot.ahead > 0) {
      slot.ahead--;
      this.ahead--;
    }
    this.options.metrics.inFlight.dec();
  }

  /**
   * An attempt came back unsent from its lane: its endpoint stopped taking deliveries (which the
   * database already knows, or will with the 410's result), or the engine is stopping (the claim goes
   * back to the database, due now).
   */
  private withdrawn(slot: EndpointSlot, claim: Claim): void {
    this.handedBack(slot);
    if (this.inFlight === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
    if (this.closed) return;
    if (!this.running) {
      this.options.store.releaseClaims([claim.delivery], this.options.now()).catch(() => {});
      return;
    }
    if (slot.goneAt !== undefined || !slot.endpoint.enabled || this.slots.get(slot.endpoint.id) !== slot)
      return;
    this.enqueue(slot, claim, true);
    this.dispatch();
  }

  private finish(slot: EndpointSlot, claim: Claim, startedAt: number, outcome: SendOutcome): void {
    if (this.closed) {
      this.handedBack(slot);
      return;
    }
    const { delivery } = claim;
    const number = delivery.attemptCount + 1;
    const nowMs = this.options.now();
    const decision = decideAfterAttempt({
      outcome,
      attemptsMade: number - delivery.scheduleStart,
      scheduleMs: this.options.retryScheduleMs,
      retryAfterMaxMs: this.options.retryAfterMaxMs,
      nowMs,
      random: this.options.random(),
    });
    const response = outcome.kind === 'response' ? outcome : undefined;
    const sentBody = recordedBody(claim.payload.body, this.options.loggedRequestBodyBytes);
    this.results.add({
      claim: delivery,
      status: decision.status,
      nextAttemptAt: decision.status === 'pending' ? decision.nextAttemptAt : null,
      disableEndpoint: decision.status === 'cancelled',
      attempt: {
        id: this.options.newId('attempt'),
        deliveryId: delivery.id,
        accountId: delivery.accountId,
        number,
        startedAt,
        durationMs: outcome.durationMs,
        statusCode: response?.statusCode ?? null,
        errorCode: outcome.kind === 'error' ? outcome.errorCode : null,
        errorMessage: outcome.kind === 'error' ? outcome.message : null,
        responseBody: response?.body ?? null,
        responseBodyTruncated: response?.bodyTruncated ?? false,
        responseHeadersJson: response?.headersJson ?? null,
        requestHeadersJson: outcome.requestHeadersJson ?? null,
        requestBody: sentBody.body,
        requestBodyTruncated: sentBody.truncated,
        succeeded: decision.status === 'succeeded',
      },
    });

    const metrics = this.options.metrics;
    metrics.attemptDuration.observe(outcome.durationMs / 1000);
    const logger = this.options.logger;
    const log = { deliveryId: delivery.id, endpointId: delivery.endpointId, attempt: number };
    const detail = response
      ? { statusCode: response.statusCode }
      : { errorCode: outcome.kind === 'error' ? outcome.errorCode : undefined };
    switch (decision.status) {
      case 'succeeded':
        this.attemptsBy.succeeded.inc();
        metrics.deliveriesSucceeded.inc();
        // Built only when it is written: this runs for every delivery.
        if (logger.isLevelEnabled('debug'))
          logger.debug({ ...log, ...detail, durationMs: outcome.durationMs }, 'delivered');
        break;
      case 'pending':
        this.attemptsBy.retry.inc();
        this.options.logger.info(
          { ...log, ...detail, nextAttemptAt: new Date(decision.nextAttemptAt).toISOString() },
          'attempt failed; retry scheduled',
        );
        break;
      case 'failed':
        this.attemptsBy.failed.inc();
        metrics.deliveriesFailed.inc();
        this.options.logger.warn({ ...log, ...detail }, 'delivery failed; retry schedule used up');
        break;
      case 'cancelled':
        this.attemptsBy.gone.inc();
        this.options.logger.warn(log, 'receiver answered 410 Gone; endpoint disabled');
        slot.goneAt = nowMs;
        this.takeQueued(slot);
        if (slot.ahead > 0) this.options.sender.withdraw?.(delivery.endpointId);
        break;
      default:
        assertNever(decision);
    }

    slot.latencyMs = nextLatencyMs(slot.latencyMs, outcome.durationMs);
    slot.lastProgressAt = nowMs;
    slot.account.latencyMs = nextLatencyMs(slot.account.latencyMs, outcome.durationMs);
    slot.account.lastProgressAt = nowMs;
    this.handedBack(slot);
    if (this.inFlight === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
    if (!this.running) return;
    this.dispatch();
    // Refill only when the last claim suggested more is due; otherwise new work wakes the loop itself
    // (publish) or is found when it falls due (the loop sleeps until the next due time).
    if ((this.moreDue || this.wakeWhenRoom) && this.maxLocal - this.inFlight - this.queued >= this.minClaim) {
      this.wakeWhenRoom = false;
      this.wake();
    }
    const { account } = slot;
    if (this.heldBack.has(account) && this.roomOf(account, nowMs) > 0) {
      this.heldBack.delete(account);
      this.wake();
    }
  }
}
