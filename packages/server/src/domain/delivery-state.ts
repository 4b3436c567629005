/**
 * The delivery state machine. A delivery is one event owed to one endpoint URL.
 *
 * ```
 *              claim (lease)                2xx
 *   pending ───────────────────▶ sending ─────────▶ succeeded
 *      ▲   ◀─── lease expired ───┘  │ │
 *      │   ◀── failure, retry due ──┘ │ 410: endpoint disabled
 *      │                              ├────────────────────────▶ cancelled
 *      │                              │ failure, schedule used up
 *      │                              └────────────────────────▶ failed
 *      └──── retry (one) / recover (endpoint, time range) ◀──── failed | cancelled | succeeded
 * ```
 *
 * `pending` and `sending` are the live states; a delivery in `sending` whose lease has expired is
 * claimable again (its worker died or lost the database), which is what makes delivery at-least-once.
 * Disabling or deleting an endpoint moves its live deliveries to `cancelled`.
 */

import { assertNever } from './assert-never.ts';
import { nextRetryDelayMs, parseRetryAfterMs } from './retry-schedule.ts';
import { honoursRetryAfter, judgeOutcome, type SendOutcome } from './send-outcome.ts';

/** The states of a delivery. */
export type DeliveryStatus = 'pending' | 'sending' | 'succeeded' | 'failed' | 'cancelled';

/** Every state, for validation of filters. */
export const DELIVERY_STATUSES: readonly DeliveryStatus[] = [
  'pending',
  'sending',
  'succeeded',
  'failed',
  'cancelled',
];

/** States a delivery may be retried from by hand. */
export function isTerminal(status: DeliveryStatus): boolean {
  switch (status) {
    case 'pending':
    case 'sending':
      return false;
    case 'succeeded':
    case 'failed':
    case 'cancelled':
      return true;
    default:
      return assertNever(status);
  }
}

/** What happens to a delivery after an attempt. */
export type AttemptDecision =
  | { readonly status: 'succeeded' }
  | { readonly status: 'pending'; readonly nextAttemptAt: number }
  | { readonly status: 'failed' }
  | { readonly status: 'cancelled'; readonly disableEndpoint: true };

/** Inputs of {@link decideAfterAttempt}. */
export interface DecideInput {
  readonly outcome: SendOutcome;
  /** Attempts made, this one included. */
  readonly attemptsMade: number;
  readonly scheduleMs: readonly number[];
  readonly retryAfterMaxMs: number;
  readonly nowMs: number;
  readonly random: number;
}

/** Where an endpoint came from: the API (and dashboard), or a REST hook subscription. */
export type EndpointSource = 'api' | 'rest_hook';

/** What becomes of an endpoint that answered 410 Gone. */
export type GoneEndpointChange =
  | { readonly kind: 'delete' }
  | { readonly kind: 'disable'; readonly disabledReason: 'gone' };

/**
 * The 410 rule, for a 410 from the current lease holder (a stale holder's answer changes nothing):
 * a REST hook is deleted, since the integration platform unsubscribed it (the REST Hooks convention);
 * any other endpoint is disabled with the reason `gone` and keeps its settings, so the merchant can
 * fix the receiver and enable it again. Either way the endpoint's live deliveries are cancelled.
 * The stores apply it (`recordAttempts`) at the result's place in its group.
 */
export function endpointChangeOnGone(source: EndpointSource): GoneEndpointChange {
  switch (source) {
    case 'rest_hook':
      return { kind: 'delete' };
    case 'api':
      return { kind: 'disable', disabledReason: 'gone' };
    default:
      return assertNever(source);
  }
}

/** The transition out of `sending` for one attempt outcome. */
export function decideAfterAttempt(input: DecideInput): AttemptDecision {
  const verdict = judgeOutcome(input.outcome);
  switch (verdict) {
    case 'succeeded':
      return { status: 'succeeded' };
    case 'gone':
      return { status: 'cancelled', disableEndpoint: true };
    case 'retryable': {
      const retryAfterMs =
        input.outcome.kind === 'response' && honoursRetryAfter(input.outcome)
          ? parseRetryAfterMs(input.outcome.retryAfter, input.nowMs)
          : undefined;
      const delayMs = nextRetryDelayMs({
        attemptsMade: input.attemptsMade,
        scheduleMs: input.scheduleMs,
        random: input.random,
        retryAfterMs,
        retryAfterMaxMs: input.retryAfterMaxMs,
      });
      return delayMs === undefined
        ? { status: 'failed' }
        : { status: 'pending', nextAttemptAt: input.nowMs + delayMs };
    }
    default:
      return assertNever(verdict);
  }
}
