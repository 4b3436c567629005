import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import Database from 'better-sqlite3';
import type { NewEvent } from '../store.ts';
import { SqliteStore } from './sqlite-store.ts';

const T0 = Date.parse('2025-03-01T12:00:00.000Z');
let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'hookline-free-pages-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('a new file gives the pages pruning freed back to the file system, keeping a tenth free', async () => {
  const path = join(dir, 'hookline.db');
  const store = SqliteStore.open({ path });
  const look = new Database(path, { readonly: true });
  try {
    const pragma = (name: string) => look.pragma(name, { simple: true }) as number;
    assert.equal(pragma('auto_vacuum'), 2, 'incremental auto-vacuum');
    await store.createAccount(
      {
        id: 'acc_1',
        name: 'Shop',
        maxActiveUrls: null,
        maxConcurrency: null,
        retentionMs: null,
        createdAt: T0,
      },
      {
        id: 'key_1',
        accountId: 'acc_1',
        name: 'Default',
        prefix: 'hk_x',
        createdAt: T0,
        lastUsedAt: null,
        expiresAt: null,
      },
      'hash',
    );
    const data = JSON.stringify({ note: 'x'.repeat(2_000) });
    for (let batch = 0; batch < 10; batch++) {
      const events: NewEvent[] = Array.from({ length: 200 }, (_, i) => ({
        event: {
          id: `evt_${batch}_${i}`,
          accountId: 'acc_1',
          type: 'shop.order.paid',
          dataJson: data,
          occurredAt: T0,
          createdAt: T0,
          orderingKey: null,
        },
        deliveries: [],
      }));
      await store.insertEvents('acc_1', events);
    }
    const full = pragma('page_count');
    assert.ok(full > 1_000, `${full} pages`);
    assert.equal(await store.releaseFreePages(), 0, 'nothing is free yet');

    const bounds = { cutoffMs: T0 + 1, beforeSeq: await store.eventSeqFrom(T0 + 1) };
    while ((await store.pruneEvents('acc_1', bounds, 500)).events > 0);
    assert.ok(pragma('freelist_count') > full * 0.8, 'pruning frees the pages');
    const released = await store.releaseFreePages();
    assert.ok(released > full * 0.7, `${released} of ${full} pages given back`);
    const left = pragma('page_count');
    assert.ok(left < full * 0.3, `${left} pages left of ${full}`);
    assert.ok(pragma('freelist_count') <= Math.ceil(left / 5), 'at most a fifth of what is left is free');
  } finally {
    look.close();
    await store.close();
  }
});
