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
  `
  -- Named API keys, several per account, and portal sessions. An account's one key moves to api_keys
  -- as "Default", under an id made from the account's (unique, and of the key kind's shape); its
  -- first characters were never stored, so its prefix says only that it is a key.
  CREATE TABLE api_keys (
    id            TEXT PRIMARY KEY,
    account_id    TEXT NOT NULL,
    name          TEXT NOT NULL,
    prefix        TEXT NOT NULL,  -- the key's first 10 characters, to tell keys apart
    key_hash      TEXT NOT NULL UNIQUE,  -- SHA-256 hex; the unique index is the lookup
    created_at    INTEGER NOT NULL,
    last_used_at  INTEGER,
    expires_at    INTEGER  -- set when the key is rolled: it works until then
  );
  CREATE INDEX api_keys_account ON api_keys (account_id);
  INSERT INTO api_keys (id, account_id, name, prefix, key_hash, created_at)
    SELECT 'key_' || substr(id, 5), id, 'Default', 'hk_…', api_key_hash, created_at
    FROM accounts ORDER BY rowid;

  -- SQLite cannot drop a UNIQUE column: the table is rebuilt without it. The rowids are kept, since
  -- they are the list order and the cursors' positions.
  CREATE TABLE accounts_rebuilt (
    id               TEXT PRIMARY KEY,
    name             TEXT NOT NULL,
    created_at       INTEGER NOT NULL,
    max_active_urls  INTEGER  -- NULL: the server's default
  );
  INSERT INTO accounts_rebuilt (rowid, id, name, created_at, max_active_urls)
    SELECT rowid, id, name, created_at, max_active_urls FROM accounts;
  DROP TABLE accounts;
  ALTER TABLE accounts_rebuilt RENAME TO accounts;

  CREATE TABLE portal_sessions (
    id          TEXT PRIMARY KEY,
    account_id  TEXT NOT NULL,
    token_hash  TEXT NOT NULL UNIQUE,  -- SHA-256 hex; the unique index is the lookup
    scope_json  TEXT,  -- JSON object of the endpoint scope; NULL: the whole account
    locale      TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL
  );
  CREATE INDEX portal_sessions_account_expiry ON portal_sessions (account_id, expires_at);
  `,
  `
  -- What the dashboard's queries read. Measured on 1,000,000 deliveries of one account (first page of
  -- 50, p50, warm cache); write costs with the store's own statements, as WAL bytes (what a commit
  -- writes and fsyncs).
  --
  -- Deliveries of one event type are read through the events of that type. Without this index, a type
  -- of 0.05 % of the deliveries took 80 ms and a type with no delivery 995 ms (the whole log, as did the
  -- last page of any rare type); with it, 0.8 and 0.3 ms. Only events that created deliveries are in
  -- it, so a publish that matched no endpoint writes nothing to it; one that did writes 0.7 KB more WAL
  -- per event with one type per transaction, 3.8 KB with ten types in 20-event transactions (each
  -- type's newest index page is written). Events stored before this step count as having deliveries:
  -- reading one that has none costs a lookup, leaving out one that has would lose its deliveries.
  ALTER TABLE events ADD COLUMN has_deliveries INTEGER NOT NULL DEFAULT 1;  -- 0: it matched no endpoint
  CREATE INDEX events_type_with_deliveries ON events (account_id, type, seq) WHERE has_deliveries = 1;

  -- Failed or cancelled deliveries. Without this index, "failed" took 88 ms with 0.05 % failed and
  -- 560 ms when none had (the whole log); with it, 0.8 ms. Partial: only a delivery that ends failed or
  -- cancelled is written to it, never one on the hot path (pending, sending, succeeded): 73 bytes more
  -- WAL per delivery with 3 % failing.
  CREATE INDEX deliveries_account_ended ON deliveries (account_id, status, seq)
    WHERE status IN ('failed', 'cancelled');

  -- Attempts per endpoint since a time (the webhook list). Attempts now carry their endpoint, and the
  -- index holds every column the count reads. Without it (the period's attempts found by bisecting
  -- their seq, every row read), the last 24 hours took 21 ms and 7 days 290 ms, growing with every
  -- account's attempts in the period; with it, 6 and 45 ms, growing with the account's own. It writes
  -- 0.8 KB more WAL per attempt with ten endpoints per group of 100 results (about 10 % of all a
  -- delivery writes); the CPU time it adds was within the noise. Attempts logged before this step get
  -- their endpoint from their delivery.
  ALTER TABLE attempts ADD COLUMN endpoint_id TEXT;
  UPDATE attempts SET endpoint_id = (SELECT endpoint_id FROM deliveries WHERE deliveries.id = attempts.delivery_id);
  CREATE INDEX attempts_endpoint_started ON attempts (endpoint_id, started_at, succeeded);
  `,
  `
  -- What each attempt sent and got back, for the attempt log: the request headers (credentials
  -- redacted) and body as sent, the response headers as received (see domain/attempt-record.ts).
  -- Attempts logged before this step have none of them (NULL).
  ALTER TABLE attempts ADD COLUMN response_headers TEXT;
  ALTER TABLE attempts ADD COLUMN request_headers TEXT;
  ALTER TABLE attempts ADD COLUMN request_body TEXT;
  ALTER TABLE attempts ADD COLUMN request_body_truncated INTEGER NOT NULL DEFAULT 0;
  `,
  `
  -- The queue's index carries each live row's state, so the backlog by state (the operator's overview,
  -- /metrics) is counted from the index alone: for a backlog of 1,000,000, 0.09 s instead of 0.64 s
  -- through the table, with the process blocked meanwhile (SQLite runs on the main thread). A claim
  -- changes both columns of a row at once, so the index is written no more often than before.
  CREATE INDEX deliveries_due_state ON deliveries (next_attempt_at, status) WHERE status IN ('pending', 'sending');
  DROP INDEX deliveries_due;
  `,
  `
  -- An account's own share of each process's attempts in flight; NULL: HOOKLINE_ACCOUNT_CONCURRENCY.
  ALTER TABLE accounts ADD COLUMN max_concurrency INTEGER;
  `,
  `
  -- The queue by account, so a claim takes each account's due deliveries in turn (sqlite-store.ts,
  -- claimDue): one account's backlog no longer stands before another's new deliveries. A claim finds
  -- the accounts with work by one seek each and reads only what it takes.
  CREATE INDEX deliveries_account_due ON deliveries (account_id, next_attempt_at) WHERE status IN ('pending', 'sending');
  `,
  `
  -- Ordered delivery (domain/ordering.ts): an endpoint may keep the events of one ordering key in
  -- publish order. The event keeps its key; a delivery to an ordered endpoint carries it, and the live
  -- ones of a lane (endpoint, URL, key) are found by this index: is the lane busy, which waits first.
  ALTER TABLE endpoints ADD COLUMN ordered INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE events ADD COLUMN ordering_key TEXT;
  ALTER TABLE deliveries ADD COLUMN ordering_key TEXT;
  CREATE INDEX deliveries_lane ON deliveries (endpoint_id, ordering_key, url, seq)
    WHERE ordering_key IS NOT NULL AND status IN ('pending', 'sending');
  `,
  `
  -- Retention (app/retention.ts): an account's own, in milliseconds; NULL: HOOKLINE_RETENTION.
  ALTER TABLE accounts ADD COLUMN retention_ms INTEGER;
  `,
  `
  -- Failing endpoints (domain/endpoint-health.ts): since when every attempt has failed, and when the
  -- merchant was warned of it.
  ALTER TABLE endpoints ADD COLUMN failing_since INTEGER;
  ALTER TABLE endpoints ADD COLUMN failing_warned_at INTEGER;
  `,
  `
  -- Erasures of one customer (app/erasures.ts): who asked, when, what matched; never the data.
  CREATE TABLE erasures (
    seq                   INTEGER PRIMARY KEY,
    id                    TEXT NOT NULL UNIQUE,
    account_id            TEXT NOT NULL,
    requested_by          TEXT NOT NULL,
    address               TEXT,
    criteria              TEXT NOT NULL,  -- JSON array of the criteria given, not their values
    events                INTEGER NOT NULL,
    deliveries_cancelled  INTEGER NOT NULL,
    attempts_cleared      INTEGER NOT NULL,
    event_ids             TEXT NOT NULL,  -- JSON array
    created_at            INTEGER NOT NULL
  );
  CREATE INDEX erasures_account_seq ON erasures (account_id, seq);
  `,
  `
  -- The audit log (app/audit-log.ts): who changed what, when and from which address. Rows are only
  -- inserted, each in the transaction of the change it records, and deleted by retention (oldest
  -- first, by audit_log_account_created). account_id is NULL for the operator's actions that concern
  -- no account. The list reads the account's entries newest first (audit_log_account_seq), or those of
  -- one action (audit_log_account_action; audit_log_action across accounts); a time range is a range
  -- of seq, as in the other logs. No index serves publishing or delivery, which write no entry.
  CREATE TABLE audit_log (
    seq          INTEGER PRIMARY KEY,
    id           TEXT NOT NULL,
    account_id   TEXT,
    created_at   INTEGER NOT NULL,
    actor_type   TEXT NOT NULL,  -- admin, api_key or portal_session
    actor_id     TEXT,  -- the API key's or portal session's id; NULL for the admin
    actor_label  TEXT,
    address      TEXT NOT NULL,
    action       TEXT NOT NULL,
    target_type  TEXT NOT NULL,
    target_id    TEXT NOT NULL,
    details      TEXT NOT NULL  -- JSON object, never a secret
  );
  CREATE INDEX audit_log_account_seq ON audit_log (account_id, seq);
  CREATE INDEX audit_log_account_action ON audit_log (account_id, action, seq);
  CREATE INDEX audit_log_action ON audit_log (action, seq);
  CREATE INDEX audit_log_account_created ON audit_log (account_id, created_at);
  `,
];
