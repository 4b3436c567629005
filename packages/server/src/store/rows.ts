/**
 * Database rows → store records, for every backend: the column names are the same in SQLite and
 * PostgreSQL, and so are the column lists below. Where the drivers differ, the value is read either way: JSON columns arrive as text from
 * SQLite and parsed from PostgreSQL's `jsonb`; flags as 0/1 from SQLite and as booleans from PostgreSQL.
 */
import type { AuditAction, AuditActorType, AuditTargetType } from '../domain/audit-log.ts';
import type { DeliveryStatus } from '../domain/delivery-state.ts';
import type { EndpointScope } from '../domain/endpoint-scope.ts';
import type { SendErrorCode } from '../domain/send-outcome.ts';
import { encodeCursor } from './pagination.ts';
import type {
  AccountRecord,
  ApiKeyRecord,
  AttemptRecord,
  AuditEntryRecord,
  ClaimedDelivery,
  DeliveryRecord,
  EndpointAttemptStats,
  EndpointChanges,
  EndpointFormat,
  EndpointRecord,
  EndpointSource,
  ErasureRecord,
  EventRecord,
  Page,
  PortalLocale,
  PortalSessionRecord,
  StoredEventData,
} from './store.ts';

/** The columns of the deliveries log: a delivery joined with its event's id and type (`e`). */
export const DELIVERY_COLUMNS = `d.seq, d.id, d.account_id, e.id AS event_id, e.type AS event_type, d.endpoint_id, d.url,
  d.line_id, d.status, d.attempt_count, d.next_attempt_at, d.last_attempt_at, d.last_status_code, d.last_error_code,
  d.created_at, d.updated_at`;

/** The column of each endpoint field a change may set. */
export const ENDPOINT_COLUMNS: Record<keyof EndpointChanges, string> = {
  urls: 'urls',
  description: 'description',
  eventTypes: 'event_types',
  enabled: 'enabled',
  disabledReason: 'disabled_reason',
  headers: 'headers',
  timeoutMs: 'timeout_ms',
  maxConcurrency: 'max_concurrency',
  rateLimitPerSecond: 'rate_limit_per_second',
  secret: 'secret',
  previousSecret: 'previous_secret',
  previousSecretExpiresAt: 'previous_secret_expires_at',
  scope: 'scope',
  perOrderLine: 'per_order_line',
  includeRecurring: 'include_recurring',
  ordered: 'ordered',
  fields: 'fields',
  format: 'format',
  userAgent: 'user_agent',
  failingSince: 'failing_since',
  failingWarnedAt: 'failing_warned_at',
};

/** A row as a driver returns it. */
export type Row = Record<string, unknown>;

/** A JSON column: text (SQLite) or already parsed (`jsonb`). */
function json<T>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

/** A flag column: 0/1 (SQLite) or a boolean (PostgreSQL). */
function flag(value: unknown): boolean {
  return value === true || value === 1;
}

/** One page of `limit` from `limit + 1` rows ordered by `seq`: the extra row says another page exists. */
export function toPage<T>(rows: Row[], limit: number, map: (row: Row) => T): Page<T> {
  const hasMore = rows.length > limit;
  const pageRows = hasMore ? rows.slice(0, limit) : rows;
  const last = pageRows[pageRows.length - 1];
  return {
    items: pageRows.map(map),
    nextCursor: hasMore && last ? encodeCursor(last['seq'] as number) : null,
  };
}

/** An `accounts` row. */
export function toAccount(row: Row): AccountRecord {
  return {
    id: row['id'] as string,
    name: row['name'] as string,
    maxActiveUrls: row['max_active_urls'] as number | null,
    maxConcurrency: row['max_concurrency'] as number | null,
    retentionMs: row['retention_ms'] as number | null,
    createdAt: row['created_at'] as number,
  };
}

/** An `api_keys` row. */
export function toApiKey(row: Row): ApiKeyRecord {
  return {
    id: row['id'] as string,
    accountId: row['account_id'] as string,
    name: row['name'] as string,
    prefix: row['prefix'] as string,
    createdAt: row['created_at'] as number,
    lastUsedAt: row['last_used_at'] as number | null,
    expiresAt: row['expires_at'] as number | null,
  };
}

/** A `portal_sessions` row; the scope is JSON text in both databases (`null`: the whole account). */
export function toPortalSession(row: Row): PortalSessionRecord {
  const scopeJson = row['scope_json'] as string | null;
  return {
    id: row['id'] as string,
    accountId: row['account_id'] as string,
    scope: scopeJson === null ? null : (JSON.parse(scopeJson) as EndpointScope),
    locale: row['locale'] as PortalLocale,
    createdAt: row['created_at'] as number,
    expiresAt: row['expires_at'] as number,
  };
}

/** An `endpoints` row. */
export function toEndpoint(row: Row): EndpointRecord {
  return {
    id: row['id'] as string,
    accountId: row['account_id'] as string,
    urls: json(row['urls']),
    description: row['description'] as string,
    eventTypes: json(row['event_types']),
    enabled: flag(row['enabled']),
    disabledReason: row['disabled_reason'] as string | null,
    secret: row['secret'] as string,
    previousSecret: row['previous_secret'] as string | null,
    previousSecretExpiresAt: row['previous_secret_expires_at'] as number | null,
    headers: json(row['headers']),
    timeoutMs: row['timeout_ms'] as number | null,
    maxConcurrency: row['max_concurrency'] as number | null,
    rateLimitPerSecond: row['rate_limit_per_second'] as number | null,
    scope: json(row['scope']),
    perOrderLine: flag(row['per_order_line']),
    includeRecurring: flag(row['include_recurring']),
    ordered: flag(row['ordered']),
    fields: json(row['fields']),
    format: row['format'] as EndpointFormat,
    userAgent: row['user_agent'] as string | null,
    source: row['source'] as EndpointSource,
    failingSince: row['failing_since'] as number | null,
    failingWarnedAt: row['failing_warned_at'] as number | null,
    createdAt: row['created_at'] as number,
    updatedAt: row['updated_at'] as number,
  };
}

/** Claimed `deliveries` rows, each joined with its event's row (read once for the whole batch). */
export function toClaimedDeliveries(claimed: readonly Row[], eventRows: readonly Row[]): ClaimedDelivery[] {
  const events = new Map(eventRows.map((row) => [row['seq'] as number, row]));
  return claimed.map((row): ClaimedDelivery => {
    const event = events.get(row['event_seq'] as number) as Row;
    return {
      id: row['id'] as string,
      accountId: row['account_id'] as string,
      endpointId: row['endpoint_id'] as string,
      url: row['url'] as string,
      lineId: row['line_id'] as string | null,
      eventId: event['id'] as string,
      eventType: event['type'] as string,
      dataJson: event['data'] as string,
      occurredAt: event['occurred_at'] as number,
      attemptCount: row['attempt_count'] as number,
      scheduleStart: row['schedule_start'] as number,
      lease: row['lease'] as number,
      orderingKey: (row['ordering_key'] as string | null | undefined) ?? null,
    };
  });
}

/**
 * Claimed rows that carry their event (`event_id`, `event_type`, `event_occurred_at`, and the payload
 * `event_data` on at least one row of each event), in the order given.
 */
export function toClaimedDeliveriesWithEvents(rows: readonly Row[]): ClaimedDelivery[] {
  const events: Row[] = [];
  for (const row of rows) {
    if (row['event_data'] === null) continue;
    events.push({
      seq: row['event_seq'],
      id: row['event_id'],
      type: row['event_type'],
      data: row['event_data'],
      occurred_at: row['event_occurred_at'],
    });
  }
  return toClaimedDeliveries(rows, events);
}

/** An `events` row. */
export function toEvent(row: Row): EventRecord {
  return {
    id: row['id'] as string,
    accountId: row['account_id'] as string,
    type: row['type'] as string,
    dataJson: row['data'] as string,
    occurredAt: row['occurred_at'] as number,
    createdAt: row['created_at'] as number,
    orderingKey: (row['ordering_key'] as string | null | undefined) ?? null,
  };
}

/** A `deliveries` row joined with its event's id and type (`event_id`, `event_type`). */
export function toDelivery(row: Row): DeliveryRecord {
  return {
    id: row['id'] as string,
    accountId: row['account_id'] as string,
    eventId: row['event_id'] as string,
    eventType: row['event_type'] as string,
    endpointId: row['endpoint_id'] as string,
    url: row['url'] as string,
    lineId: row['line_id'] as string | null,
    status: row['status'] as DeliveryStatus,
    attemptCount: row['attempt_count'] as number,
    nextAttemptAt: row['next_attempt_at'] as number | null,
    lastAttemptAt: row['last_attempt_at'] as number | null,
    lastStatusCode: row['last_status_code'] as number | null,
    lastErrorCode: row['last_error_code'] as SendErrorCode | null,
    createdAt: row['created_at'] as number,
    updatedAt: row['updated_at'] as number,
  };
}

/** An `attempts` row. */
export function toAttempt(row: Row): AttemptRecord {
  return {
    id: row['id'] as string,
    deliveryId: row['delivery_id'] as string,
    accountId: row['account_id'] as string,
    number: row['number'] as number,
    startedAt: row['started_at'] as number,
    durationMs: row['duration_ms'] as number,
    statusCode: row['status_code'] as number | null,
    errorCode: row['error_code'] as SendErrorCode | null,
    errorMessage: row['error_message'] as string | null,
    responseBody: row['response_body'] as string | null,
    responseBodyTruncated: flag(row['response_body_truncated']),
    responseHeadersJson: row['response_headers'] as string | null,
    requestHeadersJson: row['request_headers'] as string | null,
    requestBody: row['request_body'] as string | null,
    requestBodyTruncated: flag(row['request_body_truncated']),
    succeeded: flag(row['succeeded']),
  };
}

/** A row of attempt counts per endpoint (`endpoint_id`, `attempts`, `succeeded`, `last_attempt_at`). */
export function toEndpointAttemptStats(row: Row): EndpointAttemptStats {
  const attempts = row['attempts'] as number;
  const succeeded = row['succeeded'] as number;
  return {
    endpointId: row['endpoint_id'] as string,
    attempts,
    succeeded,
    failed: attempts - succeeded,
    lastAttemptAt: row['last_attempt_at'] as number,
  };
}

/** An `erasures` row. */
export function toErasure(row: Row): ErasureRecord {
  return {
    id: row['id'] as string,
    accountId: row['account_id'] as string,
    requestedBy: row['requested_by'] as string,
    address: row['address'] as string | null,
    criteria: json(row['criteria']),
    events: row['events'] as number,
    deliveriesCancelled: row['deliveries_cancelled'] as number,
    attemptsCleared: row['attempts_cleared'] as number,
    eventIds: json(row['event_ids']),
    createdAt: row['created_at'] as number,
  };
}

/** An audit entry as both stores' INSERT takes it, in its column order (`details` as JSON text). */
export function auditParams(entry: AuditEntryRecord): unknown[] {
  return [
    entry.id,
    entry.accountId,
    entry.at,
    entry.actorType,
    entry.actorId,
    entry.actorLabel,
    entry.address,
    entry.action,
    entry.targetType,
    entry.targetId,
    JSON.stringify(entry.details),
  ];
}

/** An `events` row as an erasure reads it. */
export function toStoredEventData(row: Row): StoredEventData {
  return { seq: row['seq'] as number, id: row['id'] as string, dataJson: row['data'] as string };
}

/** A text to find inside stored JSON with `LIKE … ESCAPE '\'`: its wildcards taken literally. */
export function likeNeedle(text: string): string {
  return `%${text.replace(/[\\%_]/g, '\\$&')}%`;
}
/** An `audit_log` row; `details` is JSON text (SQLite) or `jsonb` (PostgreSQL). */
export function toAuditEntry(row: Row): AuditEntryRecord {
  return {
    id: row['id'] as string,
    accountId: row['account_id'] as string | null,
    at: row['created_at'] as number,
    actorType: row['actor_type'] as AuditActorType,
    actorId: row['actor_id'] as string | null,
    actorLabel: row['actor_label'] as string | null,
    address: row['address'] as string,
    action: row['action'] as AuditAction,
    targetType: row['target_type'] as AuditTargetType,
    targetId: row['target_id'] as string,
    details: json(row['details']),
  };
}
