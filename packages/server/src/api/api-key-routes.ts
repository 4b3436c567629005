/**
 * An account's API keys under `/v1/accounts/{accountId}/api-keys`: create, list, revoke and roll. The
 * admin, the account's own keys and a portal session of the whole account may manage them.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  type CreatedApiKey,
  createApiKey,
  DEFAULT_ROLL_GRACE_SECONDS,
  listApiKeys,
  revokeApiKey,
  rollApiKey,
} from '../app/api-keys.ts';
import type { AppContext } from '../app/context.ts';
import { accountInPath, actorOf, requireWholeAccount } from './access.ts';
import { apiKeyOut } from './representations.ts';
import {
  AccountParams,
  ApiKeyCreatedOut,
  ApiKeyIn,
  ApiKeyOut,
  ApiKeyParams,
  ListOf,
  PageQuery,
  pageOf,
  RollIn,
  responses,
} from './schemas.ts';

/** The key as `ApiKeyCreatedOut` shows it: the only answer that carries the key itself. */
function apiKeyCreatedOut(created: CreatedApiKey) {
  const { id, name, prefix, createdAt, lastUsedAt, expiresAt } = apiKeyOut(created.record);
  return { id, name, key: created.apiKey, prefix, createdAt, lastUsedAt, expiresAt };
}

/** Registers the API key routes. */
export function registerApiKeyRoutes(app: FastifyInstance, ctx: AppContext): void {
  const tags = ['api keys'];
  const keyIdOf = (params: unknown) => (params as { keyId: string }).keyId;
  // The account is checked first, so a session of another account gets the 404 of a missing one.
  const accountOf = async (request: FastifyRequest) => {
    const accountId = await accountInPath(ctx, request);
    requireWholeAccount(request);
    return accountId;
  };

  app.post(
    '/accounts/:accountId/api-keys',
    {
      schema: {
        tags,
        summary: 'Create an API key (the key is shown once)',
        params: AccountParams,
        body: ApiKeyIn,
        response: responses(201, ApiKeyCreatedOut),
      },
    },
    async (request, reply) => {
      const accountId = await accountOf(request);
      const created = await createApiKey(ctx, accountId, (request.body as ApiKeyIn).name, actorOf(request));
      return reply.code(201).send(apiKeyCreatedOut(created));
    },
  );

  app.get(
    '/accounts/:accountId/api-keys',
    {
      schema: {
        tags,
        summary: 'List the API keys that work, oldest first',
        params: AccountParams,
        querystring: PageQuery,
        response: responses(200, ListOf(ApiKeyOut)),
      },
    },
    async (request) => {
      const accountId = await accountOf(request);
      const page = await listApiKeys(ctx, accountId, pageOf(request.query as PageQuery));
      return { data: page.items.map(apiKeyOut), nextCursor: page.nextCursor };
    },
  );

  app.delete(
    '/accounts/:accountId/api-keys/:keyId',
    {
      schema: {
        tags,
        summary: 'Revoke an API key at once',
        params: ApiKeyParams,
        response: responses(204, Type.Null()),
      },
    },
    async (request, reply) => {
      const accountId = await accountOf(request);
      await revokeApiKey(ctx, accountId, keyIdOf(request.params), actorOf(request));
      return reply.code(204).send();
    },
  );

  app.post(
    '/accounts/:accountId/api-keys/:keyId/roll',
    {
      schema: {
        tags,
        summary: 'Replace an API key; the old one works for a grace period',
        params: ApiKeyParams,
        body: RollIn,
        response: responses(201, ApiKeyCreatedOut),
      },
    },
    async (request, reply) => {
      const accountId = await accountOf(request);
      const { expiresInSeconds } = request.body as RollIn;
      const created = await rollApiKey(
        ctx,
        accountId,
        keyIdOf(request.params),
        expiresInSeconds ?? DEFAULT_ROLL_GRACE_SECONDS,
        actorOf(request),
      );
      return reply.code(201).send(apiKeyCreatedOut(created));
    },
  );
}
