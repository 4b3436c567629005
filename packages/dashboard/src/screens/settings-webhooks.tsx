/**
 * Settings > Webhooks, as Plug&Pay's merchants know it: the API key to copy, the orders webhook with
 * its two options, and the cancellations webhook, saved with one button. There is no such thing in
 * the API: the page is a view over two ordinary endpoints, found by the rule in
 * `settings-webhooks-model.ts`, so what a merchant sets here is what the API shows and the other way
 * round.
 */
import { useEffect, useState } from 'preact/hooks';
import { fetchAllEndpoints } from '../all-endpoints.ts';
import { ApiError, type ListPage } from '../api-client.ts';
import type { ApiKey, Endpoint } from '../api-types.ts';
import { Checkbox, FormAlert, TextField, useFormErrors } from '../components/form.tsx';
import { ShownOnceKey } from '../components/shown-once-key.tsx';
import { useMessages } from '../i18n.ts';
import { common } from '../messages.ts';
import { useProblemMessage } from '../problem-message.ts';
import { useSession } from '../session.ts';
import {
  CANCELLATIONS_DESCRIPTION,
  CANCELLATIONS_EVENT_TYPES,
  findCancellationsWebhook,
  findOrdersWebhook,
  ORDERS_DESCRIPTION,
  ORDERS_EVENT_TYPES,
  planWebhookChange,
  type WebhookChange,
  type WebhookState,
} from '../settings-webhooks-model.ts';
import { settingsWebhooksMessages as messages } from './settings-webhooks.messages.ts';

const accountPath = (accountId: string) => `/v1/accounts/${encodeURIComponent(accountId)}`;

/** Settings > Webhooks of one account (`/accounts/:accountId/settings/webhooks`). */
export function SettingsWebhooks({ accountId = '' }: { accountId?: string }) {
  const { whoami } = useSession();
  const t = useMessages(messages);
  // A session limited to some products manages only webhooks scoped within them; the general
  // webhooks of this page are beyond it, so it is sent to its own screen instead.
  if (whoami.kind === 'portal' && whoami.scope !== null) {
    return (
      <>
        <h1>{t('title')}</h1>
        <p class="notice">{t('scopedSession')}</p>
        <a href={`/accounts/${accountId}/connections`}>{t('openConnections')}</a>
      </>
    );
  }
  return (
    <>
      <h1>{t('title')}</h1>
      <p class="lead">{t('intro')}</p>
      <ApiKeySection accountId={accountId} />
      <WebhooksForm accountId={accountId} />
    </>
  );
}

/**
 * The API key: keys are stored hashed, so the page lists their prefixes and makes a new key to copy,
 * shown once. Hidden when the session may not manage keys.
 */
function ApiKeySection({ accountId }: { accountId: string }) {
  const { api } = useSession();
  const t = useMessages(messages);
  const problem = useProblemMessage();
  const [keys, setKeys] = useState<ApiKey[] | undefined>();
  const [forbidden, setForbidden] = useState(false);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [created, setCreated] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const errors = useFormErrors();

  useEffect(() => {
    let live = true;
    api.get<ListPage<ApiKey>>(`${accountPath(accountId)}/api-keys`, { limit: 100 }).then(
      (page) => live && setKeys(page.data),
      (error: unknown) => {
        if (!live) return;
        if (error instanceof ApiError && error.status === 403) setForbidden(true);
        else setLoadError(problem(error));
      },
    );
    return () => {
      live = false;
    };
  }, [api, accountId]);

  if (forbidden) return null;

  const create = async () => {
    setBusy(true);
    errors.clear();
    try {
      const name = t('newKeyName', { date: new Date().toISOString().slice(0, 16).replace('T', ' ') });
      const answer = await api.post<ApiKey & { key: string }>(`${accountPath(accountId)}/api-keys`, { name });
      const { key, ...listed } = answer;
      setCreated(key);
      setKeys((list) => [...(list ?? []), listed]);
    } catch (error) {
      if (error instanceof ApiError && error.status === 403) setForbidden(true);
      else errors.show(error, () => undefined);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="panel">
      <h2>{t('apiKey')}</h2>
      <p>{t('apiKeyIntro')}</p>
      <FormAlert message={loadError ?? errors.errors.form} />
      {keys === undefined ? null : keys.length === 0 ? (
        <p class="empty">{t('noKeys')}</p>
      ) : (
        <ul class="key-prefixes" aria-label={t('existingKeys')}>
          {keys.map((key) => (
            <li key={key.id}>
              <code>{key.prefix}…</code> <span>{key.name}</span>
            </li>
          ))}
        </ul>
      )}
      {created === null ? null : (
        <ShownOnceKey id="new-api-key" label={t('apiKey')} value={created} note={t('newKeyNote')} />
      )}
      <div class="actions">
        <button type="button" class="secondary" disabled={busy} onClick={create}>
          {busy ? t('creatingApiKey') : t('createApiKey')}
        </button>
        <a href={`/accounts/${accountId}/api-keys`}>{t('manageApiKeys')}</a>
      </div>
    </section>
  );
}

/** The two webhooks the page shows, as found among the endpoints (`undefined`: none yet). */
interface Current {
  readonly orders: WebhookState | undefined;
  readonly cancellations: WebhookState | undefined;
}

function ordersStateOf(endpoint: Endpoint | undefined): WebhookState | undefined {
  if (!endpoint) return undefined;
  return {
    id: endpoint.id,
    url: endpoint.url,
    enabled: endpoint.enabled,
    options: { includeRecurring: endpoint.includeRecurring, perOrderLine: endpoint.perOrderLine },
  };
}

function cancellationsStateOf(endpoint: Endpoint | undefined): WebhookState | undefined {
  return endpoint
    ? { id: endpoint.id, url: endpoint.url, enabled: endpoint.enabled, options: {} }
    : undefined;
}

/** An API field of one webhook mapped to the input that shows it (the URL, or one of its options). */
function fieldsOf(prefix: 'orders' | 'cancellations') {
  return (apiField: string): string | undefined => {
    const name = apiField.replace(/[[.].*$/, '');
    // `enabled` is refused when switching a webhook on again would pass the URL limit: the URL is why.
    if (name === 'url' || name === 'urls' || name === 'enabled') return `${prefix}-url`;
    if (prefix === 'orders' && name === 'includeRecurring') return 'orders-include-recurring';
    if (prefix === 'orders' && name === 'perOrderLine') return 'orders-per-order-line';
    return undefined;
  };
}

/** The Orders and Cancellations fieldsets, saved together. */
function WebhooksForm({ accountId }: { accountId: string }) {
  const { api } = useSession();
  const t = useMessages(messages);
  const tc = useMessages(common);
  const problem = useProblemMessage();
  const [current, setCurrent] = useState<Current | undefined>();
  const [loadError, setLoadError] = useState<string | null>(null);
  const [reloads, setReloads] = useState(0);
  const [ordersUrl, setOrdersUrl] = useState('');
  const [includeRecurring, setIncludeRecurring] = useState(false);
  const [perOrderLine, setPerOrderLine] = useState(false);
  const [cancellationsUrl, setCancellationsUrl] = useState('');
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(false);
  const [failedSaves, setFailedSaves] = useState(0);
  const ordersErrors = useFormErrors();
  const cancellationsErrors = useFormErrors();

  useEffect(() => {
    let live = true;
    setLoadError(null);
    fetchAllEndpoints(api, accountId).then(
      (endpoints) => {
        if (!live) return;
        const orders = findOrdersWebhook(endpoints);
        const cancellations = findCancellationsWebhook(endpoints);
        setCurrent({ orders: ordersStateOf(orders), cancellations: cancellationsStateOf(cancellations) });
        setOrdersUrl(orders?.url ?? '');
        setIncludeRecurring(orders?.includeRecurring ?? false);
        setPerOrderLine(orders?.perOrderLine ?? false);
        setCancellationsUrl(cancellations?.url ?? '');
      },
      (error: unknown) => live && setLoadError(problem(error)),
    );
    return () => {
      live = false;
    };
  }, [api, accountId, reloads]);

  // After a refused save, focus goes to the first field the API named, so its message is read out
  // and the fix is one keystroke away.
  useEffect(() => {
    if (failedSaves === 0) return;
    document.querySelector<HTMLElement>('#settings-webhooks [aria-invalid="true"]')?.focus();
  }, [failedSaves]);

  if (current === undefined) {
    return loadError ? (
      <div class="form-alert" role="alert">
        {t('loadFailed', { detail: loadError })}{' '}
        <button type="button" class="link" onClick={() => setReloads((n) => n + 1)}>
          {t('retry')}
        </button>
      </div>
    ) : (
      <p class="loading-inline" aria-busy="true">
        {tc('loading')}
      </p>
    );
  }

  /** Sends one change; resolves with the webhook as it now is. */
  const apply = async (
    change: WebhookChange,
    before: WebhookState | undefined,
    stateOf: typeof ordersStateOf,
  ) => {
    const base = `${accountPath(accountId)}/endpoints`;
    switch (change.kind) {
      case 'none':
        return before;
      case 'create':
        return stateOf(await api.post<Endpoint>(base, change.body));
      case 'update':
        return stateOf(await api.patch<Endpoint>(`${base}/${encodeURIComponent(change.id)}`, change.body));
      case 'delete':
        try {
          await api.delete(`${base}/${encodeURIComponent(change.id)}`);
        } catch (error) {
          // Deleted meanwhile (in another tab, through the API): what the user wanted is true.
          if (!(error instanceof ApiError && error.status === 404)) throw error;
        }
        return undefined;
    }
  };

  const save = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setSaved(false);
    ordersErrors.clear();
    cancellationsErrors.clear();
    const jobs = [
      {
        which: 'orders' as const,
        change: planWebhookChange(
          current.orders,
          ordersUrl,
          { includeRecurring, perOrderLine },
          { eventTypes: ORDERS_EVENT_TYPES, description: ORDERS_DESCRIPTION },
        ),
        errors: ordersErrors,
        stateOf: ordersStateOf,
        setUrl: setOrdersUrl,
      },
      {
        which: 'cancellations' as const,
        change: planWebhookChange(
          current.cancellations,
          cancellationsUrl,
          {},
          { eventTypes: CANCELLATIONS_EVENT_TYPES, description: CANCELLATIONS_DESCRIPTION },
        ),
        errors: cancellationsErrors,
        stateOf: cancellationsStateOf,
        setUrl: setCancellationsUrl,
      },
    ];
    // Deletes go first: a removed URL stops counting towards the account's URL limit, which may be
    // what lets the other webhook's new URL in.
    jobs.sort((a, b) => Number(b.change.kind === 'delete') - Number(a.change.kind === 'delete'));
    let failed = false;
    // One after the other, not at once: two new URLs at the limit should fail for the second only.
    for (const job of jobs) {
      try {
        const after = await apply(job.change, current[job.which], job.stateOf);
        setCurrent((now) => (now ? { ...now, [job.which]: after } : now));
        // The API writes URLs its own way (spaces trimmed); the field shows what is stored.
        if (job.change.kind !== 'none') job.setUrl(after?.url ?? '');
      } catch (error) {
        failed = true;
        job.errors.show(error, fieldsOf(job.which));
      }
    }
    setBusy(false);
    if (failed) setFailedSaves((n) => n + 1);
    else setSaved(true);
  };

  const edited =
    <T,>(set: (value: T) => void) =>
    (value: T) => {
      set(value);
      setSaved(false);
    };

  const formAlerts = [ordersErrors.errors.form, cancellationsErrors.errors.form].filter((m) => m !== null);
  return (
    <form id="settings-webhooks" onSubmit={save} noValidate>
      {formAlerts.map((message) => (
        <FormAlert key={message} message={message} />
      ))}
      <fieldset>
        <legend>{t('orders')}</legend>
        {current.orders && !current.orders.enabled ? <p class="notice warn">{t('switchedOff')}</p> : null}
        <TextField
          id="orders-url"
          label={t('webhookUrl')}
          type="url"
          inputMode="url"
          value={ordersUrl}
          onValue={edited(setOrdersUrl)}
          hint={t('ordersUrlHint')}
          placeholder="https://"
          error={ordersErrors.errors.fields['orders-url']}
        />
        <Checkbox
          id="orders-include-recurring"
          label={t('includeRecurring')}
          hint={t('includeRecurringHint')}
          checked={includeRecurring}
          onChecked={edited(setIncludeRecurring)}
          error={ordersErrors.errors.fields['orders-include-recurring']}
        />
        <Checkbox
          id="orders-per-order-line"
          label={t('perOrderLine')}
          hint={t('perOrderLineHint')}
          checked={perOrderLine}
          onChecked={edited(setPerOrderLine)}
          error={ordersErrors.errors.fields['orders-per-order-line']}
        />
      </fieldset>
      <fieldset>
        <legend>{t('cancellations')}</legend>
        {current.cancellations && !current.cancellations.enabled ? (
          <p class="notice warn">{t('switchedOff')}</p>
        ) : null}
        <TextField
          id="cancellations-url"
          label={t('webhookUrl')}
          type="url"
          inputMode="url"
          value={cancellationsUrl}
          onValue={edited(setCancellationsUrl)}
          hint={t('cancellationsUrlHint')}
          placeholder="https://"
          error={cancellationsErrors.errors.fields['cancellations-url']}
        />
      </fieldset>
      {/* The live region is there from the start, so the notice put into it is announced. */}
      <div role="status">{saved ? <p class="notice success">{t('saved')}</p> : null}</div>
      <div class="actions">
        <button type="submit" disabled={busy}>
          {busy ? tc('saving') : tc('save')}
        </button>
      </div>
    </form>
  );
}
