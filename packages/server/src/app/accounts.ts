/**
 * Accounts (merchants) and who is asking: the operator with the admin token, or one account with its
 * API key. An account's key reaches only that account; any other account id looks like a missing one.
 */
import type { AccountRecord, Page, PageRequest } from '../store/store.ts';
import { notFound } from './app-error.ts';
import type { AppContext } from './context.ts';
import { generateApiKey, hashToken, tokensEqual } from './credentials.ts';

/** Who made a request. */
export type Principal = { readonly kind: 'admin' } | { readonly kind: 'account'; readonly accountId: string };

/** A new account with the API key shown this once. */
export interface CreatedAccount {
  readonly account: AccountRecord;
  readonly apiKey: string;
}

/** Creates an account and its API key; only the key's hash is stored. */
export async function createAccount(ctx: AppContext, input: { name: string }): Promise<CreatedAccount> {
  const account: AccountRecord = {
    id: ctx.newId('account'),
    name: input.name,
    maxActiveUrls: null,
    createdAt: ctx.now(),
  };
  const apiKey = generateApiKey();
  await ctx.store.createAccount(account, hashToken(apiKey));
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
  changes: { readonly maxActiveUrls?: number | null | undefined },
): Promise<AccountRecord> {
  const updated = await ctx.store.updateAccount(
    accountId,
    changes.maxActiveUrls === undefined ? {} : { maxActiveUrls: changes.maxActiveUrls },
  );
  if (!updated) throw notFound('account', 'accountId');
  return updated;
}

/** The URLs an account may have receiving at once. */
export function activeUrlLimitOf(ctx: AppContext, account: AccountRecord): number {
  return account.maxActiveUrls ?? ctx.maxActiveUrls;
}

/** Resolves a bearer token to a principal, or `undefined` when it is neither the admin token nor a key. */
export async function authenticate(
  ctx: AppContext,
  adminToken: string,
  token: string,
): Promise<Principal | undefined> {
  if (tokensEqual(token, adminToken)) return { kind: 'admin' };
  const account = await ctx.store.findAccountByApiKeyHash(hashToken(token));
  return account ? { kind: 'account', accountId: account.id } : undefined;
}

/**
 * The account a principal may act on. A key used on another account's path gets the same 404 as a
 * missing account, so no account learns that another exists.
 */
export async function requireAccount(
  ctx: AppContext,
  principal: Principal,
  accountId: string,
): Promise<AccountRecord> {
  if (principal.kind === 'account' && principal.accountId !== accountId)
    throw notFound('account', 'accountId');
  const account = await ctx.store.getAccount(accountId);
  if (!account) throw notFound('account', 'accountId');
  return account;
}
