/**
 * Which events an endpoint's scope lets through. A scope lists product, checkout, upsell and plug
 * (cart) ids; an event is in scope when it references one of them. An endpoint without any is the
 * general webhook and receives every event of its types.
 */

/** The ids an endpoint is limited to; every list empty means the general webhook. */
export interface EndpointScope {
  readonly productIds: readonly string[];
  readonly checkoutIds: readonly string[];
  readonly upsellIds: readonly string[];
  readonly plugIds: readonly string[];
}

/** Whether the scope lists no ids at all, so the endpoint receives events whatever they reference. */
export function isGeneralScope(scope: EndpointScope): boolean {
  return (
    scope.productIds.length === 0 &&
    scope.checkoutIds.length === 0 &&
    scope.upsellIds.length === 0 &&
    scope.plugIds.length === 0
  );
}

/** The lists of a scope, in the order they are checked and named. */
export const SCOPE_LISTS = ['productIds', 'checkoutIds', 'upsellIds', 'plugIds'] as const;

/** One list of a scope. */
export type ScopeList = (typeof SCOPE_LISTS)[number];

/**
 * Whether a scope lies within another: every id of every list of `inner` is in the same list of
 * `outer`. Since an event passes a scope when it references any one listed id, an endpoint scoped
 * within `outer` then receives only events that `outer` lets through.
 *
 * The general scope lets everything through: every scope lies within it, and it lies within no
 * other (a general endpoint receives events of every product, not only the limited ones).
 */
export function scopeWithin(inner: EndpointScope, outer: EndpointScope): boolean {
  if (isGeneralScope(outer)) return true;
  if (isGeneralScope(inner)) return false;
  return listOutside(inner, outer) === undefined;
}

/**
 * The first list of `inner` holding an id that the same list of `outer` does not, or `undefined` when
 * there is none; an error names this list as the field at fault.
 */
export function listOutside(inner: EndpointScope, outer: EndpointScope): ScopeList | undefined {
  return SCOPE_LISTS.find((list) => inner[list].some((id) => !outer[list].includes(id)));
}

/**
 * Whether an event whose payload is `data` reaches an endpoint with this scope.
 *
 * The ids an event references are read from every top-level property of `data` that is an object
 * (`order`, `subscription`, `cart`, `invoice`, `refund`, `product`, …): its `productId`,
 * `checkoutId`, `upsellId` and `plugId`, the `productId` of each element of its `lines`, and, for
 * `data.product`, its `id` as a product id. Only string ids count.
 *
 * The lists combine with OR: a merchant who adds a product rule and a checkout rule to one endpoint
 * wants the events of both, not only events that match the two at once. The general scope lets
 * everything through, so a one-click upsell order reaches the general webhook as well as an
 * endpoint scoped to the upsell.
 */
export function eventInScope(scope: EndpointScope, data: unknown): boolean {
  if (isGeneralScope(scope)) return true;
  if (!isRecord(data)) return false;
  // Reads ids in place rather than collecting them first: this runs once per (event, endpoint), and
  // scopes are a handful of ids, so `includes` on the small lists beats building sets.
  for (const key of Object.keys(data)) {
    const part = data[key];
    if (!isRecord(part)) continue;
    if (
      listed(scope.checkoutIds, part['checkoutId']) ||
      listed(scope.upsellIds, part['upsellId']) ||
      listed(scope.plugIds, part['plugId'])
    ) {
      return true;
    }
    if (scope.productIds.length === 0) continue;
    if (listed(scope.productIds, part['productId'])) return true;
    if (key === 'product' && listed(scope.productIds, part['id'])) return true;
    const lines = part['lines'];
    if (!Array.isArray(lines)) continue;
    for (const line of lines) {
      if (isRecord(line) && listed(scope.productIds, line['productId'])) return true;
    }
  }
  return false;
}

function listed(ids: readonly string[], value: unknown): boolean {
  return typeof value === 'string' && ids.includes(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
