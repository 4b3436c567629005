/**
 * The embedded store: one SQLite file in WAL mode, where a write is answered only once it is on disk
 * (an accepted event survives `kill -9` and power loss alike). Publishes and attempt results, the
 * writes of the hot path, commit without an fsync and then wait for one on libuv's thread pool
 * (`wal-sync.ts`), shared by every commit made meanwhile; the other writes commit with
 * `synchronous=FULL`.
 *
 * better-sqlite3 is synchronous; the async `Store` methods resolve at once, but for those fsyncs. That
 * is the right trade for one process: a batched claim or a group commit of 100 rows takes well under a
 * millisecond of CPU, and no connection pool or thread hop is needed. All SQL of this backend is in
 * this file.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { setImmediate as yieldTurn } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { type EndpointSource, endpointChangeOnGone } from '../../domain/delivery-state.ts';
import { type AttemptsSummary, nextFailingSince } from '../../domain/endpoint-health.ts';
import { endpointPartition } from '../../domain/endpoint-partition.ts';
import { urlsHeldToLimit } from '../active-url-limit.ts';
import { type ClaimAccount, takeFairly } from '../fair-claim.ts';
import { type InsertOutcome, type PendingInsert, PublishQueue, settle } from '../group-commit.ts';
import {
  endpointsAllowed,
  isEmptyRange,
  MAX_MERGED_ENDPOINTS,
  SQLITE_CREATED_AT_SLACK_MS,
} from '../log-filters.ts';
import { decodeCursor } from '../pagination.ts';
import {
  auditParams,
  DELIVERY_COLUMNS,
  ENDPOINT_COLUMNS,
  likeNeedle,
  type Row,
  toAccount,
  toApiKey,
  toAttempt,
  toAuditEntry,
  toClaimedDeliveries,
  toDelivery,
  toEndpoint,
  toEndpointAttemptStats,
  toErasure,
  toEvent,
  toPage,
  toPortalSession,
  toStoredEventData,
} from '../rows.ts';
import type {
  AccountChanges,
  AccountRecord,
  ApiKeyRecord,
  AttemptRecord,
  AttemptResult,
  AuditEntryRecord,
  AuditLogFilter,
  AuditOf,
  ClaimedDelivery,
  ClaimRequest,
  DeliveryFilter,
  DeliveryRecord,
  EndpointAttemptStats,
  EndpointChanges,
  EndpointHealthState,
  EndpointRecord,
  ErasedCounts,
  ErasureRecord,
  EventFilter,
  EventRecord,
  EventTypeRecord,
  InsertEventResult,
  NewEvent,
  Page,
  PageRequest,
  Partition,
  PortalSessionRecord,
  PruneBounds,
  PruneCounts,
  PublishBasis,
  RollApiKeyResult,
  Store,
  StoredEventData,
} from '../store.ts';
import { ActiveUrlLimitError, IdempotencyConflictError, newDeliveryEndpoints } from '../store.ts';
import { urlChangePlan } from '../url-change.ts';
import { SQLITE_MIGRATIONS } from './migrations.ts';
import { WAL_SIZE_LIMIT_BYTES, WalCheckpointer } from './wal-checkpointer.ts';
import { type FdatasyncFn, WalSync } from './wal-sync.ts';

const LIVE = `('pending', 'sending')`;
/**
 * `releaseFreePages` gives pages back in slices sized by how long the last one took, aiming at as long
 * as a pruning step: moving a page costs more the more pages point into it, so no fixed count is short
 * everywhere (1,024 pages, 4 MiB, took 160 to 390 ms on a file of 6,000 to 20,000 pages; 64 took
 * 12 to 15 ms).
 */
const VACUUM_SLICE = { first: 64, min: 8, max: 1_024, targetMs: 4 } as const;

/** The next slice of `releaseFreePages`: halved after a slow one, a quarter more after a fast one. */
export function nextVacuumSlice(pages: number, tookMs: number): number {
  if (tookMs > 2 * VACUUM_SLICE.targetMs) return Math.max(VACUUM_SLICE.min, Math.floor(pages / 2));
  if (tookMs < VACUUM_SLICE.targetMs / 2) return Math.min(VACUUM_SLICE.max, Math.ceil(pages * 1.25));
  return pages;
}
// Accounts with live deliveries a claim looks at, at most: two index seeks each (about 5 µs).
const CLAIM_ACCOUNT_VISITS = 512;

/** Options of {@link SqliteStore.open}. */
export interface SqliteStoreOptions {
  /** Path of the database file; its directory is created when missing. */
  readonly path: string;
  /** Told when the background checkpointer fails (checkpoints then run on the main thread again). */
  readonly onCheckpointFailure?: (error: Error) => void;
  /** The fsync of the WAL file: libuv's `fdatasync` unless a test holds it. */
  readonly fdatasync?: FdatasyncFn;
}

/**
 * A transaction that takes the write lock when it begins (`BEGIN IMMEDIATE`). The WAL checkpointer's
 * RESTART holds the write lock for a moment; a deferred transaction that read first would then fail at
 * its first write with SQLITE_BUSY, since SQLite does not wait on a lock upgrade, while one that begins
 * with the lock waits (busy_timeout) like any writer. The store is the file's only writer, so nothing
 * else changes.
 */
function immediateTransaction<F extends (...args: never[]) => unknown>(db: Database.Database, fn: F): F {
  return db.transaction(fn).immediate as unknown as F;
}

/** The SQLite implementation of {@link Store}. */
export class SqliteStore implements Store {
  private readonly db: Database.Database;
  private readonly statements: ReturnType<typeof prepareStatements>;
  // One process owns the file (see data-dir-lock.ts), so caches invalidated by this store's own writes
  // are exact. Accounts and keys are read by every authenticated request; enabled endpoints by every
  // publish.
  private readonly accountsById = new Map<string, AccountRecord>();
  private readonly apiKeysByHash = new Map<string, ApiKeyRecord>();
  private readonly enabledEndpoints = new Map<string, readonly EndpointRecord[]>();
  /** Pages of the next slice of {@link releaseFreePages}, kept from one pass to the next. */
  private vacuumSlice: number = VACUUM_SLICE.first;
  /** Endpoints the delivery engine read, by id: every claim batch asks for its endpoints. */
  private readonly endpointsById = new Map<string, EndpointRecord>();
  /** Publishes waiting for the next group commit. */
  /** Publishes of this turn of the event loop, committed together (see store/group-commit.ts). */
  private readonly publishes = new PublishQueue((group) => this.commitInserts(group));
  private checkpointer: WalCheckpointer | undefined;
  /** The fsyncs that make publishes and attempt results durable, off the event loop. */
  private walSync!: WalSync;
  /** The engine in this process, told of new work and endpoint changes after each commit. */
  private readonly dueListeners = new Set<(buckets: readonly number[] | undefined) => void>();
  private readonly endpointListeners = new Set<(endpointId: string) => void>();
  /** The last account a claim looked at; the next one starts after it. */
  private claimCursor = '';

  private constructor(db: Database.Database) {
    this.db = db;
    this.statements = prepareStatements(db);
  }

  /** Opens (and migrates) the database file. */
  static open(options: SqliteStoreOptions): SqliteStore {
    mkdirSync(dirname(options.path), { recursive: true });
    const db = new Database(options.path);
    // Pages freed by pruning are reused by later writes; with incremental auto-vacuum the file can also
    // shrink (`releaseFreePages`). It takes effect only in a file that has no table yet: older files
    // reuse their free pages but keep their size (a `VACUUM` while Hookline is stopped converts them).
    db.pragma('auto_vacuum = INCREMENTAL');
    db.pragma('journal_mode = WAL');
    // FULL: every commit fsyncs the WAL, so "accepted" means "on disk". NORMAL would lose the last
    // transactions on power loss, which the 202 of a publish must never do: the writes that commit
    // with NORMAL for speed wait for their fsync (`WalSync`) before they are answered.
    db.pragma('synchronous = FULL');
    db.pragma('busy_timeout = 5000');
    // 16 MiB of page cache holds the queue index's hot end and the recent events; colder pages come
    // from the OS page cache. Measured on a 1M-delivery backlog: 64 MiB drained no faster.
    db.pragma('cache_size = -16384');
    db.pragma('temp_store = MEMORY');
    migrate(db);
    const store = new SqliteStore(db);
    store.walSync = new WalSync(`${options.path}-wal`, options.fdatasync);
    // Checkpoints move to a worker thread; should it fail, SQLite's automatic checkpoints take over again.
    db.pragma('wal_autocheckpoint = 0');
    // A WAL that grew in a burst is trimmed back when it starts over (see wal-checkpointer.ts).
    db.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
    store.checkpointer = WalCheckpointer.start(options.path, (error) => {
      options.onCheckpointFailure?.(error);
      if (db.open) db.pragma('wal_autocheckpoint = 1000');
    });
    return store;
  }

  async createAccount(
    account: AccountRecord,
    firstKey: ApiKeyRecord,
    keyHash: string,
    audit?: AuditEntryRecord,
  ): Promise<void> {
    immediateTransaction(this.db, () => {
      this.statements.insertAccount.run(account);
      this.statements.insertApiKey.run({ ...firstKey, keyHash });
      this.writeAudit(audit);
    })();
  }

  async getAccount(accountId: string): Promise<AccountRecord | undefined> {
    const cached = this.accountsById.get(accountId);
    if (cached) return cached;
    const row = this.statements.getAccount.get(accountId) as Row | undefined;
    if (!row) return undefined;
    const account = toAccount(row);
    this.accountsById.set(accountId, account);
    return account;
  }

  async accountExists(accountId: string): Promise<boolean> {
    return (await this.getAccount(accountId)) !== undefined;
  }

  async listAccounts(page: PageRequest): Promise<Page<AccountRecord>> {
    const after = page.cursor === undefined ? 0 : decodeCursor(page.cursor);
    const rows = this.statements.listAccounts.all(after, page.limit + 1) as Row[];
    return toPage(rows, page.limit, toAccount);
  }

  async updateAccount(
    accountId: string,
    changes: AccountChanges,
    audit?: AuditOf<{ before: AccountRecord; after: AccountRecord }>,
  ): Promise<AccountRecord | undefined> {
    const s = this.statements;
    this.forgetAccount(accountId);
    const updated = immediateTransaction(this.db, () => {
      const beforeRow = s.getAccount.get(accountId) as Row | undefined;
      if (!beforeRow) return undefined;
      if (changes.maxActiveUrls !== undefined) s.setMaxActiveUrls.run(changes.maxActiveUrls, accountId);
      if (changes.maxConcurrency !== undefined) s.setMaxConcurrency.run(changes.maxConcurrency, accountId);
      if (changes.retentionMs !== undefined) s.setRetention.run(changes.retentionMs, accountId);
      const after = toAccount(s.getAccount.get(accountId) as Row);
      this.writeAudit(audit?.({ before: toAccount(beforeRow), after }));
      return after;
    })();
    if (updated) this.accountsById.set(accountId, updated);
    return updated;
  }

  async getAccountsByIds(accountIds: readonly string[]): Promise<readonly AccountRecord[]> {
    const found: AccountRecord[] = [];
    for (const id of new Set(accountIds)) {
      const account = await this.getAccount(id);
      if (account) found.push(account);
    }
    return found;
  }

  /** Drops an account from the cache after a change. */
  private forgetAccount(accountId: string): void {
    this.accountsById.delete(accountId);
  }

  async createApiKey(key: ApiKeyRecord, keyHash: string, audit?: AuditEntryRecord): Promise<void> {
    immediateTransaction(this.db, () => {
      this.statements.insertApiKey.run({ ...key, keyHash });
      this.writeAudit(audit);
    })();
  }

  async findApiKeyByHash(keyHash: string): Promise<ApiKeyRecord | undefined> {
    const cached = this.apiKeysByHash.get(keyHash);
    if (cached) return cached;
    const row = this.statements.findApiKeyByHash.get(keyHash) as Row | undefined;
    if (!row) return undefined;
    const key = toApiKey(row);
    this.apiKeysByHash.set(keyHash, key);
    return key;
  }

  async getApiKey(accountId: string, keyId: string): Promise<ApiKeyRecord | undefined> {
    const row = this.statements.getApiKey.get(keyId, accountId) as Row | undefined;
    return row && toApiKey(row);
  }

  async listApiKeys(accountId: string, page: PageRequest, nowMs: number): Promise<Page<ApiKeyRecord>> {
    const after = page.cursor === undefined ? 0 : decodeCursor(page.cursor);
    const rows = this.statements.listApiKeys.all(accountId, after, nowMs, page.limit + 1) as Row[];
    return toPage(rows, page.limit, toApiKey);
  }

  async deleteApiKey(accountId: string, keyId: string, audit?: AuditEntryRecord): Promise<boolean> {
    // The cache is keyed by hash, which the id does not give: any change of a key clears it.
    this.apiKeysByHash.clear();
    return immediateTransaction(this.db, () => {
      if (this.statements.deleteApiKey.run(keyId, accountId).changes !== 1) return false;
      this.writeAudit(audit);
      return true;
    })();
  }

  async rollApiKey(
    accountId: string,
    keyId: string,
    next: ApiKeyRecord,
    nextHash: string,
    oldExpiresAt: number,
    nowMs: number,
    audit?: AuditEntryRecord,
  ): Promise<RollApiKeyResult> {
    const s = this.statements;
    this.apiKeysByHash.clear();
    return immediateTransaction(this.db, (): RollApiKeyResult => {
      s.deleteExpiredApiKeys.run(accountId, nowMs);
      const row = s.getApiKey.get(keyId, accountId) as Row | undefined;
      if (!row) return 'not_found';
      if (row['expires_at'] !== null) return 'expiring';
      if (oldExpiresAt <= nowMs) s.deleteApiKey.run(keyId, accountId);
      else s.setApiKeyExpiry.run(oldExpiresAt, keyId, accountId);
      s.insertApiKey.run({ ...next, keyHash: nextHash });
      this.writeAudit(audit);
      return 'rolled';
    })();
  }

  async touchApiKey(keyId: string, nowMs: number): Promise<void> {
    this.apiKeysByHash.clear();
    this.statements.touchApiKey.run(nowMs, keyId);
  }

  async createPortalSession(
    session: PortalSessionRecord,
    tokenHash: string,
    audit?: AuditEntryRecord,
  ): Promise<void> {
    immediateTransaction(this.db, () => {
      this.statements.insertPortalSession.run({
        ...session,
        scopeJson: session.scope === null ? null : JSON.stringify(session.scope),
        tokenHash,
      });
      this.writeAudit(audit);
    })();
  }

  async findPortalSessionByHash(tokenHash: string): Promise<PortalSessionRecord | undefined> {
    const row = this.statements.findPortalSessionByHash.get(tokenHash) as Row | undefined;
    return row && toPortalSession(row);
  }

  async getPortalSession(accountId: string, sessionId: string): Promise<PortalSessionRecord | undefined> {
    const row = this.statements.getPortalSession.get(sessionId, accountId) as Row | undefined;
    return row && toPortalSession(row);
  }

  async deleteExpiredPortalSessions(accountId: string, beforeMs: number): Promise<number> {
    return this.statements.deleteExpiredPortalSessions.run(accountId, beforeMs).changes;
  }

  async createEndpoint(
    endpoint: EndpointRecord,
    limits: { readonly maxActiveUrls: number },
    audit?: AuditEntryRecord,
  ): Promise<void> {
    immediateTransaction(this.db, () => {
      if (endpoint.enabled) this.checkActiveUrls(endpoint.accountId, endpoint.urls, undefined, limits);
      this.statements.insertEndpoint.run(endpointParams(endpoint));
      this.writeAudit(audit);
    })();
    this.enabledEndpoints.delete(endpoint.accountId);
  }

  /**
   * Throws {@link ActiveUrlLimitError} when `urls` (of an enabled endpoint, other than `exceptId`) would
   * take the account's distinct enabled URLs beyond the limit. Runs inside the caller's transaction.
   */
  private checkActiveUrls(
    accountId: string,
    urls: readonly string[],
    exceptId: string | undefined,
    limits: { readonly maxActiveUrls: number },
  ): void {
    const active = this.activeUrls(accountId, exceptId);
    for (const url of urls) active.add(url);
    if (active.size > limits.maxActiveUrls) throw new ActiveUrlLimitError(limits.maxActiveUrls);
  }

  /** The distinct URLs of the account's enabled endpoints (other than `exceptId`). */
  private activeUrls(accountId: string, exceptId?: string): Set<string> {
    const active = new Set<string>();
    for (const row of this.statements.enabledUrlsOfAccount.all(accountId) as Row[]) {
      if (row['id'] === exceptId) continue;
      for (const url of JSON.parse(row['urls'] as string) as string[]) active.add(url);
    }
    return active;
  }

  async countActiveUrls(accountId: string): Promise<number> {
    return this.activeUrls(accountId).size;
  }

  async getEndpoint(accountId: string, endpointId: string): Promise<EndpointRecord | undefined> {
    const row = this.statements.getEndpoint.get(endpointId, accountId) as Row | undefined;
    return row && toEndpoint(row);
  }

  async listEndpoints(accountId: string, page: PageRequest): Promise<Page<EndpointRecord>> {
    const after = page.cursor === undefined ? 0 : decodeCursor(page.cursor);
    const rows = this.statements.listEndpoints.all(accountId, after, page.limit + 1) as Row[];
    return toPage(rows, page.limit, toEndpoint);
  }

  async listEnabledEndpoints(accountId: string): Promise<readonly EndpointRecord[]> {
    let endpoints = this.enabledEndpoints.get(accountId);
    if (!endpoints) {
      endpoints = (this.statements.listEnabledEndpoints.all(accountId) as Row[]).map(toEndpoint);
      this.enabledEndpoints.set(accountId, endpoints);
    }
    return endpoints;
  }

  /** What {@link listEnabledEndpoints} says: exact, since this process owns the file and its caches. */
  async endpointsToPublishTo(accountId: string): Promise<PublishBasis> {
    return { endpoints: await this.listEnabledEndpoints(accountId) };
  }

  async getEndpointsByIds(endpointIds: readonly string[]): Promise<readonly EndpointRecord[]> {
    const found: EndpointRecord[] = [];
    const missing: string[] = [];
    for (const id of endpointIds) {
      const cached = this.endpointsById.get(id);
      if (cached) found.push(cached);
      else missing.push(id);
    }
    if (missing.length === 0) return found;
    for (const row of this.statements.getEndpointsByIds.all(JSON.stringify(missing)) as Row[]) {
      const endpoint = toEndpoint(row);
      this.endpointsById.set(endpoint.id, endpoint);
      found.push(endpoint);
    }
    return found;
  }

  /** Forgets cached endpoints of an account after one of them changed. */
  private endpointsChanged(accountId: string, endpointId: string): void {
    this.enabledEndpoints.delete(accountId);
    this.endpointsById.delete(endpointId);
  }

  /** In this process: one process owns the file, so its own engine is the only one to tell. */
  onDue(listener: (buckets: readonly number[] | undefined) => void): () => void {
    this.dueListeners.add(listener);
    return () => this.dueListeners.delete(listener);
  }

  onEndpointChanged(listener: (endpointId: string) => void): () => void {
    this.endpointListeners.add(listener);
    return () => this.endpointListeners.delete(listener);
  }

  /** After a commit that made deliveries due (one worker serves every endpoint: no buckets). */
  private madeDue(): void {
    for (const listener of this.dueListeners) listener(undefined);
  }

  private endpointCommitted(endpointId: string): void {
    for (const listener of this.endpointListeners) listener(endpointId);
  }

  async updateEndpoint(
    accountId: string,
    endpointId: string,
    changes: EndpointChanges,
    nowMs: number,
    limits: { readonly maxActiveUrls: number },
    audit?: AuditOf<{ before: EndpointRecord; after: EndpointRecord }>,
  ): Promise<EndpointRecord | undefined> {
    this.endpointsChanged(accountId, endpointId);
    const updated = immediateTransaction(this.db, () => {
      const beforeRow = this.statements.getEndpoint.get(endpointId, accountId) as Row | undefined;
      if (!beforeRow) return undefined;
      const before = toEndpoint(beforeRow);
      const held = urlsHeldToLimit(before, changes);
      if (held) this.checkActiveUrls(accountId, held, endpointId, limits);
      const sets: string[] = ['updated_at = @updatedAt'];
      const params: Record<string, unknown> = { id: endpointId, accountId, updatedAt: nowMs };
      for (const [key, value] of Object.entries(changes) as [keyof EndpointChanges, unknown][]) {
        if (value === undefined) continue;
        sets.push(`${ENDPOINT_COLUMNS[key]} = @${key}`);
        params[key] = toSqlValue(value);
      }
      const result = this.db
        .prepare(`UPDATE endpoints SET ${sets.join(', ')} WHERE id = @id AND account_id = @accountId`)
        .run(params);
      if (result.changes === 0) return undefined;
      const target = { nowMs, endpointId, accountId };
      if (changes.enabled === false) this.statements.cancelLiveForEndpoint.run(target);
      if (changes.ordered === false && before.ordered) this.statements.releaseLanes.run(target);
      if (changes.urls !== undefined) this.followUrlChange(target, before as EndpointRecord, changes.urls);
      const after = toEndpoint(this.statements.getEndpoint.get(endpointId, accountId) as Row);
      this.writeAudit(audit?.({ before, after }));
      return after;
    })();
    if (updated) this.endpointCommitted(endpointId);
    return updated;
  }

  /** Deliveries follow a change of URLs (see store/url-change.ts). */
  private followUrlChange(
    target: { nowMs: number; endpointId: string; accountId: string },
    before: EndpointRecord,
    urls: readonly string[],
  ): void {
    const plan = urlChangePlan(before.urls, urls);
    if (plan.kind === 'retarget') {
      this.statements.retargetDeliveries.run({ ...target, from: plan.from, to: plan.to });
    } else if (plan.kind === 'cancel') {
      for (const url of plan.urls) this.statements.cancelLiveForUrl.run({ ...target, url });
    }
  }

  async deleteEndpoint(
    accountId: string,
    endpointId: string,
    nowMs: number,
    audit?: AuditOf<EndpointRecord>,
  ): Promise<boolean> {
    this.endpointsChanged(accountId, endpointId);
    const deleted = immediateTransaction(this.db, () => {
      const row = this.statements.deleteEndpoint.get(endpointId, accountId) as Row | undefined;
      if (!row) return false;
      this.statements.cancelLiveForEndpoint.run({ nowMs, endpointId, accountId });
      this.writeAudit(audit?.(toEndpoint(row)));
      return true;
    })();
    if (deleted) this.endpointCommitted(endpointId);
    return deleted;
  }

  /**
   * Group commit (store/group-commit.ts): one transaction for the publishes of a turn of the event
   * loop, so 64 concurrent publishes cost one fsync instead of 64; each in its own savepoint (a nested
   * transaction). Groups commit one after another (the connection is synchronous).
   */
  insertEvents(accountId: string, events: readonly NewEvent[]): Promise<InsertEventResult[]> {
    return this.publishes.add(accountId, events);
  }

  private commitInserts(group: readonly PendingInsert[]): void {
    const outcomes: InsertOutcome[] = [];
    const one = immediateTransaction(this.db, (item: PendingInsert) =>
      this.insertEventsNow(item.accountId, item.events),
    );
    try {
      this.withoutFsync(() => {
        for (const item of group) {
          try {
            outcomes.push({ results: one(item) });
          } catch (error) {
            outcomes.push({ error });
          }
        }
      });
    } catch (error) {
      settle(group, { error });
      return;
    }
    const due = outcomes.some(
      (o, i) =>
        'results' in o && newDeliveryEndpoints((group[i] as PendingInsert).events, o.results).length > 0,
    );
    // Answered, and the engine woken, once the group is on disk.
    this.walSync.sync().then(
      () => {
        if (due) this.madeDue();
        settle(group, outcomes);
      },
      (error: unknown) => settle(group, { error }),
    );
  }

  private insertEventsNow(accountId: string, events: readonly NewEvent[]): InsertEventResult[] {
    const s = this.statements;
    return events.map(({ event, deliveries }, index): InsertEventResult => {
      const inserted = s.insertEvent.get(
        accountId,
        event.id,
        event.type,
        event.dataJson,
        event.occurredAt,
        event.createdAt,
        deliveries.length > 0 ? 1 : 0,
        event.orderingKey,
      ) as { seq: number } | undefined;
      if (!inserted) {
        const existing = s.getEventWithSeq.get(accountId, event.id) as Row;
        if (existing['type'] !== event.type || existing['data'] !== event.dataJson) {
          throw new IdempotencyConflictError(index, event.id);
        }
        const rows = s.deliveryIdsOfEvent.all(existing['seq'], accountId) as { id: string }[];
        return { inserted: false, event: toEvent(existing), deliveryIds: rows.map((r) => r.id) };
      }
      for (const delivery of deliveries) {
        const key = delivery.orderingKey;
        // Ordered: it waits (due at no time) behind a live delivery of its lane, earlier ones of this
        // batch included.
        const waits = key !== null && s.laneBusy.get(delivery.endpointId, key, delivery.url) !== undefined;
        s.insertDelivery.run(
          delivery.id,
          accountId,
          inserted.seq,
          delivery.endpointId,
          delivery.url,
          delivery.lineId,
          waits ? null : delivery.nextAttemptAt,
          event.createdAt,
          event.createdAt,
          key,
        );
      }
      return { inserted: true, event, deliveryIds: deliveries.map((d) => d.id) };
    });
  }

  async createEventType(eventType: EventTypeRecord, audit?: AuditEntryRecord): Promise<boolean> {
    return immediateTransaction(this.db, () => {
      if (this.statements.insertEventType.run(eventType).changes !== 1) return false;
      this.writeAudit(audit);
      return true;
    })();
  }

  async listEventTypes(): Promise<readonly EventTypeRecord[]> {
    return (this.statements.listEventTypes.all() as Row[]).map((row) => ({
      name: row['name'] as string,
      description: row['description'] as string,
      schemaJson: row['schema'] as string,
      exampleJson: row['example'] as string,
      createdAt: row['created_at'] as number,
    }));
  }

  async getEvent(accountId: string, eventId: string): Promise<EventRecord | undefined> {
    const row = this.statements.getEventWithSeq.get(accountId, eventId) as Row | undefined;
    return row && toEvent(row);
  }

  async listEvents(accountId: string, page: PageRequest, filter: EventFilter): Promise<Page<EventRecord>> {
    if (isEmptyRange(filter)) return { items: [], nextCursor: null };
    const range = this.seqRange('events', filter);
    const before = Math.min(
      page.cursor === undefined ? Number.MAX_SAFE_INTEGER : decodeCursor(page.cursor),
      range.hi,
    );
    // events_account_seq, newest first, with a type checked row by row: the type index holds only the
    // events that created deliveries (see deliveriesOfTypePage).
    const where = ['account_id = @accountId', 'seq < @before', 'seq >= @lo', ...createdAtTerms('', filter)];
    if (filter.type !== undefined) where.push('type = @type');
    const rows = this.db
      .prepare(`SELECT * FROM events WHERE ${where.join(' AND ')} ORDER BY seq DESC LIMIT @limit`)
      .all({ ...filter, accountId, before, lo: range.lo, limit: page.limit + 1 }) as Row[];
    return toPage(rows, page.limit, toEvent);
  }

  async getDelivery(accountId: string, deliveryId: string): Promise<DeliveryRecord | undefined> {
    const row = this.statements.getDelivery.get(deliveryId, accountId) as Row | undefined;
    return row && toDelivery(row);
  }

  /**
   * The deliveries log, newest first. Every filter narrows one query, but which index it reads is
   * chosen here, by the filter that leaves the fewest rows to read for a page (SQLite's planner has no
   * statistics to tell; a unary `+` keeps it off an index): the event (deliveries_event), the endpoints
   * (deliveries_endpoint_seq, the newest page of each, merged), a failed or cancelled status (the partial
   * deliveries_account_ended), the event type (see deliveriesOfTypePage), else the account's whole log
   * (deliveries_account_seq). A time range is a range of `seq` on whichever is read.
   */
  async listDeliveries(
    accountId: string,
    page: PageRequest,
    filter: DeliveryFilter,
  ): Promise<Page<DeliveryRecord>> {
    const endpoints = endpointsAllowed(filter);
    if (endpoints?.length === 0 || isEmptyRange(filter)) return { items: [], nextCursor: null };
    const range = this.seqRange('deliveries', filter);
    const before = Math.min(
      page.cursor === undefined ? Number.MAX_SAFE_INTEGER : decodeCursor(page.cursor),
      range.hi,
    );
    const params: Record<string, unknown> = {
      ...filter,
      accountId,
      before,
      lo: range.lo,
      limit: page.limit + 1,
    };
    const terms = ['d.seq < @before', 'd.seq >= @lo', ...createdAtTerms('d.', filter)];
    const ended = filter.status === 'failed' || filter.status === 'cancelled';
    if (filter.status !== undefined) terms.push('d.status = @status');
    if (filter.eventType !== undefined) terms.push('e.type = @eventType');
    const withEvent = filter.eventType !== undefined;
    const perEndpoint = endpoints !== undefined && endpoints.length <= MAX_MERGED_ENDPOINTS;
    if (endpoints !== undefined && (!perEndpoint || filter.eventId !== undefined)) {
      terms.push('+d.endpoint_id IN (SELECT value FROM json_each(@endpointIds))');
      params['endpointIds'] = JSON.stringify(endpoints);
    }
    let sql: string;
    if (filter.eventId !== undefined) {
      terms.push('d.event_seq = (SELECT seq FROM events WHERE account_id = @accountId AND id = @eventId)');
      sql = deliveriesPage([...terms, '+d.account_id = @accountId']);
    } else if (endpoints !== undefined && perEndpoint) {
      // The newest page of each endpoint (one descent of deliveries_endpoint_seq each), then the newest
      // of those.
      const ofEndpoint = (i: number) => [
        ...terms,
        `d.endpoint_id = @endpoint${i}`,
        '+d.account_id = @accountId',
      ];
      endpoints.forEach((id, i) => {
        params[`endpoint${i}`] = id;
      });
      sql =
        endpoints.length === 1
          ? deliveriesPage(ofEndpoint(0))
          : deliveriesPage([
              `d.seq IN (${endpoints
                .map(
                  (_, i) =>
                    `SELECT seq FROM (${deliveriesPage(ofEndpoint(i), { columns: 'd.seq', withEvent })})`,
                )
                .join(' UNION ALL ')})`,
            ]);
    } else if (ended) {
      // Only failed and cancelled deliveries are in deliveries_account_ended; naming its condition lets
      // SQLite use it.
      sql = deliveriesPage([...terms, `d.status IN ('failed', 'cancelled')`, 'd.account_id = @accountId']);
    } else if (filter.eventType !== undefined) {
      sql = this.deliveriesOfTypePage(terms, filter, params);
    } else {
      sql = deliveriesPage([...terms, 'd.account_id = @accountId']);
    }
    const rows = this.db.prepare(sql).all(params) as Row[];
    return toPage(rows, page.limit, toDelivery);
  }

  /**
   * The deliveries of one event type, newest first, read through the events of that type that created
   * deliveries (events_type_with_deliveries) and each event's deliveries (deliveries_event): a page then
   * costs about what it shows, however rare the type, where reading the account's log would pass every
   * delivery of other types. The order is the events' `seq` and then the deliveries', which is the
   * deliveries' `seq` order: in this store an event and its deliveries are inserted together, one event
   * after another by the one writer, and no delivery is ever added to an event later, so the
   * deliveries of an earlier event all come before those of a later one. The events read start at the
   * event of the cursor's delivery.
   */
  private deliveriesOfTypePage(
    terms: readonly string[],
    filter: DeliveryFilter,
    params: Record<string, unknown>,
  ): string {
    const events = this.seqRange('events', filter);
    params['eventsLo'] = events.lo;
    params['eventsHi'] = events.hi;
    return `SELECT ${DELIVERY_COLUMNS} FROM events e INDEXED BY events_type_with_deliveries CROSS JOIN deliveries d
      WHERE e.account_id = @accountId AND e.has_deliveries = 1 AND e.seq >= @eventsLo AND e.seq < @eventsHi
        AND e.seq <= coalesce((SELECT event_seq FROM deliveries WHERE seq = @before), @eventsHi)
        AND d.event_seq = e.seq AND +d.account_id = @accountId AND ${terms.join(' AND ')}
      ORDER BY e.seq DESC, d.seq DESC LIMIT @limit`;
  }

  /**
   * The `seq` range `[lo, hi)` that holds every row of `table` created in the filter's time range (and
   * at most {@link SQLITE_CREATED_AT_SLACK_MS} more at each end), found by bisecting `seq` on `created_at`.
   * Each probe is one primary-key lookup: about 20 for a million rows, well under a millisecond.
   */
  private seqRange(
    table: 'events' | 'deliveries' | 'audit_log',
    filter: { sinceMs?: number | undefined; untilMs?: number | undefined },
  ): { lo: number; hi: number } {
    return {
      lo:
        filter.sinceMs === undefined
          ? 0
          : this.firstSeqCreatedAt(table, filter.sinceMs - SQLITE_CREATED_AT_SLACK_MS),
      hi:
        filter.untilMs === undefined
          ? Number.MAX_SAFE_INTEGER
          : this.firstSeqCreatedAt(table, filter.untilMs + SQLITE_CREATED_AT_SLACK_MS),
    };
  }

  /** The first `seq` from which on the rows of `table` were created at or after `atMs` (see {@link seqRange}). */
  private firstSeqCreatedAt(table: 'events' | 'deliveries' | 'audit_log', atMs: number): number {
    const s = this.statements.seqSearch[table];
    const ends = s.ends.get() as { first: number | null; last: number | null };
    if (ends.first === null || ends.last === null) return 0;
    let lo = ends.first;
    let hi = ends.last + 1;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      // The first row at or after `mid`: there is one, since `mid` is at most the last seq.
      const row = s.probe.get(mid) as { seq: number; created_at: number };
      if (row.created_at >= atMs) hi = mid;
      else lo = row.seq + 1;
    }
    return lo;
  }

  /**
   * Gives free pages back to the file system when more than a fifth of the file is free, down to a
   * tenth, in slices of a few milliseconds ({@link nextVacuumSlice}) with the event loop yielded
   * between them. Some free pages are kept: the next writes would only have to grow the file again.
   * @param watch for tests: the clock the slices are timed with, and what each slice gave back.
   * @returns the pages given back.
   */
  async releaseFreePages(
    watch: { readonly now?: () => number; readonly slice?: (pages: number) => void } = {},
  ): Promise<number> {
    const now = watch.now ?? performance.now.bind(performance);
    let released = 0;
    for (;;) {
      const total = this.db.pragma('page_count', { simple: true }) as number;
      const free = this.db.pragma('freelist_count', { simple: true }) as number;
      if (free * 5 <= total) return released;
      const pages = Math.min(this.vacuumSlice, free - Math.floor(total / 10));
      const started = now();
      this.withoutFsync(() => this.db.pragma(`incremental_vacuum(${pages})`));
      // Only a full slice tells how long one takes: the last, shorter one is fast whatever the size.
      if (pages === this.vacuumSlice) this.vacuumSlice = nextVacuumSlice(pages, now() - started);
      watch.slice?.(pages);
      released += pages;
      await yieldTurn();
    }
  }

  async recordEndpointHealth(summaries: readonly AttemptsSummary[]): Promise<EndpointHealthState[]> {
    const s = this.statements;
    // Losing this in a crash loses one group's say on the endpoint's health: no fsync to wait for.
    return this.withoutFsync(() =>
      summaries.flatMap((summary): EndpointHealthState[] => {
        const row = s.endpointHealth.get(summary.endpointId) as Row | undefined;
        if (!row) return [];
        const before = row['failing_since'] as number | null;
        const previousWarnedAt = row['failing_warned_at'] as number | null;
        const failingSince = nextFailingSince(before, summary);
        const failingWarnedAt = failingSince === before ? previousWarnedAt : null;
        if (failingSince !== before)
          s.setEndpointHealth.run(failingSince, failingWarnedAt, summary.endpointId);
        return [
          {
            endpointId: summary.endpointId,
            accountId: row['account_id'] as string,
            enabled: row['enabled'] === 1,
            failingSince,
            failingWarnedAt,
            previousWarnedAt,
          },
        ];
      }),
    );
  }

  async findEventsContaining(
    accountId: string,
    needles: readonly string[],
    afterSeq: number,
    limit: number,
  ): Promise<StoredEventData[]> {
    const rows = this.statements.eventsContaining.all(
      accountId,
      afterSeq,
      JSON.stringify(needles.map(likeNeedle)),
      limit,
    ) as Row[];
    return rows.map(toStoredEventData);
  }

  async eraseEvents(
    accountId: string,
    seqs: readonly number[],
    dataJson: string,
    nowMs: number,
  ): Promise<ErasedCounts> {
    const s = this.statements;
    const list = JSON.stringify(seqs);
    let promoted = false;
    const counts = immediateTransaction(this.db, (): ErasedCounts => {
      const lanes = s.erasedLanes.all(list) as Row[];
      const deliveriesCancelled = s.cancelErased.run({ list, nowMs }).changes;
      s.forgetErasedKeys.run(list);
      for (const lane of lanes) {
        const { endpoint_id: endpointId, url, ordering_key: key } = lane as Record<string, string>;
        promoted = s.promoteLane.run({ nowMs, endpointId, key, url }).changes > 0 || promoted;
      }
      const attemptsCleared = s.clearErasedAttempts.run(list).changes;
      const events = s.eraseEventData.run(dataJson, accountId, list).changes;
      return { events, deliveriesCancelled, attemptsCleared };
    })();
    if (promoted) this.madeDue();
    return counts;
  }

  async recordErasure(erasure: ErasureRecord, audit?: AuditEntryRecord): Promise<void> {
    immediateTransaction(this.db, () => {
      this.statements.insertErasure.run({
        ...erasure,
        criteria: JSON.stringify(erasure.criteria),
        eventIds: JSON.stringify(erasure.eventIds),
      });
      this.writeAudit(audit);
    })();
  }

  async listErasures(accountId: string, page: PageRequest): Promise<Page<ErasureRecord>> {
    const before = page.cursor === undefined ? Number.MAX_SAFE_INTEGER : decodeCursor(page.cursor);
    const rows = this.statements.listErasures.all(accountId, before, page.limit + 1) as Row[];
    return toPage(rows, page.limit, toErasure);
  }

  async eventSeqFrom(cutoffMs: number): Promise<number> {
    return this.firstSeqCreatedAt('events', cutoffMs);
  }

  async pruneEvents(accountId: string, bounds: PruneBounds, limit: number): Promise<PruneCounts> {
    const s = this.statements;
    // Losing a pruning step in a crash only means doing it again: no fsync to wait for.
    return this.withoutFsync(() => {
      const seqs = s.prunableEvents
        .pluck()
        .all(accountId, bounds.beforeSeq, bounds.cutoffMs, limit) as number[];
      if (seqs.length === 0) return { events: 0, deliveries: 0, attempts: 0 };
      const list = JSON.stringify(seqs);
      const attempts = s.pruneAttempts.run(list).changes;
      const deliveries = s.pruneDeliveries.run(list).changes;
      const events = s.pruneEventRows.run(list).changes;
      return { events, deliveries, attempts };
    });
  }

  async listAttempts(accountId: string, deliveryId: string): Promise<readonly AttemptRecord[]> {
    return (this.statements.listAttempts.all(deliveryId, accountId) as Row[]).map(toAttempt);
  }

  async retryDelivery(
    accountId: string,
    deliveryId: string,
    nowMs: number,
    audit?: AuditEntryRecord,
  ): Promise<DeliveryRecord | undefined> {
    const s = this.statements;
    const requeued = immediateTransaction(this.db, () => {
      if (s.requeueDelivery.run({ nowMs, id: deliveryId, accountId }).changes === 0) return false;
      s.waitBehindLane.run({ id: deliveryId });
      this.writeAudit(audit);
      return true;
    })();
    if (!requeued) return undefined;
    this.madeDue();
    return this.getDelivery(accountId, deliveryId);
  }

  async recoverDeliveries(
    accountId: string,
    endpointId: string,
    range: { sinceMs: number; untilMs: number },
    nowMs: number,
    audit?: AuditOf<number>,
  ): Promise<number> {
    const s = this.statements;
    const recovered = immediateTransaction(this.db, () => {
      const params = { nowMs, accountId, endpointId, ...range };
      // Ordered ones wait, then the first of each lane without a live delivery becomes its head.
      const lanes = s.recoverableLanes.all(params) as Row[];
      const count = s.recoverDeliveries.run(params).changes;
      for (const lane of lanes) {
        s.promoteLane.run({ nowMs, endpointId, key: lane['ordering_key'], url: lane['url'] });
      }
      this.writeAudit(audit?.(count));
      return count;
    })();
    if (recovered > 0) this.madeDue();
    return recovered;
  }

  /** Writes an audit entry, in the caller's transaction when there is one. */
  private writeAudit(entry: AuditEntryRecord | undefined): void {
    if (entry === undefined) return;
    this.statements.insertAuditEntry.run(...auditParams(entry));
  }

  async appendAuditEntry(entry: AuditEntryRecord): Promise<void> {
    this.writeAudit(entry);
  }

  /**
   * The audit log, newest first: an account's entries (audit_log_account_seq), or one action's
   * (audit_log_account_action, or audit_log_action across accounts), or every entry by `seq`. A time
   * range is a range of `seq` (see {@link seqRange}).
   */
  async listAuditLog(page: PageRequest, filter: AuditLogFilter): Promise<Page<AuditEntryRecord>> {
    if (isEmptyRange(filter)) return { items: [], nextCursor: null };
    const range = this.seqRange('audit_log', filter);
    const before = Math.min(
      page.cursor === undefined ? Number.MAX_SAFE_INTEGER : decodeCursor(page.cursor),
      range.hi,
    );
    const where = ['seq < @before', 'seq >= @lo', ...createdAtTerms('', filter)];
    if (filter.accountId !== undefined) where.push('account_id = @accountId');
    if (filter.action !== undefined) where.push('action = @action');
    const index =
      filter.accountId !== undefined
        ? filter.action !== undefined
          ? 'INDEXED BY audit_log_account_action'
          : 'INDEXED BY audit_log_account_seq'
        : filter.action !== undefined
          ? 'INDEXED BY audit_log_action'
          : '';
    const rows = this.db
      .prepare(`SELECT * FROM audit_log ${index} WHERE ${where.join(' AND ')} ORDER BY seq DESC LIMIT @limit`)
      .all({ ...filter, before, lo: range.lo, limit: page.limit + 1 }) as Row[];
    return toPage(rows, page.limit, toAuditEntry);
  }

  async pruneAuditLog(accountId: string | null, cutoffMs: number, limit: number): Promise<number> {
    // Losing a pruning step in a crash only means doing it again: no fsync to wait for.
    return this.withoutFsync(() => this.statements.pruneAuditLog.run(accountId, cutoffMs, limit).changes);
  }

  async claimDue(request: ClaimRequest): Promise<ClaimedDelivery[]> {
    const s = this.statements;
    return this.withoutFsync(() => {
      const { partition } = request;
      const seqs = takeFairly(this.accountsWithDueWork(request), request.limit, (accountId, offset, count) =>
        (partition === undefined
          ? s.accountHeads.all(accountId, request.nowMs, count, offset)
          : s.accountHeadsInPartition.all(
              accountId,
              request.nowMs,
              partition.count,
              partition.index,
              count,
              offset,
            )
        ).map((row) => (row as Row)['seq'] as number),
      );
      if (seqs.length === 0) return [];
      const claimed = s.claim.all({
        nowMs: request.nowMs,
        leaseUntil: request.nowMs + request.leaseMs,
        seqs: JSON.stringify(seqs),
      }) as Row[];
      // One query for the events of the whole batch: a fan-out of 10 reads each payload once.
      const eventSeqs = [...new Set(claimed.map((row) => row['event_seq'] as number))];
      return toClaimedDeliveries(claimed, s.eventsBySeq.all(JSON.stringify(eventSeqs)) as Row[]);
    });
  }

  /**
   * The accounts with due deliveries, each with the room the engine left it, in turn from after the
   * last account the previous claim visited. One seek per account with live deliveries (its earliest
   * due time heads its part of the index); at most {@link CLAIM_ACCOUNT_VISITS} a claim, so with more
   * accounts than that waiting, the next claim goes on from there.
   */
  private accountsWithDueWork(request: ClaimRequest): ClaimAccount[] {
    const s = this.statements;
    const due: ClaimAccount[] = [];
    const start = this.claimCursor;
    let cursor = start;
    let wrapped = false;
    for (let visits = 0; visits < CLAIM_ACCOUNT_VISITS; ) {
      const head = s.nextAccountHead.get(cursor) as Row | undefined;
      if (head === undefined) {
        if (wrapped || start === '') break;
        wrapped = true;
        cursor = '';
        continue;
      }
      const accountId = head['account_id'] as string;
      if (wrapped && accountId > start) break;
      cursor = accountId;
      visits++;
      if ((head['next_attempt_at'] as number) > request.nowMs) continue;
      const room = request.accountRoom?.get(accountId) ?? request.limit;
      if (room > 0) due.push({ accountId, room });
    }
    this.claimCursor = cursor;
    return due;
  }

  async recordAttempts(results: readonly AttemptResult[], nowMs: number): Promise<void> {
    const s = this.statements;
    this.withoutFsync(() => {
      for (const result of results) {
        const a = result.attempt;
        s.insertAttempt.run(
          a.id,
          a.deliveryId,
          a.accountId,
          a.number,
          a.startedAt,
          a.durationMs,
          a.statusCode,
          a.errorCode,
          a.errorMessage,
          a.responseBody,
          a.responseBodyTruncated ? 1 : 0,
          a.succeeded ? 1 : 0,
          result.claim.endpointId,
          a.responseHeadersJson,
          a.requestHeadersJson,
          a.requestBody,
          a.requestBodyTruncated ? 1 : 0,
        );
        // The state moves for the current lease holder, or for a success over a cancellation.
        const success = result.status === 'succeeded' ? 1 : 0;
        const finished = s.finishAttempt.run(
          success,
          result.status,
          success,
          result.nextAttemptAt,
          a.number,
          a.startedAt,
          a.statusCode,
          a.errorCode,
          nowMs,
          result.claim.id,
          result.claim.lease,
        );
        // The end of a lane's head: its next delivery is due (nothing happens while the head is live).
        const key = result.claim.orderingKey;
        if (key !== null && result.status !== 'pending') {
          s.promoteLane.run({ nowMs, endpointId: result.claim.endpointId, key, url: result.claim.url });
        }
        // The 410 rule (domain/delivery-state.ts), for the current lease holder only.
        if (result.disableEndpoint && finished.changes === 1) {
          const { endpointId, accountId } = result.claim;
          const row = s.endpointSource.get(endpointId) as Row | undefined;
          if (row) {
            const change = endpointChangeOnGone(row['source'] as EndpointSource);
            if (change.kind === 'delete') s.deleteEndpointById.run(endpointId);
            else s.disableEndpoint.run(change.disabledReason, nowMs, endpointId);
          }
          this.endpointsChanged(accountId, endpointId);
          s.cancelLiveForEndpoint.run({ nowMs, endpointId, accountId });
        }
      }
    });
    await this.walSync.sync();
  }

  async releaseClaims(claims: readonly ClaimedDelivery[], dueAtMs: number): Promise<void> {
    const s = this.statements;
    this.withoutFsync(() => {
      for (const claim of claims) s.releaseClaim.run(dueAtMs, claim.id, claim.lease);
    });
  }

  /**
   * Runs a transaction committed without the fsync. Lease bookkeeping (claims and their release) needs
   * none: losing such a commit in a crash loses nothing, as an unrecorded claim is a delivery still
   * due, the same as an expired lease, and an unrecorded release leaves a lease that expires (about
   * half of the fsyncs at 1,000 deliveries/s were claims). Publishes and attempt results then wait for
   * {@link WalSync.sync} before they are answered. The other writes commit with `synchronous=FULL`.
   * Any fsync of the WAL covers every frame written before it. (PostgreSQL offers the same per
   * connection or transaction: `synchronous_commit = off`.)
   */
  private withoutFsync<T>(work: () => T): T {
    this.statements.syncNormal.run();
    try {
      return immediateTransaction(this.db, work)();
    } finally {
      this.statements.syncFull.run();
    }
  }

  async cancelClaims(claims: readonly ClaimedDelivery[], nowMs: number): Promise<void> {
    const s = this.statements;
    immediateTransaction(this.db, () => {
      for (const claim of claims) s.cancelClaim.run({ nowMs, id: claim.id, lease: claim.lease });
    })();
  }

  async releaseAllLeases(nowMs: number): Promise<number> {
    return this.statements.releaseAllLeases.run({ nowMs }).changes;
  }

  async nextDueAt(partition?: Partition): Promise<number | undefined> {
    const row = (
      partition === undefined
        ? this.statements.nextDue.get()
        : this.statements.nextDueInPartition.get({ index: partition.index, count: partition.count })
    ) as { at: number | null };
    return row.at ?? undefined;
  }

  // One process owns the file: it is the only worker there is.
  async registerWorker(workerId: string): Promise<readonly string[]> {
    return [workerId];
  }

  async unregisterWorker(): Promise<void> {}

  async queueDepth(): Promise<{ pending: number; sending: number }> {
    const { live, sending } = this.statements.queueDepth.get() as { live: number; sending: number };
    return { pending: live - sending, sending };
  }

  async endpointAttemptStats(accountId: string, sinceMs: number): Promise<readonly EndpointAttemptStats[]> {
    return (this.statements.endpointAttemptStats.all(accountId, sinceMs) as Row[]).map(
      toEndpointAttemptStats,
    );
  }

  async overviewCounts(): Promise<{ accounts: number; disabledEndpoints: number }> {
    const row = this.statements.overviewCounts.get() as { accounts: number; disabled_endpoints: number };
    return { accounts: row.accounts, disabledEndpoints: row.disabled_endpoints };
  }

  async ping(): Promise<void> {
    this.statements.ping.get();
  }

  async close(): Promise<void> {
    if (!this.db.open) return;
    // Publishes waiting for their group commit were not answered yet: commit them before closing, and
    // answer them once their fsync is done.
    this.publishes.flush();
    await this.walSync.close();
    await this.checkpointer?.stop();
    this.db.close();
  }
}

function migrate(db: Database.Database): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > SQLITE_MIGRATIONS.length) {
    throw new Error(
      `the database schema (version ${version}) is newer than this Hookline (version ${SQLITE_MIGRATIONS.length})`,
    );
  }
  for (let step = version; step < SQLITE_MIGRATIONS.length; step++) {
    db.transaction(() => {
      db.exec(SQLITE_MIGRATIONS[step] as string);
      db.pragma(`user_version = ${step + 1}`);
    })();
  }
}

/**
 * Every statement, prepared once. The ones run per event, delivery or attempt take positional
 * parameters: binding by name looks each name up in the object, which cost more than the insert
 * itself on the hot path.
 */
function prepareStatements(db: Database.Database) {
  db.function('hookline_partition', { deterministic: true }, (endpointId, count) =>
    endpointPartition(endpointId as string, count as number),
  );
  return {
    ping: db.prepare('SELECT 1'),
    syncNormal: db.prepare('PRAGMA synchronous = NORMAL'),
    syncFull: db.prepare('PRAGMA synchronous = FULL'),
    insertAccount: db.prepare('INSERT INTO accounts (id, name, created_at) VALUES (@id, @name, @createdAt)'),
    getAccount: db.prepare('SELECT rowid AS seq, * FROM accounts WHERE id = ?'),
    listAccounts: db.prepare('SELECT rowid AS seq, * FROM accounts WHERE rowid > ? ORDER BY rowid LIMIT ?'),
    insertApiKey: db.prepare(
      `INSERT INTO api_keys (id, account_id, name, prefix, key_hash, created_at, last_used_at, expires_at)
       VALUES (@id, @accountId, @name, @prefix, @keyHash, @createdAt, @lastUsedAt, @expiresAt)`,
    ),
    findApiKeyByHash: db.prepare('SELECT * FROM api_keys WHERE key_hash = ?'),
    getApiKey: db.prepare('SELECT * FROM api_keys WHERE id = ? AND account_id = ?'),
    listApiKeys: db.prepare(
      `SELECT rowid AS seq, * FROM api_keys
       WHERE account_id = ? AND rowid > ? AND (expires_at IS NULL OR expires_at > ?) ORDER BY rowid LIMIT ?`,
    ),
    deleteApiKey: db.prepare('DELETE FROM api_keys WHERE id = ? AND account_id = ?'),
    deleteExpiredApiKeys: db.prepare('DELETE FROM api_keys WHERE account_id = ? AND expires_at <= ?'),
    setApiKeyExpiry: db.prepare('UPDATE api_keys SET expires_at = ? WHERE id = ? AND account_id = ?'),
    touchApiKey: db.prepare('UPDATE api_keys SET last_used_at = ? WHERE id = ?'),
    insertPortalSession: db.prepare(
      `INSERT INTO portal_sessions (id, account_id, token_hash, scope_json, locale, created_at, expires_at)
       VALUES (@id, @accountId, @tokenHash, @scopeJson, @locale, @createdAt, @expiresAt)`,
    ),
    findPortalSessionByHash: db.prepare('SELECT * FROM portal_sessions WHERE token_hash = ?'),
    getPortalSession: db.prepare('SELECT * FROM portal_sessions WHERE id = ? AND account_id = ?'),
    deleteExpiredPortalSessions: db.prepare(
      'DELETE FROM portal_sessions WHERE account_id = ? AND expires_at < ?',
    ),
    insertEndpoint: db.prepare(
      `INSERT INTO endpoints (id, account_id, urls, description, event_types, enabled, disabled_reason, secret,
         previous_secret, previous_secret_expires_at, headers, timeout_ms, max_concurrency, rate_limit_per_second,
         scope, per_order_line, include_recurring, ordered, fields, format, user_agent, source, created_at, updated_at)
       VALUES (@id, @accountId, @urls, @description, @eventTypes, @enabled, @disabledReason, @secret,
         @previousSecret, @previousSecretExpiresAt, @headers, @timeoutMs, @maxConcurrency, @rateLimitPerSecond,
         @scope, @perOrderLine, @includeRecurring, @ordered, @fields, @format, @userAgent, @source, @createdAt, @updatedAt)`,
    ),
    getEndpoint: db.prepare('SELECT rowid AS seq, * FROM endpoints WHERE id = ? AND account_id = ?'),
    enabledUrlsOfAccount: db.prepare('SELECT id, urls FROM endpoints WHERE account_id = ? AND enabled = 1'),
    setMaxActiveUrls: db.prepare('UPDATE accounts SET max_active_urls = ? WHERE id = ?'),
    setMaxConcurrency: db.prepare('UPDATE accounts SET max_concurrency = ? WHERE id = ?'),
    setRetention: db.prepare('UPDATE accounts SET retention_ms = ? WHERE id = ?'),
    // Failing endpoints (domain/endpoint-health.ts); updated_at stays: this is not a change of settings.
    endpointHealth: db.prepare(
      'SELECT account_id, enabled, failing_since, failing_warned_at FROM endpoints WHERE id = ?',
    ),
    setEndpointHealth: db.prepare(
      'UPDATE endpoints SET failing_since = ?, failing_warned_at = ? WHERE id = ?',
    ),
    // Erasure (app/erasures.ts). `LIKE` ignores the case of ASCII letters; the needles are escaped.
    eventsContaining: db.prepare(`SELECT seq, id, data FROM events e
      WHERE account_id = ? AND seq > ?
        AND EXISTS (SELECT 1 FROM json_each(?) n WHERE e.data LIKE n.value ESCAPE '\\')
      ORDER BY seq LIMIT ?`),
    erasedLanes: db.prepare(`SELECT DISTINCT endpoint_id, url, ordering_key FROM deliveries
      WHERE event_seq IN (SELECT value FROM json_each(?)) AND ordering_key IS NOT NULL AND status IN ${LIVE}`),
    cancelErased:
      db.prepare(`UPDATE deliveries SET status = 'cancelled', next_attempt_at = NULL, updated_at = @nowMs
      WHERE event_seq IN (SELECT value FROM json_each(@list)) AND status IN ${LIVE}`),
    // An ordering key may be a customer's id: it goes with the data.
    forgetErasedKeys: db.prepare(`UPDATE deliveries SET ordering_key = NULL
      WHERE event_seq IN (SELECT value FROM json_each(?)) AND ordering_key IS NOT NULL`),
    clearErasedAttempts: db.prepare(`UPDATE attempts
      SET request_body = NULL, request_body_truncated = 0, response_body = NULL, response_body_truncated = 0
      WHERE delivery_id IN (SELECT id FROM deliveries WHERE event_seq IN (SELECT value FROM json_each(?)))`),
    eraseEventData: db.prepare(`UPDATE events SET data = ?, ordering_key = NULL
      WHERE account_id = ? AND seq IN (SELECT value FROM json_each(?))`),
    insertErasure: db.prepare(`INSERT INTO erasures (id, account_id, requested_by, address, criteria, events,
        deliveries_cancelled, attempts_cleared, event_ids, created_at)
      VALUES (@id, @accountId, @requestedBy, @address, @criteria, @events, @deliveriesCancelled, @attemptsCleared,
        @eventIds, @createdAt)`),
    listErasures: db.prepare(
      'SELECT * FROM erasures WHERE account_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?',
    ),
    // Retention (app/retention.ts): the account's oldest events without a live delivery, read by
    // (account_id, seq) up to the bound, then their attempts, deliveries and the events themselves.
    prunableEvents: db.prepare(`SELECT e.seq FROM events e
      WHERE e.account_id = ? AND e.seq < ? AND e.created_at < ?
        AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_seq = e.seq AND d.status IN ('pending', 'sending'))
      ORDER BY e.seq LIMIT ?`),
    pruneAttempts: db.prepare(`DELETE FROM attempts WHERE delivery_id IN (
      SELECT id FROM deliveries WHERE event_seq IN (SELECT value FROM json_each(?)))`),
    pruneDeliveries: db.prepare('DELETE FROM deliveries WHERE event_seq IN (SELECT value FROM json_each(?))'),
    pruneEventRows: db.prepare('DELETE FROM events WHERE seq IN (SELECT value FROM json_each(?))'),
    insertAuditEntry: db.prepare(
      `INSERT INTO audit_log (id, account_id, created_at, actor_type, actor_id, actor_label, address, action,
         target_type, target_id, details)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    // Retention of the audit log: an account's oldest entries (or, with NULL, those of no account) from
    // audit_log_account_created, which `IS` reads for NULL as for an id.
    pruneAuditLog: db.prepare(`DELETE FROM audit_log WHERE seq IN (
      SELECT seq FROM audit_log INDEXED BY audit_log_account_created
      WHERE account_id IS ? AND created_at < ? ORDER BY created_at LIMIT ?)`),
    insertEventType: db.prepare(
      `INSERT INTO event_types (name, description, schema, example, created_at)
       VALUES (@name, @description, @schemaJson, @exampleJson, @createdAt) ON CONFLICT (name) DO NOTHING`,
    ),
    listEventTypes: db.prepare('SELECT * FROM event_types ORDER BY name'),
    endpointSource: db.prepare('SELECT source FROM endpoints WHERE id = ?'),
    deleteEndpointById: db.prepare('DELETE FROM endpoints WHERE id = ?'),
    listEndpoints: db.prepare(
      'SELECT rowid AS seq, * FROM endpoints WHERE account_id = ? AND rowid > ? ORDER BY rowid LIMIT ?',
    ),
    listEnabledEndpoints: db.prepare(
      'SELECT rowid AS seq, * FROM endpoints WHERE account_id = ? AND enabled = 1 ORDER BY rowid',
    ),
    getEndpointsByIds: db.prepare(
      'SELECT rowid AS seq, * FROM endpoints WHERE id IN (SELECT value FROM json_each(?))',
    ),
    deleteEndpoint: db.prepare('DELETE FROM endpoints WHERE id = ? AND account_id = ? RETURNING *'),
    disableEndpoint: db.prepare(
      'UPDATE endpoints SET enabled = 0, disabled_reason = ?, updated_at = ? WHERE id = ? AND enabled = 1',
    ),
    cancelLiveForEndpoint: db.prepare(
      `UPDATE deliveries SET status = 'cancelled', next_attempt_at = NULL, updated_at = @nowMs
       WHERE endpoint_id = @endpointId AND account_id = @accountId AND status IN ${LIVE}`,
    ),
    // A URL replaced by another: every delivery not yet delivered follows it, so "fix the URL, then
    // recover" sends to the fixed URL.
    retargetDeliveries: db.prepare(
      `UPDATE deliveries SET url = @to, updated_at = @nowMs
       WHERE endpoint_id = @endpointId AND account_id = @accountId AND url = @from AND status != 'succeeded'`,
    ),
    cancelLiveForUrl: db.prepare(
      `UPDATE deliveries SET status = 'cancelled', next_attempt_at = NULL, updated_at = @nowMs
       WHERE endpoint_id = @endpointId AND account_id = @accountId AND url = @url AND status IN ${LIVE}`,
    ),
    insertEvent: db.prepare(
      `INSERT INTO events (account_id, id, type, data, occurred_at, created_at, has_deliveries, ordering_key)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (account_id, id) DO NOTHING RETURNING seq`,
    ),
    getEventWithSeq: db.prepare('SELECT * FROM events WHERE account_id = ? AND id = ?'),
    deliveryIdsOfEvent: db.prepare(
      'SELECT id FROM deliveries WHERE event_seq = ? AND account_id = ? ORDER BY seq',
    ),
    eventsBySeq: db.prepare(
      'SELECT seq, id, type, data, occurred_at FROM events WHERE seq IN (SELECT value FROM json_each(?))',
    ),
    insertDelivery: db.prepare(
      `INSERT INTO deliveries (id, account_id, event_seq, endpoint_id, url, line_id, status, next_attempt_at, created_at,
         updated_at, ordering_key)
       VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?)`,
    ),
    // Ordered delivery (domain/ordering.ts). Whether a lane has a live delivery.
    laneBusy: db.prepare(
      `SELECT 1 FROM deliveries INDEXED BY deliveries_lane
       WHERE endpoint_id = ? AND ordering_key = ? AND url = ? AND ordering_key IS NOT NULL AND status IN ${LIVE}
       LIMIT 1`,
    ),
    // The lane's first waiting delivery becomes its head, due now, when it has none (its head ended).
    promoteLane: db.prepare(
      `UPDATE deliveries SET next_attempt_at = @nowMs, updated_at = @nowMs
       WHERE seq = (
         SELECT min(seq) FROM deliveries INDEXED BY deliveries_lane
         WHERE endpoint_id = @endpointId AND ordering_key = @key AND url = @url AND ordering_key IS NOT NULL
           AND status IN ${LIVE} AND next_attempt_at IS NULL)
       AND NOT EXISTS (
         SELECT 1 FROM deliveries INDEXED BY deliveries_lane
         WHERE endpoint_id = @endpointId AND ordering_key = @key AND url = @url AND ordering_key IS NOT NULL
           AND status IN ${LIVE} AND next_attempt_at IS NOT NULL)`,
    ),
    // A delivery sent again by hand waits behind a live delivery of its lane.
    waitBehindLane: db.prepare(
      `UPDATE deliveries SET next_attempt_at = NULL
       WHERE id = @id AND ordering_key IS NOT NULL AND EXISTS (
         SELECT 1 FROM deliveries o INDEXED BY deliveries_lane
         WHERE o.endpoint_id = deliveries.endpoint_id AND o.ordering_key = deliveries.ordering_key
           AND o.url = deliveries.url AND o.ordering_key IS NOT NULL AND o.status IN ${LIVE} AND o.id <> deliveries.id)`,
    ),
    // The lanes of an endpoint's failed and cancelled deliveries in a range (what recover re-queues).
    recoverableLanes: db.prepare(
      `SELECT DISTINCT ordering_key, url FROM deliveries
       WHERE account_id = @accountId AND endpoint_id = @endpointId AND status IN ('failed', 'cancelled')
         AND created_at >= @sinceMs AND created_at < @untilMs AND ordering_key IS NOT NULL`,
    ),
    // An endpoint no longer ordered: what waited in its lanes is due now.
    releaseLanes: db.prepare(
      `UPDATE deliveries SET next_attempt_at = @nowMs, updated_at = @nowMs
       WHERE endpoint_id = @endpointId AND ordering_key IS NOT NULL AND status IN ${LIVE} AND next_attempt_at IS NULL`,
    ),
    getDelivery: db.prepare(
      `SELECT ${DELIVERY_COLUMNS} FROM deliveries d JOIN events e ON e.seq = d.event_seq
       WHERE d.id = ? AND d.account_id = ?`,
    ),
    listAttempts: db.prepare('SELECT * FROM attempts WHERE delivery_id = ? AND account_id = ? ORDER BY seq'),
    // Sending again by hand starts the retry schedule over (schedule_start), so a recovered delivery
    // gets the same chances as a new one.
    requeueDelivery: db.prepare(
      `UPDATE deliveries SET status = 'pending', next_attempt_at = @nowMs, schedule_start = attempt_count,
         updated_at = @nowMs
       WHERE id = @id AND account_id = @accountId AND status NOT IN ${LIVE}`,
    ),
    recoverDeliveries: db.prepare(
      `UPDATE deliveries SET status = 'pending', schedule_start = attempt_count, updated_at = @nowMs,
         next_attempt_at = CASE WHEN ordering_key IS NULL THEN @nowMs END
       WHERE account_id = @accountId AND endpoint_id = @endpointId AND status IN ('failed', 'cancelled')
         AND created_at >= @sinceMs AND created_at < @untilMs`,
    ),
    // Claiming takes the deliveries chosen from the heads of the accounts' parts of the queue (see
    // claimDue), bumps the fencing token and pushes next_attempt_at to the lease expiry: a delivery whose
    // worker died becomes due again by the same index that serves new work, with no sweeper. The index
    // holds only live rows and each account's head is its due work first, so a claim reads about
    // `limit` rows whatever the backlog (the engine defers what an endpoint has no room for, and leaves
    // out accounts that hold their part, instead of leaving their deliveries at the head).
    claim: db.prepare(
      `UPDATE deliveries SET status = 'sending', next_attempt_at = @leaseUntil, lease = lease + 1, updated_at = @nowMs
       WHERE seq IN (SELECT value FROM json_each(@seqs))
       RETURNING id, account_id, event_seq, endpoint_id, url, line_id, attempt_count, schedule_start, lease,
         ordering_key`,
    ),
    // The first entry of the next account's part of the queue: its id and earliest due time.
    nextAccountHead: db.prepare(
      `SELECT account_id, next_attempt_at FROM deliveries INDEXED BY deliveries_account_due
       WHERE status IN ${LIVE} AND account_id > ? ORDER BY account_id, next_attempt_at LIMIT 1`,
    ),
    accountHeads: db.prepare(
      `SELECT seq FROM deliveries INDEXED BY deliveries_account_due
       WHERE account_id = ? AND status IN ${LIVE} AND next_attempt_at <= ?
       ORDER BY next_attempt_at LIMIT ? OFFSET ?`,
    ),
    // The same for one share of the endpoints (the store contract runs it; one SQLite process never
    // needs it).
    accountHeadsInPartition: db.prepare(
      `SELECT seq FROM deliveries INDEXED BY deliveries_account_due
       WHERE account_id = ? AND status IN ${LIVE} AND next_attempt_at <= ? AND hookline_partition(endpoint_id, ?) = ?
       ORDER BY next_attempt_at LIMIT ? OFFSET ?`,
    ),
    insertAttempt: db.prepare(
      `INSERT INTO attempts (id, delivery_id, account_id, number, started_at, duration_ms, status_code, error_code,
         error_message, response_body, response_body_truncated, succeeded, endpoint_id, response_headers,
         request_headers, request_body, request_body_truncated)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    // Only the holder of the current lease writes (a worker whose lease was taken over writes nothing).
    // The attempt is counted even when the delivery was cancelled meanwhile, but then its state moves
    // only for a success, because the receiver did get the event.
    finishAttempt: db.prepare(
      `UPDATE deliveries SET
         status = CASE WHEN status = 'sending' OR ? THEN ? ELSE status END,
         next_attempt_at = CASE WHEN status = 'sending' OR ? THEN ? ELSE next_attempt_at END,
         attempt_count = ?, last_attempt_at = ?, last_status_code = ?, last_error_code = ?, updated_at = ?
       WHERE id = ? AND lease = ?`,
    ),
    cancelClaim: db.prepare(
      `UPDATE deliveries SET status = 'cancelled', next_attempt_at = NULL, updated_at = @nowMs
       WHERE id = @id AND lease = @lease AND status = 'sending'`,
    ),
    releaseClaim: db.prepare(
      `UPDATE deliveries SET status = 'pending', next_attempt_at = ?
       WHERE id = ? AND lease = ? AND status = 'sending'`,
    ),
    releaseAllLeases: db.prepare(
      `UPDATE deliveries SET status = 'pending', next_attempt_at = @nowMs, updated_at = @nowMs WHERE status = 'sending'`,
    ),
    nextDue: db.prepare(`SELECT min(next_attempt_at) AS at FROM deliveries WHERE status IN ${LIVE}`),
    nextDueInPartition: db.prepare(
      `SELECT min(next_attempt_at) AS at FROM deliveries
       WHERE status IN ${LIVE} AND hookline_partition(endpoint_id, @count) = @index`,
    ),
    // One pass over the queue's index, which holds the state: no row is read and nothing is sorted.
    // A backlog of 1,000,000 took 0.64 s grouped by state through the table, 0.09 s this way.
    queueDepth: db.prepare(
      `SELECT count(*) AS live, coalesce(sum(status = 'sending'), 0) AS sending
       FROM deliveries INDEXED BY deliveries_due_state WHERE status IN ${LIVE}`,
    ),
    // Each endpoint of the account, then its attempts since the time from attempts_endpoint_started,
    // which holds every column read: no attempt row is visited.
    endpointAttemptStats: db.prepare(
      `SELECT e.id AS endpoint_id, count(*) AS attempts, sum(a.succeeded) AS succeeded,
         max(a.started_at) AS last_attempt_at
       FROM endpoints e CROSS JOIN attempts a INDEXED BY attempts_endpoint_started
       WHERE e.account_id = ? AND a.endpoint_id = e.id AND a.started_at >= ?
       GROUP BY e.rowid ORDER BY e.rowid`,
    ),
    // Both tables are small (a row per account, a row per endpoint): counted whole.
    overviewCounts: db.prepare(
      `SELECT (SELECT count(*) FROM accounts) AS accounts,
         (SELECT count(*) FROM endpoints WHERE enabled = 0) AS disabled_endpoints`,
    ),
    // Bisecting `seq` on `created_at` (seqRange): the ends, then the first row at or after a `seq`. The
    // ends are two subqueries: SQLite reads min() and max() of the primary key from its ends only when
    // each is alone in its query (together, they scanned the whole table).
    seqSearch: {
      events: {
        ends: db.prepare(
          'SELECT (SELECT min(seq) FROM events) AS first, (SELECT max(seq) FROM events) AS last',
        ),
        probe: db.prepare('SELECT seq, created_at FROM events WHERE seq >= ? ORDER BY seq LIMIT 1'),
      },
      deliveries: {
        ends: db.prepare(
          'SELECT (SELECT min(seq) FROM deliveries) AS first, (SELECT max(seq) FROM deliveries) AS last',
        ),
        probe: db.prepare('SELECT seq, created_at FROM deliveries WHERE seq >= ? ORDER BY seq LIMIT 1'),
      },
      audit_log: {
        ends: db.prepare(
          'SELECT (SELECT min(seq) FROM audit_log) AS first, (SELECT max(seq) FROM audit_log) AS last',
        ),
        probe: db.prepare('SELECT seq, created_at FROM audit_log WHERE seq >= ? ORDER BY seq LIMIT 1'),
      },
    },
  };
}

/**
 * A page of the deliveries log (`limit` rows, newest first) read as `terms` say, joined with each
 * delivery's event. CROSS JOIN keeps SQLite reading the deliveries first.
 */
function deliveriesPage(
  terms: readonly string[],
  options: { columns?: string; withEvent?: boolean } = {},
): string {
  const join = options.withEvent === false ? '' : 'CROSS JOIN events e ON e.seq = d.event_seq';
  return `SELECT ${options.columns ?? DELIVERY_COLUMNS} FROM deliveries d ${join}
    WHERE ${terms.join(' AND ')} ORDER BY d.seq DESC LIMIT @limit`;
}

/** The exact time range of a filter on the `created_at` column of `prefix` (`d.` or none). */
function createdAtTerms(
  prefix: string,
  filter: { sinceMs?: number | undefined; untilMs?: number | undefined },
) {
  return [
    ...(filter.sinceMs === undefined ? [] : [`${prefix}created_at >= @sinceMs`]),
    ...(filter.untilMs === undefined ? [] : [`${prefix}created_at < @untilMs`]),
  ];
}

function toSqlValue(value: unknown): unknown {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (Array.isArray(value) || (typeof value === 'object' && value !== null)) return JSON.stringify(value);
  return value;
}

function endpointParams(endpoint: EndpointRecord): Record<string, unknown> {
  return Object.fromEntries(Object.entries(endpoint).map(([key, value]) => [key, toSqlValue(value)]));
}
