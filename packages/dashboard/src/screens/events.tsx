/**
 * Events at `/accounts/:accountId/events`: every event the account published, newest first. A row
 * opens in place to show where the event went: each delivery with its state and a link to its page.
 * The filters (exact type, time) live in the address as on the Deliveries screen, with the same
 * names, so a reload, the back button or a shared link shows the same list.
 */

import { useEffect, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso/router';
import { ApiError, type ListPage } from '../api-client.ts';
import type { Delivery, EventOut } from '../api-types.ts';
import { useCursorList } from '../components/cursor-list.ts';
import { DeliveryStatusBadge, useLastAnswer } from '../components/delivery-status.tsx';
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
import { deliveryHref } from './deliveries.tsx';

const messages = defineMessages(
  {
    title: 'Events',
    intro:
      'Every event of this account, newest first. Open one to see where it was delivered and how it went.',
    filters: 'Filter events',
    eventType: 'Event type',
    eventTypeHint: 'The exact name, such as order.paid.',
    since: 'From',
    until: 'Until',
    timeHint: 'Your local time.',
    apply: 'Apply filters',
    clear: 'Clear filters',
    refresh: 'Refresh',
    empty: 'No events yet.',
    emptyFiltered: 'No event matches these filters.',
    loadFailed: 'The events could not be loaded: {detail}',
    forbidden:
      'This session may only see the deliveries of its own webhooks, not every event of the account. The Deliveries screen shows them.',
    retry: 'Try again',
    pages: 'Pages of events',
    tableCaption: 'Events, newest first',
    time: 'Time',
    type: 'Event type',
    eventId: 'Event id',
    deliveries: 'Deliveries',
    showDeliveries: 'Deliveries',
    showDeliveriesOf: 'Deliveries of {type} at {time}',
    noDeliveries: 'This event was not sent to any webhook.',
    deliveriesFailed: 'The deliveries could not be loaded: {detail}',
    deliveriesOf: 'Deliveries of event {id}',
    attempts: 'Attempts: {count}',
    lastAnswer: 'Last answer: {answer}',
    openDelivery: 'Open delivery',
    openDeliveryTo: 'Open delivery to {url}',
  },
  {
    title: 'Gebeurtenissen',
    intro:
      'Elke gebeurtenis van dit account, nieuwste eerst. Open er een om te zien waar ze is afgeleverd en hoe dat ging.',
    filters: 'Gebeurtenissen filteren',
    eventType: 'Gebeurtenistype',
    eventTypeHint: 'De precieze naam, zoals order.paid.',
    since: 'Vanaf',
    until: 'Tot',
    timeHint: 'Je eigen tijd.',
    apply: 'Filters toepassen',
    clear: 'Filters wissen',
    refresh: 'Vernieuwen',
    empty: 'Nog geen gebeurtenissen.',
    emptyFiltered: 'Geen gebeurtenis voldoet aan deze filters.',
    loadFailed: 'De gebeurtenissen konden niet worden geladen: {detail}',
    forbidden:
      'Deze sessie mag alleen de afleveringen van haar eigen webhooks zien, niet elke gebeurtenis van het account. Het scherm Afleveringen toont ze.',
    retry: 'Opnieuw proberen',
    pages: "Pagina's met gebeurtenissen",
    tableCaption: 'Gebeurtenissen, nieuwste eerst',
    time: 'Tijd',
    type: 'Gebeurtenistype',
    eventId: 'Gebeurtenis-id',
    deliveries: 'Afleveringen',
    showDeliveries: 'Afleveringen',
    showDeliveriesOf: 'Afleveringen van {type} om {time}',
    noDeliveries: 'Deze gebeurtenis is naar geen enkele webhook verstuurd.',
    deliveriesFailed: 'De afleveringen konden niet worden geladen: {detail}',
    deliveriesOf: 'Afleveringen van gebeurtenis {id}',
    attempts: 'Pogingen: {count}',
    lastAnswer: 'Laatste antwoord: {answer}',
    openDelivery: 'Aflevering openen',
    openDeliveryTo: 'Aflevering naar {url} openen',
  },
);

/** Events per page. */
const PAGE_SIZE = 25;

/** An event with the deliveries it made (`GET …/events/{id}`). */
type EventDetail = EventOut & { readonly deliveries: readonly Delivery[] };

/** The filters this screen has: the Deliveries screen's, without state and webhook. */
const eventFilters = (query: Readonly<Record<string, string | undefined>>): DeliveryFilters => ({
  ...filtersFromQuery(query),
  status: '',
  endpointId: '',
});

/** The Events screen of an account. */
export function Events({ accountId = '' }: { accountId?: string }) {
  const t = useMessages(messages);
  const tc = useMessages(common);
  const problem = useProblemMessage();
  const { dateTime } = useFormat();
  const { api } = useSession();
  const { path, query, route } = useLocation();
  const base = `/v1/accounts/${encodeURIComponent(accountId)}`;

  const filters = eventFilters(query);
  const filterKey = queryOfFilters(filters);
  const list = useCursorList<EventOut>(
    (cursor) =>
      api.get<ListPage<EventOut>>(`${base}/events`, {
        limit: PAGE_SIZE,
        cursor,
        type: filters.eventType,
        since: filters.since,
        until: filters.until,
      }),
    `${accountId}${filterKey}`,
  );
  const [open, setOpen] = useState<string | null>(null);
  const forbidden = list.error instanceof ApiError && list.error.status === 403;

  const apply = (next: DeliveryFilters) => {
    setOpen(null);
    route(`${path}${queryOfFilters(next)}`);
  };

  return (
    <section class="events-screen" aria-labelledby="events-title">
      <h1 id="events-title">{t('title')}</h1>
      <p>{t('intro')}</p>
      <FilterForm key={filterKey} filters={filters} onApply={apply} />
      <div class="toolbar">
        <button type="button" class="secondary" onClick={list.reload} disabled={list.loading}>
          {t('refresh')}
        </button>
      </div>
      {list.error ? (
        <div class="form-alert" role="alert">
          {forbidden ? (
            <>
              {t('forbidden')}{' '}
              <a href={`/accounts/${encodeURIComponent(accountId)}/deliveries`}>{tc('navDeliveries')}</a>
            </>
          ) : (
            <>
              {t('loadFailed', { detail: problem(list.error) })}{' '}
              <button type="button" class="link" onClick={list.reload}>
                {t('retry')}
              </button>
            </>
          )}
        </div>
      ) : null}
      {list.loading && list.items.length === 0 ? <p class="loading-inline">{tc('loading')}</p> : null}
      {!list.loading && !list.error && list.items.length === 0 ? (
        <p class="empty">{hasFilters(filters) ? t('emptyFiltered') : t('empty')}</p>
      ) : null}
      {list.items.length > 0 ? (
        <div class="table-wrap">
          <table class="events-table stack-table" aria-busy={list.loading}>
            <caption class="visually-hidden">{t('tableCaption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('time')}</th>
                <th scope="col">{t('type')}</th>
                <th scope="col">{t('eventId')}</th>
                <th scope="col">{t('deliveries')}</th>
              </tr>
            </thead>
            <tbody>
              {list.items.flatMap((event) => {
                const expanded = open === event.id;
                const panelId = `event-deliveries-${event.id}`;
                const row = (
                  <tr key={event.id}>
                    <td data-label={t('time')} class="nowrap">
                      {dateTime(event.createdAt)}
                    </td>
                    <td data-label={t('type')}>
                      <code>{event.type}</code>
                    </td>
                    <td data-label={t('eventId')} class="mono id">
                      {event.id}
                    </td>
                    <td data-label={t('deliveries')}>
                      <button
                        type="button"
                        class="secondary toggle"
                        aria-expanded={expanded}
                        aria-controls={expanded ? panelId : undefined}
                        aria-label={t('showDeliveriesOf', {
                          type: event.type,
                          time: dateTime(event.createdAt),
                        })}
                        onClick={() => setOpen(expanded ? null : event.id)}
                      >
                        {t('showDeliveries')}
                      </button>
                    </td>
                  </tr>
                );
                if (!expanded) return [row];
                return [
                  row,
                  <tr key={`${event.id}-deliveries`}>
                    <td colSpan={4} id={panelId} class="event-deliveries-cell">
                      <EventDeliveries accountId={accountId} eventId={event.id} />
                    </td>
                  </tr>,
                ];
              })}
            </tbody>
          </table>
        </div>
      ) : null}
      <Pager list={list} label={t('pages')} />
    </section>
  );
}

/** Where one event went: its deliveries, each with its state and a link to its page. */
function EventDeliveries({ accountId, eventId }: { accountId: string; eventId: string }) {
  const t = useMessages(messages);
  const tc = useMessages(common);
  const problem = useProblemMessage();
  const lastAnswer = useLastAnswer();
  const { api } = useSession();
  const [detail, setDetail] = useState<EventDetail | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    let live = true;
    api
      .get<EventDetail>(`/v1/accounts/${encodeURIComponent(accountId)}/events/${encodeURIComponent(eventId)}`)
      .then(
        (found) => live && setDetail(found),
        (failure: unknown) => live && setError(failure),
      );
    return () => {
      live = false;
    };
  }, [api, accountId, eventId]);

  if (error) {
    return (
      <p class="form-alert" role="alert">
        {t('deliveriesFailed', { detail: problem(error) })}
      </p>
    );
  }
  if (detail === null) return <p class="loading-inline">{tc('loading')}</p>;
  if (detail.deliveries.length === 0) return <p class="empty">{t('noDeliveries')}</p>;
  return (
    <ul class="event-delivery-list" aria-label={t('deliveriesOf', { id: eventId })}>
      {detail.deliveries.map((delivery) => (
        <li key={delivery.id}>
          <DeliveryStatusBadge status={delivery.status} />
          <span class="url mono">{delivery.url}</span>
          <span>{t('attempts', { count: delivery.attemptCount })}</span>
          <span>{t('lastAnswer', { answer: lastAnswer(delivery) })}</span>
          <a
            href={deliveryHref(accountId, delivery.id)}
            aria-label={t('openDeliveryTo', { url: delivery.url })}
          >
            {t('openDelivery')}
          </a>
        </li>
      ))}
    </ul>
  );
}

interface FilterFormProps {
  readonly filters: DeliveryFilters;
  readonly onApply: (filters: DeliveryFilters) => void;
}

/** The filters as a form, applied together; remounted when the address changes. */
function FilterForm({ filters, onApply }: FilterFormProps) {
  const t = useMessages(messages);
  const [eventType, setEventType] = useState(filters.eventType);
  const [since, setSince] = useState(localInputOfIso(filters.since));
  const [until, setUntil] = useState(localInputOfIso(filters.until));

  const submit = (event: Event) => {
    event.preventDefault();
    onApply({
      ...NO_FILTERS,
      eventType: eventType.trim(),
      since: isoOfLocalInput(since),
      until: isoOfLocalInput(until),
    });
  };

  return (
    <form class="filters" onSubmit={submit}>
      <fieldset>
        <legend>{t('filters')}</legend>
        <div class="filter-grid">
          <div class="field">
            <label for="events-filter-type">{t('eventType')}</label>
            <input
              type="text"
              id="events-filter-type"
              value={eventType}
              spellcheck={false}
              autoComplete="off"
              aria-describedby="events-filter-type-hint"
              onInput={(event) => setEventType(event.currentTarget.value)}
            />
            <p class="hint" id="events-filter-type-hint">
              {t('eventTypeHint')}
            </p>
          </div>
          <TimeRangeFields
            idPrefix="events-filter"
            sinceLabel={t('since')}
            untilLabel={t('until')}
            since={since}
            until={until}
            onSince={setSince}
            onUntil={setUntil}
          />
        </div>
        <FilterActions
          idPrefix="events-filter"
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
