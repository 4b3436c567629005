import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type ClaimAccount, takeFairly } from './fair-claim.ts';

/** Accounts with this many due deliveries each, read as `<account>:<n>` in due order. */
function queues(due: Record<string, number>) {
  const reads: string[] = [];
  const read = (accountId: string, offset: number, count: number) => {
    reads.push(`${accountId}+${offset}x${count}`);
    const have = due[accountId] ?? 0;
    return Array.from(
      { length: Math.max(0, Math.min(count, have - offset)) },
      (_, i) => `${accountId}:${offset + i}`,
    );
  };
  return { read, reads };
}

const all = (ids: string[], room = 1_000): ClaimAccount[] => ids.map((accountId) => ({ accountId, room }));
const countOf = (taken: string[], accountId: string) =>
  taken.filter((key) => key.startsWith(`${accountId}:`)).length;

test('the batch is split evenly between accounts with due work, each taking its earliest', () => {
  const { read } = queues({ a: 1_000_000, b: 1_000_000, c: 1_000_000 });
  const taken = takeFairly(all(['a', 'b', 'c']), 99, read);
  assert.equal(taken.length, 99);
  for (const id of ['a', 'b', 'c']) assert.equal(countOf(taken, id), 33);
  assert.deepEqual(
    taken.filter((key) => key.startsWith('a:')),
    Array.from({ length: 33 }, (_, i) => `a:${i}`),
  );
});

test('what an account leaves unused goes to the others, without reading anything twice', () => {
  const { read, reads } = queues({ backlog: 1_000_000, fresh: 2 });
  const taken = takeFairly(all(['backlog', 'fresh']), 10, read);
  assert.equal(countOf(taken, 'fresh'), 2);
  assert.equal(countOf(taken, 'backlog'), 8);
  assert.deepEqual(new Set(taken).size, 10);
  assert.deepEqual(reads, ['backlog+0x5', 'fresh+0x5', 'backlog+5x3']);
});

test('an account takes no more than its room, and none with no room', () => {
  const { read } = queues({ a: 100, b: 100, c: 100 });
  const taken = takeFairly(
    [
      { accountId: 'a', room: 3 },
      { accountId: 'b', room: 0 },
      { accountId: 'c', room: 1_000 },
    ],
    50,
    read,
  );
  assert.equal(countOf(taken, 'a'), 3);
  assert.equal(countOf(taken, 'b'), 0);
  assert.equal(countOf(taken, 'c'), 47);
});

test('more accounts than the batch: one each while it lasts', () => {
  const ids = Array.from({ length: 20 }, (_, i) => `acc${i}`);
  const { read } = queues(Object.fromEntries(ids.map((id) => [id, 10])));
  const taken = takeFairly(all(ids), 5, read);
  assert.deepEqual(taken, ['acc0:0', 'acc1:0', 'acc2:0', 'acc3:0', 'acc4:0']);
});
