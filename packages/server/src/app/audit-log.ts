/**
 * The audit log: who changed what (the operator, which API key, which portal session), when and from
 * which address. Every use case that changes an account's configuration on someone's request, and
 * revealing an endpoint's secret, records one entry; publishing and delivering record none (they are
 * logged as events, deliveries and attempts). The store writes an entry in the transaction of the change
 * it records (`AuditOf` in store/store.ts), so no change is committed without its entry. Entries are
 * kept for the account's retention and never changed; the API has no route that writes or deletes one.
 *
 * Details never hold a secret: no signing secret, API key, token or hash, and of an endpoint's
 * `headers` (which often carry a receiver's credentials) only the names.
 */
import { assertNever } from '../domain/assert-never.ts';
import type { AuditAction, AuditTargetType } from '../domain/audit-log.ts';
import { formatDurationMs } from '../domain/duration.ts';
import type {
  AccountRecord,
  AuditEntryRecord,
  AuditLogFilter,
  EndpointRecord,
  Page,
  PageRequest,
} from '../store/store.ts';
import type { Principal } from './accounts.ts';
import { notFound } from './app-error.ts';
import type { AppContext } from './context.ts';

/** Who asks for a change, and from where: what every entry records about its actor. */
export interface Actor {
  readonly principal: Principal;
  /** The client address of the request, as the server sees it. */
  readonly address: string;
}

/** What an entry is about. */
export interface AuditSubject {
  readonly action: AuditAction;
  /** The account concerned; `null` for an operator's action that concerns none. */
  readonly accountId: string | null;
  readonly targetType: AuditTargetType;
  readonly targetId: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

/** A new audit entry: the actor's principal and address, the time now, the subject. */
export function auditEntry(ctx: AppContext, actor: Actor, subject: AuditSubject): AuditEntryRecord {
  const { principal } = actor;
  return {
    id: ctx.newId('audit_entry'),
    accountId: subject.accountId,
    at: ctx.now(),
    ...actorColumns(principal),
    address: actor.address,
    action: subject.action,
    targetType: subject.targetType,
    targetId: subject.targetId,
    details: subject.details ?? {},
  };
}

/** The actor as an entry names it: the kind, the key or session id (never a token), a label for people. */
function actorColumns(principal: Principal): Pick<AuditEntryRecord, 'actorType' | 'actorId' | 'actorLabel'> {
  switch (principal.kind) {
    case 'admin':
      return { actorType: 'admin', actorId: null, actorLabel: null };
    case 'account':
      return {
        actorType: 'api_key',
        actorId: principal.apiKey.id,
        actorLabel: `${principal.apiKey.name} (${principal.apiKey.prefix})`,
      };
    case 'portal':
      return { actorType: 'portal_session', actorId: principal.sessionId, actorLabel: null };
    default:
      return assertNever(principal);
  }
}

/**
 * The audit log, newest first: one account's entries, or (`accountId` absent) every entry, those of the
 * operator's actions that concern no account included. An account that does not exist is not found.
 */
export async function listAuditLog(
  ctx: AppContext,
  page: PageRequest,
  filter: AuditLogFilter,
): Promise<Page<AuditEntryRecord>> {
  if (filter.accountId !== undefined && !(await ctx.store.accountExists(filter.accountId))) {
    throw notFound('account', 'accountId');
  }
  return ctx.cursors.page('audit-log', filter.accountId ?? null, page, (inner) =>
    ctx.store.listAuditLog(inner, filter),
  );
}

/**
 * The endpoint settings an entry records, by their API names. Everything else an endpoint has is left
 * out on purpose (see {@link ENDPOINT_FIELDS_NOT_RECORDED}): its secrets, and its header values.
 */
const ENDPOINT_FIELDS = {
  urls: (e) => e.urls,
  description: (e) => e.description,
  eventTypes: (e) => e.eventTypes,
  enabled: (e) => e.enabled,
  disabledReason: (e) => e.disabledReason,
  // Header values are credentials as often as not (`Authorization`, `X-Api-Key`): names only.
  headers: (e) => Object.keys(e.headers),
  timeoutMs: (e) => e.timeoutMs,
  maxConcurrency: (e) => e.maxConcurrency,
  rateLimitPerSecond: (e) => e.rateLimitPerSecond,
  productIds: (e) => e.scope.productIds,
  checkoutIds: (e) => e.scope.checkoutIds,
  upsellIds: (e) => e.scope.upsellIds,
  plugIds: (e) => e.scope.plugIds,
  perOrderLine: (e) => e.perOrderLine,
  includeRecurring: (e) => e.includeRecurring,
  ordered: (e) => e.ordered,
  fields: (e) => e.fields,
  format: (e) => e.format,
  userAgent: (e) => e.userAgent,
  source: (e) => e.source,
} satisfies Record<string, (endpoint: EndpointRecord) => unknown>;

/**
 * The fields of an endpoint record that no entry shows: the secrets (a rotation is its own action,
 * `endpoint.secret_rotated`, without them), the ids and times an entry carries itself, and the scope,
 * shown list by list. With {@link ENDPOINT_FIELDS} it covers every field: a test holds the two to it,
 * so a field added later is recorded or withheld by decision, not by accident.
 */
export const ENDPOINT_FIELDS_NOT_RECORDED = [
  'id',
  'accountId',
  'secret',
  'previousSecret',
  'previousSecretExpiresAt',
  'scope',
  // Its health, which attempts change, not a person (domain/endpoint-health.ts).
  'failingSince',
  'failingWarnedAt',
  'createdAt',
  'updatedAt',
] as const satisfies readonly (keyof EndpointRecord)[];

/** The fields an endpoint entry may name. */
export type RecordedEndpointField = keyof typeof ENDPOINT_FIELDS;

/** An endpoint's settings as an entry records them (`endpoint.created`, `endpoint.deleted`). */
export function endpointSettings(endpoint: EndpointRecord): Record<RecordedEndpointField, unknown> {
  const settings: Partial<Record<RecordedEndpointField, unknown>> = {};
  for (const [field, read] of Object.entries(ENDPOINT_FIELDS) as [RecordedEndpointField, Reader][]) {
    settings[field] = read(endpoint);
  }
  return settings as Record<RecordedEndpointField, unknown>;
}

type Reader = (endpoint: EndpointRecord) => unknown;

/**
 * What a change did to an endpoint: the fields whose value changed, each with its value before and
 * after (header names only). A change of header values alone names `headers` with the same names on
 * both sides. Fields given but left as they were are not named.
 */
export function endpointChanges(
  before: EndpointRecord,
  after: EndpointRecord,
): { fields: string[]; changes: Record<string, { from: unknown; to: unknown }> } {
  const fields: string[] = [];
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  for (const [field, read] of Object.entries(ENDPOINT_FIELDS) as [RecordedEndpointField, Reader][]) {
    const from = read(before);
    const to = read(after);
    const changed = field === 'headers' ? !sameJson(before.headers, after.headers) : !sameJson(from, to);
    if (!changed) continue;
    fields.push(field);
    changes[field] = { from, to };
  }
  return { fields, changes };
}

/** An account's settings as an entry records them, by their API names (`retention` as `30d`). */
function accountSettings(account: AccountRecord): Record<string, unknown> {
  return {
    maxActiveUrls: account.maxActiveUrls,
    maxConcurrency: account.maxConcurrency,
    retention: account.retentionMs === null ? null : formatDurationMs(account.retentionMs),
  };
}

/**
 * What a change did to an account's own settings, as {@link endpointChanges} says it for an endpoint;
 * `null` is the server's default.
 */
export function accountChanges(
  before: AccountRecord,
  after: AccountRecord,
): { fields: string[]; changes: Record<string, { from: unknown; to: unknown }> } {
  const from = accountSettings(before);
  const to = accountSettings(after);
  const fields = Object.keys(from).filter((field) => !sameJson(from[field], to[field]));
  return {
    fields,
    changes: Object.fromEntries(fields.map((field) => [field, { from: from[field], to: to[field] }])),
  };
}

// Records of one store hold their fields in one order, so their JSON texts compare as their values.
function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
