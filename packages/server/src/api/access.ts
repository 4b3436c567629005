/**
 * Who may call a route: the operator only, or the operator and the account a path names.
 */
import type { FastifyRequest } from 'fastify';
import { requireAccount } from '../app/accounts.ts';
import { AppError } from '../app/app-error.ts';
import type { AppContext } from '../app/context.ts';

/** Refuses anyone but the operator. */
export function requireAdmin(request: FastifyRequest): void {
  if (request.principal?.kind !== 'admin') {
    throw new AppError('forbidden', 'this route needs the admin token', 'authorization');
  }
}

/** The account in the path, checked against the caller: the admin reaches all, a key only its own. */
export async function accountInPath(ctx: AppContext, request: FastifyRequest): Promise<string> {
  const { accountId } = request.params as { accountId: string };
  if (!request.principal) throw new AppError('unauthorized', 'missing credentials', 'authorization');
  return (await requireAccount(ctx, request.principal, accountId)).id;
}
