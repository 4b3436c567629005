/**
 * The API's request and response shapes (`XIn`, `XOut`, `XPatch`). The same TypeBox schemas validate
 * requests, serialise responses and generate `/openapi.json`, so the document cannot drift from the
 * behaviour.
 */
import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { DELIVERY_STATUSES } from '../domain/delivery-state.ts';
import { EVENT_TYPE_FILTER_PATTERN, EVENT_TYPE_PATTERN } from '../domain/event-type.ts';

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const Instant = Type.String({ format: 'date-time', description: 'ISO 8601 instant (UTC)' });

/** Ids a caller may choose for events: letters, digits and `_ . : -`, as order numbers and UUIDs use. */
export const EVENT_ID_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$';

export const Problem = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    code: Type.String({ description: 'Stable error code; see docs/errors.md' }),
    detail: Type.String(),
    field: Type.Optional(Type.String({ description: 'The input at fault, e.g. `url` or `events[2].type`' })),
  },
  { $id: 'Problem', description: 'RFC 9457 problem details' },
);

export const AccountIn = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 200 }) },
  { additionalProperties: false },
);
export type AccountIn = Static<typeof AccountIn>;

export const AccountOut = Type.Object({ id: Type.String(), name: Type.String(), createdAt: Instant });

export const AccountCreatedOut = Type.Object({
  id: Type.String(),
  name: Type.String(),
  createdAt: Instant,
  apiKey: Type.String({ description: 'Shown once: only its hash is stored' }),
});

export const EventIn = Type.Object(
  {
    type: Type.String({
      pattern: EVENT_TYPE_PATTERN,
      maxLength: 128,
      description: 'Dotted name, e.g. order.paid',
    }),
    data: Type.Unknown({ description: 'The event data (any JSON value; objects are usual)' }),
    id: Type.Optional(
      Type.String({
        pattern: EVENT_ID_PATTERN,
        description:
          'Your id for the event. Publishing the same id again is a no-op that returns the stored event.',
      }),
    ),
    occurredAt: Type.Optional(Instant),
  },
  { additionalProperties: false },
);
export type EventIn = Static<typeof EventIn>;

export const EventBatchIn = Type.Object(
  { events: Type.Array(EventIn, { minItems: 1, maxItems: 1000 }) },
  { additionalProperties: false },
);
export type EventBatchIn = Static<typeof EventBatchIn>;

export const PublishOut = Type.Object({
  id: Type.String(),
  type: Type.String(),
  occurredAt: Instant,
  createdAt: Instant,
  deliveries: Type.Array(Type.String(), { description: 'Ids of the deliveries this event created' }),
  created: Type.Boolean({ description: 'false when this id was published before (nothing new was written)' }),
});

export const PublishBatchOut = Type.Object({ events: Type.Array(PublishOut) });

export const EventOut = Type.Object({
  id: Type.String(),
  type: Type.String(),
  occurredAt: Instant,
  createdAt: Instant,
  data: Type.Unknown(),
});

export const DeliveryOut = Type.Object({
  id: Type.String(),
  eventId: Type.String(),
  eventType: Type.String(),
  endpointId: Type.String(),
  url: Type.String(),
  status: Type.Union(DELIVERY_STATUSES.map((s) => Type.Literal(s))),
  attemptCount: Type.Integer(),
  nextAttemptAt: Nullable(Instant),
  lastAttemptAt: Nullable(Instant),
  lastStatusCode: Nullable(Type.Integer()),
  lastErrorCode: Nullable(Type.String()),
  createdAt: Instant,
  updatedAt: Instant,
});

export const EventDetailOut = Type.Object({
  ...EventOut.properties,
  deliveries: Type.Array(DeliveryOut),
});

export const AttemptOut = Type.Object({
  id: Type.String(),
  number: Type.Integer(),
  startedAt: Instant,
  durationMs: Type.Integer(),
  statusCode: Nullable(Type.Integer()),
  errorCode: Nullable(Type.String()),
  errorMessage: Nullable(Type.String()),
  responseBody: Nullable(Type.String()),
  responseBodyTruncated: Type.Boolean(),
  succeeded: Type.Boolean(),
});

export const DeliveryDetailOut = Type.Object({
  ...DeliveryOut.properties,
  attempts: Type.Array(AttemptOut),
});

const endpointFields = {
  url: Type.String({
    minLength: 1,
    maxLength: 8_000,
    description:
      'Where to send: one http(s) URL, or several separated by commas (each gets its own deliveries)',
  }),
  description: Type.String({ maxLength: 1_000 }),
  eventTypes: Type.Array(Type.String({ pattern: EVENT_TYPE_FILTER_PATTERN, maxLength: 130 }), {
    minItems: 1,
    maxItems: 500,
    description: 'Event type names, family wildcards such as `order.*`, or `["*"]` for all (the default)',
  }),
  enabled: Type.Boolean(),
  headers: Type.Record(Type.String(), Type.String({ maxLength: 4_000 }), {
    description: 'Extra request headers (not the webhook-* or framing headers)',
    maxProperties: 50,
  }),
  timeoutMs: Nullable(
    Type.Integer({ minimum: 100, maximum: 300_000, description: 'Lower than the server deadline' }),
  ),
  maxConcurrency: Nullable(Type.Integer({ minimum: 1, maximum: 10_000 })),
  rateLimitPerSecond: Nullable(Type.Integer({ minimum: 1, maximum: 100_000 })),
};

export const EndpointIn = Type.Object(
  {
    url: endpointFields.url,
    description: Type.Optional(endpointFields.description),
    eventTypes: Type.Optional(endpointFields.eventTypes),
    enabled: Type.Optional(endpointFields.enabled),
    headers: Type.Optional(endpointFields.headers),
    timeoutMs: Type.Optional(endpointFields.timeoutMs),
    maxConcurrency: Type.Optional(endpointFields.maxConcurrency),
    rateLimitPerSecond: Type.Optional(endpointFields.rateLimitPerSecond),
    secret: Type.Optional(
      Type.String({ description: 'Your own whsec_ secret; one is generated when absent' }),
    ),
  },
  { additionalProperties: false },
);
export type EndpointIn = Static<typeof EndpointIn>;

export const EndpointPatch = Type.Partial(Type.Omit(EndpointIn, ['secret']), { additionalProperties: false });
export type EndpointPatch = Static<typeof EndpointPatch>;

export const EndpointOut = Type.Object({
  id: Type.String(),
  url: Type.String({ description: 'The URLs, comma-separated as given' }),
  urls: Type.Array(Type.String()),
  description: Type.String(),
  eventTypes: Type.Array(Type.String()),
  enabled: Type.Boolean(),
  disabledReason: Nullable(Type.String()),
  headers: Type.Record(Type.String(), Type.String()),
  timeoutMs: Nullable(Type.Integer()),
  maxConcurrency: Nullable(Type.Integer()),
  rateLimitPerSecond: Nullable(Type.Integer()),
  createdAt: Instant,
  updatedAt: Instant,
});

export const EndpointCreatedOut = Type.Object({ ...EndpointOut.properties, secret: Type.String() });

export const SecretOut = Type.Object({
  secret: Type.String({ description: 'The current whsec_ signing secret' }),
  previousSecretExpiresAt: Nullable(Instant),
});

export const RotateIn = Type.Object(
  { secret: Type.Optional(Type.String({ description: 'Your own new whsec_ secret' })) },
  { additionalProperties: false },
);

export const RecoverIn = Type.Object(
  { since: Instant, until: Type.Optional(Instant) },
  { additionalProperties: false },
);
export type RecoverIn = Static<typeof RecoverIn>;

export const RecoverOut = Type.Object({ recovered: Type.Integer() });

export const TestOut = Type.Object({ eventId: Type.String(), deliveries: Type.Array(Type.String()) });

/** A list page. */
export const ListOf = <T extends TSchema>(item: T) =>
  Type.Object({ data: Type.Array(item), nextCursor: Nullable(Type.String()) });

export const PageQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 250, default: 50 })),
  cursor: Type.Optional(Type.String({ maxLength: 100 })),
});
export type PageQuery = Static<typeof PageQuery>;

export const EventListQuery = Type.Object({
  ...PageQuery.properties,
  type: Type.Optional(Type.String({ pattern: EVENT_TYPE_PATTERN })),
});

export const DeliveryListQuery = Type.Object({
  ...PageQuery.properties,
  endpointId: Type.Optional(Type.String({ maxLength: 100 })),
  eventId: Type.Optional(Type.String({ maxLength: 128 })),
  status: Type.Optional(Type.Union(DELIVERY_STATUSES.map((s) => Type.Literal(s)))),
});

export const AccountParams = Type.Object({ accountId: Type.String({ maxLength: 100 }) });
export const EndpointParams = Type.Object({
  ...AccountParams.properties,
  endpointId: Type.String({ maxLength: 100 }),
});
export const EventParams = Type.Object({
  ...AccountParams.properties,
  eventId: Type.String({ maxLength: 128 }),
});
export const DeliveryParams = Type.Object({
  ...AccountParams.properties,
  deliveryId: Type.String({ maxLength: 100 }),
});
