/**
 * The audit log, read only: `GET /v1/accounts/{accountId}/audit-log` (the admin, the account's API keys
 * and a portal session of the whole account) and `GET /v1/audit-log` (the admin, across accounts). No
 * route writes, changes or deletes an entry: the use cases write them, and retention deletes them.
 */
import type { FastifyInstance } from 'fastify';
import { listAuditLog } from '../app/audit-log.ts';
import type { AppContext } from '../app/context.ts';
import { logTimeRange } from '../app/delivery-log.ts';
import { accountInPath, requireAdmin, requireWholeAccount } from './access.ts';
import { auditEntryOut } from './representations.ts';
import {
  AccountParams,
  AuditEntryOut,
  AuditLogQuery,
  ListOf,
  OperatorAuditLogQuery,
  pageOf,
  responses,
} from './schemas.ts';

/** Registers the audit log routes. */
export function registerAuditLogRoutes(app: FastifyInstance, ctx: AppContext): void {
  const tags = ['audit log'];

  app.get(
    '/accounts/:accountId/audit-log',
    {
      schema: {
        tags,
        summary: 'Who changed what in the account, when and from where; newest first',
        params: AccountParams,
        querystring: AuditLogQuery,
        response: responses(200, ListOf(AuditEntryOut)),
      },
    },
    async (request) => {
      const accountId = await accountInPath(ctx, request);
      // The log names every endpoint, API key and setting of the account: a session limited to some
      // products would learn of the others.
      requireWholeAccount(request);
      const query = request.query as AuditLogQuery;
      const page = await listAuditLog(ctx, pageOf(query), {
        accountId,
        action: query.action,
        ...logTimeRange(query.since, query.until),
      });
      return { data: page.items.map(auditEntryOut), nextCursor: page.nextCursor };
    },
  );

  app.get(
    '/audit-log',
    {
      schema: {
        tags,
        summary: 'The audit log of every account and of the operator’s own actions (admin); newest first',
        querystring: OperatorAuditLogQuery,
        response: responses(200, ListOf(AuditEntryOut)),
      },
    },
    async (request) => {
      requireAdmin(request);
      const query = request.query as OperatorAuditLogQuery;
      const page = await listAuditLog(ctx, pageOf(query), {
        accountId: query.accountId,
        action: query.action,
        ...logTimeRange(query.since, query.until),
      });
      return { data: page.items.map(auditEntryOut), nextCursor: page.nextCursor };
    },
  );
}
