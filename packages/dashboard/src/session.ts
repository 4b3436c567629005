/**
 * Who is using the dashboard: the token it holds and what `GET /v1/whoami` said of it. A portal
 * session's token arrives in the URL fragment (never sent to a server, so never in a log or a
 * Referer), is taken out of the address bar at once and lives in memory only: no cookie, so the
 * portal works inside a cross-site iframe. A token typed at sign-in is kept for the tab
 * (sessionStorage), so a reload does not sign the operator out.
 */
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { ApiClient } from './api-client.ts';
import type { Whoami } from './api-types.ts';

/** A signed-in dashboard. */
export interface Session {
  readonly api: ApiClient;
  readonly whoami: Whoami;
  /** Opened from a portal link (embedded in the platform's pages): no sign-out, no console. */
  readonly portal: boolean;
  readonly signOut: () => void;
}

/** Provided by the app shell once the token is known to work. */
export const SessionContext = createContext<Session | null>(null);

/** The session; screens render only inside one. */
export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('no session');
  return session;
}

const STORAGE_KEY = 'hookline.token';

/** The token a sign-in left in this tab, if any. */
export function storedToken(): string | null {
  try {
    return sessionStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

/** Keeps a signed-in token for this tab (`null` forgets it). */
export function storeToken(token: string | null): void {
  try {
    if (token === null) sessionStorage.removeItem(STORAGE_KEY);
    else sessionStorage.setItem(STORAGE_KEY, token);
  } catch {
    // Storage refused (a sandboxed frame): the session lasts until the page is left.
  }
}

/**
 * Takes a portal token out of the address (`/portal#token=…`) and removes it from the address bar
 * and the history, before anything else runs.
 */
export function takeTokenFromFragment(): string | null {
  const match = /^#token=([A-Za-z0-9_.~-]+)$/.exec(location.hash);
  if (!match?.[1]) return null;
  history.replaceState(null, '', location.pathname + location.search);
  return match[1];
}

/** The screen a session opens on. */
export function homePath(whoami: Whoami): string {
  switch (whoami.kind) {
    case 'admin':
      return '/console';
    case 'account':
      return `/accounts/${whoami.accountId}/settings/webhooks`;
    case 'portal': {
      const scope = whoami.scope;
      if (!scope) return `/accounts/${whoami.accountId}/settings/webhooks`;
      const onlyUpsells =
        scope.upsellIds.length > 0 &&
        scope.productIds.length === 0 &&
        scope.checkoutIds.length === 0 &&
        scope.plugIds.length === 0;
      return `/accounts/${whoami.accountId}/${onlyUpsells ? 'upsell' : 'connections'}`;
    }
  }
}
