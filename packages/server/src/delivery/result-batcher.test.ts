import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLogger } from '../observability/logger.ts';
import type { AttemptResult } from '../store/store.ts';
import { FLUSH_BATCH, FLUSH_DELAY_MS, ResultBatcher } from './result-batcher.ts';

const resultOf = (n: number) => ({ attempt: { id: `att_${n}` } }) as unknown as AttemptResult;

function batcher(record: (group: readonly AttemptResult[]) => Promise<void> = async () => {}) {
  const recorded: string[][] = [];
  const committed: string[][] = [];
  const ids = (group: readonly AttemptResult[]) => group.map((r) => r.attempt.id);
  const b = new ResultBatcher(
    {
      recordAttempts: async (group) => {
        await record(group);
        recorded.push(ids(group));
      },
    },
    createLogger('silent'),
    () => 0,
    (group) => committed.push(ids(group)),
  );
  return { b, recorded, committed };
}

test(`a full group of ${FLUSH_BATCH} is committed at once, the rest after ${FLUSH_DELAY_MS} ms`, async () => {
  const { b, recorded, committed } = batcher();
  for (let n = 0; n < FLUSH_BATCH + 3; n++) b.add(resultOf(n));
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(recorded.length, 1);
  assert.equal(recorded[0]?.length, FLUSH_BATCH);
  await new Promise((resolve) => setTimeout(resolve, FLUSH_DELAY_MS + 20));
  assert.deepEqual(recorded[1], ['att_100', 'att_101', 'att_102']);
  assert.deepEqual(committed, recorded);
});

test('groups are committed one after another, in order, and a failed one is not reported committed', async () => {
  let calls = 0;
  const { b, recorded, committed } = batcher(async () => {
    calls++;
    if (calls === 1) {
      await new Promise((resolve) => setTimeout(resolve, 30));
      throw new Error('the database is away');
    }
  });
  b.add(resultOf(1));
  const first = b.flush();
  b.add(resultOf(2));
  await b.flush();
  await first;
  assert.deepEqual(recorded, [['att_2']], 'the second waited for the first, which failed');
  assert.deepEqual(committed, [['att_2']]);
});

test('after close nothing more is committed', async () => {
  const { b, recorded } = batcher();
  b.close();
  b.add(resultOf(1));
  await b.flush();
  assert.deepEqual(recorded, []);
});
