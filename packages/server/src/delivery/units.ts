/**
 * What the engine holds for each endpoint and account it serves: claims waiting, attempts in flight,
 * latency and progress (the pacing state of `pacing.ts`), and the endpoint's latest configuration.
 */
import type { WebhookPayload } from '../domain/webhook-payload.ts';
import type { ClaimedDelivery, EndpointRecord } from '../store/store.ts';
import type { PacingLimits, PacingState } from './pacing.ts';

/** A claimed delivery waiting here, with its rendered payload. */
export interface Claim {
  readonly delivery: ClaimedDelivery;
  readonly leaseUntil: number;
  readonly payload: WebhookPayload;
}

/**
 * What an account holds in this process. Its share is paced like an endpoint (see `pacing.ts`): one
 * round of `accountConcurrency` while its receivers hang, more while they answer.
 */
export class AccountShare implements PacingState {
  inFlight = 0;
  queued = 0;
  latencyMs = 0;
  lastProgressAt: number;
  /** Its endpoints with a slot here. */
  readonly slots = new Set<EndpointSlot>();
  /** When a claim last brought it deliveries that had to go back (its endpoints here had no room). */
  deferredAt = Number.NEGATIVE_INFINITY;
  /** How many of them have work here (attempts in flight or claims queued). */
  busy = 0;

  constructor(
    /** Its share (its own `maxConcurrency`, or the default) and the deadlines it is paced by. */
    public limits: PacingLimits,
    nowMs: number,
  ) {
    this.lastProgressAt = nowMs;
  }
}

/** The per-endpoint state: its latest configuration, what is in flight and what waits. */
export class EndpointSlot implements PacingState {
  inFlight = 0;
  readonly queue: Claim[] = [];
  /** Earliest start of the next attempt under `rateLimitPerSecond`. */
  nextStartAt = 0;
  rateTimer: NodeJS.Timeout | undefined;
  /** Set when a 410 disabled the endpoint and the database may not know yet. */
  goneAt: number | undefined;
  /** Moving average of attempt durations (0 until the first attempt ends). */
  latencyMs = 0;
  /** When an attempt of this endpoint last ended (or the slot was made): how long it has been stuck. */
  lastProgressAt: number;
  /** Attempts handed to the sender beyond the endpoint's cap: they wait in its lane there. */
  ahead = 0;
  /** Counted in its account's `busy`. */
  busy = false;

  constructor(
    public endpoint: EndpointRecord,
    /** The endpoint's limits, kept with its configuration. */
    public limits: PacingLimits,
    readonly account: AccountShare,
    nowMs: number,
  ) {
    this.lastProgressAt = nowMs;
  }

  get queued(): number {
    return this.queue.length;
  }

  /** Keeps the account's count of endpoints with work up to date; call after any change of either. */
  recount(): void {
    const busy = this.inFlight > 0 || this.queue.length > 0;
    if (busy === this.busy) return;
    this.busy = busy;
    this.account.busy += busy ? 1 : -1;
  }
}
