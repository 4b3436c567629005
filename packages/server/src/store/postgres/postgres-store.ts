/**
 * The scale-out store: every process (API, workers, both) shares one PostgreSQL database. Same
 * behaviour as the SQLite store, which is the reference; this file says where and why the two differ.
 * All SQL of this backend is in this file (the schema is in `migrations.ts`).
 *
 * What sharing the database changes:
 * - The queue is claimed with `FOR UPDATE SKIP LOCKED`: concurrent claims from any number of processes
 *   take disjoint rows without waiting on each other. The lease (fencing token) works as in SQLite.
 * - The queue is its own table (`queue`, migrations.ts): a narrow row per live delivery with its due
 *   time, lease and whether it is being sent. A claim writes that row alone, and the delivery's wide
 *   row in the log, with its five indexes, is written once per attempt, when the attempt ends; in
 *   SQLite the delivery row is the queue. The log so keeps a delivery being sent as 'pending', and
 *   reads take 'sending' from the queue.
 * - Nothing is cached, but that an account exists (accounts are never deleted): another process may
 *   change an account or disable an endpoint at any time, and SQLite's caches are only exact because
 *   one process owns the file.
 * - Checks that span rows (the active-URL limit) lock the account row first, so they hold across
 *   processes, not only within one.
 * - Publishing sends `NOTIFY hookline_due` on commit; {@link PostgresStore.onDue} hears it from every
 *   process, so a worker anywhere starts at once instead of at its next poll.
 * - No process owns the leases: {@link PostgresStore.releaseAllLeases} does nothing.
 *
 * Durability: transactions commit with PostgreSQL's default `synchronous_commit = on` (the WAL is
 * flushed before COMMIT returns: an accepted event survives a crash), except lease bookkeeping
 * (claims, releases, worker heartbeats), which runs on its own connections opened with
 * `synchronous_commit = off`, for the reason given at `claimDue`.
 *
 * Connection loss: idle connections that die (a database restart) are dropped from the pool and
 * reported to `onError`; a call in flight rejects with the driver's error (as does a call that picks
 * a pooled connection in the moment before Node has seen it close), and the next call opens a new
 * connection. A transaction whose COMMIT was cut off may or may not have committed: the caller sees
 * an error either way, which is safe because publishing is idempotent by event id and every other
 * write is fenced or repeatable.
 */
import pg from 'pg';
import { type EndpointSource, endpointChangeOnGone } from '../../domain/delivery-state.ts';
import type { AttemptsSummary } from '../../domain/endpoint-health.ts';
import { bucketsOf, ENDPOINT_BUCKETS, endpointBucket } from '../../domain/endpoint-partition.ts';
import { behindInBatch, type LaneMember, lanesOf } from '../../domain/ordering.ts';
import { urlsHeldToLimit } from '../active-url-limit.ts';
import { type InsertOutcome, type PendingInsert, PublishQueue, settle } from '../group-commit.ts';
import { CREATED_AT_SLACK_MS, endpointsAllowed, isEmptyRange, MAX_MERGED_ENDPOINTS } from '../log-filters.ts';
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
  toClaimedDeliveriesWithEvents,
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
import {
  ActiveUrlLimitError,
  IdempotencyConflictError,
  newDeliveryEndpoints,
  StaleEndpointsError,
} from '../store.ts';
import { urlChangePlan } from '../url-change.ts';
import { boolArray, int2Array, int4Array, int8Array, textArray } from './binary-arrays.ts';
import { applyPostgresMigrations } from './migrations.ts';

export { migratePostgres } from './migrations.ts';

/** Where a connection error that no caller saw came from. */
export type PostgresErrorSource = 'pool' | 'listener';

/** Options of {@link PostgresStore.connect}. */
export interface PostgresStoreOptions {
  /** `postgres://user:password@host:port/database`, as `DATABASE_URL` gives it. */
  readonly url: string;
  /**
   * Connections in the pool (default 10); the two for lease bookkeeping and the one behind `onDue`
   * come on top.
   */
  readonly poolSize?: number | undefined;
  /**
   * Told about connection errors no call saw: an idle pooled connection that died, the LISTEN
   * connection lost or failing to come back. The store recovers from them by itself; this is for logs.
   */
  readonly onError?: ((error: Error, source: PostgresErrorSource) => void) | undefined;
}

/**
 * Told that deliveries are due now: of endpoints in these buckets, or of any endpoint (undefined).
 */
export type DueListenerFn = (buckets: readonly number[] | undefined) => void;

/** The channel of due-work notifications. */
const DUE_CHANNEL = 'hookline_due';
/** The channel that names an endpoint changed, disabled or deleted (the payload is its id). */
const ENDPOINT_CHANNEL = 'hookline_endpoint';

const LIVE = `('pending', 'sending')`;
// Accounts (counted once per bucket they have due deliveries in) whose heads one claim reads, at most.
const CLAIM_PAIRS = 1_024;

// A group commit holds at most this many publishes. Each runs in a savepoint, that is a
// subtransaction with its own xid, and a backend caches only 64 of those (PGPROC_MAX_CACHED_SUBXIDS);
// past that, every snapshot taken anywhere in the cluster while the transaction is open has to look
// subtransactions up in pg_subtrans, which slows the whole database down.
const MAX_GROUP = 64;
// Publishes of one event each written by one statement, at most (no subtransactions: a bound on the
// statement's size only).
const MAX_SINGLES = 256;

// 10 connections serve a worker's result flushes plus the API's publishes (claims have their own two,
// below); PostgreSQL's default max_connections of 100 then takes about seven processes.
const DEFAULT_POOL_SIZE = 10;
// Connections for lease bookkeeping (claims, releases, heartbeats), opened with `synchronous_commit`
// off for the session (see `claimDue`), so that a claim is one statement and one round trip rather than
// BEGIN, SET LOCAL, the claim and COMMIT. The engine claims one batch at a time.
const LEASE_POOL_SIZE = 2;

// Account ids remembered to exist, at most; past that the memory starts again (a bound on memory for
// deployments with very many accounts, not a cache policy).
const MAX_KNOWN_ACCOUNTS = 100_000;

// A database that does not answer a connection attempt within this time is treated as down; the
// call fails and the engine tries again (without it, a dropped network waits for the TCP timeout).
const CONNECT_TIMEOUT_MS = 10_000;

// The LISTEN connection retries after 100 ms, doubling up to 5 s: a restart (about a second) is
// bridged within a few tries, and a long outage costs one attempt every 5 s.
const LISTEN_RETRY_FIRST_MS = 100;
const LISTEN_RETRY_MAX_MS = 5_000;

// TCP keepalive probes on every connection after 10 s idle instead of the OS default of two hours, so a
// peer that vanished without closing (a failed-over host, a NAT that forgot us) is noticed in minutes:
// above all for the LISTEN connection, which otherwise waits in silence (the engine's poll interval
// then bounds how late work starts).
const KEEPALIVE_DELAY_MS = 10_000;

/**
 * The common table expressions of the `finishAttempts` and `recordAttempts` statements: each result
 * (`r`) with its delivery's place in the log and in the queue as they were, and the queue rows of the
 * results whose worker still holds the lease (`held`): removed for a final state, or waiting for their
 * retry.
 * Parameters: $1 the time, then one array per column of `r`.
 */
const FINISH_CTES = `r AS (
    SELECT r.*, d.seq, q.lease AS queued_lease, q.sending AS queued_sending
    FROM unnest($2::text[], $3::bigint[], $4::text[], $5::bigint[], $6::int[], $7::bigint[], $8::int[], $9::text[])
      AS r (id, lease, status, next_attempt_at, attempt_count, last_attempt_at, last_status_code, last_error_code)
    JOIN deliveries d ON d.id = r.id LEFT JOIN queue q ON q.seq = d.seq
  ), left_queue AS (
    DELETE FROM queue q USING r WHERE q.seq = r.seq AND q.lease = r.lease
      AND (q.sending AND r.status <> 'pending' OR NOT q.sending AND r.status = 'succeeded')
    RETURNING q.seq, q.sending
  ), waits AS (
    UPDATE queue q SET due_at = r.next_attempt_at, sending = false FROM r
    WHERE q.seq = r.seq AND q.lease = r.lease AND q.sending AND r.status = 'pending'
    RETURNING q.seq, true AS sending
  ), held AS (SELECT * FROM left_queue UNION ALL SELECT * FROM waits)`;

/**
 * Only the holder of the current lease writes (a worker whose lease was taken over writes nothing):
 * the lease is the queue row's while the delivery is queued, and the log's (the last one that ended
 * an attempt or that the delivery left the queue with) after. The attempt is counted even when the
 * delivery was cancelled meanwhile, or sent again by hand after that, but then its state moves only
 * for a success, because the receiver did get the event. SET expressions read the row as it was.
 */
const FINISH_UPDATE = `UPDATE deliveries d SET
    status = CASE WHEN h.sending OR r.status = 'succeeded' THEN r.status ELSE d.status END,
    next_attempt_at = CASE WHEN h.sending OR r.status = 'succeeded' THEN r.next_attempt_at
      ELSE d.next_attempt_at END,
    lease = r.lease, attempt_count = r.attempt_count, last_attempt_at = r.last_attempt_at,
    last_status_code = r.last_status_code, last_error_code = r.last_error_code, updated_at = $1
  FROM r LEFT JOIN held h ON h.seq = r.seq
  WHERE d.seq = r.seq AND (h.sending OR (coalesce(r.queued_lease, d.lease) = r.lease
    AND NOT coalesce(r.queued_sending, false)))`;

/** Inserts one attempt per element of the 17 arrays from parameter `$first` on ({@link attemptColumns}). */
function insertAttemptsSql(first: number): string {
  const types = [
    'text',
    'text',
    'text',
    'int',
    'bigint',
    'int',
    'int',
    'text',
    'text',
    'text',
    'boolean',
    'boolean',
    'text',
    'text',
    'text',
    'text',
    'boolean',
  ];
  return `INSERT INTO attempts (id, delivery_id, account_id, number, started_at, duration_ms, status_code,
    error_code, error_message, response_body, response_body_truncated, succeeded, endpoint_id,
    response_headers, request_headers, request_body, request_body_truncated)
  SELECT * FROM unnest(${types.map((type, i) => `$${first + i}::${type}[]`).join(', ')})`;
}

/**
 * An endpoint's part of its account's endpoints check: every row version of an endpoint has a new
 * `version` (migrations.ts), so the sum over an account's endpoints moves with any insert, update or
 * delete (a 64-bit hash each, so that no two changes can cancel out as sums of plain numbers could).
 */
const ENDPOINT_CHECK_TERM = "hashtextextended(e.id || '/' || e.version, 0)";

/**
 * The accounts, of those in the array parameters `$accounts` and `$checks` (the checks their publishes
 * were planned with), whose endpoints changed since: the check of their endpoints now differs.
 */
function staleAccountsSql(accounts: number, checks: number): string {
  return `SELECT c.account_id FROM unnest($${accounts}::text[], $${checks}::numeric[]) AS c (account_id, value)
    WHERE c.value <> coalesce((SELECT sum(${ENDPOINT_CHECK_TERM}) FROM endpoints e WHERE e.account_id = c.account_id), 0)`;
}

/**
 * Each account with queued deliveries in each of the buckets in the array parameter `buckets`, with its
 * head's due time there (NULL when all of them wait behind their lanes): one seek of queue_due per
 * account and bucket. For a `WITH RECURSIVE` clause.
 */
function queuedAccountsSql(buckets: string): string {
  return `pairs (bucket, account_id, due_at) AS (
      SELECT b.bucket, f.account_id, f.due_at FROM unnest(${buckets}::smallint[]) AS b (bucket)
      CROSS JOIN LATERAL (
        SELECT account_id, due_at FROM queue WHERE bucket = b.bucket
        ORDER BY account_id, due_at LIMIT 1) AS f
    UNION ALL
      SELECT p.bucket, n.account_id, n.due_at FROM pairs p
      CROSS JOIN LATERAL (
        SELECT account_id, due_at FROM queue WHERE bucket = p.bucket AND account_id > p.account_id
        ORDER BY account_id, due_at LIMIT 1) AS n
    )`;
}

/**
 * Puts the deliveries of `rows` (a CTE or table expression with `seq`, `bucket`, `next_attempt_at`)
 * in the queue, with `account` (an SQL expression) and the lease they start from.
 */
function enqueueSql(rows: string, account = 'account_id', lease = 'lease'): string {
  return `INSERT INTO queue (seq, bucket, account_id, due_at, lease)
    SELECT seq, bucket, ${account}, next_attempt_at, ${lease} FROM ${rows}`;
}

/** Moves the queue's due time of the deliveries of `rows` (with `seq`) to `dueAt` (an SQL expression). */
function requeueAtSql(rows: string, dueAt: string): string {
  return `UPDATE queue q SET due_at = ${dueAt} FROM ${rows} r WHERE q.seq = r.seq`;
}

/**
 * Cancels the queued deliveries that `where` (on `deliveries d`) selects: out of the queue, and
 * cancelled in the log with the lease they had (a result of an attempt in flight is still fenced).
 */
function cancelQueuedSql(where: string, now: string): string {
  return `WITH gone AS (
      DELETE FROM queue q USING deliveries d WHERE q.seq = d.seq AND d.status = 'pending' AND ${where}
      RETURNING q.seq, q.lease)
    UPDATE deliveries d SET status = 'cancelled', next_attempt_at = NULL, lease = g.lease, updated_at = ${now}
    FROM gone g WHERE d.seq = g.seq`;
}

/**
 * A delivery's columns for reading (DELIVERY_COLUMNS) with the queue joined as `q`: the log keeps a
 * delivery being sent as 'pending'; the queue says it is being sent, and when a queued one is due
 * (its lease expiry while it is being sent).
 */
const QUEUED_DELIVERY_COLUMNS = DELIVERY_COLUMNS.replace(
  'd.status',
  "CASE WHEN q.sending THEN 'sending' ELSE d.status END AS status",
).replace(
  'd.next_attempt_at',
  'CASE WHEN q.seq IS NOT NULL THEN q.due_at ELSE d.next_attempt_at END AS next_attempt_at',
);

/** Every statement of this backend. Arrays travel as one parameter each and are expanded with `unnest`. */
const SQL = {
  ping: 'SELECT 1',
  begin: 'BEGIN',
  commit: 'COMMIT',
  // NOTIFY inside the transaction is delivered only if it commits, and once however many publishes
  // the transaction holds (PostgreSQL also folds identical notifications of one transaction into one).
  // The payload lists the buckets of the endpoints with new due work, or is empty for "any".
  notifyDueAndCommit: (payload: string) => `SELECT pg_notify('${DUE_CHANNEL}', '${payload}'); COMMIT`,
  rollback: 'ROLLBACK',
  savepoint: 'SAVEPOINT publish',
  releaseSavepoint: 'RELEASE SAVEPOINT publish',
  // Released after the rollback, so the next publish's savepoint is not nested in this one.
  rollbackToSavepoint: 'ROLLBACK TO SAVEPOINT publish; RELEASE SAVEPOINT publish',
  listen: `LISTEN ${DUE_CHANNEL}; LISTEN ${ENDPOINT_CHANNEL}`,
  notifyEndpoint: `SELECT pg_notify('${ENDPOINT_CHANNEL}', $1)`,

  insertAccount: 'INSERT INTO accounts (id, name, created_at) VALUES ($1, $2, $3)',
  getAccount: 'SELECT * FROM accounts WHERE id = $1',
  // The account before a change of its settings, locked so that the audit entry says what it replaced.
  getAccountForUpdate: 'SELECT * FROM accounts WHERE id = $1 FOR UPDATE',
  accountExists: 'SELECT 1 FROM accounts WHERE id = $1',
  listAccounts: 'SELECT * FROM accounts WHERE seq > $1 ORDER BY seq LIMIT $2',
  insertApiKey: `INSERT INTO api_keys (id, account_id, name, prefix, key_hash, created_at, last_used_at, expires_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
  findApiKeyByHash: 'SELECT * FROM api_keys WHERE key_hash = $1',
  getApiKey: 'SELECT * FROM api_keys WHERE id = $1 AND account_id = $2',
  // Locked while a roll decides, so two rolls of one key at once cannot both succeed.
  getApiKeyForUpdate: 'SELECT * FROM api_keys WHERE id = $1 AND account_id = $2 FOR UPDATE',
  listApiKeys: `SELECT * FROM api_keys
    WHERE account_id = $1 AND seq > $2 AND (expires_at IS NULL OR expires_at > $3) ORDER BY seq LIMIT $4`,
  deleteApiKey: 'DELETE FROM api_keys WHERE id = $1 AND account_id = $2',
  deleteExpiredApiKeys: 'DELETE FROM api_keys WHERE account_id = $1 AND expires_at <= $2',
  setApiKeyExpiry: 'UPDATE api_keys SET expires_at = $3 WHERE id = $1 AND account_id = $2',
  touchApiKey: 'UPDATE api_keys SET last_used_at = $2 WHERE id = $1',
  insertPortalSession: `INSERT INTO portal_sessions (id, account_id, token_hash, scope_json, locale, created_at, expires_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7)`,
  findPortalSessionByHash: 'SELECT * FROM portal_sessions WHERE token_hash = $1',
  getPortalSession: 'SELECT * FROM portal_sessions WHERE id = $1 AND account_id = $2',
  deleteExpiredPortalSessions: 'DELETE FROM portal_sessions WHERE account_id = $1 AND expires_at < $2',
  // Each setting changes only when its flag says it was given ($2, $4): null is a value (the default).
  updateAccount: `UPDATE accounts SET
      max_active_urls = CASE WHEN $2 THEN $3::integer ELSE max_active_urls END,
      max_concurrency = CASE WHEN $4 THEN $5::integer ELSE max_concurrency END,
      retention_ms = CASE WHEN $6 THEN $7::bigint ELSE retention_ms END
    WHERE id = $1 RETURNING *`,
  getAccountsByIds: 'SELECT * FROM accounts WHERE id = ANY($1::text[])',
  // Taken before counting active URLs: concurrent endpoint changes of one account, from any process,
  // then count one after another. The count must be a later statement than the lock: in READ
  // COMMITTED each statement sees what was committed when it started, so a count taken in the same
  // statement as the lock would miss the endpoint the lock holder just committed.
  lockAccount: 'SELECT 1 FROM accounts WHERE id = $1 FOR UPDATE',
  // Distinct URLs the account would have receiving: those of its other enabled endpoints plus `$3`.
  activeUrlCount: `SELECT count(*) AS n FROM (
      SELECT jsonb_array_elements_text(urls) FROM endpoints
      WHERE account_id = $1 AND enabled AND id IS DISTINCT FROM $2
      UNION
      SELECT unnest($3::text[])
    ) AS active`,

  insertEndpoint: `INSERT INTO endpoints (id, account_id, urls, description, event_types, enabled, disabled_reason,
      secret, previous_secret, previous_secret_expires_at, headers, timeout_ms, max_concurrency, rate_limit_per_second,
      scope, per_order_line, include_recurring, fields, format, user_agent, source, created_at, updated_at, ordered)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23,
      $24)`,
  getEndpoint: 'SELECT * FROM endpoints WHERE id = $1 AND account_id = $2',
  // The endpoint's state before a change, locked so that concurrent changes apply one after another.
  getEndpointForUpdate: 'SELECT * FROM endpoints WHERE id = $1 AND account_id = $2 FOR UPDATE',
  listEndpoints: 'SELECT * FROM endpoints WHERE account_id = $1 AND seq > $2 ORDER BY seq LIMIT $3',
  listEnabledEndpoints: 'SELECT * FROM endpoints WHERE account_id = $1 AND enabled ORDER BY seq',
  // Every endpoint of the account (the disabled ones are left out by the caller) with the checksum the
  // publish statements compare (staleAccountsSql), read in the same snapshot.
  endpointsToPublishTo: `SELECT *, sum(${ENDPOINT_CHECK_TERM}) OVER () AS endpoints_check
    FROM endpoints e WHERE account_id = $1 ORDER BY seq`,
  // The accounts whose endpoints changed since their check was read (transaction path of publishing).
  staleEndpoints: staleAccountsSql(1, 2),
  getEndpointsByIds: 'SELECT * FROM endpoints WHERE id = ANY($1::text[])',
  updateEndpoint: (sets: readonly string[]) =>
    `UPDATE endpoints SET ${sets.join(', ')} WHERE id = $1 AND account_id = $2 RETURNING *`,
  deleteEndpoint: 'DELETE FROM endpoints WHERE id = $1 AND account_id = $2 RETURNING *',
  cancelLiveForEndpoint: cancelQueuedSql('d.endpoint_id = $1 AND d.account_id = $2', '$3'),
  // A URL replaced by another: every delivery not yet delivered follows it, so "fix the URL, then
  // recover" sends to the fixed URL.
  retargetDeliveries: `UPDATE deliveries SET url = $5, updated_at = $3
    WHERE endpoint_id = $1 AND account_id = $2 AND url = $4 AND status <> 'succeeded'`,
  cancelLiveForUrls: cancelQueuedSql(
    'd.endpoint_id = $1 AND d.account_id = $2 AND d.url = ANY($4::text[])',
    '$3',
  ),

  insertAuditEntry: `INSERT INTO audit_log (id, account_id, created_at, actor_type, actor_id, actor_label, address,
      action, target_type, target_id, details)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::jsonb)`,
  // Retention of the audit log: an account's oldest entries, or those of no account (a separate
  // statement: \`IS NOT DISTINCT FROM\` would not use audit_log_account_created). Locked and skipped when
  // another process prunes them at the same moment.
  pruneAuditLog: `DELETE FROM audit_log WHERE seq IN (
      SELECT seq FROM audit_log WHERE account_id = $1 AND created_at < $2 ORDER BY created_at LIMIT $3
      FOR UPDATE SKIP LOCKED)`,
  pruneOperatorAuditLog: `DELETE FROM audit_log WHERE seq IN (
      SELECT seq FROM audit_log WHERE account_id IS NULL AND created_at < $1 ORDER BY created_at LIMIT $2
      FOR UPDATE SKIP LOCKED)`,
  listAuditLog: (where: readonly string[]) =>
    `SELECT * FROM audit_log WHERE seq < $1 ${where.map((term) => `AND ${term}`).join(' ')}
     ORDER BY seq DESC LIMIT $2`,

  insertEventType: `INSERT INTO event_types (name, description, schema, example, created_at)
    VALUES ($1, $2, $3, $4, $5) ON CONFLICT (name) DO NOTHING`,
  listEventTypes: 'SELECT * FROM event_types ORDER BY name',

  // One statement for all events of a publish and all their deliveries: the events (in input order,
  // so their log order is the publish order) and then the deliveries of the events actually
  // inserted. An id that exists already is skipped by ON CONFLICT (after waiting for a concurrent
  // publish of the same id to commit or roll back) and compared by the caller. A batch of 1,000
  // events with 10 deliveries each is so one round trip instead of 11,000.
  // A delivery to an ordered endpoint ($17: its key) waits (due at no time) behind an earlier one of
  // its lane in this call ($18, see domain/ordering.ts) or a live one stored before (the lanes are
  // locked by the caller).
  insertEvents: `WITH input AS (
      SELECT * FROM unnest($2::text[], $3::text[], $4::text[], $5::bigint[], $6::bigint[], $7::boolean[],
          $8::text[])
        WITH ORDINALITY AS i (id, type, data, occurred_at, created_at, has_deliveries, ordering_key, ord)
    ), inserted AS (
      INSERT INTO events (account_id, id, type, data, occurred_at, created_at, has_deliveries, ordering_key)
      SELECT $1::text, id, type, data, occurred_at, created_at, has_deliveries, ordering_key FROM input ORDER BY ord
      ON CONFLICT (account_id, id) DO NOTHING
      RETURNING seq, id
    ), new_deliveries AS (
      INSERT INTO deliveries (id, account_id, event_seq, endpoint_id, url, line_id, status, next_attempt_at,
        created_at, updated_at, bucket, ordering_key, lease)
      SELECT d.id, $1::text, inserted.seq, d.endpoint_id, d.url, d.line_id, 'pending',
        CASE WHEN d.ordering_key IS NOT NULL AND (d.behind OR EXISTS (
          SELECT 1 FROM deliveries o WHERE o.endpoint_id = d.endpoint_id AND o.ordering_key = d.ordering_key
            AND o.url = d.url AND o.status IN ${LIVE})) THEN NULL ELSE d.next_attempt_at END,
        d.created_at, d.created_at, d.bucket, d.ordering_key, 0
      FROM unnest($9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::bigint[], $15::bigint[],
          $16::smallint[], $17::text[], $18::boolean[])
        WITH ORDINALITY AS d (event_id, id, endpoint_id, url, line_id, next_attempt_at, created_at, bucket,
          ordering_key, behind, ord)
      JOIN inserted ON inserted.id = d.event_id
      ORDER BY d.ord
      RETURNING seq, bucket, next_attempt_at
    ), queued AS (${enqueueSql('new_deliveries', '$1::text', '0')})
    SELECT id FROM inserted`,
  // Publishes of one event each, of any accounts, without ordered deliveries: all of a group in one
  // statement, committed on its own (no BEGIN, savepoints or COMMIT: one round trip for the group).
  // An event whose id exists already writes nothing and is answered by the transaction path, which
  // compares it. The statement sends the due notification itself, with the buckets of the deliveries
  // it wrote, so a group of replays sends none.
  // The publishes of an account whose endpoints changed since they were read ($18, $19: the checks the
  // deliveries were planned with) write nothing and are answered by a row without an id.
  insertSingles: `WITH stale AS (${staleAccountsSql(18, 19)}), input AS (
      SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::bigint[],
          $7::boolean[], $8::text[])
        WITH ORDINALITY AS i (account_id, id, type, data, occurred_at, created_at, has_deliveries, ordering_key, ord)
      WHERE i.account_id NOT IN (SELECT account_id FROM stale)
    ), inserted AS (
      INSERT INTO events (account_id, id, type, data, occurred_at, created_at, has_deliveries, ordering_key)
      SELECT account_id, id, type, data, occurred_at, created_at, has_deliveries, ordering_key FROM input ORDER BY ord
      ON CONFLICT (account_id, id) DO NOTHING
      RETURNING seq, account_id, id
    ), new_deliveries AS (
      INSERT INTO deliveries (id, account_id, event_seq, endpoint_id, url, line_id, status, next_attempt_at,
        created_at, updated_at, bucket, lease)
      SELECT d.id, inserted.account_id, inserted.seq, d.endpoint_id, d.url, d.line_id, 'pending',
        d.next_attempt_at, d.created_at, d.created_at, d.bucket, 0
      FROM unnest($9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::bigint[],
          $16::bigint[], $17::smallint[])
        WITH ORDINALITY AS d (account_id, event_id, id, endpoint_id, url, line_id, next_attempt_at, created_at,
          bucket, ord)
      JOIN inserted ON inserted.account_id = d.account_id AND inserted.id = d.event_id
      ORDER BY d.ord
      RETURNING seq, bucket, account_id, next_attempt_at
    ), queued AS (${enqueueSql('new_deliveries', 'account_id', '0')}), notified AS (
      SELECT pg_notify('${DUE_CHANNEL}', string_agg(DISTINCT bucket::text, ',')) FROM new_deliveries
      HAVING count(*) > 0
    )
    SELECT account_id, id FROM inserted WHERE (SELECT count(*) FROM notified) >= 0
    UNION ALL SELECT account_id, NULL FROM stale`,
  // Ordered delivery (domain/ordering.ts). Each lane locked for the transaction, in the order given.
  lockLanes: 'SELECT pg_advisory_xact_lock(hashtextextended(l.lane, 0)) FROM unnest($1::text[]) AS l (lane)',
  // The first waiting delivery of each lane without a head becomes its head, due now.
  promoteLanes: `WITH promoted AS (UPDATE deliveries d SET next_attempt_at = $1, updated_at = $1
    FROM (
      SELECT (
        SELECT min(x.seq) FROM deliveries x
        WHERE x.endpoint_id = l.endpoint_id AND x.ordering_key = l.ordering_key AND x.url = l.url
          AND x.status IN ${LIVE} AND x.next_attempt_at IS NULL) AS seq
      FROM unnest($2::text[], $3::text[], $4::text[]) AS l (endpoint_id, url, ordering_key)
      WHERE NOT EXISTS (
        SELECT 1 FROM deliveries y
        WHERE y.endpoint_id = l.endpoint_id AND y.ordering_key = l.ordering_key AND y.url = l.url
          AND y.status IN ${LIVE} AND y.next_attempt_at IS NOT NULL)
    ) AS head
    WHERE d.seq = head.seq
    RETURNING d.seq, d.endpoint_id
    ), due AS (${requeueAtSql('promoted', '$1')})
    SELECT endpoint_id FROM promoted`,
  laneOfDelivery: 'SELECT endpoint_id, url, ordering_key FROM deliveries WHERE id = $1 AND account_id = $2',
  // A delivery sent again by hand waits behind a live delivery of its lane.
  waitBehindLane: `WITH waiting AS (UPDATE deliveries d SET next_attempt_at = NULL
      WHERE d.id = $1 AND d.ordering_key IS NOT NULL AND EXISTS (
        SELECT 1 FROM deliveries o
        WHERE o.endpoint_id = d.endpoint_id AND o.ordering_key = d.ordering_key AND o.url = d.url
          AND o.status IN ${LIVE} AND o.id <> d.id)
      RETURNING d.seq)
    ${requeueAtSql('waiting', 'NULL')}`,
  recoverableLanes: `SELECT DISTINCT ordering_key, url FROM deliveries
    WHERE account_id = $1 AND endpoint_id = $2 AND status IN ('failed', 'cancelled')
      AND created_at >= $3 AND created_at < $4 AND ordering_key IS NOT NULL`,
  releaseLanes: `WITH released AS (UPDATE deliveries SET next_attempt_at = $3, updated_at = $3
      WHERE endpoint_id = $1 AND account_id = $2 AND ordering_key IS NOT NULL AND status IN ${LIVE}
        AND next_attempt_at IS NULL
      RETURNING seq)
    ${requeueAtSql('released', '$3')}`,
  // Events published before, with their deliveries in creation order.
  storedEvents: `SELECT e.*, ARRAY(SELECT d.id FROM deliveries d WHERE d.event_seq = e.seq ORDER BY d.seq) AS delivery_ids
    FROM events e WHERE e.account_id = $1 AND e.id = ANY($2::text[])`,
  getEvent: 'SELECT * FROM events WHERE account_id = $1 AND id = $2',
  listEvents: (where: readonly string[]) =>
    `SELECT * FROM events WHERE account_id = $1 AND seq < $2 ${where.map((term) => `AND ${term}`).join(' ')}
     ORDER BY seq DESC LIMIT $3`,

  getDelivery: `SELECT ${QUEUED_DELIVERY_COLUMNS} FROM deliveries d JOIN events e ON e.seq = d.event_seq
    LEFT JOIN queue q ON q.seq = d.seq
    WHERE d.id = $1 AND d.account_id = $2`,
  listDeliveries: (where: readonly string[]) =>
    `SELECT ${QUEUED_DELIVERY_COLUMNS} FROM deliveries d JOIN events e ON e.seq = d.event_seq
     LEFT JOIN queue q ON q.seq = d.seq
     WHERE ${where.join(' AND ')} ORDER BY d.seq DESC LIMIT $3`,
  // The newest page of each endpoint (`$ids`: one descent of deliveries_endpoint_seq each), then the
  // newest of those: a plain `endpoint_id = ANY(…)` reads every row of those endpoints in the account's
  // order, or sorts all of them. The account is checked on the merged rows only: inside, the planner
  // took the account's whole log instead of the endpoint's index (21 ms instead of 1 for three
  // endpoints of 300,000 deliveries). The page's rows are handed over as an array, as the claim does.
  listDeliveriesMerged: (where: readonly string[], ids: string, withEvent: boolean) =>
    `SELECT ${QUEUED_DELIVERY_COLUMNS} FROM deliveries d JOIN events e ON e.seq = d.event_seq
     LEFT JOIN queue q ON q.seq = d.seq
     WHERE d.seq = ANY (ARRAY(
       SELECT newest.seq FROM unnest(${ids}::text[]) AS ep (id) CROSS JOIN LATERAL (
         SELECT d.seq FROM deliveries d ${withEvent ? 'JOIN events e ON e.seq = d.event_seq' : ''}
         WHERE d.endpoint_id = ep.id AND ${where.join(' AND ')} ORDER BY d.seq DESC LIMIT $3) AS newest))
       AND d.account_id = $1
     ORDER BY d.seq DESC LIMIT $3`,
  // The deliveries of one event type (`type`), read through the events of that type that created
  // deliveries (events_type_with_deliveries) and each one's deliveries, in the events' order: newest
  // event first, then its deliveries newest first, after the cursor's delivery in that order. Asked
  // for the deliveries' own order with the type as a filter, the planner read the account's whole log
  // whenever the type was rare or its events had no delivery (155 ms and 800 ms on 300,000
  // deliveries; 1.2 and 0.2 ms this way). The two orders differ only between events committed at the
  // same moment by different transactions (whose deliveries' seq values interleave).
  listDeliveriesOfType: (type: string, where: readonly string[]) =>
    `WITH cursor AS (
       SELECT coalesce((SELECT event_seq FROM deliveries WHERE seq = $2), ${Number.MAX_SAFE_INTEGER}) AS event_seq)
     SELECT ${QUEUED_DELIVERY_COLUMNS} FROM cursor, events e JOIN deliveries d ON d.event_seq = e.seq
     LEFT JOIN queue q ON q.seq = d.seq
     WHERE e.account_id = $1 AND e.type = ${type} AND e.has_deliveries AND d.account_id = $1
       AND e.seq <= cursor.event_seq AND (e.seq < cursor.event_seq OR d.seq < $2)
       ${where.map((term) => `AND ${term}`).join(' ')}
     ORDER BY e.seq DESC, d.seq DESC LIMIT $3`,
  listAttempts: 'SELECT * FROM attempts WHERE delivery_id = $1 AND account_id = $2 ORDER BY seq',
  // Sending again by hand starts the retry schedule over (schedule_start), so a recovered delivery
  // gets the same chances as a new one.
  // It joins the queue with the lease it left with, so that a result still in flight from before is fenced.
  requeueDelivery: `WITH requeued AS (
      UPDATE deliveries d SET status = 'pending', next_attempt_at = $3, schedule_start = d.attempt_count,
        updated_at = $3
      WHERE d.id = $1 AND d.account_id = $2 AND d.status NOT IN ${LIVE}
      RETURNING d.*
    ), queued AS (${enqueueSql('requeued')})
    SELECT ${DELIVERY_COLUMNS} FROM requeued d JOIN events e ON e.seq = d.event_seq`,
  recoverDeliveries: `WITH recovered AS (
      UPDATE deliveries SET status = 'pending', schedule_start = attempt_count, updated_at = $3,
        next_attempt_at = CASE WHEN ordering_key IS NULL THEN $3::bigint END
      WHERE account_id = $1 AND endpoint_id = $2 AND status IN ('failed', 'cancelled')
        AND created_at >= $4 AND created_at < $5
      RETURNING seq, bucket, account_id, next_attempt_at, lease
    )
    ${enqueueSql('recovered')}`,

  // Claiming takes the head of the queue, bumps the fencing token and pushes due_at to the lease
  // expiry: a delivery whose worker died becomes due again by the same index that serves new work,
  // with no sweeper. It writes the queue row alone (the delivery's row in the log is read, not
  // written). SKIP LOCKED passes over rows another process is claiming or finishing right now instead
  // of queueing behind it; a row another claim committed meanwhile is re-checked against the WHERE
  // clause (its due_at is now in the future) and left out, so two claims never return the same
  // delivery under one lease.
  // The queue is found by bucket and account (queue_due): the claim walks this
  // worker's buckets ($4; all 64 for a lone worker) for the accounts with live deliveries in each, one
  // index seek per account and bucket (breadth first, at most CLAIM_PAIRS with due work), and reads
  // the due head of each, at most $5 entries, and no more than the account's room ($6, $7: the
  // accounts the engine gave a room, which may be 0). It then takes the accounts' deliveries in turn,
  // each account's due first ($3 in all): one account's backlog stands before another's new deliveries
  // neither across buckets nor within one. Its cost so depends on the batch and on how many accounts
  // have live deliveries in the worker's buckets, never on the backlog, and another worker's backlog is
  // never read (a single index ordered by due time alone made a worker with few due rows scan everyone
  // else's: 66 ms a claim with 2 workers and 20,000 waiting). The heads are handed over as an array,
  // so the rows are then found by primary key: as a plain `IN (subquery)`, the planner at times joined
  // them against every due row instead (4,400 rows read to claim 231).
  // The claimed rows come back with their events, in one round trip: each event's payload only on the
  // first of its deliveries (a fan-out of 10 carries it once, not ten times).
  // Failing endpoints: domain/endpoint-health.ts `nextFailingSince` in SQL, written only where it
  // changes (a new streak or a success also clears the warning); updated_at stays, as this is not a
  // change of settings. One statement, with each endpoint's state after it.
  recordEndpointHealth: `WITH h AS (
      SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[]) AS h (id, succeeded_at, failed_since)
    ), next AS (
      SELECT e.id, e.account_id, e.enabled, e.failing_since AS before, e.failing_warned_at AS previous_warned_at,
        CASE
          WHEN h.failed_since IS NULL THEN CASE WHEN h.succeeded_at IS NULL THEN e.failing_since END
          WHEN h.succeeded_at IS NOT NULL THEN h.failed_since
          ELSE coalesce(e.failing_since, h.failed_since)
        END AS failing_since
      FROM endpoints e JOIN h ON h.id = e.id
    ), written AS (
      UPDATE endpoints e SET failing_since = n.failing_since, failing_warned_at = NULL
      FROM next n WHERE e.id = n.id AND n.failing_since IS DISTINCT FROM n.before
    )
    SELECT id, account_id, enabled, failing_since, previous_warned_at,
      CASE WHEN failing_since IS NOT DISTINCT FROM before THEN previous_warned_at END AS failing_warned_at
    FROM next`,
  // Erasure (app/erasures.ts): `ILIKE` with the needles escaped (backslash is the default escape).
  eventsContaining: `SELECT seq, id, data FROM events e
    WHERE account_id = $1 AND seq > $2 AND EXISTS (SELECT 1 FROM unnest($3::text[]) AS n (needle) WHERE e.data ILIKE n.needle)
    ORDER BY seq LIMIT $4`,
  erasedLanes: `SELECT DISTINCT endpoint_id, url, ordering_key FROM deliveries
    WHERE event_seq = ANY($1::bigint[]) AND ordering_key IS NOT NULL AND status IN ${LIVE}`,
  cancelErased: cancelQueuedSql('d.event_seq = ANY($1::bigint[])', '$2'),
  // An ordering key may be a customer's id: it goes with the data.
  forgetErasedKeys: `UPDATE deliveries SET ordering_key = NULL
    WHERE event_seq = ANY($1::bigint[]) AND ordering_key IS NOT NULL`,
  clearErasedAttempts: `UPDATE attempts
    SET request_body = NULL, request_body_truncated = false, response_body = NULL, response_body_truncated = false
    WHERE delivery_id IN (SELECT id FROM deliveries WHERE event_seq = ANY($1::bigint[]))`,
  eraseEventData: `UPDATE events SET data = $1, ordering_key = NULL WHERE account_id = $2 AND seq = ANY($3::bigint[])`,
  insertErasure: `INSERT INTO erasures (id, account_id, requested_by, address, criteria, events, deliveries_cancelled,
      attempts_cleared, event_ids, created_at)
    VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8, $9::jsonb, $10)`,
  listErasures: 'SELECT * FROM erasures WHERE account_id = $1 AND seq < $2 ORDER BY seq DESC LIMIT $3',
  // Retention (app/retention.ts). The account's oldest events without a live delivery, locked (another
  // process pruning at once takes others), then the deliveries and their attempts. A delivery made live
  // meanwhile (sent again) is rechecked by its row lock and kept, and so its event by `pruneEventRows`,
  // a later statement that sees what this transaction deleted and what others committed.
  eventSeqFrom: `SELECT ${firstSeqCreatedAtSql('events', '$1::bigint')} AS seq`,
  pruneDeliveries: `WITH victims AS (
      SELECT e.seq FROM events e
      WHERE e.account_id = $1 AND e.seq < $2 AND e.created_at < $3
        AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_seq = e.seq AND d.status IN ${LIVE})
      ORDER BY e.seq LIMIT $4 FOR UPDATE SKIP LOCKED
    ), gone AS (
      DELETE FROM deliveries d USING victims v WHERE d.event_seq = v.seq AND d.status NOT IN ${LIVE} RETURNING d.id
    ), attempts_gone AS (
      DELETE FROM attempts a USING gone g WHERE a.delivery_id = g.id RETURNING 1
    )
    SELECT (SELECT array_agg(seq) FROM victims) AS seqs, (SELECT count(*) FROM gone) AS deliveries,
      (SELECT count(*) FROM attempts_gone) AS attempts`,
  pruneEventRows: `DELETE FROM events e WHERE e.seq = ANY($1::bigint[])
    AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_seq = e.seq)`,
  claim: `WITH claimed AS (
      UPDATE queue SET sending = true, due_at = $2, lease = lease + 1
      WHERE seq IN (
        SELECT seq FROM queue
        WHERE seq = ANY (ARRAY(
          WITH RECURSIVE ${queuedAccountsSql('$4')}, due AS (
            SELECT p.bucket, p.account_id, coalesce(r.room, $3::integer) AS room FROM pairs p
            LEFT JOIN unnest($6::text[], $7::integer[]) AS r (account_id, room) ON r.account_id = p.account_id
            WHERE p.due_at <= $1 AND coalesce(r.room, $3::integer) > 0
            LIMIT ${CLAIM_PAIRS}
          ), heads AS (
            SELECT h.seq, h.due_at, d.room,
              row_number() OVER (PARTITION BY d.account_id ORDER BY h.due_at) AS turn
            FROM due d CROSS JOIN LATERAL (
              SELECT seq, due_at FROM queue
              WHERE bucket = d.bucket AND account_id = d.account_id AND due_at <= $1
              ORDER BY due_at LIMIT least(d.room, $5::integer)) AS h
          )
          SELECT seq FROM heads WHERE turn <= room ORDER BY turn, due_at LIMIT $3::integer))
        AND due_at <= $1
        FOR UPDATE SKIP LOCKED)
      RETURNING seq, lease)
    SELECT d.seq, d.id, d.account_id, d.event_seq, d.endpoint_id, d.url, d.line_id, d.attempt_count,
      d.schedule_start, c.lease, d.ordering_key, e.id AS event_id, e.type AS event_type,
      e.occurred_at AS event_occurred_at,
      CASE WHEN d.seq = min(d.seq) OVER (PARTITION BY d.event_seq) THEN e.data END AS event_data
    FROM claimed c JOIN deliveries d ON d.seq = c.seq JOIN events e ON e.seq = d.event_seq
    ORDER BY d.seq`,
  insertAttempts: insertAttemptsSql(1),
  finishAttempts: `WITH ${FINISH_CTES} ${FINISH_UPDATE} RETURNING d.id, d.lease`,
  // A group without a 410 (nearly all): both statements in one, a single round trip that commits alone.
  recordAttempts: `WITH attempt_rows AS (${insertAttemptsSql(10)}), ${FINISH_CTES} ${FINISH_UPDATE}`,
  // Endpoints that answered 410 in a group are locked before its deliveries, as endpoint changes do
  // (endpoint row, then its deliveries), so a 410 racing an edit of the same endpoint cannot deadlock.
  lockEndpoints: 'SELECT id FROM endpoints WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE',
  // The 410 rule (domain/delivery-state.ts): the endpoint's source, then what it says.
  endpointSource: 'SELECT source FROM endpoints WHERE id = $1',
  deleteEndpointById: 'DELETE FROM endpoints WHERE id = $1',
  disableEndpoint: `UPDATE endpoints SET enabled = false, disabled_reason = $2, updated_at = $3
    WHERE id = $1 AND enabled`,
  releaseClaims: `UPDATE queue q SET sending = false, due_at = $1
    FROM unnest($2::text[], $3::bigint[]) AS c (id, lease) JOIN deliveries d ON d.id = c.id
    WHERE q.seq = d.seq AND q.lease = c.lease AND q.sending`,
  cancelClaims: `WITH gone AS (
      DELETE FROM queue q USING unnest($2::text[], $3::bigint[]) AS c (id, lease) JOIN deliveries d ON d.id = c.id
      WHERE q.seq = d.seq AND q.lease = c.lease AND q.sending
      RETURNING q.seq, q.lease)
    UPDATE deliveries d SET status = 'cancelled', next_attempt_at = NULL, lease = g.lease, updated_at = $1
    FROM gone g WHERE d.seq = g.seq`,
  // The earliest head of the accounts in each bucket: the queue has no index by bucket and due time
  // alone (one more for every claim to write), and the claim walks the same accounts.
  nextDue: `WITH RECURSIVE ${queuedAccountsSql('$1')} SELECT min(due_at) AS at FROM pairs`,
  // Renews this worker and lists the live ones, sorted by byte order (as JavaScript sorts ASCII ids),
  // whatever the database's collation. The statement cannot see its own upsert, hence the UNION.
  registerWorker: `WITH renewed AS (
      INSERT INTO workers (id, alive_until) VALUES ($1, $2::bigint + $3::bigint)
      ON CONFLICT (id) DO UPDATE SET alive_until = excluded.alive_until
    )
    SELECT id FROM (
      SELECT id FROM workers WHERE alive_until > $2 AND id <> $1
      UNION
      SELECT $1::text
    ) AS live
    ORDER BY id COLLATE "C"`,
  // Workers gone for good. SKIP LOCKED: another process sweeping at the same moment is left its rows,
  // instead of two sweeps waiting on (or deadlocking with) each other.
  sweepWorkers: `DELETE FROM workers WHERE id IN (
      SELECT id FROM workers WHERE alive_until <= $1 FOR UPDATE SKIP LOCKED)`,
  unregisterWorker: 'DELETE FROM workers WHERE id = $1',
  queueDepth: `SELECT count(*) FILTER (WHERE NOT sending) AS pending, count(*) FILTER (WHERE sending) AS sending
    FROM queue`,
  // Each endpoint of the account, then its attempts since the time from attempts_endpoint_started,
  // which holds every column read.
  endpointAttemptStats: `SELECT e.id AS endpoint_id, count(*) AS attempts,
      count(*) FILTER (WHERE a.succeeded) AS succeeded, max(a.started_at) AS last_attempt_at
    FROM endpoints e JOIN attempts a ON a.endpoint_id = e.id AND a.started_at >= $2
    WHERE e.account_id = $1
    GROUP BY e.seq, e.id ORDER BY e.seq`,
  // Both tables are small (a row per account, a row per endpoint): counted whole.
  overviewCounts: `SELECT (SELECT count(*) FROM accounts) AS accounts,
    (SELECT count(*) FROM endpoints WHERE NOT enabled) AS disabled_endpoints`,
} as const;

/**
 * The fixed statements that take parameters, by text, with their names in {@link SQL}. Each is
 * prepared once per connection (Parse once, then Bind and Execute only), so PostgreSQL parses it once
 * and, after five runs, may keep a generic plan: the claim and publish statements spent more time being
 * planned than being run. Statements whose text is built per call are sent unnamed.
 */
const PREPARED_NAMES: ReadonlyMap<string, string> = new Map(
  Object.entries(SQL).flatMap(([key, text]) =>
    typeof text === 'string' && text.includes('$1') ? [[text, key]] : [],
  ),
);

/** A statement to send: named (prepared per connection) when it is one of the fixed ones. */
function statement(text: string, values?: readonly unknown[]): pg.QueryConfig {
  const name = PREPARED_NAMES.get(text);
  return { text, ...(values ? { values: values as unknown[] } : {}), ...(name ? { name } : {}) };
}

/**
 * PostgreSQL refuses to run a prepared statement whose result columns changed since it was prepared
 * (`SELECT *` after a migration added a column, which another process may run at any time):
 * "cached plan must not change result type". The connection that holds it is then closed.
 */
function isStalePlan(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === '0A000';
}

/** What work inside a transaction sends statements through (fixed ones prepared). */
interface Queryable {
  query<R extends pg.QueryResultRow = Row>(
    text: string,
    values?: readonly unknown[],
  ): Promise<pg.QueryResult<R>>;
}

/** A transaction in progress, for the work run inside it. */
interface Transaction {
  readonly client: Queryable;
  /**
   * Sends one `NOTIFY hookline_due` with the commit: the transaction made deliveries of these endpoints
   * due (of any endpoint, without ids).
   */
  dueOnCommit(endpointIds?: Iterable<string>): void;
}

/**
 * How a transaction commits: with the WAL flushed (default), or without waiting for it (leases: on a
 * connection of the lease pool).
 */
type Durability = 'durable' | 'lease';

/** The PostgreSQL implementation of {@link Store}, shared by any number of processes. */
export class PostgresStore implements Store {
  private readonly pool: pg.Pool;
  /** Connections whose commits do not wait for the WAL flush: lease bookkeeping only. */
  private readonly leasePool: pg.Pool;
  private readonly url: string;
  private readonly onError: (error: Error, source: PostgresErrorSource) => void;
  /** Publishes waiting for the next group commit. */
  /** Publishes of this turn of the event loop, committed together (see store/group-commit.ts). */
  private readonly publishes = new PublishQueue((publishes) => this.startInsertGroups(publishes));
  /** Group commits under way, awaited by `close`. */
  private readonly groupsInFlight = new Set<Promise<void>>();
  /** Accounts seen to exist (see {@link accountExists}). */
  private readonly knownAccounts = new Set<string>();
  /** The endpoints each account's publishes were last planned with (see {@link endpointsToPublishTo}). */
  private readonly publishBases = new Map<string, PublishBasis>();
  private readonly dueListeners = new Set<DueListenerFn>();
  private readonly endpointListeners = new Set<(endpointId: string) => void>();
  private listener: DueListener | undefined;
  private closing: Promise<void> | undefined;

  private constructor(pool: pg.Pool, leasePool: pg.Pool, options: PostgresStoreOptions) {
    this.pool = pool;
    this.leasePool = leasePool;
    this.url = options.url;
    this.onError = options.onError ?? (() => undefined);
  }

  /** Connects a pool to the database and brings its schema up to date. */
  static async connect(options: PostgresStoreOptions): Promise<PostgresStore> {
    const pool = new pg.Pool({
      ...connectionConfig(options.url),
      max: options.poolSize ?? DEFAULT_POOL_SIZE,
    });
    const leasePool = new pg.Pool({
      ...connectionConfig(options.url),
      options: '-c synchronous_commit=off',
      max: LEASE_POOL_SIZE,
    });
    const store = new PostgresStore(pool, leasePool, options);
    // An idle connection that dies (the server restarts) is dropped by the pool, which then emits
    // 'error': unhandled, that would end the process.
    pool.on('error', (error) => store.onError(error, 'pool'));
    leasePool.on('error', (error) => store.onError(error, 'pool'));
    try {
      const client = await pool.connect();
      // Checked out, the connection has no pool listener; a drop fails the migration call instead.
      const ignore = () => undefined;
      client.on('error', ignore);
      try {
        await applyPostgresMigrations(client, Date.now());
      } finally {
        client.off('error', ignore);
        client.release();
      }
    } catch (error) {
      await Promise.all([pool.end(), leasePool.end()]);
      throw error;
    }
    return store;
  }

  /**
   * Calls `listener` whenever any process commits deliveries that are due now (a publish, a retry, a
   * recover), with the buckets of those deliveries' endpoints, and once more (for any endpoint) after
   * the LISTEN connection came back from a loss, since notifications sent meanwhile are gone. The connection is opened with the first listener and closed with the last.
   * Listeners run synchronously and should only wake something up; one that throws is reported to
   * `onError` and the others still run.
   *
   * @returns a function that removes the listener.
   */
  onDue(listener: DueListenerFn): () => void {
    return this.listenOn(this.dueListeners, listener);
  }

  /**
   * Calls `listener` with the id of every endpoint that any process changed, disabled or deleted,
   * after the commit, so a worker process can apply the change to the claims it has queued (the API
   * that made the change may run in another process). Notifications sent while the LISTEN connection
   * was down are lost; the next claim of such an endpoint reads it fresh anyway.
   *
   * @returns a function that removes the listener.
   */
  onEndpointChanged(listener: (endpointId: string) => void): () => void {
    return this.listenOn(this.endpointListeners, listener);
  }

  private listenOn<L>(listeners: Set<L>, listener: L): () => void {
    if (this.closing) return () => undefined;
    listeners.add(listener);
    this.listener ??= new DueListener(this.url, {
      onDue: (buckets) => this.emit(this.dueListeners, [buckets]),
      onEndpoint: (endpointId) => this.emit(this.endpointListeners, [endpointId]),
      onError: (error) => this.onError(error, 'listener'),
    });
    return () => {
      listeners.delete(listener);
      if (this.dueListeners.size === 0 && this.endpointListeners.size === 0 && this.listener) {
        void this.listener.stop();
        this.listener = undefined;
      }
    };
  }

  /**
   * Resolves once the connection behind {@link onDue} listens (again, after a loss): from then on, no
   * commit is missed. Rejects when there is no listener or the store closes first.
   */
  whenListening(): Promise<void> {
    if (!this.listener) return Promise.reject(new Error('no onDue listener is registered'));
    return this.listener.whenListening();
  }

  private emit<A extends unknown[]>(listeners: Set<(...args: A) => void>, args: A): void {
    for (const listener of [...listeners]) {
      try {
        listener(...args);
      } catch (error) {
        this.onError(error instanceof Error ? error : new Error(String(error)), 'listener');
      }
    }
  }

  /**
   * Runs `work` in a transaction on one pooled connection: committed when it resolves (with the due
   * notification when asked for), rolled back when it throws. A connection that fails to roll back is
   * broken and is closed rather than returned to the pool.
   */
  private async transaction<T>(
    work: (tx: Transaction) => Promise<T>,
    durability: Durability = 'durable',
  ): Promise<T> {
    const client = await (durability === 'lease' ? this.leasePool : this.pool).connect();
    // A checked-out connection has no pool listener: its 'error' (the server went away mid-transaction)
    // would be unhandled and end the process. The statement in flight rejects with the same error.
    const ignore = () => undefined;
    client.on('error', ignore);
    let due = false;
    // Buckets of the endpoints made due; undefined once any endpoint may be.
    let dueBuckets: Set<number> | undefined = new Set();
    let broken: Error | undefined;
    try {
      await client.query(SQL.begin);
      const result = await work({
        client: {
          query: <R extends pg.QueryResultRow>(text: string, values?: readonly unknown[]) =>
            client.query<R>(statement(text, values)),
        },
        dueOnCommit: (endpointIds) => {
          if (endpointIds === undefined) {
            due = true;
            dueBuckets = undefined;
            return;
          }
          for (const id of endpointIds) {
            due = true;
            dueBuckets?.add(endpointBucket(id));
          }
        },
      });
      await client.query(due ? SQL.notifyDueAndCommit(encodeDueBuckets(dueBuckets)) : SQL.commit);
      return result;
    } catch (error) {
      if (isStalePlan(error)) broken = error as Error;
      await client.query(SQL.rollback).catch((rollbackError: Error) => {
        broken = rollbackError;
      });
      throw error;
    } finally {
      client.off('error', ignore);
      client.release(broken);
    }
  }

  private async query(text: string, values?: readonly unknown[]): Promise<Row[]> {
    return (await this.run(this.pool, text, values)).rows;
  }

  /**
   * One statement on its own (committed by itself), prepared when fixed. A statement refused for a
   * stale plan ({@link isStalePlan}) did nothing: it runs again on a fresh connection, and the one that
   * held the stale plan is closed.
   */
  private async run(pool: pg.Pool, text: string, values?: readonly unknown[]): Promise<pg.QueryResult<Row>> {
    for (let tries = 1; ; tries++) {
      const client = await pool.connect();
      const ignore = () => undefined;
      client.on('error', ignore);
      let broken: Error | undefined;
      try {
        return await client.query<Row>(statement(text, values));
      } catch (error) {
        if (!isStalePlan(error)) throw error;
        broken = error as Error;
        if (tries >= 2) throw error;
      } finally {
        client.off('error', ignore);
        client.release(broken);
      }
    }
  }

  async createAccount(
    account: AccountRecord,
    firstKey: ApiKeyRecord,
    keyHash: string,
    audit?: AuditEntryRecord,
  ): Promise<void> {
    await this.transaction(async ({ client }) => {
      // As in SQLite, `maxActiveUrls` is not written here: an account starts with the server's default.
      await client.query(SQL.insertAccount, [account.id, account.name, account.createdAt]);
      await client.query(SQL.insertApiKey, apiKeyParams(firstKey, keyHash));
      await writeAudit(client, audit);
    });
  }

  async getAccount(accountId: string): Promise<AccountRecord | undefined> {
    const [row] = await this.query(SQL.getAccount, [accountId]);
    return row && toAccount(row);
  }

  /**
   * Answered from memory once the account was seen: accounts are never deleted, so the one thing
   * remembered (that it exists) cannot go stale in another process. Saves a round trip on every
   * request that names an account.
   */
  async accountExists(accountId: string): Promise<boolean> {
    if (this.knownAccounts.has(accountId)) return true;
    const [row] = await this.query(SQL.accountExists, [accountId]);
    if (!row) return false;
    if (this.knownAccounts.size >= MAX_KNOWN_ACCOUNTS) this.knownAccounts.clear();
    this.knownAccounts.add(accountId);
    return true;
  }

  async listAccounts(page: PageRequest): Promise<Page<AccountRecord>> {
    const after = page.cursor === undefined ? 0 : decodeCursor(page.cursor);
    const rows = await this.query(SQL.listAccounts, [after, page.limit + 1]);
    return toPage(rows, page.limit, toAccount);
  }

  async updateAccount(
    accountId: string,
    changes: AccountChanges,
    audit?: AuditOf<{ before: AccountRecord; after: AccountRecord }>,
  ): Promise<AccountRecord | undefined> {
    return this.transaction(async ({ client }) => {
      const [beforeRow] = (await client.query<Row>(SQL.getAccountForUpdate, [accountId])).rows;
      if (!beforeRow) return undefined;
      const [row] = (
        await client.query<Row>(SQL.updateAccount, [
          accountId,
          changes.maxActiveUrls !== undefined,
          changes.maxActiveUrls ?? null,
          changes.maxConcurrency !== undefined,
          changes.maxConcurrency ?? null,
          changes.retentionMs !== undefined,
          changes.retentionMs ?? null,
        ])
      ).rows;
      const after = toAccount(row as Row);
      await writeAudit(client, audit?.({ before: toAccount(beforeRow), after }));
      return after;
    });
  }

  async getAccountsByIds(accountIds: readonly string[]): Promise<readonly AccountRecord[]> {
    if (accountIds.length === 0) return [];
    return (await this.query(SQL.getAccountsByIds, [[...new Set(accountIds)]])).map(toAccount);
  }

  async createApiKey(key: ApiKeyRecord, keyHash: string, audit?: AuditEntryRecord): Promise<void> {
    await this.transaction(async ({ client }) => {
      await client.query(SQL.insertApiKey, apiKeyParams(key, keyHash));
      await writeAudit(client, audit);
    });
  }

  async findApiKeyByHash(keyHash: string): Promise<ApiKeyRecord | undefined> {
    const [row] = await this.query(SQL.findApiKeyByHash, [keyHash]);
    return row && toApiKey(row);
  }

  async getApiKey(accountId: string, keyId: string): Promise<ApiKeyRecord | undefined> {
    const [row] = await this.query(SQL.getApiKey, [keyId, accountId]);
    return row && toApiKey(row);
  }

  async listApiKeys(accountId: string, page: PageRequest, nowMs: number): Promise<Page<ApiKeyRecord>> {
    const after = page.cursor === undefined ? 0 : decodeCursor(page.cursor);
    const rows = await this.query(SQL.listApiKeys, [accountId, after, nowMs, page.limit + 1]);
    return toPage(rows, page.limit, toApiKey);
  }

  async deleteApiKey(accountId: string, keyId: string, audit?: AuditEntryRecord): Promise<boolean> {
    return this.transaction(async ({ client }) => {
      if ((await client.query(SQL.deleteApiKey, [keyId, accountId])).rowCount !== 1) return false;
      await writeAudit(client, audit);
      return true;
    });
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
    return this.transaction(async ({ client }): Promise<RollApiKeyResult> => {
      await client.query(SQL.deleteExpiredApiKeys, [accountId, nowMs]);
      const row = (await client.query<Row>(SQL.getApiKeyForUpdate, [keyId, accountId])).rows[0];
      if (!row) return 'not_found';
      if (row['expires_at'] !== null) return 'expiring';
      if (oldExpiresAt <= nowMs) await client.query(SQL.deleteApiKey, [keyId, accountId]);
      else await client.query(SQL.setApiKeyExpiry, [keyId, accountId, oldExpiresAt]);
      await client.query(SQL.insertApiKey, apiKeyParams(next, nextHash));
      await writeAudit(client, audit);
      return 'rolled';
    });
  }

  async touchApiKey(keyId: string, nowMs: number): Promise<void> {
    await this.query(SQL.touchApiKey, [keyId, nowMs]);
  }

  async createPortalSession(
    session: PortalSessionRecord,
    tokenHash: string,
    audit?: AuditEntryRecord,
  ): Promise<void> {
    await this.transaction(async ({ client }) => {
      await client.query(SQL.insertPortalSession, [
        session.id,
        session.accountId,
        tokenHash,
        session.scope === null ? null : JSON.stringify(session.scope),
        session.locale,
        session.createdAt,
        session.expiresAt,
      ]);
      await writeAudit(client, audit);
    });
  }

  async findPortalSessionByHash(tokenHash: string): Promise<PortalSessionRecord | undefined> {
    const [row] = await this.query(SQL.findPortalSessionByHash, [tokenHash]);
    return row && toPortalSession(row);
  }

  async getPortalSession(accountId: string, sessionId: string): Promise<PortalSessionRecord | undefined> {
    const [row] = await this.query(SQL.getPortalSession, [sessionId, accountId]);
    return row && toPortalSession(row);
  }

  async deleteExpiredPortalSessions(accountId: string, beforeMs: number): Promise<number> {
    return (await this.run(this.pool, SQL.deleteExpiredPortalSessions, [accountId, beforeMs])).rowCount ?? 0;
  }

  async createEndpoint(
    endpoint: EndpointRecord,
    limits: { readonly maxActiveUrls: number },
    audit?: AuditEntryRecord,
  ): Promise<void> {
    await this.transaction(async ({ client }) => {
      if (endpoint.enabled) {
        await client.query(SQL.lockAccount, [endpoint.accountId]);
        await checkActiveUrls(client, endpoint.accountId, endpoint.urls, undefined, limits);
      }
      await client.query(SQL.insertEndpoint, endpointParams(endpoint));
      await writeAudit(client, audit);
    });
    // Another process's publishes find out by their check; this one's need not pay the round trip.
    this.forgetPublishBasis(endpoint.accountId);
  }

  async getEndpoint(accountId: string, endpointId: string): Promise<EndpointRecord | undefined> {
    const [row] = await this.query(SQL.getEndpoint, [endpointId, accountId]);
    return row && toEndpoint(row);
  }

  async listEndpoints(accountId: string, page: PageRequest): Promise<Page<EndpointRecord>> {
    const after = page.cursor === undefined ? 0 : decodeCursor(page.cursor);
    const rows = await this.query(SQL.listEndpoints, [accountId, after, page.limit + 1]);
    return toPage(rows, page.limit, toEndpoint);
  }

  async listEnabledEndpoints(accountId: string): Promise<readonly EndpointRecord[]> {
    return (await this.query(SQL.listEnabledEndpoints, [accountId])).map(toEndpoint);
  }

  /**
   * The endpoints as this process last read them for the account, with their check; read when there
   * are none. Another process may change them at any time: the publish statements compare the check
   * with the endpoints as they are, in the statement that writes the deliveries, and write nothing when
   * it moved ({@link StaleEndpointsError}; the caller plans again with what this then reads). A publish
   * so costs no round trip of its own for its endpoints (at 1,000 single publishes a second, 8 of every
   * 10 statements were that read).
   */
  async endpointsToPublishTo(accountId: string): Promise<PublishBasis> {
    const known = this.publishBases.get(accountId);
    if (known) return known;
    const rows = await this.query(SQL.endpointsToPublishTo, [accountId]);
    const basis: PublishBasis = {
      endpoints: rows.filter((row) => row['enabled'] === true).map(toEndpoint),
      check: (rows[0]?.['endpoints_check'] as string | undefined) ?? '0',
    };
    if (this.publishBases.size >= MAX_KNOWN_ACCOUNTS) this.publishBases.clear();
    this.publishBases.set(accountId, basis);
    return basis;
  }

  /** Forgets the account's endpoints as remembered with `check` (all of them without). */
  private forgetPublishBasis(accountId: string, check?: string): void {
    if (check === undefined || this.publishBases.get(accountId)?.check === check) {
      this.publishBases.delete(accountId);
    }
  }

  async getEndpointsByIds(endpointIds: readonly string[]): Promise<readonly EndpointRecord[]> {
    if (endpointIds.length === 0) return [];
    return (await this.query(SQL.getEndpointsByIds, [endpointIds])).map(toEndpoint);
  }

  async updateEndpoint(
    accountId: string,
    endpointId: string,
    changes: EndpointChanges,
    nowMs: number,
    limits: { readonly maxActiveUrls: number },
    audit?: AuditOf<{ before: EndpointRecord; after: EndpointRecord }>,
  ): Promise<EndpointRecord | undefined> {
    const updated = await this.transaction(async ({ client }) => {
      // Lock order everywhere: account, endpoint, deliveries. The account is locked only when the
      // change may add receiving URLs, which is when the limit is checked.
      if (changes.urls !== undefined || changes.enabled === true) {
        await client.query(SQL.lockAccount, [accountId]);
      }
      const beforeRow = (await client.query<Row>(SQL.getEndpointForUpdate, [endpointId, accountId])).rows[0];
      if (!beforeRow) return undefined;
      const before = toEndpoint(beforeRow);
      const urlsAfter = changes.urls ?? before.urls;
      const held = urlsHeldToLimit(before, changes);
      if (held) await checkActiveUrls(client, accountId, held, endpointId, limits);
      const values: unknown[] = [endpointId, accountId, nowMs];
      const sets = ['updated_at = $3'];
      for (const [key, value] of Object.entries(changes) as [keyof EndpointChanges, unknown][]) {
        if (value === undefined) continue;
        values.push(toSqlValue(value));
        sets.push(`${ENDPOINT_COLUMNS[key]} = $${values.length}`);
      }
      const updated = (await client.query<Row>(SQL.updateEndpoint(sets), values)).rows[0];
      if (!updated) return undefined;
      const target = [endpointId, accountId, nowMs];
      if (changes.enabled === false) await client.query(SQL.cancelLiveForEndpoint, target);
      if (changes.ordered === false && before.ordered) await client.query(SQL.releaseLanes, target);
      if (changes.urls !== undefined) {
        const plan = urlChangePlan(before.urls, urlsAfter);
        if (plan.kind === 'retarget') {
          await client.query(SQL.retargetDeliveries, [...target, plan.from, plan.to]);
        } else if (plan.kind === 'cancel') {
          await client.query(SQL.cancelLiveForUrls, [...target, plan.urls]);
        }
      }
      await client.query(SQL.notifyEndpoint, [endpointId]);
      const after = toEndpoint(updated);
      await writeAudit(client, audit?.({ before, after }));
      return after;
    });
    this.forgetPublishBasis(accountId);
    return updated;
  }

  async deleteEndpoint(
    accountId: string,
    endpointId: string,
    nowMs: number,
    audit?: AuditOf<EndpointRecord>,
  ): Promise<boolean> {
    const deleted = await this.transaction(async ({ client }) => {
      const [row] = (await client.query<Row>(SQL.deleteEndpoint, [endpointId, accountId])).rows;
      if (!row) return false;
      await client.query(SQL.cancelLiveForEndpoint, [endpointId, accountId, nowMs]);
      await client.query(SQL.notifyEndpoint, [endpointId]);
      await writeAudit(client, audit?.(toEndpoint(row)));
      return true;
    });
    this.forgetPublishBasis(accountId);
    return deleted;
  }

  async createEventType(eventType: EventTypeRecord, audit?: AuditEntryRecord): Promise<boolean> {
    return this.transaction(async ({ client }) => {
      const result = await client.query(SQL.insertEventType, [
        eventType.name,
        eventType.description,
        eventType.schemaJson,
        eventType.exampleJson,
        eventType.createdAt,
      ]);
      if (result.rowCount !== 1) return false;
      await writeAudit(client, audit);
      return true;
    });
  }

  async listEventTypes(): Promise<readonly EventTypeRecord[]> {
    return (await this.query(SQL.listEventTypes)).map((row) => ({
      name: row['name'] as string,
      description: row['description'] as string,
      schemaJson: row['schema'] as string,
      exampleJson: row['example'] as string,
      createdAt: row['created_at'] as number,
    }));
  }

  /**
   * Group commit, as in the SQLite store: publishes that arrive in the same turn of the event loop
   * share one transaction (one WAL flush and one NOTIFY for all of them, instead of one each). Each
   * runs in its own savepoint, so one failing call (an idempotency conflict) rolls back alone; each
   * resolves only after the commit. Unlike SQLite, groups do not wait for each other: the next one
   * starts on another pooled connection while the previous one commits.
   */
  insertEvents(
    accountId: string,
    events: readonly NewEvent[],
    basis?: PublishBasis,
  ): Promise<InsertEventResult[]> {
    if (this.closing) return Promise.reject(new Error('the store is closed'));
    return this.publishes.add(accountId, events, basis?.check).catch((error: unknown) => {
      // Either publish path found the endpoints changed: the caller's next read goes to the database.
      if (error instanceof StaleEndpointsError) this.forgetPublishBasis(accountId, basis?.check);
      throw error;
    });
  }

  private startInsertGroups(pending: readonly PendingInsert[]): void {
    const { singles, others } = splitSingles(pending);
    for (let start = 0; start < singles.length; start += MAX_SINGLES) {
      this.track(this.commitSingles(singles.slice(start, start + MAX_SINGLES)));
    }
    if (others.length > 0) this.track(this.commitEach(others));
  }

  private track(group: Promise<void>): void {
    this.groupsInFlight.add(group);
    void group.finally(() => this.groupsInFlight.delete(group));
  }

  /**
   * Commits publishes of one event each in one statement (`insertSingles`). Those whose event id
   * existed, and all of them should the statement fail, go through {@link commitInserts}, which
   * answers each on its own: a replay, a conflict, or the error.
   */
  private async commitSingles(group: readonly PendingInsert[]): Promise<void> {
    let rows: Row[];
    try {
      rows = await this.query(SQL.insertSingles, singlesParams(group));
    } catch {
      await this.commitEach(group);
      return;
    }
    const inserted = new Set<string>();
    const stale = new Set<string>();
    for (const row of rows) {
      const accountId = row['account_id'] as string;
      if (row['id'] === null) stale.add(accountId);
      else inserted.add(eventKey(accountId, row['id'] as string));
    }
    const rest: PendingInsert[] = [];
    for (const item of group) {
      const { event, deliveries } = item.events[0]!;
      if (stale.has(item.accountId)) item.reject(new StaleEndpointsError(item.accountId));
      else if (inserted.has(eventKey(item.accountId, event.id))) {
        item.resolve([{ inserted: true, event, deliveryIds: deliveries.map((d) => d.id) }]);
      } else rest.push(item);
    }
    if (rest.length > 0) await this.commitEach(rest);
  }

  /** {@link commitInserts} in groups of at most {@link MAX_GROUP}, at once. */
  private async commitEach(items: readonly PendingInsert[]): Promise<void> {
    const groups: Promise<void>[] = [];
    for (let start = 0; start < items.length; start += MAX_GROUP) {
      groups.push(this.commitInserts(items.slice(start, start + MAX_GROUP)));
    }
    await Promise.all(groups);
  }

  /** Commits one group; never rejects (each publish is answered instead). */
  private async commitInserts(group: readonly PendingInsert[]): Promise<void> {
    const outcomes: InsertOutcome[] = [];
    try {
      await this.transaction(async (tx) => {
        const { client } = tx;
        const checked = group.filter((item) => item.check !== undefined);
        const stale = new Set<string>();
        if (checked.length > 0) {
          const { rows } = await client.query<Row>(SQL.staleEndpoints, [
            checked.map((item) => item.accountId),
            checked.map((item) => item.check),
          ]);
          for (const row of rows) stale.add(row['account_id'] as string);
        }
        // The lanes of ordered deliveries, all locked first and in one order: no two groups wait on
        // each other.
        const lanes = lanesOf(group.flatMap((item) => item.events.flatMap((e) => e.deliveries)));
        if (lanes.length > 0) await client.query(SQL.lockLanes, [lanes]);
        // Alone in its transaction, a publish needs no savepoint: its failure rolls back only itself.
        const alone = group.length === 1;
        for (const item of group) {
          if (item.check !== undefined && stale.has(item.accountId)) {
            outcomes.push({ error: new StaleEndpointsError(item.accountId) });
            continue;
          }
          if (!alone) await client.query(SQL.savepoint);
          let results: InsertEventResult[];
          try {
            results = await insertEventsNow(client, item.accountId, item.events);
          } catch (error) {
            if (alone) throw error;
            // Should this fail too, the connection is gone: the whole group fails below.
            await client.query(SQL.rollbackToSavepoint);
            outcomes.push({ error });
            continue;
          }
          if (!alone) await client.query(SQL.releaseSavepoint);
          tx.dueOnCommit(newDeliveryEndpoints(item.events, results));
          outcomes.push({ results });
        }
        // A delivery that waited behind one of an event published before (a replay, which wrote no
        // delivery) would have no head: each lane without one gets its first.
        if (lanes.length > 0) {
          const deliveries = group.flatMap((item) => item.events.flatMap((e) => e.deliveries));
          const dueAt = Math.max(...deliveries.map((d) => d.nextAttemptAt));
          await client.query(SQL.promoteLanes, [dueAt, ...laneColumns(deliveries)]);
        }
      });
    } catch (error) {
      settle(group, { error });
      return;
    }
    settle(group, outcomes);
  }

  async getEvent(accountId: string, eventId: string): Promise<EventRecord | undefined> {
    const [row] = await this.query(SQL.getEvent, [accountId, eventId]);
    return row && toEvent(row);
  }

  async listEvents(accountId: string, page: PageRequest, filter: EventFilter): Promise<Page<EventRecord>> {
    if (isEmptyRange(filter)) return { items: [], nextCursor: null };
    const before = page.cursor === undefined ? Number.MAX_SAFE_INTEGER : decodeCursor(page.cursor);
    const values: unknown[] = [accountId, before, page.limit + 1];
    const where = createdAtTerms('events', '', filter, values);
    if (filter.type !== undefined) {
      values.push(filter.type);
      where.push(`type = $${values.length}`);
    }
    const rows = await this.query(SQL.listEvents(where), values);
    return toPage(rows, page.limit, toEvent);
  }

  async getDelivery(accountId: string, deliveryId: string): Promise<DeliveryRecord | undefined> {
    const [row] = await this.query(SQL.getDelivery, [deliveryId, accountId]);
    return row && toDelivery(row);
  }

  /**
   * The deliveries log, newest first. Unlike SQLite's, PostgreSQL's planner weighs the filters with
   * the table's statistics and picks the index itself; what it does not find alone is spelled out: the
   * newest rows of several endpoints merged (`listDeliveriesMerged`), and the deliveries of a type read
   * through its events (`listDeliveriesOfType`).
   */
  async listDeliveries(
    accountId: string,
    page: PageRequest,
    filter: DeliveryFilter,
  ): Promise<Page<DeliveryRecord>> {
    const endpoints = endpointsAllowed(filter);
    if (endpoints?.length === 0 || isEmptyRange(filter)) return { items: [], nextCursor: null };
    const before = page.cursor === undefined ? Number.MAX_SAFE_INTEGER : decodeCursor(page.cursor);
    const values: unknown[] = [accountId, before, page.limit + 1];
    const param = (value: unknown) => {
      values.push(value);
      return `$${values.length}`;
    };
    const terms: string[] = [];
    if (filter.status !== undefined) {
      // The log keeps a delivery being sent as 'pending'; the queue says which are being sent.
      const sending = 'EXISTS (SELECT 1 FROM queue s WHERE s.seq = d.seq AND s.sending)';
      if (filter.status === 'sending') terms.push(`d.status = 'pending'`, sending);
      else if (filter.status === 'pending') terms.push(`d.status = 'pending'`, `NOT ${sending}`);
      else terms.push(`d.status = ${param(filter.status)}`);
    }
    if (filter.eventId !== undefined) {
      terms.push(
        `d.event_seq = (SELECT seq FROM events WHERE account_id = $1 AND id = ${param(filter.eventId)})`,
      );
    }
    // A failed or cancelled status is left to the planner with the type as a filter: those deliveries
    // are few, and deliveries_account_ended holds them (as SQLite reads them).
    const ended = filter.status === 'failed' || filter.status === 'cancelled';
    let sql: string;
    if (filter.eventType !== undefined && filter.eventId === undefined && endpoints === undefined && !ended) {
      const type = param(filter.eventType);
      sql = SQL.listDeliveriesOfType(type, [...terms, ...createdAtTerms('events', 'e.', filter, values)]);
    } else {
      terms.push('d.seq < $2', ...createdAtTerms('deliveries', 'd.', filter, values));
      if (filter.eventType !== undefined) terms.push(`e.type = ${param(filter.eventType)}`);
      if (endpoints !== undefined && endpoints.length > 1 && endpoints.length <= MAX_MERGED_ENDPOINTS) {
        sql = SQL.listDeliveriesMerged(terms, param(endpoints), filter.eventType !== undefined);
      } else {
        if (endpoints?.length === 1) terms.push(`d.endpoint_id = ${param(endpoints[0])}`);
        else if (endpoints !== undefined) terms.push(`d.endpoint_id = ANY(${param(endpoints)}::text[])`);
        sql = SQL.listDeliveries(['d.account_id = $1', ...terms]);
      }
    }
    const rows = await this.query(sql, values);
    return toPage(rows, page.limit, toDelivery);
  }

  async listAttempts(accountId: string, deliveryId: string): Promise<readonly AttemptRecord[]> {
    return (await this.query(SQL.listAttempts, [deliveryId, accountId])).map(toAttempt);
  }

  async recordEndpointHealth(summaries: readonly AttemptsSummary[]): Promise<EndpointHealthState[]> {
    if (summaries.length === 0) return [];
    const rows = await this.query(SQL.recordEndpointHealth, [
      summaries.map((s) => s.endpointId),
      summaries.map((s) => s.succeededAt),
      summaries.map((s) => s.failedSince),
    ]);
    return rows.map((row) => ({
      endpointId: row['id'] as string,
      accountId: row['account_id'] as string,
      enabled: row['enabled'] as boolean,
      failingSince: row['failing_since'] as number | null,
      failingWarnedAt: row['failing_warned_at'] as number | null,
      previousWarnedAt: row['previous_warned_at'] as number | null,
    }));
  }

  async findEventsContaining(
    accountId: string,
    needles: readonly string[],
    afterSeq: number,
    limit: number,
  ): Promise<StoredEventData[]> {
    const rows = await this.query(SQL.eventsContaining, [
      accountId,
      afterSeq,
      needles.map(likeNeedle),
      limit,
    ]);
    return rows.map(toStoredEventData);
  }

  async eraseEvents(
    accountId: string,
    seqs: readonly number[],
    dataJson: string,
    nowMs: number,
  ): Promise<ErasedCounts> {
    return this.transaction(async (tx) => {
      const { client } = tx;
      const members = (await client.query<Row>(SQL.erasedLanes, [seqs])).rows.map((row) => ({
        endpointId: row['endpoint_id'] as string,
        url: row['url'] as string,
        orderingKey: row['ordering_key'] as string,
      }));
      if (members.length > 0) await client.query(SQL.lockLanes, [lanesOf(members)]);
      const cancelled = await client.query(SQL.cancelErased, [seqs, nowMs]);
      await client.query(SQL.forgetErasedKeys, [seqs]);
      if (members.length > 0) {
        const promoted = await client.query<Row>(SQL.promoteLanes, [nowMs, ...laneColumns(members)]);
        tx.dueOnCommit(promoted.rows.map((row) => row['endpoint_id'] as string));
      }
      const attempts = await client.query(SQL.clearErasedAttempts, [seqs]);
      const events = await client.query(SQL.eraseEventData, [dataJson, accountId, seqs]);
      return {
        events: events.rowCount ?? 0,
        deliveriesCancelled: cancelled.rowCount ?? 0,
        attemptsCleared: attempts.rowCount ?? 0,
      };
    });
  }

  async recordErasure(erasure: ErasureRecord, audit?: AuditEntryRecord): Promise<void> {
    await this.transaction(async ({ client }) => {
      await client.query(SQL.insertErasure, [
        erasure.id,
        erasure.accountId,
        erasure.requestedBy,
        erasure.address,
        JSON.stringify(erasure.criteria),
        erasure.events,
        erasure.deliveriesCancelled,
        erasure.attemptsCleared,
        JSON.stringify(erasure.eventIds),
        erasure.createdAt,
      ]);
      await writeAudit(client, audit);
    });
  }

  async listErasures(accountId: string, page: PageRequest): Promise<Page<ErasureRecord>> {
    const before = page.cursor === undefined ? Number.MAX_SAFE_INTEGER : decodeCursor(page.cursor);
    const rows = await this.query(SQL.listErasures, [accountId, before, page.limit + 1]);
    return toPage(rows, page.limit, toErasure);
  }

  async eventSeqFrom(cutoffMs: number): Promise<number> {
    const [row] = await this.query(SQL.eventSeqFrom, [cutoffMs]);
    return Number(row?.['seq'] ?? 0);
  }

  async pruneEvents(accountId: string, bounds: PruneBounds, limit: number): Promise<PruneCounts> {
    return this.transaction(async ({ client }) => {
      const [found] = (
        await client.query<Row>(SQL.pruneDeliveries, [accountId, bounds.beforeSeq, bounds.cutoffMs, limit])
      ).rows;
      const seqs = (found?.['seqs'] as number[] | null) ?? [];
      if (seqs.length === 0) return { events: 0, deliveries: 0, attempts: 0 };
      const events = (await client.query(SQL.pruneEventRows, [seqs])).rowCount ?? 0;
      return { events, deliveries: Number(found?.['deliveries']), attempts: Number(found?.['attempts']) };
    });
  }

  async retryDelivery(
    accountId: string,
    deliveryId: string,
    nowMs: number,
    audit?: AuditEntryRecord,
  ): Promise<DeliveryRecord | undefined> {
    return this.transaction(async (tx) => {
      const { client } = tx;
      const [lane] = (await client.query<Row>(SQL.laneOfDelivery, [deliveryId, accountId])).rows;
      const key = (lane?.['ordering_key'] as string | null | undefined) ?? null;
      if (lane && key !== null) {
        const member = {
          endpointId: lane['endpoint_id'] as string,
          url: lane['url'] as string,
          orderingKey: key,
        };
        await client.query(SQL.lockLanes, [lanesOf([member])]);
      }
      const [row] = (await client.query<Row>(SQL.requeueDelivery, [deliveryId, accountId, nowMs])).rows;
      if (!row) return undefined;
      await writeAudit(client, audit);
      if (key !== null && (await client.query(SQL.waitBehindLane, [deliveryId])).rowCount === 1) {
        const [waiting] = (await client.query<Row>(SQL.getDelivery, [deliveryId, accountId])).rows;
        return toDelivery(waiting as Row);
      }
      tx.dueOnCommit([row['endpoint_id'] as string]);
      return toDelivery(row);
    });
  }

  async recoverDeliveries(
    accountId: string,
    endpointId: string,
    range: { sinceMs: number; untilMs: number },
    nowMs: number,
    audit?: AuditOf<number>,
  ): Promise<number> {
    return this.transaction(async (tx) => {
      const { client } = tx;
      const members = (
        await client.query<Row>(SQL.recoverableLanes, [accountId, endpointId, range.sinceMs, range.untilMs])
      ).rows.map((row) => ({
        endpointId,
        url: row['url'] as string,
        orderingKey: row['ordering_key'] as string,
      }));
      if (members.length > 0) await client.query(SQL.lockLanes, [lanesOf(members)]);
      const result = await client.query(SQL.recoverDeliveries, [
        accountId,
        endpointId,
        nowMs,
        range.sinceMs,
        range.untilMs,
      ]);
      // Ordered ones wait; the first of each lane without a live delivery becomes its head.
      if (members.length > 0) await client.query(SQL.promoteLanes, [nowMs, ...laneColumns(members)]);
      const count = result.rowCount ?? 0;
      if (count > 0) tx.dueOnCommit([endpointId]);
      await writeAudit(client, audit?.(count));
      return count;
    });
  }

  async appendAuditEntry(entry: AuditEntryRecord): Promise<void> {
    await this.run(this.pool, SQL.insertAuditEntry, auditParams(entry));
  }

  /** The audit log, newest first; the planner picks the index, and a time range is a range of `seq`. */
  async listAuditLog(page: PageRequest, filter: AuditLogFilter): Promise<Page<AuditEntryRecord>> {
    if (isEmptyRange(filter)) return { items: [], nextCursor: null };
    const before = page.cursor === undefined ? Number.MAX_SAFE_INTEGER : decodeCursor(page.cursor);
    const values: unknown[] = [before, page.limit + 1];
    const where = createdAtTerms('audit_log', '', filter, values);
    if (filter.accountId !== undefined) {
      values.push(filter.accountId);
      where.push(`account_id = $${values.length}`);
    }
    if (filter.action !== undefined) {
      values.push(filter.action);
      where.push(`action = $${values.length}`);
    }
    const rows = await this.query(SQL.listAuditLog(where), values);
    return toPage(rows, page.limit, toAuditEntry);
  }

  async pruneAuditLog(accountId: string | null, cutoffMs: number, limit: number): Promise<number> {
    const result =
      accountId === null
        ? await this.run(this.pool, SQL.pruneOperatorAuditLog, [cutoffMs, limit])
        : await this.run(this.pool, SQL.pruneAuditLog, [accountId, cutoffMs, limit]);
    return result.rowCount ?? 0;
  }

  /**
   * Claims in a transaction committed without waiting for the WAL flush (`synchronous_commit = off`),
   * the trade the SQLite store makes with `synchronous = NORMAL`: there, about half the fsyncs at
   * 1,000 deliveries/s were claims. PostgreSQL writes such a commit out within 3 × `wal_writer_delay`
   * (600 ms by default), and only a crash of the database in that window loses it. Losing a claim
   * loses no delivery: the row is as it was before, due again. The WAL is sequential, so the durable
   * commit of an attempt result also makes the claim it came from durable.
   *
   * What a lost claim can cause, unlike in SQLite (where a crash that loses the claim also ends the
   * process holding it): the worker that holds it may still be sending when another worker claims the
   * delivery again and is handed the same fencing token. Both attempts then write their result, the
   * later one winning: a duplicate send, which at-least-once delivery allows.
   */
  async claimDue(request: ClaimRequest): Promise<ClaimedDelivery[]> {
    const { rows } = await this.run(this.leasePool, SQL.claim, [
      request.nowMs,
      request.nowMs + request.leaseMs,
      request.limit,
      bucketsOf(request.partition),
      // A whole batch from each account and bucket: one hot endpoint (one bucket) still fills a batch,
      // and an account's part is exactly its due-first in this worker's share.
      request.limit,
      [...(request.accountRoom?.keys() ?? [])],
      [...(request.accountRoom?.values() ?? [])],
    ]);
    // In seq order, as SQLite returns them: a batch is deterministic.
    return toClaimedDeliveriesWithEvents(rows);
  }

  /**
   * One transaction for the group: every attempt in one statement, every delivery's new state in
   * another. A 410 that disables (or deletes) an endpoint is applied at its place in the group, as the
   * SQLite store applies results one by one: results before it are written first (a failure written
   * before the cancellation stays a failure), results after it see the cancellation (only a success
   * moves a cancelled delivery).
   */
  async recordAttempts(results: readonly AttemptResult[], nowMs: number): Promise<void> {
    if (results.length === 0) return;
    // Results that end the head of a lane of ordered deliveries: its next is due (domain/ordering.ts).
    const ending = results
      .filter((r) => r.claim.orderingKey !== null && r.status !== 'pending')
      .map((r) => r.claim);
    if (!results.some((r) => r.disableEndpoint) && ending.length === 0) {
      await this.query(SQL.recordAttempts, [nowMs, ...finishColumns(results), ...attemptColumns(results)]);
      return;
    }
    await this.transaction(async ({ client }) => {
      const lanes = lanesOf(ending);
      if (lanes.length > 0) await client.query(SQL.lockLanes, [lanes]);
      if (!results.some((r) => r.disableEndpoint)) {
        await client.query(SQL.recordAttempts, [
          nowMs,
          ...finishColumns(results),
          ...attemptColumns(results),
        ]);
        await client.query(SQL.promoteLanes, [nowMs, ...laneColumns(ending)]);
        return;
      }
      const gone = [...new Set(results.filter((r) => r.disableEndpoint).map((r) => r.claim.endpointId))];
      if (gone.length > 0) await client.query(SQL.lockEndpoints, [gone]);
      await client.query(SQL.insertAttempts, attemptColumns(results));
      let segment: AttemptResult[] = [];
      for (const result of results) {
        segment.push(result);
        if (!result.disableEndpoint) continue;
        const finished = await finishAttempts(client, segment, nowMs);
        segment = [];
        // The 410 rule (domain/delivery-state.ts), for the current lease holder only.
        if (finished.has(leaseKey(result.claim.id, result.claim.lease))) {
          const { endpointId, accountId } = result.claim;
          const [row] = (await client.query(SQL.endpointSource, [endpointId])).rows;
          if (row) {
            const change = endpointChangeOnGone(row['source'] as EndpointSource);
            if (change.kind === 'delete') await client.query(SQL.deleteEndpointById, [endpointId]);
            else await client.query(SQL.disableEndpoint, [endpointId, change.disabledReason, nowMs]);
            await client.query(SQL.notifyEndpoint, [endpointId]);
          }
          await client.query(SQL.cancelLiveForEndpoint, [endpointId, accountId, nowMs]);
        }
      }
      if (segment.length > 0) await finishAttempts(client, segment, nowMs);
      if (lanes.length > 0) await client.query(SQL.promoteLanes, [nowMs, ...laneColumns(ending)]);
    });
  }

  /** In a lease transaction, for the reason given at {@link claimDue}. */
  async releaseClaims(claims: readonly ClaimedDelivery[], dueAtMs: number): Promise<void> {
    if (claims.length === 0) return;
    await this.run(this.leasePool, SQL.releaseClaims, [dueAtMs, ...claimColumns(claims)]);
  }

  async cancelClaims(claims: readonly ClaimedDelivery[], nowMs: number): Promise<void> {
    if (claims.length === 0) return;
    await this.query(SQL.cancelClaims, [nowMs, ...claimColumns(claims)]);
  }

  /**
   * Does nothing and returns 0. In SQLite one process owns the file, so at its start every lease
   * belongs to a process that is gone; here the other processes sharing the database are alive and
   * sending what they leased, and releasing their leases would send those deliveries twice at once.
   * The leases of a process that did die expire by themselves (the lease is at most
   * `2 × timeoutMs + 30 s`), and its deliveries are claimed again then.
   */
  async releaseAllLeases(_nowMs: number): Promise<number> {
    return 0;
  }

  async nextDueAt(partition?: Partition): Promise<number | undefined> {
    const [row] = await this.query(SQL.nextDue, [bucketsOf(partition)]);
    return (row?.['at'] as number | null | undefined) ?? undefined;
  }

  /**
   * Renews the worker's registration and sweeps those expired, in a lease transaction (a renewal lost
   * in a crash is made again at the next heartbeat).
   */
  async registerWorker(workerId: string, nowMs: number, ttlMs: number): Promise<readonly string[]> {
    return this.transaction(async ({ client }) => {
      await client.query(SQL.sweepWorkers, [nowMs]);
      const { rows } = await client.query<Row>(SQL.registerWorker, [workerId, nowMs, ttlMs]);
      return rows.map((row) => row['id'] as string);
    }, 'lease');
  }

  async unregisterWorker(workerId: string): Promise<void> {
    await this.query(SQL.unregisterWorker, [workerId]);
  }

  async queueDepth(): Promise<{ pending: number; sending: number }> {
    const [row] = await this.query(SQL.queueDepth);
    return { pending: Number(row?.['pending'] ?? 0), sending: Number(row?.['sending'] ?? 0) };
  }

  async endpointAttemptStats(accountId: string, sinceMs: number): Promise<readonly EndpointAttemptStats[]> {
    return (await this.query(SQL.endpointAttemptStats, [accountId, sinceMs])).map(toEndpointAttemptStats);
  }

  async countActiveUrls(accountId: string): Promise<number> {
    // The count the active-URL limit makes, for no endpoint excepted and no URL added.
    const [row] = await this.query(SQL.activeUrlCount, [accountId, null, []]);
    return row?.['n'] as number;
  }

  async overviewCounts(): Promise<{ accounts: number; disabledEndpoints: number }> {
    const [row] = await this.query(SQL.overviewCounts);
    return {
      accounts: row?.['accounts'] as number,
      disabledEndpoints: row?.['disabled_endpoints'] as number,
    };
  }

  async ping(): Promise<void> {
    await this.query(SQL.ping);
  }

  /**
   * Answers the publishes waiting for their group commit, closes the LISTEN connection and the pool
   * (after the calls in flight end). Idempotent.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.publishes.flush();
      await Promise.all(this.groupsInFlight);
      this.dueListeners.clear();
      this.endpointListeners.clear();
      const listener = this.listener;
      this.listener = undefined;
      await listener?.stop();
      await Promise.all([this.pool.end(), this.leasePool.end()]);
    })();
    return this.closing;
  }
}

/**
 * The connection behind `onDue` and `onEndpointChanged`: a dedicated client (not from the pool, since LISTEN belongs to one
 * session) that reconnects with backoff whenever it is lost, for as long as it is not stopped.
 */
class DueListener {
  private readonly url: string;
  private readonly events: {
    readonly onDue: DueListenerFn;
    readonly onEndpoint: (endpointId: string) => void;
    readonly onError: (error: Error) => void;
  };
  private client: pg.Client | undefined;
  private listening = false;
  private stopped = false;
  private retryMs = LISTEN_RETRY_FIRST_MS;
  private retryTimer: NodeJS.Timeout | undefined;
  private waiters: { resolve: () => void; reject: (error: Error) => void }[] = [];

  constructor(url: string, events: DueListener['events']) {
    this.url = url;
    this.events = events;
    void this.connect(false);
  }

  whenListening(): Promise<void> {
    if (this.stopped) return Promise.reject(new Error('listening has stopped'));
    if (this.listening) return Promise.resolve();
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  private async connect(again: boolean): Promise<void> {
    this.retryTimer = undefined;
    const client = new pg.Client(connectionConfig(this.url));
    this.client = client;
    let lost = false;
    const lose = (error: Error, ended = false) => {
      if (lost) return;
      lost = true;
      this.listening = false;
      if (this.client === client) this.client = undefined;
      if (!ended) void client.end().catch(() => undefined);
      if (this.stopped) return;
      this.events.onError(error);
      this.retryTimer = setTimeout(() => void this.connect(true), this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, LISTEN_RETRY_MAX_MS);
    };
    client.on('error', lose);
    client.on('end', () => lose(new Error('the LISTEN connection closed'), true));
    client.on('notification', (message) => {
      if (message.channel === DUE_CHANNEL) this.events.onDue(decodeDueBuckets(message.payload));
      else if (message.channel === ENDPOINT_CHANNEL && message.payload)
        this.events.onEndpoint(message.payload);
    });
    try {
      await client.connect();
      await client.query(SQL.listen);
    } catch (error) {
      lose(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    if (lost || this.stopped) return;
    this.listening = true;
    this.retryMs = LISTEN_RETRY_FIRST_MS;
    for (const waiter of this.waiters.splice(0)) waiter.resolve();
    // Commits made while the connection was down notified no one: look for due work once.
    if (again) this.events.onDue(undefined);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.listening = false;
    clearTimeout(this.retryTimer);
    for (const waiter of this.waiters.splice(0)) waiter.reject(new Error('listening has stopped'));
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }
}

// `bigint` columns (instants in ms, seq, lease, counts) come back as numbers, not strings. Every value
// this schema keeps in one stays far below 2^53 (an instant in ms reaches it some 285,000 years from now).
// Scoped to this store's connections: other users of `pg` in the process keep the default.
const BIGINT_AS_NUMBER = new pg.TypeOverrides();
BIGINT_AS_NUMBER.setTypeParser(pg.types.builtins.INT8, Number);

/** Settings shared by the pool's connections and the LISTEN connection. */
function connectionConfig(url: string): pg.ClientConfig {
  return {
    connectionString: url,
    application_name: 'hookline',
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    keepAlive: true,
    keepAliveInitialDelayMillis: KEEPALIVE_DELAY_MS,
    types: BIGINT_AS_NUMBER,
  };
}

/**
 * Throws {@link ActiveUrlLimitError} when `urls` (of an enabled endpoint, other than `exceptId`) would
 * take the account's distinct enabled URLs beyond the limit. Runs in the caller's transaction, after
 * it locked the account row.
 */
async function checkActiveUrls(
  client: Queryable,
  accountId: string,
  urls: readonly string[],
  exceptId: string | undefined,
  limits: { readonly maxActiveUrls: number },
): Promise<void> {
  const { rows } = await client.query<Row>(SQL.activeUrlCount, [accountId, exceptId ?? null, urls]);
  if ((rows[0]?.['n'] as number) > limits.maxActiveUrls) throw new ActiveUrlLimitError(limits.maxActiveUrls);
}

/**
 * The publishes `insertSingles` can write together: one event each, no delivery of an ordered endpoint
 * (those lock their lanes), and no event id twice (the statement could not tell whose deliveries go
 * with it). The others keep the transaction path.
 */
function splitSingles(pending: readonly PendingInsert[]): {
  singles: PendingInsert[];
  others: PendingInsert[];
} {
  const singles: PendingInsert[] = [];
  const others: PendingInsert[] = [];
  const seen = new Set<string>();
  for (const item of pending) {
    const [only, ...more] = item.events;
    const key = only && eventKey(item.accountId, only.event.id);
    if (!only || more.length > 0 || seen.has(key!) || only.deliveries.some((d) => d.orderingKey !== null)) {
      others.push(item);
    } else {
      seen.add(key!);
      singles.push(item);
    }
  }
  return { singles, others };
}

function eventKey(accountId: string, eventId: string): string {
  return `${accountId}\u0000${eventId}`;
}

/** The parameters of `insertSingles`: the events, then their deliveries, each with its account. */
function singlesParams(group: readonly PendingInsert[]): unknown[] {
  const events = group.map((item) => item.events[0]!);
  const checked = group.filter((item) => item.check !== undefined);
  const deliveries = group.flatMap(({ events: [only] }) =>
    only!.deliveries.map((d) => ({ ...d, eventId: only!.event.id, createdAt: only!.event.createdAt })),
  );
  return [
    textArray(group.map((item) => item.accountId)),
    ...eventColumns(events),
    textArray(group.flatMap((item) => item.events[0]!.deliveries.map(() => item.accountId))),
    ...deliveryColumns(deliveries),
    textArray(checked.map((item) => item.accountId)),
    checked.map((item) => item.check),
  ];
}

/** Events as the publish statements take them: one array parameter per column. */
function eventColumns(events: readonly NewEvent[]): Buffer[] {
  return [
    textArray(events.map((e) => e.event.id)),
    textArray(events.map((e) => e.event.type)),
    textArray(events.map((e) => e.event.dataJson)),
    int8Array(events.map((e) => e.event.occurredAt)),
    int8Array(events.map((e) => e.event.createdAt)),
    boolArray(events.map((e) => e.deliveries.length > 0)),
    textArray(events.map((e) => e.event.orderingKey)),
  ];
}

/** Deliveries (with their event's id and creation time) as the publish statements take them. */
function deliveryColumns(
  deliveries: readonly (NewEvent['deliveries'][number] & { eventId: string; createdAt: number })[],
): Buffer[] {
  return [
    textArray(deliveries.map((d) => d.eventId)),
    textArray(deliveries.map((d) => d.id)),
    textArray(deliveries.map((d) => d.endpointId)),
    textArray(deliveries.map((d) => d.url)),
    textArray(deliveries.map((d) => d.lineId)),
    int8Array(deliveries.map((d) => d.nextAttemptAt)),
    int8Array(deliveries.map((d) => d.createdAt)),
    int2Array(deliveries.map((d) => endpointBucket(d.endpointId))),
  ];
}

/** The payload of a due notification: the buckets, comma-separated, or empty for "any endpoint". */
export function encodeDueBuckets(buckets: ReadonlySet<number> | undefined): string {
  return buckets === undefined ? '' : [...buckets].sort((a, b) => a - b).join(',');
}

/**
 * The buckets a due notification names; undefined (any endpoint) for an empty payload, as older
 * processes send, or one that is not a list of buckets.
 */
export function decodeDueBuckets(payload: string | undefined): number[] | undefined {
  if (!payload || !/^\d{1,2}(,\d{1,2})*$/.test(payload)) return undefined;
  const buckets = payload.split(',').map(Number);
  return buckets.every((b) => b < ENDPOINT_BUCKETS) ? buckets : undefined;
}

/**
 * Writes one publish (all its events and their deliveries) in the caller's transaction, with the
 * semantics of the SQLite store: an id seen before (earlier in this call or in the database) with the
 * same type and data is a replay with the first deliveries; with another type or data it throws
 * {@link IdempotencyConflictError} for the first such position.
 */
async function insertEventsNow(
  client: Queryable,
  accountId: string,
  events: readonly NewEvent[],
): Promise<InsertEventResult[]> {
  if (events.length === 0) return [];
  // An id repeated within the call is written once, by its first occurrence.
  const firstIndex = new Map<string, number>();
  const fresh: NewEvent[] = [];
  events.forEach((item, index) => {
    if (firstIndex.has(item.event.id)) return;
    firstIndex.set(item.event.id, index);
    fresh.push(item);
  });
  const deliveries = fresh.flatMap(({ event, deliveries }) =>
    deliveries.map((delivery) => ({ ...delivery, eventId: event.id, createdAt: event.createdAt })),
  );
  const { rows } = await client.query<Row>(SQL.insertEvents, [
    accountId,
    ...eventColumns(fresh),
    ...deliveryColumns(deliveries),
    textArray(deliveries.map((d) => d.orderingKey)),
    boolArray(behindInBatch(deliveries)),
  ]);
  const inserted = new Set(rows.map((row) => row['id'] as string));
  const stored = new Map<string, { event: EventRecord; deliveryIds: string[] }>();
  const replayed = fresh.filter((e) => !inserted.has(e.event.id)).map((e) => e.event.id);
  if (replayed.length > 0) {
    for (const row of (await client.query<Row>(SQL.storedEvents, [accountId, replayed])).rows) {
      stored.set(row['id'] as string, { event: toEvent(row), deliveryIds: row['delivery_ids'] as string[] });
    }
  }
  return events.map(({ event, deliveries }, index): InsertEventResult => {
    const first = events[firstIndex.get(event.id) as number] as NewEvent;
    if (inserted.has(event.id) && firstIndex.get(event.id) === index) {
      return { inserted: true, event, deliveryIds: deliveries.map((d) => d.id) };
    }
    // Written earlier in this call, or before: compared with what was written.
    const previous = inserted.has(event.id)
      ? { event: { ...first.event, accountId }, deliveryIds: first.deliveries.map((d) => d.id) }
      : stored.get(event.id);
    if (!previous) throw new Error(`event ${event.id} was neither inserted nor found`);
    if (previous.event.type !== event.type || previous.event.dataJson !== event.dataJson) {
      throw new IdempotencyConflictError(index, event.id);
    }
    return { inserted: false, event: previous.event, deliveryIds: previous.deliveryIds };
  });
}

/**
 * Writes the new state of each delivery in `results` whose lease still holds.
 * @returns the `leaseKey` of each delivery written.
 */
async function finishAttempts(
  client: Queryable,
  results: readonly AttemptResult[],
  nowMs: number,
): Promise<Set<string>> {
  const { rows } = await client.query<Row>(SQL.finishAttempts, [nowMs, ...finishColumns(results)]);
  return new Set(rows.map((row) => leaseKey(row['id'] as string, row['lease'] as number)));
}

/** The arrays of the `r` rows of {@link FINISH_CTES}: each delivery's new state. */
function finishColumns(results: readonly AttemptResult[]): Buffer[] {
  return [
    textArray(results.map((r) => r.claim.id)),
    int8Array(results.map((r) => r.claim.lease)),
    textArray(results.map((r) => r.status)),
    int8Array(results.map((r) => r.nextAttemptAt)),
    int4Array(results.map((r) => r.attempt.number)),
    int8Array(results.map((r) => r.attempt.startedAt)),
    int4Array(results.map((r) => r.attempt.statusCode)),
    textArray(results.map((r) => r.attempt.errorCode)),
  ];
}

/**
 * The terms of a filter's time range on `created_at` of `table` (aliased `prefix`), with its parameters
 * appended to `values`: the rows' `seq` bounded by a bisection of `seq` on `created_at`, widened by
 * {@link CREATED_AT_SLACK_MS} ({@link firstSeqCreatedAtSql}), and `created_at` itself.
 */
function createdAtTerms(
  table: 'events' | 'deliveries' | 'audit_log',
  prefix: string,
  filter: { sinceMs?: number | undefined; untilMs?: number | undefined },
  values: unknown[],
): string[] {
  const terms: string[] = [];
  if (filter.sinceMs !== undefined) {
    values.push(filter.sinceMs);
    const since = `$${values.length}::bigint`;
    terms.push(
      `${prefix}seq >= ${firstSeqCreatedAtSql(table, `${since} - ${CREATED_AT_SLACK_MS}`)}`,
      `${prefix}created_at >= ${since}`,
    );
  }
  if (filter.untilMs !== undefined) {
    values.push(filter.untilMs);
    const until = `$${values.length}::bigint`;
    terms.push(
      `${prefix}seq < ${firstSeqCreatedAtSql(table, `${until} + ${CREATED_AT_SLACK_MS}`)}`,
      `${prefix}created_at < ${until}`,
    );
  }
  return terms;
}

/**
 * The first `seq` from which on the rows of `table` were created at or after `at` (an SQL expression),
 * as one subquery: a bisection of `seq` on `created_at` in a recursive query, each step the first row
 * at or after the middle (a primary-key lookup), about 20 steps for a million rows. It is evaluated
 * once per statement, before the index it bounds is read.
 */
function firstSeqCreatedAtSql(table: 'events' | 'deliveries' | 'audit_log', at: string): string {
  return `(WITH RECURSIVE search (lo, hi) AS (
      SELECT (SELECT min(seq) FROM ${table}), (SELECT max(seq) FROM ${table}) + 1
      UNION ALL
      SELECT CASE WHEN probe.created_at >= ${at} THEN s.lo ELSE probe.seq + 1 END,
        CASE WHEN probe.created_at >= ${at} THEN (s.lo + s.hi) / 2 ELSE s.hi END
      FROM search s CROSS JOIN LATERAL (
        SELECT seq, created_at FROM ${table} WHERE seq >= (s.lo + s.hi) / 2 ORDER BY seq LIMIT 1) AS probe
      WHERE s.lo < s.hi)
    SELECT coalesce(min(lo), 0) FROM search WHERE lo >= hi)`;
}

function leaseKey(deliveryId: string, lease: number): string {
  return `${deliveryId} ${lease}`;
}

/** The parameters of `insertAttempts`: one array per column. */
function attemptColumns(results: readonly AttemptResult[]): Buffer[] {
  const attempts = results.map((r) => r.attempt);
  return [
    textArray(attempts.map((a) => a.id)),
    textArray(attempts.map((a) => a.deliveryId)),
    textArray(attempts.map((a) => a.accountId)),
    int4Array(attempts.map((a) => a.number)),
    int8Array(attempts.map((a) => a.startedAt)),
    int4Array(attempts.map((a) => a.durationMs)),
    int4Array(attempts.map((a) => a.statusCode)),
    textArray(attempts.map((a) => a.errorCode)),
    textArray(attempts.map((a) => withoutNul(a.errorMessage))),
    textArray(attempts.map((a) => withoutNul(a.responseBody))),
    boolArray(attempts.map((a) => a.responseBodyTruncated)),
    boolArray(attempts.map((a) => a.succeeded)),
    textArray(results.map((r) => r.claim.endpointId)),
    textArray(attempts.map((a) => withoutNul(a.responseHeadersJson))),
    textArray(attempts.map((a) => withoutNul(a.requestHeadersJson))),
    textArray(attempts.map((a) => withoutNul(a.requestBody))),
    boolArray(attempts.map((a) => a.requestBodyTruncated)),
  ];
}

/**
 * PostgreSQL `text` cannot hold U+0000 (SQLite can). A receiver's response body or an error message
 * may contain it, and one such attempt would fail the whole group's commit, so it is replaced by
 * U+FFFD, as an undecodable byte already is.
 */
function withoutNul(text: string | null): string | null {
  return text?.includes('\u0000') ? text.replaceAll('\u0000', '\uFFFD') : text;
}

/** The lanes of these ordered deliveries as three parallel arrays (endpoint, URL, key), for `promoteLanes`. */
function laneColumns(members: readonly LaneMember[]): [string[], string[], string[]] {
  const keyed = members.filter((m) => m.orderingKey !== null);
  return [keyed.map((m) => m.endpointId), keyed.map((m) => m.url), keyed.map((m) => m.orderingKey as string)];
}

/** The ids and leases of claims, as two parameters. */
function claimColumns(claims: readonly ClaimedDelivery[]): [Buffer, Buffer] {
  return [textArray(claims.map((c) => c.id)), int8Array(claims.map((c) => c.lease))];
}

/**
 * A value for an endpoint column: arrays and objects as JSON text for `jsonb` (the driver would send
 * a JavaScript array as a PostgreSQL array), everything else as is.
 */
function toSqlValue(value: unknown): unknown {
  if (Array.isArray(value) || (typeof value === 'object' && value !== null)) return JSON.stringify(value);
  return value;
}

/** Writes an audit entry in the caller's transaction; nothing without one. */
async function writeAudit(client: Queryable, entry: AuditEntryRecord | undefined): Promise<void> {
  if (entry !== undefined) await client.query(SQL.insertAuditEntry, auditParams(entry));
}

function apiKeyParams(key: ApiKeyRecord, keyHash: string): unknown[] {
  return [key.id, key.accountId, key.name, key.prefix, keyHash, key.createdAt, key.lastUsedAt, key.expiresAt];
}

function endpointParams(e: EndpointRecord): unknown[] {
  return [
    e.id,
    e.accountId,
    e.urls,
    e.description,
    e.eventTypes,
    e.enabled,
    e.disabledReason,
    e.secret,
    e.previousSecret,
    e.previousSecretExpiresAt,
    e.headers,
    e.timeoutMs,
    e.maxConcurrency,
    e.rateLimitPerSecond,
    e.scope,
    e.perOrderLine,
    e.includeRecurring,
    e.fields,
    e.format,
    e.userAgent,
    e.source,
    e.createdAt,
    e.updatedAt,
    e.ordered,
  ].map(toSqlValue);
}
