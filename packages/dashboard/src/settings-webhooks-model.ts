/**
 * Settings > Webhooks is a view over ordinary endpoints, not a store of its own: the page finds "the
 * orders webhook" and "the cancellations webhook" among the account's endpoints by a fixed rule, and
 * saving turns the form into the create, update or delete of each. The rule is pure, so it is tested
 * without a browser, and an endpoint made through the API with the same shape shows on the page.
 */
import type { Endpoint, EndpointScope } from './api-types.ts';

/** The event types of the orders webhook: paid orders, as Plug&Pay's general webhook fires. */
export const ORDERS_EVENT_TYPES: readonly string[] = ['order.paid'];

/** The event types of the cancellations webhook: a subscription that becomes inactive or ends. */
export const CANCELLATIONS_EVENT_TYPES: readonly string[] = ['subscription.cancelled', 'subscription.ended'];

/** The descriptions the page gives the endpoints it creates, so the Webhooks list says where they came from. */
export const ORDERS_DESCRIPTION = 'Orders (Settings > Webhooks)';
/** See {@link ORDERS_DESCRIPTION}. */
export const CANCELLATIONS_DESCRIPTION = 'Cancellations (Settings > Webhooks)';

/** Whether an endpoint lists no product, checkout, upsell or cart id: a general webhook. */
export function hasNoScope(scope: EndpointScope): boolean {
  return (
    scope.productIds.length === 0 &&
    scope.checkoutIds.length === 0 &&
    scope.upsellIds.length === 0 &&
    scope.plugIds.length === 0
  );
}

/** Whether two lists hold the same names, in any order (names are unique in `eventTypes`). */
export function sameNames(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const set = new Set(a);
  return set.size === b.length && b.every((name) => set.has(name));
}

/**
 * The oldest of some endpoints (by `createdAt`, then by id, so two created in the same millisecond
 * still give one answer), or `undefined` for none. The oldest wins because it is the one the page
 * made first; a newer look-alike made through the API stays an ordinary endpoint.
 */
export function oldestEndpoint<E extends Pick<Endpoint, 'id' | 'createdAt'>>(
  endpoints: readonly E[],
): E | undefined {
  let oldest: E | undefined;
  for (const endpoint of endpoints) {
    if (
      oldest === undefined ||
      endpoint.createdAt < oldest.createdAt ||
      (endpoint.createdAt === oldest.createdAt && endpoint.id < oldest.id)
    ) {
      oldest = endpoint;
    }
  }
  return oldest;
}

/** The fields of an endpoint that the rules read. */
export type EndpointShape = Pick<Endpoint, 'id' | 'createdAt' | 'eventTypes' | 'source'> & EndpointScope;

/**
 * The orders webhook: the oldest endpoint with no scope, made through the API (a REST hook belongs to
 * the tool that subscribed it) and taking exactly `order.paid`.
 */
export function findOrdersWebhook<E extends EndpointShape>(endpoints: readonly E[]): E | undefined {
  return oldestEndpoint(
    endpoints.filter(
      (e) => hasNoScope(e) && e.source === 'api' && sameNames(e.eventTypes, ORDERS_EVENT_TYPES),
    ),
  );
}

/**
 * The cancellations webhook: the oldest endpoint with no scope taking exactly
 * `subscription.cancelled` and `subscription.ended`, in any order.
 */
export function findCancellationsWebhook<E extends EndpointShape>(endpoints: readonly E[]): E | undefined {
  return oldestEndpoint(
    endpoints.filter((e) => hasNoScope(e) && sameNames(e.eventTypes, CANCELLATIONS_EVENT_TYPES)),
  );
}

/** What saving one URL field does to the endpoint behind it. */
export type WebhookChange =
  | { readonly kind: 'none' }
  | { readonly kind: 'create'; readonly body: Record<string, unknown> }
  | { readonly kind: 'update'; readonly id: string; readonly body: Record<string, unknown> }
  | { readonly kind: 'delete'; readonly id: string };

/** The part of an endpoint a form edits: its URL and the options the form shows. */
export interface WebhookState {
  readonly id: string;
  readonly url: string;
  readonly enabled: boolean;
  readonly options: Readonly<Record<string, boolean>>;
}

/**
 * What to send for one URL field: nothing when nothing changed; a create (with `createBody`) when
 * there is no endpoint yet; an update of what changed otherwise; a delete when the URL was emptied.
 * An endpoint switched off (a receiver answered `410 Gone`) is switched on again by saving it, since
 * the page has no other switch and a merchant who saves a URL means it to receive.
 */
export function planWebhookChange(
  current: WebhookState | undefined,
  url: string,
  options: Readonly<Record<string, boolean>>,
  createBody: Readonly<Record<string, unknown>>,
): WebhookChange {
  const wanted = url.trim();
  if (current === undefined) {
    return wanted === ''
      ? { kind: 'none' }
      : { kind: 'create', body: { ...createBody, url: wanted, ...options } };
  }
  if (wanted === '') return { kind: 'delete', id: current.id };
  const body: Record<string, unknown> = {};
  if (wanted !== current.url) body['url'] = wanted;
  for (const [name, value] of Object.entries(options)) {
    if (current.options[name] !== value) body[name] = value;
  }
  if (!current.enabled) body['enabled'] = true;
  return Object.keys(body).length === 0 ? { kind: 'none' } : { kind: 'update', id: current.id, body };
}
