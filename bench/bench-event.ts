/**
 * The events the benchmark publishes: an `order.paid`-shaped payload of about 600 bytes (a typical
 * commerce webhook), plus the two fields the receivers read: `seq`, the event's number in the run, and
 * `sentAt`, the publisher's clock when it sent the request.
 */

/** `performance.timeOrigin + performance.now()`: epoch milliseconds, sub-millisecond, one clock per machine. */
export function epochNowMs(): number {
  return performance.timeOrigin + performance.now();
}

const ORDER = {
  id: 'ord_1001',
  checkoutId: 'chk_7',
  plugId: 'plug_3',
  upsellId: null,
  parentOrderId: null,
  currency: 'EUR',
  total: '149.00',
  customer: { id: 'cus_1', email: 'an.customer@example.com', name: 'An Customer' },
  payment: { kind: 'one_time', method: 'ideal', sequence: 1 },
  lines: [
    {
      id: 'line_1',
      productId: 'prod_1',
      kind: 'main',
      name: 'Online course',
      quantity: 1,
      unitPrice: '99.00',
      total: '99.00',
    },
    {
      id: 'line_2',
      productId: 'prod_2',
      kind: 'bump',
      name: 'Workbook',
      quantity: 1,
      unitPrice: '50.00',
      total: '50.00',
    },
  ],
};

/** The data of event `seq`. */
export interface BenchEventData {
  readonly seq: number;
  readonly sentAt: number;
  readonly order: typeof ORDER;
}

/** One event as published: `POST …/events` body, or one item of a batch. */
export interface BenchEvent {
  readonly id: string;
  readonly type: string;
  readonly data: BenchEventData;
  /** For endpoints with `ordered` (B9). */
  readonly orderingKey?: string;
}

/**
 * Event `seq` of a run. The id is the caller's own (`<run>-<seq>`), as a platform publishes
 * `order-1001-paid`, so every publish takes the idempotency path.
 */
export function benchEvent(runId: string, seq: number, type: string, sentAt = epochNowMs()): BenchEvent {
  return { id: `${runId}-${seq}`, type, data: { seq, sentAt, order: ORDER } };
}

/** The Standard Webhooks body Hookline would send for `event` (same shape and size). */
export function webhookBodyOf(event: BenchEvent): string {
  return JSON.stringify({
    id: event.id,
    type: event.type,
    timestamp: new Date(event.data.sentAt).toISOString(),
    data: event.data,
  });
}

/** A prefix for a run's event ids, unique per run: `<label>-<base36 time>`. */
export function benchRunId(label: string): string {
  return `${label.replace(/[^A-Za-z0-9]/g, '')}-${Date.now().toString(36)}`;
}
