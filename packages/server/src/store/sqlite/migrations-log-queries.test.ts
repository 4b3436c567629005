// Migrating an SQLite file to step 4 (what the dashboard's log queries read): the log written before
// is found by the new filters and counted by the endpoint statistics.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import Database from 'better-sqlite3';
import { SQLITE_MIGRATIONS } from './migrations.ts';
import { SqliteStore } from './sqlite-store.ts';

const T0 = Date.parse('2025-03-01T12:00:00.000Z');
const SHOP = 'acc_01JNB0000000000000000000000';

let dir: string;
let path: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hookline-migrations-'));
  path = join(dir, 'hookline.db');
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

test('step 4: earlier events are found by type, earlier attempts are counted for their endpoint', async () => {
  const old = new Database(path);
  for (const step of SQLITE_MIGRATIONS.slice(0, 3)) old.exec(step);
  old.pragma('user_version = 3');
  old.prepare('INSERT INTO accounts (id, name, created_at) VALUES (?, ?, ?)').run(SHOP, 'Shop', T0);
  old
    .prepare(
      `INSERT INTO endpoints (id, account_id, urls, description, event_types, enabled, secret, headers, created_at,
         updated_at)
       VALUES ('ep_a', ?, '["https://example.com/a"]', '', '["*"]', 1, 'whsec_x', '{}', ?, ?)`,
    )
    .run(SHOP, T0, T0);
  const event = old
    .prepare(
      `INSERT INTO events (account_id, id, type, data, occurred_at, created_at)
       VALUES (?, 'evt_1', 'order.paid', '{}', ?, ?) RETURNING seq`,
    )
    .get(SHOP, T0, T0) as { seq: number };
  old
    .prepare(
      `INSERT INTO deliveries (id, account_id, event_seq, endpoint_id, url, status, attempt_count, created_at,
         updated_at)
       VALUES ('dlv_1', ?, ?, 'ep_a', 'https://example.com/a', 'succeeded', 2, ?, ?)`,
    )
    .run(SHOP, event.seq, T0, T0);
  const attempt = old.prepare(
    `INSERT INTO attempts (id, delivery_id, account_id, number, started_at, duration_ms, status_code,
       response_body_truncated, succeeded)
     VALUES (?, 'dlv_1', ?, ?, ?, 10, ?, 0, ?)`,
  );
  attempt.run('att_1', SHOP, 1, T0 + 10, 500, 0);
  attempt.run('att_2', SHOP, 2, T0 + 5_010, 200, 1);
  old.close();

  const store = SqliteStore.open({ path });
  try {
    const paid = await store.listDeliveries(SHOP, { limit: 10 }, { eventType: 'order.paid' });
    assert.deepEqual(
      paid.items.map((d) => d.id),
      ['dlv_1'],
    );
    assert.deepEqual(await store.endpointAttemptStats(SHOP, T0), [
      { endpointId: 'ep_a', attempts: 2, succeeded: 1, failed: 1, lastAttemptAt: T0 + 5_010 },
    ]);
  } finally {
    await store.close();
  }
});
