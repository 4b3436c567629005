/**
 * Recurring order payments: the later periods of a direct debit or instalment plan, collected
 * automatically. Each arrives as its own order event; a general order webhook receives them only
 * when the endpoint sets `includeRecurring`, so a merchant's "new order" automation does not fire
 * every month for the same customer.
 */

// The first payment of a plan is `one_time` (the customer paid at checkout); only the later,
// automatic collections carry these kinds.
const RECURRING_KINDS: ReadonlySet<unknown> = new Set(['direct_debit', 'instalment']);

/**
 * Whether an event is a recurring payment of an order: an `order.` event whose
 * `data.order.payment.kind` is `direct_debit` or `instalment`. Anything else, malformed data
 * included, is not.
 */
export function isRecurringOrderPayment(eventType: string, data: unknown): boolean {
  if (!eventType.startsWith('order.')) return false;
  const order = field(data, 'order');
  const payment = field(order, 'payment');
  return RECURRING_KINDS.has(field(payment, 'kind'));
}

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)[key]
    : undefined;
}
