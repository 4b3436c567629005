/**
 * The demo shop's state (customers, orders, subscriptions) and how each becomes the object an event
 * carries (`data.order`, `data.subscription` …). Each object is laid over the one in the example of
 * the event's type, so it keeps the example's fields and their order, and passes the type's schema.
 */
import { BUILTIN_EVENT_TYPES } from '../domain/event-catalog/builtin-event-types.ts';
import type { DemoOffer, DemoProduct } from './demo-catalogue.ts';

/** One event to publish: a built-in type and its data. */
export interface ShopEvent {
  readonly type: string;
  readonly data: Record<string, unknown>;
}

/** Event data, or an object inside it. */
export type Data = Record<string, unknown>;

/** A customer the shop has seen. */
export interface Customer {
  readonly id: string;
  readonly name: string;
  email: string;
  readonly country: string;
  phone: string | null;
  readonly createdAt: number;
}

/** A line of an order: one product, its kind and how many. */
export interface Line {
  readonly id: string;
  readonly product: DemoProduct;
  readonly kind: 'main' | 'bump' | 'upsell';
  readonly quantity: number;
}

/** An order placed at one of the shop's checkouts. */
export interface Order {
  readonly id: string;
  readonly offer: DemoOffer;
  readonly customer: Customer;
  readonly lines: readonly Line[];
  readonly upsellId: string | null;
  readonly parentOrderId: string | null;
  readonly kind: 'one_time' | 'direct_debit' | 'instalment';
  readonly method: string;
  readonly sequence: number;
  readonly subscriptionId: string | null;
  readonly createdAt: number;
  paidAt: number | null;
  refunded: boolean;
}

/** A running subscription or payment plan. */
export interface Subscription {
  readonly id: string;
  readonly product: DemoProduct;
  readonly checkoutId: string;
  readonly plugId: string | null;
  readonly orderId: string | null;
  readonly customer: Customer;
  readonly plan: string;
  status: 'active' | 'past_due' | 'cancelled' | 'ended';
  readonly startedAt: number;
  periodStartsAt: number;
  periodEndsAt: number;
  cancelledAt: number | null;
  /** Payments collected so far, the one at checkout included. */
  payments: number;
  /** Payments in all for a payment plan; `null` renews until cancelled. */
  readonly paymentsTotal: number | null;
  readonly kind: 'direct_debit' | 'instalment';
  readonly method: string;
  /** The offer it was sold at (Plug&Pay), for the orders of its later payments. */
  readonly offer: DemoOffer | null;
  /** Platform fields kept beside the common ones (PayGate's agreement). */
  readonly extra: Data;
}

/**
 * Fields the catalogue's examples carry for one platform only (PayGate's agreement and payment,
 * InPlayer's asset). They are dropped from an example before it becomes another platform's object,
 * so a Plug&Pay membership never shows a PayGate agreement id.
 */
export const PLATFORM_FIELDS: ReadonlySet<string> = new Set([
  'agreementId',
  'externalId',
  'frequency',
  'nextPaymentDate',
  'paymentMethod',
  'subscriber',
  'paymentId',
  'dueDate',
  'gracePeriodDays',
  'paymentType',
  'assetId',
]);

/** A day, in milliseconds. */
export const DAY_MS = 86_400_000;

/** An event of a built-in type, its data made from a copy of the type's example. */
export function eventFromExample(type: string, fill: (example: Data) => Data): ShopEvent {
  const definition = BUILTIN_EVENT_TYPES.find((t) => t.name === type);
  if (definition === undefined) throw new Error(`${type} is not a built-in event type`);
  return { type, data: fill(structuredClone(definition.example) as Data) };
}

/** An order as `data.order` carries it, over the order of the type's example. */
export function orderData(order: Order, example: Data): Data {
  return {
    ...example,
    id: order.id,
    checkoutId: order.offer.checkoutId,
    plugId: order.offer.plugId,
    upsellId: order.upsellId,
    parentOrderId: order.parentOrderId,
    currency: order.offer.main.currency,
    total: money(orderTotalCents(order)),
    customer: customerData(order.customer),
    payment: {
      kind: order.kind,
      method: order.method,
      sequence: order.sequence,
      ...(order.subscriptionId === null ? {} : { subscriptionId: order.subscriptionId }),
    },
    lines: order.lines.map((line) => ({
      id: line.id,
      productId: line.product.id,
      kind: line.kind,
      name: line.product.name,
      quantity: line.quantity,
      unitPrice: money(line.product.priceCents),
      total: money(lineTotalCents(line)),
    })),
    createdAt: iso(order.createdAt),
    paidAt: order.paidAt === null ? null : iso(order.paidAt),
  };
}

/** A subscription as `data.subscription` carries it, over the subscription of the type's example. */
export function subscriptionData(subscription: Subscription, example: Data): Data {
  const ending = subscription.status === 'cancelled' || subscription.status === 'ended';
  return {
    ...withoutPlatformFields(example),
    id: subscription.id,
    productId: subscription.product.id,
    checkoutId: subscription.checkoutId,
    plugId: subscription.plugId,
    orderId: subscription.orderId,
    customer: customerData(subscription.customer),
    status: subscription.status,
    plan: subscription.plan,
    interval: 'month',
    intervalCount: 1,
    amount: money(subscription.product.priceCents),
    currency: subscription.product.currency,
    startedAt: iso(subscription.startedAt),
    currentPeriodStartsAt: iso(subscription.periodStartsAt),
    currentPeriodEndsAt: iso(subscription.periodEndsAt),
    cancelledAt: subscription.cancelledAt === null ? null : iso(subscription.cancelledAt),
    endsAt: ending ? iso(subscription.periodEndsAt) : null,
    ...subscription.extra,
  };
}

/** A customer as orders, carts and invoices carry them. */
export function customerData(customer: Customer): Data {
  return { id: customer.id, email: customer.email, name: customer.name, country: customer.country };
}

/** A line of an invoice or a cart. */
export function productLineData(product: DemoProduct, quantity: number): Data {
  return {
    productId: product.id,
    name: product.name,
    quantity,
    unitPrice: money(product.priceCents),
    total: money(product.priceCents * quantity),
  };
}

/** What a line costs, in cents. */
export function lineTotalCents(line: Line): number {
  return line.product.priceCents * line.quantity;
}

/** What an order costs: the sum of its lines, in cents. */
export function orderTotalCents(order: Order): number {
  return order.lines.reduce((sum, line) => sum + lineTotalCents(line), 0);
}

/** Cents as the catalogue's decimal string: 17600 becomes `"176.00"`. */
export function money(cents: number): string {
  return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
}

/** An RFC 3339 instant without milliseconds, as the catalogue's examples write them. */
export function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The calendar date of an instant, `2025-05-04`, as PayGate writes its dates. */
export function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The same instant `months` calendar months later. */
export function addMonths(ms: number, months: number): number {
  const date = new Date(ms);
  date.setUTCMonth(date.getUTCMonth() + months);
  return date.getTime();
}

/** The object at `key` of an example, or an empty one. */
export function part(data: Data, key: string): Data {
  const value = data[key];
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Data) : {};
}

/** An example object without the fields of one platform only ({@link PLATFORM_FIELDS}). */
export function withoutPlatformFields(data: Data): Data {
  return Object.fromEntries(Object.entries(data).filter(([key]) => !PLATFORM_FIELDS.has(key)));
}
