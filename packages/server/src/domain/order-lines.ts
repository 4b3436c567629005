/**
 * "One call per order line": for an endpoint with `perOrderLine`, an order event with N lines becomes
 * N deliveries, each carrying the order with one line (how Plug&Pay sends order bumps).
 */

import { type EndpointScope, eventInScope } from './endpoint-scope.ts';

/** One delivery's share of an order event: the line it is about and the data to send. */
export interface OrderLinePart {
  /**
   * The line's `id` when it is a short ASCII id (`[A-Za-z0-9_.:-]`, at most 128) that no other line of
   * the order shares, else `#` and its position in `order.lines` (`"#0"`, `"#1"` …).
   */
  readonly lineId: string;
  /** The event data with `order.lines` replaced by `order.line`. */
  readonly data: Record<string, unknown>;
}

/**
 * Splits order event data into one part per order line, or returns `undefined` when `data.order.lines`
 * is missing, not an array or empty (the caller then sends the event whole).
 *
 * Each part's `data` is a shallow copy of `data` whose `order` is a shallow copy of the order with
 * `lines` removed and `line` (that one line) in its place, so `data.order.line.productId` is the
 * line's product. Nested values are shared with the input, not copied: treat parts as read-only. The
 * input is never changed.
 *
 * Which lines an endpoint gets:
 * - no `productIds` in the scope: every line;
 * - `productIds` only: the lines of those products, so an endpoint scoped to one product is called
 *   once per line of that product and never for the other products of the order;
 * - `productIds` and another list: every line when the event matches the other lists (the merchant
 *   asked for everything from that checkout, upsell or plug), else the lines of those products.
 *   Filtering by product alone would split an order from a listed checkout into nothing.
 *
 * An empty array means no line is for this endpoint. `lineId` is unique within the event, whatever the
 * producer's line ids are.
 */
export function splitOrderLines(data: unknown, scope: EndpointScope): OrderLinePart[] | undefined {
  if (!isRecord(data)) return undefined;
  const order = data['order'];
  if (!isRecord(order)) return undefined;
  const lines = order['lines'];
  if (!Array.isArray(lines) || lines.length === 0) return undefined;

  const everyLine = scope.productIds.length === 0 || matchesBeyondProducts(scope, data);
  const keys = lineKeys(lines);
  const parts: OrderLinePart[] = [];
  lines.forEach((line: unknown, index) => {
    if (!everyLine && !(isRecord(line) && listed(scope.productIds, line['productId']))) return;
    parts.push({ lineId: keys[index] as string, data: { ...data, order: withOneLine(order, line) } });
  });
  return parts;
}

// A line id becomes part of a header (`webhook-id`) and must name one line: ids that are not short
// visible ASCII, or that two lines share, give way to the line's position.
const LINE_ID = /^[A-Za-z0-9_.:-]{1,128}$/;

/**
 * The key of each line: its `id` when that is a short ASCII id no other line of the order has, else
 * `#<position>` (`#0`, `#1` …, which no valid id can be).
 */
function lineKeys(lines: readonly unknown[]): string[] {
  const ids = lines.map((line) => (isRecord(line) ? line['id'] : undefined));
  const seen = new Map<unknown, number>();
  for (const id of ids) seen.set(id, (seen.get(id) ?? 0) + 1);
  return ids.map((id, index) =>
    typeof id === 'string' && LINE_ID.test(id) && seen.get(id) === 1 ? id : `#${index}`,
  );
}

/** Whether the event is in scope through the checkout, upsell or plug lists, products left aside. */
function matchesBeyondProducts(scope: EndpointScope, data: unknown): boolean {
  const others = { ...scope, productIds: [] };
  // Without other lists `others` is the general scope, which matches anything.
  return (
    (others.checkoutIds.length > 0 || others.upsellIds.length > 0 || others.plugIds.length > 0) &&
    eventInScope(others, data)
  );
}

/** A copy of the order with `line` where `lines` was, so the payload keeps the order's field order. */
function withOneLine(order: Record<string, unknown>, line: unknown): Record<string, unknown> {
  // `fromEntries` defines properties rather than assigning them, so an own `__proto__` key (which
  // `JSON.parse` creates) stays a field instead of becoming the copy's prototype.
  return Object.fromEntries(
    Object.entries(order).flatMap(([key, value]): Array<[string, unknown]> => {
      if (key === 'lines') return [['line', line]];
      return key === 'line' ? [] : [[key, value]];
    }),
  );
}

function listed(ids: readonly string[], value: unknown): boolean {
  return typeof value === 'string' && ids.includes(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
