/**
 * The SQLite schema, one migration a step, applied in order and tracked by `PRAGMA user_version`.
 * Never edit a released step: add a new one.
 */

/** Migration steps; index + 1 is the schema version after the step. */
export const SQLITE_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE accounts (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    api_key_hash  TEXT NOT NULL UNIQUE,
    created_at    INTEGER NOT NULL
  );

  CREATE TABLE endpoints (
    id                          TEXT PRIMARY KEY,
    account_id                  TEXT NOT NULL,
    urls                        TEXT NOT NULL,  -- JSON array
    description                 TEXT NOT NULL,
    event_types                 TEXT NOT NULL,  -- JSON array
    enabled                     INTEGER NOT NULL,
    disabled_reason             TEXT,
    secret                      TEXT NOT NULL,
    previous_secret             TEXT,
    previous_secret_expires_at  INTEGER,
    headers                     TEXT NOT NULL,  -- JSON object
    timeout_ms                  INTEGER,
    max_concurrency             INTEGER,
    rate_limit_per_second       INTEGER,
    created_at                  INTEGER NOT NULL,
    updated_at                  INTEGER NOT NULL
  );
  CREATE INDEX endpoints_account ON endpoints (account_id);

  -- seq orders the log; (account_id, id) is the idempotency key of publishing.
  CREATE TABLE events (
    seq          INTEGER PRIMARY KEY,
    account_id   TEXT NOT NULL,
    id           TEXT NOT NULL,
    type         TEXT NOT NULL,
    data         TEXT NOT NULL,  -- the JSON text as published, stored once for every delivery
    occurred_at  INTEGER NOT NULL,
    created_at   INTEGER NOT NULL,
    UNIQUE (account_id, id)
  );
  CREATE INDEX events_account_seq ON events (account_id, seq);

  CREATE TABLE deliveries (
    seq              INTEGER PRIMARY KEY,
    id               TEXT NOT NULL UNIQUE,
    account_id       TEXT NOT NULL,
    event_seq        INTEGER NOT NULL,
    endpoint_id      TEXT NOT NULL,
    url              TEXT NOT NULL,
    status           TEXT NOT NULL,
    attempt_count    INTEGER NOT NULL DEFAULT 0,
    schedule_start   INTEGER NOT NULL DEFAULT 0,  -- attempt_count when the retry schedule (re)started
    next_attempt_at  INTEGER,  -- due time while pending, lease expiry while sending
    lease            INTEGER NOT NULL DEFAULT 0,  -- fencing token, bumped by every claim
    last_attempt_at  INTEGER,
    last_status_code INTEGER,
    last_error_code  TEXT,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
  );
  -- The queue: only live rows are in this index, so it stays as small as the backlog.
  CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE status IN ('pending', 'sending');
  CREATE INDEX deliveries_account_seq ON deliveries (account_id, seq);
  CREATE INDEX deliveries_endpoint_seq ON deliveries (endpoint_id, seq);
  CREATE INDEX deliveries_event ON deliveries (event_seq);

  CREATE TABLE attempts (
    seq                      INTEGER PRIMARY KEY,
    id                       TEXT NOT NULL,
    delivery_id              TEXT NOT NULL,
    account_id               TEXT NOT NULL,
    number                   INTEGER NOT NULL,
    started_at               INTEGER NOT NULL,
    duration_ms              INTEGER NOT NULL,
    status_code              INTEGER,
    error_code               TEXT,
    error_message            TEXT,
    response_body            TEXT,
    response_body_truncated  INTEGER NOT NULL,
    succeeded                INTEGER NOT NULL
  );
  CREATE INDEX attempts_delivery ON attempts (delivery_id);
  `,
  `
  -- Commerce options of issue "endpoint options"; the defaults keep existing endpoints as they were.
  ALTER TABLE accounts ADD COLUMN max_active_urls INTEGER;  -- NULL: the server's default
  ALTER TABLE endpoints ADD COLUMN scope TEXT NOT NULL
    DEFAULT '{"productIds":[],"checkoutIds":[],"upsellIds":[],"plugIds":[]}';  -- JSON object
  ALTER TABLE endpoints ADD COLUMN per_order_line INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE endpoints ADD COLUMN include_recurring INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE endpoints ADD COLUMN fields TEXT NOT NULL DEFAULT '[]';  -- JSON array of dot paths
  ALTER TABLE endpoints ADD COLUMN format TEXT NOT NULL DEFAULT 'json';
  ALTER TABLE endpoints ADD COLUMN user_agent TEXT;
  ALTER TABLE endpoints ADD COLUMN source TEXT NOT NULL DEFAULT 'api';
  ALTER TABLE deliveries ADD COLUMN line_id TEXT;  -- the order line carried, NULL for the whole event

  CREATE TABLE event_types (
    name         TEXT PRIMARY KEY,
    description  TEXT NOT NULL,
    schema       TEXT NOT NULL,  -- JSON Schema of data
    example      TEXT NOT NULL,  -- JSON
    created_at   INTEGER NOT NULL
  );
  `,
];
