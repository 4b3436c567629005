/**
 * The app shell: the session, the language, the navigation and the screens by path. Every screen
 * has its own path, so the browser's back button, a reload and a shared link work as on any site.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { LocationProvider, Route, Router, useLocation } from 'preact-iso/router';
import { ApiClient } from './api-client.ts';
import type { Account, Whoami } from './api-types.ts';
import {
  browserLocale,
  LOCALES,
  type Locale,
  LocaleContext,
  useFormat,
  useLocale,
  useMessages,
} from './i18n.ts';
import { common } from './messages.ts';
import { ApiKeys } from './screens/api-keys.tsx';
import { Connections } from './screens/connections.tsx';
import { ConsoleAccounts } from './screens/console-accounts.tsx';
import { ConsoleEventTypes } from './screens/console-event-types.tsx';
import { ConsoleOverview } from './screens/console-overview.tsx';
import { Deliveries, DeliveryDetailScreen } from './screens/deliveries.tsx';
import { Events } from './screens/events.tsx';
import { SettingsWebhooks } from './screens/settings-webhooks.tsx';
import { SignIn } from './screens/sign-in.tsx';
import { UpsellAdvanced } from './screens/upsell.tsx';
import { Webhooks } from './screens/webhooks.tsx';
import { homePath, type Session, SessionContext, storedToken, storeToken, useSession } from './session.ts';

type AuthState =
  | { readonly phase: 'checking' }
  | { readonly phase: 'signed-out'; readonly reason: 'none' | 'ended' }
  | { readonly phase: 'signed-in'; readonly session: Session };

/** The whole dashboard. `portalToken` is the token a portal link carried, already out of the address bar. */
export function App({ portalToken }: { portalToken: string | null }) {
  const [locale, setLocale] = useState<Locale>(browserLocale());
  const [auth, setAuth] = useState<AuthState>({ phase: 'checking' });

  const begin = async (token: string, portal: boolean): Promise<void> => {
    const ended = () => {
      if (!portal) storeToken(null);
      setAuth({ phase: 'signed-out', reason: 'ended' });
    };
    const api = new ApiClient(token, ended);
    const whoami = await api.get<Whoami>('/v1/whoami');
    if (whoami.kind === 'portal') setLocale(whoami.locale);
    if (!portal) storeToken(token);
    const signOut = () => {
      storeToken(null);
      setAuth({ phase: 'signed-out', reason: 'none' });
      history.pushState(null, '', '/');
    };
    setAuth({ phase: 'signed-in', session: { api, whoami, portal, signOut } });
  };

  // Runs once, with the token the page was opened with.
  useEffect(() => {
    const token = portalToken ?? storedToken();
    if (token === null) {
      setAuth({ phase: 'signed-out', reason: location.pathname === '/portal' ? 'ended' : 'none' });
      return;
    }
    begin(token, portalToken !== null).catch(() => {
      if (portalToken === null) storeToken(null);
      setAuth({ phase: 'signed-out', reason: 'ended' });
    });
  }, []);

  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);

  const localeState = useMemo(() => ({ locale, setLocale }), [locale]);
  return (
    <LocaleContext.Provider value={localeState}>
      <LocationProvider>
        {auth.phase === 'checking' ? (
          <Loading />
        ) : auth.phase === 'signed-out' ? (
          <SignIn ended={auth.reason === 'ended'} onToken={(token) => begin(token, false)} />
        ) : (
          <SessionContext.Provider value={auth.session}>
            <Shell>
              <Screens />
            </Shell>
          </SessionContext.Provider>
        )}
      </LocationProvider>
    </LocaleContext.Provider>
  );
}

function Loading() {
  const t = useMessages(common);
  return (
    <main class="loading" aria-busy="true">
      {t('loading')}
    </main>
  );
}

/** Sends `/` and `/portal` to the session's first screen. */
function Home() {
  const { whoami } = useSession();
  const { route } = useLocation();
  useEffect(() => route(homePath(whoami), true), [whoami, route]);
  return null;
}

function Screens() {
  return (
    <Router>
      <Route path="/" component={Home} />
      <Route path="/portal" component={Home} />
      <Route path="/console" component={ConsoleOverview} />
      <Route path="/console/accounts" component={ConsoleAccounts} />
      <Route path="/console/event-types" component={ConsoleEventTypes} />
      <Route path="/accounts/:accountId/settings/webhooks" component={SettingsWebhooks} />
      <Route path="/accounts/:accountId/webhooks" component={Webhooks} />
      <Route path="/accounts/:accountId/connections" component={Connections} />
      <Route path="/accounts/:accountId/upsell" component={UpsellAdvanced} />
      <Route path="/accounts/:accountId/deliveries" component={Deliveries} />
      <Route path="/accounts/:accountId/deliveries/:deliveryId" component={DeliveryDetailScreen} />
      <Route path="/accounts/:accountId/events" component={Events} />
      <Route path="/accounts/:accountId/api-keys" component={ApiKeys} />
      <Route default component={Home} />
    </Router>
  );
}

/** The account whose screen a path shows (`/accounts/{id}/…`), if any. */
function accountIdInPath(path: string): string | undefined {
  return /^\/accounts\/([^/]+)\//.exec(path)?.[1];
}

interface NavLink {
  readonly href: string;
  readonly label: string;
}

/** The links a session may follow, for the account on show (if any). */
function useNavLinks(): NavLink[] {
  const { whoami } = useSession();
  const { path } = useLocation();
  const t = useMessages(common);
  const accountInPath = accountIdInPath(path);
  const accountId = whoami.kind === 'admin' ? accountInPath : whoami.accountId;
  const links: NavLink[] = [];
  if (whoami.kind === 'admin') {
    links.push(
      { href: '/console', label: t('navOverview') },
      { href: '/console/accounts', label: t('navAccounts') },
      { href: '/console/event-types', label: t('navEventTypes') },
    );
  }
  if (accountId !== undefined) {
    const base = `/accounts/${accountId}`;
    const scoped = whoami.kind === 'portal' && whoami.scope !== null;
    if (scoped) {
      const scope = whoami.scope;
      if (scope && (scope.productIds.length > 0 || scope.checkoutIds.length > 0 || scope.plugIds.length > 0))
        links.push({ href: `${base}/connections`, label: t('navConnections') });
      if (scope && scope.upsellIds.length > 0) links.push({ href: `${base}/upsell`, label: t('navUpsell') });
      links.push({ href: `${base}/deliveries`, label: t('navDeliveries') });
    } else {
      links.push(
        { href: `${base}/settings/webhooks`, label: t('navSettingsWebhooks') },
        { href: `${base}/webhooks`, label: t('navWebhooks') },
        { href: `${base}/connections`, label: t('navConnections') },
        { href: `${base}/deliveries`, label: t('navDeliveries') },
        { href: `${base}/events`, label: t('navEvents') },
        { href: `${base}/api-keys`, label: t('navApiKeys') },
      );
    }
  }
  return links;
}

/** The name of the account whose screens the operator has open, for the top bar. */
function useViewedAccountName(): string | undefined {
  const { whoami, api } = useSession();
  const { path } = useLocation();
  const accountId = whoami.kind === 'admin' ? accountIdInPath(path) : undefined;
  const [names, setNames] = useState<Readonly<Record<string, string>>>({});
  useEffect(() => {
    if (accountId === undefined || names[accountId] !== undefined) return;
    api.get<Account>(`/v1/accounts/${encodeURIComponent(accountId)}`).then(
      (account) => setNames((known) => ({ ...known, [account.id]: account.name })),
      () => {},
    );
  }, [accountId, api, names]);
  return accountId === undefined ? undefined : names[accountId];
}

function Shell({ children }: { children: ComponentChildren }) {
  const session = useSession();
  const { whoami } = session;
  const { path } = useLocation();
  const t = useMessages(common);
  const { dateTime } = useFormat();
  const { locale, setLocale } = useLocale();
  const links = useNavLinks();
  const viewedAccount = useViewedAccountName();
  const title =
    whoami.kind !== 'admin'
      ? whoami.accountName
      : viewedAccount === undefined
        ? t('navConsole')
        : `${t('navConsole')} › ${viewedAccount}`;
  return (
    <div class="shell">
      <a class="skip-link" href="#content">
        {t('skipToContent')}
      </a>
      <header class="topbar">
        <span class="brand">{t('appName')}</span>
        <span class="account-name">{title}</span>
        <div class="topbar-tools">
          <label for="language" class="visually-hidden">
            {t('language')}
          </label>
          <select id="language" value={locale} onChange={(e) => setLocale(e.currentTarget.value as Locale)}>
            {LOCALES.map((code) => (
              <option key={code} value={code}>
                {code === 'en' ? 'English' : 'Nederlands'}
              </option>
            ))}
          </select>
          {session.portal ? null : (
            <button type="button" class="secondary" onClick={session.signOut}>
              {t('signOut')}
            </button>
          )}
        </div>
      </header>
      <nav class="mainnav" aria-label={t('mainNavigation')}>
        <ul>
          {links.map((link) => (
            <li key={link.href}>
              <a href={link.href} aria-current={path === link.href ? 'page' : undefined}>
                {link.label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <main id="content" tabIndex={-1}>
        {children}
      </main>
      {whoami.kind === 'portal' ? (
        <footer class="footer">{t('portalExpires', { time: dateTime(whoami.expiresAt) })}</footer>
      ) : null}
    </div>
  );
}
