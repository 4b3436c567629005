/**
 * Managing endpoints: create with a signing secret, change, delete, rotate the secret with a grace
 * period, send a test event, and recover (re-queue) what failed in a time range.
 *
 * Every use case takes the scope the caller is limited to (`visibleEndpointScope` of a principal;
 * `null` for none): a limited caller sees only endpoints scoped within it, as if the others did not
 * exist, and may give an endpoint no scope beyond it. Those that change an endpoint, recover its
 * deliveries or reveal its secret also take the actor, whose audit entry goes with the change.
 */
import { decodeSecret, generateSecret } from '@hookline/receiver';
import { assertNever } from '../domain/assert-never.ts';
import { type EndpointScope, listOutside, SCOPE_LISTS, scopeWithin } from '../domain/endpoint-scope.ts';
import { validateFieldPath } from '../domain/field-projection.ts';
import {
  ActiveUrlLimitError,
  type EndpointChanges,
  type EndpointFormat,
  type EndpointRecord,
  type EndpointSource,
  type Page,
  type PageRequest,
} from '../store/store.ts';
import { activeUrlLimitOf } from './accounts.ts';
import { AppError, notFound } from './app-error.ts';
import { type Actor, auditEntry, endpointChanges, endpointSettings } from './audit-log.ts';
import type { AppContext } from './context.ts';
import { publishDisabled } from './operational-events.ts';
import { storeEvents } from './publish-events.ts';

/** The endpoint settings a caller provides. */
export interface EndpointInput {
  /** One URL, or several separated by commas. */
  readonly url?: string | undefined;
  /** Several URLs, as a list or one comma-separated string; instead of `url`. */
  readonly urls?: readonly string[] | string | undefined;
  readonly productIds?: readonly string[] | undefined;
  readonly checkoutIds?: readonly string[] | undefined;
  readonly upsellIds?: readonly string[] | undefined;
  readonly plugIds?: readonly string[] | undefined;
  readonly perOrderLine?: boolean | undefined;
  readonly includeRecurring?: boolean | undefined;
  readonly ordered?: boolean | undefined;
  readonly fields?: readonly string[] | undefined;
  readonly format?: EndpointFormat | undefined;
  readonly userAgent?: string | null | undefined;
  readonly description?: string | undefined;
  /**
   * Types of the catalogue, their aliases (stored as the types they stand for) and wildcards that
   * cover a type; `["*"]` when left out.
   */
  readonly eventTypes?: readonly string[] | undefined;
  readonly enabled?: boolean | undefined;
  readonly headers?: Readonly<Record<string, string>> | undefined;
  readonly timeoutMs?: number | null | undefined;
  readonly maxConcurrency?: number | null | undefined;
  readonly rateLimitPerSecond?: number | null | undefined;
  /** A `whsec_` secret to use instead of a generated one (e.g. when migrating from another sender). */
  readonly secret?: string | undefined;
}

/** The changes a caller may make. */
export type EndpointPatch = Partial<Omit<EndpointInput, 'secret'>>;

// Headers Hookline sets itself; letting an endpoint override them would break signing or framing.
const RESERVED_HEADERS = new Set([
  'webhook-id',
  'webhook-timestamp',
  'webhook-signature',
  'content-type',
  'content-length',
  'transfer-encoding',
  'host',
  'connection',
  'keep-alive',
  'upgrade',
  'te',
  'trailer',
  'expect',
]);
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// Standard Webhooks keys are 24 to 64 bytes; fewer would weaken the HMAC, more buys nothing.
const MIN_SECRET_BYTES = 24;
const MAX_SECRET_BYTES = 64;

/** Checks a caller's own secret with the same decoder that signs with it, so a stored secret always signs. */
function checkSecret(secret: string | undefined): string | undefined {
  if (secret === undefined) return undefined;
  let bytes = 0;
  try {
    bytes = secret.startsWith('whsec_') ? decodeSecret(secret).length : 0;
  } catch {
    bytes = 0;
  }
  if (bytes < MIN_SECRET_BYTES || bytes > MAX_SECRET_BYTES) {
    throw new AppError(
      'invalid_field',
      `a secret is whsec_ followed by ${MIN_SECRET_BYTES} to ${MAX_SECRET_BYTES} bytes in base64`,
      'secret',
    );
  }
  return secret;
}

/**
 * Splits and checks a URL field; each URL must be http(s) and must not point at a refused address.
 * A comma-separated string (as PayGate takes them) and a list are both accepted.
 */
export async function checkUrls(
  ctx: AppContext,
  given: string | readonly string[],
  field = 'url',
): Promise<string[]> {
  // Only a string is split: a URL given in a list may contain a comma (legal in a query string).
  const urls = (typeof given === 'string' ? given.split(',') : given)
    .map((u) => u.trim())
    .filter((u) => u.length > 0);
  if (urls.length === 0) throw new AppError('invalid_url', 'at least one URL is required', field);
  if (new Set(urls).size !== urls.length)
    throw new AppError('invalid_url', 'the same URL is listed twice', field);
  for (const url of urls) {
    const check = await ctx.urlChecker.checkUrl(url);
    if (check.ok) continue;
    switch (check.code) {
      case 'blocked_address':
        throw new AppError('endpoint_url_blocked', `${check.message}`, field);
      case 'invalid_url':
      case 'unsupported_scheme':
        throw new AppError('invalid_url', check.message, field);
      case 'unresolvable':
        // DNS can fail for a moment; every attempt checks the address again before connecting.
        continue;
      default:
        assertNever(check.code);
    }
  }
  return urls;
}

function checkHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  const clean: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const field = `headers.${name}`;
    if (!HEADER_NAME.test(name)) throw new AppError('invalid_field', 'not a valid header name', field);
    if (RESERVED_HEADERS.has(name.toLowerCase())) {
      throw new AppError('invalid_field', `${name} is set by Hookline and cannot be overridden`, field);
    }
    // HTTP/1.1 carries header values as visible ASCII, spaces and tabs; anything else cannot be sent.
    if (!/^[\t\x20-\x7e]*$/.test(value)) {
      throw new AppError('invalid_field', 'header values must be printable ASCII on one line', field);
    }
    clean[name] = value;
  }
  return clean;
}

/** The URLs of an input: `url` or `urls`, exactly one of them. */
async function urlsOf(
  ctx: AppContext,
  input: Pick<EndpointInput, 'url' | 'urls'>,
): Promise<string[] | undefined> {
  if (input.url !== undefined && input.urls !== undefined) {
    throw new AppError('invalid_field', 'give either url or urls, not both', 'urls');
  }
  if (input.urls !== undefined) return checkUrls(ctx, input.urls, 'urls');
  if (input.url !== undefined) return checkUrls(ctx, input.url, 'url');
  return undefined;
}

function checkFields(fields: readonly string[]): readonly string[] {
  fields.forEach((path, index) => {
    const problem = validateFieldPath(path);
    if (problem !== undefined) throw new AppError('invalid_field', `${path} ${problem}`, `fields[${index}]`);
  });
  return [...new Set(fields)];
}

function checkUserAgent(userAgent: string | null | undefined): string | null | undefined {
  if (typeof userAgent === 'string' && !/^[\x20-\x7e]+$/.test(userAgent)) {
    throw new AppError('invalid_field', 'a User-Agent is printable ASCII on one line', 'userAgent');
  }
  return userAgent;
}

/** The scope of an input, with every list given (missing lists are empty). */
function scopeOf(input: EndpointInput, base?: EndpointScope): EndpointScope {
  return {
    productIds: input.productIds ?? base?.productIds ?? [],
    checkoutIds: input.checkoutIds ?? base?.checkoutIds ?? [],
    upsellIds: input.upsellIds ?? base?.upsellIds ?? [],
    plugIds: input.plugIds ?? base?.plugIds ?? [],
  };
}

/** Whether a caller limited to `visible` (`null`: not limited) sees this endpoint. */
function isVisible(endpoint: EndpointRecord, visible: EndpointScope | null): boolean {
  return visible === null || scopeWithin(endpoint.scope, visible);
}

/** Refuses a scope that a caller limited to `visible` may not give an endpoint, naming the list at fault. */
function checkScopeAllowed(scope: EndpointScope, visible: EndpointScope | null, input: EndpointInput): void {
  if (visible === null || scopeWithin(scope, visible)) return;
  const outside = listOutside(scope, visible);
  if (outside !== undefined) {
    throw new AppError('scope_forbidden', `${outside} lists an id this session may not manage`, outside);
  }
  // Every list is empty: a general endpoint would receive events beyond the session's scope.
  const given = SCOPE_LISTS.find((list) => input[list] !== undefined) ?? 'productIds';
  throw new AppError(
    'scope_forbidden',
    'this session may manage only webhooks limited to its own products, checkouts, upsells or carts',
    given,
  );
}

/** Whether an input sets any list of the scope. */
function hasScopeInput(input: EndpointInput): boolean {
  return SCOPE_LISTS.some((list) => input[list] !== undefined);
}

/** Runs a store write held to the account's active-URL limit, turning the limit into its error. */
async function withinActiveUrlLimit<T>(
  ctx: AppContext,
  accountId: string,
  field: string,
  write: (limits: { maxActiveUrls: number }) => Promise<T>,
): Promise<T> {
  const account = await ctx.store.getAccount(accountId);
  if (!account) throw notFound('account', 'accountId');
  const maxActiveUrls = activeUrlLimitOf(ctx, account);
  try {
    return await write({ maxActiveUrls });
  } catch (error) {
    if (!(error instanceof ActiveUrlLimitError)) throw error;
    throw new AppError(
      'active_url_limit',
      `this account may have at most ${error.limit} URLs receiving at once; disable or delete an endpoint first`,
      field,
      { limit: error.limit },
    );
  }
}

/**
 * Creates an endpoint; the result carries its secret. A caller limited to a scope that gives no scope
 * gets its own: the webhook it means is one for its products.
 */
export async function createEndpoint(
  ctx: AppContext,
  accountId: string,
  input: EndpointInput,
  source: EndpointSource,
  visible: EndpointScope | null,
  actor: Actor,
): Promise<EndpointRecord> {
  const scope = visible !== null && !hasScopeInput(input) ? visible : scopeOf(input);
  checkScopeAllowed(scope, visible, input);
  const urls = await urlsOf(ctx, input);
  if (urls === undefined) throw new AppError('missing_field', 'url is required', 'url');
  const ownSecret = checkSecret(input.secret);
  const eventTypes =
    input.eventTypes === undefined ? ['*'] : await ctx.catalog.resolveFilters(input.eventTypes, 'eventTypes');
  const nowMs = ctx.now();
  const endpoint: EndpointRecord = {
    id: ctx.newId('endpoint'),
    accountId,
    urls,
    description: input.description ?? '',
    eventTypes,
    enabled: input.enabled ?? true,
    disabledReason: null,
    secret: ownSecret ?? generateSecret(),
    previousSecret: null,
    previousSecretExpiresAt: null,
    headers: checkHeaders(input.headers ?? {}),
    timeoutMs: input.timeoutMs ?? null,
    maxConcurrency: input.maxConcurrency ?? null,
    rateLimitPerSecond: input.rateLimitPerSecond ?? null,
    scope,
    perOrderLine: input.perOrderLine ?? false,
    includeRecurring: input.includeRecurring ?? false,
    ordered: input.ordered ?? false,
    fields: checkFields(input.fields ?? []),
    format: input.format ?? 'json',
    userAgent: checkUserAgent(input.userAgent) ?? null,
    source,
    failingSince: null,
    failingWarnedAt: null,
    createdAt: nowMs,
    updatedAt: nowMs,
  };
  const audit = auditEntry(ctx, actor, {
    action: 'endpoint.created',
    accountId,
    targetType: 'endpoint',
    targetId: endpoint.id,
    details: endpointSettings(endpoint),
  });
  await withinActiveUrlLimit(ctx, accountId, input.urls === undefined ? 'url' : 'urls', (limits) =>
    ctx.store.createEndpoint(endpoint, limits, audit),
  );
  return endpoint;
}

/** One endpoint of the account; one the caller may not see is not found, as a missing one. */
export async function getEndpoint(
  ctx: AppContext,
  accountId: string,
  endpointId: string,
  visible: EndpointScope | null = null,
): Promise<EndpointRecord> {
  const endpoint = await ctx.store.getEndpoint(accountId, endpointId);
  if (!endpoint || !isVisible(endpoint, visible)) throw notFound('endpoint', 'endpointId');
  return endpoint;
}

/**
 * The ids of the account's endpoints a caller limited to `visible` may see, for the logs and figures
 * of those endpoints only; `undefined` when the caller is not limited (every endpoint, deleted ones
 * included). An account has at most a few hundred endpoints, read 500 at a time.
 */
export async function visibleEndpointIds(
  ctx: AppContext,
  accountId: string,
  visible: EndpointScope | null,
): Promise<readonly string[] | undefined> {
  if (visible === null) return undefined;
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await ctx.store.listEndpoints(accountId, { limit: 500, cursor });
    for (const endpoint of page.items) if (isVisible(endpoint, visible)) ids.push(endpoint.id);
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return ids;
}

/** The account's endpoints that the caller may see, oldest first. */
export function listEndpoints(
  ctx: AppContext,
  accountId: string,
  page: PageRequest,
  visible: EndpointScope | null = null,
): Promise<Page<EndpointRecord>> {
  return ctx.cursors.page('endpoints', accountId, page, (inner) =>
    visible === null
      ? ctx.store.listEndpoints(accountId, inner)
      : listVisibleEndpoints(ctx, accountId, inner, visible),
  );
}

/** A page of the endpoints scoped within `visible`, with store cursors. */
async function listVisibleEndpoints(
  ctx: AppContext,
  accountId: string,
  page: PageRequest,
  visible: EndpointScope,
): Promise<Page<EndpointRecord>> {
  // Filtered after reading, so the store is asked for exactly the items still missing: a page that
  // fills up then ends on an item shown, and the store's cursor after it is the right one to continue
  // from. A page with items left out is followed by the next, until the page is full or the list ends.
  const items: EndpointRecord[] = [];
  let cursor = page.cursor;
  for (;;) {
    const read = await ctx.store.listEndpoints(accountId, { limit: page.limit - items.length, cursor });
    items.push(...read.items.filter((endpoint) => isVisible(endpoint, visible)));
    if (read.nextCursor === null || items.length === page.limit)
      return { items, nextCursor: read.nextCursor };
    cursor = read.nextCursor;
  }
}

/** Changes an endpoint. Disabling it cancels its pending deliveries; enabling it clears `disabledReason`. */
export async function updateEndpoint(
  ctx: AppContext,
  accountId: string,
  endpointId: string,
  patch: EndpointPatch,
  visible: EndpointScope | null,
  actor: Actor,
): Promise<EndpointRecord> {
  const changes: { -readonly [K in keyof EndpointChanges]: EndpointChanges[K] } = {};
  const changesScope = hasScopeInput(patch);
  const current =
    changesScope || visible !== null ? await getEndpoint(ctx, accountId, endpointId, visible) : undefined;
  if (current && changesScope) {
    changes.scope = scopeOf(patch, current.scope);
    checkScopeAllowed(changes.scope, visible, patch);
  }
  const urls = await urlsOf(ctx, patch);
  if (urls !== undefined) changes.urls = urls;
  if (patch.perOrderLine !== undefined) changes.perOrderLine = patch.perOrderLine;
  if (patch.includeRecurring !== undefined) changes.includeRecurring = patch.includeRecurring;
  if (patch.ordered !== undefined) changes.ordered = patch.ordered;
  if (patch.fields !== undefined) changes.fields = checkFields(patch.fields);
  if (patch.format !== undefined) changes.format = patch.format;
  if (patch.userAgent !== undefined) changes.userAgent = checkUserAgent(patch.userAgent) ?? null;
  if (patch.description !== undefined) changes.description = patch.description;
  if (patch.eventTypes !== undefined) {
    changes.eventTypes = await ctx.catalog.resolveFilters(patch.eventTypes, 'eventTypes');
  }
  if (patch.headers !== undefined) changes.headers = checkHeaders(patch.headers);
  if (patch.timeoutMs !== undefined) changes.timeoutMs = patch.timeoutMs;
  if (patch.maxConcurrency !== undefined) changes.maxConcurrency = patch.maxConcurrency;
  if (patch.rateLimitPerSecond !== undefined) changes.rateLimitPerSecond = patch.rateLimitPerSecond;
  if (patch.enabled !== undefined) {
    changes.enabled = patch.enabled;
    // Enabled again: a new start, so old failures count neither for the warning nor for disabling.
    if (patch.enabled)
      Object.assign(changes, { disabledReason: null, failingSince: null, failingWarnedAt: null });
  }
  const field =
    patch.enabled === true && urls === undefined ? 'enabled' : patch.urls === undefined ? 'url' : 'urls';
  // Disabling an enabled endpoint by hand is told to the account (`hookline.endpoint.disabled`).
  const wasEnabled =
    patch.enabled === false && (current ?? (await getEndpoint(ctx, accountId, endpointId, visible))).enabled;
  const updated = await withinActiveUrlLimit(ctx, accountId, field, (limits) =>
    ctx.store.updateEndpoint(accountId, endpointId, changes, ctx.now(), limits, ({ before, after }) =>
      auditEntry(ctx, actor, {
        action: 'endpoint.updated',
        accountId,
        targetType: 'endpoint',
        targetId: endpointId,
        details: endpointChanges(before, after),
      }),
    ),
  );
  if (!updated) throw notFound('endpoint', 'endpointId');
  if (wasEnabled && !updated.enabled) await publishDisabled(ctx, updated, 'manual', updated.failingSince);
  return updated;
}

/** Deletes an endpoint; its pending deliveries are cancelled and its log is kept. */
export async function deleteEndpoint(
  ctx: AppContext,
  accountId: string,
  endpointId: string,
  visible: EndpointScope | null,
  actor: Actor,
): Promise<void> {
  if (visible !== null) await getEndpoint(ctx, accountId, endpointId, visible);
  const deleted = await ctx.store.deleteEndpoint(accountId, endpointId, ctx.now(), (endpoint) =>
    auditEntry(ctx, actor, {
      action: 'endpoint.deleted',
      accountId,
      targetType: 'endpoint',
      targetId: endpointId,
      details: endpointSettings(endpoint),
    }),
  );
  if (!deleted) throw notFound('endpoint', 'endpointId');
}

/**
 * An endpoint's signing secret, for the caller to copy. Showing it is recorded in the audit log
 * (`endpoint.secret_revealed`) before it is returned: anyone holding it can sign as Hookline.
 */
export async function revealSecret(
  ctx: AppContext,
  accountId: string,
  endpointId: string,
  visible: EndpointScope | null,
  actor: Actor,
): Promise<EndpointRecord> {
  const endpoint = await getEndpoint(ctx, accountId, endpointId, visible);
  await ctx.store.appendAuditEntry(
    auditEntry(ctx, actor, {
      action: 'endpoint.secret_revealed',
      accountId,
      targetType: 'endpoint',
      targetId: endpointId,
    }),
  );
  return endpoint;
}

/**
 * Replaces the signing secret. The previous one keeps signing beside the new one until the grace
 * period ends, so receivers can switch without dropping a delivery.
 */
export async function rotateSecret(
  ctx: AppContext,
  accountId: string,
  endpointId: string,
  input: { secret?: string | undefined },
  visible: EndpointScope | null,
  actor: Actor,
): Promise<EndpointRecord> {
  const ownSecret = checkSecret(input.secret);
  const current = await getEndpoint(ctx, accountId, endpointId, visible);
  const nowMs = ctx.now();
  const previousSecretExpiresAt = nowMs + ctx.secretGraceMs;
  const updated = await ctx.store.updateEndpoint(
    accountId,
    endpointId,
    {
      secret: ownSecret ?? generateSecret(),
      previousSecret: current.secret,
      previousSecretExpiresAt,
    },
    nowMs,
    // A new secret adds no URL: the limit cannot bite.
    { maxActiveUrls: Number.POSITIVE_INFINITY },
    () =>
      auditEntry(ctx, actor, {
        action: 'endpoint.secret_rotated',
        accountId,
        targetType: 'endpoint',
        targetId: endpointId,
        // Whether the caller chose the new secret, and until when the old one signs: never either secret.
        details: {
          ownSecret: ownSecret !== undefined,
          previousSecretExpiresAt: new Date(previousSecretExpiresAt).toISOString(),
        },
      }),
  );
  if (!updated) throw notFound('endpoint', 'endpointId');
  return updated;
}

/** The test event type, delivered only by the send-test route. */
export const TEST_EVENT_TYPE = 'hookline.test';

/** Sends a test event to this endpoint only, whatever its event types. */
export async function sendTestEvent(
  ctx: AppContext,
  accountId: string,
  endpointId: string,
  visible: EndpointScope | null = null,
): Promise<{ eventId: string; deliveryIds: string[] }> {
  const endpoint = await getEndpoint(ctx, accountId, endpointId, visible);
  if (!endpoint.enabled)
    throw new AppError('endpoint_disabled', 'enable the endpoint before testing it', 'endpointId');
  const nowMs = ctx.now();
  const eventId = ctx.newId('event');
  const data = { message: 'A test event from Hookline', endpointId: endpoint.id };
  const deliveries = endpoint.urls.map((url) => ({
    id: ctx.newId('delivery'),
    endpointId: endpoint.id,
    url,
    lineId: null,
    nextAttemptAt: nowMs,
    orderingKey: null,
  }));
  await storeEvents(ctx, accountId, [
    {
      event: {
        id: eventId,
        accountId,
        type: TEST_EVENT_TYPE,
        dataJson: JSON.stringify(data),
        occurredAt: nowMs,
        createdAt: nowMs,
        orderingKey: null,
      },
      deliveries,
    },
  ]);
  return { eventId, deliveryIds: deliveries.map((d) => d.id) };
}

/** Re-queues the endpoint's failed and cancelled deliveries created in `[since, until)`. */
export async function recoverEndpoint(
  ctx: AppContext,
  accountId: string,
  endpointId: string,
  input: { since: string; until?: string | undefined },
  visible: EndpointScope | null,
  actor: Actor,
): Promise<{ recovered: number }> {
  const endpoint = await getEndpoint(ctx, accountId, endpointId, visible);
  // A disabled endpoint's deliveries would be cancelled again at once: say so instead.
  if (!endpoint.enabled) {
    throw new AppError(
      'endpoint_disabled',
      'enable the endpoint before recovering its deliveries',
      'endpointId',
    );
  }
  const nowMs = ctx.now();
  const sinceMs = Date.parse(input.since);
  if (Number.isNaN(sinceMs)) throw new AppError('invalid_field', 'since is not a date-time', 'since');
  const untilMs = input.until === undefined ? nowMs + 1 : Date.parse(input.until);
  if (Number.isNaN(untilMs)) throw new AppError('invalid_field', 'until is not a date-time', 'until');
  if (untilMs <= sinceMs) {
    // Without an `until` the range ends now, so the input at fault is a `since` in the future.
    if (input.until === undefined) throw new AppError('invalid_field', 'since must be in the past', 'since');
    throw new AppError('invalid_field', 'until must be after since', 'until');
  }
  const recovered = await ctx.store.recoverDeliveries(
    accountId,
    endpointId,
    { sinceMs, untilMs },
    nowMs,
    (count) =>
      auditEntry(ctx, actor, {
        action: 'deliveries.recovered',
        accountId,
        targetType: 'endpoint',
        targetId: endpointId,
        details: {
          since: new Date(sinceMs).toISOString(),
          until: new Date(untilMs).toISOString(),
          recovered: count,
        },
      }),
  );
  return { recovered };
}
