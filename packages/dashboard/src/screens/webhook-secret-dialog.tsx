/**
 * A webhook's signing secret: hidden until asked for (`GET …/secret`), then shown with a copy button;
 * and its rotation (`POST …/secret/rotate`), after a confirmation, during which the previous secret
 * keeps signing beside the new one until the time shown.
 */
import { useState } from 'preact/hooks';
import type { Endpoint, EndpointSecret } from '../api-types.ts';
import { CopyButton } from '../components/copy-button.tsx';
import { ConfirmDialog, Dialog } from '../components/dialog.tsx';
import { FormAlert } from '../components/form.tsx';
import { defineMessages, useFormat, useMessages } from '../i18n.ts';
import { useProblemMessage } from '../problem-message.ts';
import { useSession } from '../session.ts';

const messages = defineMessages(
  {
    title: 'Signing secret',
    intro:
      'Your receiver checks the webhook-signature header of each request with this secret, to know the request came from us unchanged.',
    reveal: 'Reveal secret',
    revealing: 'Loading…',
    hide: 'Hide secret',
    secret: 'Signing secret',
    previousUntil:
      'The previous secret also signs requests until {time}, so your receiver can switch without missing any.',
    rotate: 'Rotate secret',
    rotateTitle: 'Rotate the signing secret?',
    rotateMessage:
      'A new secret is made now. The current one keeps signing beside it for a while (24 hours by default), so update your receiver before then.',
    rotateConfirm: 'Rotate',
    rotated: 'A new secret was made. Copy it into your receiver.',
  },
  {
    title: 'Ondertekeningsgeheim',
    intro:
      'Je ontvanger controleert met dit geheim de webhook-signature-header van elk verzoek, zodat hij weet dat het ongewijzigd van ons komt.',
    reveal: 'Geheim tonen',
    revealing: 'Laden…',
    hide: 'Geheim verbergen',
    secret: 'Ondertekeningsgeheim',
    previousUntil:
      'Het vorige geheim ondertekent verzoeken ook nog tot {time}, zodat je ontvanger kan overstappen zonder er een te missen.',
    rotate: 'Geheim vervangen',
    rotateTitle: 'Ondertekeningsgeheim vervangen?',
    rotateMessage:
      'Er wordt nu een nieuw geheim gemaakt. Het huidige blijft er een tijd naast ondertekenen (standaard 24 uur), dus werk je ontvanger voor die tijd bij.',
    rotateConfirm: 'Vervangen',
    rotated: 'Er is een nieuw geheim gemaakt. Kopieer het naar je ontvanger.',
  },
);

interface WebhookSecretDialogProps {
  readonly accountId: string;
  readonly endpoint: Endpoint;
  readonly open: boolean;
  readonly onClose: () => void;
}

/** The secret dialog of one webhook. */
export function WebhookSecretDialog({ accountId, endpoint, open, onClose }: WebhookSecretDialogProps) {
  const t = useMessages(messages);
  const { dateTime } = useFormat();
  const problem = useProblemMessage();
  const { api } = useSession();
  const [secret, setSecret] = useState<EndpointSecret | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [rotateError, setRotateError] = useState<string | null>(null);
  const [rotated, setRotated] = useState(false);
  const base = `/v1/accounts/${encodeURIComponent(accountId)}/endpoints/${encodeURIComponent(endpoint.id)}`;

  const close = () => {
    // The secret is hidden again the next time the dialog opens.
    setSecret(null);
    setError(null);
    setRotated(false);
    onClose();
  };

  const reveal = async () => {
    setBusy(true);
    setError(null);
    try {
      setSecret(await api.get<EndpointSecret>(`${base}/secret`));
    } catch (failure) {
      setError(problem(failure));
    } finally {
      setBusy(false);
    }
  };

  const rotate = async () => {
    setBusy(true);
    setRotateError(null);
    try {
      setSecret(await api.post<EndpointSecret>(`${base}/secret/rotate`, {}));
      setRotated(true);
      setConfirming(false);
    } catch (failure) {
      setRotateError(problem(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <Dialog title={t('title')} open={open} onClose={close}>
        <p>{t('intro')}</p>
        <p class="mono url-list">{endpoint.urls.join(', ')}</p>
        <FormAlert message={error} />
        {rotated ? (
          <div class="notice success" role="status">
            {t('rotated')}
          </div>
        ) : null}
        {secret ? (
          <div class="field">
            <label for="webhook-secret">{t('secret')}</label>
            <div class="key-row">
              <input
                id="webhook-secret"
                type="text"
                readOnly
                value={secret.secret}
                data-copy-source={t('secret')}
                autoComplete="off"
                spellcheck={false}
                onFocus={(event) => event.currentTarget.select()}
              />
              <CopyButton text={secret.secret} label={t('secret')} />
            </div>
            {secret.previousSecretExpiresAt ? (
              <p class="hint">{t('previousUntil', { time: dateTime(secret.previousSecretExpiresAt) })}</p>
            ) : null}
          </div>
        ) : null}
        <div class="actions">
          {secret ? (
            <button type="button" class="secondary" onClick={() => setSecret(null)}>
              {t('hide')}
            </button>
          ) : (
            <button type="button" disabled={busy} onClick={reveal}>
              {busy ? t('revealing') : t('reveal')}
            </button>
          )}
          <button
            type="button"
            class="secondary"
            onClick={() => {
              setRotateError(null);
              setConfirming(true);
            }}
          >
            {t('rotate')}
          </button>
        </div>
      </Dialog>
      <ConfirmDialog
        title={t('rotateTitle')}
        message={t('rotateMessage')}
        confirmLabel={t('rotateConfirm')}
        open={open && confirming}
        busy={busy}
        error={rotateError}
        onConfirm={rotate}
        onCancel={() => setConfirming(false)}
      />
    </>
  );
}
