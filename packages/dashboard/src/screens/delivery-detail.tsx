/**
 * One delivery at `/accounts/:accountId/deliveries/:deliveryId`: its facts, every attempt with the
 * receiver's answer (status, body, duration, error class), the event's data as published, and
 * "Resend". While the delivery is still being tried the page follows it, so the merchant
 * watches the retries arrive without reloading.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../api-client.ts';
import type { Attempt, DeliveryDetail, Endpoint, EventOut } from '../api-types.ts';
import {
  DeliveryStatusBadge,
  isFinal,
  useErrorCodeLabel,
  useLastAnswer,
} from '../components/delivery-status.tsx';
import { FormAlert } from '../components/form.tsx';
import { defineMessages, useFormat, useMessages } from '../i18n.ts';
import { common } from '../messages.ts';
import { useProblemMessage } from '../problem-message.ts';
import { useSession } from '../session.ts';

const messages = defineMessages(
  {
    back: 'All deliveries',
    title: 'Delivery',
    facts: 'About this delivery',
    status: 'Status',
    eventType: 'Event type',
    eventId: 'Event id',
    webhook: 'Webhook',
    url: 'URL',
    line: 'Order line',
    attemptCount: 'Attempts',
    createdAt: 'Created',
    lastAttemptAt: 'Last attempt',
    nextAttemptAt: 'Next attempt',
    lastAnswer: 'Last answer',
    resend: 'Resend',
    resending: 'Resending…',
    resent: 'The delivery is queued to be sent again now.',
    inProgress:
      'This delivery is still being sent or waiting for its next attempt. Resend it once it has finished.',
    endpointDisabled: 'The webhook of this delivery is disabled or deleted. Enable it before resending.',
    following: 'Still being delivered: this page updates by itself.',
    attempts: 'Attempts',
    noAttempts: 'No attempt yet.',
    attempt: 'Attempt {number}',
    succeeded: 'Succeeded',
    failed: 'Failed',
    startedAt: 'Started',
    duration: 'Duration',
    durationMs: '{ms} ms',
    responseStatus: 'Response status',
    noResponse: 'No answer',
    error: 'Error',
    responseBody: 'Response body',
    emptyBody: '(empty)',
    truncated: 'The body was longer: only its beginning was kept.',
    requestSent: 'Request as sent',
    requestHeaders: 'Request headers',
    requestBody: 'Request body',
    responseHeaders: 'Response headers',
    eventData: 'Event data',
    eventDataHint:
      'The data as published. The webhook’s data selection and format shape what its URL receives.',
    eventFailed: 'The event could not be loaded: {detail}',
    loadFailed: 'The delivery could not be loaded: {detail}',
  },
  {
    back: 'Alle afleveringen',
    title: 'Aflevering',
    facts: 'Over deze aflevering',
    status: 'Status',
    eventType: 'Gebeurtenistype',
    eventId: 'Gebeurtenis-id',
    webhook: 'Webhook',
    url: 'URL',
    line: 'Orderregel',
    attemptCount: 'Pogingen',
    createdAt: 'Aangemaakt',
    lastAttemptAt: 'Laatste poging',
    nextAttemptAt: 'Volgende poging',
    lastAnswer: 'Laatste antwoord',
    resend: 'Opnieuw versturen',
    resending: 'Opnieuw versturen…',
    resent: 'De aflevering wordt nu opnieuw verstuurd.',
    inProgress:
      'Deze aflevering wordt nog verstuurd of wacht op de volgende poging. Verstuur hem opnieuw zodra hij klaar is.',
    endpointDisabled:
      'De webhook van deze aflevering staat uit of is verwijderd. Zet hem aan voordat je opnieuw verstuurt.',
    following: 'Wordt nog afgeleverd: deze pagina werkt zichzelf bij.',
    attempts: 'Pogingen',
    noAttempts: 'Nog geen poging.',
    attempt: 'Poging {number}',
    succeeded: 'Geslaagd',
    failed: 'Mislukt',
    startedAt: 'Gestart',
    duration: 'Duur',
    durationMs: '{ms} ms',
    responseStatus: 'Antwoordstatus',
    noResponse: 'Geen antwoord',
    error: 'Fout',
    responseBody: 'Antwoordinhoud',
    emptyBody: '(leeg)',
    truncated: 'De inhoud was langer: alleen het begin is bewaard.',
    requestSent: 'Verzoek zoals verzonden',
    requestHeaders: 'Verzoekheaders',
    requestBody: 'Verzoekinhoud',
    responseHeaders: 'Antwoordheaders',
    eventData: 'Gebeurtenisgegevens',
    eventDataHint:
      'De gegevens zoals gepubliceerd. De gegevenskeuze en het formaat van de webhook bepalen wat de URL ontvangt.',
    eventFailed: 'De gebeurtenis kon niet worden geladen: {detail}',
    loadFailed: 'De aflevering kon niet worden geladen: {detail}',
  },
);

/** How often the page asks again while the delivery is not final. */
const FOLLOW_MS = 1_000;

/** The delivery page. */
export function DeliveryDetailScreen({
  accountId = '',
  deliveryId = '',
}: {
  accountId?: string;
  deliveryId?: string;
}) {
  const t = useMessages(messages);
  const tc = useMessages(common);
  const problem = useProblemMessage();
  const { dateTime } = useFormat();
  const lastAnswer = useLastAnswer();
  const { api } = useSession();
  const account = `/v1/accounts/${encodeURIComponent(accountId)}`;
  const path = `${account}/deliveries/${encodeURIComponent(deliveryId)}`;

  const [delivery, setDelivery] = useState<DeliveryDetail | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [event, setEvent] = useState<EventOut | null>(null);
  const [eventError, setEventError] = useState<unknown>(null);
  const [endpoint, setEndpoint] = useState<Endpoint | null>(null);
  const [reads, setReads] = useState(0);
  const [busy, setBusy] = useState(false);
  const [resendError, setResendError] = useState<string | null>(null);
  const [resent, setResent] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);

  // The delivery, and again every second while it is pending or being sent.
  // `reads` changing asks again.
  useEffect(() => {
    let live = true;
    api.get<DeliveryDetail>(path).then(
      (answer) => {
        if (!live) return;
        setDelivery(answer);
        setLoadError(null);
      },
      (failure: unknown) => live && setLoadError(failure),
    );
    return () => {
      live = false;
    };
  }, [api, path, reads]);

  const final = delivery === null || isFinal(delivery.status);
  useEffect(() => {
    if (final) return;
    const timer = setTimeout(() => setReads((n) => n + 1), FOLLOW_MS);
    return () => clearTimeout(timer);
  }, [final, delivery]);

  const eventId = delivery?.eventId;
  const endpointId = delivery?.endpointId;
  useEffect(() => {
    if (eventId === undefined) return;
    let live = true;
    api.get<EventOut>(`${account}/events/${encodeURIComponent(eventId)}`).then(
      (answer) => live && setEvent(answer),
      (failure: unknown) => live && setEventError(failure),
    );
    return () => {
      live = false;
    };
  }, [api, account, eventId]);
  useEffect(() => {
    if (endpointId === undefined) return;
    let live = true;
    // Only for the webhook's name; a deleted webhook leaves its id on show.
    api.get<Endpoint>(`${account}/endpoints/${encodeURIComponent(endpointId)}`).then(
      (answer) => live && setEndpoint(answer),
      () => live && setEndpoint(null),
    );
    return () => {
      live = false;
    };
  }, [api, account, endpointId]);

  // Focus the heading when the page opens, so a screen reader starts at the delivery.
  const headingShown = delivery !== null;
  useEffect(() => {
    if (headingShown) heading.current?.focus();
  }, [headingShown]);

  const resend = async () => {
    setBusy(true);
    setResendError(null);
    setResent(false);
    try {
      await api.post(`${path}/retry`, {});
      setResent(true);
      setReads((n) => n + 1);
    } catch (failure) {
      setResendError(
        failure instanceof ApiError && failure.code === 'delivery_in_progress'
          ? t('inProgress')
          : failure instanceof ApiError && failure.code === 'endpoint_disabled'
            ? t('endpointDisabled')
            : problem(failure),
      );
    } finally {
      setBusy(false);
    }
  };

  const backHref = `/accounts/${encodeURIComponent(accountId)}/deliveries`;
  if (delivery === null) {
    return (
      <section class="delivery-detail">
        <p>
          <a href={backHref}>← {t('back')}</a>
        </p>
        <h1>{t('title')}</h1>
        {loadError ? (
          <div class="form-alert" role="alert">
            {t('loadFailed', { detail: problem(loadError) })}
          </div>
        ) : (
          <p class="loading-inline">{tc('loading')}</p>
        )}
      </section>
    );
  }

  return (
    <section class="delivery-detail" aria-labelledby="delivery-title">
      <p>
        <a href={backHref}>← {t('back')}</a>
      </p>
      <header class="detail-head">
        <h1 id="delivery-title" ref={heading} tabIndex={-1}>
          {t('title')} <span class="mono">{delivery.id}</span>
        </h1>
      </header>
      <h2 class="visually-hidden">{t('facts')}</h2>
      <dl class="facts">
        <dt>{t('status')}</dt>
        <dd>
          <DeliveryStatusBadge status={delivery.status} />
        </dd>
        <dt>{t('eventType')}</dt>
        <dd>
          <code>{delivery.eventType}</code>
        </dd>
        <dt>{t('eventId')}</dt>
        <dd class="mono">{delivery.eventId}</dd>
        <dt>{t('webhook')}</dt>
        <dd>
          {endpoint ? endpoint.description || endpoint.id : <span class="mono">{delivery.endpointId}</span>}
        </dd>
        <dt>{t('url')}</dt>
        <dd class="mono">{delivery.url}</dd>
        {delivery.lineId ? (
          <>
            <dt>{t('line')}</dt>
            <dd class="mono">{delivery.lineId}</dd>
          </>
        ) : null}
        <dt>{t('attemptCount')}</dt>
        <dd>{delivery.attemptCount}</dd>
        <dt>{t('createdAt')}</dt>
        <dd>{dateTime(delivery.createdAt)}</dd>
        <dt>{t('lastAttemptAt')}</dt>
        <dd>{dateTime(delivery.lastAttemptAt)}</dd>
        {delivery.nextAttemptAt && !isFinal(delivery.status) ? (
          <>
            <dt>{t('nextAttemptAt')}</dt>
            <dd>{dateTime(delivery.nextAttemptAt)}</dd>
          </>
        ) : null}
        <dt>{t('lastAnswer')}</dt>
        <dd>{lastAnswer(delivery)}</dd>
      </dl>
      <div class="actions">
        <button type="button" disabled={busy} onClick={resend}>
          {busy ? t('resending') : t('resend')}
        </button>
      </div>
      <div aria-live="polite">
        {resent ? <div class="notice success">{t('resent')}</div> : null}
        {!final ? <p class="hint">{t('following')}</p> : null}
      </div>
      <FormAlert message={resendError} />

      <h2>{t('attempts')}</h2>
      {delivery.attempts.length === 0 ? <p class="empty">{t('noAttempts')}</p> : null}
      <ol class="attempts">
        {delivery.attempts.map((attempt) => (
          <AttemptItem key={attempt.id} attempt={attempt} />
        ))}
      </ol>

      <h2>{t('eventData')}</h2>
      <p class="hint">{t('eventDataHint')}</p>
      {eventError ? (
        <div class="form-alert" role="alert">
          {t('eventFailed', { detail: problem(eventError) })}
        </div>
      ) : event ? (
        <Scrollable class="event-data" label={t('eventData')} text={JSON.stringify(event.data, null, 2)} />
      ) : (
        <p class="loading-inline">{tc('loading')}</p>
      )}
    </section>
  );
}

/**
 * A body or a document in a `<pre>` that scrolls when long: focusable and named, so a keyboard user
 * can scroll it too.
 */
function Scrollable({ text, label, class: className }: { text: string; label: string; class?: string }) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a region that scrolls must take focus, or a keyboard cannot scroll it (WCAG 2.1.1)
    <section class="scroll-region" tabIndex={0} aria-label={label}>
      <pre class={className}>{text}</pre>
    </section>
  );
}

/** Headers one per line, as they would read on the wire. */
function headerLines(headers: Readonly<Record<string, string>>): string {
  return Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}`)
    .join('\n');
}

/** One attempt with the receiver's answer. */
function AttemptItem({ attempt }: { attempt: Attempt }) {
  const t = useMessages(messages);
  const { dateTime } = useFormat();
  const errorLabel = useErrorCodeLabel();
  const titleId = `attempt-${attempt.id}`;
  const title = t('attempt', { number: attempt.number });
  return (
    <li>
      <article class="attempt" aria-labelledby={titleId}>
        <header class="attempt-head">
          <h3 id={titleId}>{title}</h3>
          <span class={attempt.succeeded ? 'badge ok' : 'badge bad'}>
            {attempt.succeeded ? t('succeeded') : t('failed')}
          </span>
        </header>
        <dl class="facts">
          <dt>{t('startedAt')}</dt>
          <dd>{dateTime(attempt.startedAt)}</dd>
          <dt>{t('duration')}</dt>
          <dd>{t('durationMs', { ms: attempt.durationMs })}</dd>
          <dt>{t('responseStatus')}</dt>
          <dd>{attempt.statusCode ?? t('noResponse')}</dd>
          {attempt.errorCode ? (
            <>
              <dt>{t('error')}</dt>
              <dd>
                {errorLabel(attempt.errorCode)} (<code>{attempt.errorCode}</code>)
                {attempt.errorMessage ? `: ${attempt.errorMessage}` : ''}
              </dd>
            </>
          ) : null}
        </dl>
        {attempt.requestHeaders || attempt.requestBody !== null ? (
          <details class="exchange">
            <summary>{t('requestSent')}</summary>
            {attempt.requestHeaders ? (
              <>
                <h4>{t('requestHeaders')}</h4>
                <Scrollable
                  label={`${t('requestHeaders')}, ${title}`}
                  text={headerLines(attempt.requestHeaders)}
                />
              </>
            ) : null}
            <Body
              heading={t('requestBody')}
              label={`${t('requestBody')}, ${title}`}
              body={attempt.requestBody}
              truncated={attempt.requestBodyTruncated}
            />
          </details>
        ) : null}
        {attempt.responseHeaders ? (
          <details class="exchange">
            <summary>{t('responseHeaders')}</summary>
            <Scrollable
              label={`${t('responseHeaders')}, ${title}`}
              text={headerLines(attempt.responseHeaders)}
            />
          </details>
        ) : null}
        <Body
          heading={t('responseBody')}
          label={`${t('responseBody')}, ${title}`}
          body={attempt.responseBody}
          truncated={attempt.responseBodyTruncated}
        />
      </article>
    </li>
  );
}

/** A request or response body, when one was kept: `(empty)` for an empty one, and whether it was cut. */
function Body(props: { heading: string; label: string; body: string | null; truncated: boolean }) {
  const t = useMessages(messages);
  if (props.body === null) return null;
  return (
    <>
      <h4>{props.heading}</h4>
      <Scrollable label={props.label} text={props.body === '' ? t('emptyBody') : props.body} />
      {props.truncated ? <p class="hint">{t('truncated')}</p> : null}
    </>
  );
}
