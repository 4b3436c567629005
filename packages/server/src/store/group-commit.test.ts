import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type InsertOutcome, type PendingInsert, PublishQueue, settle } from './group-commit.ts';
import type { InsertEventResult } from './store.ts';

const resultsOf = (id: string) => [{ inserted: true, deliveryIds: [id] }] as unknown as InsertEventResult[];

test('the publishes of one turn of the event loop are committed together; the next turn makes a new group', async () => {
  const groups: string[][] = [];
  const queue = new PublishQueue((group) => {
    groups.push(group.map((p) => p.accountId));
    settle(
      group,
      group.map((p): InsertOutcome => ({ results: resultsOf(p.accountId) })),
    );
  });
  const first = await Promise.all(['a', 'b', 'c'].map((id) => queue.add(id, [])));
  const later = await queue.add('d', []);
  assert.deepEqual(groups, [['a', 'b', 'c'], ['d']]);
  assert.deepEqual(
    first.map((r) => r[0]?.deliveryIds[0]),
    ['a', 'b', 'c'],
  );
  assert.equal(later[0]?.deliveryIds[0], 'd');
});

test('one failing publish fails alone; a failed transaction fails them all', async () => {
  const conflict = new Error('idempotency conflict');
  let failWhole = false;
  const queue = new PublishQueue((group: PendingInsert[]) => {
    if (failWhole) return settle(group, { error: new Error('the database is away') });
    settle(
      group,
      group.map(
        (p): InsertOutcome =>
          p.accountId === 'bad' ? { error: conflict } : { results: resultsOf(p.accountId) },
      ),
    );
  });
  const [good, bad] = await Promise.allSettled([queue.add('good', []), queue.add('bad', [])]);
  assert.equal(good.status, 'fulfilled');
  assert.deepEqual(bad, { status: 'rejected', reason: conflict });
  failWhole = true;
  const both = await Promise.allSettled([queue.add('x', []), queue.add('y', [])]);
  assert.deepEqual(
    both.map((r) => r.status),
    ['rejected', 'rejected'],
  );
});
