import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sharedQueueDepth } from './stats.ts';

describe('sharedQueueDepth', () => {
  test('one count serves every caller within the max age, and a new one is made after it', async () => {
    let nowMs = 0;
    let counts = 0;
    const depth = sharedQueueDepth(
      async () => ({ pending: ++counts, sending: 0 }),
      () => nowMs,
      5_000,
    );
    assert.deepEqual(await depth(), { pending: 1, sending: 0 });
    nowMs = 4_999;
    assert.deepEqual(await depth(), { pending: 1, sending: 0 });
    nowMs = 5_000;
    assert.deepEqual(await depth(), { pending: 2, sending: 0 });
    assert.equal(counts, 2);
  });

  test('callers who ask while a count runs share it', async () => {
    let counts = 0;
    let finish: (value: { pending: number; sending: number }) => void = () => {};
    const depth = sharedQueueDepth(
      () => {
        counts++;
        return new Promise((resolve) => {
          finish = resolve;
        });
      },
      () => 0,
    );
    const both = Promise.all([depth(), depth()]);
    finish({ pending: 7, sending: 1 });
    assert.deepEqual(await both, [
      { pending: 7, sending: 1 },
      { pending: 7, sending: 1 },
    ]);
    assert.equal(counts, 1);
  });

  test('a failed count is not reused', async () => {
    let counts = 0;
    const depth = sharedQueueDepth(
      async () => {
        counts++;
        if (counts === 1) throw new Error('database busy');
        return { pending: 3, sending: 0 };
      },
      () => 0,
    );
    await assert.rejects(depth(), /database busy/);
    assert.deepEqual(await depth(), { pending: 3, sending: 0 });
  });
});
