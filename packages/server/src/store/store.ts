/**
 * The one storage interface. The SQLite store implements it today; every other backend must pass
 * the same contract suite. Everything above this file is database-agnostic.
 *
 * Instants are milliseconds since the epoch (`…At`); event data is kept as the JSON text it was
 * published as, so it is parsed and serialised once, not once per delivery.
 */
import type { AuditAction, AuditActorType, AuditTargetType } from '../domain/audit-log.ts';
import type { DeliveryStatus, EndpointSource } from '../domain/delivery-state.ts';
import type { AttemptsSummary } from '../domain/endpoint-health.ts';
import type { EndpointScope } from '../domain/endpoint-scope.ts';
import type { SendErrorCode } from '../domain/send-outcome.ts';

/** A merchant (tenant). */
export interface AccountRecord {
  readonly id: string;
  readonly name: string;
  /** URLs the account may have receiving at once; `null` means the server's default. */
  readonly maxActiveUrls: number | null;
  /** Its share of each process's attempts in flight; `null` means the server's default. */
  readonly maxConcurrency: number | null;
  /** How long its events, deliveries and attempts are kept; `null` means the server's default. */
  readonly retentionMs: number | null;
  readonly createdAt: number;
}

/** The settings of an account the admin may change; a `null` goes back to the server's default. */
export interface AccountChanges {
  readonly maxActiveUrls?: number | null;
  readonly maxConcurrency?: number | null;
  readonly retentionMs?: number | null;
}

/**
 * An account's API key. Only the key's SHA-256 hash is stored (beside the record, never in it); the key
 * itself is shown once, when it is made.
 */
export interface ApiKeyRecord {
  readonly id: string;
  readonly accountId: string;
  readonly name: string;
  /** The key's first 10 characters (`hk_AbCdEfG`), to tell keys apart; `hk_…` for keys older than names. */
  readonly prefix: string;
  readonly createdAt: number;
  /** When the key last authenticated a request (recorded at most once a minute); `null` if never. */
  readonly lastUsedAt: number | null;
  /** When a rolled key stops working; `null` for a key without an end. */
  readonly expiresAt: number | null;
}

/** The languages of the merchant portal. */
export type PortalLocale = 'en' | 'nl';

/**
 * A portal session: a short-lived token that lets a merchant's browser manage one account's webhooks,
 * possibly only those of some products. Only the token's hash is stored.
 */
export interface PortalSessionRecord {
  readonly id: string;
  readonly accountId: string;
  /** The endpoints the session is limited to (see `scopeWithin`); `null` reaches the whole account. */
  readonly scope: EndpointScope | null;
  readonly locale: PortalLocale;
  readonly createdAt: number;
  readonly expiresAt: number;
}

/** What rolling an API key came to. */
export type RollApiKeyResult = 'rolled' | 'not_found' | 'expiring';

/** How an endpoint wants its deliveries written. */
export type EndpointFormat = 'json' | 'form';

/** How an endpoint came to be: through the endpoints API, or subscribed by an integration platform. */
export type { EndpointSource };

/** A merchant's webhook. */
export interface EndpointRecord {
  readonly id: string;
  readonly accountId: string;
  readonly urls: readonly string[];
  readonly description: string;
  /** Event type names, `*` for all, or a family wildcard such as `order.*`. */
  readonly eventTypes: readonly string[];
  readonly enabled: boolean;
  /** Why the endpoint was disabled by Hookline (e.g. `gone` after a 410), `null` otherwise. */
  readonly disabledReason: string | null;
  readonly secret: string;
  readonly previousSecret: string | null;
  readonly previousSecretExpiresAt: number | null;
  readonly headers: Readonly<Record<string, string>>;
  readonly timeoutMs: number | null;
  readonly maxConcurrency: number | null;
  readonly rateLimitPerSecond: number | null;
  /** Product, checkout, upsell and cart ids the endpoint is limited to; all empty = the general webhook. */
  readonly scope: EndpointScope;
  /** One delivery per order line instead of one per order. */
  readonly perOrderLine: boolean;
  /** Also receive order events of direct debits and instalments collected automatically. */
  readonly includeRecurring: boolean;
  /**
   * The deliveries of one ordering key go out one after another, in publish order (per URL): each
   * only once the one before it succeeded, finally failed or was cancelled.
   */
  readonly ordered: boolean;
  /** Dot paths of `data` to deliver; empty = all of it. */
  readonly fields: readonly string[];
  readonly format: EndpointFormat;
  /** Replaces Hookline's `User-Agent`; `null` keeps it. */
  readonly userAgent: string | null;
  readonly source: EndpointSource;
  /**
   * Since when every attempt has failed: the first failure after the last success, `null` while the
   * last attempt succeeded (domain/endpoint-health.ts).
   */
  readonly failingSince: number | null;
  /** When the merchant was warned that the endpoint is failing (once per streak), `null` if not. */
  readonly failingWarnedAt: number | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** The fields a caller may change on an endpoint. */
export type EndpointChanges = Partial<
  Pick<
    EndpointRecord,
    | 'urls'
    | 'description'
    | 'eventTypes'
    | 'enabled'
    | 'disabledReason'
    | 'headers'
    | 'timeoutMs'
    | 'maxConcurrency'
    | 'rateLimitPerSecond'
    | 'secret'
    | 'previousSecret'
    | 'previousSecretExpiresAt'
    | 'scope'
    | 'perOrderLine'
    | 'includeRecurring'
    | 'ordered'
    | 'fields'
    | 'format'
    | 'userAgent'
    | 'failingSince'
    | 'failingWarnedAt'
  >
>;

/** An event type registered by the operator, beside the built-in catalogue. */
export interface EventTypeRecord {
  readonly name: string;
  readonly description: string;
  /** JSON Schema of the event's `data`, as JSON text. */
  readonly schemaJson: string;
  /** An example `data`, as JSON text. */
  readonly exampleJson: string;
  readonly createdAt: number;
}

/** A published event. */
export interface EventRecord {
  readonly id: string;
  readonly accountId: string;
  readonly type: string;
  /** The event data as JSON text. */
  readonly dataJson: string;
  readonly occurredAt: number;
  readonly createdAt: number;
  /** What the deliveries to an `ordered` endpoint are kept in order by (a subscription, a customer). */
  readonly orderingKey: string | null;
}

/** A delivery as the logs show it. */
export interface DeliveryRecord {
  readonly id: string;
  readonly accountId: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly endpointId: string;
  readonly url: string;
  /** The order line this delivery carries (an endpoint with `perOrderLine`), `null` for the whole event. */
  readonly lineId: string | null;
  readonly status: DeliveryStatus;
  readonly attemptCount: number;
  /** When the next attempt is due (for `pending`), or the lease expiry (for `sending`). */
  readonly nextAttemptAt: number | null;
  readonly lastAttemptAt: number | null;
  readonly lastStatusCode: number | null;
  readonly lastErrorCode: SendErrorCode | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** One HTTP request of a delivery. */
export interface AttemptRecord {
  readonly id: string;
  readonly deliveryId: string;
  readonly accountId: string;
  /** 1 for the first attempt of the delivery. */
  readonly number: number;
  readonly startedAt: number;
  readonly durationMs: number;
  readonly statusCode: number | null;
  readonly errorCode: SendErrorCode | null;
  readonly errorMessage: string | null;
  readonly responseBody: string | null;
  readonly responseBodyTruncated: boolean;
  /** The response headers as kept (JSON text, see `domain/attempt-record.ts`); `null` without a response. */
  readonly responseHeadersJson: string | null;
  /** The request headers as sent, credentials redacted (JSON text); `null` for attempts logged before the log kept them. */
  readonly requestHeadersJson: string | null;
  /** The request body as sent, up to the operator's cap; `null` when bodies are not kept. */
  readonly requestBody: string | null;
  readonly requestBodyTruncated: boolean;
  readonly succeeded: boolean;
}

/**
 * One entry of the audit log: who did what, when and from where. Entries are only ever added, and
 * deleted by retention; nothing changes one.
 */
export interface AuditEntryRecord {
  readonly id: string;
  /** The account the action concerns; `null` for an operator's action that concerns none (an event type). */
  readonly accountId: string | null;
  readonly at: number;
  readonly actorType: AuditActorType;
  /** The API key's or portal session's id; `null` for the admin. Never a token or a hash. */
  readonly actorId: string | null;
  /** How people tell the actor apart: an API key's name and prefix; `null` otherwise. */
  readonly actorLabel: string | null;
  /** The client address of the request. */
  readonly address: string;
  readonly action: AuditAction;
  readonly targetType: AuditTargetType;
  readonly targetId: string;
  /** What the action changed or concerned (see `app/audit-log.ts`); never a secret. */
  readonly details: Readonly<Record<string, unknown>>;
}

/**
 * The audit entry of a change, written in the change's own transaction: the change is not committed
 * without its entry, nor the entry without the change. A function when the entry tells what only the
 * transaction finds (an endpoint before and after a change, how many deliveries a recover re-queued);
 * it is called inside the transaction, once the change is made.
 */
export type AuditOf<Found> = (found: Found) => AuditEntryRecord;

/** Filters of the audit log; instants select by the entry's time, in `[sinceMs, untilMs)`. */
export interface AuditLogFilter {
  /** Only this account's entries; `undefined`: every entry, those concerning no account included. */
  readonly accountId?: string | undefined;
  readonly action?: AuditAction | undefined;
  readonly sinceMs?: number | undefined;
  readonly untilMs?: number | undefined;
}

/**
 * Raised by `insertEvents`, having written nothing, when the endpoints it was given as `basis` changed
 * since `endpointsToPublishTo` read them: the deliveries must be planned again with the endpoints as
 * they are now.
 */
export class StaleEndpointsError extends Error {
  override readonly name = 'StaleEndpointsError';

  constructor(accountId: string) {
    super(`the endpoints of account ${accountId} changed while its events were being published`);
  }
}

/**
 * The enabled endpoints a publish plans its deliveries with, as `endpointsToPublishTo` found them, and
 * what `insertEvents` checks them by (undefined: they are exact, as in SQLite, where one process owns
 * the file).
 */
export interface PublishBasis {
  readonly endpoints: readonly EndpointRecord[];
  readonly check?: string | undefined;
}

/**
 * Raised by `insertEvents` (and the whole transaction rolled back) when an event id is published
 * again with another type or other data: a replay must not silently drop a different event.
 */
export class IdempotencyConflictError extends Error {
  override readonly name = 'IdempotencyConflictError';
  /** Position of the conflicting event in the `insertEvents` input. */
  readonly index: number;

  constructor(index: number, eventId: string) {
    super(`event ${eventId} was published before with another type or other data`);
    this.index = index;
  }
}

/**
 * Raised by `createEndpoint` and `updateEndpoint` (and nothing written) when the change would leave the
 * account with more distinct URLs receiving at once than it may have.
 */
export class ActiveUrlLimitError extends Error {
  override readonly name = 'ActiveUrlLimitError';
  readonly limit: number;

  constructor(limit: number) {
    super(`an account may have at most ${limit} URLs receiving at once`);
    this.limit = limit;
  }
}

/** A new event with the deliveries it owes, written together or not at all. */
export interface NewEvent {
  readonly event: EventRecord;
  readonly deliveries: readonly NewDelivery[];
}

/** A delivery to create with its event. */
export interface NewDelivery {
  readonly id: string;
  readonly endpointId: string;
  readonly url: string;
  /** The order line this delivery carries, `null` for the whole event. */
  readonly lineId: string | null;
  /** First attempt time: the publish time, since the first attempt is immediate. */
  readonly nextAttemptAt: number;
  /**
   * The event's ordering key when the endpoint is `ordered`, else `null`. The store keeps such a
   * delivery waiting (due at no time) while another live delivery of the same endpoint, URL and key
   * is ahead of it, and makes the next one due when that one ends (see domain/delivery-state.ts).
   */
  readonly orderingKey: string | null;
}

/** An endpoint's health after a group of attempts ({@link Store.recordEndpointHealth}). */
export interface EndpointHealthState {
  readonly endpointId: string;
  readonly accountId: string;
  readonly enabled: boolean;
  readonly failingSince: number | null;
  readonly failingWarnedAt: number | null;
  /** `failingWarnedAt` before the group: a warned endpoint whose streak ended has recovered. */
  readonly previousWarnedAt: number | null;
}

/** An event as an erasure reads it. */
export interface StoredEventData {
  readonly seq: number;
  readonly id: string;
  readonly dataJson: string;
}

/** What erasing a set of events changed. */
export interface ErasedCounts {
  readonly events: number;
  readonly deliveriesCancelled: number;
  readonly attemptsCleared: number;
}

/** An erasure as recorded: who asked, when, what matched; never the customer's data. */
export interface ErasureRecord extends ErasedCounts {
  readonly id: string;
  readonly accountId: string;
  /** `admin`, or `api_key:<key id>`. */
  readonly requestedBy: string;
  /** The client's address, as the server saw it. */
  readonly address: string | null;
  /** Which criteria were given (never their values). */
  readonly criteria: readonly ('customerId' | 'email')[];
  /** The ids of the events erased, up to {@link MAX_ERASURE_EVENT_IDS}. */
  readonly eventIds: readonly string[];
  readonly createdAt: number;
}

/** How many event ids an erasure record keeps; `events` counts them all. */
export const MAX_ERASURE_EVENT_IDS = 1_000;

/** Which of an account's events a pruning step may delete: stored before `cutoffMs`, below `beforeSeq`. */
export interface PruneBounds {
  readonly cutoffMs: number;
  readonly beforeSeq: number;
}

/** What a pruning step deleted; `events` below the step's limit means nothing more was due. */
export interface PruneCounts {
  readonly events: number;
  readonly deliveries: number;
  readonly attempts: number;
}

/** What inserting one event did. */
export type InsertEventResult =
  | { readonly inserted: true; readonly event: EventRecord; readonly deliveryIds: readonly string[] }
  | { readonly inserted: false; readonly event: EventRecord; readonly deliveryIds: readonly string[] };

/** The endpoints of the deliveries an `insertEvents` call created: those of the events it inserted. */
export function newDeliveryEndpoints(
  events: readonly NewEvent[],
  results: readonly InsertEventResult[],
): string[] {
  return results.flatMap((result, i) =>
    result.inserted ? (events[i] as NewEvent).deliveries.map((d) => d.endpointId) : [],
  );
}

/** A delivery a worker has claimed, with everything needed to send it. */
export interface ClaimedDelivery {
  readonly id: string;
  readonly accountId: string;
  readonly endpointId: string;
  readonly url: string;
  /** The order line to send, `null` for the whole event. */
  readonly lineId: string | null;
  readonly eventId: string;
  readonly eventType: string;
  readonly dataJson: string;
  readonly occurredAt: number;
  /** Attempts made before this claim. */
  readonly attemptCount: number;
  /** `attemptCount` when the retry schedule last started: 0, or when the delivery was sent again by hand. */
  readonly scheduleStart: number;
  /** Fencing token: results are written only while the delivery still carries this lease. */
  readonly lease: number;
  /** See {@link NewDelivery.orderingKey}. */
  readonly orderingKey: string | null;
}

/** The result of one attempt, to be committed with others in one transaction. */
export interface AttemptResult {
  readonly claim: ClaimedDelivery;
  readonly attempt: AttemptRecord;
  /** The delivery's new state. */
  readonly status: 'pending' | 'succeeded' | 'failed' | 'cancelled';
  readonly nextAttemptAt: number | null;
  /** A 410 disables the endpoint and cancels its live deliveries in the same transaction. */
  readonly disableEndpoint: boolean;
}

/** Cursor pagination: newest first for logs, oldest first for accounts and endpoints. */
export interface PageRequest {
  readonly limit: number;
  /** An opaque cursor from a previous page. */
  readonly cursor?: string | undefined;
}

/** One page of a list. */
export interface Page<T> {
  readonly items: readonly T[];
  /** Pass as `cursor` to get the next page; `null` on the last page. */
  readonly nextCursor: string | null;
}

/**
 * Filters of the deliveries log; every one given must hold. Instants select by creation time, in
 * `[sinceMs, untilMs)`.
 */
export interface DeliveryFilter {
  readonly endpointId?: string | undefined;
  /**
   * Only deliveries of these endpoints, for a caller who may see only some of the account's; an empty
   * list matches no delivery. Not a query parameter: the API sets it from who is asking.
   */
  readonly endpointIds?: readonly string[] | undefined;
  readonly eventId?: string | undefined;
  /** The exact type name of the delivery's event. */
  readonly eventType?: string | undefined;
  readonly status?: DeliveryStatus | undefined;
  readonly sinceMs?: number | undefined;
  readonly untilMs?: number | undefined;
}

/** Filters of the events log; instants select by creation time, in `[sinceMs, untilMs)`. */
export interface EventFilter {
  readonly type?: string | undefined;
  readonly sinceMs?: number | undefined;
  readonly untilMs?: number | undefined;
}

/**
 * The attempts one endpoint made from some instant on: every HTTP request logged for it, a retry or
 * a resend as much as a first attempt.
 */
export interface EndpointAttemptStats {
  readonly endpointId: string;
  readonly attempts: number;
  readonly succeeded: number;
  /** Attempts that did not succeed: an error status, a timeout, a refused connection, a 410. */
  readonly failed: number;
  /** When the latest of them started. */
  readonly lastAttemptAt: number;
}

/**
 * A share of the endpoints: worker `index` of `count` live workers claims only deliveries of endpoints
 * whose hash falls in its share, so each endpoint is served by one process at a time and its
 * concurrency cap and rate limit hold across processes.
 */
export interface Partition {
  readonly index: number;
  readonly count: number;
}

/** Options of a claim. */
export interface ClaimRequest {
  readonly nowMs: number;
  readonly limit: number;
  /** The lease: a claimed delivery becomes claimable again at `nowMs + leaseMs`. */
  readonly leaseMs: number;
  /** Only deliveries of this share of the endpoints; all of them when absent. */
  readonly partition?: Partition | undefined;
  /**
   * At most this many deliveries of each listed account (0: none of them); an account not listed may
   * take the whole batch. The engine lists the accounts that already hold their part of the process,
   * so their backlog stays in the database, where it delays nobody, instead of being claimed only to
   * be handed back.
   */
  readonly accountRoom?: ReadonlyMap<string, number> | undefined;
}

/**
 * The storage interface. All methods that take an account id only ever see that account's rows.
 *
 * The methods that make a change someone asks for through the API take an optional `audit` (see
 * {@link AuditOf}): the change's audit entry, written in the same transaction, and only when the change
 * is made (a key not found, a delivery still live: no entry).
 */
export interface Store {
  /** Creates an account and its first API key (with the key's hash), in one transaction. */
  createAccount(
    account: AccountRecord,
    firstKey: ApiKeyRecord,
    keyHash: string,
    audit?: AuditEntryRecord,
  ): Promise<void>;
  getAccount(accountId: string): Promise<AccountRecord | undefined>;
  /** Whether the account exists. Accounts are never deleted, so a store may remember a yes. */
  accountExists(accountId: string): Promise<boolean>;
  listAccounts(page: PageRequest): Promise<Page<AccountRecord>>;
  /** Changes an account's settings; `undefined` when it does not exist. */
  updateAccount(
    accountId: string,
    changes: AccountChanges,
    audit?: AuditOf<{ before: AccountRecord; after: AccountRecord }>,
  ): Promise<AccountRecord | undefined>;
  /** The accounts of these ids that exist, in no particular order. */
  getAccountsByIds(accountIds: readonly string[]): Promise<readonly AccountRecord[]>;

  /** Adds an API key to an account. */
  createApiKey(key: ApiKeyRecord, keyHash: string, audit?: AuditEntryRecord): Promise<void>;
  /** The key with this hash, expired or not (the caller judges `expiresAt`). */
  findApiKeyByHash(keyHash: string): Promise<ApiKeyRecord | undefined>;
  getApiKey(accountId: string, keyId: string): Promise<ApiKeyRecord | undefined>;
  /** The account's keys that have not expired at `nowMs`, oldest first. */
  listApiKeys(accountId: string, page: PageRequest, nowMs: number): Promise<Page<ApiKeyRecord>>;
  /** Deletes a key, so it stops working at once; `false` when the account has no such key. */
  deleteApiKey(accountId: string, keyId: string, audit?: AuditEntryRecord): Promise<boolean>;
  /**
   * Replaces a key by `next` in one transaction: the old key expires at `oldExpiresAt`, or is deleted
   * when that is not after `nowMs`. A key already expiring is not rolled again (`expiring`); an
   * expired or unknown one is `not_found`. Keys of the account that expired before `nowMs` are
   * deleted on the way.
   */
  rollApiKey(
    accountId: string,
    keyId: string,
    next: ApiKeyRecord,
    nextHash: string,
    oldExpiresAt: number,
    nowMs: number,
    audit?: AuditEntryRecord,
  ): Promise<RollApiKeyResult>;
  /** Records that a key authenticated a request at `nowMs`. */
  touchApiKey(keyId: string, nowMs: number): Promise<void>;

  /** Stores a portal session with the hash of its token. */
  createPortalSession(
    session: PortalSessionRecord,
    tokenHash: string,
    audit?: AuditEntryRecord,
  ): Promise<void>;
  /** The session with this token hash, expired or not (the caller judges `expiresAt`). */
  findPortalSessionByHash(tokenHash: string): Promise<PortalSessionRecord | undefined>;
  getPortalSession(accountId: string, sessionId: string): Promise<PortalSessionRecord | undefined>;
  /** Deletes the account's sessions that expired before `beforeMs`; returns how many. */
  deleteExpiredPortalSessions(accountId: string, beforeMs: number): Promise<number>;

  /**
   * Creates an endpoint. When it is enabled and its URLs would take the account's distinct enabled URLs
   * beyond `maxActiveUrls`, nothing is written and {@link ActiveUrlLimitError} is thrown; the count and
   * the insert are one transaction, so concurrent creates cannot both slip under the limit.
   */
  createEndpoint(
    endpoint: EndpointRecord,
    limits: { readonly maxActiveUrls: number },
    audit?: AuditEntryRecord,
  ): Promise<void>;
  getEndpoint(accountId: string, endpointId: string): Promise<EndpointRecord | undefined>;
  listEndpoints(accountId: string, page: PageRequest): Promise<Page<EndpointRecord>>;
  /** Every enabled endpoint of an account: the candidates for fan-out. */
  listEnabledEndpoints(accountId: string): Promise<readonly EndpointRecord[]>;
  /**
   * The enabled endpoints to plan a publish with. They may be remembered from an earlier call: only
   * for `insertEvents` with this basis, which writes nothing and throws {@link StaleEndpointsError}
   * when they changed since.
   */
  endpointsToPublishTo(accountId: string): Promise<PublishBasis>;
  /** Endpoints by id, whatever their account: the engine reads the configuration of what it sends. */
  getEndpointsByIds(endpointIds: readonly string[]): Promise<readonly EndpointRecord[]>;
  /**
   * Changes an endpoint; disabling it cancels its live deliveries in the same transaction, and a
   * replaced URL takes its undelivered deliveries along (removed URLs cancel their live ones).
   * Returns the updated endpoint, or `undefined` when it does not exist in this account.
   */
  updateEndpoint(
    accountId: string,
    endpointId: string,
    changes: EndpointChanges,
    nowMs: number,
    limits: { readonly maxActiveUrls: number },
    audit?: AuditOf<{ before: EndpointRecord; after: EndpointRecord }>,
  ): Promise<EndpointRecord | undefined>;
  /** Deletes an endpoint and cancels its live deliveries; the delivery log is kept. */
  deleteEndpoint(
    accountId: string,
    endpointId: string,
    nowMs: number,
    audit?: AuditOf<EndpointRecord>,
  ): Promise<boolean>;

  /** Registers an event type; `false` when the name is taken. */
  createEventType(eventType: EventTypeRecord, audit?: AuditEntryRecord): Promise<boolean>;
  /** Every registered event type, by name. */
  listEventTypes(): Promise<readonly EventTypeRecord[]>;

  /**
   * Writes events and their deliveries in one transaction. An event whose id already exists in the
   * account with the same type and data is not written again and gets no new deliveries (idempotent
   * publish); with another type or data, nothing is written and {@link IdempotencyConflictError} is thrown.
   * With `basis`, the endpoints the deliveries were planned with are checked first (see
   * {@link endpointsToPublishTo}).
   */
  insertEvents(
    accountId: string,
    events: readonly NewEvent[],
    basis?: PublishBasis,
  ): Promise<InsertEventResult[]>;
  getEvent(accountId: string, eventId: string): Promise<EventRecord | undefined>;
  listEvents(accountId: string, page: PageRequest, filter: EventFilter): Promise<Page<EventRecord>>;

  getDelivery(accountId: string, deliveryId: string): Promise<DeliveryRecord | undefined>;
  listDeliveries(accountId: string, page: PageRequest, filter: DeliveryFilter): Promise<Page<DeliveryRecord>>;
  listAttempts(accountId: string, deliveryId: string): Promise<readonly AttemptRecord[]>;
  /** Puts one delivery back in the queue, due now, with a fresh retry schedule; only from a terminal state. */
  retryDelivery(
    accountId: string,
    deliveryId: string,
    nowMs: number,
    audit?: AuditEntryRecord,
  ): Promise<DeliveryRecord | undefined>;
  /** Re-queues an endpoint's failed and cancelled deliveries created in `[sinceMs, untilMs)`, with a fresh retry schedule. */
  recoverDeliveries(
    accountId: string,
    endpointId: string,
    range: { sinceMs: number; untilMs: number },
    nowMs: number,
    audit?: AuditOf<number>,
  ): Promise<number>;

  /**
   * Writes what groups of attempts said about their endpoints (`failingSince`, see
   * domain/endpoint-health.ts `nextFailingSince`; a new streak or a success clears `failingWarnedAt`)
   * and returns each endpoint's state after it. Deleted endpoints are left out.
   */
  recordEndpointHealth(summaries: readonly AttemptsSummary[]): Promise<EndpointHealthState[]>;

  /**
   * Up to `limit` of the account's events after position `afterSeq` whose stored JSON contains one of
   * `needles` (ASCII letters in any case), oldest first: an erasure's first cut.
   */
  findEventsContaining(
    accountId: string,
    needles: readonly string[],
    afterSeq: number,
    limit: number,
  ): Promise<StoredEventData[]>;
  /**
   * Erases the account's events at `seqs`, in one transaction: their data becomes `dataJson`, the
   * request and response bodies of their attempts are cleared, and their live deliveries are cancelled
   * (a lane they headed moves on).
   */
  eraseEvents(
    accountId: string,
    seqs: readonly number[],
    dataJson: string,
    nowMs: number,
  ): Promise<ErasedCounts>;
  /** Records an erasure, with its audit entry in the same transaction. */
  recordErasure(erasure: ErasureRecord, audit?: AuditEntryRecord): Promise<void>;
  /** The account's erasures, newest first. */
  listErasures(accountId: string, page: PageRequest): Promise<Page<ErasureRecord>>;

  /**
   * Where retention starts: the first event position from which on events were stored at or after
   * `cutoffMs` (events are numbered in the order they are stored). A bisection: a few dozen primary-key
   * reads, however many events there are.
   */
  eventSeqFrom(cutoffMs: number): Promise<number>;
  /**
   * Deletes up to `limit` of the account's events stored before `cutoffMs` (and below `beforeSeq`, from
   * {@link Store.eventSeqFrom}, which bounds the read), oldest first, with their deliveries and the
   * attempts of those. An event with a delivery still `pending` or `sending` is kept, with all of its
   * deliveries: nothing waiting to be sent loses its data.
   */
  pruneEvents(accountId: string, bounds: PruneBounds, limit: number): Promise<PruneCounts>;

  /** Adds an entry to the audit log on its own: for actions that change nothing (a secret revealed). */
  appendAuditEntry(entry: AuditEntryRecord): Promise<void>;
  /** The audit log, newest first, filtered by account, action and time. */
  listAuditLog(page: PageRequest, filter: AuditLogFilter): Promise<Page<AuditEntryRecord>>;
  /**
   * Deletes up to `limit` of the audit entries of an account (`null`: of no account) made before
   * `cutoffMs`, oldest first; returns how many. Retention is the only way an entry goes.
   */
  pruneAuditLog(accountId: string | null, cutoffMs: number, limit: number): Promise<number>;

  /**
   * Claims up to `limit` due deliveries under a lease, fairly between accounts: the batch is split
   * evenly among the accounts with due work (what one leaves unused goes to the others), and each
   * account's part is its deliveries due first. So a backlog of one account never delays another's
   * newly due deliveries by more than one claim. SQLite is fair between accounts; PostgreSQL between
   * an account's share of each endpoint bucket, which is the same as long as accounts have a handful
   * of endpoints.
   */
  claimDue(request: ClaimRequest): Promise<ClaimedDelivery[]>;
  /** Commits a group of attempt results in one transaction; results whose lease was lost only log their attempt. */
  recordAttempts(results: readonly AttemptResult[], nowMs: number): Promise<void>;
  /**
   * Hands claims back unsent, due again at `dueAtMs`: now on shutdown, or later when the claim found
   * the endpoint with no room. Claims whose lease was lost are left alone.
   */
  releaseClaims(claims: readonly ClaimedDelivery[], dueAtMs: number): Promise<void>;
  /** Cancels claims whose endpoint was deleted or disabled after they were claimed. */
  cancelClaims(claims: readonly ClaimedDelivery[], nowMs: number): Promise<void>;
  /**
   * Makes every leased delivery due now. Only for a store that one process owns (the embedded SQLite
   * file): at its start, every lease belongs to a process that is gone.
   */
  releaseAllLeases(nowMs: number): Promise<number>;
  /** When the earliest live delivery (of the partition, if given) is due; `undefined` when there is none. */
  nextDueAt(partition?: Partition): Promise<number | undefined>;
  /**
   * Records a delivery worker as alive until `nowMs + ttlMs` and returns the ids of every live worker,
   * sorted: the worker's partition is its position in that list. A store used by one process only
   * returns `[workerId]`.
   */
  registerWorker(workerId: string, nowMs: number, ttlMs: number): Promise<readonly string[]>;
  /** Removes a stopping worker at once, so the others take its share without waiting for its expiry. */
  unregisterWorker(workerId: string): Promise<void>;
  /** Deliveries by live state, for the queue-depth metric. */
  queueDepth(): Promise<{ pending: number; sending: number }>;

  /**
   * The one way the delivery workers hear of new work: calls `listener` after each commit that made
   * deliveries due now (a publish, sending again, a recovery), with the buckets of their endpoints
   * (see domain/endpoint-partition.ts), or `undefined` for any endpoint. The SQLite store calls it in
   * its own process; the PostgreSQL store in every process sharing the database (NOTIFY).
   * @returns a function that removes the listener.
   */
  onDue(listener: (buckets: readonly number[] | undefined) => void): () => void;
  /**
   * Calls `listener` with the id of every endpoint changed, disabled or deleted, after the commit, so
   * the engine can apply the change to what it holds for it (in process for SQLite, NOTIFY for
   * PostgreSQL).
   * @returns a function that removes the listener.
   */
  onEndpointChanged(listener: (endpointId: string) => void): () => void;
  /**
   * Per endpoint of the account (deleted ones not included), the attempts started at or after
   * `sinceMs`, in the endpoints' list order; endpoints without such attempts are left out.
   */
  endpointAttemptStats(accountId: string, sinceMs: number): Promise<readonly EndpointAttemptStats[]>;
  /** The distinct URLs of the account's enabled endpoints: what `maxActiveUrls` limits. */
  countActiveUrls(accountId: string): Promise<number>;
  /** How many accounts there are, and endpoints that are disabled (by hand or after a 410). */
  overviewCounts(): Promise<{ accounts: number; disabledEndpoints: number }>;

  /** Answers when the database is usable (for `/readyz`). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
