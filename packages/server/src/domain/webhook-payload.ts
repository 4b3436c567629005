/**
 * What one delivery puts on the wire: the Standard Webhooks envelope `{id, type, timestamp, data}`,
 * shaped by the endpoint: one order line (`perOrderLine`), only the chosen `fields`, as JSON or as a
 * form body. The signature covers exactly these bytes.
 */
import type { EndpointScope } from './endpoint-scope.ts';
import { projectFields } from './field-projection.ts';
import { encodeForm } from './form-encoding.ts';
import { splitOrderLines } from './order-lines.ts';

/** The event a delivery carries, as stored. */
export interface PayloadEvent {
  readonly eventId: string;
  readonly eventType: string;
  readonly occurredAt: number;
  /** The event data as the JSON text it was published as. */
  readonly dataJson: string;
}

/** The parts of an endpoint that shape its payload. */
export interface PayloadShape {
  readonly fields: readonly string[];
  readonly format: 'json' | 'form';
}

/** A rendered payload. */
export interface WebhookPayload {
  /** The `webhook-id` and the envelope's `id`: the event id, or `<event id>#<line id>` for one line. */
  readonly messageId: string;
  readonly contentType: string;
  readonly body: string;
}

const ALL_LINES: EndpointScope = { productIds: [], checkoutIds: [], upsellIds: [], plugIds: [] };

/**
 * The id of one delivery's message: each line of an order is a message of its own, deduplicated apart.
 * `#` cannot occur in an event id, so `<event id>#<line id>` never equals another event's id.
 */
export function messageIdOf(eventId: string, lineId: string | null): string {
  return lineId === null ? eventId : `${eventId}#${lineId}`;
}

/** Whether this shape sends the stored JSON as it is (no parsing needed). */
export function isPlainShape(shape: PayloadShape, lineId: string | null): boolean {
  return lineId === null && shape.fields.length === 0 && shape.format === 'json';
}

/**
 * Renders the payload of one delivery. `parsedData` lets a caller that renders one event for several
 * endpoints parse its data once.
 */
export function renderPayload(
  event: PayloadEvent,
  lineId: string | null,
  shape: PayloadShape,
  parsedData?: () => unknown,
): WebhookPayload {
  const messageId = messageIdOf(event.eventId, lineId);
  const timestamp = new Date(event.occurredAt).toISOString();
  if (isPlainShape(shape, lineId)) {
    // The hot path: the stored text goes out as it is, with no parse and no re-serialisation.
    const body =
      `{"id":${JSON.stringify(messageId)},"type":${JSON.stringify(event.eventType)},` +
      `"timestamp":"${timestamp}","data":${event.dataJson}}`;
    return { messageId, contentType: 'application/json', body };
  }
  let data: unknown = parsedData ? parsedData() : JSON.parse(event.dataJson);
  if (lineId !== null) {
    data = splitOrderLines(data, ALL_LINES)?.find((part) => part.lineId === lineId)?.data ?? data;
  }
  if (shape.fields.length > 0) data = projectFields(data, shape.fields);
  const envelope = { id: messageId, type: event.eventType, timestamp, data };
  if (shape.format === 'form') {
    return { messageId, contentType: 'application/x-www-form-urlencoded', body: encodeForm(envelope) };
  }
  return { messageId, contentType: 'application/json', body: JSON.stringify(envelope) };
}
