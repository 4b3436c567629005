/**
 * "Recover failed deliveries since …": after a receiver was down, queue again every failed and
 * cancelled delivery of one webhook created since a moment (`POST …/endpoints/{id}/recover`), each
 * with the whole retry schedule ahead of it. Opened from the Webhooks screen and from Deliveries
 * with a webhook chosen.
 */
import { useState } from 'preact/hooks';
import { ApiError } from '../api-client.ts';
import type { Endpoint } from '../api-types.ts';
import { Dialog } from '../components/dialog.tsx';
import { FormAlert, TextField, useFormErrors } from '../components/form.tsx';
import { isoOfLocalInput, localInputOfIso } from '../delivery-filters.ts';
import { defineMessages, useMessages } from '../i18n.ts';
import { common } from '../messages.ts';
import { useSession } from '../session.ts';

const messages = defineMessages(
  {
    title: 'Recover failed deliveries',
    intro:
      'Sends again every failed or cancelled delivery of this webhook created since the moment you choose, each with all its retries ahead of it. Use it after fixing a receiver that was down.',
    since: 'Since',
    sinceHint: 'Your local time.',
    recover: 'Recover',
    recovering: 'Recovering…',
    recovered: '{count} deliveries were queued again.',
    recoveredOne: '1 delivery was queued again.',
    recoveredNone: 'There were no failed or cancelled deliveries since then.',
    invalidSince: 'Enter a date and time.',
  },
  {
    title: 'Mislukte afleveringen herstellen',
    intro:
      'Verstuurt elke mislukte of geannuleerde aflevering van deze webhook sinds het gekozen moment opnieuw, elk met al zijn nieuwe pogingen. Gebruik dit nadat je een ontvanger hebt gerepareerd die onbereikbaar was.',
    since: 'Sinds',
    sinceHint: 'Je eigen tijd.',
    recover: 'Herstellen',
    recovering: 'Herstellen…',
    recovered: '{count} afleveringen staan opnieuw in de wachtrij.',
    recoveredOne: '1 aflevering staat opnieuw in de wachtrij.',
    recoveredNone: 'Er waren sindsdien geen mislukte of geannuleerde afleveringen.',
    invalidSince: 'Vul een datum en tijd in.',
  },
);

interface RecoverDialogProps {
  readonly accountId: string;
  readonly endpoint: Endpoint;
  readonly open: boolean;
  readonly onClose: () => void;
  /** Called after deliveries were queued again (a list on screen may show them). */
  readonly onRecovered?: (count: number) => void;
}

/** The recover dialog of one webhook. */
export function RecoverDialog({ accountId, endpoint, open, onClose, onRecovered }: RecoverDialogProps) {
  const t = useMessages(messages);
  const tc = useMessages(common);
  const { api } = useSession();
  // A day back is what a weekend outage or a bad deploy usually needs; the user changes it at will.
  const [since, setSince] = useState(() => localInputOfIso(new Date(Date.now() - 86_400_000).toISOString()));
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<number | null>(null);
  const { errors, clear, show } = useFormErrors();

  const close = () => {
    setResult(null);
    clear();
    onClose();
  };

  const submit = async (event: Event) => {
    event.preventDefault();
    clear();
    setResult(null);
    const iso = isoOfLocalInput(since);
    if (iso === '') {
      show(new ApiError({ status: 0, code: 'invalid_field', detail: t('invalidSince'), field: 'since' }));
      return;
    }
    setBusy(true);
    try {
      const answer = await api.post<{ recovered: number }>(
        `/v1/accounts/${encodeURIComponent(accountId)}/endpoints/${encodeURIComponent(endpoint.id)}/recover`,
        { since: iso },
      );
      setResult(answer.recovered);
      onRecovered?.(answer.recovered);
    } catch (failure) {
      show(failure, (field) => (field === 'since' || field === 'until' ? 'since' : undefined));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog title={t('title')} open={open} onClose={close}>
      <p>{t('intro')}</p>
      <p class="mono url-list">{endpoint.description || endpoint.urls.join(', ')}</p>
      <form onSubmit={submit} noValidate>
        <TextField
          id="recover-since"
          label={t('since')}
          type="datetime-local"
          value={since}
          onValue={setSince}
          hint={t('sinceHint')}
          error={errors.fields['since']}
        />
        <FormAlert message={errors.form} />
        {result !== null ? (
          <div class="notice success" role="status">
            {result === 0
              ? t('recoveredNone')
              : result === 1
                ? t('recoveredOne')
                : t('recovered', { count: result })}
          </div>
        ) : null}
        <div class="actions">
          <button type="submit" disabled={busy}>
            {busy ? t('recovering') : t('recover')}
          </button>
          <button type="button" class="secondary" onClick={close}>
            {tc('close')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
