/**
 * An account's API keys: each named, listed by prefix (only a hash of each is stored), created and
 * rolled with the new key shown once, and revoked. Rolling keeps the old key working for a grace
 * period, so the tool using it can switch without a failed request.
 */
import { useEffect, useState } from 'preact/hooks';
import { ApiError, type ListPage } from '../api-client.ts';
import type { ApiKey } from '../api-types.ts';
import { useCursorList } from '../components/cursor-list.ts';
import { ConfirmDialog, Dialog } from '../components/dialog.tsx';
import { FieldError, FormAlert, TextField, useFormErrors } from '../components/form.tsx';
import { Pager } from '../components/pager.tsx';
import { ShownOnceKey } from '../components/shown-once-key.tsx';
import { useFormat, useMessages } from '../i18n.ts';
import { common } from '../messages.ts';
import { useProblemMessage } from '../problem-message.ts';
import { useSession } from '../session.ts';
import { apiKeysMessages as messages } from './api-keys.messages.ts';

/** A new key as the API answers it: the only time the key itself is sent. */
type CreatedKey = ApiKey & { readonly key: string };

/** Keys on one page: an account has a handful, one page usually holds them all. */
const PAGE_SIZE = 20;

/** The grace periods offered when rolling, in seconds; a day is the API's default. */
const GRACE_PERIODS = [
  { seconds: 0, label: 'graceNow' },
  { seconds: 3_600, label: 'graceHour' },
  { seconds: 86_400, label: 'graceDay' },
  { seconds: 604_800, label: 'graceWeek' },
] as const;
const DEFAULT_GRACE_SECONDS = 86_400;

const keysPath = (accountId: string) => `/v1/accounts/${encodeURIComponent(accountId)}/api-keys`;

/** The API keys of one account (`/accounts/:accountId/api-keys`). */
export function ApiKeys({ accountId = '' }: { accountId?: string }) {
  const { api } = useSession();
  const t = useMessages(messages);
  const tc = useMessages(common);
  const { dateTime } = useFormat();
  const problem = useProblemMessage();
  const list = useCursorList<ApiKey>(
    (cursor) => api.get<ListPage<ApiKey>>(keysPath(accountId), { limit: PAGE_SIZE, cursor }),
    accountId,
  );
  const [notice, setNotice] = useState<string | null>(null);
  const [rolling, setRolling] = useState<ApiKey | null>(null);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);
  const [revokeBusy, setRevokeBusy] = useState(false);
  const [revokeError, setRevokeError] = useState<string | null>(null);

  const revoke = async () => {
    if (!revoking) return;
    setRevokeBusy(true);
    setRevokeError(null);
    try {
      await api.delete(`${keysPath(accountId)}/${encodeURIComponent(revoking.id)}`);
    } catch (error) {
      // Already gone (revoked in another tab, or expired after a roll): what the user wanted is true.
      if (!(error instanceof ApiError && error.status === 404)) {
        setRevokeError(problem(error));
        setRevokeBusy(false);
        return;
      }
    }
    setRevokeBusy(false);
    setRevoking(null);
    setNotice(t('revoked'));
    list.reload();
  };

  return (
    <>
      <h1>{t('title')}</h1>
      <p class="lead">{t('intro')}</p>
      <CreateKeyForm
        accountId={accountId}
        onCreated={() => {
          setNotice(null);
          list.reload();
        }}
      />
      <h2>{t('keys')}</h2>
      <div role="status">{notice ? <p class="notice success">{notice}</p> : null}</div>
      {list.error ? (
        <div class="form-alert" role="alert">
          {t('loadFailed', { detail: problem(list.error) })}{' '}
          <button type="button" class="link" onClick={list.reload}>
            {t('retry')}
          </button>
        </div>
      ) : list.loading && list.items.length === 0 ? (
        <p class="loading-inline" aria-busy="true">
          {tc('loading')}
        </p>
      ) : list.items.length === 0 ? (
        <p class="empty">{t('noKeys')}</p>
      ) : (
        <div class="table-wrap">
          <table class="stack-table" aria-busy={list.loading}>
            <caption class="visually-hidden">{t('keys')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('columnName')}</th>
                <th scope="col">{t('columnPrefix')}</th>
                <th scope="col">{t('columnCreated')}</th>
                <th scope="col">{t('columnLastUsed')}</th>
                <th scope="col">{t('columnExpires')}</th>
                <th scope="col">{t('columnActions')}</th>
              </tr>
            </thead>
            <tbody>
              {list.items.map((key) => (
                <tr key={key.id}>
                  <td data-label={t('columnName')} id={`key-${key.id}-name`}>
                    {key.name}
                  </td>
                  <td data-label={t('columnPrefix')}>
                    <code>{key.prefix}…</code>
                  </td>
                  <td data-label={t('columnCreated')}>{dateTime(key.createdAt)}</td>
                  <td data-label={t('columnLastUsed')}>
                    {key.lastUsedAt === null ? t('never') : dateTime(key.lastUsedAt)}
                  </td>
                  <td data-label={t('columnExpires')}>
                    {key.expiresAt === null ? (
                      t('noExpiry')
                    ) : (
                      <span class="badge wait">{dateTime(key.expiresAt)}</span>
                    )}
                  </td>
                  <td data-label={t('columnActions')}>
                    <div class="row-actions">
                      {/* A rolled key already has its replacement; the API refuses to roll it again. */}
                      {key.expiresAt === null ? (
                        <button
                          type="button"
                          class="secondary"
                          aria-describedby={`key-${key.id}-name`}
                          onClick={() => {
                            setNotice(null);
                            setRolling(key);
                          }}
                        >
                          {t('roll')}
                        </button>
                      ) : null}
                      <button
                        type="button"
                        class="secondary danger-text"
                        aria-describedby={`key-${key.id}-name`}
                        onClick={() => {
                          setNotice(null);
                          setRevokeError(null);
                          setRevoking(key);
                        }}
                      >
                        {t('revoke')}
                      </button>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager list={list} label={t('keyPages')} />
      <Dialog title={t('rollTitle')} open={rolling !== null} onClose={() => setRolling(null)}>
        {rolling ? (
          <RollKeyForm
            accountId={accountId}
            apiKey={rolling}
            onRolled={list.reload}
            onDone={() => setRolling(null)}
          />
        ) : null}
      </Dialog>
      <ConfirmDialog
        title={t('revokeTitle')}
        message={t('revokeMessage', { name: revoking?.name ?? '', prefix: revoking?.prefix ?? '' })}
        confirmLabel={t('revoke')}
        open={revoking !== null}
        busy={revokeBusy}
        error={revokeError}
        onConfirm={revoke}
        onCancel={() => setRevoking(null)}
      />
    </>
  );
}

/** A name and a button; the new key shows below it, once. */
function CreateKeyForm({ accountId, onCreated }: { accountId: string; onCreated: () => void }) {
  const { api } = useSession();
  const t = useMessages(messages);
  const [name, setName] = useState('');
  const [required, setRequired] = useState<string | undefined>();
  const [created, setCreated] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [failures, setFailures] = useState(0);
  const errors = useFormErrors();

  useEffect(() => {
    if (failures > 0) document.getElementById('key-name')?.focus();
  }, [failures]);

  const submit = async (event: Event) => {
    event.preventDefault();
    errors.clear();
    setCreated(null);
    if (name.trim() === '') {
      setRequired(t('nameRequired'));
      setFailures((n) => n + 1);
      return;
    }
    setRequired(undefined);
    setBusy(true);
    try {
      const answer = await api.post<CreatedKey>(keysPath(accountId), { name: name.trim() });
      setCreated(answer.key);
      setName('');
      onCreated();
    } catch (error) {
      errors.show(error, (field) => (field === 'name' ? 'key-name' : undefined));
      setFailures((n) => n + 1);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} noValidate>
      <fieldset>
        <legend>{t('createHeading')}</legend>
        <FormAlert message={errors.errors.form} />
        <TextField
          id="key-name"
          label={t('name')}
          hint={t('nameHint')}
          value={name}
          onValue={setName}
          error={required ?? errors.errors.fields['key-name']}
          placeholder="Zapier"
          required
        />
        <div class="actions">
          <button type="submit" disabled={busy}>
            {busy ? t('creating') : t('createApiKey')}
          </button>
        </div>
        {created === null ? null : (
          <ShownOnceKey id="created-api-key" label={t('apiKey')} value={created} note={t('shownOnce')} />
        )}
      </fieldset>
    </form>
  );
}

interface RollProps {
  readonly accountId: string;
  readonly apiKey: ApiKey;
  readonly onRolled: () => void;
  readonly onDone: () => void;
}

/** The roll dialog's content: the grace period, then the new key. */
function RollKeyForm({ accountId, apiKey, onRolled, onDone }: RollProps) {
  const { api } = useSession();
  const t = useMessages(messages);
  const tc = useMessages(common);
  const { dateTime } = useFormat();
  const [grace, setGrace] = useState(DEFAULT_GRACE_SECONDS);
  const [busy, setBusy] = useState(false);
  const [rolled, setRolled] = useState<{ key: string; oldKeyUntil: string | null } | null>(null);
  const errors = useFormErrors();

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    errors.clear();
    try {
      const answer = await api.post<CreatedKey>(
        `${keysPath(accountId)}/${encodeURIComponent(apiKey.id)}/roll`,
        {
          expiresInSeconds: grace,
        },
      );
      setRolled({
        key: answer.key,
        oldKeyUntil: grace === 0 ? null : new Date(Date.now() + grace * 1000).toISOString(),
      });
      onRolled();
    } catch (error) {
      errors.show(error, (field) => (field === 'expiresInSeconds' ? 'roll-grace' : undefined));
    } finally {
      setBusy(false);
    }
  };

  if (rolled) {
    return (
      <div>
        <ShownOnceKey id="rolled-api-key" label={t('apiKey')} value={rolled.key} note={t('shownOnce')} />
        <p>
          {rolled.oldKeyUntil === null
            ? t('rolledAtOnce')
            : t('rolledUntil', { time: dateTime(rolled.oldKeyUntil) })}
        </p>
        <div class="actions">
          <button type="button" onClick={onDone}>
            {t('done')}
          </button>
        </div>
      </div>
    );
  }

  const graceError = errors.errors.fields['roll-grace'];
  return (
    <form onSubmit={submit} noValidate>
      <p>{t('rollIntro', { name: apiKey.name })}</p>
      <FormAlert message={errors.errors.form} />
      <div class={graceError ? 'field has-error' : 'field'}>
        <label for="roll-grace">{t('gracePeriod')}</label>
        <p class="hint" id="roll-grace-hint">
          {t('gracePeriodHint')}
        </p>
        <select
          id="roll-grace"
          value={String(grace)}
          aria-describedby="roll-grace-hint"
          onChange={(event) => setGrace(Number(event.currentTarget.value))}
        >
          {GRACE_PERIODS.map((period) => (
            <option key={period.seconds} value={String(period.seconds)}>
              {t(period.label)}
            </option>
          ))}
        </select>
        <FieldError id="roll-grace" message={graceError} />
      </div>
      <div class="actions">
        <button type="submit" disabled={busy}>
          {busy ? t('rolling') : t('rollKey')}
        </button>
        <button type="button" class="secondary" onClick={onDone}>
          {tc('cancel')}
        </button>
      </div>
    </form>
  );
}
