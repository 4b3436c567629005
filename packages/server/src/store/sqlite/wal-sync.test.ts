import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import type { AttemptRecord, AttemptResult } from '../store.ts';
import { SqliteStore } from './sqlite-store.ts';
import { type FdatasyncFn, WalSync } from './wal-sync.ts';

/** An fsync held until the test lets it end, counting the calls. */
class HeldFsync {
  readonly pending: ((error: NodeJS.ErrnoException | null) => void)[] = [];
  calls = 0;
  readonly fn: FdatasyncFn = (_fd, callback) => {
    this.calls++;
    this.pending.push(callback);
  };

  /** Ends the oldest fsync under way. */
  finish(error: NodeJS.ErrnoException | null = null): void {
    const callback = this.pending.shift();
    assert.ok(callback, 'an fsync is under way');
    callback(error);
  }
}

const settled = async (promise: Promise<unknown>): Promise<boolean> => {
  let done = false;
  promise.then(
    () => (done = true),
    () => (done = true),
  );
  await new Promise((resolve) => setImmediate(resolve));
  return done;
};

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hookline-wal-sync-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('WalSync', () => {
  test('calls made while an fsync is under way share the next one, started after it', async () => {
    const wal = join(dir, 'x.db-wal');
    writeFileSync(wal, '');
    const fsync = new HeldFsync();
    const sync = new WalSync(wal, fsync.fn);
    const first = sync.sync();
    const second = sync.sync();
    const third = sync.sync();
    assert.equal(fsync.calls, 1, 'one fsync under way');
    fsync.finish();
    await first;
    assert.equal(await settled(second), false, 'the fsync that began before the call does not cover it');
    assert.equal(fsync.calls, 2, 'the next began when the first ended, for both calls');
    fsync.finish();
    await Promise.all([second, third]);
    assert.equal(fsync.calls, 2);
    await sync.close();
  });

  test('a failed fsync fails every later call: the kernel may have dropped the pages', async () => {
    const wal = join(dir, 'x.db-wal');
    writeFileSync(wal, '');
    const fsync = new HeldFsync();
    const sync = new WalSync(wal, fsync.fn);
    const failing = sync.sync();
    fsync.finish(Object.assign(new Error('EIO: i/o error'), { code: 'EIO' }));
    await assert.rejects(failing, /fsync of the WAL failed: EIO/);
    const later = sync.sync();
    assert.equal(fsync.calls, 1, 'no fsync is tried again');
    await assert.rejects(later, /fsync of the WAL failed/);
    await sync.close();
  });
});

describe('the SQLite store waits for the fsync', () => {
  test('a publish is answered, and the engine woken, only once its fsync is done', async () => {
    const fsync = new HeldFsync();
    const store = SqliteStore.open({ path: join(dir, 'hookline.db'), fdatasync: fsync.fn });
    try {
      let woken = 0;
      store.onDue(() => woken++);
      const publishing = store.insertEvents('acc_a', [
        {
          event: {
            id: 'evt_1',
            accountId: 'acc_a',
            type: 'order.paid',
            dataJson: '{}',
            occurredAt: 1,
            createdAt: 1,
            orderingKey: null,
          },
          deliveries: [
            {
              id: 'dlv_1',
              endpointId: 'ep_a',
              url: 'https://example.com/',
              lineId: null,
              nextAttemptAt: 1,
              orderingKey: null,
            },
          ],
        },
      ]);
      await new Promise((resolve) => setImmediate(resolve));
      assert.equal(fsync.calls, 1);
      assert.equal(await settled(publishing), false, 'not answered before the fsync');
      assert.equal(woken, 0, 'nothing is sent before the event is on disk');
      fsync.finish();
      const [published] = await publishing;
      assert.equal(published?.inserted, true);
      assert.equal(woken, 1);

      const [claimed] = await store.claimDue({ nowMs: 1, limit: 1, leaseMs: 60_000 });
      assert.ok(claimed);
      const attempt: AttemptRecord = {
        id: 'att_1',
        deliveryId: claimed.id,
        accountId: 'acc_a',
        number: 1,
        startedAt: 2,
        durationMs: 1,
        statusCode: 200,
        errorCode: null,
        errorMessage: null,
        responseBody: '',
        responseBodyTruncated: false,
        succeeded: true,
        responseHeadersJson: null,
        requestHeadersJson: null,
        requestBody: null,
        requestBodyTruncated: false,
      };
      const result: AttemptResult = {
        claim: claimed,
        attempt,
        status: 'succeeded',
        nextAttemptAt: null,
        disableEndpoint: false,
      };
      const recording = store.recordAttempts([result], 3);
      assert.equal(await settled(recording), false, 'a result is done only once its fsync is');
      fsync.finish();
      await recording;
    } finally {
      const closing = store.close();
      while (fsync.pending.length > 0) fsync.finish();
      await closing;
    }
  });
});
