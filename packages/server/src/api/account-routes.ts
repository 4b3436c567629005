/**
 * Accounts, publishing and the logs (events, deliveries, attempts) under `/v1/accounts`.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  accountConcurrencyOf,
  activeUrlLimitOf,
  createAccount,
  listAccounts,
  updateAccount,
} from '../app/accounts.ts';
import { AppError } from '../app/app-error.ts';
import type { AppContext } from '../app/context.ts';
import {
  getDelivery,
  getEvent,
  listDeliveries,
  listEvents,
  logTimeRange,
  retryDelivery,
} from '../app/delivery-log.ts';
import { visibleEndpointIds } from '../app/endpoints.ts';
import { type PublishResult, publishEvents } from '../app/publish-events.ts';
import { retentionOf } from '../app/retention.ts';
import type { AccountRecord } from '../store/store.ts';
import { accountInPath, actorOf, adminOnly, endpointScopeOf, requireWholeAccount } from './access.ts';
import { accountOut, attemptOut, deliveryOut, eventOut } from './representations.ts';
import {
  AccountCreatedOut,
  AccountIn,
  AccountOut,
  AccountParams,
  AccountPatch,
  DeliveryDetailOut,
  DeliveryListQuery,
  DeliveryOut,
  DeliveryParams,
  EventBatchIn,
  EventDetailOut,
  EventIn,
  EventListQuery,
  EventOut,
  EventParams,
  ListOf,
  PageQuery,
  PublishBatchOut,
  PublishOut,
  pageOf,
  responses,
} from './schemas.ts';

/** Largest batch request body: 1,000 events of about 32 KiB each. */
export const MAX_BATCH_BODY_BYTES = 32 * 1024 * 1024;

// No `:` in keys: a batch's events without an id get `<key>:<index>`, which must not collide with the
// id a single publish takes from its key.
const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,100}$',
      description: 'Makes the publish idempotent: the event id (single) or the prefix of event ids (batch)',
    }),
  ),
});

/** `new Date(ms).toISOString()` that remembers its last answer: the events of a batch share their times. */
function isoTimeCache(): (ms: number) => string {
  let lastMs = Number.NaN;
  let lastIso = '';
  return (ms) => {
    if (ms !== lastMs) {
      lastMs = ms;
      lastIso = new Date(ms).toISOString();
    }
    return lastIso;
  };
}
const occurredAtIso = isoTimeCache();
const createdAtIso = isoTimeCache();

function publishOut(result: PublishResult) {
  return {
    id: result.id,
    type: result.type,
    occurredAt: occurredAtIso(result.occurredAt),
    createdAt: createdAtIso(result.createdAt),
    deliveries: result.deliveryIds,
    created: result.created,
  };
}

/** An account as the API shows it, with its active-URL limit and the URLs that count against it now. */
async function accountView(ctx: AppContext, account: AccountRecord) {
  return accountOut(account, {
    maxActiveUrls: activeUrlLimitOf(ctx, account),
    activeUrls: await ctx.store.countActiveUrls(account.id),
    maxConcurrency: accountConcurrencyOf(ctx, account),
    retentionMs: retentionOf(ctx, account),
  });
}

/** Registers the account, publishing and log routes. */
export function registerAccountRoutes(app: FastifyInstance, ctx: AppContext): void {
  // The endpoints whose logs the caller may read: all (`undefined`), or a scoped portal's.
  const visibleIds = (request: FastifyRequest, accountId: string) =>
    visibleEndpointIds(ctx, accountId, endpointScopeOf(request));

  app.post(
    '/accounts',
    {
      onRequest: adminOnly,
      schema: { tags: ['accounts'], body: AccountIn, response: responses(201, AccountCreatedOut) },
    },
    async (request, reply) => {
      const { account, apiKey } = await createAccount(ctx, request.body as AccountIn, actorOf(request));
      return reply.code(201).send({ ...(await accountView(ctx, account)), apiKey });
    },
  );

  app.get(
    '/accounts',
    {
      onRequest: adminOnly,
      schema: { tags: ['accounts'], querystring: PageQuery, response: responses(200, ListOf(AccountOut)) },
    },
    async (request) => {
      const page = await listAccounts(ctx, pageOf(request.query as PageQuery));
      return {
        data: await Promise.all(page.items.map((account) => accountView(ctx, account))),
        nextCursor: page.nextCursor,
      };
    },
  );

  app.get(
    '/accounts/:accountId',
    { schema: { tags: ['accounts'], params: AccountParams, response: responses(200, AccountOut) } },
    async (request) => {
      const accountId = await accountInPath(ctx, request);
      return accountView(ctx, (await ctx.store.getAccount(accountId))!);
    },
  );

  app.patch(
    '/accounts/:accountId',
    {
      onRequest: adminOnly,
      schema: {
        tags: ['accounts'],
        summary: 'Change an account’s settings (admin)',
        params: AccountParams,
        body: AccountPatch,
        response: responses(200, AccountOut),
      },
    },
    async (request) => {
      const accountId = await accountInPath(ctx, request);
      const changes = request.body as AccountPatch;
      return accountView(ctx, await updateAccount(ctx, accountId, changes, actorOf(request)));
    },
  );

  app.post(
    '/accounts/:accountId/events',
    {
      onRequest: adminOnly,
      schema: {
        tags: ['events'],
        summary: 'Publish one event',
        params: AccountParams,
        headers: IdempotencyHeaders,
        body: EventIn,
        response: responses(202, PublishOut),
      },
    },
    async (request, reply) => {
      const accountId = await accountInPath(ctx, request);
      const body = request.body as EventIn;
      const key = request.headers['idempotency-key'] as string | undefined;
      if (body.id !== undefined && key !== undefined && body.id !== key) {
        throw new AppError('invalid_field', 'the body id and the Idempotency-Key header differ', 'id');
      }
      const [result] = await publishEvents(ctx, accountId, [{ ...body, id: body.id ?? key }]);
      const out = publishOut(result!);
      // A replay of a known id answers like the first publish, with the stored event; the header and
      // `created: false` say that nothing new was accepted.
      if (!out.created) reply.header('idempotent-replayed', 'true');
      return reply.code(202).send(out);
    },
  );

  app.post(
    '/accounts/:accountId/events/batch',
    {
      bodyLimit: MAX_BATCH_BODY_BYTES,
      onRequest: adminOnly,
      schema: {
        tags: ['events'],
        summary: 'Publish up to 1,000 events in one transaction',
        params: AccountParams,
        headers: IdempotencyHeaders,
        body: EventBatchIn,
        response: responses(202, PublishBatchOut),
      },
    },
    async (request, reply) => {
      const accountId = await accountInPath(ctx, request);
      const key = request.headers['idempotency-key'] as string | undefined;
      // With an Idempotency-Key, events without an id get `<key>:<index>`, so resending the batch is a no-op.
      const inputs = (request.body as EventBatchIn).events.map((event, index) => ({
        ...event,
        id: event.id ?? (key === undefined ? undefined : `${key}:${index}`),
      }));
      const results = await publishEvents(ctx, accountId, inputs, 'events');
      return reply.code(202).send({ events: results.map(publishOut) });
    },
  );

  app.get(
    '/accounts/:accountId/events',
    {
      schema: {
        tags: ['events'],
        params: AccountParams,
        querystring: EventListQuery,
        response: responses(200, ListOf(EventOut)),
      },
    },
    async (request) => {
      const accountId = await accountInPath(ctx, request);
      // The account's whole event stream: a portal of some products reads its deliveries instead.
      requireWholeAccount(request);
      const query = request.query as EventListQuery;
      const page = await listEvents(ctx, accountId, pageOf(query), {
        type: query.type,
        ...logTimeRange(query.since, query.until),
      });
      return { data: page.items.map(eventOut), nextCursor: page.nextCursor };
    },
  );

  app.get(
    '/accounts/:accountId/events/:eventId',
    { schema: { tags: ['events'], params: EventParams, response: responses(200, EventDetailOut) } },
    async (request) => {
      const accountId = await accountInPath(ctx, request);
      const { eventId } = request.params as { eventId: string };
      const { event, deliveries } = await getEvent(
        ctx,
        accountId,
        eventId,
        await visibleIds(request, accountId),
      );
      return { ...eventOut(event), deliveries: deliveries.map(deliveryOut) };
    },
  );

  app.get(
    '/accounts/:accountId/deliveries',
    {
      schema: {
        tags: ['deliveries'],
        params: AccountParams,
        querystring: DeliveryListQuery,
        response: responses(200, ListOf(DeliveryOut)),
      },
    },
    async (request) => {
      const accountId = await accountInPath(ctx, request);
      const query = request.query as DeliveryListQuery;
      const page = await listDeliveries(ctx, accountId, pageOf(query), {
        endpointIds: await visibleIds(request, accountId),
        endpointId: query.endpointId,
        eventId: query.eventId,
        eventType: query.eventType,
        status: query.status,
        ...logTimeRange(query.since, query.until),
      });
      return { data: page.items.map(deliveryOut), nextCursor: page.nextCursor };
    },
  );

  app.get(
    '/accounts/:accountId/deliveries/:deliveryId',
    { schema: { tags: ['deliveries'], params: DeliveryParams, response: responses(200, DeliveryDetailOut) } },
    async (request) => {
      const accountId = await accountInPath(ctx, request);
      const { deliveryId } = request.params as { deliveryId: string };
      const { delivery, attempts } = await getDelivery(
        ctx,
        accountId,
        deliveryId,
        await visibleIds(request, accountId),
      );
      return { ...deliveryOut(delivery), attempts: attempts.map(attemptOut) };
    },
  );

  app.post(
    '/accounts/:accountId/deliveries/:deliveryId/retry',
    { schema: { tags: ['deliveries'], params: DeliveryParams, response: responses(202, DeliveryOut) } },
    async (request, reply) => {
      const accountId = await accountInPath(ctx, request);
      const { deliveryId } = request.params as { deliveryId: string };
      const retried = await retryDelivery(
        ctx,
        accountId,
        deliveryId,
        await visibleIds(request, accountId),
        actorOf(request),
      );
      return reply.code(202).send(deliveryOut(retried));
    },
  );
}
