/**
 * Store records as the API shows them: instants as ISO strings, secrets only where asked for.
 */
import { formatDurationMs } from '../domain/duration.ts';
import type {
  AccountRecord,
  ApiKeyRecord,
  AttemptRecord,
  AuditEntryRecord,
  DeliveryRecord,
  EndpointAttemptStats,
  EndpointRecord,
  EventRecord,
} from '../store/store.ts';

const iso = (ms: number) => new Date(ms).toISOString();
const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));

/**
 * An account, without anything secret; `maxActiveUrls` is the limit in force (its own or the default),
 * `activeUrls` what it counts now.
 */
export function accountOut(
  account: AccountRecord,
  inForce: {
    readonly maxActiveUrls: number;
    readonly activeUrls: number;
    readonly maxConcurrency: number;
    readonly retentionMs: number;
  },
) {
  return {
    id: account.id,
    name: account.name,
    maxActiveUrls: inForce.maxActiveUrls,
    activeUrls: inForce.activeUrls,
    maxConcurrency: inForce.maxConcurrency,
    retention: formatDurationMs(inForce.retentionMs),
    createdAt: iso(account.createdAt),
  };
}

/** An endpoint's attempts in a period. */
export function endpointStatsOut(stats: EndpointAttemptStats) {
  return {
    endpointId: stats.endpointId,
    attempts: stats.attempts,
    succeeded: stats.succeeded,
    failed: stats.failed,
    lastAttemptAt: iso(stats.lastAttemptAt),
  };
}

/** An API key, without the key (which is never stored). */
export function apiKeyOut(key: ApiKeyRecord) {
  return {
    id: key.id,
    name: key.name,
    prefix: key.prefix,
    createdAt: iso(key.createdAt),
    lastUsedAt: isoOrNull(key.lastUsedAt),
    expiresAt: isoOrNull(key.expiresAt),
  };
}

/** An endpoint, without its secret. */
export function endpointOut(endpoint: EndpointRecord) {
  return {
    id: endpoint.id,
    url: endpoint.urls.join(','),
    urls: endpoint.urls,
    description: endpoint.description,
    eventTypes: endpoint.eventTypes,
    enabled: endpoint.enabled,
    disabledReason: endpoint.disabledReason,
    failingSince: isoOrNull(endpoint.failingSince),
    headers: endpoint.headers,
    timeoutMs: endpoint.timeoutMs,
    maxConcurrency: endpoint.maxConcurrency,
    rateLimitPerSecond: endpoint.rateLimitPerSecond,
    ...endpoint.scope,
    perOrderLine: endpoint.perOrderLine,
    includeRecurring: endpoint.includeRecurring,
    ordered: endpoint.ordered,
    fields: endpoint.fields,
    format: endpoint.format,
    userAgent: endpoint.userAgent,
    source: endpoint.source,
    createdAt: iso(endpoint.createdAt),
    updatedAt: iso(endpoint.updatedAt),
  };
}

/** An event with its data parsed back from the stored JSON text. */
export function eventOut(event: EventRecord) {
  return {
    id: event.id,
    type: event.type,
    occurredAt: iso(event.occurredAt),
    createdAt: iso(event.createdAt),
    orderingKey: event.orderingKey,
    data: JSON.parse(event.dataJson) as unknown,
  };
}

/** A delivery. */
export function deliveryOut(delivery: DeliveryRecord) {
  return {
    id: delivery.id,
    eventId: delivery.eventId,
    eventType: delivery.eventType,
    endpointId: delivery.endpointId,
    url: delivery.url,
    lineId: delivery.lineId,
    status: delivery.status,
    attemptCount: delivery.attemptCount,
    nextAttemptAt: isoOrNull(delivery.nextAttemptAt),
    lastAttemptAt: isoOrNull(delivery.lastAttemptAt),
    lastStatusCode: delivery.lastStatusCode,
    lastErrorCode: delivery.lastErrorCode,
    createdAt: iso(delivery.createdAt),
    updatedAt: iso(delivery.updatedAt),
  };
}

/** One attempt of a delivery. */
export function attemptOut(attempt: AttemptRecord) {
  return {
    id: attempt.id,
    number: attempt.number,
    startedAt: iso(attempt.startedAt),
    durationMs: attempt.durationMs,
    statusCode: attempt.statusCode,
    errorCode: attempt.errorCode,
    errorMessage: attempt.errorMessage,
    responseBody: attempt.responseBody,
    responseBodyTruncated: attempt.responseBodyTruncated,
    responseHeaders: headersOut(attempt.responseHeadersJson),
    requestHeaders: headersOut(attempt.requestHeadersJson),
    requestBody: attempt.requestBody,
    requestBodyTruncated: attempt.requestBodyTruncated,
    succeeded: attempt.succeeded,
  };
}

/** Headers kept as JSON text (see `domain/attempt-record.ts`), as an object. */
function headersOut(json: string | null): Record<string, string> | null {
  return json === null ? null : (JSON.parse(json) as Record<string, string>);
}

/** An audit log entry. */
export function auditEntryOut(entry: AuditEntryRecord) {
  return {
    id: entry.id,
    accountId: entry.accountId,
    at: iso(entry.at),
    actor: { type: entry.actorType, id: entry.actorId, label: entry.actorLabel },
    address: entry.address,
    action: entry.action,
    target: { type: entry.targetType, id: entry.targetId },
    details: entry.details,
  };
}
