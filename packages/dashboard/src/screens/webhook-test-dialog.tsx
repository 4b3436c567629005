/**
 * "Send test event": sends a `hookline.test` event to one webhook (`POST …/endpoints/{id}/test`, one
 * delivery per URL) and follows each delivery until it is final, so the merchant sees at once whether
 * the receiver answered, with a link to the delivery's attempts.
 */
import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../api-client.ts';
import type { Delivery, Endpoint, TestSent } from '../api-types.ts';
import { DeliveryStatusBadge, isFinal } from '../components/delivery-status.tsx';
import { Dialog } from '../components/dialog.tsx';
import { FormAlert } from '../components/form.tsx';
import { defineMessages, useMessages } from '../i18n.ts';
import { useProblemMessage } from '../problem-message.ts';
import { useSession } from '../session.ts';

const messages = defineMessages(
  {
    title: 'Test event',
    sending: 'Sending a test event…',
    sent: 'Test event {eventId} sent. The result of each URL:',
    waiting: 'Waiting for the receiver…',
    answered: 'Answered {status}',
    errorCode: 'No answer: {code}',
    stillTrying: 'Not delivered yet; it is retried by the schedule.',
    viewDelivery: 'View delivery',
    viewDeliveryOf: 'View delivery to {url}',
    disabled: 'This webhook is disabled. Enable it before sending a test event.',
  },
  {
    title: 'Testgebeurtenis',
    sending: 'Testgebeurtenis wordt verstuurd…',
    sent: 'Testgebeurtenis {eventId} verstuurd. Het resultaat per URL:',
    waiting: 'Wachten op de ontvanger…',
    answered: 'Antwoord {status}',
    errorCode: 'Geen antwoord: {code}',
    stillTrying: 'Nog niet afgeleverd; het wordt opnieuw geprobeerd volgens het schema.',
    viewDelivery: 'Aflevering bekijken',
    viewDeliveryOf: 'Aflevering naar {url} bekijken',
    disabled: 'Deze webhook staat uit. Zet hem aan voordat je een testgebeurtenis verstuurt.',
  },
);

/** How long the dialog follows the deliveries; after that the delivery page tells the rest. */
const FOLLOW_MS = 15_000;
const POLL_MS = 400;

interface WebhookTestDialogProps {
  readonly accountId: string;
  readonly endpoint: Endpoint;
  readonly open: boolean;
  readonly onClose: () => void;
}

/** Sends a test event when opened and shows how each delivery went. */
export function WebhookTestDialog({ accountId, endpoint, open, onClose }: WebhookTestDialogProps) {
  const t = useMessages(messages);
  const problem = useProblemMessage();
  const { api } = useSession();
  const [sent, setSent] = useState<TestSent | null>(null);
  const [deliveries, setDeliveries] = useState<Record<string, Delivery>>({});
  const [error, setError] = useState<string | null>(null);
  const account = `/v1/accounts/${encodeURIComponent(accountId)}`;

  // One test event per opening of the dialog.
  useEffect(() => {
    if (!open) return;
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    setSent(null);
    setDeliveries({});
    setError(null);
    const follow = async (ids: string[], until: number) => {
      const found = await Promise.all(
        ids.map((id) =>
          api.get<Delivery>(`${account}/deliveries/${encodeURIComponent(id)}`).catch(() => null),
        ),
      );
      if (!live) return;
      setDeliveries((known) => {
        const next = { ...known };
        for (const delivery of found) if (delivery) next[delivery.id] = delivery;
        return next;
      });
      const open = found.filter((delivery) => !delivery || !isFinal(delivery.status));
      if (open.length > 0 && Date.now() < until) timer = setTimeout(() => void follow(ids, until), POLL_MS);
    };
    api
      .post<TestSent>(`${account}/endpoints/${encodeURIComponent(endpoint.id)}/test`, {})
      .then((answer) => {
        if (!live) return;
        setSent(answer);
        void follow(answer.deliveries, Date.now() + FOLLOW_MS);
      })
      .catch((failure: unknown) => {
        if (!live) return;
        setError(
          failure instanceof ApiError && failure.code === 'endpoint_disabled'
            ? t('disabled')
            : problem(failure),
        );
      });
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [open]);

  return (
    <Dialog title={t('title')} open={open} onClose={onClose}>
      <FormAlert message={error} />
      {sent === null && error === null ? (
        <p role="status" aria-busy="true">
          {t('sending')}
        </p>
      ) : null}
      {sent ? (
        <div role="status">
          <p>{t('sent', { eventId: sent.eventId })}</p>
          <ul class="test-results">
            {sent.deliveries.map((id) => {
              const delivery = deliveries[id];
              return (
                <li key={id}>
                  <span class="mono url">{delivery?.url ?? '…'}</span>
                  <span class="test-outcome">
                    {delivery ? <DeliveryStatusBadge status={delivery.status} /> : null}{' '}
                    {outcomeText(delivery, t)}
                  </span>
                  <a
                    href={`/accounts/${encodeURIComponent(accountId)}/deliveries/${encodeURIComponent(id)}`}
                    aria-label={delivery ? t('viewDeliveryOf', { url: delivery.url }) : undefined}
                  >
                    {t('viewDelivery')}
                  </a>
                </li>
              );
            })}
          </ul>
        </div>
      ) : null}
    </Dialog>
  );
}

type Translate = ReturnType<typeof useMessages<keyof typeof messages.en>>;

/** What a delivery's last attempt said, in words. */
function outcomeText(delivery: Delivery | undefined, t: Translate): string {
  if (!delivery || delivery.attemptCount === 0) return t('waiting');
  if (delivery.lastStatusCode !== null) {
    const answered = t('answered', { status: delivery.lastStatusCode });
    return isFinal(delivery.status) ? answered : `${answered}. ${t('stillTrying')}`;
  }
  if (delivery.lastErrorCode !== null) return t('errorCode', { code: delivery.lastErrorCode });
  return t('waiting');
}
