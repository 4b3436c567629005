/**
 * Erasures of one customer under `/v1/accounts/{accountId}/erasures` (app/erasures.ts): the admin and
 * the account's own API keys may erase and list; a merchant's portal session may not.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../app/context.ts';
import { eraseCustomer, listErasures } from '../app/erasures.ts';
import type { ErasureRecord } from '../store/store.ts';
import { accountInPath, actorOf, refusePortalSession } from './access.ts';
import { AccountParams, ListOf, PageQuery, pageOf, responses } from './schemas.ts';

const ErasureIn = Type.Object(
  {
    customerId: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 200,
        description: 'The customer id the platform publishes (`data.customer.id`, `customerId`)',
      }),
    ),
    email: Type.Optional(
      Type.String({ minLength: 3, maxLength: 320, description: 'The customer’s e-mail address' }),
    ),
  },
  { additionalProperties: false },
);

const ErasureOut = Type.Object({
  id: Type.String(),
  accountId: Type.String(),
  requestedBy: Type.String({ description: '`admin` or `api_key`' }),
  address: Type.Union([Type.String(), Type.Null()], { description: 'The client address of the request' }),
  criteria: Type.Array(Type.String(), {
    description: 'Which of `customerId` and `email` were given (not their values)',
  }),
  events: Type.Integer({ description: 'Events whose data was erased' }),
  deliveriesCancelled: Type.Integer({ description: 'Deliveries not yet made, cancelled' }),
  attemptsCleared: Type.Integer({ description: 'Attempts whose request and response bodies were cleared' }),
  eventIds: Type.Array(Type.String(), { description: 'The ids of the events erased (the first 1,000)' }),
  createdAt: Type.String({ format: 'date-time' }),
});

function erasureOut(erasure: ErasureRecord) {
  return { ...erasure, createdAt: new Date(erasure.createdAt).toISOString() };
}

/** Registers the erasure routes. */
export function registerErasureRoutes(app: FastifyInstance, ctx: AppContext): void {
  const tags = ['erasures'];
  app.post(
    '/accounts/:accountId/erasures',
    {
      schema: {
        tags,
        summary: 'Erase one customer’s personal data from the account’s events, deliveries and attempts',
        params: AccountParams,
        body: ErasureIn,
        response: responses(201, ErasureOut),
      },
    },
    async (request, reply) => {
      const accountId = await accountInPath(ctx, request);
      refusePortalSession(request);
      const erasure = await eraseCustomer(
        ctx,
        accountId,
        request.body as { customerId?: string; email?: string },
        actorOf(request),
      );
      return reply.code(201).send(erasureOut(erasure));
    },
  );
  app.get(
    '/accounts/:accountId/erasures',
    {
      schema: {
        tags,
        params: AccountParams,
        querystring: PageQuery,
        response: responses(200, ListOf(ErasureOut)),
      },
    },
    async (request) => {
      const accountId = await accountInPath(ctx, request);
      refusePortalSession(request);
      const page = await listErasures(ctx, accountId, pageOf(request.query as PageQuery));
      return { data: page.items.map(erasureOut), nextCursor: page.nextCursor };
    },
  );
}
