/**
 * Endpoints under `/v1/accounts/{accountId}/endpoints`: CRUD, the secret, rotation, send-test and recover.
 * A portal session limited to a scope reaches only the endpoints scoped within it.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../app/context.ts';
import {
  createEndpoint,
  deleteEndpoint,
  getEndpoint,
  listEndpoints,
  recoverEndpoint,
  revealSecret,
  rotateSecret,
  sendTestEvent,
  updateEndpoint,
} from '../app/endpoints.ts';
import type { EndpointRecord } from '../store/store.ts';
import { accountInPath, actorOf, endpointScopeOf } from './access.ts';
import { endpointOut } from './representations.ts';
import {
  AccountParams,
  EndpointCreatedOut,
  EndpointIn,
  EndpointOut,
  EndpointParams,
  EndpointPatch,
  ListOf,
  PageQuery,
  pageOf,
  RecoverIn,
  RecoverOut,
  RotateIn,
  responses,
  SecretOut,
  TestOut,
} from './schemas.ts';

function secretOut(endpoint: EndpointRecord) {
  const expires = endpoint.previousSecretExpiresAt;
  return {
    secret: endpoint.secret,
    previousSecretExpiresAt: expires === null ? null : new Date(expires).toISOString(),
  };
}

/** Registers the endpoint routes. */
export function registerEndpointRoutes(app: FastifyInstance, ctx: AppContext): void {
  const tags = ['endpoints'];
  const endpointIdOf = (params: unknown) => (params as { endpointId: string }).endpointId;

  app.post(
    '/accounts/:accountId/endpoints',
    {
      schema: { tags, params: AccountParams, body: EndpointIn, response: responses(201, EndpointCreatedOut) },
    },
    async (request, reply) => {
      const accountId = await accountInPath(ctx, request);
      const endpoint = await createEndpoint(
        ctx,
        accountId,
        request.body as EndpointIn,
        'api',
        endpointScopeOf(request),
        actorOf(request),
      );
      return reply.code(201).send({ ...endpointOut(endpoint), secret: endpoint.secret });
    },
  );

  app.get(
    '/accounts/:accountId/endpoints',
    {
      schema: {
        tags,
        params: AccountParams,
        querystring: PageQuery,
        response: responses(200, ListOf(EndpointOut)),
      },
    },
    async (request) => {
      const accountId = await accountInPath(ctx, request);
      const page = await listEndpoints(
        ctx,
        accountId,
        pageOf(request.query as PageQuery),
        endpointScopeOf(request),
      );
      return { data: page.items.map(endpointOut), nextCursor: page.nextCursor };
    },
  );

  app.get(
    '/accounts/:accountId/endpoints/:endpointId',
    { schema: { tags, params: EndpointParams, response: responses(200, EndpointOut) } },
    async (request) => {
      const accountId = await accountInPath(ctx, request);
      return endpointOut(
        await getEndpoint(ctx, accountId, endpointIdOf(request.params), endpointScopeOf(request)),
      );
    },
  );

  app.patch(
    '/accounts/:accountId/endpoints/:endpointId',
    { schema: { tags, params: EndpointParams, body: EndpointPatch, response: responses(200, EndpointOut) } },
    async (request) => {
      const accountId = await accountInPath(ctx, request);
      const patch = (request.body ?? {}) as EndpointPatch;
      return endpointOut(
        await updateEndpoint(
          ctx,
          accountId,
          endpointIdOf(request.params),
          patch,
          endpointScopeOf(request),
          actorOf(request),
        ),
      );
    },
  );

  app.delete(
    '/accounts/:accountId/endpoints/:endpointId',
    { schema: { tags, params: EndpointParams, response: responses(204, Type.Null()) } },
    async (request, reply) => {
      const accountId = await accountInPath(ctx, request);
      await deleteEndpoint(
        ctx,
        accountId,
        endpointIdOf(request.params),
        endpointScopeOf(request),
        actorOf(request),
      );
      return reply.code(204).send();
    },
  );

  app.get(
    '/accounts/:accountId/endpoints/:endpointId/secret',
    { schema: { tags, params: EndpointParams, response: responses(200, SecretOut) } },
    async (request) => {
      const accountId = await accountInPath(ctx, request);
      return secretOut(
        await revealSecret(
          ctx,
          accountId,
          endpointIdOf(request.params),
          endpointScopeOf(request),
          actorOf(request),
        ),
      );
    },
  );

  app.post(
    '/accounts/:accountId/endpoints/:endpointId/secret/rotate',
    { schema: { tags, params: EndpointParams, body: RotateIn, response: responses(200, SecretOut) } },
    async (request) => {
      const accountId = await accountInPath(ctx, request);
      const body = (request.body ?? {}) as { secret?: string };
      return secretOut(
        await rotateSecret(
          ctx,
          accountId,
          endpointIdOf(request.params),
          body,
          endpointScopeOf(request),
          actorOf(request),
        ),
      );
    },
  );

  app.post(
    '/accounts/:accountId/endpoints/:endpointId/test',
    { schema: { tags, params: EndpointParams, response: responses(202, TestOut) } },
    async (request, reply) => {
      const accountId = await accountInPath(ctx, request);
      const sent = await sendTestEvent(
        ctx,
        accountId,
        endpointIdOf(request.params),
        endpointScopeOf(request),
      );
      return reply.code(202).send({ eventId: sent.eventId, deliveries: sent.deliveryIds });
    },
  );

  app.post(
    '/accounts/:accountId/endpoints/:endpointId/recover',
    { schema: { tags, params: EndpointParams, body: RecoverIn, response: responses(202, RecoverOut) } },
    async (request, reply) => {
      const accountId = await accountInPath(ctx, request);
      const result = await recoverEndpoint(
        ctx,
        accountId,
        endpointIdOf(request.params),
        request.body as RecoverIn,
        endpointScopeOf(request),
        actorOf(request),
      );
      return reply.code(202).send(result);
    },
  );
}
