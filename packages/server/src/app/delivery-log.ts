/**
 * The logs a merchant reads: events, deliveries and every attempt; and resending one delivery.
 */
import { isTerminal } from '../domain/delivery-state.ts';
import type {
  AttemptRecord,
  DeliveryFilter,
  DeliveryRecord,
  EventFilter,
  EventRecord,
  Page,
  PageRequest,
} from '../store/store.ts';
import { AppError, notFound } from './app-error.ts';
import { type Actor, auditEntry } from './audit-log.ts';
import type { AppContext } from './context.ts';

/** The account's events, newest first, filtered by type and creation time. */
export function listEvents(
  ctx: AppContext,
  accountId: string,
  page: PageRequest,
  filter: EventFilter,
): Promise<Page<EventRecord>> {
  return ctx.cursors.page('events', accountId, page, (inner) =>
    ctx.store.listEvents(accountId, inner, filter),
  );
}

/**
 * The creation-time range `[since, until)` of a log list, from its ISO 8601 query parameters (either
 * may be absent). A `since` after `until` is refused, naming `until`; equal ones select nothing.
 */
export function logTimeRange(
  since: string | undefined,
  until: string | undefined,
): { sinceMs: number | undefined; untilMs: number | undefined } {
  const sinceMs = instantOf(since, 'since');
  const untilMs = instantOf(until, 'until');
  if (sinceMs !== undefined && untilMs !== undefined && sinceMs > untilMs) {
    throw new AppError('invalid_field', 'until must not be before since', 'until');
  }
  return { sinceMs, untilMs };
}

/** An ISO 8601 query parameter as milliseconds since the epoch. */
function instantOf(value: string | undefined, field: string): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  // The schema lets only date-times through; a year beyond JavaScript's dates could still fail here.
  if (Number.isNaN(ms)) throw new AppError('invalid_field', `${field} is not a date-time`, field);
  return ms;
}

/**
 * One event with its deliveries. A caller who may see only some endpoints (`endpointIds`) sees the
 * event only when it was owed to one of them, and only their deliveries: it is the same 404 as a
 * missing event otherwise, so a portal of one product learns nothing of another's orders.
 */
export async function getEvent(
  ctx: AppContext,
  accountId: string,
  eventId: string,
  endpointIds?: readonly string[],
): Promise<{ event: EventRecord; deliveries: readonly DeliveryRecord[] }> {
  const event = await ctx.store.getEvent(accountId, eventId);
  if (!event) throw notFound('event', 'eventId');
  const deliveries = await ctx.store.listDeliveries(accountId, { limit: 1000 }, { eventId, endpointIds });
  if (endpointIds !== undefined && deliveries.items.length === 0) throw notFound('event', 'eventId');
  return { event, deliveries: deliveries.items };
}

/** Refuses a delivery outside the endpoints a limited caller may see, as if it did not exist. */
function checkVisible(delivery: DeliveryRecord, endpointIds: readonly string[] | undefined): void {
  if (endpointIds !== undefined && !endpointIds.includes(delivery.endpointId))
    throw notFound('delivery', 'deliveryId');
}

/** The account's deliveries, newest first, filtered by endpoint, event, event type, status and creation time. */
export function listDeliveries(
  ctx: AppContext,
  accountId: string,
  page: PageRequest,
  filter: DeliveryFilter,
): Promise<Page<DeliveryRecord>> {
  return ctx.cursors.page('deliveries', accountId, page, (inner) =>
    ctx.store.listDeliveries(accountId, inner, filter),
  );
}

/** One delivery with every attempt. */
export async function getDelivery(
  ctx: AppContext,
  accountId: string,
  deliveryId: string,
  endpointIds?: readonly string[],
): Promise<{ delivery: DeliveryRecord; attempts: readonly AttemptRecord[] }> {
  const delivery = await ctx.store.getDelivery(accountId, deliveryId);
  if (!delivery) throw notFound('delivery', 'deliveryId');
  checkVisible(delivery, endpointIds);
  return { delivery, attempts: await ctx.store.listAttempts(accountId, deliveryId) };
}

/** Sends a delivery again now, from any final state (a receiver may ask for a resend of a success too). */
export async function retryDelivery(
  ctx: AppContext,
  accountId: string,
  deliveryId: string,
  endpointIds: readonly string[] | undefined,
  actor: Actor,
): Promise<DeliveryRecord> {
  const delivery = await ctx.store.getDelivery(accountId, deliveryId);
  if (!delivery) throw notFound('delivery', 'deliveryId');
  checkVisible(delivery, endpointIds);
  if (!isTerminal(delivery.status)) {
    throw new AppError('delivery_in_progress', 'the delivery is already queued or being sent', 'deliveryId');
  }
  // The engine sends nothing to a deleted or disabled endpoint (it would cancel the delivery at once),
  // so say why now instead of accepting a retry that cannot happen.
  const endpoint = await ctx.store.getEndpoint(accountId, delivery.endpointId);
  if (!endpoint)
    throw new AppError('endpoint_disabled', 'the endpoint of this delivery was deleted', 'deliveryId');
  if (!endpoint.enabled) {
    throw new AppError(
      'endpoint_disabled',
      'enable the endpoint of this delivery before retrying it',
      'deliveryId',
    );
  }
  const retried = await ctx.store.retryDelivery(
    accountId,
    deliveryId,
    ctx.now(),
    auditEntry(ctx, actor, {
      action: 'delivery.resent',
      accountId,
      targetType: 'delivery',
      targetId: deliveryId,
      details: { endpointId: delivery.endpointId, eventId: delivery.eventId, url: delivery.url },
    }),
  );
  if (!retried)
    throw new AppError('delivery_in_progress', 'the delivery is already queued or being sent', 'deliveryId');
  return retried;
}
