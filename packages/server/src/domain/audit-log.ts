/**
 * The vocabulary of the audit log: who can act (the operator with the admin token, an API key, a
 * portal session), the closed set of actions recorded, and what kinds of thing an action is about.
 * What each entry's details hold is decided in `app/audit-log.ts`.
 */

/** Who made a change: the operator (admin token), one of the account's API keys, or a portal session. */
export const AUDIT_ACTOR_TYPES = ['admin', 'api_key', 'portal_session'] as const;

/** A kind of actor. */
export type AuditActorType = (typeof AUDIT_ACTOR_TYPES)[number];

/**
 * Every action the log records, `<thing>.<what happened>`. Publishing and delivering are not among
 * them: they are the platform's own traffic, logged as events, deliveries and attempts.
 */
export const AUDIT_ACTIONS = [
  'account.created',
  'account.updated',
  'api_key.created',
  'api_key.rolled',
  'api_key.revoked',
  'portal_session.created',
  'endpoint.created',
  'endpoint.updated',
  'endpoint.deleted',
  'endpoint.secret_revealed',
  'endpoint.secret_rotated',
  'deliveries.recovered',
  'delivery.resent',
  'event_type.created',
  // Recorded by the erasure of a customer's personal data, which will have its own route.
  'erasure.created',
] as const;

/** An action of the audit log. */
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** What an action is about: the kind of its target, whose id the entry carries. */
export const AUDIT_TARGET_TYPES = [
  'account',
  'api_key',
  'portal_session',
  'endpoint',
  'delivery',
  'event_type',
  'erasure',
] as const;

/** A kind of target. */
export type AuditTargetType = (typeof AUDIT_TARGET_TYPES)[number];
