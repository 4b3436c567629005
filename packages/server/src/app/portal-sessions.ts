/**
 * Portal sessions: the platform opens one for a merchant and hands the merchant's browser a link to the
 * portal, whose token reaches that one account for an hour or so, possibly only the webhooks of some
 * products, checkouts, upsells or carts. A session cannot open another, manage API keys or reach the
 * operator's routes, so a leaked link is worth little and soon nothing.
 */
import { type EndpointScope, isGeneralScope } from '../domain/endpoint-scope.ts';
import type { AccountRecord, PortalLocale, PortalSessionRecord } from '../store/store.ts';
import { AppError } from './app-error.ts';
import { type Actor, auditEntry } from './audit-log.ts';
import type { AppContext } from './context.ts';
import { generatePortalToken, hashToken } from './credentials.ts';

/** How long a session lasts unless the platform asks otherwise: one hour. */
export const DEFAULT_PORTAL_SESSION_SECONDS = 3_600;

// Expired sessions are deleted when the account opens a new one, a day late: long enough to tell a
// merchant whose link stopped working that it expired, short enough that the table stays small.
const KEEP_EXPIRED_MS = 24 * 3_600 * 1_000;

/** What the platform asks for. */
export interface PortalSessionInput {
  readonly locale?: PortalLocale | undefined;
  /** The webhooks the session may manage: those scoped within these ids. No ids: all of the account's. */
  readonly scope?: Partial<EndpointScope> | undefined;
  readonly expiresInSeconds?: number | undefined;
}

/** A new session with its token, shown this once (only its hash is stored). */
export interface CreatedPortalSession {
  readonly session: PortalSessionRecord;
  readonly token: string;
}

/** Opens a portal session for an account. */
export async function createPortalSession(
  ctx: AppContext,
  accountId: string,
  input: PortalSessionInput,
  actor: Actor,
): Promise<CreatedPortalSession> {
  const nowMs = ctx.now();
  const token = generatePortalToken();
  const session: PortalSessionRecord = {
    id: ctx.newId('portal_session'),
    accountId,
    scope: sessionScopeOf(input.scope),
    locale: input.locale ?? 'en',
    createdAt: nowMs,
    expiresAt: nowMs + (input.expiresInSeconds ?? DEFAULT_PORTAL_SESSION_SECONDS) * 1_000,
  };
  await ctx.store.deleteExpiredPortalSessions(accountId, nowMs - KEEP_EXPIRED_MS);
  await ctx.store.createPortalSession(
    session,
    hashToken(token),
    auditEntry(ctx, actor, {
      action: 'portal_session.created',
      accountId,
      targetType: 'portal_session',
      targetId: session.id,
      details: {
        scope: session.scope,
        locale: session.locale,
        expiresAt: new Date(session.expiresAt).toISOString(),
      },
    }),
  );
  return { session, token };
}

/** The scope a session keeps: every list given, or `null` when no list names an id (the whole account). */
function sessionScopeOf(given: Partial<EndpointScope> | undefined): EndpointScope | null {
  const scope: EndpointScope = {
    productIds: given?.productIds ?? [],
    checkoutIds: given?.checkoutIds ?? [],
    upsellIds: given?.upsellIds ?? [],
    plugIds: given?.plugIds ?? [],
  };
  return isGeneralScope(scope) ? null : scope;
}

/** The session a bearer token opens, or `undefined` when there is none or it expired. */
export async function portalSessionOf(
  ctx: AppContext,
  token: string,
  hash = hashToken(token),
): Promise<PortalSessionRecord | undefined> {
  const session = await ctx.store.findPortalSessionByHash(hash);
  if (!session || session.expiresAt <= ctx.now()) return undefined;
  return session;
}

/** A session with its account, for the portal to know whose screens to show. */
export async function describePortalSession(
  ctx: AppContext,
  accountId: string,
  sessionId: string,
): Promise<{ session: PortalSessionRecord; account: AccountRecord }> {
  const [session, account] = await Promise.all([
    ctx.store.getPortalSession(accountId, sessionId),
    ctx.store.getAccount(accountId),
  ]);
  // Both exist while the session authenticates the request; this answers a race with expiry cleanly.
  if (!session || !account) {
    throw new AppError('unauthorized', 'the portal session expired or is not valid', 'authorization');
  }
  return { session, account };
}
