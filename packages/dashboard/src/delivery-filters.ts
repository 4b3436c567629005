/**
 * The filters of the deliveries list and the address that keeps them: `?status=failed&endpointId=…
 * &eventType=…&since=…&until=…`, so a reload or a shared link shows the same list. Times travel as
 * ISO instants and show in `datetime-local` inputs in the browser's time zone. Only filters go in the
 * address, never a token. Pure, so it is tested without a browser.
 */
import type { DeliveryStatus } from './api-types.ts';

/** What the deliveries list is narrowed to; `''` means no filter. */
export interface DeliveryFilters {
  readonly status: DeliveryStatus | '';
  readonly endpointId: string;
  readonly eventType: string;
  /** ISO instant, or `''`. */
  readonly since: string;
  /** ISO instant, or `''`. */
  readonly until: string;
}

/** No filter at all. */
export const NO_FILTERS: DeliveryFilters = {
  status: '',
  endpointId: '',
  eventType: '',
  since: '',
  until: '',
};

const STATUSES: readonly string[] = ['pending', 'sending', 'succeeded', 'failed', 'cancelled'];

/** An instant as ISO, or `''` when the text is not one. */
function isoOrEmpty(text: string | undefined): string {
  if (!text) return '';
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? '' : new Date(ms).toISOString();
}

/** The filters an address's query holds; anything unknown or malformed is dropped. */
export function filtersFromQuery(query: Readonly<Record<string, string | undefined>>): DeliveryFilters {
  const status = query['status'] ?? '';
  return {
    status: STATUSES.includes(status) ? (status as DeliveryStatus) : '',
    endpointId: (query['endpointId'] ?? '').trim(),
    eventType: (query['eventType'] ?? '').trim(),
    since: isoOrEmpty(query['since']),
    until: isoOrEmpty(query['until']),
  };
}

/** The query string (with `?`, or `''` when nothing is filtered) for a set of filters. */
export function queryOfFilters(filters: DeliveryFilters): string {
  const params = new URLSearchParams();
  for (const name of ['status', 'endpointId', 'eventType', 'since', 'until'] as const) {
    const value = filters[name];
    if (value !== '') params.set(name, value);
  }
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

/** Whether any filter is set. */
export const hasFilters = (filters: DeliveryFilters): boolean => queryOfFilters(filters) !== '';

const pad = (n: number) => String(n).padStart(2, '0');

/** An ISO instant as a `datetime-local` value (`2025-05-02T16:04`) in the browser's time zone. */
export function localInputOfIso(iso: string): string {
  if (iso === '') return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** A `datetime-local` value (read in the browser's time zone) as an ISO instant, or `''`. */
export function isoOfLocalInput(value: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?/.exec(value);
  if (!match) return '';
  const [, y, mo, d, h, mi, s] = match;
  const date = new Date(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s ?? 0));
  return Number.isNaN(date.getTime()) ? '' : date.toISOString();
}
