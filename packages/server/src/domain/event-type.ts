/**
 * Event type names and how an endpoint's `eventTypes` select events.
 * A name is dotted lower-case segments (`order.paid`, `subscription.payment_failed`); an endpoint may
 * list names, a family wildcard (`order.*`) or `*` for every event.
 */

/** The shape of an event type name; also used as the JSON Schema `pattern`. */
export const EVENT_TYPE_PATTERN = '^[a-z0-9][a-z0-9_-]*(\\.[a-z0-9][a-z0-9_-]*)*$';

/** The shape of an entry of an endpoint's `eventTypes`. */
export const EVENT_TYPE_FILTER_PATTERN = '^(\\*|[a-z0-9][a-z0-9_-]*(\\.[a-z0-9][a-z0-9_-]*)*(\\.\\*)?)$';

/** The prefix of Hookline's own event types, which only Hookline publishes. */
export const HOOKLINE_TYPE_PREFIX = 'hookline.';

/**
 * Whether an endpoint subscribed to `filters` wants an event of `type`. `*` is every type but
 * Hookline's own (`hookline.*`), which an endpoint gets only by naming them or their family.
 */
export function wantsEventType(filters: readonly string[], type: string): boolean {
  for (const filter of filters) {
    if (filter === type) return true;
    if (filter === '*' && !type.startsWith(HOOKLINE_TYPE_PREFIX)) return true;
    if (filter.endsWith('.*') && type.startsWith(filter.slice(0, -1))) return true;
  }
  return false;
}
