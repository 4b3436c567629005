/**
 * `GET /v1/whoami`: what the bearer token is, so a client (the dashboard) knows which screens to show
 * without trying routes until one works.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../app/app-error.ts';
import type { AppContext } from '../app/context.ts';
import { describePortalSession } from '../app/portal-sessions.ts';
import { responses } from './schemas.ts';

const WhoamiOut = Type.Object(
  {
    kind: Type.Union([Type.Literal('admin'), Type.Literal('account'), Type.Literal('portal')]),
    accountId: Type.Optional(Type.String()),
    accountName: Type.Optional(Type.String()),
    scope: Type.Optional(
      Type.Unknown({ description: 'A portal session’s scope (`null`: the whole account)' }),
    ),
    locale: Type.Optional(Type.String({ description: 'A portal session’s language' })),
    expiresAt: Type.Optional(Type.String({ format: 'date-time', description: 'When a portal session ends' })),
  },
  { additionalProperties: true },
);

/** Registers `GET /whoami`. */
export function registerWhoamiRoute(app: FastifyInstance, ctx: AppContext): void {
  app.get(
    '/whoami',
    {
      schema: {
        tags: ['accounts'],
        summary: 'What the bearer token is: the admin token, an account API key or a portal session',
        response: responses(200, WhoamiOut),
      },
    },
    async (request) => {
      const principal = request.principal;
      if (!principal) throw new AppError('unauthorized', 'missing credentials', 'authorization');
      if (principal.kind === 'admin') return { kind: 'admin' };
      if (principal.kind === 'portal') {
        const { session, account } = await describePortalSession(
          ctx,
          principal.accountId,
          principal.sessionId,
        );
        return {
          kind: 'portal',
          accountId: account.id,
          accountName: account.name,
          scope: session.scope,
          locale: session.locale,
          expiresAt: new Date(session.expiresAt).toISOString(),
        };
      }
      const account = await ctx.store.getAccount(principal.accountId);
      if (!account) throw new AppError('unauthorized', 'the token is not valid', 'authorization');
      return { kind: 'account', accountId: account.id, accountName: account.name };
    },
  );
}
