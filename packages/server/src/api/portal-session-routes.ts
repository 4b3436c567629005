/**
 * Portal sessions: `POST /v1/accounts/{accountId}/portal-sessions` opens one (the admin or the
 * account's API key) and answers with the link for the merchant's browser; `GET /v1/portal-session`
 * tells the portal, holding the token, whose screens to show.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../app/context.ts';
import { createPortalSession, describePortalSession } from '../app/portal-sessions.ts';
import { accountInPath, actorOf, noPortalSession, requirePortalSession } from './access.ts';
import {
  AccountParams,
  PortalSessionCreatedOut,
  PortalSessionIn,
  PortalSessionOut,
  responses,
} from './schemas.ts';

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Where the merchant's browser reaches this server: the configured public URL, or else the origin the
 * request came to (right when the platform's backend calls the address browsers use too).
 */
function publicBaseOf(ctx: AppContext, request: FastifyRequest): string {
  return ctx.publicUrl ?? `${request.protocol}://${request.host}`;
}

/** Registers the portal session routes. */
export function registerPortalSessionRoutes(app: FastifyInstance, ctx: AppContext): void {
  const tags = ['portal'];

  app.post(
    '/accounts/:accountId/portal-sessions',
    {
      onRequest: noPortalSession,
      schema: {
        tags,
        summary: 'Open a merchant portal session (the link is shown once)',
        params: AccountParams,
        body: PortalSessionIn,
        response: responses(201, PortalSessionCreatedOut),
      },
    },
    async (request, reply) => {
      const accountId = await accountInPath(ctx, request);
      const { session, token } = await createPortalSession(
        ctx,
        accountId,
        request.body as PortalSessionIn,
        actorOf(request),
      );
      // In the fragment, the token never reaches a server: browsers do not send it, nor put it in a
      // Referer, so no proxy or access log on the way to the portal sees it.
      return reply.code(201).send({
        id: session.id,
        url: `${publicBaseOf(ctx, request)}/portal#token=${token}`,
        expiresAt: iso(session.expiresAt),
        locale: session.locale,
        scope: session.scope,
      });
    },
  );

  app.get(
    '/portal-session',
    {
      schema: {
        tags,
        summary: 'The portal session of the token, and whose it is (portal session tokens only)',
        response: responses(200, PortalSessionOut),
      },
    },
    async (request) => {
      const principal = requirePortalSession(request);
      const { session, account } = await describePortalSession(ctx, principal.accountId, principal.sessionId);
      return {
        id: session.id,
        accountId: account.id,
        accountName: account.name,
        scope: session.scope,
        locale: session.locale,
        expiresAt: iso(session.expiresAt),
      };
    },
  );
}
