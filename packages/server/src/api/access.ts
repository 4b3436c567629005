/**
 * Who may call a route: the operator only, the operator and the account a path names (with one of its
 * keys, or a portal session), and which routes a portal session may not use.
 */
import type { FastifyRequest } from 'fastify';
import { type Principal, requireAccount, visibleEndpointScope } from '../app/accounts.ts';
import { AppError } from '../app/app-error.ts';
import type { Actor } from '../app/audit-log.ts';
import type { AppContext } from '../app/context.ts';
import type { EndpointScope } from '../domain/endpoint-scope.ts';

/** Refuses anyone but the operator. */
export function requireAdmin(request: FastifyRequest): void {
  if (request.principal?.kind !== 'admin') {
    throw new AppError('forbidden', 'this route needs the admin token', 'authorization');
  }
}

/**
 * {@link requireAdmin} as a route's `onRequest` hook. The hook runs right after the caller is known,
 * before the body is read and the input validated, so a caller the route refuses whatever the input
 * gets 403, never a complaint about input it may not send (a 422 would even describe the body's shape).
 */
export async function adminOnly(request: FastifyRequest): Promise<void> {
  requireAdmin(request);
}

/** {@link refusePortalSession} as a route's `onRequest` hook (see {@link adminOnly}). */
export async function noPortalSession(request: FastifyRequest): Promise<void> {
  refusePortalSession(request);
}

/** The account in the path, checked against the caller: the admin reaches all, a key only its own. */
export async function accountInPath(ctx: AppContext, request: FastifyRequest): Promise<string> {
  const { accountId } = request.params as { accountId: string };
  return requireAccount(ctx, principalOf(request), accountId);
}

/**
 * Refuses a portal session limited to some products, checkouts, upsells or carts: the route reaches
 * beyond them (API keys act on the whole account; a REST hook is a webhook without a scope).
 */
export function requireWholeAccount(request: FastifyRequest): void {
  const principal = principalOf(request);
  if (principal.kind === 'portal' && principal.scope !== null) {
    throw new AppError(
      'forbidden',
      'a portal session limited to some products, checkouts, upsells or carts cannot use this route',
      'authorization',
    );
  }
}

/** Refuses a portal session: it may not open another (so a session cannot extend itself). */
export function refusePortalSession(request: FastifyRequest): void {
  if (principalOf(request).kind === 'portal') {
    throw new AppError('forbidden', 'this route needs the admin token or an API key', 'authorization');
  }
}

/** The portal session making the request; anyone else is refused. */
export function requirePortalSession(
  request: FastifyRequest,
): Extract<Principal, { readonly kind: 'portal' }> {
  const principal = principalOf(request);
  if (principal.kind !== 'portal') {
    throw new AppError('forbidden', 'this route needs a portal session token', 'authorization');
  }
  return principal;
}

/** Who is making the request and from which address (`request.ip`), as the audit log records them. */
export function actorOf(request: FastifyRequest): Actor {
  return { principal: principalOf(request), address: request.ip };
}

/** The endpoints the caller may see: those scoped within the returned scope, or all (`null`). */
export function endpointScopeOf(request: FastifyRequest): EndpointScope | null {
  return visibleEndpointScope(principalOf(request));
}

function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new AppError('unauthorized', 'missing credentials', 'authorization');
  return request.principal;
}
