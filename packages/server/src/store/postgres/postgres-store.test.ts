// What PostgreSQL adds to the store contract: migrations racing, several processes (store instances)
// sharing one database, group commit in one transaction, NOTIFY on commit, a database restart, and a
// clean close. A real PostgreSQL server for the file, one database per test.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { after, afterEach, before, describe, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { postgresSkip, startPostgres, type TestPostgres } from '../../../test/support/postgres.ts';
import { hashToken } from '../../app/credentials.ts';
import { endpointBucket, endpointHash } from '../../domain/endpoint-partition.ts';
import { formatId, type IdKind } from '../../domain/ids.ts';
import { apiKeyRecord, endpointRecord } from '../store.contract.ts';
import {
  ActiveUrlLimitError,
  type AttemptResult,
  type ClaimedDelivery,
  IdempotencyConflictError,
  type NewEvent,
  type PublishBasis,
  StaleEndpointsError,
} from '../store.ts';
import { POSTGRES_MIGRATIONS } from './migrations.ts';
import {
  decodeDueBuckets,
  encodeDueBuckets,
  migratePostgres,
  PostgresStore,
  type PostgresStoreOptions,
} from './postgres-store.ts';

const T0 = Date.parse('2025-03-01T12:00:00.000Z');
const LEASE_MS = 30_000;
const ACCOUNT = 'acc_01JNB0000000000000000000000';
const NO_LIMIT = { maxActiveUrls: Number.POSITIVE_INFINITY };
const DATA = '{"order":{"id":"ord_1","total":"9.95"}}';

const newId = (kind: IdKind) => formatId(kind, T0, randomBytes(10));

const endpoint = endpointRecord;

function newEvent(
  endpointIds: readonly string[],
  options: { id?: string; dataJson?: string; dueAt?: number } = {},
): NewEvent {
  return {
    event: {
      id: options.id ?? newId('event'),
      accountId: ACCOUNT,
      type: 'shop.order.paid',
      dataJson: options.dataJson ?? DATA,
      occurredAt: T0 - 1_000,
      createdAt: T0,
      orderingKey: null,
    },
    deliveries: endpointIds.map((endpointId) => ({
      id: newId('delivery'),
      endpointId,
      url: `https://example.com/${endpointId}`,
      lineId: null,
      nextAttemptAt: options.dueAt ?? T0,
      orderingKey: null,
    })),
  };
}

function result(
  claim: ClaimedDelivery,
  statusCode: number,
  changes: Partial<AttemptResult> = {},
  body = String(statusCode),
): AttemptResult {
  const succeeded = statusCode < 300;
  const gone = statusCode === 410;
  return {
    claim,
    status: succeeded ? 'succeeded' : gone ? 'cancelled' : 'pending',
    nextAttemptAt: succeeded || gone ? null : T0 + 5_000,
    disableEndpoint: gone,
    attempt: {
      id: newId('attempt'),
      deliveryId: claim.id,
      accountId: claim.accountId,
      number: claim.attemptCount + 1,
      startedAt: T0 + 10,
      durationMs: 12,
      statusCode,
      errorCode: null,
      errorMessage: null,
      responseBody: body,
      responseBodyTruncated: false,
      responseHeadersJson: '{}',
      requestHeadersJson: '{}',
      requestBody: body,
      requestBodyTruncated: false,
      succeeded,
    },
    ...changes,
  };
}

/** Waits until `condition` holds, polling every 5 ms. */
async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(5);
  }
}

let pgsrv: TestPostgres;
/** Stores of the running test, closed after it whatever its outcome: an open one keeps the process alive. */
const opened: PostgresStore[] = [];

// Without PostgreSQL on the machine (and outside CI) every group is skipped, with the reason.
const skip = postgresSkip();

if (!skip) {
  before(async () => {
    pgsrv = await startPostgres();
  });

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close()));
  });

  after(() => {
    pgsrv.stop();
  });
}

async function connect(options: PostgresStoreOptions): Promise<PostgresStore> {
  const store = await PostgresStore.connect(options);
  opened.push(store);
  return store;
}

/**
 * Counts the `hookline_due` notifications that `action` commits, on a plain LISTEN connection of its
 * own. Notifications arrive in commit order, so once a marker committed after `action` is heard,
 * every notification of `action` has been heard too.
 */
async function notificationsOf(url: string, action: () => Promise<unknown>): Promise<number> {
  return withClient(url, async (listener) => {
    const payloads: string[] = [];
    listener.on('notification', (message) => payloads.push(message.payload ?? ''));
    await listener.query('LISTEN hookline_due');
    await action();
    await withClient(url, (marker) => marker.query(`SELECT pg_notify('hookline_due', 'marker')`));
    await until(() => payloads.includes('marker'), 'the marker notification');
    return payloads.indexOf('marker');
  });
}

/** A fresh database with a store on it, holding the account and the given endpoints. */
async function freshStore(
  endpointIds: readonly string[] = ['ep_a'],
): Promise<{ url: string; store: PostgresStore }> {
  const url = await pgsrv.createDatabase();
  const store = await connect({ url });
  await store.createAccount(
    {
      id: ACCOUNT,
      name: 'Shop',
      maxActiveUrls: null,
      maxConcurrency: null,
      retentionMs: null,
      createdAt: T0,
    },
    apiKeyRecord('key_default'),
    'hash-of-key',
  );
  for (const id of endpointIds) await store.createEndpoint(endpoint(id), NO_LIMIT);
  return { url, store };
}

/** Runs `work` with a plain client on `url`. */
async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

describe('migrations', { skip }, () => {
  test('apply every step once; a second run finds nothing to do', async () => {
    const url = await pgsrv.createDatabase();
    assert.deepEqual(await migratePostgres(url), { from: 0, to: POSTGRES_MIGRATIONS.length });
    assert.deepEqual(await migratePostgres(url), {
      from: POSTGRES_MIGRATIONS.length,
      to: POSTGRES_MIGRATIONS.length,
    });
    const store = await connect({ url });
    await store.ping();
    await store.close();
    const versions = await withClient(
      url,
      async (c) => (await c.query('SELECT version FROM hookline_schema')).rows,
    );
    assert.deepEqual(
      versions.map((r) => r.version),
      POSTGRES_MIGRATIONS.map((_, i) => i + 1),
    );
  });

  test('three processes starting at once apply each step exactly once', async () => {
    const url = await pgsrv.createDatabase();
    const stores = await Promise.all([1, 2, 3].map(() => connect({ url, poolSize: 2 })));
    await Promise.all(stores.map((store) => store.close()));
    const rows = await withClient(
      url,
      async (c) =>
        (await c.query('SELECT version, count(*)::int AS n FROM hookline_schema GROUP BY version')).rows,
    );
    assert.equal(rows.length, POSTGRES_MIGRATIONS.length);
    assert.ok(rows.every((row) => row.n === 1));
  });

  test('a database migrated by a newer Hookline is refused', async () => {
    const url = await pgsrv.createDatabase();
    await migratePostgres(url);
    await withClient(url, (c) => c.query('INSERT INTO hookline_schema VALUES (999, 0)'));
    await assert.rejects(PostgresStore.connect({ url }), /newer than this Hookline/);
  });

  test('step 5: each account keeps its key, now named Default, and no key hash is left on accounts', async () => {
    const url = await pgsrv.createDatabase();
    const shopKey = 'hk_shopKey0000000000000000000000000000000000';
    await withClient(url, async (c) => {
      // The database as the Hookline of schema version 4 left it.
      await c.query('CREATE TABLE hookline_schema (version integer PRIMARY KEY, applied_at bigint NOT NULL)');
      for (const [index, step] of POSTGRES_MIGRATIONS.slice(0, 4).entries()) {
        await c.query(step);
        await c.query('INSERT INTO hookline_schema VALUES ($1, 0)', [index + 1]);
      }
      await c.query('INSERT INTO accounts (id, name, api_key_hash, created_at) VALUES ($1, $2, $3, $4)', [
        ACCOUNT,
        'Shop',
        hashToken(shopKey),
        T0,
      ]);
    });
    const store = await connect({ url });
    assert.deepEqual(await store.findApiKeyByHash(hashToken(shopKey)), {
      id: 'key_01JNB0000000000000000000000',
      accountId: ACCOUNT,
      name: 'Default',
      prefix: 'hk_…',
      createdAt: T0,
      lastUsedAt: null,
      expiresAt: null,
    });
    assert.deepEqual(await store.getAccount(ACCOUNT), {
      id: ACCOUNT,
      name: 'Shop',
      maxActiveUrls: null,
      maxConcurrency: null,
      retentionMs: null,
      createdAt: T0,
    });
    const columns = await withClient(url, async (c) => {
      const sql = `SELECT column_name FROM information_schema.columns WHERE table_name = 'accounts'`;
      return (await c.query(sql)).rows;
    });
    assert.equal(
      columns.some((row) => row.column_name === 'api_key_hash'),
      false,
    );
  });

  test('step 16: live deliveries move to the queue as they were; a claim or publish of an earlier version fails', async () => {
    const url = await pgsrv.createDatabase();
    await withClient(url, async (c) => {
      // The database as the Hookline of schema version 15 left it: one delivery in each state.
      await c.query('CREATE TABLE hookline_schema (version integer PRIMARY KEY, applied_at bigint NOT NULL)');
      for (const [index, step] of POSTGRES_MIGRATIONS.slice(0, 15).entries()) {
        await c.query(step);
        await c.query('INSERT INTO hookline_schema VALUES ($1, 0)', [index + 1]);
      }
      await c.query(`INSERT INTO accounts (id, name, created_at) VALUES ($1, 'Shop', $2)`, [ACCOUNT, T0]);
      await c.query(
        `INSERT INTO events (account_id, id, type, data, occurred_at, created_at) VALUES ($1, 'evt_1', 't', '{}', $2, $2)`,
        [ACCOUNT, T0],
      );
      const rows: [string, string, number | null, number][] = [
        ['dlv_pending', 'pending', T0 + 5, 0],
        ['dlv_sending', 'sending', T0 + LEASE_MS, 3],
        ['dlv_waiting', 'pending', null, 0],
        ['dlv_done', 'succeeded', null, 1],
      ];
      for (const [id, status, due, lease] of rows) {
        await c.query(
          `INSERT INTO deliveries (id, account_id, event_seq, endpoint_id, url, status, next_attempt_at, lease,
             created_at, updated_at, bucket)
           SELECT $1, $2, seq, 'ep_a', 'https://example.com/a', $3, $4, $5, $6, $6, 7 FROM events`,
          [id, ACCOUNT, status, due, lease, T0],
        );
      }
    });
    await migratePostgres(url);
    await withClient(url, async (c) => {
      const queued = await c.query(
        `SELECT d.id, d.status, q.due_at::float8, q.lease::int, q.sending, q.bucket, q.account_id
         FROM queue q JOIN deliveries d ON d.seq = q.seq ORDER BY d.id`,
      );
      assert.deepEqual(queued.rows, [
        {
          id: 'dlv_pending',
          status: 'pending',
          due_at: T0 + 5,
          lease: 0,
          sending: false,
          bucket: 7,
          account_id: ACCOUNT,
        },
        {
          id: 'dlv_sending',
          status: 'pending',
          due_at: T0 + LEASE_MS,
          lease: 3,
          sending: true,
          bucket: 7,
          account_id: ACCOUNT,
        },
        {
          id: 'dlv_waiting',
          status: 'pending',
          due_at: null,
          lease: 0,
          sending: false,
          bucket: 7,
          account_id: ACCOUNT,
        },
      ]);
      // What a process of schema version 15 would run to claim, and to publish: refused, rather than
      // sent twice, or stored where no worker looks.
      await assert.rejects(
        c.query(`UPDATE deliveries SET status = 'sending', lease = lease + 1 WHERE id = 'dlv_pending'`),
        /deliveries_not_sending/,
      );
      await assert.rejects(
        c.query(
          `INSERT INTO deliveries (id, account_id, event_seq, endpoint_id, url, status, next_attempt_at,
             created_at, updated_at, bucket)
           SELECT 'dlv_old', $1, seq, 'ep_a', 'https://example.com/a', 'pending', $2, $2, $2, 7 FROM events`,
          [ACCOUNT, T0],
        ),
        /null value in column "lease"/,
      );
    });
    const store = await connect({ url });
    const sending = await store.getDelivery(ACCOUNT, 'dlv_sending');
    assert.equal(sending?.status, 'sending');
    assert.equal(sending?.nextAttemptAt, T0 + LEASE_MS);
    // Its lease runs out: claimed again, with the next token.
    const claims = await store.claimDue({ nowMs: T0 + LEASE_MS, limit: 10, leaseMs: LEASE_MS });
    assert.deepEqual(
      claims.map((c) => [c.id, c.lease]),
      [
        ['dlv_pending', 1],
        ['dlv_sending', 4],
      ],
    );
  });

  test('the hash function in SQL is the engine’s (it fills the bucket of old rows)', async () => {
    const url = await pgsrv.createDatabase();
    await migratePostgres(url);
    const ids = ['', 'ep_01JNB0000000000000000000000', 'ep_x', 'ünïcödé', 'ep_😀_end', newId('endpoint')];
    for (let i = 0; i < 50; i++) ids.push(newId('endpoint'));
    await withClient(url, async (c) => {
      for (const count of [1, 3, 7, 1_000]) {
        const { rows } = await c.query(
          'SELECT id, hookline_partition(id, $2) AS p FROM unnest($1::text[]) AS id',
          [ids, count],
        );
        for (const row of rows) assert.equal(row.p, endpointHash(row.id) % count, `${row.id} of ${count}`);
      }
    });
  });
});

describe('publishing', { skip }, () => {
  test('event data is kept byte for byte, and a replay is compared byte for byte', async () => {
    const { store } = await freshStore();
    // Spaces, key order, a duplicate key and the \u0000 escape: all of it valid JSON that jsonb would change.
    const dataJson = '{ "b": 1,\n  "a": "é\\u0000", "a": 2 }';
    const id = 'evt_bytes';
    const [first] = await store.insertEvents(ACCOUNT, [newEvent(['ep_a'], { id, dataJson })]);
    assert.equal(first?.inserted, true);
    assert.equal((await store.getEvent(ACCOUNT, id))?.dataJson, dataJson);
    const [claimed] = await store.claimDue({ nowMs: T0, limit: 10, leaseMs: LEASE_MS });
    assert.equal(claimed?.dataJson, dataJson);

    const [replay] = await store.insertEvents(ACCOUNT, [newEvent(['ep_a'], { id, dataJson })]);
    assert.equal(replay?.inserted, false);
    assert.deepEqual(replay?.deliveryIds, first?.deliveryIds);
    await assert.rejects(
      store.insertEvents(ACCOUNT, [newEvent(['ep_a'], { id, dataJson: '{"b":1,"a":2}' })]),
      IdempotencyConflictError,
    );
  });

  test('an id repeated within one call is written once; a changed repeat rolls the call back', async () => {
    const { store } = await freshStore(['ep_a', 'ep_b']);
    const once = newEvent(['ep_a', 'ep_b'], { id: 'evt_twice' });
    const results = await store.insertEvents(ACCOUNT, [once, { ...once, deliveries: [] }]);
    assert.deepEqual(
      results.map((r) => r.inserted),
      [true, false],
    );
    assert.deepEqual(results[1]?.deliveryIds, results[0]?.deliveryIds);
    assert.equal(results[1]?.event.dataJson, DATA);

    const fresh = newEvent(['ep_a'], { id: 'evt_fresh' });
    await assert.rejects(
      store.insertEvents(ACCOUNT, [
        fresh,
        newEvent(['ep_a'], { id: 'evt_other' }),
        newEvent(['ep_a'], { id: 'evt_fresh', dataJson: '{}' }),
      ]),
      (error: unknown) => error instanceof IdempotencyConflictError && error.index === 2,
    );
    assert.equal(await store.getEvent(ACCOUNT, 'evt_fresh'), undefined);
    assert.equal(await store.getEvent(ACCOUNT, 'evt_other'), undefined);
    assert.equal((await store.listDeliveries(ACCOUNT, { limit: 10 }, {})).items.length, 2);
  });

  test('publishes of one tick share a transaction; a conflict rolls back only its own call', async () => {
    const { url, store } = await freshStore();
    await store.insertEvents(ACCOUNT, [newEvent(['ep_a'], { id: 'evt_taken' })]);
    let settled: PromiseSettledResult<unknown>[] = [];
    // One NOTIFY per transaction: four publishes with deliveries in one transaction notify once.
    const notifications = await notificationsOf(url, async () => {
      const calls = [0, 1, 2, 3, 4].map((i) =>
        store.insertEvents(ACCOUNT, [
          i === 2
            ? newEvent(['ep_a'], { id: 'evt_taken', dataJson: '{}' })
            : newEvent(['ep_a'], { id: `evt_${i}` }),
        ]),
      );
      settled = await Promise.allSettled(calls);
    });
    assert.equal(notifications, 1);
    assert.deepEqual(
      settled.map((s) => s.status),
      ['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled'],
    );
    const conflict = settled[2] as PromiseRejectedResult;
    assert.ok(conflict.reason instanceof IdempotencyConflictError && conflict.reason.index === 0);
    for (const i of [0, 1, 3, 4]) assert.equal((await store.getEvent(ACCOUNT, `evt_${i}`))?.dataJson, DATA);
    assert.equal((await store.getEvent(ACCOUNT, 'evt_taken'))?.dataJson, DATA);
  });

  test('a group holds at most 64 publishes; the rest commit in the next transaction', async () => {
    const { url, store } = await freshStore();
    const transactions = await notificationsOf(url, async () => {
      const calls = Array.from({ length: 70 }, (_, i) =>
        store.insertEvents(ACCOUNT, [
          newEvent(['ep_a'], { id: `evt_many_${i}` }),
          newEvent(['ep_a'], { id: `evt_many_${i}_b` }),
        ]),
      );
      assert.equal((await Promise.all(calls)).length, 70);
    });
    assert.equal(transactions, 2, 'one NOTIFY per transaction');
  });

  test('publishes of one event each are written 256 to a statement; one that fails fails alone', async () => {
    const { url, store } = await freshStore(['ep_a', 'ep_b']);
    const other = 'acc_other';
    const statements = await notificationsOf(url, async () => {
      const calls = Array.from({ length: 300 }, (_, i) =>
        store.insertEvents(i % 2 ? ACCOUNT : other, [
          newEvent(['ep_a', 'ep_b'], { id: `evt_single_${Math.floor(i / 2)}` }),
        ]),
      );
      const results = await Promise.all(calls);
      assert.ok(results.every(([r]) => r?.inserted && r.deliveryIds.length === 2));
    });
    assert.equal(statements, 2, 'one NOTIFY per statement');
    // The same id in two accounts is two events, each with its own deliveries.
    const mine = await store.listDeliveries(ACCOUNT, { limit: 500 }, {});
    assert.equal(mine.items.length, 300);
    assert.equal(new Set(mine.items.map((d) => d.eventId)).size, 150);

    // PostgreSQL's text takes no NUL character: that publish fails, the others of its statement do not.
    const settled = await Promise.allSettled(
      ['evt_ok_1', 'evt_bad\u0000', 'evt_ok_2'].map((id) =>
        store.insertEvents(ACCOUNT, [newEvent(['ep_a'], { id })]),
      ),
    );
    assert.deepEqual(
      settled.map((s) => s.status),
      ['fulfilled', 'rejected', 'fulfilled'],
    );
    assert.ok(await store.getEvent(ACCOUNT, 'evt_ok_2'));
  });
});

describe('several processes on one database', { skip }, () => {
  test('two processes publishing to one lane of ordered deliveries at once make one head', async () => {
    const { url, store: a } = await freshStore([]);
    await a.createEndpoint(endpoint('ep_o', { ordered: true }), NO_LIMIT);
    const b = await connect({ url });
    const keyed = (key: string): NewEvent => {
      const event = newEvent(['ep_o']);
      return {
        event: { ...event.event, orderingKey: key },
        deliveries: event.deliveries.map((d) => ({ ...d, orderingKey: key })),
      };
    };
    // Each lane gets its first two deliveries from the two processes at the same moment.
    const lanes = Array.from({ length: 60 }, (_, i) => `sub_${i}`);
    await Promise.all(
      lanes.flatMap((key) => [a.insertEvents(ACCOUNT, [keyed(key)]), b.insertEvents(ACCOUNT, [keyed(key)])]),
    );
    const heads = await withClient(url, async (client) =>
      (
        await client.query(
          `SELECT ordering_key, count(*) FILTER (WHERE next_attempt_at IS NOT NULL)::int AS heads
           FROM deliveries GROUP BY ordering_key`,
        )
      ).rows.filter((row) => row.heads !== 1),
    );
    assert.deepEqual(heads, [], 'every lane has exactly one delivery due, the other waits');
  });

  test('concurrent claims from two stores never hand out one delivery twice', async () => {
    const endpoints = ['ep_a', 'ep_b', 'ep_c', 'ep_d', 'ep_e'];
    const { url, store: a } = await freshStore(endpoints);
    const b = await connect({ url });
    for (let i = 0; i < 6; i++) {
      await a.insertEvents(
        ACCOUNT,
        Array.from({ length: 10 }, () => newEvent(endpoints)),
      );
    }
    const drain = async (store: PostgresStore) => {
      const ids: string[] = [];
      for (;;) {
        const batch = await store.claimDue({ nowMs: T0, limit: 7, leaseMs: LEASE_MS });
        if (batch.length === 0) return ids;
        ids.push(...batch.map((c) => c.id));
      }
    };
    const claimed = (await Promise.all([drain(a), drain(b), drain(a), drain(b)])).flat();
    assert.equal(claimed.length, 300);
    assert.equal(new Set(claimed).size, 300);
    assert.deepEqual(await a.queueDepth(), { pending: 0, sending: 300 });
  });

  test('a claim returns each delivery with its own event, the payload read once per event', async () => {
    const { store } = await freshStore(['ep_a', 'ep_b', 'ep_c']);
    const events = [
      newEvent(['ep_a', 'ep_b', 'ep_c'], { dataJson: '{"n":1}' }),
      newEvent(['ep_b'], { dataJson: '{"n":2}' }),
      newEvent(['ep_c', 'ep_a'], { dataJson: '{"n":3}' }),
    ];
    await store.insertEvents(ACCOUNT, events);
    const claimed = await store.claimDue({ nowMs: T0, limit: 10, leaseMs: LEASE_MS });
    const expected = events.flatMap(({ event, deliveries }) =>
      deliveries.map((d) => ({ id: d.id, eventId: event.id, type: event.type, data: event.dataJson })),
    );
    assert.deepEqual(
      claimed.map((c) => ({ id: c.id, eventId: c.eventId, type: c.eventType, data: c.dataJson })),
      expected,
      'in creation order, each with its event',
    );
    for (const c of claimed) assert.equal(c.occurredAt, T0 - 1_000);
  });

  /** Two stores on one database; A's claim of the one delivery runs out and B takes it over. */
  async function takenOver() {
    const { url, store: a } = await freshStore();
    const b = await connect({ url });
    const [inserted] = await a.insertEvents(ACCOUNT, [newEvent(['ep_a'])]);
    const deliveryId = inserted?.deliveryIds[0] as string;
    const [stale] = await a.claimDue({ nowMs: T0, limit: 1, leaseMs: LEASE_MS });
    const [current] = await b.claimDue({ nowMs: T0 + LEASE_MS, limit: 1, leaseMs: LEASE_MS });
    return { a, b, deliveryId, stale, current };
  }

  test('a stale lease from another process cannot overwrite the newer result', async () => {
    const { a, b, deliveryId, stale, current } = await takenOver();
    assert.equal(current?.id, deliveryId);
    assert.ok((current?.lease ?? 0) > (stale?.lease ?? 0));

    await b.recordAttempts([result(current as ClaimedDelivery, 503)], T0 + LEASE_MS + 10);
    await a.recordAttempts([result(stale as ClaimedDelivery, 200)], T0 + LEASE_MS + 20);
    const state = await a.getDelivery(ACCOUNT, deliveryId);
    assert.equal(state?.status, 'pending');
    assert.equal(state?.lastStatusCode, 503);
    assert.equal(state?.attemptCount, 1);
    assert.deepEqual(
      (await a.listAttempts(ACCOUNT, deliveryId)).map((x) => x.statusCode),
      [503, 200],
      'both attempts are logged',
    );
    await a.releaseClaims([stale as ClaimedDelivery], T0);
    assert.equal(
      (await a.getDelivery(ACCOUNT, deliveryId))?.nextAttemptAt,
      T0 + 5_000,
      'stale release ignored',
    );
  });

  test('a result that comes after its delivery left the queue is fenced by the lease it left with', async () => {
    const { url, store: a } = await freshStore();
    const b = await connect({ url });
    const [inserted] = await a.insertEvents(ACCOUNT, [newEvent(['ep_a'])]);
    const deliveryId = inserted?.deliveryIds[0] as string;
    const [first] = await a.claimDue({ nowMs: T0, limit: 1, leaseMs: LEASE_MS });
    // Another process disables the endpoint while A sends, and then sends the delivery again by hand.
    await b.updateEndpoint(ACCOUNT, 'ep_a', { enabled: false }, T0 + 1, NO_LIMIT);
    assert.equal((await b.getDelivery(ACCOUNT, deliveryId))?.status, 'cancelled');
    await b.updateEndpoint(ACCOUNT, 'ep_a', { enabled: true }, T0 + 2, NO_LIMIT);
    const again = await b.retryDelivery(ACCOUNT, deliveryId, T0 + 3);
    assert.equal(again?.status, 'pending');

    // A's failure is counted, but moves nothing: the delivery waits to be sent again, as it was.
    await a.recordAttempts([result(first as ClaimedDelivery, 503)], T0 + 4);
    let state = await a.getDelivery(ACCOUNT, deliveryId);
    assert.equal(state?.status, 'pending');
    assert.equal(state?.nextAttemptAt, T0 + 3);
    assert.equal(state?.attemptCount, 1);
    assert.equal(state?.lastStatusCode, 503);
    const [second] = await b.claimDue({ nowMs: T0 + 3, limit: 1, leaseMs: LEASE_MS });
    assert.equal(second?.id, deliveryId);
    assert.ok((second?.lease ?? 0) > (first?.lease ?? 0), 'the new claim has a newer token');

    // While B sends it, A's late success neither ends it nor is written.
    await a.recordAttempts([result(first as ClaimedDelivery, 200)], T0 + 5);
    state = await a.getDelivery(ACCOUNT, deliveryId);
    assert.equal(state?.status, 'sending');
    assert.equal(state?.lastStatusCode, 503);
    await b.recordAttempts([result(second as ClaimedDelivery, 200)], T0 + 6);
    state = await a.getDelivery(ACCOUNT, deliveryId);
    assert.equal(state?.status, 'succeeded');
    assert.equal(state?.attemptCount, 2);
    assert.deepEqual(await a.queueDepth(), { pending: 0, sending: 0 });
  });

  test('a result whose lease another claim takes while it waits for the row writes nothing', async () => {
    const { url, store } = await freshStore();
    const [inserted] = await store.insertEvents(ACCOUNT, [newEvent(['ep_a'])]);
    const deliveryId = inserted?.deliveryIds[0] as string;
    const [first] = await store.claimDue({ nowMs: T0, limit: 1, leaseMs: LEASE_MS });
    await withClient(url, async (other) => {
      // Another process's claim of the expired lease, not yet committed: the result's statement reads
      // the queue as it was (lease 1, being sent), then waits for the row.
      await other.query('BEGIN');
      await other.query(
        `UPDATE queue SET lease = lease + 1, sending = true, due_at = $2
         WHERE seq = (SELECT seq FROM deliveries WHERE id = $1)`,
        [deliveryId, T0 + 2 * LEASE_MS],
      );
      const late = store.recordAttempts([result(first as ClaimedDelivery, 200)], T0 + LEASE_MS + 1);
      for (let waiting = false; !waiting; await delay(5)) {
        const { rows } = await other.query(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()`,
        );
        waiting = rows[0].n > 0;
      }
      await other.query('COMMIT');
      await late;
    });
    const state = await store.getDelivery(ACCOUNT, deliveryId);
    assert.equal(state?.status, 'sending', 'the other claim holds it');
    assert.equal(state?.attemptCount, 0);
    assert.equal(state?.lastStatusCode, null);
    assert.deepEqual(await store.queueDepth(), { pending: 0, sending: 1 });
  });

  test('a stale result after another worker ended the delivery is fenced by the lease the log keeps', async () => {
    const { a, b, deliveryId, stale, current } = await takenOver();
    // B's success takes the delivery out of the queue; A's late failure finds no queue row to check.
    await b.recordAttempts([result(current as ClaimedDelivery, 200)], T0 + LEASE_MS + 10);
    await a.recordAttempts([result(stale as ClaimedDelivery, 503)], T0 + LEASE_MS + 20);
    const state = await a.getDelivery(ACCOUNT, deliveryId);
    assert.equal(state?.status, 'succeeded');
    assert.equal(state?.lastStatusCode, 200);
  });

  test('a late success of a delivery sent again by hand ends it, and it leaves the queue', async () => {
    const { store } = await freshStore();
    const [inserted] = await store.insertEvents(ACCOUNT, [newEvent(['ep_a'])]);
    const deliveryId = inserted?.deliveryIds[0] as string;
    const [first] = await store.claimDue({ nowMs: T0, limit: 1, leaseMs: LEASE_MS });
    await store.updateEndpoint(ACCOUNT, 'ep_a', { enabled: false }, T0 + 1, NO_LIMIT);
    await store.updateEndpoint(ACCOUNT, 'ep_a', { enabled: true }, T0 + 2, NO_LIMIT);
    await store.retryDelivery(ACCOUNT, deliveryId, T0 + 3);
    assert.deepEqual(await store.queueDepth(), { pending: 1, sending: 0 });
    // The receiver did get it: nothing is left to send.
    await store.recordAttempts([result(first as ClaimedDelivery, 200)], T0 + 4);
    assert.equal((await store.getDelivery(ACCOUNT, deliveryId))?.status, 'succeeded');
    assert.deepEqual(await store.queueDepth(), { pending: 0, sending: 0 });
    assert.deepEqual(await store.claimDue({ nowMs: T0 + 3, limit: 1, leaseMs: LEASE_MS }), []);
  });

  test('a 410 disables an endpoint or deletes a REST hook, and cancels their live deliveries', async () => {
    const { store } = await freshStore(['ep_api', 'ep_other']);
    await store.createEndpoint(endpoint('ep_hook', { source: 'rest_hook' }), NO_LIMIT);
    await store.insertEvents(ACCOUNT, [newEvent(['ep_api', 'ep_hook', 'ep_other'])]);
    const claims = await store.claimDue({ nowMs: T0, limit: 10, leaseMs: LEASE_MS });
    await store.insertEvents(ACCOUNT, [newEvent(['ep_api', 'ep_hook', 'ep_other'], { dueAt: T0 + 60_000 })]);
    const of = (id: string) => claims.find((c) => c.endpointId === id) as ClaimedDelivery;
    // A receiver's body may hold U+0000, which PostgreSQL text cannot: it must not fail the group.
    await store.recordAttempts(
      [
        result(of('ep_api'), 410),
        result(of('ep_other'), 500, {}, 'bad\u0000body'),
        result(of('ep_hook'), 410),
      ],
      T0 + 20,
    );
    const api = await store.getEndpoint(ACCOUNT, 'ep_api');
    assert.equal(api?.enabled, false);
    assert.equal(api?.disabledReason, 'gone');
    assert.equal(await store.getEndpoint(ACCOUNT, 'ep_hook'), undefined);
    assert.equal((await store.getEndpoint(ACCOUNT, 'ep_other'))?.enabled, true);
    const statuses = (await store.listDeliveries(ACCOUNT, { limit: 10 }, {})).items
      .map((d) => `${d.endpointId} ${d.status}`)
      .sort();
    assert.deepEqual(statuses, [
      'ep_api cancelled',
      'ep_api cancelled',
      'ep_hook cancelled',
      'ep_hook cancelled',
      'ep_other pending',
      'ep_other pending',
    ]);
    const [attempt] = await store.listAttempts(ACCOUNT, of('ep_other').id);
    assert.equal(attempt?.responseBody, 'bad\uFFFDbody');
  });

  test('a 410 applies at its place in the group, as the SQLite store applies results in order', async () => {
    const { store } = await freshStore();
    await store.insertEvents(ACCOUNT, [newEvent(['ep_a']), newEvent(['ep_a'])]);
    const [first, second] = await store.claimDue({ nowMs: T0, limit: 10, leaseMs: LEASE_MS });
    const usedUp = { status: 'failed', nextAttemptAt: null } as const;
    // The failure is written before the 410 cancels the endpoint's live deliveries: it stays a failure.
    await store.recordAttempts(
      [result(first as ClaimedDelivery, 500, usedUp), result(second as ClaimedDelivery, 410)],
      T0 + 20,
    );
    assert.equal((await store.getDelivery(ACCOUNT, first?.id as string))?.status, 'failed');

    await store.updateEndpoint(ACCOUNT, 'ep_a', { enabled: true }, T0 + 30, NO_LIMIT);
    await store.insertEvents(ACCOUNT, [newEvent(['ep_a']), newEvent(['ep_a'])]);
    const [third, fourth] = await store.claimDue({ nowMs: T0, limit: 10, leaseMs: LEASE_MS });
    // After the 410, the failure finds the delivery cancelled and leaves it so.
    await store.recordAttempts(
      [result(third as ClaimedDelivery, 410), result(fourth as ClaimedDelivery, 500, usedUp)],
      T0 + 40,
    );
    assert.equal((await store.getDelivery(ACCOUNT, fourth?.id as string))?.status, 'cancelled');
  });

  test('a publish planned with endpoints another process changed since writes nothing, on both publish paths', async () => {
    const { url, store: a } = await freshStore(['ep_a']);
    const b = await connect({ url });
    const idsOf = (basis: PublishBasis) => basis.endpoints.map((e) => e.id);
    const eventsIn = async () =>
      withClient(
        url,
        async (c) => (await c.query('SELECT count(*)::int AS n FROM events')).rows[0].n as number,
      );

    const first = await a.endpointsToPublishTo(ACCOUNT);
    assert.deepEqual(idsOf(first), ['ep_a']);
    assert.equal((await a.insertEvents(ACCOUNT, [newEvent(idsOf(first))], first))[0]!.inserted, true);
    assert.equal(await a.endpointsToPublishTo(ACCOUNT), first, 'remembered while nothing changed');

    // Created, disabled, deleted: each by the other process, each seen by either publish statement (one
    // event alone is the singles statement, two the transaction), and nothing written.
    const changes: [string, () => Promise<unknown>, string[]][] = [
      ['created', () => b.createEndpoint(endpoint('ep_b'), NO_LIMIT), ['ep_a', 'ep_b']],
      ['disabled', () => b.updateEndpoint(ACCOUNT, 'ep_b', { enabled: false }, T0, NO_LIMIT), ['ep_a']],
      ['deleted', () => b.deleteEndpoint(ACCOUNT, 'ep_a', T0), []],
    ];
    for (const [what, change, after] of changes) {
      const before = await a.endpointsToPublishTo(ACCOUNT);
      await change();
      const stored = await eventsIn();
      for (const count of [1, 2]) {
        const events = Array.from({ length: count }, () => newEvent(idsOf(before)));
        await assert.rejects(
          a.insertEvents(ACCOUNT, events, before),
          StaleEndpointsError,
          `${what}, ${count}`,
        );
      }
      assert.equal(await eventsIn(), stored, `${what}: nothing written`);
      const now = await a.endpointsToPublishTo(ACCOUNT);
      assert.deepEqual(idsOf(now), after, `${what}: read again`);
      assert.equal((await a.insertEvents(ACCOUNT, [newEvent(idsOf(now))], now))[0]!.inserted, true);
    }
    // Without a basis nothing is checked (operational events plan with endpoints read just before).
    assert.equal((await a.insertEvents(ACCOUNT, [newEvent([])]))[0]!.inserted, true);
  });

  test('the active-URL limit holds against concurrent creates from two processes', async () => {
    const { url, store: a } = await freshStore();
    const b = await connect({ url });
    const limit = { maxActiveUrls: 3 };
    const creates = Array.from({ length: 8 }, (_, i) =>
      (i % 2 === 0 ? a : b).createEndpoint(endpoint(`ep_new_${i}`), limit),
    );
    const settled = await Promise.allSettled(creates);
    assert.equal(settled.filter((s) => s.status === 'fulfilled').length, 2);
    for (const s of settled) {
      if (s.status === 'rejected') assert.ok(s.reason instanceof ActiveUrlLimitError, String(s.reason));
    }
    assert.equal((await a.listEnabledEndpoints(ACCOUNT)).length, 3);
  });

  test('releaseAllLeases leaves the leases of other processes alone', async () => {
    const { url, store: a } = await freshStore();
    const b = await connect({ url });
    await a.insertEvents(ACCOUNT, [newEvent(['ep_a'])]);
    const [claimed] = await a.claimDue({ nowMs: T0, limit: 1, leaseMs: LEASE_MS });
    assert.equal(await b.releaseAllLeases(T0 + 1), 0);
    const state = await b.getDelivery(ACCOUNT, claimed?.id as string);
    assert.equal(state?.status, 'sending');
    assert.equal(state?.nextAttemptAt, T0 + LEASE_MS);
  });

  test('workers see each other until they expire or leave', async () => {
    const { url, store: a } = await freshStore();
    const b = await connect({ url });
    assert.deepEqual(await a.registerWorker('host-b:1', T0, 5_000), ['host-b:1']);
    assert.deepEqual(await b.registerWorker('host-a:2', T0 + 1_000, 5_000), ['host-a:2', 'host-b:1']);
    assert.deepEqual(await a.registerWorker('host-b:1', T0 + 5_500, 5_000), ['host-a:2', 'host-b:1']);
    // host-a:2 was last seen at T0 + 1 s with a 5 s lifetime.
    assert.deepEqual(await a.registerWorker('host-b:1', T0 + 6_000, 5_000), ['host-b:1']);
    await a.unregisterWorker('host-b:1');
    assert.deepEqual(await b.registerWorker('host-c:3', T0 + 6_000, 5_000), ['host-c:3']);
  });
});

describe('onDue', { skip }, () => {
  test('fires once per committed transaction that made deliveries due, in any process', async () => {
    const { url, store: publisher } = await freshStore(['ep_a', 'ep_b']);
    const listener = await connect({ url });
    let due = 0;
    const stop = listener.onDue(() => {
      due++;
    });
    await listener.whenListening();
    const marker = new pg.Client({ connectionString: url });
    await marker.connect();
    // Notifications arrive in commit order: once a marker committed after `action` is heard, every
    // notification of `action` has been heard too.
    const expectDue = async (expected: number, action: () => Promise<unknown>) => {
      const start = due;
      await action();
      await marker.query(`SELECT pg_notify('hookline_due', '')`);
      await until(() => due >= start + expected + 1, `${expected} notification(s) and the marker`);
      assert.equal(due - start - 1, expected);
    };

    await expectDue(1, () =>
      Promise.all([1, 2, 3].map(() => publisher.insertEvents(ACCOUNT, [newEvent(['ep_a', 'ep_b'])]))),
    );
    await expectDue(0, () => publisher.insertEvents(ACCOUNT, [newEvent([])]));
    await expectDue(1, () => publisher.insertEvents(ACCOUNT, [newEvent(['ep_a'], { id: 'evt_same' })]));
    await expectDue(0, () => publisher.insertEvents(ACCOUNT, [newEvent(['ep_a'], { id: 'evt_same' })]));
    await expectDue(0, () =>
      publisher
        .insertEvents(ACCOUNT, [newEvent(['ep_a'], { id: 'evt_same', dataJson: '{}' })])
        .catch((error: unknown) => assert.ok(error instanceof IdempotencyConflictError)),
    );

    const [claimed] = await publisher.claimDue({ nowMs: T0, limit: 1, leaseMs: LEASE_MS });
    const failed = result(claimed as ClaimedDelivery, 500, { status: 'failed', nextAttemptAt: null });
    await expectDue(0, () => publisher.recordAttempts([failed], T0 + 1));
    await expectDue(1, () => publisher.retryDelivery(ACCOUNT, claimed?.id as string, T0 + 2));
    await expectDue(0, () => publisher.retryDelivery(ACCOUNT, claimed?.id as string, T0 + 3));
    await expectDue(0, () =>
      publisher.recoverDeliveries(ACCOUNT, 'ep_a', { sinceMs: 0, untilMs: T0 * 2 }, T0 + 4),
    );
    await publisher.updateEndpoint(ACCOUNT, 'ep_b', { enabled: false }, T0 + 5, NO_LIMIT);
    await expectDue(1, () =>
      publisher.recoverDeliveries(ACCOUNT, 'ep_b', { sinceMs: 0, untilMs: T0 * 2 }, T0 + 6),
    );

    stop();
    const before = due;
    await publisher.insertEvents(ACCOUNT, [newEvent(['ep_a'])]);
    await marker.query(`SELECT pg_notify('hookline_due', '')`);
    await delay(100);
    assert.equal(due, before, 'a removed listener is not called');
    await marker.end();
  });

  test('names the buckets of the endpoints made due, so a worker of another share can stay asleep', async () => {
    const { url, store: publisher } = await freshStore(['ep_a', 'ep_b', 'ep_c']);
    const listener = await connect({ url });
    const heard: (readonly number[] | undefined)[] = [];
    listener.onDue((buckets) => heard.push(buckets));
    await listener.whenListening();
    const next = async (action: () => Promise<unknown>) => {
      const start = heard.length;
      await action();
      await until(() => heard.length > start, 'a due notification');
      return heard[start];
    };
    const sorted = (ids: string[]) => [...new Set(ids.map(endpointBucket))].sort((x, y) => x - y);

    assert.deepEqual(
      await next(() =>
        publisher.insertEvents(ACCOUNT, [newEvent(['ep_a']), newEvent(['ep_b', 'ep_a']), newEvent(['ep_c'])]),
      ),
      sorted(['ep_a', 'ep_b', 'ep_c']),
    );
    const [claimed] = await publisher.claimDue({ nowMs: T0, limit: 1, leaseMs: LEASE_MS });
    const failed = result(claimed as ClaimedDelivery, 500, { status: 'failed', nextAttemptAt: null });
    await publisher.recordAttempts([failed], T0 + 1);
    assert.deepEqual(
      await next(() => publisher.retryDelivery(ACCOUNT, claimed?.id as string, T0 + 2)),
      sorted([claimed?.endpointId as string]),
    );
    // Disabling cancels ep_c's delivery; recovering makes it due again.
    await publisher.updateEndpoint(ACCOUNT, 'ep_c', { enabled: false }, T0 + 3, NO_LIMIT);
    assert.deepEqual(
      await next(() => publisher.recoverDeliveries(ACCOUNT, 'ep_c', { sinceMs: 0, untilMs: T0 * 2 }, T0 + 5)),
      sorted(['ep_c']),
    );
    // A notification without a payload (an older process) is for any endpoint.
    assert.equal(
      await next(() => withClient(url, (c) => c.query(`SELECT pg_notify('hookline_due', '')`))),
      undefined,
    );
  });

  test('payloads: bucket lists round-trip; anything else means any endpoint', () => {
    assert.equal(encodeDueBuckets(new Set([17, 3, 63])), '3,17,63');
    assert.equal(encodeDueBuckets(undefined), '');
    assert.deepEqual(decodeDueBuckets('3,17,63'), [3, 17, 63]);
    for (const payload of [undefined, '', 'x', '3,,4', '64', '-1', '1.5']) {
      assert.equal(decodeDueBuckets(payload), undefined, String(payload));
    }
  });
});

describe('onEndpointChanged', { skip }, () => {
  test('names every endpoint another process changed, disabled or deleted, once committed', async () => {
    const { url, store: api } = await freshStore(['ep_a', 'ep_b']);
    const worker = await connect({ url });
    const heard: string[] = [];
    const stop = worker.onEndpointChanged((endpointId) => heard.push(endpointId));
    await worker.whenListening();

    await api.updateEndpoint(ACCOUNT, 'ep_a', { description: 'renamed' }, T0 + 1, NO_LIMIT);
    await api.updateEndpoint(ACCOUNT, 'ep_b', { enabled: false }, T0 + 2, NO_LIMIT);
    await api.deleteEndpoint(ACCOUNT, 'ep_a', T0 + 3);
    // Nothing to change: no notification.
    await api.updateEndpoint(ACCOUNT, 'ep_missing', { enabled: false }, T0 + 4, NO_LIMIT);
    await until(() => heard.length >= 3, 'three endpoint notifications');
    await delay(100);
    assert.deepEqual(heard, ['ep_a', 'ep_b', 'ep_a']);

    stop();
    await api.updateEndpoint(ACCOUNT, 'ep_b', { enabled: true }, T0 + 5, NO_LIMIT);
    await delay(100);
    assert.equal(heard.length, 3, 'a removed listener is not called');
  });
});

describe('a database restart', { skip }, () => {
  test('fails the calls in flight; later calls and onDue work again without a new store', async () => {
    const { url, store } = await freshStore();
    const errors: string[] = [];
    const watched = await connect({ url, onError: (_error, source) => errors.push(source) });
    let due = 0;
    watched.onDue(() => {
      due++;
    });
    await watched.whenListening();
    // Two pooled connections: one is taken by the call below, the other is idle during the restart.
    await Promise.all([watched.ping(), watched.ping()]);

    // A call waiting on a lock while the server goes down.
    const blocker = new pg.Client({ connectionString: url });
    blocker.on('error', () => undefined);
    await blocker.connect();
    await blocker.query('BEGIN');
    await blocker.query('SELECT 1 FROM accounts WHERE id = $1 FOR UPDATE', [ACCOUNT]);
    const waiting = watched.createEndpoint(endpoint('ep_waiting'), { maxActiveUrls: 10 });
    await delay(100);
    pgsrv.restartImmediate();
    await assert.rejects(waiting);
    await blocker.end().catch(() => undefined);
    // The restart ran synchronously, so Node learns of every closed socket at once, after it. A live
    // process sees them close during the outage; let the pool see them before the next call too.
    await delay(20);

    await watched.ping();
    await watched.createEndpoint(endpoint('ep_after'), { maxActiveUrls: 10 });
    assert.equal((await watched.getEndpoint(ACCOUNT, 'ep_after'))?.enabled, true);
    await watched.whenListening();
    // Commits made while the LISTEN connection was down notified no one: one wake after reconnecting.
    await until(() => due === 1, 'the wake after reconnecting');
    await store.insertEvents(ACCOUNT, [newEvent(['ep_a'])]);
    await until(() => due === 2, 'the notification of a publish after the restart');
    assert.equal((await watched.claimDue({ nowMs: T0, limit: 10, leaseMs: LEASE_MS })).length, 1);
    assert.ok(errors.includes('listener'), `errors: ${errors.join(', ')}`);
    assert.ok(errors.includes('pool'), `errors: ${errors.join(', ')}`);
  });
});

describe('prepared statements', { skip }, () => {
  test('a column added by another process while statements are prepared costs no call', async () => {
    const { url, store } = await freshStore(['ep_a', 'ep_b']);
    const readAll = () => Promise.all(Array.from({ length: 12 }, () => store.listEnabledEndpoints(ACCOUNT)));
    // Prepared on every pooled connection, then the table's row type changes under them.
    await readAll();
    await withClient(url, (client) => client.query('ALTER TABLE endpoints ADD COLUMN later_column integer'));
    const after = await readAll();
    assert.ok(after.every((endpoints) => endpoints.length === 2));
    await store.insertEvents(ACCOUNT, [newEvent(['ep_a'])]);
    assert.equal((await store.claimDue({ nowMs: T0, limit: 10, leaseMs: LEASE_MS })).length, 1);
  });
});

describe('close', { skip }, () => {
  test('leaves nothing open: a process that used every kind of connection exits by itself', async () => {
    const url = await pgsrv.createDatabase();
    const storeModule = fileURLToPath(new URL('./postgres-store.ts', import.meta.url));
    const script = `
      import { PostgresStore } from ${JSON.stringify(storeModule)};
      const store = await PostgresStore.connect({ url: process.env.DATABASE_URL });
      store.onDue(() => {});
      await store.whenListening();
      await store.claimDue({ nowMs: 0, limit: 10, leaseMs: 1000 });
      const publishing = store.insertEvents('acc_x', []);
      await store.close();
      await publishing;
      await store.close();
      console.log('closed');
    `;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      env: { ...process.env, DATABASE_URL: url },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
      child.on('exit', (exitCode, exitSignal) => resolve([exitCode, exitSignal])),
    );
    clearTimeout(timer);
    assert.equal(signal, null, `the process had to be killed: ${output}`);
    assert.equal(code, 0, output);
    assert.equal(output.trim(), 'closed');
  });
});

describe('retention', { skip }, () => {
  test('a delivery sent again while its event is being pruned is kept, and so is its event', async () => {
    const { url, store } = await freshStore();
    const [event] = await store.insertEvents(ACCOUNT, [newEvent(['ep_a'])]);
    const deliveryId = event!.deliveryIds[0]!;
    const [claimed] = await store.claimDue({ nowMs: T0, limit: 10, leaseMs: LEASE_MS });
    await store.recordAttempts([result(claimed!, 200)], T0 + 20);
    const bounds = { cutoffMs: T0 + 60_000, beforeSeq: await store.eventSeqFrom(T0 + 60_000) };

    await withClient(url, async (other) => {
      // Another process sends the delivery again and has not committed yet when the pruner reads.
      await other.query('BEGIN');
      await other.query(`UPDATE deliveries SET status = 'pending', next_attempt_at = $2 WHERE id = $1`, [
        deliveryId,
        T0 + 60_000,
      ]);
      const pruning = store.pruneEvents(ACCOUNT, bounds, 10);
      await withClient(url, async (watcher) => {
        for (;;) {
          const { rows } = await watcher.query('SELECT count(*)::int AS n FROM pg_locks WHERE NOT granted');
          if (rows[0].n > 0) return;
          await delay(10);
        }
      });
      await other.query('COMMIT');
      assert.deepEqual(await pruning, { events: 0, deliveries: 0, attempts: 0 });
    });
    assert.equal((await store.getDelivery(ACCOUNT, deliveryId))?.status, 'pending');
    assert.ok(await store.getEvent(ACCOUNT, event!.event.id));
    assert.equal((await store.listAttempts(ACCOUNT, deliveryId)).length, 1);
  });
});
