/**
 * Publishing: an event and every delivery it owes are written in one transaction before the caller
 * hears "accepted", so nothing accepted is lost. Publishing the same event id again returns the
 * stored event and creates no deliveries.
 */
import { eventInScope } from '../domain/endpoint-scope.ts';
import { HOOKLINE_TYPE_PREFIX, wantsEventType } from '../domain/event-type.ts';
import { splitOrderLines } from '../domain/order-lines.ts';
import { isRecurringOrderPayment } from '../domain/recurring-payment.ts';
import {
  type EndpointRecord,
  IdempotencyConflictError,
  type InsertEventResult,
  type NewDelivery,
  type NewEvent,
  newDeliveryEndpoints,
  type PublishBasis,
  StaleEndpointsError,
} from '../store/store.ts';
import { AppError } from './app-error.ts';
import type { AppContext } from './context.ts';

/** One event as the platform publishes it. */
export interface PublishInput {
  readonly id?: string | undefined;
  readonly type: string;
  readonly data: unknown;
  /** ISO 8601; defaults to the publish time. */
  readonly occurredAt?: string | undefined;
  /** What `ordered` endpoints keep this event in order with (see `EndpointRecord.ordered`). */
  readonly orderingKey?: string | undefined;
}

/** The answer for one published event. */
export interface PublishResult {
  readonly id: string;
  readonly type: string;
  readonly occurredAt: number;
  readonly createdAt: number;
  readonly deliveryIds: readonly string[];
  /** `false` when the id was published before: nothing new was written. */
  readonly created: boolean;
}

/**
 * Publishes events for one account in one transaction.
 * @param fieldPrefix how the inputs are named in errors (`''` for one event, `events` for a batch).
 */
export async function publishEvents(
  ctx: AppContext,
  accountId: string,
  inputs: readonly PublishInput[],
  fieldPrefix = '',
): Promise<PublishResult[]> {
  const nowMs = ctx.now();
  const at = (index: number, field: string) => (fieldPrefix ? `${fieldPrefix}[${index}].${field}` : field);
  // Schemas first (they may load registered types): a batch is refused whole, before anything is built.
  for (const [index, input] of inputs.entries()) {
    if (input.type.startsWith(HOOKLINE_TYPE_PREFIX)) {
      throw new AppError(
        'invalid_field',
        `${input.type} is one of Hookline's own event types, which only Hookline publishes`,
        at(index, 'type'),
      );
    }
    ctx.catalog.checkPublishedType(input.type, at(index, 'type'));
    await ctx.catalog.validate(input.type, input.data, at(index, 'data'));
  }
  const events = inputs.map((input, index): NewEvent['event'] => {
    if (nestedDeeperThan(input.data, MAX_DATA_DEPTH)) {
      throw new AppError(
        'invalid_field',
        `event data is nested deeper than ${MAX_DATA_DEPTH} levels`,
        at(index, 'data'),
      );
    }
    const dataJson = JSON.stringify(input.data);
    if (Buffer.byteLength(dataJson) > ctx.maxEventBytes) {
      throw new AppError(
        'payload_too_large',
        `event data is larger than the limit of ${ctx.maxEventBytes} bytes`,
        at(index, 'data'),
      );
    }
    const occurredAt = input.occurredAt === undefined ? nowMs : Date.parse(input.occurredAt);
    if (Number.isNaN(occurredAt))
      throw new AppError('invalid_field', 'occurredAt is not a date-time', at(index, 'occurredAt'));
    return {
      id: input.id ?? ctx.newId('event'),
      accountId,
      type: input.type,
      dataJson,
      occurredAt,
      createdAt: nowMs,
      orderingKey: input.orderingKey ?? null,
    };
  });
  let results: InsertEventResult[];
  try {
    results = await storePlanned(ctx, accountId, (endpoints) =>
      events.map((event, index) => ({
        event,
        deliveries: plannedDeliveries(ctx, endpoints, inputs[index] as PublishInput, nowMs),
      })),
    );
  } catch (error) {
    if (!(error instanceof IdempotencyConflictError)) throw error;
    const field = fieldPrefix ? `${fieldPrefix}[${error.index}].id` : 'id';
    throw new AppError('idempotency_conflict', `${error.message}; use a new id for a new event`, field);
  }
  return results.map((r) => ({
    id: r.event.id,
    type: r.event.type,
    occurredAt: r.event.occurredAt,
    createdAt: r.event.createdAt,
    deliveryIds: r.deliveryIds,
    created: r.inserted,
  }));
}

/**
 * Deepest nesting of objects and arrays accepted in event data. Commerce payloads stay under 10;
 * Ruby's JSON (Rails receivers) refuses more than 100 by default; and about 10,000 levels, which fit
 * in a 256 KiB body, overflow the stack of `JSON.stringify` (a 500 instead of an answer).
 */
export const MAX_DATA_DEPTH = 100;

/**
 * Whether `value` nests objects or arrays more than `limit` levels deep. It recurses at most `limit`
 * calls deep whatever the input, so any depth is safe; and it walks without allocating per node (a
 * version with an explicit stack of pairs took 1.1 to 1.5 µs for a 600-byte order, this one 0.4 µs).
 */
function nestedDeeperThan(value: unknown, limit: number, depth = 0): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (depth >= limit) return true;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (nestedDeeperThan(value[i], limit, depth + 1)) return true;
    return false;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  for (let i = 0; i < keys.length; i++) {
    if (nestedDeeperThan(record[keys[i] as string], limit, depth + 1)) return true;
  }
  return false;
}

/**
 * Plans the events' deliveries with the account's endpoints and stores them. The store may plan with
 * endpoints it remembers (PostgreSQL, where other processes change them): should they have changed, it
 * writes nothing and the deliveries are planned again with what it reads then. The last of
 * {@link PLAN_ATTEMPTS} plans reads the endpoints afresh and is not checked: they are then as they
 * were a moment before the write, as when every publish read them.
 */
async function storePlanned(
  ctx: AppContext,
  accountId: string,
  plan: (endpoints: readonly EndpointRecord[]) => readonly NewEvent[],
): Promise<InsertEventResult[]> {
  for (let attempt = 1; ; attempt++) {
    const basis: PublishBasis =
      attempt < PLAN_ATTEMPTS
        ? await ctx.store.endpointsToPublishTo(accountId)
        : { endpoints: await ctx.store.listEnabledEndpoints(accountId) };
    try {
      return await storeEvents(ctx, accountId, plan(basis.endpoints), basis);
    } catch (error) {
      if (!(error instanceof StaleEndpointsError) || attempt >= PLAN_ATTEMPTS) throw error;
    }
  }
}

/** How many times a publish is planned before its endpoints are taken as read (see {@link storePlanned}). */
const PLAN_ATTEMPTS = 3;

/**
 * Writes events with their deliveries and counts what was new: the one way events enter the store
 * (publishing and send-test alike). The store's commit wakes the workers (`Store.onDue`).
 */
export async function storeEvents(
  ctx: AppContext,
  accountId: string,
  newEvents: readonly NewEvent[],
  basis?: PublishBasis,
): Promise<InsertEventResult[]> {
  const results = await ctx.store.insertEvents(accountId, newEvents, basis);
  const accepted = results.filter((r) => r.inserted).length;
  const endpointIds = newDeliveryEndpoints(newEvents, results);
  ctx.onPublished(accepted, endpointIds.length);
  return results;
}

/**
 * The deliveries an event owes, due now: for every enabled endpoint that wants its type, is scoped to
 * it, and takes recurring payments if this is one, one delivery per URL, or with `perOrderLine` one per
 * URL and order line (only the lines of the endpoint's products when it is scoped to products). Those
 * of an `ordered` endpoint carry the event's ordering key, in line order.
 */
export function plannedDeliveries(
  ctx: AppContext,
  endpoints: readonly EndpointRecord[],
  { type, data, orderingKey }: PublishInput,
  nowMs: number,
): NewDelivery[] {
  const deliveries: NewDelivery[] = [];
  let recurring: boolean | undefined;
  for (const endpoint of endpoints) {
    if (!wantsEventType(endpoint.eventTypes, type)) continue;
    if (!eventInScope(endpoint.scope, data)) continue;
    recurring ??= isRecurringOrderPayment(type, data);
    if (recurring && !endpoint.includeRecurring) continue;
    const lineIds: (string | null)[] = endpoint.perOrderLine
      ? (splitOrderLines(data, endpoint.scope)?.map((part) => part.lineId) ?? [null])
      : [null];
    for (const url of endpoint.urls) {
      for (const lineId of lineIds) {
        deliveries.push({
          id: ctx.newId('delivery'),
          endpointId: endpoint.id,
          url,
          lineId,
          nextAttemptAt: nowMs,
          orderingKey: endpoint.ordered ? (orderingKey ?? null) : null,
        });
      }
    }
  }
  return deliveries;
}
