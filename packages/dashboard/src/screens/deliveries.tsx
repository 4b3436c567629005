/**
 * Deliveries at `/accounts/:accountId/deliveries`: every event owed to every URL, newest first, with
 * how it went. Filters (state, webhook, event type, time) live in the address, so a reload, the back
 * button or a shared link shows the same list. A row opens the delivery with its attempts; with a
 * webhook chosen, its failed deliveries can be sent again from a moment on.
 */

import { useEffect, useMemo, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso/router';
import { fetchAllEndpoints } from '../all-endpoints.ts';
import type { ListPage } from '../api-client.ts';
import type { Delivery, DeliveryStatus, Endpoint } from '../api-types.ts';
import { useCursorList } from '../components/cursor-list.ts';
import {
  DELIVERY_STATUSES,
  DeliveryStatusBadge,
  useLastAnswer,
  useStatusLabel,
} from '../components/delivery-status.tsx';
import { familyOf, useEventTypes } from '../components/event-picker.tsx';
import { FilterActions, TimeRangeFields } from '../components/filter-fields.tsx';
import { Pager } from '../components/pager.tsx';
import {
  type DeliveryFilters,
  filtersFromQuery,
  hasFilters,
  isoOfLocalInput,
  localInputOfIso,
  NO_FILTERS,
  queryOfFilters,
} from '../delivery-filters.ts';
import { defineMessages, useFormat, useMessages } from '../i18n.ts';
import { common } from '../messages.ts';
import { useProblemMessage } from '../problem-message.ts';
import { useSession } from '../session.ts';
import { RecoverDialog } from './recover-dialog.tsx';

export { DeliveryDetailScreen } from './delivery-detail.tsx';

const messages = defineMessages(
  {
    title: 'Deliveries',
    intro:
      'Every event sent to each of your URLs, newest first. Open one to see each attempt and the answer.',
    filters: 'Filter deliveries',
    status: 'Status',
    anyStatus: 'Any status',
    webhook: 'Webhook',
    anyWebhook: 'Any webhook',
    eventType: 'Event type',
    anyEventType: 'Any event type',
    since: 'From',
    until: 'Until',
    timeHint: 'Your local time.',
    apply: 'Apply filters',
    clear: 'Clear filters',
    refresh: 'Refresh',
    recover: 'Recover failed deliveries since…',
    recovered: 'Deliveries were queued again; they appear here as they are sent.',
    empty: 'No deliveries yet.',
    emptyFiltered: 'No delivery matches these filters.',
    loadFailed: 'The deliveries could not be loaded: {detail}',
    retry: 'Try again',
    pages: 'Pages of deliveries',
    tableCaption: 'Deliveries, newest first',
    time: 'Time',
    event: 'Event type',
    eventId: 'Event id',
    url: 'URL',
    attempts: 'Attempts',
    lastAnswer: 'Last answer',
    open: 'Open delivery of {type} at {time}',
  },
  {
    title: 'Afleveringen',
    intro:
      "Elke gebeurtenis die naar elk van je URL's is verstuurd, nieuwste eerst. Open er een om elke poging en het antwoord te zien.",
    filters: 'Afleveringen filteren',
    status: 'Status',
    anyStatus: 'Elke status',
    webhook: 'Webhook',
    anyWebhook: 'Elke webhook',
    eventType: 'Gebeurtenistype',
    anyEventType: 'Elk gebeurtenistype',
    since: 'Vanaf',
    until: 'Tot',
    timeHint: 'Je eigen tijd.',
    apply: 'Filters toepassen',
    clear: 'Filters wissen',
    refresh: 'Vernieuwen',
    recover: 'Mislukte afleveringen herstellen sinds…',
    recovered: 'Afleveringen staan opnieuw in de wachtrij; ze verschijnen hier zodra ze verstuurd worden.',
    empty: 'Nog geen afleveringen.',
    emptyFiltered: 'Geen aflevering voldoet aan deze filters.',
    loadFailed: 'De afleveringen konden niet worden geladen: {detail}',
    retry: 'Opnieuw proberen',
    pages: "Pagina's met afleveringen",
    tableCaption: 'Afleveringen, nieuwste eerst',
    time: 'Tijd',
    event: 'Gebeurtenistype',
    eventId: 'Gebeurtenis-id',
    url: 'URL',
    attempts: 'Pogingen',
    lastAnswer: 'Laatste antwoord',
    open: 'Aflevering van {type} om {time} openen',
  },
);

/** Deliveries per page. */
const PAGE_SIZE = 25;

/** The href of a delivery's page. */
export const deliveryHref = (accountId: string, deliveryId: string) =>
  `/accounts/${encodeURIComponent(accountId)}/deliveries/${encodeURIComponent(deliveryId)}`;

/** The Deliveries screen of an account. */
export function Deliveries({ accountId = '' }: { accountId?: string }) {
  const t = useMessages(messages);
  const tc = useMessages(common);
  const problem = useProblemMessage();
  const { dateTime } = useFormat();
  const lastAnswer = useLastAnswer();
  const { api } = useSession();
  const { path, query, route } = useLocation();
  const base = `/v1/accounts/${encodeURIComponent(accountId)}`;

  const filters = filtersFromQuery(query);
  const filterKey = queryOfFilters(filters);
  const list = useCursorList<Delivery>(
    (cursor) =>
      api.get<ListPage<Delivery>>(`${base}/deliveries`, {
        limit: PAGE_SIZE,
        cursor,
        status: filters.status,
        endpointId: filters.endpointId,
        eventType: filters.eventType,
        since: filters.since,
        until: filters.until,
      }),
    `${accountId}${filterKey}`,
  );

  const [endpoints, setEndpoints] = useState<Endpoint[]>([]);
  useEffect(() => {
    let live = true;
    // The webhook filter is a help: without the list, the rows still show each delivery's URL.
    fetchAllEndpoints(api, accountId).then(
      (all) => live && setEndpoints(all),
      () => live && setEndpoints([]),
    );
    return () => {
      live = false;
    };
  }, [api, accountId]);

  const [recoverOpen, setRecoverOpen] = useState(false);
  const [recovered, setRecovered] = useState(false);
  const chosenEndpoint = endpoints.find((endpoint) => endpoint.id === filters.endpointId) ?? null;

  const apply = (next: DeliveryFilters) => {
    setRecovered(false);
    // A new entry in the history, so the back button returns to the previous filters.
    route(`${path}${queryOfFilters(next)}`);
  };

  return (
    <section class="deliveries-screen" aria-labelledby="deliveries-title">
      <h1 id="deliveries-title">{t('title')}</h1>
      <p>{t('intro')}</p>
      <FilterForm key={filterKey} filters={filters} endpoints={endpoints} onApply={apply} />
      <div class="toolbar">
        <button type="button" class="secondary" onClick={list.reload} disabled={list.loading}>
          {t('refresh')}
        </button>
        {chosenEndpoint ? (
          <button type="button" class="secondary" onClick={() => setRecoverOpen(true)}>
            {t('recover')}
          </button>
        ) : null}
      </div>
      <div aria-live="polite">{recovered ? <div class="notice success">{t('recovered')}</div> : null}</div>
      {list.error ? (
        <div class="form-alert" role="alert">
          {t('loadFailed', { detail: problem(list.error) })}{' '}
          <button type="button" class="link" onClick={list.reload}>
            {t('retry')}
          </button>
        </div>
      ) : null}
      {list.loading && list.items.length === 0 ? <p class="loading-inline">{tc('loading')}</p> : null}
      {!list.loading && !list.error && list.items.length === 0 ? (
        <p class="empty">{hasFilters(filters) ? t('emptyFiltered') : t('empty')}</p>
      ) : null}
      {list.items.length > 0 ? (
        <div class="table-wrap">
          <table class="deliveries-table stack-table" aria-busy={list.loading}>
            <caption class="visually-hidden">{t('tableCaption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('time')}</th>
                <th scope="col">{t('event')}</th>
                <th scope="col">{t('eventId')}</th>
                <th scope="col">{t('url')}</th>
                <th scope="col">{t('status')}</th>
                <th scope="col">{t('attempts')}</th>
                <th scope="col">{t('lastAnswer')}</th>
              </tr>
            </thead>
            <tbody>
              {list.items.map((delivery) => {
                const href = deliveryHref(accountId, delivery.id);
                return (
                  <tr
                    key={delivery.id}
                    class="clickable"
                    // The whole row opens the delivery for a mouse; the link in its first cell is
                    // the way for a keyboard and a screen reader.
                    onClick={(event) => {
                      if ((event.target as Element).closest('a')) return;
                      route(href);
                    }}
                  >
                    <td data-label={t('time')} class="nowrap">
                      <a
                        href={href}
                        aria-label={t('open', {
                          type: delivery.eventType,
                          time: dateTime(delivery.createdAt),
                        })}
                      >
                        {dateTime(delivery.createdAt)}
                      </a>
                    </td>
                    <td data-label={t('event')}>
                      <code>{delivery.eventType}</code>
                    </td>
                    <td data-label={t('eventId')} class="mono id">
                      {delivery.eventId}
                    </td>
                    <td data-label={t('url')} class="url mono">
                      {delivery.url}
                    </td>
                    <td data-label={t('status')}>
                      <DeliveryStatusBadge status={delivery.status} />
                    </td>
                    <td data-label={t('attempts')}>{delivery.attemptCount}</td>
                    <td data-label={t('lastAnswer')}>{lastAnswer(delivery)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}
      <Pager list={list} label={t('pages')} />
      {chosenEndpoint ? (
        <RecoverDialog
          key={chosenEndpoint.id}
          accountId={accountId}
          endpoint={chosenEndpoint}
          open={recoverOpen}
          onClose={() => setRecoverOpen(false)}
          onRecovered={(count) => {
            if (count > 0) {
              setRecovered(true);
              list.reload();
            }
          }}
        />
      ) : null}
    </section>
  );
}

interface FilterFormProps {
  readonly filters: DeliveryFilters;
  readonly endpoints: readonly Endpoint[];
  readonly onApply: (filters: DeliveryFilters) => void;
}

/**
 * The filters as a form: changed freely, applied together with "Apply filters" (or Enter), so typing
 * a time does not reload the list at every keystroke. Remounted when the address changes.
 */
function FilterForm({ filters, endpoints, onApply }: FilterFormProps) {
  const t = useMessages(messages);
  const statusLabel = useStatusLabel();
  const { types } = useEventTypes();
  const [status, setStatus] = useState<DeliveryStatus | ''>(filters.status);
  const [endpointId, setEndpointId] = useState(filters.endpointId);
  const [eventType, setEventType] = useState(filters.eventType);
  const [since, setSince] = useState(localInputOfIso(filters.since));
  const [until, setUntil] = useState(localInputOfIso(filters.until));

  const families = useMemo(() => {
    const grouped = new Map<string, string[]>();
    for (const type of types ?? []) {
      const family = familyOf(type.name);
      grouped.set(family, [...(grouped.get(family) ?? []), type.name]);
    }
    return [...grouped];
  }, [types]);
  const knownType = (types ?? []).some((type) => type.name === filters.eventType);
  const knownEndpoint = endpoints.some((endpoint) => endpoint.id === filters.endpointId);

  const submit = (event: Event) => {
    event.preventDefault();
    onApply({ status, endpointId, eventType, since: isoOfLocalInput(since), until: isoOfLocalInput(until) });
  };

  return (
    <form class="filters" onSubmit={submit}>
      <fieldset>
        <legend>{t('filters')}</legend>
        <div class="filter-grid">
          <div class="field">
            <label for="filter-status">{t('status')}</label>
            <select
              id="filter-status"
              value={status}
              onChange={(event) => setStatus(event.currentTarget.value as DeliveryStatus | '')}
            >
              <option value="">{t('anyStatus')}</option>
              {DELIVERY_STATUSES.map((value) => (
                <option key={value} value={value}>
                  {statusLabel(value)}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="filter-webhook">{t('webhook')}</label>
            <select
              id="filter-webhook"
              value={endpointId}
              onChange={(event) => setEndpointId(event.currentTarget.value)}
            >
              <option value="">{t('anyWebhook')}</option>
              {endpoints.map((endpoint) => (
                <option key={endpoint.id} value={endpoint.id}>
                  {endpoint.description || endpoint.urls.join(', ')}
                </option>
              ))}
              {filters.endpointId !== '' && !knownEndpoint ? (
                <option value={filters.endpointId}>{filters.endpointId}</option>
              ) : null}
            </select>
          </div>
          <div class="field">
            <label for="filter-event-type">{t('eventType')}</label>
            <select
              id="filter-event-type"
              value={eventType}
              onChange={(event) => setEventType(event.currentTarget.value)}
            >
              <option value="">{t('anyEventType')}</option>
              {families.map(([family, names]) => (
                <optgroup key={family} label={family}>
                  {names.map((name) => (
                    <option key={name} value={name}>
                      {name}
                    </option>
                  ))}
                </optgroup>
              ))}
              {filters.eventType !== '' && !knownType ? (
                <option value={filters.eventType}>{filters.eventType}</option>
              ) : null}
            </select>
          </div>
          <TimeRangeFields
            idPrefix="filter"
            sinceLabel={t('since')}
            untilLabel={t('until')}
            since={since}
            until={until}
            onSince={setSince}
            onUntil={setUntil}
          />
        </div>
        <FilterActions
          idPrefix="filter"
          hint={t('timeHint')}
          applyLabel={t('apply')}
          clearLabel={t('clear')}
          canClear={hasFilters(filters)}
          onClear={() => onApply(NO_FILTERS)}
        />
      </fieldset>
    </form>
  );
}
