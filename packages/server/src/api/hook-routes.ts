/**
 * REST Hooks under `/v1/accounts/{accountId}/hooks`: subscribe and unsubscribe, for integration platforms.
 * A hook is a webhook without a scope, so a portal session limited to a scope may not use them.
 */
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../app/context.ts';
import { subscribeHook, unsubscribeHook } from '../app/rest-hooks.ts';
import { accountInPath, actorOf, requireWholeAccount } from './access.ts';
import { AccountParams, HookIn, HookOut, HookParams, responses } from './schemas.ts';

/** Registers the REST Hooks routes. */
export function registerHookRoutes(app: FastifyInstance, ctx: AppContext): void {
  const tags = ['rest hooks'];

  app.post(
    '/accounts/:accountId/hooks',
    {
      schema: {
        tags,
        summary: 'Subscribe a target URL to an event type',
        params: AccountParams,
        body: HookIn,
        response: responses(201, HookOut),
      },
    },
    async (request, reply) => {
      const accountId = await accountInPath(ctx, request);
      requireWholeAccount(request);
      const body = request.body as HookIn;
      const endpoint = await subscribeHook(
        ctx,
        accountId,
        { targetUrl: body.target_url, event: body.event },
        actorOf(request),
      );
      return reply.code(201).send({
        id: endpoint.id,
        target_url: endpoint.urls.join(','),
        event: body.event,
        secret: endpoint.secret,
        createdAt: new Date(endpoint.createdAt).toISOString(),
      });
    },
  );

  app.delete(
    '/accounts/:accountId/hooks/:hookId',
    { schema: { tags, summary: 'Unsubscribe', params: HookParams } },
    async (request, reply) => {
      const accountId = await accountInPath(ctx, request);
      requireWholeAccount(request);
      await unsubscribeHook(ctx, accountId, (request.params as { hookId: string }).hookId, actorOf(request));
      return reply.code(204).send();
    },
  );
}
