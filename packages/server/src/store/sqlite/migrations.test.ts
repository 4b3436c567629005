// Migrating an SQLite file made by an earlier Hookline: what it held is still there and still works.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { hashToken } from '../../app/credentials.ts';
import { SQLITE_MIGRATIONS } from './migrations.ts';
import { SqliteStore } from './sqlite-store.ts';

const T0 = Date.parse('2025-03-01T12:00:00.000Z');
const SHOP = 'acc_01JNB0000000000000000000000';
const CLUB = 'acc_01JNB0000000000000000000001';
const SHOP_KEY = 'hk_shopKey0000000000000000000000000000000000';
const CLUB_KEY = 'hk_clubKey0000000000000000000000000000000000';

let dir: string;
let path: string;

/** A database file at schema `version`, as the Hookline of that version left it. */
function databaseAt(version: number): Database.Database {
  const db = new Database(path);
  for (const step of SQLITE_MIGRATIONS.slice(0, version)) db.exec(step);
  db.pragma(`user_version = ${version}`);
  return db;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hookline-migrations-'));
  path = join(dir, 'hookline.db');
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('step 3: named API keys and portal sessions', () => {
  test('each account keeps its key, now named Default; accounts keep their order and settings', async () => {
    const old = databaseAt(2);
    const insert = old.prepare(
      'INSERT INTO accounts (id, name, api_key_hash, created_at, max_active_urls) VALUES (?, ?, ?, ?, ?)',
    );
    insert.run(SHOP, 'Shop', hashToken(SHOP_KEY), T0, null);
    insert.run(CLUB, 'Club', hashToken(CLUB_KEY), T0 + 1, 25);
    old.close();

    const store = SqliteStore.open({ path });
    try {
      const key = await store.findApiKeyByHash(hashToken(SHOP_KEY));
      assert.deepEqual(key, {
        id: 'key_01JNB0000000000000000000000',
        accountId: SHOP,
        name: 'Default',
        prefix: 'hk_…',
        createdAt: T0,
        lastUsedAt: null,
        expiresAt: null,
      });
      assert.equal((await store.findApiKeyByHash(hashToken(CLUB_KEY)))?.accountId, CLUB);
      const clubKeys = await store.listApiKeys(CLUB, { limit: 10 }, T0);
      assert.deepEqual(
        clubKeys.items.map((k) => k.name),
        ['Default'],
      );

      assert.deepEqual(await store.getAccount(CLUB), {
        id: CLUB,
        name: 'Club',
        maxActiveUrls: 25,
        maxConcurrency: null,
        retentionMs: null,
        createdAt: T0 + 1,
      });
      const first = await store.listAccounts({ limit: 1 });
      const second = await store.listAccounts({ limit: 1, cursor: first.nextCursor ?? undefined });
      assert.deepEqual(
        [...first.items, ...second.items].map((a) => a.id),
        [SHOP, CLUB],
      );

      // A new account gets its first key beside the migrated ones.
      await store.createAccount(
        {
          id: 'acc_new',
          name: 'New',
          maxActiveUrls: null,
          maxConcurrency: null,
          retentionMs: null,
          createdAt: T0 + 2,
        },
        {
          id: 'key_new',
          accountId: 'acc_new',
          name: 'Default',
          prefix: 'hk_NeWnEwN',
          createdAt: T0 + 2,
          lastUsedAt: null,
          expiresAt: null,
        },
        'hash-new',
      );
      assert.equal((await store.findApiKeyByHash('hash-new'))?.accountId, 'acc_new');
    } finally {
      await store.close();
    }

    const migrated = new Database(path, { readonly: true });
    try {
      assert.equal(migrated.pragma('user_version', { simple: true }), SQLITE_MIGRATIONS.length);
      const columns = (migrated.pragma('table_info(accounts)') as { name: string }[]).map((c) => c.name);
      assert.deepEqual(
        columns,
        ['id', 'name', 'created_at', 'max_active_urls', 'max_concurrency', 'retention_ms'],
        'no key hash on accounts',
      );
    } finally {
      migrated.close();
    }
  });

  test('an empty database migrates too', async () => {
    databaseAt(2).close();
    const store = SqliteStore.open({ path });
    try {
      assert.deepEqual((await store.listAccounts({ limit: 10 })).items, []);
    } finally {
      await store.close();
    }
  });
});
