/**
 * Connections (Koppelingen), Plug&Pay's Product > Connections and Checkout > Connections: the webhook
 * rules of single products and checkouts, which are endpoints with a scope. A portal session opened
 * for some products sees and makes only rules within them (the API filters and fills in its scope);
 * any other session names the products or checkouts of a new rule itself.
 */
import { useEffect, useState } from 'preact/hooks';
import { fetchAllEndpoints } from '../all-endpoints.ts';
import { ApiError } from '../api-client.ts';
import type { Endpoint, EndpointScope } from '../api-types.ts';
import { ConfirmDialog, Dialog } from '../components/dialog.tsx';
import { EventPicker } from '../components/event-picker.tsx';
import { FormAlert, TextField, useFormErrors } from '../components/form.tsx';
import { useMessages } from '../i18n.ts';
import { common } from '../messages.ts';
import { useProblemMessage } from '../problem-message.ts';
import { useSession } from '../session.ts';
import { hasNoScope } from '../settings-webhooks-model.ts';
import { connectionsMessages as messages } from './connections.messages.ts';

/** The event a new rule takes unless the merchant picks others: a paid order, as Plug&Pay's rules fire. */
const DEFAULT_RULE_EVENTS = ['order.paid'];

/** Ids typed into one field, comma-separated: trimmed, without empty entries or repeats. */
function parseIdList(text: string): string[] {
  return [...new Set(text.split(',').map((id) => id.trim()))].filter((id) => id !== '');
}

type Translate = (
  key: keyof (typeof messages)['en'],
  params?: Readonly<Record<string, string | number>>,
) => string;

/** A scope as lines of words: "Products: prod_1, prod_2". */
function scopeLines(t: Translate, scope: EndpointScope): string[] {
  const lines: string[] = [];
  if (scope.productIds.length > 0) lines.push(t('scopeProducts', { ids: scope.productIds.join(', ') }));
  if (scope.checkoutIds.length > 0) lines.push(t('scopeCheckouts', { ids: scope.checkoutIds.join(', ') }));
  if (scope.upsellIds.length > 0) lines.push(t('scopeUpsells', { ids: scope.upsellIds.join(', ') }));
  if (scope.plugIds.length > 0) lines.push(t('scopePlugs', { ids: scope.plugIds.join(', ') }));
  return lines;
}

/** The rules of one account (`/accounts/:accountId/connections`). */
export function Connections({ accountId = '' }: { accountId?: string }) {
  const { api, whoami } = useSession();
  const t = useMessages(messages);
  const tc = useMessages(common);
  const problem = useProblemMessage();
  const [rules, setRules] = useState<Endpoint[] | undefined>();
  const [loadError, setLoadError] = useState<string | null>(null);
  const [reloads, setReloads] = useState(0);
  const [adding, setAdding] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<Endpoint | null>(null);
  const [deleteBusy, setDeleteBusy] = useState(false);
  const [deleteError, setDeleteError] = useState<string | null>(null);
  const sessionScope = whoami.kind === 'portal' ? whoami.scope : null;

  useEffect(() => {
    let live = true;
    setLoadError(null);
    fetchAllEndpoints(api, accountId).then(
      // A rule is a webhook with a scope; the general ones belong to Settings > Webhooks.
      (endpoints) => live && setRules(endpoints.filter((endpoint) => !hasNoScope(endpoint))),
      (error: unknown) => live && setLoadError(problem(error)),
    );
    return () => {
      live = false;
    };
  }, [api, accountId, reloads]);

  const confirmDelete = async () => {
    if (!deleting) return;
    setDeleteBusy(true);
    setDeleteError(null);
    try {
      await api.delete(
        `/v1/accounts/${encodeURIComponent(accountId)}/endpoints/${encodeURIComponent(deleting.id)}`,
      );
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 404)) {
        setDeleteError(problem(error));
        setDeleteBusy(false);
        return;
      }
    }
    setDeleteBusy(false);
    setDeleting(null);
    setNotice(t('deleted'));
    setReloads((n) => n + 1);
  };

  return (
    <>
      <h1>{t('title')}</h1>
      <p class="lead">
        {sessionScope ? t('introScoped', { scope: scopeLines(t, sessionScope).join('; ') }) : t('intro')}
      </p>
      <div class="actions toolbar">
        <button
          type="button"
          onClick={() => {
            setNotice(null);
            setAdding(true);
          }}
        >
          {t('addRule')}
        </button>
      </div>
      <div role="status">{notice ? <p class="notice success">{notice}</p> : null}</div>
      {loadError ? (
        <div class="form-alert" role="alert">
          {t('loadFailed', { detail: loadError })}{' '}
          <button type="button" class="link" onClick={() => setReloads((n) => n + 1)}>
            {t('retry')}
          </button>
        </div>
      ) : rules === undefined ? (
        <p class="loading-inline" aria-busy="true">
          {tc('loading')}
        </p>
      ) : rules.length === 0 ? (
        <p class="empty">{t('noRules')}</p>
      ) : (
        <div class="table-wrap">
          <table class="stack-table">
            <caption class="visually-hidden">{t('rules')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('columnUrl')}</th>
                <th scope="col">{t('columnEvents')}</th>
                <th scope="col">{t('columnScope')}</th>
                <th scope="col">{t('columnStatus')}</th>
                <th scope="col">{t('columnActions')}</th>
              </tr>
            </thead>
            <tbody>
              {rules.map((rule) => (
                <tr key={rule.id}>
                  <td class="url" data-label={t('columnUrl')} id={`rule-${rule.id}-url`}>
                    {rule.url}
                  </td>
                  <td data-label={t('columnEvents')}>{rule.eventTypes.join(', ')}</td>
                  <td data-label={t('columnScope')}>
                    {scopeLines(t, rule).map((line) => (
                      <div key={line}>{line}</div>
                    ))}
                  </td>
                  <td data-label={t('columnStatus')}>
                    <span class={rule.enabled ? 'badge ok' : 'badge off'}>
                      {rule.enabled ? t('on') : t('off')}
                    </span>
                  </td>
                  <td data-label={t('columnActions')}>
                    <button
                      type="button"
                      class="secondary"
                      aria-describedby={`rule-${rule.id}-url`}
                      onClick={() => {
                        setNotice(null);
                        setDeleteError(null);
                        setDeleting(rule);
                      }}
                    >
                      {tc('delete')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Dialog title={t('addRule')} open={adding} onClose={() => setAdding(false)} wide>
        <AddRuleForm
          accountId={accountId}
          sessionScoped={sessionScope !== null}
          onCreated={() => {
            setAdding(false);
            setNotice(t('created'));
            setReloads((n) => n + 1);
          }}
          onCancel={() => setAdding(false)}
        />
      </Dialog>
      <ConfirmDialog
        title={t('deleteTitle')}
        message={t('deleteMessage', { url: deleting?.url ?? '' })}
        confirmLabel={tc('delete')}
        open={deleting !== null}
        busy={deleteBusy}
        error={deleteError}
        onConfirm={confirmDelete}
        onCancel={() => setDeleting(null)}
      />
    </>
  );
}

interface AddRuleProps {
  readonly accountId: string;
  /** The session has a scope of its own, which the API gives the rule: no product or checkout fields. */
  readonly sessionScoped: boolean;
  readonly onCreated: () => void;
  readonly onCancel: () => void;
}

/** The form in the Add rule dialog; mounted afresh each time the dialog opens. */
function AddRuleForm({ accountId, sessionScoped, onCreated, onCancel }: AddRuleProps) {
  const { api } = useSession();
  const t = useMessages(messages);
  const tc = useMessages(common);
  const [url, setUrl] = useState('');
  const [eventTypes, setEventTypes] = useState<string[]>(DEFAULT_RULE_EVENTS);
  const [productIds, setProductIds] = useState('');
  const [checkoutIds, setCheckoutIds] = useState('');
  const [local, setLocal] = useState<Readonly<Record<string, string>>>({});
  const [busy, setBusy] = useState(false);
  const [failures, setFailures] = useState(0);
  const errors = useFormErrors();

  useEffect(() => {
    if (failures === 0) return;
    document
      .querySelector<HTMLElement>('#add-rule [aria-invalid="true"], #add-rule .has-error input')
      ?.focus();
  }, [failures]);

  const fieldOf = (apiField: string): string | undefined => {
    const name = apiField.replace(/[[.].*$/, '');
    if (name === 'url' || name === 'urls') return 'rule-url';
    if (name === 'eventTypes') return 'rule-events';
    if (!sessionScoped && name === 'productIds') return 'rule-product-ids';
    if (!sessionScoped && name === 'checkoutIds') return 'rule-checkout-ids';
    return undefined;
  };

  const submit = async (event: Event) => {
    event.preventDefault();
    errors.clear();
    // What the API would refuse anyway is said at once, in the merchant's words.
    const missing: Record<string, string> = {};
    if (url.trim() === '') missing['rule-url'] = t('urlRequired');
    if (eventTypes.length === 0) missing['rule-events'] = t('eventsRequired');
    const products = parseIdList(productIds);
    const checkouts = parseIdList(checkoutIds);
    if (!sessionScoped && products.length === 0 && checkouts.length === 0) {
      missing['rule-product-ids'] = t('scopeRequired');
    }
    setLocal(missing);
    if (Object.keys(missing).length > 0) {
      setFailures((n) => n + 1);
      return;
    }
    setBusy(true);
    try {
      await api.post<Endpoint>(`/v1/accounts/${encodeURIComponent(accountId)}/endpoints`, {
        url: url.trim(),
        eventTypes,
        // A scoped session sends no scope: the API gives the rule the session's own.
        ...(sessionScoped ? {} : { productIds: products, checkoutIds: checkouts }),
      });
      onCreated();
    } catch (error) {
      errors.show(error, fieldOf);
      setFailures((n) => n + 1);
      setBusy(false);
    }
  };

  const errorOf = (field: string) => local[field] ?? errors.errors.fields[field];
  return (
    <form id="add-rule" onSubmit={submit} noValidate>
      <FormAlert message={errors.errors.form} />
      <TextField
        id="rule-url"
        label={t('webhookUrl')}
        type="url"
        inputMode="url"
        placeholder="https://"
        value={url}
        onValue={setUrl}
        hint={t('webhookUrlHint')}
        error={errorOf('rule-url')}
        required
      />
      {sessionScoped ? null : (
        // Before the events: without a product or checkout the rule cannot be made.
        <fieldset aria-describedby="rule-scope-hint">
          <legend>{t('appliesTo')}</legend>
          <p class="hint fieldset-hint" id="rule-scope-hint">
            {t('appliesToHint')}
          </p>
          <TextField
            id="rule-product-ids"
            label={t('productIds')}
            value={productIds}
            onValue={setProductIds}
            placeholder="prod_4Tn8Wq2ZcK"
            error={errorOf('rule-product-ids')}
          />
          <TextField
            id="rule-checkout-ids"
            label={t('checkoutIds')}
            value={checkoutIds}
            onValue={setCheckoutIds}
            placeholder="chk_5Wm2Ps8DqL"
            error={errorOf('rule-checkout-ids')}
          />
        </fieldset>
      )}
      <EventPicker
        id="rule-events"
        legend={t('events')}
        value={eventTypes}
        onChange={setEventTypes}
        error={errorOf('rule-events')}
      />
      <div class="actions">
        <button type="submit" disabled={busy}>
          {busy ? t('creatingRule') : t('createRule')}
        </button>
        <button type="button" class="secondary" onClick={onCancel}>
          {tc('cancel')}
        </button>
      </div>
    </form>
  );
}
