/**
 * Operational events: Hookline telling a merchant about its own endpoints. After each group of attempt
 * results is committed, the engine hands it here:
 *
 * - each endpoint's failing streak is written (`Store.recordEndpointHealth`), and the rule of
 *   domain/endpoint-health.ts may warn (`hookline.endpoint.failing`), disable the endpoint
 *   (`hookline.endpoint.disabled`, reason `failing`) or say it recovered (`hookline.endpoint.recovered`);
 * - a 410 that disabled an endpoint is told as `hookline.endpoint.disabled` with the reason `gone`;
 * - a delivery whose schedule ended without success is told as `hookline.delivery.exhausted` (not for
 *   a delivery of an operational event: two failing endpoints would tell each other for ever).
 *
 * Each event is published into the account it concerns, through the same store and engine as any
 * event, to the endpoints that ask for it, never to the endpoint it is about; and a copy goes to the
 * operator's account (`HOOKLINE_OPERATOR_ACCOUNT`). An account where no endpoint asks for it does not
 * store it. Its id is made from what it tells (the endpoint and
 * the start of the streak, the delivery and its attempt), so processes that tell it at once publish it
 * once: the second is an idempotent replay.
 */
import { healthAction, summarizeAttempts } from '../domain/endpoint-health.ts';
import { type AttemptResult, type EndpointRecord, IdempotencyConflictError } from '../store/store.ts';
import type { AppContext } from './context.ts';
import { plannedDeliveries, storeEvents } from './publish-events.ts';

export const ENDPOINT_FAILING = 'hookline.endpoint.failing';
export const ENDPOINT_DISABLED = 'hookline.endpoint.disabled';
export const ENDPOINT_RECOVERED = 'hookline.endpoint.recovered';
export const DELIVERY_EXHAUSTED = 'hookline.delivery.exhausted';

/** Why an endpoint was disabled, as `hookline.endpoint.disabled` says it. */
export type DisabledReason = 'failing' | 'gone' | 'manual';

/** A change of settings that can add no URL: the active-URL limit cannot bite. */
const NO_URL_LIMIT = { maxActiveUrls: Number.POSITIVE_INFINITY };

const iso = (ms: number) => new Date(ms).toISOString();

function endpointData(endpoint: EndpointRecord) {
  return { id: endpoint.id, urls: endpoint.urls, description: endpoint.description };
}

/**
 * Publishes one operational event into `accountId`, and a copy into the operator's account, each to
 * the endpoints that want its type, but never to `aboutEndpointId`.
 */
export async function publishOperational(
  ctx: AppContext,
  accountId: string,
  event: { readonly id: string; readonly type: string; readonly data: Readonly<Record<string, unknown>> },
  aboutEndpointId: string,
): Promise<void> {
  const nowMs = ctx.now();
  const data = { accountId, ...event.data };
  const dataJson = JSON.stringify(data);
  const targets = new Set([accountId]);
  if (ctx.operatorAccount !== undefined && (await ctx.store.accountExists(ctx.operatorAccount))) {
    targets.add(ctx.operatorAccount);
  }
  for (const target of targets) {
    const endpoints = (await ctx.store.listEnabledEndpoints(target)).filter((e) => e.id !== aboutEndpointId);
    const deliveries = plannedDeliveries(ctx, endpoints, { type: event.type, data }, nowMs);
    // Nobody there asked for it: nothing to store (an account's log holds the events it wants).
    if (deliveries.length === 0) continue;
    try {
      await storeEvents(ctx, target, [
        {
          event: {
            id: event.id,
            accountId: target,
            type: event.type,
            dataJson,
            occurredAt: nowMs,
            createdAt: nowMs,
            orderingKey: null,
          },
          deliveries,
        },
      ]);
    } catch (error) {
      // Told already by another process, with data that differed in a detail (an endpoint edited
      // between the two): once is enough.
      if (!(error instanceof IdempotencyConflictError)) throw error;
    }
  }
}

/** Tells the account that an endpoint was disabled (by its receiver's 410, by the rule, or by hand). */
export function publishDisabled(
  ctx: AppContext,
  endpoint: EndpointRecord,
  reason: DisabledReason,
  failingSince: number | null,
): Promise<void> {
  return publishOperational(
    ctx,
    endpoint.accountId,
    {
      id: `evt_hl_disabled_${endpoint.id}_${endpoint.updatedAt}`,
      type: ENDPOINT_DISABLED,
      data: {
        endpoint: endpointData(endpoint),
        reason,
        failingSince: failingSince === null ? null : iso(failingSince),
        disabledAt: iso(endpoint.updatedAt),
      },
    },
    endpoint.id,
  );
}

/** What a committed group of attempt results tells: see the top of this file. */
export async function afterAttempts(ctx: AppContext, group: readonly AttemptResult[]): Promise<void> {
  const summaries = summarizeAttempts(
    group.map((r) => ({
      endpointId: r.claim.endpointId,
      accountId: r.claim.accountId,
      startedAt: r.attempt.startedAt,
      succeeded: r.attempt.succeeded,
    })),
  );
  const states = await ctx.store.recordEndpointHealth(summaries);
  const nowMs = ctx.now();
  for (const state of states) {
    if (state.failingSince === null && state.previousWarnedAt !== null) {
      await tellRecovered(ctx, state.accountId, state.endpointId, state.previousWarnedAt, nowMs);
      continue;
    }
    const action = healthAction(
      { enabled: state.enabled, failingSince: state.failingSince, warnedAt: state.failingWarnedAt },
      nowMs,
      ctx.endpointHealth,
    );
    if (action === 'none' || state.failingSince === null) continue;
    const endpoint = await ctx.store.getEndpoint(state.accountId, state.endpointId);
    // Changed since the group was written (enabled again, a new streak): the next group judges it.
    if (!endpoint?.enabled || endpoint.failingSince !== state.failingSince) continue;
    if (action === 'warn') await warnFailing(ctx, endpoint, state.failingSince, nowMs);
    else await disableFailing(ctx, endpoint, state.failingSince, nowMs);
  }
  for (const result of group) {
    if (result.disableEndpoint) await tellGone(ctx, result);
    else if (result.status === 'failed' && !result.claim.eventType.startsWith('hookline.')) {
      await tellExhausted(ctx, result, nowMs);
    }
  }
}

async function warnFailing(ctx: AppContext, endpoint: EndpointRecord, failingSince: number, nowMs: number) {
  await publishOperational(
    ctx,
    endpoint.accountId,
    {
      id: `evt_hl_failing_${endpoint.id}_${failingSince}`,
      type: ENDPOINT_FAILING,
      data: {
        endpoint: endpointData(endpoint),
        failingSince: iso(failingSince),
        disablesAt: iso(failingSince + ctx.endpointHealth.disableAfterMs),
      },
    },
    endpoint.id,
  );
  await ctx.store.updateEndpoint(
    endpoint.accountId,
    endpoint.id,
    { failingWarnedAt: nowMs },
    nowMs,
    NO_URL_LIMIT,
  );
}

async function disableFailing(
  ctx: AppContext,
  endpoint: EndpointRecord,
  failingSince: number,
  nowMs: number,
) {
  // As a merchant's disabling does: its live deliveries are cancelled, kept in the log for `recover`.
  const disabled = await ctx.store.updateEndpoint(
    endpoint.accountId,
    endpoint.id,
    { enabled: false, disabledReason: 'failing', failingWarnedAt: endpoint.failingWarnedAt ?? nowMs },
    nowMs,
    NO_URL_LIMIT,
  );
  if (disabled) await publishDisabled(ctx, disabled, 'failing', failingSince);
}

async function tellRecovered(
  ctx: AppContext,
  accountId: string,
  endpointId: string,
  warnedAt: number,
  nowMs: number,
): Promise<void> {
  const endpoint = await ctx.store.getEndpoint(accountId, endpointId);
  if (!endpoint) return;
  await publishOperational(
    ctx,
    accountId,
    {
      id: `evt_hl_recovered_${endpointId}_${warnedAt}`,
      type: ENDPOINT_RECOVERED,
      data: { endpoint: endpointData(endpoint), warnedAt: iso(warnedAt), recoveredAt: iso(nowMs) },
    },
    endpointId,
  );
}

/** A 410 that disabled its endpoint (a REST hook is deleted instead: its subscriber asked for that). */
async function tellGone(ctx: AppContext, result: AttemptResult): Promise<void> {
  const endpoint = await ctx.store.getEndpoint(result.claim.accountId, result.claim.endpointId);
  if (!endpoint || endpoint.enabled || endpoint.disabledReason !== 'gone') return;
  await publishDisabled(ctx, endpoint, 'gone', null);
}

async function tellExhausted(ctx: AppContext, result: AttemptResult, nowMs: number): Promise<void> {
  const { claim, attempt } = result;
  // Written only under the current lease: a result whose lease was lost changed nothing.
  const delivery = await ctx.store.getDelivery(claim.accountId, claim.id);
  if (delivery?.status !== 'failed' || delivery.attemptCount !== attempt.number) return;
  await publishOperational(
    ctx,
    claim.accountId,
    {
      id: `evt_hl_exhausted_${claim.id}_${attempt.number}`,
      type: DELIVERY_EXHAUSTED,
      data: {
        delivery: {
          id: claim.id,
          eventId: claim.eventId,
          eventType: claim.eventType,
          endpointId: claim.endpointId,
          url: claim.url,
          attempts: attempt.number,
          lastStatusCode: attempt.statusCode,
          lastErrorCode: attempt.errorCode,
        },
        exhaustedAt: iso(nowMs),
      },
    },
    claim.endpointId,
  );
}
