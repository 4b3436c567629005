/**
 * The webhook form's contents and how they become an API request: what the user typed is kept as
 * typed (a draft), turned into `EndpointIn` / `EndpointPatch` only on save, and an API problem's
 * `field` (`urls[2]`, `headers.X-Shop`) is traced back to the input that holds it. Pure, so it is
 * tested without a browser.
 */
import type { Endpoint } from './api-types.ts';

/** One custom header row; `key` keeps a row's identity while rows are added and removed. */
export interface HeaderRow {
  readonly key: number;
  readonly name: string;
  readonly value: string;
}

/** What the webhook form holds. */
export interface WebhookDraft {
  /** One URL, or several separated by commas, as typed. */
  readonly url: string;
  /** The endpoint's `description`, called its name on screen. */
  readonly name: string;
  readonly eventTypes: readonly string[];
  /** Cart (plug) ids separated by commas, as typed. */
  readonly plugs: string;
  readonly fields: readonly string[];
  readonly format: 'json' | 'form';
  /** The endpoint's `ordered` option: one key's events one after another, in publish order. */
  readonly ordered: boolean;
  readonly userAgent: string;
  readonly headers: readonly HeaderRow[];
}

/** The ids of the form's inputs, which API problems are traced to. */
export const INPUT = {
  url: 'webhook-url',
  name: 'webhook-name',
  events: 'webhook-events',
  plugs: 'webhook-plugs',
  fields: 'webhook-fields',
  format: 'webhook-format',
  ordered: 'webhook-ordered',
  userAgent: 'webhook-user-agent',
  headers: 'webhook-headers',
} as const;

/** The id of a header row (its error shows under both of its inputs). */
export const headerRowId = (index: number) => `webhook-header-${index}`;

let nextKey = 1;
/** A new, empty header row. */
export const emptyHeaderRow = (): HeaderRow => ({ key: nextKey++, name: '', value: '' });

/** The form for a new webhook (`null`) or filled in from an endpoint. */
export function draftOf(endpoint: Endpoint | null): WebhookDraft {
  if (endpoint === null) {
    return {
      url: '',
      name: '',
      eventTypes: [],
      plugs: '',
      fields: [],
      format: 'json',
      ordered: false,
      userAgent: '',
      headers: [],
    };
  }
  return {
    url: endpoint.urls.join(', '),
    name: endpoint.description,
    eventTypes: [...endpoint.eventTypes],
    plugs: endpoint.plugIds.join(', '),
    fields: [...endpoint.fields],
    format: endpoint.format,
    ordered: endpoint.ordered,
    userAgent: endpoint.userAgent ?? '',
    headers: Object.entries(endpoint.headers).map(([name, value]) => ({ key: nextKey++, name, value })),
  };
}

/** A comma-separated list as its non-empty, trimmed items. */
export const splitList = (text: string): string[] =>
  text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');

/** The request body for a draft: the same for `POST` and `PATCH` (a list given replaces the stored one). */
export function bodyOf(draft: WebhookDraft) {
  const headers: Record<string, string> = {};
  for (const row of draft.headers) if (row.name.trim() !== '') headers[row.name.trim()] = row.value;
  return {
    url: draft.url.trim(),
    description: draft.name.trim(),
    eventTypes: [...draft.eventTypes],
    plugIds: splitList(draft.plugs),
    fields: [...draft.fields],
    format: draft.format,
    ordered: draft.ordered,
    userAgent: draft.userAgent.trim() === '' ? null : draft.userAgent.trim(),
    headers,
  };
}

/** What the form checks before asking the API: an input id and what is wrong with it. */
export interface DraftProblem {
  readonly input: string;
  readonly problem: 'required' | 'noEvents' | 'headerName';
}

/** The first thing to fix before the draft is worth sending, or `null`. */
export function draftProblem(draft: WebhookDraft): DraftProblem | null {
  if (draft.url.trim() === '') return { input: INPUT.url, problem: 'required' };
  if (draft.eventTypes.length === 0) return { input: INPUT.events, problem: 'noEvents' };
  const nameless = draft.headers.findIndex((row) => row.name.trim() === '' && row.value.trim() !== '');
  if (nameless >= 0) return { input: headerRowId(nameless), problem: 'headerName' };
  return null;
}

/**
 * The input an API problem's `field` names, or `undefined` for one the form has no input for (its
 * message then shows above the form). `headers.<name>` goes to the row with that name.
 */
export function inputOfField(field: string, draft: WebhookDraft): string | undefined {
  if (/^urls?(\[\d+\])?$/.test(field)) return INPUT.url;
  if (field === 'description') return INPUT.name;
  if (/^eventTypes(\[\d+\])?$/.test(field)) return INPUT.events;
  if (/^plugIds(\[\d+\])?$/.test(field)) return INPUT.plugs;
  if (/^fields(\[\d+\])?$/.test(field)) return INPUT.fields;
  if (field === 'format') return INPUT.format;
  if (field === 'ordered') return INPUT.ordered;
  if (field === 'userAgent') return INPUT.userAgent;
  if (field === 'headers') return INPUT.headers;
  if (field.startsWith('headers.')) {
    const name = field.slice('headers.'.length).toLowerCase();
    const index = draft.headers.findIndex((row) => row.name.trim().toLowerCase() === name);
    return index >= 0 ? headerRowId(index) : INPUT.headers;
  }
  return undefined;
}
