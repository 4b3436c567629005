/**
 * The logs a merchant reads: events, deliveries and every attempt; and resending one delivery.
 */
import { isTerminal } from '../domain/delivery-state.ts';
import type {
  AttemptRecord,
  DeliveryFilter,
  DeliveryRecord,
  EventRecord,
  Page,
  PageRequest,
} from '../store/store.ts';
import { AppError, notFound } from './app-error.ts';
import type { AppContext } from './context.ts';

/** The account's events, newest first. */
export function listEvents(
  ctx: AppContext,
  accountId: string,
  page: PageRequest,
  filter: { type?: string | undefined },
): Promise<Page<EventRecord>> {
  return ctx.store.listEvents(accountId, page, filter);
}

/** One event with its deliveries. */
export async function getEvent(
  ctx: AppContext,
  accountId: string,
  eventId: string,
): Promise<{ event: EventRecord; deliveries: readonly DeliveryRecord[] }> {
  const event = await ctx.store.getEvent(accountId, eventId);
  if (!event) throw notFound('event', 'eventId');
  const deliveries = await ctx.store.listDeliveries(accountId, { limit: 1000 }, { eventId });
  return { event, deliveries: deliveries.items };
}

/** The account's deliveries, newest first, filtered by endpoint, event or status. */
export function listDeliveries(
  ctx: AppContext,
  accountId: string,
  page: PageRequest,
  filter: DeliveryFilter,
): Promise<Page<DeliveryRecord>> {
  return ctx.store.listDeliveries(accountId, page, filter);
}

/** One delivery with every attempt. */
export async function getDelivery(
  ctx: AppContext,
  accountId: string,
  deliveryId: string,
): Promise<{ delivery: DeliveryRecord; attempts: readonly AttemptRecord[] }> {
  const delivery = await ctx.store.getDelivery(accountId, deliveryId);
  if (!delivery) throw notFound('delivery', 'deliveryId');
  return { delivery, attempts: await ctx.store.listAttempts(accountId, deliveryId) };
}

/** Sends a delivery again now, from any final state (a receiver may ask for a resend of a success too). */
export async function retryDelivery(
  ctx: AppContext,
  accountId: string,
  deliveryId: string,
): Promise<DeliveryRecord> {
  const delivery = await ctx.store.getDelivery(accountId, deliveryId);
  if (!delivery) throw notFound('delivery', 'deliveryId');
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
  const retried = await ctx.store.retryDelivery(accountId, deliveryId, ctx.now());
  if (!retried)
    throw new AppError('delivery_in_progress', 'the delivery is already queued or being sent', 'deliveryId');
  ctx.wakeWorkers([retried.endpointId]);
  return retried;
}
