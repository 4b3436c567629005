/**
 * The event catalogue under `/v1/event-types` (read by any caller, extended by the operator), and the
 * sample an integration platform asks for while a user maps fields.
 */
import type { FastifyInstance } from 'fastify';
import { AppError, notFound } from '../app/app-error.ts';
import type { AppContext } from '../app/context.ts';
import { type EventType, registerEventType } from '../app/event-types.ts';
import { accountInPath, actorOf, adminOnly } from './access.ts';
import {
  AccountEventTypeParams,
  EventTypeIn,
  EventTypeOut,
  EventTypeParams,
  ListOf,
  responses,
  SampleOut,
} from './schemas.ts';

/** Registers the event type routes. */
export function registerEventTypeRoutes(app: FastifyInstance, ctx: AppContext): void {
  const tags = ['event types'];
  const find = async (name: string): Promise<EventType> => {
    const eventType = await ctx.catalog.get(name);
    if (eventType) return eventType;
    const aliased = ctx.catalog.aliasOf(name);
    if (aliased !== undefined) {
      // An alias is no type of its own (events never carry it): point at the types it stands for.
      throw new AppError('not_found', `${name} is an alias of ${aliased.join(' and ')}`, 'name');
    }
    throw notFound('event type', 'name');
  };

  app.get(
    '/event-types',
    { schema: { tags, summary: 'The event catalogue', response: responses(200, ListOf(EventTypeOut)) } },
    async () => ({ data: await ctx.catalog.list(), nextCursor: null }),
  );

  app.get(
    '/event-types/:name',
    { schema: { tags, params: EventTypeParams, response: responses(200, EventTypeOut) } },
    async (request) => find((request.params as { name: string }).name),
  );

  app.post(
    '/event-types',
    {
      onRequest: adminOnly,
      schema: {
        tags,
        summary: 'Register an event type (admin)',
        body: EventTypeIn,
        response: responses(201, EventTypeOut),
      },
    },
    async (request, reply) => {
      const registered = await registerEventType(ctx, request.body as EventTypeIn, actorOf(request));
      return reply.code(201).send(registered);
    },
  );

  app.get(
    '/accounts/:accountId/event-types/:name/sample',
    {
      schema: {
        tags,
        summary:
          'A list with one example webhook body, one per type for an alias (for integration platforms)',
        params: AccountEventTypeParams,
        response: responses(200, SampleOut),
      },
    },
    async (request) => {
      await accountInPath(ctx, request);
      const name = (request.params as { name: string }).name;
      // A hook subscribed with an alias receives the types it stands for: one sample of each.
      const types = await Promise.all((ctx.catalog.aliasOf(name) ?? [name]).map(find));
      return types.map((eventType, index) => ({
        id: index === 0 ? 'evt_sample' : `evt_sample_${index + 1}`,
        type: eventType.name,
        timestamp: new Date(ctx.now()).toISOString(),
        data: eventType.example,
      }));
    },
  );
}
