/**
 * The resources of API v1 as the dashboard reads them (the OpenAPI document at `/openapi.json` is
 * the reference; these are the members the screens use).
 */

/** Who the token belongs to (`GET /v1/whoami`). */
export type Whoami =
  | { readonly kind: 'admin' }
  | { readonly kind: 'account'; readonly accountId: string; readonly accountName: string }
  | {
      readonly kind: 'portal';
      readonly accountId: string;
      readonly accountName: string;
      readonly scope: EndpointScope | null;
      readonly locale: 'en' | 'nl';
      readonly expiresAt: string;
    };

/** The product, checkout, upsell and cart ids an endpoint (or a portal session) is limited to. */
export interface EndpointScope {
  readonly productIds: string[];
  readonly checkoutIds: string[];
  readonly upsellIds: string[];
  readonly plugIds: string[];
}

/** An account (merchant). */
export interface Account {
  readonly id: string;
  readonly name: string;
  readonly maxActiveUrls: number;
  /** Distinct enabled URLs now (what `maxActiveUrls` counts). */
  readonly activeUrls?: number;
  /** Its share of each delivery process's attempts in flight (its own, or the server's default). */
  readonly maxConcurrency: number;
  /** How long its events, deliveries and attempts are kept (its own, or the server's default), e.g. `30d`. */
  readonly retention: string;
  readonly createdAt: string;
}

/** An endpoint (webhook), without its secret. */
export interface Endpoint extends EndpointScope {
  readonly id: string;
  readonly url: string;
  readonly urls: string[];
  readonly description: string;
  readonly eventTypes: string[];
  readonly enabled: boolean;
  readonly disabledReason: string | null;
  /** Since when every attempt has failed (ISO); `null` while the last attempt succeeded. */
  readonly failingSince?: string | null;
  readonly headers: Record<string, string>;
  readonly timeoutMs: number | null;
  readonly maxConcurrency: number | null;
  readonly rateLimitPerSecond: number | null;
  readonly perOrderLine: boolean;
  readonly includeRecurring: boolean;
  /** Deliveries of one `orderingKey` are sent one after another, in publish order. */
  readonly ordered: boolean;
  readonly fields: string[];
  readonly format: 'json' | 'form';
  readonly userAgent: string | null;
  readonly source: 'api' | 'rest_hook';
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** An event type of the catalogue. */
export interface EventType {
  readonly name: string;
  readonly description: string;
  readonly schema: JsonSchema;
  readonly example: Record<string, unknown>;
  /** The seed platforms' own names for it (`payment.card.success`); the API stores the type's name instead. */
  readonly aliases: string[];
  readonly origin: 'builtin' | 'registered';
}

/** The parts of a JSON Schema the field picker reads. */
export interface JsonSchema {
  readonly type?: string | string[];
  readonly properties?: Record<string, JsonSchema>;
  readonly items?: JsonSchema;
  readonly description?: string;
  readonly $ref?: string;
  readonly definitions?: Record<string, JsonSchema>;
  readonly $defs?: Record<string, JsonSchema>;
  readonly anyOf?: JsonSchema[];
  readonly oneOf?: JsonSchema[];
  readonly allOf?: JsonSchema[];
}

/** The states of a delivery. */
export type DeliveryStatus = 'pending' | 'sending' | 'succeeded' | 'failed' | 'cancelled';

/** An event as stored. */
export interface EventOut {
  readonly id: string;
  readonly type: string;
  readonly occurredAt: string;
  readonly createdAt: string;
  readonly data?: unknown;
}

/** One delivery of an event to an endpoint URL. */
export interface Delivery {
  readonly id: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly endpointId: string;
  readonly url: string;
  readonly lineId: string | null;
  readonly status: DeliveryStatus;
  readonly attemptCount: number;
  readonly nextAttemptAt: string | null;
  readonly lastAttemptAt: string | null;
  readonly lastStatusCode: number | null;
  readonly lastErrorCode: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** One HTTP request of a delivery. */
export interface Attempt {
  readonly id: string;
  readonly number: number;
  readonly startedAt: string;
  readonly durationMs: number;
  readonly statusCode: number | null;
  readonly errorCode: string | null;
  readonly errorMessage: string | null;
  readonly responseBody: string | null;
  readonly responseBodyTruncated: boolean;
  /** Names in lower case; `null` without a response. */
  readonly responseHeaders: Readonly<Record<string, string>> | null;
  /** As sent, credentials redacted; `null` for attempts logged before the log kept them. */
  readonly requestHeaders: Readonly<Record<string, string>> | null;
  /** As sent, up to the operator's cap; `null` when none is kept. */
  readonly requestBody: string | null;
  readonly requestBodyTruncated: boolean;
  readonly succeeded: boolean;
  readonly [member: string]: unknown;
}

/** A delivery with its attempts (`GET …/deliveries/{id}`). */
export interface DeliveryDetail extends Delivery {
  readonly attempts: Attempt[];
  readonly [member: string]: unknown;
}

/** An API key as listed (the key itself is shown once, when created). */
export interface ApiKey {
  readonly id: string;
  readonly name: string;
  readonly prefix: string;
  readonly createdAt: string;
  readonly lastUsedAt: string | null;
  readonly expiresAt: string | null;
}

/** Attempts per endpoint over a period (`GET …/endpoint-stats`). */
export interface EndpointStats {
  readonly endpointId: string;
  readonly attempts: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly lastAttemptAt: string | null;
}

/** A new account with its API key, shown this once (`POST /v1/accounts`). */
export interface AccountCreated extends Account {
  readonly apiKey: string;
}

/** A new portal session: the link to hand to the merchant's browser, shown this once. */
export interface PortalSessionCreated {
  readonly id: string;
  /** The portal, with the session token in the fragment (`#token=…`). */
  readonly url: string;
  readonly expiresAt: string;
  readonly locale: 'en' | 'nl';
  readonly scope: EndpointScope | null;
}

/**
 * The engine's own figures (`GET /v1/stats`, admin). The counters are cumulative since the process
 * started, so a rate is the difference between two readings; they start again from zero when the
 * process restarts.
 */
export interface EngineStats {
  /** When the figures were read (ISO 8601; epoch milliseconds are read too). */
  readonly at: string | number;
  readonly eventsPublished: number;
  readonly deliveriesCreated: number;
  readonly attemptsSucceeded: number;
  readonly attemptsFailed: number;
  /** Deliveries owed now: waiting for their attempt, and being sent. */
  readonly backlog: { readonly pending: number; readonly sending: number };
  readonly disabledEndpoints: number;
  readonly accounts: number;
}

/** An endpoint's signing secret (`GET …/endpoints/{id}/secret`, and the answer of a rotation). */
export interface EndpointSecret {
  readonly secret: string;
  /** Until when the secret before the last rotation still signs beside it; `null` when none does. */
  readonly previousSecretExpiresAt: string | null;
}

/** A new endpoint, with its secret (shown once). */
export interface EndpointCreated extends Endpoint {
  readonly secret: string;
}

/** The answer of `POST …/endpoints/{id}/test`: the test event and one delivery per URL. */
export interface TestSent {
  readonly eventId: string;
  readonly deliveries: string[];
}

/** The answer of `GET …/endpoint-stats`: attempts per endpoint since `since`. */
export interface EndpointStatsList {
  readonly since: string;
  readonly data: EndpointStats[];
}
