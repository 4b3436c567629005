/**
 * Webhooks at `/accounts/:accountId/webhooks`: the account's endpoints (InPlayer's "Webhooks",
 * Plug&Paid's "Settings > Webhooks", PayGate's URLs per trigger) with what each receives, whether it
 * is on and how its deliveries went in the last 24 hours; adding, editing, switching on and off,
 * deleting, the signing secret, a test event and recovering failed deliveries. Above the list, how
 * many of the account's receiving URLs are in use (InPlayer's limit of 10).
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ListPage } from '../api-client.ts';
import type { Account, Endpoint, EndpointStats, EndpointStatsList } from '../api-types.ts';
import { useCursorList } from '../components/cursor-list.ts';
import { ConfirmDialog, Dialog } from '../components/dialog.tsx';
import { Pager } from '../components/pager.tsx';
import { defineMessages, useFormat, useMessages } from '../i18n.ts';
import { common } from '../messages.ts';
import { useProblemMessage } from '../problem-message.ts';
import { useSession } from '../session.ts';
import { RecoverDialog } from './recover-dialog.tsx';
import { webhookFormMessages } from './webhook-form.messages.ts';
import { WebhookForm } from './webhook-form.tsx';
import { WebhookSecretDialog } from './webhook-secret-dialog.tsx';
import { WebhookTestDialog } from './webhook-test-dialog.tsx';

const messages = defineMessages(
  {
    title: 'Webhooks',
    intro: 'Each webhook sends the events it subscribes to, as they happen, to one or more URLs of yours.',
    usage: '{active} of {max} URLs receiving',
    usageHint: 'Any number of webhooks, but at most {max} different URLs receiving at the same time.',
    usageMax: 'At most {max} URLs may receive at the same time.',
    add: 'Add webhook',
    empty: 'There are no webhooks yet. Add one to receive events at your URL.',
    loadFailed: 'The webhooks could not be loaded: {detail}',
    retry: 'Try again',
    pages: 'Pages of webhooks',
    urls: 'URLs',
    url: 'URL',
    events: 'Events',
    allEvents: 'All events',
    status: 'Status',
    enabled: 'Enabled',
    disabled: 'Disabled',
    disabledGone: 'Switched off because the receiver answered 410 Gone.',
    disabledByUser: 'Switched off by hand.',
    disabledOther: 'Switched off: {reason}.',
    plugs: 'Plugs',
    data: 'Data',
    dataAll: 'All',
    format: 'Format',
    formatJson: 'JSON',
    formatForm: 'Form',
    successRate: 'Success, last 24 h',
    rate: '{rate} ({succeeded} of {attempts} attempts)',
    noRate: '–',
    noRateLabel: 'No figures',
    edit: 'Edit',
    enable: 'Enable',
    disable: 'Disable',
    secret: 'Signing secret',
    sendTest: 'Send test event',
    recover: 'Recover failed deliveries',
    deliveries: 'Deliveries',
    delete: 'Delete',
    deleteTitle: 'Delete this webhook?',
    deleteMessage: '“{name}” stops receiving events at once. This cannot be undone.',
    deleteConfirm: 'Delete webhook',
    deleted: 'The webhook “{name}” was deleted.',
    saved: 'The webhook “{name}” was saved.',
    added: 'The webhook “{name}” was added.',
    switchedOn: 'The webhook “{name}” is enabled.',
    switchedOff: 'The webhook “{name}” is disabled: it receives nothing until you enable it.',
  },
  {
    title: 'Webhooks',
    intro:
      "Elke webhook stuurt de gebeurtenissen waarop hij geabonneerd is direct door naar een of meer URL's van jou.",
    usage: "{active} van {max} URL's ontvangen",
    usageHint:
      "Zoveel webhooks als je wilt, maar hoogstens {max} verschillende URL's die tegelijk ontvangen.",
    usageMax: "Hoogstens {max} URL's mogen tegelijk ontvangen.",
    add: 'Webhook toevoegen',
    empty: 'Er zijn nog geen webhooks. Voeg er een toe om gebeurtenissen op je URL te ontvangen.',
    loadFailed: 'De webhooks konden niet worden geladen: {detail}',
    retry: 'Opnieuw proberen',
    pages: "Pagina's met webhooks",
    urls: "URL's",
    url: 'URL',
    events: 'Gebeurtenissen',
    allEvents: 'Alle gebeurtenissen',
    status: 'Status',
    enabled: 'Aan',
    disabled: 'Uit',
    disabledGone: 'Uitgezet omdat de ontvanger 410 Gone antwoordde.',
    disabledByUser: 'Met de hand uitgezet.',
    disabledOther: 'Uitgezet: {reason}.',
    plugs: 'Plugs',
    data: 'Gegevens',
    dataAll: 'Alle',
    format: 'Formaat',
    formatJson: 'JSON',
    formatForm: 'Formulier',
    successRate: 'Geslaagd, laatste 24 uur',
    rate: '{rate} ({succeeded} van {attempts} pogingen)',
    noRate: '–',
    noRateLabel: 'Geen cijfers',
    edit: 'Bewerken',
    enable: 'Aanzetten',
    disable: 'Uitzetten',
    secret: 'Ondertekeningsgeheim',
    sendTest: 'Testgebeurtenis versturen',
    recover: 'Mislukte afleveringen herstellen',
    deliveries: 'Afleveringen',
    delete: 'Verwijderen',
    deleteTitle: 'Deze webhook verwijderen?',
    deleteMessage:
      '“{name}” ontvangt vanaf nu geen gebeurtenissen meer. Dit kan niet ongedaan worden gemaakt.',
    deleteConfirm: 'Webhook verwijderen',
    deleted: 'De webhook “{name}” is verwijderd.',
    saved: 'De webhook “{name}” is opgeslagen.',
    added: 'De webhook “{name}” is toegevoegd.',
    switchedOn: 'De webhook “{name}” staat aan.',
    switchedOff: 'De webhook “{name}” staat uit: hij ontvangt niets tot je hem aanzet.',
  },
);

/** Webhooks per page: a merchant has a handful, an integration platform's account a few dozen. */
const PAGE_SIZE = 20;

/** The dialogs the screen opens; all but `add` are about one webhook. */
type DialogKind = 'add' | 'edit' | 'secret' | 'test' | 'recover' | 'delete';

/** What a person calls a webhook: its name, or its first URL when it has none. */
export const webhookName = (endpoint: Endpoint): string =>
  endpoint.description || endpoint.urls[0] || endpoint.id;

/** The Webhooks screen of an account. */
export function Webhooks({ accountId = '' }: { accountId?: string }) {
  const t = useMessages(messages);
  const tf = useMessages(webhookFormMessages);
  const tc = useMessages(common);
  const problem = useProblemMessage();
  const { api } = useSession();
  const base = `/v1/accounts/${encodeURIComponent(accountId)}`;

  const list = useCursorList<Endpoint>(
    (cursor) => api.get<ListPage<Endpoint>>(`${base}/endpoints`, { limit: PAGE_SIZE, cursor }),
    accountId,
  );
  const [account, setAccount] = useState<Account | null>(null);
  // `null` while loading or when the figures could not be read: every rate then shows "–".
  const [stats, setStats] = useState<ReadonlyMap<string, EndpointStats> | null>(null);
  const [figures, setFigures] = useState(0);
  const refresh = () => {
    list.reload();
    setFigures((n) => n + 1);
  };

  // `figures` changing asks again after a change.
  useEffect(() => {
    let live = true;
    api.get<Account>(base).then(
      (answer) => live && setAccount(answer),
      () => live && setAccount(null),
    );
    api.get<EndpointStatsList>(`${base}/endpoint-stats`).then(
      (answer) => live && setStats(new Map(answer.data.map((row) => [row.endpointId, row]))),
      // The figures are a help, not the point of the screen: without them the rates show "–".
      () => live && setStats(null),
    );
    return () => {
      live = false;
    };
  }, [api, base, figures]);

  const [dialog, setDialog] = useState<DialogKind | null>(null);
  // The webhook the last dialog was about stays set after it closes, so the dialog can close (and
  // give focus back to the button that opened it) instead of disappearing.
  const [target, setTarget] = useState<Endpoint | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [rowErrors, setRowErrors] = useState<Readonly<Record<string, string>>>({});
  const [busy, setBusy] = useState<string | null>(null);
  const [deleteError, setDeleteError] = useState<string | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);

  const open = (kind: DialogKind, endpoint: Endpoint | null) => {
    setNotice(null);
    setTarget(endpoint);
    setDeleteError(null);
    setDialog(kind);
  };
  const closeDialog = () => setDialog(null);
  const setRowError = (id: string, message: string | null) =>
    setRowErrors((current) => {
      const { [id]: _, ...rest } = current;
      return message === null ? rest : { ...rest, [id]: message };
    });

  const toggle = async (endpoint: Endpoint) => {
    setBusy(endpoint.id);
    setRowError(endpoint.id, null);
    setNotice(null);
    try {
      const saved = await api.patch<Endpoint>(`${base}/endpoints/${encodeURIComponent(endpoint.id)}`, {
        enabled: !endpoint.enabled,
      });
      setNotice(t(saved.enabled ? 'switchedOn' : 'switchedOff', { name: webhookName(saved) }));
      refresh();
    } catch (failure) {
      setRowError(endpoint.id, problem(failure));
    } finally {
      setBusy(null);
    }
  };

  const remove = async () => {
    if (!target) return;
    setBusy(target.id);
    setDeleteError(null);
    try {
      await api.delete(`${base}/endpoints/${encodeURIComponent(target.id)}`);
      setDialog(null);
      setNotice(t('deleted', { name: webhookName(target) }));
      refresh();
      // The button that opened the confirmation is gone with its webhook: focus the screen's heading.
      heading.current?.focus();
    } catch (failure) {
      setDeleteError(problem(failure));
    } finally {
      setBusy(null);
    }
  };

  const formOpen = dialog === 'add' || dialog === 'edit';
  return (
    <section class="webhooks-screen" aria-labelledby="webhooks-title">
      <h1 id="webhooks-title" ref={heading} tabIndex={-1}>
        {t('title')}
      </h1>
      <p>{t('intro')}</p>
      <div class="toolbar webhooks-toolbar">
        <UrlUsage account={account} />
        <button type="button" onClick={() => open('add', null)}>
          {t('add')}
        </button>
      </div>
      <div aria-live="polite">{notice ? <div class="notice success">{notice}</div> : null}</div>
      {list.error ? (
        <div class="form-alert" role="alert">
          {t('loadFailed', { detail: problem(list.error) })}{' '}
          <button type="button" class="link" onClick={list.reload}>
            {t('retry')}
          </button>
        </div>
      ) : null}
      {list.loading && list.items.length === 0 ? <p class="loading-inline">{tc('loading')}</p> : null}
      {!list.loading && !list.error && list.items.length === 0 ? <p class="empty">{t('empty')}</p> : null}
      <ul class="webhook-list" aria-busy={list.loading}>
        {list.items.map((endpoint) => (
          <WebhookCard
            key={endpoint.id}
            accountId={accountId}
            endpoint={endpoint}
            stats={stats?.get(endpoint.id)}
            error={rowErrors[endpoint.id]}
            busy={busy === endpoint.id}
            onOpen={(kind) => open(kind, endpoint)}
            onToggle={() => toggle(endpoint)}
          />
        ))}
      </ul>
      <Pager list={list} label={t('pages')} />

      <Dialog
        title={dialog === 'edit' ? tf('editTitle') : tf('addTitle')}
        open={formOpen}
        onClose={closeDialog}
        wide
      >
        <WebhookForm
          accountId={accountId}
          endpoint={dialog === 'edit' ? target : null}
          onSaved={(saved, created) => {
            setNotice(t(created ? 'added' : 'saved', { name: webhookName(saved) }));
            refresh();
            // A new webhook's form stays open to show its secret once; an edit is done.
            if (!created) setDialog(null);
          }}
          onClose={closeDialog}
        />
      </Dialog>
      {target ? (
        <>
          <WebhookSecretDialog
            key={`secret-${target.id}`}
            accountId={accountId}
            endpoint={target}
            open={dialog === 'secret'}
            onClose={closeDialog}
          />
          <WebhookTestDialog
            accountId={accountId}
            endpoint={target}
            open={dialog === 'test'}
            onClose={() => {
              closeDialog();
              setFigures((n) => n + 1);
            }}
          />
          <RecoverDialog
            key={`recover-${target.id}`}
            accountId={accountId}
            endpoint={target}
            open={dialog === 'recover'}
            onClose={closeDialog}
          />
          <ConfirmDialog
            title={t('deleteTitle')}
            message={t('deleteMessage', { name: webhookName(target) })}
            confirmLabel={t('deleteConfirm')}
            open={dialog === 'delete'}
            busy={busy === target.id}
            error={deleteError}
            onConfirm={remove}
            onCancel={closeDialog}
          />
        </>
      ) : null}
    </section>
  );
}

/** "8 of 10 URLs receiving", or the limit alone while the server does not count. */
function UrlUsage({ account }: { account: Account | null }) {
  const t = useMessages(messages);
  if (!account) return <p class="url-usage" />;
  const max = account.maxActiveUrls;
  if (account.activeUrls === undefined) return <p class="url-usage">{t('usageMax', { max })}</p>;
  const full = account.activeUrls >= max;
  return (
    <div class={full ? 'url-usage full' : 'url-usage'}>
      <p class="url-usage-figure">
        <strong>{t('usage', { active: account.activeUrls, max })}</strong>
      </p>
      <p class="hint">{t('usageHint', { max })}</p>
    </div>
  );
}

interface WebhookCardProps {
  readonly accountId: string;
  readonly endpoint: Endpoint;
  readonly stats: EndpointStats | undefined;
  readonly error: string | undefined;
  readonly busy: boolean;
  readonly onOpen: (kind: DialogKind) => void;
  readonly onToggle: () => void;
}

/** One webhook: what it receives, its state and figures, and what can be done with it. */
function WebhookCard({ accountId, endpoint, stats, error, busy, onOpen, onToggle }: WebhookCardProps) {
  const t = useMessages(messages);
  const { percent } = useFormat();
  const titleId = `webhook-${endpoint.id}-title`;
  const why =
    endpoint.disabledReason === null
      ? t('disabledByUser')
      : endpoint.disabledReason === 'gone'
        ? t('disabledGone')
        : t('disabledOther', { reason: endpoint.disabledReason });
  const deliveriesHref = `/accounts/${encodeURIComponent(accountId)}/deliveries?endpointId=${encodeURIComponent(endpoint.id)}`;
  return (
    <li>
      <article
        class={endpoint.enabled ? 'webhook-card' : 'webhook-card is-disabled'}
        aria-labelledby={titleId}
      >
        <header class="webhook-card-head">
          <h2 id={titleId}>{webhookName(endpoint)}</h2>
          <span class={endpoint.enabled ? 'badge ok' : 'badge off'}>
            {endpoint.enabled ? t('enabled') : t('disabled')}
          </span>
        </header>
        <dl class="facts">
          <dt>{endpoint.urls.length > 1 ? t('urls') : t('url')}</dt>
          <dd>
            <ul class="plain-list">
              {endpoint.urls.map((url) => (
                <li key={url} class="mono">
                  {url}
                </li>
              ))}
            </ul>
          </dd>
          <dt>{t('events')}</dt>
          <dd>
            {endpoint.eventTypes.includes('*') ? (
              t('allEvents')
            ) : (
              <ul class="tag-list">
                {endpoint.eventTypes.map((type) => (
                  <li key={type}>
                    <code>{type}</code>
                  </li>
                ))}
              </ul>
            )}
          </dd>
          {endpoint.enabled ? null : (
            <>
              <dt>{t('status')}</dt>
              <dd>{why}</dd>
            </>
          )}
          {endpoint.plugIds.length > 0 ? (
            <>
              <dt>{t('plugs')}</dt>
              <dd class="mono">{endpoint.plugIds.join(', ')}</dd>
            </>
          ) : null}
          {endpoint.fields.length > 0 ? (
            <>
              <dt>{t('data')}</dt>
              <dd class="mono">{endpoint.fields.join(', ')}</dd>
            </>
          ) : null}
          {endpoint.format === 'form' ? (
            <>
              <dt>{t('format')}</dt>
              <dd>{t('formatForm')}</dd>
            </>
          ) : null}
          <dt>{t('successRate')}</dt>
          <dd>
            {stats && stats.attempts > 0 ? (
              t('rate', {
                rate: percent(stats.succeeded / stats.attempts),
                succeeded: stats.succeeded,
                attempts: stats.attempts,
              })
            ) : (
              <>
                <span aria-hidden="true">{t('noRate')}</span>
                <span class="visually-hidden">{t('noRateLabel')}</span>
              </>
            )}
          </dd>
        </dl>
        {error ? (
          <div class="form-alert" role="alert">
            {error}
          </div>
        ) : null}
        <div class="actions card-actions">
          <button type="button" class="secondary" onClick={() => onOpen('edit')}>
            {t('edit')}
          </button>
          <button type="button" class="secondary" disabled={busy} onClick={onToggle}>
            {endpoint.enabled ? t('disable') : t('enable')}
          </button>
          <button type="button" class="secondary" onClick={() => onOpen('secret')}>
            {t('secret')}
          </button>
          <button type="button" class="secondary" onClick={() => onOpen('test')}>
            {t('sendTest')}
          </button>
          <button type="button" class="secondary" onClick={() => onOpen('recover')}>
            {t('recover')}
          </button>
          <a class="button-link" href={deliveriesHref}>
            {t('deliveries')}
          </a>
          <button type="button" class="danger" onClick={() => onOpen('delete')}>
            {t('delete')}
          </button>
        </div>
      </article>
    </li>
  );
}
