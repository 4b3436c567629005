/**
 * The PostgreSQL schema, one migration a step, applied in order and tracked in `hookline_schema`.
 * Never edit a released step: add a new one.
 *
 * Steps 1 and 2 mirror SQLite's (`../sqlite/migrations.ts`) one for one, and steps 5 and 6 mirror
 * SQLite's steps 3 and 4; steps 3 and 4 hold what only a database shared by several processes needs.
 * Where the dialects differ:
 * - instants are `bigint` milliseconds, as in SQLite (not `timestamptz`), so rows map to records
 *   without conversion and cursors stay plain numbers;
 * - `accounts`, `endpoints` and `api_keys` have an explicit `seq` (SQLite pages them by its implicit
 *   `rowid`);
 * - endpoint settings that SQLite keeps as JSON text are `jsonb`; event data, event type schemas and
 *   examples stay `text`, byte for byte as published: the API returns them unchanged and an
 *   idempotent replay compares them exactly (`jsonb` would reorder keys, drop duplicates and reject
 *   the valid JSON escape `\u0000`).
 */
import pg from 'pg';

/** Migration steps; index + 1 is the schema version after the step. */
export const POSTGRES_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE accounts (
    id            text PRIMARY KEY,
    seq           bigserial NOT NULL UNIQUE,  -- list order and cursor position
    name          text NOT NULL,
    api_key_hash  text NOT NULL UNIQUE,
    created_at    bigint NOT NULL
  );

  CREATE TABLE endpoints (
    id                          text PRIMARY KEY,
    seq                         bigserial NOT NULL,  -- list order and cursor position
    account_id                  text NOT NULL,
    urls                        jsonb NOT NULL,  -- array of URLs
    description                 text NOT NULL,
    event_types                 jsonb NOT NULL,  -- array of names and wildcards
    enabled                     boolean NOT NULL,
    disabled_reason             text,
    secret                      text NOT NULL,
    previous_secret             text,
    previous_secret_expires_at  bigint,
    headers                     jsonb NOT NULL,  -- object
    timeout_ms                  integer,
    max_concurrency             integer,
    rate_limit_per_second       integer,
    created_at                  bigint NOT NULL,
    updated_at                  bigint NOT NULL
  );
  CREATE INDEX endpoints_account_seq ON endpoints (account_id, seq);

  -- seq orders the log; (account_id, id) is the idempotency key of publishing.
  CREATE TABLE events (
    seq          bigserial PRIMARY KEY,
    account_id   text NOT NULL,
    id           text NOT NULL,
    type         text NOT NULL,
    data         text NOT NULL,  -- the JSON text as published, stored once for every delivery
    occurred_at  bigint NOT NULL,
    created_at   bigint NOT NULL,
    UNIQUE (account_id, id)
  );
  CREATE INDEX events_account_seq ON events (account_id, seq);

  CREATE TABLE deliveries (
    seq               bigserial PRIMARY KEY,
    id                text NOT NULL UNIQUE,
    account_id        text NOT NULL,
    event_seq         bigint NOT NULL,
    endpoint_id       text NOT NULL,
    url               text NOT NULL,
    status            text NOT NULL
                      CHECK (status IN ('pending', 'sending', 'succeeded', 'failed', 'cancelled')),
    attempt_count     integer NOT NULL DEFAULT 0,
    schedule_start    integer NOT NULL DEFAULT 0,  -- attempt_count when the retry schedule (re)started
    next_attempt_at   bigint,  -- due time while pending, lease expiry while sending
    lease             bigint NOT NULL DEFAULT 0,  -- fencing token, bumped by every claim
    last_attempt_at   bigint,
    last_status_code  integer,
    last_error_code   text,
    created_at        bigint NOT NULL,
    updated_at        bigint NOT NULL
  );
  -- The queue: only live rows are in this index, so it stays as small as the backlog.
  CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE status IN ('pending', 'sending');
  CREATE INDEX deliveries_account_seq ON deliveries (account_id, seq);
  CREATE INDEX deliveries_endpoint_seq ON deliveries (endpoint_id, seq);
  CREATE INDEX deliveries_event ON deliveries (event_seq);

  CREATE TABLE attempts (
    seq                      bigserial PRIMARY KEY,
    id                       text NOT NULL,
    delivery_id              text NOT NULL,
    account_id               text NOT NULL,
    number                   integer NOT NULL,
    started_at               bigint NOT NULL,
    duration_ms              integer NOT NULL,
    status_code              integer,
    error_code               text,
    error_message            text,
    response_body            text,
    response_body_truncated  boolean NOT NULL,
    succeeded                boolean NOT NULL
  );
  CREATE INDEX attempts_delivery ON attempts (delivery_id);
  `,
  `
  -- Commerce options of issue "endpoint options"; the defaults keep existing endpoints as they were.
  ALTER TABLE accounts ADD COLUMN max_active_urls integer;  -- NULL: the server's default
  ALTER TABLE endpoints
    ADD COLUMN scope jsonb NOT NULL DEFAULT '{"productIds":[],"checkoutIds":[],"upsellIds":[],"plugIds":[]}',
    ADD COLUMN per_order_line boolean NOT NULL DEFAULT false,
    ADD COLUMN include_recurring boolean NOT NULL DEFAULT false,
    ADD COLUMN fields jsonb NOT NULL DEFAULT '[]',  -- array of dot paths
    ADD COLUMN format text NOT NULL DEFAULT 'json',
    ADD COLUMN user_agent text,
    ADD COLUMN source text NOT NULL DEFAULT 'api';
  ALTER TABLE deliveries ADD COLUMN line_id text;  -- the order line carried, NULL for the whole event

  CREATE TABLE event_types (
    name         text PRIMARY KEY,
    description  text NOT NULL,
    schema       text NOT NULL,  -- JSON Schema of data, as registered
    example      text NOT NULL,  -- JSON, as registered
    created_at   bigint NOT NULL
  );
  `,
  `
  -- Delivery workers alive, for splitting the endpoints between them (an SQLite file has one process).
  CREATE TABLE workers (
    id           text PRIMARY KEY,
    alive_until  bigint NOT NULL
  );

  -- The share (0 … count-1) an endpoint id falls in: FNV-1a over the id's UTF-16 code units, the same
  -- function as domain/endpoint-partition.ts, so the database and the engine agree on who serves an
  -- endpoint. Arithmetic is modulo 2^32 in bigint (a 32-bit value times the 24-bit prime fits).
  CREATE FUNCTION hookline_partition(endpoint_id text, count integer) RETURNS integer
  LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
  DECLARE
    hash bigint := 2166136261;
    code integer;
  BEGIN
    FOR i IN 1 .. length(endpoint_id) LOOP
      code := ascii(substr(endpoint_id, i, 1));
      IF code > 65535 THEN
        -- Outside the Basic Multilingual Plane: two UTF-16 code units (a surrogate pair).
        hash := ((hash # (55296 + ((code - 65536) >> 10))) * 16777619) & 4294967295;
        hash := ((hash # (56320 + ((code - 65536) & 1023))) * 16777619) & 4294967295;
      ELSE
        hash := ((hash # code) * 16777619) & 4294967295;
      END IF;
    END LOOP;
    RETURN hash % count;
  END;
  $$;
  `,
  `
  -- Claims by one of several workers: instead of hashing every row at claim time (a PL/pgSQL call per
  -- row read, 6–8 µs each), each delivery carries its endpoint's bucket (0 … 63, the same FNV-1a hash
  -- modulo 64), and the due index is ordered by bucket, then due time. A worker reads the head of each
  -- of its buckets: a bounded number of index entries, however large the backlog of other workers.
  ALTER TABLE deliveries ADD COLUMN bucket smallint;
  UPDATE deliveries SET bucket = hookline_partition(endpoint_id, 64);
  ALTER TABLE deliveries ALTER COLUMN bucket SET NOT NULL;
  CREATE INDEX deliveries_due_bucket ON deliveries (bucket, next_attempt_at)
    WHERE status IN ('pending', 'sending');
  DROP INDEX deliveries_due;
  `,
  `
  -- SQLite's step 3: named API keys, several per account, and portal sessions. An account's one key
  -- moves to api_keys as "Default", under an id made from the account's (unique, and of the key kind's
  -- shape); its first characters were never stored, so its prefix says only that it is a key.
  CREATE TABLE api_keys (
    id            text PRIMARY KEY,
    seq           bigserial NOT NULL,  -- list order and cursor position
    account_id    text NOT NULL,
    name          text NOT NULL,
    prefix        text NOT NULL,  -- the key's first 10 characters, to tell keys apart
    key_hash      text NOT NULL UNIQUE,  -- SHA-256 hex; the unique index is the lookup
    created_at    bigint NOT NULL,
    last_used_at  bigint,
    expires_at    bigint  -- set when the key is rolled: it works until then
  );
  CREATE INDEX api_keys_account_seq ON api_keys (account_id, seq);
  INSERT INTO api_keys (id, account_id, name, prefix, key_hash, created_at)
    SELECT 'key_' || substr(id, 5), id, 'Default', 'hk_…', api_key_hash, created_at
    FROM accounts ORDER BY seq;
  ALTER TABLE accounts DROP COLUMN api_key_hash;

  CREATE TABLE portal_sessions (
    id          text PRIMARY KEY,
    account_id  text NOT NULL,
    token_hash  text NOT NULL UNIQUE,  -- SHA-256 hex; the unique index is the lookup
    scope_json  text,  -- JSON object of the endpoint scope, only ever read whole; NULL: the whole account
    locale      text NOT NULL CHECK (locale IN ('en', 'nl')),
    created_at  bigint NOT NULL,
    expires_at  bigint NOT NULL
  );
  CREATE INDEX portal_sessions_account_expiry ON portal_sessions (account_id, expires_at);
  `,
  `
  -- SQLite's step 4: what the dashboard's queries read (see there). The covering index of attempts
  -- carries \`succeeded\` as a payload column.
  ALTER TABLE events ADD COLUMN has_deliveries boolean NOT NULL DEFAULT true;  -- false: it matched no endpoint
  CREATE INDEX events_type_with_deliveries ON events (account_id, type, seq) WHERE has_deliveries;
  CREATE INDEX deliveries_account_ended ON deliveries (account_id, status, seq)
    WHERE status IN ('failed', 'cancelled');
  ALTER TABLE attempts ADD COLUMN endpoint_id text;
  UPDATE attempts a SET endpoint_id = d.endpoint_id FROM deliveries d WHERE d.id = a.delivery_id;
  CREATE INDEX attempts_endpoint_started ON attempts (endpoint_id, started_at) INCLUDE (succeeded);
  `,
  `
  -- SQLite's step 5: what each attempt sent and got back (see there).
  ALTER TABLE attempts ADD COLUMN response_headers text;
  ALTER TABLE attempts ADD COLUMN request_headers text;
  ALTER TABLE attempts ADD COLUMN request_body text;
  ALTER TABLE attempts ADD COLUMN request_body_truncated boolean NOT NULL DEFAULT false;
  `,
  `
  -- SQLite's step 7: an account's own share of each process's attempts in flight.
  ALTER TABLE accounts ADD COLUMN max_concurrency integer;
  `,
  `
  -- SQLite's step 8: the queue by account within each bucket, so a claim takes each account's due
  -- deliveries in turn (postgres-store.ts, claim) and one account's backlog no longer stands before
  -- another's new deliveries in a bucket they share.
  CREATE INDEX deliveries_due_bucket_account ON deliveries (bucket, account_id, next_attempt_at)
    WHERE status IN ('pending', 'sending');
  `,
  `
  -- SQLite's step 9: ordered delivery (domain/ordering.ts).
  ALTER TABLE endpoints ADD COLUMN ordered boolean NOT NULL DEFAULT false;
  ALTER TABLE events ADD COLUMN ordering_key text;
  ALTER TABLE deliveries ADD COLUMN ordering_key text;
  CREATE INDEX deliveries_lane ON deliveries (endpoint_id, ordering_key, url, seq)
    WHERE ordering_key IS NOT NULL AND status IN ('pending', 'sending');
  `,
  `
  -- SQLite's step 10: an account's own retention (app/retention.ts); NULL: HOOKLINE_RETENTION.
  ALTER TABLE accounts ADD COLUMN retention_ms bigint;
  `,
  `
  -- SQLite's step 11: failing endpoints (domain/endpoint-health.ts).
  ALTER TABLE endpoints ADD COLUMN failing_since bigint, ADD COLUMN failing_warned_at bigint;
  `,
  `
  -- SQLite's step 12: erasures of one customer (app/erasures.ts).
  CREATE TABLE erasures (
    seq                   bigserial PRIMARY KEY,
    id                    text NOT NULL UNIQUE,
    account_id            text NOT NULL,
    requested_by          text NOT NULL,
    address               text,
    criteria              jsonb NOT NULL,
    events                integer NOT NULL,
    deliveries_cancelled  integer NOT NULL,
    attempts_cleared      integer NOT NULL,
    event_ids             jsonb NOT NULL,
    created_at            bigint NOT NULL
  );
  CREATE INDEX erasures_account_seq ON erasures (account_id, seq);
  `,
  `
  -- SQLite's step 13: the audit log (see there). details is jsonb, as the endpoint
  -- settings are; it is only ever read back whole.
  CREATE TABLE audit_log (
    seq          bigserial PRIMARY KEY,
    id           text NOT NULL,
    account_id   text,
    created_at   bigint NOT NULL,
    actor_type   text NOT NULL,
    actor_id     text,
    actor_label  text,
    address      text NOT NULL,
    action       text NOT NULL,
    target_type  text NOT NULL,
    target_id    text NOT NULL,
    details      jsonb NOT NULL
  );
  CREATE INDEX audit_log_account_seq ON audit_log (account_id, seq);
  CREATE INDEX audit_log_account_action ON audit_log (account_id, action, seq);
  CREATE INDEX audit_log_action ON audit_log (action, seq);
  CREATE INDEX audit_log_account_created ON audit_log (account_id, created_at);
  `,
  `
  -- Publishing plans deliveries with an account's endpoints as it last read them, and the insert checks
  -- that they did not change since (postgres-store.ts, endpointsToPublishTo): every new row version of
  -- an endpoint takes a new number, so a checksum of (id, version) over the account's endpoints moves
  -- with any insert, update or delete. The numbers come from a sequence, not a per-account counter,
  -- so an endpoint change locks nothing but its own row.
  CREATE SEQUENCE endpoint_versions;
  ALTER TABLE endpoints ADD COLUMN version bigint NOT NULL DEFAULT nextval('endpoint_versions');
  CREATE FUNCTION hookline_endpoint_version() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    NEW.version := nextval('endpoint_versions');
    RETURN NEW;
  END;
  $$;
  CREATE TRIGGER endpoints_version BEFORE UPDATE ON endpoints
    FOR EACH ROW EXECUTE FUNCTION hookline_endpoint_version();
  `,
  `
  -- The queue beside the delivery log (postgres-store.ts, "The queue"): a narrow row for each live
  -- delivery, with its due time, its lease and whether it is being sent. A claim updates the queue
  -- alone, and the log's wide row, with its five indexes, is written only when an attempt ends. The
  -- log keeps a live delivery as 'pending' (it no longer says 'sending'), the due time of its lane
  -- (NULL: waiting behind its lane) and the last lease that ended an attempt, so that a result that
  -- comes after its delivery left the queue (cancelled meanwhile) is still fenced.
  CREATE TABLE queue (
    seq         bigint PRIMARY KEY,  -- the delivery's
    bucket      smallint NOT NULL,
    account_id  text NOT NULL,
    due_at      bigint,  -- due time while waiting, lease expiry while sending; NULL: behind its lane
    lease       bigint NOT NULL,  -- fencing token, bumped by every claim
    sending     boolean NOT NULL DEFAULT false
  ) WITH (fillfactor = 70);
  INSERT INTO queue (seq, bucket, account_id, due_at, lease, sending)
    SELECT seq, bucket, account_id, next_attempt_at, lease, status = 'sending' FROM deliveries
    WHERE status IN ('pending', 'sending');
  UPDATE deliveries SET status = 'pending' WHERE status = 'sending';
  CREATE INDEX queue_due ON queue (bucket, account_id, due_at);
  DROP INDEX deliveries_due_bucket;
  DROP INDEX deliveries_due_bucket_account;
  -- A process of an earlier version would claim from the log and publish without queueing: both now
  -- fail (docs/scaling.md, "Deploying"), its claims by the constraint, its publishes because they
  -- leave out the lease, which has no default any more. A refused publish is sent again by its client.
  -- NOT VALID: the update above left no row to check, and a log of many millions is not read again
  -- under the table's lock; every row written from now on is checked.
  ALTER TABLE deliveries ADD CONSTRAINT deliveries_not_sending CHECK (status <> 'sending') NOT VALID;
  ALTER TABLE deliveries ALTER COLUMN lease DROP DEFAULT;
  `,
];

// The advisory lock every migrating process takes: the ASCII bytes of "hookline" as a bigint
// (0x686f6f6b6c696e65), unlikely to collide with another application's lock in a shared database.
const MIGRATION_LOCK = '7525356009530420837';

/**
 * Brings the schema up to date through `client`: every missing step in one transaction, under a
 * transaction-scoped advisory lock, so processes that start at once wait for the first one and then
 * find nothing left to apply. A database newer than this Hookline is refused.
 *
 * @returns the schema version before the call.
 */
export async function applyPostgresMigrations(client: pg.ClientBase, nowMs: number): Promise<number> {
  await client.query('BEGIN');
  try {
    await client.query(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`);
    // Created under the lock: two processes racing on IF NOT EXISTS could otherwise both try to create it.
    await client.query(
      'CREATE TABLE IF NOT EXISTS hookline_schema (version integer PRIMARY KEY, applied_at bigint NOT NULL)',
    );
    const { rows } = await client.query<{ version: number | null }>(
      'SELECT max(version) AS version FROM hookline_schema',
    );
    const version = rows[0]?.version ?? 0;
    if (version > POSTGRES_MIGRATIONS.length) {
      throw new Error(
        `the database schema (version ${version}) is newer than this Hookline (version ${POSTGRES_MIGRATIONS.length})`,
      );
    }
    for (let step = version; step < POSTGRES_MIGRATIONS.length; step++) {
      await client.query(POSTGRES_MIGRATIONS[step] as string);
      await client.query('INSERT INTO hookline_schema (version, applied_at) VALUES ($1, $2)', [
        step + 1,
        nowMs,
      ]);
    }
    await client.query('COMMIT');
    return version;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/**
 * Migrates the database at `url` and disconnects: what `hookline migrate` runs before a rolling
 * deployment, so no serving process has to.
 *
 * @returns the schema versions before and after.
 */
export async function migratePostgres(url: string): Promise<{ from: number; to: number }> {
  const client = new pg.Client({ connectionString: url, application_name: 'hookline migrate' });
  // A server that drops the connection mid-migration must fail this call, not crash the process.
  client.on('error', () => undefined);
  await client.connect();
  try {
    const from = await applyPostgresMigrations(client, Date.now());
    return { from, to: POSTGRES_MIGRATIONS.length };
  } finally {
    await client.end();
  }
}
