/**
 * Accounts (merchants) and who is asking: the operator with the admin token, one account with one of
 * its API keys, or a merchant's browser with a portal session of one account. A key or session reaches
 * only its own account; any other account id looks like a missing one.
 */
import { parseDurationMs } from '../domain/duration.ts';
import type { EndpointScope } from '../domain/endpoint-scope.ts';
import type { AccountRecord, ApiKeyRecord, Page, PageRequest, PortalLocale } from '../store/store.ts';
import { apiKeyOf, DEFAULT_API_KEY_NAME, newApiKey } from './api-keys.ts';
import { AppError, notFound } from './app-error.ts';
import { type Actor, accountChanges, auditEntry } from './audit-log.ts';
import type { AppContext } from './context.ts';
import { digestsEqual, PORTAL_TOKEN_PREFIX, tokenDigest } from './credentials.ts';
import { portalSessionOf } from './portal-sessions.ts';
import { checkRetention } from './retention.ts';

/** Who made a request. */
export type Principal =
  | { readonly kind: 'admin' }
  | {
      readonly kind: 'account';
      readonly accountId: string;
      /** The key the request came with, as the audit log names it. */
      readonly apiKey: Pick<ApiKeyRecord, 'id' | 'name' | 'prefix'>;
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
export async function createAccount(
  ctx: AppContext,
  input: { name: string },
  actor: Actor,
): Promise<CreatedAccount> {
  const account: AccountRecord = {
    id: ctx.newId('account'),
    name: input.name,
    maxActiveUrls: null,
    maxConcurrency: null,
    retentionMs: null,
    createdAt: ctx.now(),
  };
  const { record, apiKey, keyHash } = newApiKey(ctx, account.id, DEFAULT_API_KEY_NAME);
  await ctx.store.createAccount(
    account,
    record,
    keyHash,
    auditEntry(ctx, actor, {
      action: 'account.created',
      accountId: account.id,
      targetType: 'account',
      targetId: account.id,
      details: { name: account.name, apiKeyId: record.id, apiKeyPrefix: record.prefix },
    }),
  );
  return { account, apiKey };
}

/** Lists accounts, oldest first. */
export function listAccounts(ctx: AppContext, page: PageRequest): Promise<Page<AccountRecord>> {
  return ctx.cursors.page('accounts', null, page, (inner) => ctx.store.listAccounts(inner));
}

/** A retention as the API takes it (`90d`, `12h`), in milliseconds; `null` stays `null`. */
function parseRetention(text: string | null): number | null {
  if (text === null) return null;
  let ms: number;
  try {
    ms = parseDurationMs(text);
  } catch {
    throw new AppError(
      'invalid_field',
      `retention "${text}" is not a duration such as 30d, 12h or 90m`,
      'retention',
    );
  }
  return checkRetention(ms);
}

/** Changes an account's settings (the operator's). */
export async function updateAccount(
  ctx: AppContext,
  accountId: string,
  changes: {
    readonly maxActiveUrls?: number | null | undefined;
    readonly maxConcurrency?: number | null | undefined;
    /** A duration such as `90d`; `null` goes back to `HOOKLINE_RETENTION`. */
    readonly retention?: string | null | undefined;
  },
  actor: Actor,
): Promise<AccountRecord> {
  const updated = await ctx.store.updateAccount(
    accountId,
    {
      ...(changes.maxActiveUrls === undefined ? {} : { maxActiveUrls: changes.maxActiveUrls }),
      ...(changes.maxConcurrency === undefined ? {} : { maxConcurrency: changes.maxConcurrency }),
      ...(changes.retention === undefined ? {} : { retentionMs: parseRetention(changes.retention) }),
    },
    ({ before, after }) =>
      auditEntry(ctx, actor, {
        action: 'account.updated',
        accountId,
        targetType: 'account',
        targetId: accountId,
        details: accountChanges(before, after),
      }),
  );
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
 * @param adminDigest the admin token's {@link tokenDigest}
 */
export async function authenticate(
  ctx: AppContext,
  adminDigest: Buffer,
  token: string,
): Promise<Principal | undefined> {
  const digest = tokenDigest(token);
  if (digestsEqual(digest, adminDigest)) return { kind: 'admin' };
  const hash = digest.toString('hex');
  if (isPortalToken(token)) {
    const session = await portalSessionOf(ctx, token, hash);
    if (!session) return undefined;
    const { accountId, id: sessionId, scope, locale } = session;
    return { kind: 'portal', accountId, sessionId, scope, locale };
  }
  const key = await apiKeyOf(ctx, token, hash);
  return key ? { kind: 'account', accountId: key.accountId, apiKey: key } : undefined;
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
