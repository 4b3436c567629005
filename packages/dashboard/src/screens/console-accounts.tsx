/**
 * The operator console's accounts at `/console/accounts`: every merchant, page by page, with what
 * the operator does for one: create it (its API key is shown this once), change how many URLs it may
 * have receiving at once and its share of attempts in flight, open its screens as the merchant sees them, and create a portal link for
 * the platform to embed in its own pages.
 */
import type { JSX } from 'preact';
import { useCallback, useState } from 'preact/hooks';
import { ApiError, type ListPage } from '../api-client.ts';
import type { Account, AccountCreated, PortalSessionCreated } from '../api-types.ts';
import { useCursorList } from '../components/cursor-list.ts';
import { Dialog } from '../components/dialog.tsx';
import { errorIdOf, FieldError, FormAlert, TextField, useFormErrors } from '../components/form.tsx';
import { Pager } from '../components/pager.tsx';
import { ShownOnceKey } from '../components/shown-once-key.tsx';
import { useConsoleProblemMessage } from '../console-problem.ts';
import { defineMessages, LOCALES, type Locale, useFormat, useLocale, useMessages } from '../i18n.ts';
import { common } from '../messages.ts';
import { useSession } from '../session.ts';

const messages = defineMessages(
  {
    title: 'Accounts',
    intro:
      'Every merchant on this server. Open an account’s screens to manage its webhooks as the merchant sees them, or create a portal link for the platform to embed.',
    createAccount: 'Create account',
    tableCaption: 'Accounts, oldest first',
    colName: 'Name',
    colLimit: 'Active URL limit',
    colConcurrency: 'Attempts in flight',
    colCreated: 'Created',
    colActions: 'Actions',
    limitInUse: '{active} of {limit} in use',
    changeLimit: 'Change limits',
    openScreens: 'Open screens',
    portalLink: 'Portal link',
    empty: 'No accounts yet. Create one for each merchant of the platform.',
    pages: 'Pages of accounts',
    name: 'Name',
    nameHint: 'The merchant’s name, as the operator and the merchant see it.',
    nameRequired: 'Enter the merchant’s name.',
    creating: 'Creating…',
    created: 'The account {name} was created.',
    apiKey: 'API key',
    apiKeyOnce:
      'Copy this key now and hand it to the platform or the merchant: it is shown only this once. It reaches this account’s webhooks and logs, nothing else.',
    done: 'Done',
    limitTitle: 'Limits of {name}',
    limit: 'Active URL limit',
    limitHint:
      'How many URLs this account may have receiving at once, from 1 to 100,000. Leave empty for the server’s default.',
    limitInvalid:
      'Enter a whole number from 1 to 100,000, or leave the field empty for the server’s default.',
    limitSaved: 'The limits of {name} are now {limit} URLs and {concurrency} attempts in flight.',
    concurrency: 'Attempts in flight',
    concurrencyHint:
      'This account’s share of each delivery process’s attempts at once, from 1 to 100,000, so one merchant’s slow receivers cannot hold up the others. Leave empty for the server’s default.',
    portalTitle: 'Portal link for {name}',
    portalIntro:
      'A link that opens this account’s webhook screens without signing in, for the platform to show the merchant inside its own page.',
    portalLanguage: 'Portal language',
    scopeLegend: 'Only some webhooks (optional)',
    scopeHint:
      'With ids, separated by commas, the portal shows only the webhooks of those products, checkouts or upsells. Leave all three empty for every webhook of the account.',
    productIds: 'Product ids',
    checkoutIds: 'Checkout ids',
    upsellIds: 'Upsell ids',
    productIdsHint: 'For example prod_4Tn8Wq2ZcK, prod_6Jp3Xs9LmF',
    checkoutIdsHint: 'For example chk_5Wm2Ps8DqL',
    upsellIdsHint: 'For example ups_9Rk2Vd7MwP',
    idsInvalid: 'Enter at most 1,000 ids, each at most 200 characters long, separated by commas.',
    expiry: 'Works for',
    hours1: '1 hour',
    hours8: '8 hours',
    hours24: '24 hours',
    createLink: 'Create link',
    portalUrl: 'Link to embed',
    portalUrlOnce:
      'This link works until {time} and is shown only this once. Embed it in an iframe on the platform’s own page: only pages whose origin is listed in HOOKLINE_PORTAL_FRAME_ANCESTORS may show it.',
  },
  {
    title: 'Accounts',
    intro:
      'Alle merchants op deze server. Open de schermen van een account om de webhooks te beheren zoals de merchant ze ziet, of maak een portaallink die het platform in zijn eigen pagina toont.',
    createAccount: 'Account aanmaken',
    tableCaption: 'Accounts, oudste eerst',
    colName: 'Naam',
    colLimit: 'Limiet actieve URL’s',
    colConcurrency: 'Pogingen tegelijk',
    colCreated: 'Aangemaakt',
    colActions: 'Acties',
    limitInUse: '{active} van {limit} in gebruik',
    changeLimit: 'Limieten wijzigen',
    openScreens: 'Schermen openen',
    portalLink: 'Portaallink',
    empty: 'Nog geen accounts. Maak er een aan voor elke merchant van het platform.',
    pages: 'Pagina’s met accounts',
    name: 'Naam',
    nameHint: 'De naam van de merchant, zoals de beheerder en de merchant hem zien.',
    nameRequired: 'Vul de naam van de merchant in.',
    creating: 'Aanmaken…',
    created: 'Het account {name} is aangemaakt.',
    apiKey: 'API-sleutel',
    apiKeyOnce:
      'Kopieer deze sleutel nu en geef hem aan het platform of de merchant: hij wordt maar één keer getoond. Hij geeft toegang tot de webhooks en logboeken van dit account, verder niets.',
    done: 'Klaar',
    limitTitle: 'Limieten van {name}',
    limit: 'Limiet actieve URL’s',
    limitHint:
      'Hoeveel URL’s dit account tegelijk mag laten ontvangen, van 1 tot 100.000. Laat leeg voor de standaardwaarde van de server.',
    limitInvalid:
      'Vul een geheel getal van 1 tot 100.000 in, of laat het veld leeg voor de standaardwaarde van de server.',
    limitSaved: 'De limieten van {name} zijn nu {limit} URL’s en {concurrency} pogingen tegelijk.',
    concurrency: 'Pogingen tegelijk',
    concurrencyHint:
      'Het deel van dit account in de pogingen die elk bezorgproces tegelijk doet, van 1 tot 100.000, zodat trage ontvangers van één merchant de anderen niet ophouden. Laat leeg voor de standaardwaarde van de server.',
    portalTitle: 'Portaallink voor {name}',
    portalIntro:
      'Een link die de webhookschermen van dit account opent zonder aan te melden, zodat het platform ze de merchant in zijn eigen pagina kan tonen.',
    portalLanguage: 'Taal van het portaal',
    scopeLegend: 'Alleen sommige webhooks (optioneel)',
    scopeHint:
      'Met id’s, gescheiden door komma’s, toont het portaal alleen de webhooks van die producten, checkouts of upsells. Laat alle drie leeg voor alle webhooks van het account.',
    productIds: 'Product-id’s',
    checkoutIds: 'Checkout-id’s',
    upsellIds: 'Upsell-id’s',
    productIdsHint: 'Bijvoorbeeld prod_4Tn8Wq2ZcK, prod_6Jp3Xs9LmF',
    checkoutIdsHint: 'Bijvoorbeeld chk_5Wm2Ps8DqL',
    upsellIdsHint: 'Bijvoorbeeld ups_9Rk2Vd7MwP',
    idsInvalid: 'Vul hoogstens 1.000 id’s in, elk hoogstens 200 tekens lang, gescheiden door komma’s.',
    expiry: 'Geldig gedurende',
    hours1: '1 uur',
    hours8: '8 uur',
    hours24: '24 uur',
    createLink: 'Link maken',
    portalUrl: 'Link om in te bedden',
    portalUrlOnce:
      'Deze link werkt tot {time} en wordt maar één keer getoond. Toon hem in een iframe op de eigen pagina van het platform: alleen pagina’s waarvan de origin in HOOKLINE_PORTAL_FRAME_ANCESTORS staat, mogen hem tonen.',
  },
);

/** Accounts per page. */
const PAGE_SIZE = 20;

/** What the operator is doing in a dialog, if anything. */
type Task =
  | { readonly kind: 'create' }
  | { readonly kind: 'limit'; readonly account: Account }
  | { readonly kind: 'portal'; readonly account: Account };

/** The accounts screen. */
export function ConsoleAccounts() {
  const t = useMessages(messages);
  const tc = useMessages(common);
  const problem = useConsoleProblemMessage();
  const { dateTime, number } = useFormat();
  const { api } = useSession();
  const [task, setTask] = useState<Task | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const fetchPage = useCallback(
    (cursor: string | undefined) => api.get<ListPage<Account>>('/v1/accounts', { limit: PAGE_SIZE, cursor }),
    [api],
  );
  const list = useCursorList(fetchPage, 'accounts');
  // Not the operator: nothing here would work, so nothing is offered.
  const refused = list.error instanceof ApiError && list.error.status === 403;
  const close = () => setTask(null);
  const nameId = (account: Account) => `account-name-${account.id}`;

  return (
    <>
      <h1>{t('title')}</h1>
      <p>{t('intro')}</p>
      {refused ? null : (
        <div class="toolbar">
          <button type="button" onClick={() => setTask({ kind: 'create' })}>
            {t('createAccount')}
          </button>
        </div>
      )}
      <div role="status">{notice ? <p class="notice success">{notice}</p> : null}</div>
      {list.error ? <FormAlert message={problem(list.error)} /> : null}
      {list.loading && list.items.length === 0 && !list.error ? (
        <p class="loading" aria-busy="true">
          {tc('loading')}
        </p>
      ) : null}
      {!list.loading && !list.error && list.items.length === 0 ? <p class="empty">{t('empty')}</p> : null}
      {list.items.length > 0 ? (
        <div class="table-wrap">
          <table class="stack-table">
            <caption class="visually-hidden">{t('tableCaption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('colName')}</th>
                <th scope="col">{t('colLimit')}</th>
                <th scope="col">{t('colConcurrency')}</th>
                <th scope="col">{t('colCreated')}</th>
                <th scope="col">{t('colActions')}</th>
              </tr>
            </thead>
            <tbody>
              {list.items.map((account) => (
                <tr key={account.id}>
                  <td data-label={t('colName')}>
                    <span id={nameId(account)} class="account-title">
                      {account.name}
                    </span>
                    <code class="account-id">{account.id}</code>
                  </td>
                  <td data-label={t('colLimit')}>
                    {account.activeUrls === undefined
                      ? number(account.maxActiveUrls)
                      : t('limitInUse', {
                          active: number(account.activeUrls),
                          limit: number(account.maxActiveUrls),
                        })}
                  </td>
                  <td data-label={t('colConcurrency')}>{number(account.maxConcurrency)}</td>
                  <td data-label={t('colCreated')}>{dateTime(account.createdAt)}</td>
                  <td data-label={t('colActions')}>
                    <div class="row-actions">
                      <a
                        href={`/accounts/${account.id}/settings/webhooks`}
                        aria-describedby={nameId(account)}
                      >
                        {t('openScreens')}
                      </a>
                      <button
                        type="button"
                        class="secondary"
                        aria-describedby={nameId(account)}
                        onClick={() => setTask({ kind: 'limit', account })}
                      >
                        {t('changeLimit')}
                      </button>
                      <button
                        type="button"
                        class="secondary"
                        aria-describedby={nameId(account)}
                        onClick={() => setTask({ kind: 'portal', account })}
                      >
                        {t('portalLink')}
                      </button>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <Pager list={list} label={t('pages')} />

      <Dialog title={t('createAccount')} open={task?.kind === 'create'} onClose={close}>
        <CreateAccountForm
          onCreated={(account) => {
            setNotice(t('created', { name: account.name }));
            list.reload();
          }}
          onDone={close}
        />
      </Dialog>
      <Dialog
        title={task?.kind === 'limit' ? t('limitTitle', { name: task.account.name }) : t('changeLimit')}
        open={task?.kind === 'limit'}
        onClose={close}
      >
        {task?.kind === 'limit' ? (
          <LimitForm
            account={task.account}
            onSaved={(account) => {
              setNotice(
                t('limitSaved', {
                  name: account.name,
                  limit: number(account.maxActiveUrls),
                  concurrency: number(account.maxConcurrency),
                }),
              );
              list.reload();
              close();
            }}
            onCancel={close}
          />
        ) : null}
      </Dialog>
      <Dialog
        title={task?.kind === 'portal' ? t('portalTitle', { name: task.account.name }) : t('portalLink')}
        open={task?.kind === 'portal'}
        onClose={close}
      >
        {task?.kind === 'portal' ? <PortalLinkForm account={task.account} onDone={close} /> : null}
      </Dialog>
    </>
  );
}

/** The name of a new account; then its API key, once. */
function CreateAccountForm({
  onCreated,
  onDone,
}: {
  onCreated: (account: Account) => void;
  onDone: () => void;
}) {
  const t = useMessages(messages);
  const tc = useMessages(common);
  const { api } = useSession();
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<AccountCreated | null>(null);
  const { errors, clear, show } = useFormErrors();
  const [nameError, setNameError] = useState<string | undefined>();

  if (created) {
    return (
      <div>
        <p class="notice success">{t('created', { name: created.name })}</p>
        <ShownOnceKey id="new-api-key" label={t('apiKey')} value={created.apiKey} note={t('apiKeyOnce')} />
        <div class="actions">
          <button type="button" onClick={onDone}>
            {t('done')}
          </button>
        </div>
      </div>
    );
  }

  const submit = async (event: Event) => {
    event.preventDefault();
    clear();
    setNameError(undefined);
    if (name.trim() === '') {
      setNameError(t('nameRequired'));
      return;
    }
    setBusy(true);
    try {
      const account = await api.post<AccountCreated>('/v1/accounts', { name: name.trim() });
      setCreated(account);
      onCreated(account);
    } catch (failure) {
      show(failure, (field) => (field === 'name' ? 'account-name' : undefined));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} noValidate>
      <FormAlert message={errors.form} />
      <TextField
        id="account-name"
        label={t('name')}
        hint={t('nameHint')}
        value={name}
        onValue={setName}
        error={nameError ?? errors.fields['account-name']}
        required
      />
      <div class="actions">
        <button type="submit" disabled={busy}>
          {busy ? t('creating') : t('createAccount')}
        </button>
        <button type="button" class="secondary" onClick={onDone}>
          {tc('cancel')}
        </button>
      </div>
    </form>
  );
}

/** `null` for an empty field (the server's default), a whole number, or `undefined` for anything else. */
export function parseLimit(text: string): number | null | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  return /^\d+$/.test(trimmed) ? Number(trimmed) : undefined;
}

/** The form's fields: the account's limits, each a number or empty for the server's default. */
const LIMIT_FIELDS = [
  { member: 'maxActiveUrls', id: 'account-limit', label: 'limit', hint: 'limitHint' },
  { member: 'maxConcurrency', id: 'account-concurrency', label: 'concurrency', hint: 'concurrencyHint' },
] as const;

type LimitMember = (typeof LIMIT_FIELDS)[number]['member'];

/** The account's limits: how many URLs may receive at once, and its share of attempts in flight. */
function LimitForm({
  account,
  onSaved,
  onCancel,
}: {
  account: Account;
  onSaved: (account: Account) => void;
  onCancel: () => void;
}) {
  const t = useMessages(messages);
  const tc = useMessages(common);
  const { api } = useSession();
  const [texts, setTexts] = useState<Record<LimitMember, string>>({
    maxActiveUrls: String(account.maxActiveUrls),
    maxConcurrency: String(account.maxConcurrency),
  });
  const [busy, setBusy] = useState(false);
  const { errors, clear, show } = useFormErrors();
  const [invalid, setInvalid] = useState<ReadonlySet<LimitMember>>(new Set());

  const submit = async (event: JSX.TargetedEvent<HTMLFormElement>) => {
    event.preventDefault();
    clear();
    const form = event.currentTarget;
    const values: Partial<Record<LimitMember, number | null>> = {};
    const wrong = new Set<LimitMember>();
    for (const { member, id } of LIMIT_FIELDS) {
      // A number input whose text is no number reports an empty value; its validity tells the two apart.
      const input = form.elements.namedItem(id);
      const value =
        input instanceof HTMLInputElement && input.validity.badInput ? undefined : parseLimit(texts[member]);
      if (value === undefined) wrong.add(member);
      else values[member] = value;
    }
    setInvalid(wrong);
    if (wrong.size > 0) return;
    setBusy(true);
    try {
      onSaved(await api.patch<Account>(`/v1/accounts/${account.id}`, values));
    } catch (failure) {
      // The API's own words for a value out of range name the schema ("must be >= 1"); say it plainly.
      const field = LIMIT_FIELDS.find(
        ({ member }) => failure instanceof ApiError && failure.field === member,
      );
      if (field && failure instanceof ApiError && failure.code === 'invalid_field') {
        setInvalid(new Set([field.member]));
      } else {
        show(failure, (apiField) => LIMIT_FIELDS.find(({ member }) => member === apiField)?.id);
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} noValidate>
      <FormAlert message={errors.form} />
      {LIMIT_FIELDS.map(({ member, id, label, hint }) => (
        <TextField
          key={id}
          id={id}
          label={t(label)}
          hint={t(hint)}
          type="number"
          inputMode="numeric"
          value={texts[member]}
          onValue={(text) => setTexts((now) => ({ ...now, [member]: text }))}
          error={invalid.has(member) ? t('limitInvalid') : errors.fields[id]}
        />
      ))}
      <div class="actions">
        <button type="submit" disabled={busy}>
          {busy ? tc('saving') : tc('save')}
        </button>
        <button type="button" class="secondary" onClick={onCancel}>
          {tc('cancel')}
        </button>
      </div>
    </form>
  );
}

/** Whether the API refused a value as such (out of range, too long), not for its meaning. */
const isInvalid = (error: unknown) => error instanceof ApiError && error.code === 'invalid_field';

/** The ids typed in a comma-separated field. */
export function splitIds(text: string): string[] {
  return text
    .split(',')
    .map((id) => id.trim())
    .filter((id) => id !== '');
}

/** The link lifetimes offered, in seconds; the first is the default. */
const LIFETIMES = [
  { seconds: 3_600, label: 'hours1' },
  { seconds: 8 * 3_600, label: 'hours8' },
  { seconds: 24 * 3_600, label: 'hours24' },
] as const;

/** The scope lists the form has a field for, with the field's id. */
const SCOPE_FIELDS = [
  { member: 'productIds', hint: 'productIdsHint', id: 'portal-product-ids' },
  { member: 'checkoutIds', hint: 'checkoutIdsHint', id: 'portal-checkout-ids' },
  { member: 'upsellIds', hint: 'upsellIdsHint', id: 'portal-upsell-ids' },
] as const;

type ScopeMember = (typeof SCOPE_FIELDS)[number]['member'];

/** The input of the scope list the API named (`scope.productIds[2]`), if it is one. */
function scopeFieldOf(apiField: string): string | undefined {
  return SCOPE_FIELDS.find(({ member }) => apiField.startsWith(`scope.${member}`))?.id;
}

/** The form's input for the field the API named (`scope.productIds[2]`, `locale`). */
function portalFieldOf(apiField: string): string | undefined {
  if (apiField === 'locale') return 'portal-locale';
  if (apiField === 'expiresInSeconds') return 'portal-expiry';
  return scopeFieldOf(apiField);
}

/** A portal session for the account: its language, scope and lifetime; then the link, once. */
function PortalLinkForm({ account, onDone }: { account: Account; onDone: () => void }) {
  const t = useMessages(messages);
  const tc = useMessages(common);
  const { api } = useSession();
  const { dateTime } = useFormat();
  // The operator's own language is the likeliest guess for the merchant's; the select changes it.
  const operatorLocale = useLocale().locale;
  const [locale, setLocale] = useState<Locale>(operatorLocale);
  const [ids, setIds] = useState<Record<ScopeMember, string>>({
    productIds: '',
    checkoutIds: '',
    upsellIds: '',
  });
  const [seconds, setSeconds] = useState<number>(LIFETIMES[0].seconds);
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<PortalSessionCreated | null>(null);
  const { errors, clear, show } = useFormErrors();
  const [idsError, setIdsError] = useState<{ field: string; message: string } | null>(null);

  if (created) {
    return (
      <div>
        <ShownOnceKey
          id="portal-url"
          label={t('portalUrl')}
          value={created.url}
          note={t('portalUrlOnce', { time: dateTime(created.expiresAt) })}
        />
        <div class="actions">
          <button type="button" onClick={onDone}>
            {t('done')}
          </button>
        </div>
      </div>
    );
  }

  const submit = async (event: Event) => {
    event.preventDefault();
    clear();
    setIdsError(null);
    const scope: Partial<Record<ScopeMember, string[]>> = {};
    for (const { member } of SCOPE_FIELDS) {
      const list = splitIds(ids[member]);
      if (list.length > 0) scope[member] = list;
    }
    const body = {
      locale,
      expiresInSeconds: seconds,
      ...(Object.keys(scope).length > 0 ? { scope } : {}),
    };
    setBusy(true);
    try {
      setCreated(await api.post<PortalSessionCreated>(`/v1/accounts/${account.id}/portal-sessions`, body));
    } catch (failure) {
      const scopeField =
        failure instanceof ApiError && failure.field ? scopeFieldOf(failure.field) : undefined;
      // The API's own words for a refused id name the schema ("must NOT have more than 200
      // characters"); the rule in plain words helps more.
      if (scopeField !== undefined && isInvalid(failure)) {
        setIdsError({ field: scopeField, message: t('idsInvalid') });
      } else {
        show(failure, portalFieldOf);
      }
    } finally {
      setBusy(false);
    }
  };

  const selectError = (id: string) => errors.fields[id];
  return (
    <form onSubmit={submit} noValidate>
      <p>{t('portalIntro')}</p>
      <FormAlert message={errors.form} />
      <div class={selectError('portal-locale') ? 'field has-error' : 'field'}>
        <label for="portal-locale">{t('portalLanguage')}</label>
        <select
          id="portal-locale"
          value={locale}
          aria-invalid={selectError('portal-locale') ? true : undefined}
          aria-describedby={selectError('portal-locale') ? errorIdOf('portal-locale') : undefined}
          onChange={(event) => setLocale(event.currentTarget.value as Locale)}
        >
          {LOCALES.map((code) => (
            <option key={code} value={code}>
              {code === 'en' ? 'English' : 'Nederlands'}
            </option>
          ))}
        </select>
        <FieldError id="portal-locale" message={selectError('portal-locale')} />
      </div>
      <fieldset aria-describedby="portal-scope-hint">
        <legend>{t('scopeLegend')}</legend>
        <p class="hint scope-hint" id="portal-scope-hint">
          {t('scopeHint')}
        </p>
        {SCOPE_FIELDS.map(({ member, hint, id }) => (
          <TextField
            key={id}
            id={id}
            label={t(member)}
            hint={t(hint)}
            value={ids[member]}
            onValue={(value) => setIds((current) => ({ ...current, [member]: value }))}
            error={idsError?.field === id ? idsError.message : errors.fields[id]}
          />
        ))}
      </fieldset>
      <div class={selectError('portal-expiry') ? 'field has-error' : 'field'}>
        <label for="portal-expiry">{t('expiry')}</label>
        <select
          id="portal-expiry"
          value={String(seconds)}
          aria-invalid={selectError('portal-expiry') ? true : undefined}
          aria-describedby={selectError('portal-expiry') ? errorIdOf('portal-expiry') : undefined}
          onChange={(event) => setSeconds(Number(event.currentTarget.value))}
        >
          {LIFETIMES.map((lifetime) => (
            <option key={lifetime.seconds} value={String(lifetime.seconds)}>
              {t(lifetime.label)}
            </option>
          ))}
        </select>
        <FieldError id="portal-expiry" message={selectError('portal-expiry')} />
      </div>
      <div class="actions">
        <button type="submit" disabled={busy}>
          {busy ? t('creating') : t('createLink')}
        </button>
        <button type="button" class="secondary" onClick={onDone}>
          {tc('cancel')}
        </button>
      </div>
    </form>
  );
}
