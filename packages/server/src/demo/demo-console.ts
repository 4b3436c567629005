/**
 * What the demo prints: the banner with the credentials and the endpoint table, one line per delivery
 * the receiver got, and a summary of deliveries per endpoint. Pure text functions; the demo decides
 * where the text goes.
 */
import type { ReceivedDelivery } from './demo-receiver.ts';

/** The facts the banner shows. */
export interface DemoBanner {
  readonly hooklineUrl: string;
  readonly adminToken: string;
  readonly dataDir: string;
  readonly dataDirIsTemporary: boolean;
  readonly portNote: string | undefined;
  readonly accountId: string;
  readonly accountName: string;
  readonly apiKey: string;
  readonly defaultActiveUrls: number;
  readonly maxActiveUrls: number;
  readonly activeUrls: number;
  readonly receiverUrl: string;
  readonly endpoints: readonly { name: string; shows: string; urls: readonly string[] }[];
  readonly ratePerSecond: number;
}

/** Totals for a summary. */
export interface DemoTotals {
  readonly elapsedMs: number;
  readonly batches: number;
  readonly events: number;
  readonly refused: number;
  readonly received: number;
  readonly signatureFailures: number;
  readonly perEndpoint: readonly { name: string; count: number }[];
}

const NAME_WIDTH = 16;
const TYPE_WIDTH = 27;
// Long enough for the first few nested fields of a form body, short enough for one terminal line.
const FORM_PREVIEW_CHARS = 64;

/** The banner: where Hookline runs, the credentials, the endpoint table and how to look further. */
export function formatBanner(banner: DemoBanner): string {
  const showsWidth = Math.max(...banner.endpoints.map((e) => e.shows.length), 'shows'.length);
  const row = (name: string, shows: string, url: string) =>
    `    ${name.padEnd(NAME_WIDTH)}  ${shows.padEnd(showsWidth)}  ${url}`.trimEnd();
  const table = [row('endpoint', 'shows', 'URL(s)')];
  for (const endpoint of banner.endpoints) {
    const [first = '', ...rest] = endpoint.urls;
    table.push(row(endpoint.name, endpoint.shows, first));
    for (const url of rest) table.push(row('', '', url));
  }
  const deliveries = `${banner.hooklineUrl}/v1/accounts/${banner.accountId}/deliveries?limit=5`;
  return [
    '',
    '  Hookline demo shop',
    '',
    `  Hookline      ${banner.hooklineUrl}   (API description /openapi.json, metrics /metrics)`,
    ...(banner.portNote ? [`                ${banner.portNote}`] : []),
    `  Admin token   ${banner.adminToken}   (the operator's: creates accounts, publishes the shop's events)`,
    `  Data dir      ${banner.dataDir}${banner.dataDirIsTemporary ? '   (temporary: deleted when the demo stops)' : ''}`,
    `  Account       ${banner.accountId}   "${banner.accountName}"`,
    `  API key       ${banner.apiKey}   (the merchant's: made every endpoint below; shown once)`,
    `  URL limit     maxActiveUrls ${banner.defaultActiveUrls} → ${banner.maxActiveUrls} with PATCH /v1/accounts/${banner.accountId}`,
    `                (an operator's setting, admin token only: the ${banner.activeUrls} URLs below receive at once)`,
    `  Receiver      ${banner.receiverUrl}   (verifies every signature with @hookline/receiver)`,
    '',
    '  Endpoints',
    ...table,
    '',
    '  Every delivery and its attempts, with the API key:',
    `    curl -s -H "Authorization: Bearer ${banner.apiKey}" "${deliveries}"`,
    '',
    `  The shop publishes about ${banner.ratePerSecond} events/s in batches (POST …/events/batch, admin token).`,
    '  One line per delivery received; a summary every 10 s; Ctrl-C stops.',
    '',
    '',
  ].join('\n');
}

/** One delivery as a line: endpoint, type, message, what it carries, format and signature. */
export function formatDeliveryLine(
  delivery: ReceivedDelivery,
  options: { readonly fields: boolean },
): string {
  const isForm = delivery.contentType.startsWith('application/x-www-form-urlencoded');
  const parts = [
    `  ${delivery.endpoint.padEnd(NAME_WIDTH)}`,
    delivery.eventType.padEnd(TYPE_WIDTH),
    shortMessageId(delivery.messageId),
  ];
  if (isForm) {
    const start = delivery.body.indexOf('data[');
    const preview = delivery.body.slice(start < 0 ? 0 : start, (start < 0 ? 0 : start) + FORM_PREVIEW_CHARS);
    parts.push(`→ ${delivery.path}  form "${preview}…"  UA "${delivery.userAgent}"`);
  } else {
    const data = field(delivery.envelope, 'data');
    parts.push(describeData(data));
    if (options.fields) parts.push(`fields ${shapeOf(data)}`);
    parts.push('json');
  }
  parts.push(delivery.signatureError === null ? '✓ signed' : `✗ ${delivery.signatureError}`);
  return `${parts.join('  ')}\n`;
}

/** Deliveries per endpoint so far, with the publishing totals. */
export function formatSummary(totals: DemoTotals, heading = 'so far'): string {
  const seconds = Math.round(totals.elapsedMs / 1000);
  const signatures =
    totals.signatureFailures === 0
      ? 'every signature verified'
      : `${totals.signatureFailures} signatures did NOT verify`;
  const refused = totals.refused === 0 ? '' : `, ${totals.refused} batches refused`;
  const counts = totals.perEndpoint.map((e) => `${e.name} ${e.count}`);
  const rows: string[] = [];
  let row = '';
  for (const count of counts) {
    if (row !== '' && row.length + count.length > 100) {
      rows.push(row);
      row = '';
    }
    row = row === '' ? count : `${row} · ${count}`;
  }
  if (row !== '') rows.push(row);
  return [
    '',
    `  ── ${heading} (${seconds} s): ${totals.events} events in ${totals.batches} batches${refused}, ` +
      `${totals.received} deliveries received, ${signatures}`,
    ...rows.map((r) => `     ${r}`),
    '',
    '',
  ].join('\n');
}

/** `evt_…` and the last six characters of the event id: enough to tell events apart on screen. */
function shortMessageId(messageId: string): string {
  // A per-line message is the event id, a separator and the line id; Hookline's event ids are letters,
  // digits and `_`, so the first other character ends the event id.
  const [eventId = messageId] = messageId.split(/[^A-Za-z0-9_]/);
  return eventId.length > 12 ? `${eventId.slice(0, 4)}…${eventId.slice(-6)}` : eventId;
}

/** A few words on what an event's data is about, whichever family it belongs to. */
function describeData(data: unknown): string {
  const words: string[] = [];
  const order = field(data, 'order');
  if (order !== undefined) {
    const line = field(order, 'line');
    words.push(text(field(order, 'id')));
    if (line !== undefined) {
      words.push(
        `line ${text(field(line, 'id'))} (${text(field(line, 'kind'))}: ${text(field(line, 'name'))})`,
      );
    } else {
      const lines = field(order, 'lines');
      words.push(amount(field(order, 'total'), field(order, 'currency')));
      if (Array.isArray(lines)) words.push(`${lines.length} line${lines.length === 1 ? '' : 's'}`);
    }
    const payment = field(order, 'payment');
    const kind = field(payment, 'kind');
    if (typeof kind === 'string' && kind !== 'one_time')
      words.push(`${kind} #${text(field(payment, 'sequence'))}`);
    const upsellId = field(order, 'upsellId');
    if (typeof upsellId === 'string')
      words.push(`upsell ${upsellId} after ${text(field(order, 'parentOrderId'))}`);
  }
  const failure = field(data, 'failure');
  if (failure !== undefined) words.push(`failed: ${text(field(failure, 'code'))}`);
  const refund = field(data, 'refund');
  if (refund !== undefined)
    words.push(`refund ${amount(field(refund, 'amount'), field(refund, 'currency'))}`);
  const shipment = field(data, 'shipment');
  if (shipment !== undefined) {
    const tracking = field(shipment, 'trackingNumber') ?? field(shipment, 'trackingUrl');
    const carrier = field(shipment, 'carrier');
    if (typeof tracking === 'string') words.push(`tracking ${tracking}`);
    else if (typeof carrier === 'string') words.push(`shipped via ${carrier}`);
  }
  const subscription = field(data, 'subscription');
  if (subscription !== undefined && order === undefined) {
    words.push(
      `${text(field(subscription, 'id'))} ${text(field(subscription, 'plan'))} ` +
        `${amount(field(subscription, 'amount'), field(subscription, 'currency'))}/month ${text(field(subscription, 'status'))}`,
    );
  }
  const payment = field(data, 'payment');
  if (payment !== undefined && order === undefined) {
    words.push(
      `${text(field(payment, 'id'))} ${amount(field(payment, 'amount'), field(payment, 'currency'))} ` +
        `${text(field(payment, 'kind'))} #${text(field(payment, 'sequence'))} ${text(field(payment, 'status'))}`,
    );
    const reason = field(payment, 'failureReason');
    if (typeof reason === 'string') words.push(reason);
  }
  const invoice = field(data, 'invoice');
  if (invoice !== undefined) {
    words.push(
      `invoice ${text(field(invoice, 'number'))} ${amount(field(invoice, 'total'), field(invoice, 'currency'))} ` +
        text(field(invoice, 'status')),
    );
  }
  const cart = field(data, 'cart');
  if (cart !== undefined) {
    words.push(`${text(field(cart, 'id'))} ${amount(field(cart, 'total'), field(cart, 'currency'))}`);
    const customer = field(cart, 'customer');
    if (customer !== undefined) words.push(text(field(customer, 'email')));
    if (order === undefined && field(cart, 'id') === undefined) words.push(text(field(cart, 'recoveryUrl')));
  }
  const product = field(data, 'product');
  if (product !== undefined) {
    words.push(
      `${text(field(product, 'id'))} "${text(field(product, 'name'))}" ` +
        amount(field(product, 'price'), field(product, 'currency')),
    );
  }
  const customer = field(data, 'customer');
  if (customer !== undefined) words.push(`${text(field(customer, 'id'))} ${text(field(customer, 'email'))}`);
  const access = field(data, 'access');
  if (access !== undefined) {
    words.push(`${text(field(access, 'productId'))} for ${text(field(field(access, 'customer'), 'email'))}`);
  }
  const changed = field(data, 'changedFields');
  if (Array.isArray(changed)) words.push(`changed ${changed.join(', ')}`);
  const reason = field(data, 'reason');
  if (typeof reason === 'string') words.push(`(${reason})`);
  // Fields an endpoint's projection left out leave empty words behind.
  return words
    .map((word) => word.trim())
    .filter((word) => word !== '')
    .join(' ');
}

/** The shape of projected data, `order{id,total,customer{email}}`, to show what `fields` kept. */
function shapeOf(value: unknown): string {
  if (Array.isArray(value)) return `[${value.length > 0 ? shapeOf(value[0]) : ''}]`;
  if (typeof value !== 'object' || value === null) return '';
  return `{${Object.entries(value)
    .map(([key, child]) => key + shapeOf(child))
    .join(',')}}`;
}

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)[key]
    : undefined;
}

function text(value: unknown): string {
  return value === undefined || value === null ? '' : String(value);
}

function amount(value: unknown, currency: unknown): string {
  if (typeof value !== 'string') return '';
  if (currency === 'EUR') return `€${value}`;
  return typeof currency === 'string' ? `${currency} ${value}` : value;
}
