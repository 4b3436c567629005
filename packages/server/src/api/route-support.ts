/**
 * Small pieces every route module uses: who may call, which account a path names, paging, and the
 * error responses every route documents.
 */
import type { TSchema } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { requireAccount } from '../app/accounts.ts';
import { AppError } from '../app/app-error.ts';
import type { AppContext } from '../app/context.ts';
import type { PageRequest } from '../store/store.ts';
import type { PageQuery } from './schemas.ts';

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

/** The page a list query asks for. */
export function pageOf(query: PageQuery): PageRequest {
  return { limit: query.limit ?? 50, cursor: query.cursor };
}

// Errors leave as application/problem+json (see error-response.ts); the document says so.
const problem = {
  description: 'RFC 9457 problem details',
  content: { 'application/problem+json': { schema: { $ref: 'Problem#' } } },
};

/** Route response schemas: the success shape plus problem details for errors (for the OpenAPI document). */
export function responses(status: number, schema: TSchema): Record<string, unknown> {
  return { [status]: schema, '4xx': problem, '5xx': problem };
}
