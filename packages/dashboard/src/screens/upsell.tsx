/**
 * An upsell's Advanced tab (Geavanceerd): one Webhook URL that fires when that one-click upsell is
 * paid. The platform opens it as a portal session scoped to the upsell, so the upsell is known; the
 * operator or the account's own key first says which upsell. Behind the field is an ordinary
 * endpoint scoped to the upsell, found by the rule in `upsell-model.ts`.
 */
import { useEffect, useState } from 'preact/hooks';
import { fetchAllEndpoints } from '../all-endpoints.ts';
import { ApiError } from '../api-client.ts';
import type { Endpoint } from '../api-types.ts';
import { FieldError, FormAlert, TextField, useFormErrors } from '../components/form.tsx';
import { useMessages } from '../i18n.ts';
import { common } from '../messages.ts';
import { useProblemMessage } from '../problem-message.ts';
import { useSession } from '../session.ts';
import { planWebhookChange, type WebhookState } from '../settings-webhooks-model.ts';
import { findUpsellWebhook, UPSELL_EVENT_TYPES, upsellDescription } from '../upsell-model.ts';
import { upsellMessages as messages } from './upsell.messages.ts';

function stateOf(endpoint: Endpoint | undefined): WebhookState | undefined {
  return endpoint
    ? { id: endpoint.id, url: endpoint.url, enabled: endpoint.enabled, options: {} }
    : undefined;
}

/** The Advanced tab of an upsell (`/accounts/:accountId/upsell`). */
export function UpsellAdvanced({ accountId = '' }: { accountId?: string }) {
  const { api, whoami } = useSession();
  const t = useMessages(messages);
  const tc = useMessages(common);
  const problem = useProblemMessage();
  // A session opened for upsells names them; with exactly one there is nothing to choose.
  const sessionUpsells = whoami.kind === 'portal' && whoami.scope ? whoami.scope.upsellIds : [];
  const fixedUpsell = sessionUpsells.length === 1 ? sessionUpsells[0] : undefined;

  const [typedId, setTypedId] = useState(sessionUpsells[0] ?? '');
  const [idError, setIdError] = useState<string | undefined>();
  const [upsellId, setUpsellId] = useState<string | undefined>(fixedUpsell);
  const [current, setCurrent] = useState<WebhookState | undefined | 'loading'>('loading');
  const [loadError, setLoadError] = useState<string | null>(null);
  const [reloads, setReloads] = useState(0);
  const [url, setUrl] = useState('');
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [failures, setFailures] = useState(0);
  const errors = useFormErrors();

  useEffect(() => {
    if (upsellId === undefined) return;
    let live = true;
    setCurrent('loading');
    setLoadError(null);
    fetchAllEndpoints(api, accountId).then(
      (endpoints) => {
        if (!live) return;
        const webhook = findUpsellWebhook(endpoints, upsellId);
        setCurrent(stateOf(webhook));
        setUrl(webhook?.url ?? '');
      },
      (error: unknown) => live && setLoadError(problem(error)),
    );
    return () => {
      live = false;
    };
  }, [api, accountId, upsellId, reloads]);

  useEffect(() => {
    if (failures === 0) return;
    document.querySelector<HTMLElement>('#content [aria-invalid="true"]')?.focus();
  }, [failures]);

  const open = (event: Event) => {
    event.preventDefault();
    const id = typedId.trim();
    setNotice(null);
    errors.clear();
    if (id === '') {
      setIdError(t('upsellIdRequired'));
      setFailures((n) => n + 1);
      return;
    }
    setIdError(undefined);
    setUpsellId(id);
  };

  const save = async (event: Event) => {
    event.preventDefault();
    if (upsellId === undefined || current === 'loading') return;
    setBusy(true);
    setNotice(null);
    setIdError(undefined);
    errors.clear();
    const change = planWebhookChange(
      current,
      url,
      {},
      { eventTypes: UPSELL_EVENT_TYPES, upsellIds: [upsellId], description: upsellDescription(upsellId) },
    );
    const base = `/v1/accounts/${encodeURIComponent(accountId)}/endpoints`;
    try {
      let after: WebhookState | undefined = current;
      if (change.kind === 'create') after = stateOf(await api.post<Endpoint>(base, change.body));
      if (change.kind === 'update') {
        after = stateOf(await api.patch<Endpoint>(`${base}/${encodeURIComponent(change.id)}`, change.body));
      }
      if (change.kind === 'delete') {
        try {
          await api.delete(`${base}/${encodeURIComponent(change.id)}`);
        } catch (error) {
          // Deleted meanwhile: what the merchant wanted is true.
          if (!(error instanceof ApiError && error.status === 404)) throw error;
        }
        after = undefined;
      }
      setCurrent(after);
      setUrl(after?.url ?? '');
      setNotice(change.kind === 'delete' ? t('removed') : t('saved'));
    } catch (error) {
      if (error instanceof ApiError && error.field?.startsWith('upsellIds') && fixedUpsell === undefined) {
        // The upsell is outside what this session manages: the id is at fault, beside its field.
        setIdError(problem(error));
      } else {
        errors.show(error, (apiField) => {
          const name = apiField.replace(/[[.].*$/, '');
          if (name === 'url' || name === 'urls' || name === 'enabled') return 'upsell-url';
          return undefined;
        });
      }
      setFailures((n) => n + 1);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <h1>{t('title')}</h1>
      <p class="lead">{t('intro')}</p>
      {fixedUpsell === undefined ? (
        <form class="choose-upsell" onSubmit={open} noValidate>
          <fieldset>
            <legend>{t('chooseUpsell')}</legend>
            {sessionUpsells.length > 1 ? (
              <div class={idError ? 'field has-error' : 'field'}>
                <label for="upsell-id">{t('upsellId')}</label>
                <select id="upsell-id" value={typedId} onChange={(e) => setTypedId(e.currentTarget.value)}>
                  {sessionUpsells.map((id) => (
                    <option key={id} value={id}>
                      {id}
                    </option>
                  ))}
                </select>
                <FieldError id="upsell-id" message={idError} />
              </div>
            ) : (
              <TextField
                id="upsell-id"
                label={t('upsellId')}
                hint={t('upsellIdHint')}
                value={typedId}
                onValue={setTypedId}
                error={idError}
                placeholder="ups_8Mc5Qz1TnG"
                required
              />
            )}
            <div class="actions">
              <button type="submit" class="secondary">
                {t('open')}
              </button>
            </div>
          </fieldset>
        </form>
      ) : null}
      {upsellId === undefined ? null : (
        <section class="tab-panel">
          <div class="tab-strip">
            <h2>{t('advanced')}</h2>
          </div>
          <p class="hint">{t('upsellOnShow', { id: upsellId })}</p>
          {loadError ? (
            <div class="form-alert" role="alert">
              {t('loadFailed', { detail: loadError })}{' '}
              <button type="button" class="link" onClick={() => setReloads((n) => n + 1)}>
                {t('retry')}
              </button>
            </div>
          ) : current === 'loading' ? (
            <p class="loading-inline" aria-busy="true">
              {tc('loading')}
            </p>
          ) : (
            <form onSubmit={save} noValidate>
              <FormAlert message={errors.errors.form} />
              <fieldset>
                <legend>{t('webhook')}</legend>
                {current && !current.enabled ? <p class="notice warn">{t('switchedOff')}</p> : null}
                <TextField
                  id="upsell-url"
                  label={t('webhookUrl')}
                  type="url"
                  inputMode="url"
                  placeholder="https://"
                  value={url}
                  onValue={(value) => {
                    setUrl(value);
                    setNotice(null);
                  }}
                  hint={t('webhookUrlHint')}
                  error={errors.errors.fields['upsell-url']}
                />
              </fieldset>
              <div role="status">{notice ? <p class="notice success">{notice}</p> : null}</div>
              <div class="actions">
                <button type="submit" disabled={busy}>
                  {busy ? tc('saving') : tc('save')}
                </button>
              </div>
            </form>
          )}
        </section>
      )}
    </>
  );
}
