/**
 * The API's request and response shapes (`XIn`, `XOut`, `XPatch`). The same TypeBox schemas validate
 * requests, serialise responses and generate `/openapi.json`, so the document cannot drift from the
 * behaviour.
 */
import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { AUDIT_ACTIONS, AUDIT_ACTOR_TYPES, AUDIT_TARGET_TYPES } from '../domain/audit-log.ts';
import { DELIVERY_STATUSES } from '../domain/delivery-state.ts';
import { EVENT_TYPE_FILTER_PATTERN, EVENT_TYPE_PATTERN } from '../domain/event-type.ts';
import type { PageRequest } from '../store/store.ts';

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
// Text a user stores: no NUL anywhere (PostgreSQL text cannot hold it, and no name needs it); ids,
// URLs and paths also no other control character.
const TEXT = '^[^\\u0000]*$';
const VISIBLE = '^[^\\u0000-\\u001f\\u007f]*$';
const Instant = Type.String({ format: 'date-time', description: 'ISO 8601 instant (UTC)' });

/** Ids a caller may choose for events: letters, digits and `_ . : -`, as order numbers and UUIDs use. */
export const EVENT_ID_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$';

/** Problem details (RFC 9457): the body of every error answer. */
export const Problem = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    code: Type.String({ description: 'Stable error code; see docs/errors.md' }),
    detail: Type.String(),
    field: Type.Optional(Type.String({ description: 'The input at fault, e.g. `url` or `events[2].type`' })),
    limit: Type.Optional(
      Type.Integer({
        description:
          'The limit that was reached: URLs (`active_url_limit`), requests per second (`rate_limited`)',
      }),
    ),
    policy: Type.Optional(
      Type.Union([Type.Literal('api-key'), Type.Literal('account'), Type.Literal('admin')], {
        description:
          'The rate limit that refused the request (`rate_limited`), as the RateLimit header names it',
      }),
    ),
    suggestions: Type.Optional(
      Type.Array(Type.String(), {
        description: 'The known names closest to the one refused (`unknown_event_type`); may be empty',
      }),
    ),
  },
  { $id: 'Problem', description: 'RFC 9457 problem details' },
);

/** Body of `POST /v1/accounts`. */
export const AccountIn = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 200, pattern: TEXT }) },
  { additionalProperties: false },
);
export type AccountIn = Static<typeof AccountIn>;

/** An account. */
export const AccountOut = Type.Object({
  id: Type.String(),
  name: Type.String(),
  maxActiveUrls: Type.Integer({ description: 'URLs the account may have receiving at once' }),
  activeUrls: Type.Integer({
    description: 'Distinct URLs of its enabled endpoints now: what `maxActiveUrls` limits',
  }),
  maxConcurrency: Type.Integer({
    description: "Its share of each delivery process's attempts in flight (its own, or the server default)",
  }),
  retention: Type.String({
    description:
      'How long its events, deliveries and attempts are kept (its own, or HOOKLINE_RETENTION), e.g. `30d`',
  }),
  createdAt: Instant,
});

/** A new account with its API key (shown once). */
export const AccountCreatedOut = Type.Object({
  ...AccountOut.properties,
  apiKey: Type.String({ description: 'Shown once: only its hash is stored' }),
});

/** Body of `PATCH /v1/accounts/{accountId}` (admin). */
export const AccountPatch = Type.Object(
  {
    maxActiveUrls: Type.Optional(
      Nullable(
        Type.Integer({
          minimum: 1,
          maximum: 100_000,
          description: 'URLs receiving at once; `null` goes back to the server default',
        }),
      ),
    ),
    maxConcurrency: Type.Optional(
      Nullable(
        Type.Integer({
          minimum: 1,
          maximum: 100_000,
          description:
            "Its share of each delivery process's attempts in flight (at most HOOKLINE_WORKER_CONCURRENCY applies); `null` goes back to HOOKLINE_ACCOUNT_CONCURRENCY",
        }),
      ),
    ),
    retention: Type.Optional(
      Nullable(
        Type.String({
          maxLength: 32,
          description:
            'How long its events, deliveries and attempts are kept: a duration of at least `1s`, such as `90d`, `12h` or `30m`; `null` goes back to HOOKLINE_RETENTION',
        }),
      ),
    ),
  },
  { additionalProperties: false },
);
export type AccountPatch = Static<typeof AccountPatch>;

/** Body of `POST …/api-keys`. */
export const ApiKeyIn = Type.Object(
  {
    name: Type.String({
      minLength: 1,
      maxLength: 100,
      pattern: VISIBLE,
      description: 'What the key is for, e.g. the integration that uses it',
    }),
  },
  { additionalProperties: false },
);
export type ApiKeyIn = Static<typeof ApiKeyIn>;

/** An API key, without the key. */
export const ApiKeyOut = Type.Object({
  id: Type.String(),
  name: Type.String(),
  prefix: Type.String({ description: 'The key’s first 10 characters (`hk_…` for keys from before names)' }),
  createdAt: Instant,
  lastUsedAt: Nullable(Type.String({ format: 'date-time', description: 'Recorded at most once a minute' })),
  expiresAt: Nullable(Type.String({ format: 'date-time', description: 'When a rolled key stops working' })),
});

/** A new API key with the key (shown once). */
export const ApiKeyCreatedOut = Type.Object({
  id: Type.String(),
  name: Type.String(),
  key: Type.String({ description: 'Shown once: only its hash is stored' }),
  prefix: Type.String(),
  createdAt: Instant,
  lastUsedAt: Nullable(Instant),
  expiresAt: Nullable(Instant),
});

/** Body of `POST …/api-keys/{keyId}/roll` (optional). */
export const RollIn = Type.Object(
  {
    expiresInSeconds: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 604_800,
        default: 86_400,
        description: 'How long the old key keeps working (at most 7 days); 0 revokes it at once',
      }),
    ),
  },
  { additionalProperties: false },
);
export type RollIn = Static<typeof RollIn>;

/** One event to publish. */
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
    orderingKey: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 200,
        pattern: VISIBLE,
        description:
          'What to keep in order, e.g. a subscription or customer id: an endpoint with `ordered` gets the events of one key one after another, in publish order',
      }),
    ),
  },
  { additionalProperties: false },
);
export type EventIn = Static<typeof EventIn>;

/** Body of `POST …/events/batch`: up to 1,000 events, stored in one transaction. */
export const EventBatchIn = Type.Object(
  { events: Type.Array(EventIn, { minItems: 1, maxItems: 1000 }) },
  { additionalProperties: false },
);
export type EventBatchIn = Static<typeof EventBatchIn>;

/** The answer for one published event. */
export const PublishOut = Type.Object({
  id: Type.String(),
  type: Type.String(),
  occurredAt: Instant,
  createdAt: Instant,
  deliveries: Type.Array(Type.String(), { description: 'Ids of the deliveries this event created' }),
  created: Type.Boolean({ description: 'false when this id was published before (nothing new was written)' }),
});

/** The answer for a batch: one entry per event, in order. */
export const PublishBatchOut = Type.Object({ events: Type.Array(PublishOut) });

/** An event as the log shows it. */
export const EventOut = Type.Object({
  id: Type.String(),
  type: Type.String(),
  occurredAt: Instant,
  createdAt: Instant,
  orderingKey: Nullable(Type.String()),
  data: Type.Unknown(),
});

/** A delivery: one event owed to one endpoint URL. */
export const DeliveryOut = Type.Object({
  id: Type.String(),
  eventId: Type.String(),
  eventType: Type.String(),
  endpointId: Type.String(),
  url: Type.String(),
  lineId: Nullable(Type.String({ description: 'The order line this delivery carries (perOrderLine)' })),
  status: Type.Union(DELIVERY_STATUSES.map((s) => Type.Literal(s))),
  attemptCount: Type.Integer(),
  nextAttemptAt: Nullable(Instant),
  lastAttemptAt: Nullable(Instant),
  lastStatusCode: Nullable(Type.Integer()),
  lastErrorCode: Nullable(Type.String()),
  createdAt: Instant,
  updatedAt: Instant,
});

/** An event with its deliveries (the first 1,000; list more with `GET …/deliveries?eventId=`). */
export const EventDetailOut = Type.Object({
  ...EventOut.properties,
  deliveries: Type.Array(DeliveryOut),
});

/** One HTTP request of a delivery. */
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
  responseHeaders: Nullable(
    Type.Record(Type.String(), Type.String(), {
      description: 'The response headers as received (names in lower case); null without a response.',
    }),
  ),
  requestHeaders: Nullable(
    Type.Record(Type.String(), Type.String(), {
      description:
        'The request headers as sent, with the value of any credential header replaced by "[redacted]"; null for attempts logged before the log kept them.',
    }),
  ),
  requestBody: Nullable(
    Type.String({
      description:
        'The request body as sent, up to HOOKLINE_LOGGED_REQUEST_BODY_BYTES; null when none is kept.',
    }),
  ),
  requestBodyTruncated: Type.Boolean(),
  succeeded: Type.Boolean(),
});

/** A delivery with every attempt. */
export const DeliveryDetailOut = Type.Object({
  ...DeliveryOut.properties,
  attempts: Type.Array(AttemptOut),
});

const endpointFields = {
  url: Type.String({
    minLength: 1,
    maxLength: 8_000,
    pattern: VISIBLE,
    description:
      'Where to send: one http(s) URL, or several separated by commas (each gets its own deliveries)',
  }),
  description: Type.String({ maxLength: 1_000, pattern: TEXT }),
  eventTypes: Type.Array(Type.String({ pattern: EVENT_TYPE_FILTER_PATTERN, maxLength: 130 }), {
    minItems: 1,
    maxItems: 500,
    description:
      'Event types of the catalogue, their aliases (stored as the types they stand for), family wildcards such as `order.*` that cover a type, or `["*"]` for all (the default)',
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
  urls: Type.Union(
    [
      Type.Array(Type.String({ minLength: 1, maxLength: 2_000, pattern: VISIBLE }), {
        minItems: 1,
        maxItems: 20,
      }),
      Type.String({ minLength: 1, maxLength: 8_000, pattern: VISIBLE }),
    ],
    { description: 'Several URLs, as a list or one comma-separated string; instead of `url`' },
  ),
  productIds: scopeIds('Only events about these products (any order line)'),
  checkoutIds: scopeIds('Only events from these checkouts'),
  upsellIds: scopeIds('Only orders of these (one-click) upsells'),
  plugIds: scopeIds('Only events from these carts (plugs)'),
  perOrderLine: Type.Boolean({
    description: 'One delivery per order line, each with the order and that line in `data.order.line`',
  }),
  includeRecurring: Type.Boolean({
    description: 'Also order events of direct debits and instalments collected automatically',
  }),
  ordered: Type.Boolean({
    description:
      'Deliver the events of one `orderingKey` one after another, in publish order: each only once the one before it succeeded, finally failed or was cancelled',
  }),
  fields: Type.Array(Type.String({ minLength: 1, maxLength: 256, pattern: VISIBLE }), {
    maxItems: 200,
    description: 'Dot paths of `data` to deliver (through arrays: every element); empty: all of it',
  }),
  format: Type.Union([Type.Literal('json'), Type.Literal('form')], {
    description: '`json`, or `form` for application/x-www-form-urlencoded with nested keys',
  }),
  userAgent: Nullable(Type.String({ minLength: 1, maxLength: 500, description: 'Replaces our User-Agent' })),
};

function scopeIds(description: string) {
  return Type.Array(Type.String({ minLength: 1, maxLength: 200, pattern: VISIBLE }), {
    maxItems: 1_000,
    description,
  });
}

/** The options every endpoint shows (all with their values, defaults included). */
const endpointOptionsOut = {
  productIds: Type.Array(Type.String()),
  checkoutIds: Type.Array(Type.String()),
  upsellIds: Type.Array(Type.String()),
  plugIds: Type.Array(Type.String()),
  perOrderLine: Type.Boolean(),
  includeRecurring: Type.Boolean(),
  ordered: Type.Boolean(),
  fields: Type.Array(Type.String()),
  format: Type.Union([Type.Literal('json'), Type.Literal('form')]),
  userAgent: Nullable(Type.String()),
  source: Type.Union([Type.Literal('api'), Type.Literal('rest_hook')], {
    description: '`rest_hook` when an integration platform subscribed it through `…/hooks`',
  }),
};

/** Body of `POST …/endpoints`. */
export const EndpointIn = Type.Object(
  {
    url: Type.Optional(endpointFields.url),
    urls: Type.Optional(endpointFields.urls),
    description: Type.Optional(endpointFields.description),
    eventTypes: Type.Optional(endpointFields.eventTypes),
    enabled: Type.Optional(endpointFields.enabled),
    headers: Type.Optional(endpointFields.headers),
    timeoutMs: Type.Optional(endpointFields.timeoutMs),
    maxConcurrency: Type.Optional(endpointFields.maxConcurrency),
    rateLimitPerSecond: Type.Optional(endpointFields.rateLimitPerSecond),
    productIds: Type.Optional(endpointFields.productIds),
    checkoutIds: Type.Optional(endpointFields.checkoutIds),
    upsellIds: Type.Optional(endpointFields.upsellIds),
    plugIds: Type.Optional(endpointFields.plugIds),
    perOrderLine: Type.Optional(endpointFields.perOrderLine),
    includeRecurring: Type.Optional(endpointFields.includeRecurring),
    ordered: Type.Optional(endpointFields.ordered),
    fields: Type.Optional(endpointFields.fields),
    format: Type.Optional(endpointFields.format),
    userAgent: Type.Optional(endpointFields.userAgent),
    secret: Type.Optional(
      Type.String({ description: 'Your own whsec_ secret; one is generated when absent' }),
    ),
  },
  { additionalProperties: false },
);
export type EndpointIn = Static<typeof EndpointIn>;

/** Body of `PATCH …/endpoints/{endpointId}`: any subset of the endpoint fields. */
export const EndpointPatch = Type.Partial(Type.Omit(EndpointIn, ['secret']), { additionalProperties: false });
export type EndpointPatch = Static<typeof EndpointPatch>;

/** An endpoint (without its secret). */
export const EndpointOut = Type.Object({
  id: Type.String(),
  url: Type.String({ description: 'The URLs, comma-separated as given' }),
  urls: Type.Array(Type.String()),
  description: Type.String(),
  eventTypes: Type.Array(Type.String()),
  enabled: Type.Boolean(),
  disabledReason: Nullable(
    Type.String({ description: 'Why Hookline disabled it: `gone` (its receiver answered 410) or `failing`' }),
  ),
  failingSince: Nullable({
    ...Instant,
    description: 'Since when every attempt has failed; `null` while the last attempt succeeded',
  }),
  headers: Type.Record(Type.String(), Type.String()),
  timeoutMs: Nullable(Type.Integer()),
  maxConcurrency: Nullable(Type.Integer()),
  rateLimitPerSecond: Nullable(Type.Integer()),
  ...endpointOptionsOut,
  createdAt: Instant,
  updatedAt: Instant,
});

/** A new endpoint with its signing secret. */
export const EndpointCreatedOut = Type.Object({ ...EndpointOut.properties, secret: Type.String() });

/** The signing secret of an endpoint. */
export const SecretOut = Type.Object({
  secret: Type.String({ description: 'The current whsec_ signing secret' }),
  previousSecretExpiresAt: Nullable(Instant),
});

/** Body of `POST …/secret/rotate` (optional). */
export const RotateIn = Type.Object(
  { secret: Type.Optional(Type.String({ description: 'Your own new whsec_ secret' })) },
  { additionalProperties: false },
);

/** Body of `POST …/recover`: re-queue failed and cancelled deliveries created in `[since, until)`. */
export const RecoverIn = Type.Object(
  { since: Instant, until: Type.Optional(Instant) },
  { additionalProperties: false },
);
export type RecoverIn = Static<typeof RecoverIn>;

/** How many deliveries a recover re-queued. */
export const RecoverOut = Type.Object({ recovered: Type.Integer() });

/** The test event and its deliveries. */
export const TestOut = Type.Object({ eventId: Type.String(), deliveries: Type.Array(Type.String()) });

/** Body of `POST …/portal-sessions` (optional). */
export const PortalSessionIn = Type.Object(
  {
    locale: Type.Optional(
      Type.Union([Type.Literal('en'), Type.Literal('nl')], {
        default: 'en',
        description: 'The language of the portal',
      }),
    ),
    scope: Type.Optional(
      Type.Object(
        {
          productIds: Type.Optional(endpointFields.productIds),
          checkoutIds: Type.Optional(endpointFields.checkoutIds),
          upsellIds: Type.Optional(endpointFields.upsellIds),
          plugIds: Type.Optional(endpointFields.plugIds),
        },
        {
          additionalProperties: false,
          description:
            'Limits the session to webhooks scoped within these ids; without ids it reaches every webhook of the account',
        },
      ),
    ),
    expiresInSeconds: Type.Optional(
      Type.Integer({ minimum: 60, maximum: 86_400, default: 3_600, description: 'How long the link works' }),
    ),
  },
  { additionalProperties: false },
);
export type PortalSessionIn = Static<typeof PortalSessionIn>;

/** The scope a portal session is limited to; `null`: the whole account. */
const PortalScopeOut = Nullable(
  Type.Object({
    productIds: Type.Array(Type.String()),
    checkoutIds: Type.Array(Type.String()),
    upsellIds: Type.Array(Type.String()),
    plugIds: Type.Array(Type.String()),
  }),
);

/** A new portal session: the link to hand to the merchant's browser. */
export const PortalSessionCreatedOut = Type.Object({
  id: Type.String(),
  url: Type.String({
    description: 'The portal, with the session token in the fragment (`#token=hlp_…`); shown once',
  }),
  expiresAt: Instant,
  locale: Type.Union([Type.Literal('en'), Type.Literal('nl')]),
  scope: PortalScopeOut,
});

/** The portal session making the request, and whose it is. */
export const PortalSessionOut = Type.Object({
  id: Type.String(),
  accountId: Type.String(),
  accountName: Type.String(),
  scope: PortalScopeOut,
  locale: Type.Union([Type.Literal('en'), Type.Literal('nl')]),
  expiresAt: Instant,
});

/** An event type of the catalogue. */
export const EventTypeOut = Type.Object({
  name: Type.String(),
  description: Type.String(),
  schema: Type.Record(Type.String(), Type.Unknown(), { description: 'JSON Schema of the event data' }),
  example: Type.Record(Type.String(), Type.Unknown(), { description: 'An example of the event data' }),
  aliases: Type.Array(Type.String(), {
    description:
      "The seed platforms' own names for this type (InPlayer's `payment.card.success`), accepted in an endpoint's `eventTypes` and stored as this name",
  }),
  origin: Type.Union([Type.Literal('builtin'), Type.Literal('registered')]),
});

/** Body of `POST /v1/event-types` (admin). */
export const EventTypeIn = Type.Object(
  {
    name: Type.String({ pattern: EVENT_TYPE_PATTERN, maxLength: 128 }),
    description: Type.String({ minLength: 1, maxLength: 2_000, pattern: TEXT }),
    schema: Type.Record(Type.String(), Type.Unknown(), { description: 'JSON Schema (draft-07) of the data' }),
    example: Type.Record(Type.String(), Type.Unknown(), {
      description: 'Example data; must match the schema',
    }),
  },
  { additionalProperties: false },
);
export type EventTypeIn = Static<typeof EventTypeIn>;

/** Path parameters naming an event type. */
export const EventTypeParams = Type.Object({ name: Type.String({ maxLength: 128 }) });

/** Path parameters naming an event type under an account. */
export const AccountEventTypeParams = Type.Object({
  accountId: Type.String({ maxLength: 100 }),
  name: Type.String({ maxLength: 128 }),
});

/** Body of `POST …/hooks`: a REST Hooks subscription (Zapier, Make and the like). */
export const HookIn = Type.Object(
  {
    target_url: Type.String({
      minLength: 1,
      maxLength: 2_000,
      pattern: VISIBLE,
      description: 'Where to send the events',
    }),
    event: Type.String({
      pattern: EVENT_TYPE_FILTER_PATTERN,
      maxLength: 130,
      description:
        'The event type to subscribe to (`order.paid`, `order.*` or `*`), or an alias of one (`payment.card.success`)',
    }),
  },
  { additionalProperties: false },
);
export type HookIn = Static<typeof HookIn>;

/** A REST Hooks subscription. */
export const HookOut = Type.Object({
  id: Type.String({ description: 'Unsubscribe with DELETE …/hooks/{id}' }),
  target_url: Type.String(),
  event: Type.String(),
  secret: Type.String({ description: 'The whsec_ secret that signs this hook’s deliveries' }),
  createdAt: Instant,
});

/** Path parameters naming a hook. */
export const HookParams = Type.Object({
  accountId: Type.String({ maxLength: 100 }),
  hookId: Type.String({ maxLength: 100 }),
});

/** The sample an integration platform shows while a user maps fields: a list with one webhook body. */
export const SampleOut = Type.Array(
  Type.Object({ id: Type.String(), type: Type.String(), timestamp: Instant, data: Type.Unknown() }),
);

/** A list page. */
export const ListOf = <T extends TSchema>(item: T) =>
  Type.Object({ data: Type.Array(item), nextCursor: Nullable(Type.String()) });

/** Paging parameters of every list. */
export const PageQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 250, default: 50 })),
  // No length limit here: any cursor the server did not hand out, however long, is `invalid_cursor`.
  cursor: Type.Optional(
    Type.String({ description: 'The `nextCursor` of the previous page of this list, exactly as received' }),
  ),
});
export type PageQuery = Static<typeof PageQuery>;

/** The creation-time range `[since, until)` of a log list; `since` may not be after `until`. */
const createdRange = {
  since: Type.Optional(Type.String({ format: 'date-time', description: 'Created at or after (ISO 8601)' })),
  until: Type.Optional(Type.String({ format: 'date-time', description: 'Created before (ISO 8601)' })),
};

/** Query of the events list. */
export const EventListQuery = Type.Object({
  ...PageQuery.properties,
  type: Type.Optional(Type.String({ pattern: EVENT_TYPE_PATTERN })),
  ...createdRange,
});
export type EventListQuery = Static<typeof EventListQuery>;

/** Query of the deliveries list. */
export const DeliveryListQuery = Type.Object({
  ...PageQuery.properties,
  endpointId: Type.Optional(Type.String({ maxLength: 100 })),
  eventId: Type.Optional(Type.String({ maxLength: 128 })),
  eventType: Type.Optional(
    Type.String({ pattern: EVENT_TYPE_PATTERN, maxLength: 128, description: 'The event’s exact type name' }),
  ),
  status: Type.Optional(Type.Union(DELIVERY_STATUSES.map((s) => Type.Literal(s)))),
  ...createdRange,
});
export type DeliveryListQuery = Static<typeof DeliveryListQuery>;

/** Query of an account's audit log. */
export const AuditLogQuery = Type.Object({
  ...PageQuery.properties,
  action: Type.Optional(Type.Union(AUDIT_ACTIONS.map((a) => Type.Literal(a)))),
  since: Type.Optional(Type.String({ format: 'date-time', description: 'Made at or after (ISO 8601)' })),
  until: Type.Optional(Type.String({ format: 'date-time', description: 'Made before (ISO 8601)' })),
});
export type AuditLogQuery = Static<typeof AuditLogQuery>;

/** Query of the operator's audit log, across accounts. */
export const OperatorAuditLogQuery = Type.Object({
  ...AuditLogQuery.properties,
  accountId: Type.Optional(
    Type.String({ maxLength: 100, description: 'Only this account’s entries; without it, every entry' }),
  ),
});
export type OperatorAuditLogQuery = Static<typeof OperatorAuditLogQuery>;

/** One entry of the audit log. */
export const AuditEntryOut = Type.Object({
  id: Type.String(),
  accountId: Nullable(Type.String({ description: '`null` for an operator action that concerns no account' })),
  at: Instant,
  actor: Type.Object({
    type: Type.Union(AUDIT_ACTOR_TYPES.map((t) => Type.Literal(t))),
    id: Nullable(Type.String({ description: 'The API key’s or portal session’s id; `null` for the admin' })),
    label: Nullable(Type.String({ description: 'An API key’s name and prefix' })),
  }),
  address: Type.String({ description: 'The client address of the request' }),
  action: Type.Union(AUDIT_ACTIONS.map((a) => Type.Literal(a))),
  target: Type.Object({
    type: Type.Union(AUDIT_TARGET_TYPES.map((t) => Type.Literal(t))),
    id: Type.String(),
  }),
  details: Type.Record(Type.String(), Type.Unknown(), {
    description: 'What the action changed or concerned (see docs/operations.md); never a secret',
  }),
});

/** Query of the endpoint statistics. */
export const EndpointStatsQuery = Type.Object({
  since: Type.Optional(
    Type.String({
      format: 'date-time',
      description: 'Count attempts started at or after; default: 24 hours ago',
    }),
  ),
});
export type EndpointStatsQuery = Static<typeof EndpointStatsQuery>;

/** Attempts per endpoint of an account since a time. */
export const EndpointStatsOut = Type.Object({
  since: Instant,
  data: Type.Array(
    Type.Object({
      endpointId: Type.String(),
      attempts: Type.Integer({ description: 'HTTP requests started since `since`: retries and resends too' }),
      succeeded: Type.Integer(),
      failed: Type.Integer({
        description: 'Attempts that did not succeed: an error status, no answer, a 410',
      }),
      lastAttemptAt: Instant,
    }),
    { description: 'One entry per endpoint with attempts since `since`, in the endpoints’ list order' },
  ),
});

/** The operator's overview. */
export const StatsOut = Type.Object({
  at: Instant,
  eventsPublished: Type.Integer({ description: 'Since this process started' }),
  deliveriesCreated: Type.Integer({ description: 'Since this process started' }),
  attemptsSucceeded: Type.Integer({ description: 'Since this process started' }),
  attemptsFailed: Type.Integer({
    description: 'Since this process started: retried, failed for good, or 410',
  }),
  backlog: Type.Object(
    { pending: Type.Integer(), sending: Type.Integer() },
    { description: 'Live deliveries in the database now: waiting or scheduled, and leased' },
  ),
  disabledEndpoints: Type.Integer({ description: 'Endpoints disabled by hand or after a 410, now' }),
  accounts: Type.Integer(),
});

/** Path parameters naming an account. */
export const AccountParams = Type.Object({ accountId: Type.String({ maxLength: 100 }) });
/** Path parameters naming an endpoint. */
export const EndpointParams = Type.Object({
  ...AccountParams.properties,
  endpointId: Type.String({ maxLength: 100 }),
});
/** Path parameters naming an API key. */
export const ApiKeyParams = Type.Object({
  ...AccountParams.properties,
  keyId: Type.String({ maxLength: 100 }),
});
/** Path parameters naming an event. */
export const EventParams = Type.Object({
  ...AccountParams.properties,
  eventId: Type.String({ maxLength: 128 }),
});
/** Path parameters naming a delivery. */
export const DeliveryParams = Type.Object({
  ...AccountParams.properties,
  deliveryId: Type.String({ maxLength: 100 }),
});

/** The page a list query asks for. */
export function pageOf(query: PageQuery): PageRequest {
  return { limit: query.limit ?? 50, cursor: query.cursor };
}

// Errors leave as application/problem+json (see error-response.ts); the document says so.
const problem = {
  description: 'RFC 9457 problem details',
  content: { 'application/problem+json': { schema: { $ref: 'Problem#' } } },
};

/** Route response schemas: the success shape plus problem details for errors (for the OpenAPI document). */
export function responses(status: number, schema: TSchema): Record<string, unknown> {
  return { [status]: schema, '4xx': problem, '5xx': problem };
}
