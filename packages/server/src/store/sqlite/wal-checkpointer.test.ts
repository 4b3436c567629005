/**
 * The background checkpointer keeps the WAL from growing under steady writes: a writer that pauses
 * between commits lets repeated checkpoints catch up, and one that never pauses is held back briefly by
 * a RESTART checkpoint. Real files, a real worker thread; the limits are small so a test writes a few
 * megabytes rather than hundreds.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { accountRecord, apiKeyRecord } from '../store.contract.ts';
import { SqliteStore } from './sqlite-store.ts';
import { type CheckpointLimits, WalCheckpointer } from './wal-checkpointer.ts';

const PAGE = 4_096;
/** About four pages a commit, as a publish writes an event, its delivery and their indexes. */
const ROW = 'x'.repeat(3 * PAGE);

let dir: string;
let path: string;
let db: Database.Database;
let checkpointer: WalCheckpointer | undefined;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hookline-wal-'));
  path = join(dir, 'test.db');
  db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  db.pragma('wal_autocheckpoint = 0');
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
});

afterEach(async () => {
  await checkpointer?.stop();
  checkpointer = undefined;
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const start = (limits: CheckpointLimits) => {
  checkpointer = WalCheckpointer.start(
    path,
    (error) => assert.fail(`the checkpointer failed: ${error.message}`),
    limits,
  );
};

/**
 * Commits rows (and deletes old ones, so the database stays small) until about `megabytes` of pages
 * have been written; `pause` runs between commits.
 * @returns the largest size the WAL file reached, in bytes
 */
async function write(megabytes: number, pause: () => Promise<void> | void): Promise<number> {
  const insert = db.prepare('INSERT INTO t (body) VALUES (?)');
  const prune = db.prepare('DELETE FROM t WHERE id < ?');
  const commits = Math.ceil((megabytes * 1024 * 1024) / (4 * PAGE));
  let largest = 0;
  for (let i = 1; i <= commits; i++) {
    db.transaction(() => {
      insert.run(ROW);
      prune.run(i - 20);
    })();
    if (i % 16 === 0) largest = Math.max(largest, statSync(`${path}-wal`).size);
    await pause();
  }
  return Math.max(largest, statSync(`${path}-wal`).size);
}

test('a writer that pauses between commits: repeated checkpoints catch up and the WAL starts over', async () => {
  // No RESTART: only catching up can start the WAL over.
  start({ settleFrames: 64, restartFrames: Number.POSITIVE_INFINITY, intervalMs: 10 });
  const largest = await write(24, () => sleep(1));
  // 24 MB went through the WAL: without the checkpointer's help it grew to 29 to 48 MB; with it, to
  // about 1.3 MB (the limit is 256 KiB; the bound leaves room for a loaded machine).
  assert.ok(largest < 10 * 1024 * 1024, `the WAL reached ${(largest / 1e6).toFixed(1)} MB`);
});

test('when catching up fails, a RESTART checkpoint holds the writer back and the WAL starts over', async () => {
  // No catching up: past 1 MiB, the RESTART alone starts the WAL over.
  start({ settleFrames: Number.POSITIVE_INFINITY, restartFrames: 256, intervalMs: 10 });
  const largest = await write(24, () => sleep(1));
  assert.ok(largest < 10 * 1024 * 1024, `the WAL reached ${(largest / 1e6).toFixed(1)} MB`);
  assert.equal((db.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n, 21);
});

test("a RESTART checkpoint under way fails none of the store's transactions, even those that read first", async () => {
  const storePath = join(dir, 'store.db');
  const store = SqliteStore.open({ path: storePath });
  // Another thread checkpoints with RESTART back to back, holding the write lock again and again.
  const hammer = new Worker(
    `const { parentPort, workerData } = require('node:worker_threads');
     const db = new (require(workerData.driver))(workerData.path);
     db.pragma('busy_timeout = 5000');
     const timer = setInterval(() => db.pragma('wal_checkpoint(RESTART)'), 1);
     parentPort.on('message', () => { clearInterval(timer); db.close(); parentPort.close(); });`,
    {
      eval: true,
      workerData: { path: storePath, driver: createRequire(import.meta.url).resolve('better-sqlite3') },
    },
  );
  try {
    await store.createAccount(accountRecord('acc_1'), apiKeyRecord('key_1', { accountId: 'acc_1' }), 'hash');
    // `updateAccount` reads the account before it writes: with a deferred BEGIN, its first write came
    // while the checkpoint held the lock and failed at once with SQLITE_BUSY, about half the time.
    for (let i = 0; i < 2_000; i++) {
      await store.updateAccount('acc_1', { maxConcurrency: i + 1 });
      if (i % 50 === 0) await sleep(0);
    }
    assert.equal((await store.getAccount('acc_1'))?.maxConcurrency, 2_000);
  } finally {
    hammer.postMessage('stop');
    await new Promise((resolve) => hammer.once('exit', resolve));
    await store.close();
  }
});
