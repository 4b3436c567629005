/**
 * API rate limits: the requests per second each API key, each account (its keys and portal sessions
 * together) and the admin token may make, each with a burst of one window's worth. A request over a
 * limit is answered 429 `rate_limited` with `Retry-After`; every limited answer carries the
 * `RateLimit-Policy` and `RateLimit` fields of draft-ietf-httpapi-ratelimit-headers-11.
 *
 * The algorithm is GCRA (the generic cell rate algorithm, a token bucket kept as one number): each
 * partition (a key id, an account id, the admin token) has a theoretical arrival time `tat`, the
 * moment its bucket would be full again. A request moves it one interval (1 s / rate) on from
 * `max(tat, now)`, and is admitted when that lands no further than one window past now. A check is a
 * map look-up and a few additions per limit (a partition seen before allocates no state, only the
 * answer's two field values); a refused request moves nothing, so a client that keeps knocking does
 * not push its own recovery back.
 *
 * The limits hold per process: several API processes on one PostgreSQL each allow the full rate.
 */
import type { FastifyReply } from 'fastify';
import type { Principal } from '../app/accounts.ts';
import { AppError } from '../app/app-error.ts';
import { assertNever } from '../domain/assert-never.ts';

/** The limits, as `HOOKLINE_RATE_LIMIT_*` sets them. A rate of 0 is no limit. */
export interface RateLimitSettings {
  /** Requests per second one API key may make. */
  readonly apiKeyPerSecond: number;
  /** Requests per second one account may make over all its API keys and portal sessions. */
  readonly accountPerSecond: number;
  /** Requests per second the admin token may make. */
  readonly adminPerSecond: number;
  /** The burst: a caller that was quiet may make a window's worth of its rate at once. Whole seconds. */
  readonly windowMs: number;
}

/** A limit's name, as the RateLimit fields and the problem's `policy` member give it. */
export type RateLimitPolicy = 'api-key' | 'account' | 'admin';

/** What one request came to under the limits that apply to its caller. */
export interface RateLimitVerdict {
  /** Whether the request may go on. */
  readonly admitted: boolean;
  /** The limit that refused it, when it was refused (the one that holds it back longest, when two did). */
  readonly violated: { readonly policy: RateLimitPolicy; readonly perSecond: number } | undefined;
  /** When refused, whole seconds until the request would be admitted (at least 1). */
  readonly retryAfterSeconds: number;
  /** The value of `RateLimit-Policy`: each limit's quota `q` in its window `w` (seconds). */
  readonly policyField: string;
  /** The value of `RateLimit`: each limit's requests left `r` and seconds `t` until it is full again. */
  readonly limitField: string;
}

/** What the limiter is built with. */
export interface RateLimiterOptions {
  readonly settings: RateLimitSettings;
  /** A clock in milliseconds; only differences count, so a monotonic one (`performance.now`) suits. */
  readonly now: () => number;
  /** Told of every refusal, with the limit that refused (for metrics). */
  readonly onRefused?: (policy: RateLimitPolicy) => void;
}

// Float slack for interval sums: 1000/3 added three times is 1000.0000000000001, which must still fit.
const EPSILON_MS = 1e-6;
// Partitions whose bucket is full again are forgotten by a sweep at most this often, in one pass over
// the map: the memory held is that of the keys and accounts active within the last minute or so, and
// only ever of authenticated ones (a made-up token never reaches the limiter).
const SWEEP_INTERVAL_MS = 60_000;
// The admin token is one partition.
const ADMIN_PARTITION = 'admin';

/** Where one partition stands: the moment its bucket is full again. Changed in place. */
interface Slot {
  tat: number;
}

/** One limit: a rate, its window, and a slot per partition. */
class Quota {
  readonly policy: RateLimitPolicy;
  readonly perSecond: number;
  /** Requests a full bucket holds: the rate times the window. */
  readonly quota: number;
  /** `"name";q=…;w=…`, one item of `RateLimit-Policy`. */
  readonly policyItem: string;
  private readonly itemPrefix: string;
  private readonly windowMs: number;
  private readonly intervalMs: number;
  private readonly slots = new Map<string, Slot>();

  constructor(policy: RateLimitPolicy, perSecond: number, windowMs: number) {
    this.policy = policy;
    this.perSecond = perSecond;
    this.windowMs = windowMs;
    this.intervalMs = 1_000 / perSecond;
    this.quota = Math.round((perSecond * windowMs) / 1_000);
    this.policyItem = `"${policy}";q=${this.quota};w=${Math.round(windowMs / 1_000)}`;
    this.itemPrefix = `"${policy}";r=`;
  }

  /** The partition's slot, new (full) if unseen. */
  slot(partition: string, now: number): Slot {
    let slot = this.slots.get(partition);
    if (slot === undefined) {
      slot = { tat: now };
      this.slots.set(partition, slot);
    }
    return slot;
  }

  /** The slot's `tat` once one more request is made now. */
  next(slot: Slot, now: number): number {
    return Math.max(slot.tat, now) + this.intervalMs;
  }

  /** Whether a request that moves the `tat` to `next` is within the burst. */
  fits(next: number, now: number): boolean {
    return next - now <= this.windowMs + EPSILON_MS;
  }

  /** The `RateLimit` item for a slot at `tat`: requests it may make at once, seconds until it is full. */
  limitItem(tat: number, now: number): string {
    const aheadMs = Math.max(0, tat - now);
    const left = Math.floor((this.windowMs - aheadMs) / this.intervalMs + EPSILON_MS);
    const r = Math.max(0, left);
    const t = Math.ceil(aheadMs / 1_000 - EPSILON_MS);
    // Built by `+` from a prefix made once: half the cost of a template literal on every answer
    // (scripts/rate-limit-cost.ts, about 45 against 125 ns a check for the admin token).
    return this.itemPrefix + r + ';t=' + t;
  }

  /** Milliseconds until a request refused now (one that would move the `tat` to `next`) fits. */
  waitMs(next: number, now: number): number {
    return next - now - this.windowMs;
  }

  /** Forgets the partitions whose bucket is full again: a new slot would stand exactly where they do. */
  sweep(now: number): void {
    for (const [partition, slot] of this.slots) {
      if (slot.tat <= now) this.slots.delete(partition);
    }
  }

  /** Partitions remembered (for tests of the sweep). */
  get size(): number {
    return this.slots.size;
  }
}

/**
 * The limits of one process. Which apply to a request depends on who makes it: an API key counts
 * against its own limit and its account's; a portal session against its account's; the admin token
 * against its own only, whatever account it acts on (the platform's publishing is not held back by a
 * merchant's quota, and a merchant cannot use up the platform's).
 */
export class RateLimiter {
  private readonly now: () => number;
  private readonly onRefused: ((policy: RateLimitPolicy) => void) | undefined;
  private readonly apiKey: Quota | undefined;
  private readonly account: Quota | undefined;
  private readonly admin: Quota | undefined;
  /** `RateLimit-Policy` for an API key: its own limit and its account's. */
  private readonly apiKeyPolicyField: string;
  private sweepAt: number;

  constructor(options: RateLimiterOptions) {
    const { settings } = options;
    const quota = (policy: RateLimitPolicy, perSecond: number) =>
      perSecond > 0 ? new Quota(policy, perSecond, settings.windowMs) : undefined;
    this.now = options.now;
    this.onRefused = options.onRefused;
    this.apiKey = quota('api-key', settings.apiKeyPerSecond);
    this.account = quota('account', settings.accountPerSecond);
    this.admin = quota('admin', settings.adminPerSecond);
    this.apiKeyPolicyField = [this.apiKey, this.account].flatMap((q) => (q ? [q.policyItem] : [])).join(', ');
    this.sweepAt = this.now() + SWEEP_INTERVAL_MS;
  }

  /**
   * Counts one request of `principal` against its limits, if it is within all of them: a request
   * refused by one limit uses nothing of the others. `undefined` when no limit applies to the caller.
   */
  take(principal: Principal): RateLimitVerdict | undefined {
    const now = this.now();
    if (now >= this.sweepAt) this.sweep(now);
    switch (principal.kind) {
      case 'admin':
        return this.admin && this.takeOne(this.admin, ADMIN_PARTITION, now);
      case 'portal':
        return this.account && this.takeOne(this.account, principal.accountId, now);
      case 'account':
        if (this.apiKey && this.account) {
          const { apiKey, accountId } = principal;
          return this.takeTwo(this.apiKey, apiKey.id, this.account, accountId, this.apiKeyPolicyField, now);
        }
        if (this.apiKey) return this.takeOne(this.apiKey, principal.apiKey.id, now);
        return this.account && this.takeOne(this.account, principal.accountId, now);
      default:
        return assertNever(principal);
    }
  }

  /** Partitions remembered by each limit (for tests of the sweep). */
  remembered(): { apiKey: number; account: number; admin: number } {
    return { apiKey: this.apiKey?.size ?? 0, account: this.account?.size ?? 0, admin: this.admin?.size ?? 0 };
  }

  private takeOne(quota: Quota, partition: string, now: number): RateLimitVerdict {
    const slot = quota.slot(partition, now);
    const next = quota.next(slot, now);
    if (!quota.fits(next, now)) {
      const retryAfterSeconds = wholeSeconds(quota.waitMs(next, now));
      return this.refuse(
        quota,
        retryAfterSeconds,
        quota.policyItem,
        `"${quota.policy}";r=0;t=${retryAfterSeconds}`,
      );
    }
    slot.tat = next;
    return admitted(quota.policyItem, quota.limitItem(next, now));
  }

  private takeTwo(
    first: Quota,
    firstPartition: string,
    second: Quota,
    secondPartition: string,
    policyField: string,
    now: number,
  ): RateLimitVerdict {
    const firstSlot = first.slot(firstPartition, now);
    const secondSlot = second.slot(secondPartition, now);
    const firstNext = first.next(firstSlot, now);
    const secondNext = second.next(secondSlot, now);
    const firstFits = first.fits(firstNext, now);
    const secondFits = second.fits(secondNext, now);
    if (firstFits && secondFits) {
      firstSlot.tat = firstNext;
      secondSlot.tat = secondNext;
      return admitted(
        policyField,
        `${first.limitItem(firstNext, now)}, ${second.limitItem(secondNext, now)}`,
      );
    }
    // Each limit that refused shows r=0 until the request would fit it; the other shows where it stands.
    const firstWaitMs = firstFits ? 0 : first.waitMs(firstNext, now);
    const secondWaitMs = secondFits ? 0 : second.waitMs(secondNext, now);
    const firstItem = firstFits
      ? first.limitItem(firstSlot.tat, now)
      : `"${first.policy}";r=0;t=${wholeSeconds(firstWaitMs)}`;
    const secondItem = secondFits
      ? second.limitItem(secondSlot.tat, now)
      : `"${second.policy}";r=0;t=${wholeSeconds(secondWaitMs)}`;
    return this.refuse(
      secondWaitMs > firstWaitMs ? second : first,
      wholeSeconds(Math.max(firstWaitMs, secondWaitMs)),
      policyField,
      `${firstItem}, ${secondItem}`,
    );
  }

  private refuse(
    violated: Quota,
    retryAfterSeconds: number,
    policyField: string,
    limitField: string,
  ): RateLimitVerdict {
    this.onRefused?.(violated.policy);
    return {
      admitted: false,
      violated: { policy: violated.policy, perSecond: violated.perSecond },
      retryAfterSeconds,
      policyField,
      limitField,
    };
  }

  private sweep(now: number): void {
    this.apiKey?.sweep(now);
    this.account?.sweep(now);
    this.admin?.sweep(now);
    this.sweepAt = now + SWEEP_INTERVAL_MS;
  }
}

/** A wait as `Retry-After` and the `t` of a refusing limit give it: whole seconds, at least 1. */
function wholeSeconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1_000 - EPSILON_MS));
}

function admitted(policyField: string, limitField: string): RateLimitVerdict {
  return { admitted: true, violated: undefined, retryAfterSeconds: 0, policyField, limitField };
}

const REFUSAL_DETAIL: Record<RateLimitPolicy, string> = {
  'api-key': 'this API key may make',
  account: "this account's API keys and portal sessions may make",
  admin: 'the admin token may make',
};

/**
 * Applies the limits to an authenticated request: the RateLimit fields go on its answer, whatever the
 * answer is, and a request over a limit is refused.
 * @throws AppError `rate_limited` naming the limit, with `Retry-After` set on the reply.
 */
export function applyRateLimits(limiter: RateLimiter, principal: Principal, reply: FastifyReply): void {
  const verdict = limiter.take(principal);
  if (verdict === undefined) return;
  reply.header('ratelimit-policy', verdict.policyField);
  reply.header('ratelimit', verdict.limitField);
  if (verdict.admitted || verdict.violated === undefined) return;
  const { policy, perSecond } = verdict.violated;
  reply.header('retry-after', String(verdict.retryAfterSeconds));
  throw new AppError(
    'rate_limited',
    `${REFUSAL_DETAIL[policy]} ${perSecond} requests a second; retry in ${verdict.retryAfterSeconds} s`,
    undefined,
    { policy, limit: perSecond },
  );
}
