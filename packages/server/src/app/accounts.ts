/**
 * Accounts (merchants) and who is asking: the operator with the admin token, one account with one of
 * its API keys, or a merchant's browser with a portal session of one account. A key or session reaches
 * only its own account; any other account id looks like a missing one.
 */
import type { EndpointScope } from '../domain/endpoint-scope.ts';
import type { AccountRecord, Page, PageRequest, PortalLocale } from '../store/store.ts';
import { apiKeyOf, DEFAULT_API_KEY_NAME, newApiKey } from './api-keys.ts';
import { notFound } from './app-error.ts';
import type { AppContext } from './context.ts';
import { PORTAL_TOKEN_PREFIX, tokensEqual } from './credentials.ts';
import { portalSessionOf } from './portal-sessions.ts';

/** Who made a request. */
export type Principal =
  | { readonly kind: 'admin' }
  | {
      readonly kind: 'account';
      readonly accountId: string;
      /** The API key's id (`key_…`, never the key itself): its own request rate is limited. */
      readonly keyId: string;
    }
  | {
      readonly kind: 'portal';
      readonly accountId: string;
      readonly sessionId: string;
      /** The webhooks the session may manage (see {@link visibleEndpointScope}); `null`: all of them. */
      readonly scope: EndpointScope | null;
      readonly locale: PortalLocale;
    };

/** A new account with its first API key, shown this once. */
export interface CreatedAccount {
  readonly account: AccountRecord;
  readonly apiKey: string;
}

/** Creates an account and its first API key (named `Default`) together; only the key's hash is stored. */
export async function createAccount(ctx: AppContext, input: { name: string }): Promise<CreatedAccount> {
  const account: AccountRecord = {
    id: ctx.newId('account'),
    name: input.name,
    maxActiveUrls: null,
    maxConcurrency: null,
    createdAt: ctx.now(),
  };
  const { record, apiKey, keyHash } = newApiKey(ctx, account.id, DEFAULT_API_KEY_NAME);
  await ctx.store.createAccount(account, record, keyHash);
  return { account, apiKey };
}

/** Lists accounts, oldest first. */
export function listAccounts(ctx: AppContext, page: PageRequest): Promise<Page<AccountRecord>> {
  return ctx.store.listAccounts(page);
}

/** Changes an account's settings (the operator's). */
export async function updateAccount(
  ctx: AppContext,
  accountId: string,
  changes: {
    readonly maxActiveUrls?: number | null | undefined;
    readonly maxConcurrency?: number | null | undefined;
  },
): Promise<AccountRecord> {
  const updated = await ctx.store.updateAccount(accountId, {
    ...(changes.maxActiveUrls === undefined ? {} : { maxActiveUrls: changes.maxActiveUrls }),
    ...(changes.maxConcurrency === undefined ? {} : { maxConcurrency: changes.maxConcurrency }),
  });
  if (!updated) throw notFound('account', 'accountId');
  ctx.onAccountChanged?.(updated);
  return updated;
}

/** An account's share of a process's attempts in flight. */
export function accountConcurrencyOf(ctx: AppContext, account: AccountRecord): number {
  return account.maxConcurrency ?? ctx.accountConcurrency;
}

/** The URLs an account may have receiving at once. */
export function activeUrlLimitOf(ctx: AppContext, account: AccountRecord): number {
  return account.maxActiveUrls ?? ctx.maxActiveUrls;
}

/**
 * Resolves a bearer token to a principal, or `undefined` when it is not the admin token, a working API
 * key or a live portal session.
 */
export async function authenticate(
  ctx: AppContext,
  adminToken: string,
  token: string,
): Promise<Principal | undefined> {
  if (tokensEqual(token, adminToken)) return { kind: 'admin' };
  if (isPortalToken(token)) {
    const session = await portalSessionOf(ctx, token);
    if (!session) return undefined;
    const { accountId, id: sessionId, scope, locale } = session;
    return { kind: 'portal', accountId, sessionId, scope, locale };
  }
  const key = await apiKeyOf(ctx, token);
  return key ? { kind: 'account', accountId: key.accountId, keyId: key.id } : undefined;
}

/** Whether a bearer token is meant as a portal session (so a refusal can say that the session ended). */
export function isPortalToken(token: string): boolean {
  return token.startsWith(PORTAL_TOKEN_PREFIX);
}

/**
 * The webhooks a principal may see and change: those whose scope lies within the returned scope
 * (`scopeWithin`), or every one of the account's (`null`). Only a portal session opened for some
 * products, checkouts, upsells or carts is limited; every route that shows endpoints or their
 * deliveries applies the same rule.
 */
export function visibleEndpointScope(principal: Principal): EndpointScope | null {
  return principal.kind === 'portal' ? principal.scope : null;
}

/**
 * The account a principal may act on. A key or session used on another account's path gets the same
 * 404 as a missing account, so no account learns that another exists.
 */
export async function requireAccount(
  ctx: AppContext,
  principal: Principal,
  accountId: string,
): Promise<string> {
  if (principal.kind !== 'admin' && principal.accountId !== accountId) throw notFound('account', 'accountId');
  if (!(await ctx.store.accountExists(accountId))) throw notFound('account', 'accountId');
  return accountId;
}
