/**
 * An account's API keys. An account has several, each named, so each integration can have its own and
 * one can be revoked without breaking the others. Rolling a key replaces it while the old one keeps
 * working for a grace period, as a rotated signing secret keeps signing.
 */
import { assertNever } from '../domain/assert-never.ts';
import type { ApiKeyRecord, Page, PageRequest } from '../store/store.ts';
import { AppError, notFound } from './app-error.ts';
import { type Actor, auditEntry } from './audit-log.ts';
import type { AppContext } from './context.ts';
import { apiKeyPrefixOf, generateApiKey, hashToken } from './credentials.ts';

/** The name of an account's first key, and of keys from before keys had names. */
export const DEFAULT_API_KEY_NAME = 'Default';

/** How long a rolled key keeps working by default: 24 h, the default grace of a rotated signing secret. */
export const DEFAULT_ROLL_GRACE_SECONDS = 86_400;

// A key's last use is for people ("used 3 minutes ago"): a minute's precision is enough, and it keeps
// the publish hot path from writing to the database on every request.
const LAST_USE_INTERVAL_MS = 60_000;

/** A new key with the key itself, shown this once. */
export interface CreatedApiKey {
  readonly record: ApiKeyRecord;
  readonly apiKey: string;
}

/** A new key for an account, not stored yet: the record, the key and the hash to store. */
export function newApiKey(
  ctx: AppContext,
  accountId: string,
  name: string,
): CreatedApiKey & { readonly keyHash: string } {
  const apiKey = generateApiKey();
  return {
    record: {
      id: ctx.newId('api_key'),
      accountId,
      name,
      prefix: apiKeyPrefixOf(apiKey),
      createdAt: ctx.now(),
      lastUsedAt: null,
      expiresAt: null,
    },
    apiKey,
    keyHash: hashToken(apiKey),
  };
}

/** Adds a key to an account; only its hash is stored. */
export async function createApiKey(
  ctx: AppContext,
  accountId: string,
  name: string,
  actor: Actor,
): Promise<CreatedApiKey> {
  const { record, apiKey, keyHash } = newApiKey(ctx, accountId, name);
  await ctx.store.createApiKey(
    record,
    keyHash,
    auditEntry(ctx, actor, {
      action: 'api_key.created',
      accountId,
      targetType: 'api_key',
      targetId: record.id,
      details: { name: record.name, prefix: record.prefix },
    }),
  );
  return { record, apiKey };
}

/** The account's keys that still work, oldest first. */
export function listApiKeys(
  ctx: AppContext,
  accountId: string,
  page: PageRequest,
): Promise<Page<ApiKeyRecord>> {
  return ctx.cursors.page('api-keys', accountId, page, (inner) =>
    ctx.store.listApiKeys(accountId, inner, ctx.now()),
  );
}

/** Revokes a key: it stops working with the next request. An expired key is gone already: not found. */
export async function revokeApiKey(
  ctx: AppContext,
  accountId: string,
  keyId: string,
  actor: Actor,
): Promise<void> {
  const key = await ctx.store.getApiKey(accountId, keyId);
  if (!key || isExpired(key, ctx.now())) throw notFound('API key', 'keyId');
  const audit = auditEntry(ctx, actor, {
    action: 'api_key.revoked',
    accountId,
    targetType: 'api_key',
    targetId: keyId,
    details: { name: key.name, prefix: key.prefix },
  });
  if (!(await ctx.store.deleteApiKey(accountId, keyId, audit))) throw notFound('API key', 'keyId');
}

/**
 * Replaces a key by a new one of the same name. The old key keeps working for `graceSeconds` (0: it is
 * revoked at once), so the integration using it can switch without a failed request. A key already
 * rolled is not rolled again: its replacement exists, and a second roll would leave two keys counting
 * down.
 */
export async function rollApiKey(
  ctx: AppContext,
  accountId: string,
  keyId: string,
  graceSeconds: number,
  actor: Actor,
): Promise<CreatedApiKey> {
  const nowMs = ctx.now();
  const current = await ctx.store.getApiKey(accountId, keyId);
  if (!current || isExpired(current, nowMs)) throw notFound('API key', 'keyId');
  const { record, apiKey, keyHash } = newApiKey(ctx, accountId, current.name);
  const oldExpiresAt = nowMs + graceSeconds * 1000;
  const result = await ctx.store.rollApiKey(
    accountId,
    keyId,
    record,
    keyHash,
    oldExpiresAt,
    nowMs,
    auditEntry(ctx, actor, {
      action: 'api_key.rolled',
      accountId,
      targetType: 'api_key',
      targetId: keyId,
      details: {
        name: current.name,
        prefix: current.prefix,
        expiresAt: new Date(oldExpiresAt).toISOString(),
        replacedBy: { id: record.id, prefix: record.prefix },
      },
    }),
  );
  switch (result) {
    case 'rolled':
      return { record, apiKey };
    case 'not_found':
      throw notFound('API key', 'keyId');
    case 'expiring':
      throw new AppError(
        'api_key_expiring',
        'this key was rolled already and is expiring; roll its replacement or revoke it instead',
        'keyId',
      );
    default:
      return assertNever(result);
  }
}

/**
 * The working key a bearer token is, or `undefined`. Its use is recorded in the background, at most
 * once a minute per key: the request does not wait for that write, and a failed one is only logged.
 */
export async function apiKeyOf(
  ctx: AppContext,
  token: string,
  hash = hashToken(token),
): Promise<ApiKeyRecord | undefined> {
  const key = await ctx.store.findApiKeyByHash(hash);
  const nowMs = ctx.now();
  if (!key || isExpired(key, nowMs)) return undefined;
  noteUse(ctx, key, nowMs);
  return key;
}

function isExpired(key: ApiKeyRecord, nowMs: number): boolean {
  return key.expiresAt !== null && key.expiresAt <= nowMs;
}

function noteUse(ctx: AppContext, key: ApiKeyRecord, nowMs: number): void {
  // The stored time counts too: another process (PostgreSQL) may have written it a moment ago.
  const lastWritten = Math.max(ctx.apiKeyUsesWritten.get(key.id) ?? 0, key.lastUsedAt ?? 0);
  if (nowMs - lastWritten < LAST_USE_INTERVAL_MS) return;
  ctx.apiKeyUsesWritten.set(key.id, nowMs);
  ctx.store
    .touchApiKey(key.id, nowMs)
    .catch((error: unknown) => ctx.onBackgroundFailure(error, 'could not record the last use of an API key'));
}
