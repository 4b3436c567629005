import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import Database from 'better-sqlite3';
import { accountRecord, apiKeyRecord } from '../store.contract.ts';
import type { NewEvent } from '../store.ts';
import { nextVacuumSlice, SqliteStore } from './sqlite-store.ts';

const T0 = Date.parse('2025-03-01T12:00:00.000Z');
let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'hookline-free-pages-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** A store whose file has had most of its pages freed by pruning, and a read-only look at the file. */
async function prunedFile(name: string) {
  const path = join(dir, name);
  const store = SqliteStore.open({ path });
  const look = new Database(path, { readonly: true });
  const pragma = (pragmaName: string) => look.pragma(pragmaName, { simple: true }) as number;
  assert.equal(pragma('auto_vacuum'), 2, 'incremental auto-vacuum');
  await store.createAccount(accountRecord('acc_1'), apiKeyRecord('key_1', { accountId: 'acc_1' }), 'hash');
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
  return {
    store,
    pragma,
    full,
    async close() {
      look.close();
      await store.close();
    },
  };
}

test('a new file gives the pages pruning freed back to the file system, keeping a tenth free', async () => {
  const file = await prunedFile('hookline.db');
  try {
    const { store, pragma, full } = file;
    const released = await store.releaseFreePages();
    assert.ok(released > full * 0.7, `${released} of ${full} pages given back`);
    const left = pragma('page_count');
    assert.ok(left < full * 0.3, `${left} pages left of ${full}`);
    assert.ok(pragma('freelist_count') <= Math.ceil(left / 5), 'at most a fifth of what is left is free');
  } finally {
    await file.close();
  }
});

test('pages are given back in slices of a few milliseconds: halved while slow, grown while fast', async () => {
  // A clock that moves `stepMs` at each reading: each slice seems to take that long.
  const clock = (stepMs: number) => {
    let t = 0;
    return () => (t += stepMs);
  };
  for (const [name, stepMs, first] of [
    ['slow.db', 20, [64, 32, 16, 8, 8, 8]],
    ['fast.db', 0, [64, 80, 100, 125, 157, 197]],
  ] as const) {
    const file = await prunedFile(name);
    try {
      const slices: number[] = [];
      const released = await file.store.releaseFreePages({
        now: clock(stepMs),
        slice: (pages) => slices.push(pages),
      });
      assert.deepEqual(slices.slice(0, first.length), first, name);
      assert.equal(
        released,
        slices.reduce((sum, pages) => sum + pages, 0),
      );
      assert.ok(released > file.full * 0.7, `${name}: ${released} of ${file.full} pages given back`);
    } finally {
      await file.close();
    }
  }
});

test('the next slice: halved past twice the target, a quarter more below half of it, within bounds', () => {
  assert.equal(nextVacuumSlice(64, 9), 32);
  assert.equal(nextVacuumSlice(8, 100), 8);
  assert.equal(nextVacuumSlice(64, 1), 80);
  assert.equal(nextVacuumSlice(1_000, 0), 1_024);
  assert.equal(nextVacuumSlice(64, 4), 64);
});
