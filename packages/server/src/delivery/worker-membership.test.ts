import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLogger } from '../observability/logger.ts';
import type { Partition } from '../store/store.ts';
import { shareOf, WorkerMembership } from './worker-membership.ts';

test('a worker alone serves every endpoint; among several, its position in the list', () => {
  assert.equal(shareOf(['w1'], 'w1'), undefined);
  assert.deepEqual(shareOf(['w1', 'w2', 'w3'], 'w2'), { index: 1, count: 3 });
  // Not listed yet (its own registration is not visible): every endpoint, as alone.
  assert.equal(shareOf(['w1', 'w3'], 'w2'), undefined);
});

test('the share changes when a worker joins or leaves, and the process is told once per change', async () => {
  let workers = ['w1'];
  const changes: (Partition | undefined)[] = [];
  let beats = 0;
  let unregistered = false;
  const membership = new WorkerMembership(
    {
      registerWorker: async () => workers,
      unregisterWorker: async () => {
        unregistered = true;
      },
    },
    'w1',
    () => 0,
    createLogger('silent'),
    {
      shareChanged: async (partition) => {
        changes.push(partition);
      },
      beat: async () => {
        beats++;
      },
    },
  );
  await membership.join();
  assert.equal(membership.partition, undefined);
  assert.deepEqual(changes, [], 'alone from the start: nothing to hand back');
  workers = ['w0', 'w1'];
  await new Promise((resolve) => setTimeout(resolve, 1_100));
  assert.deepEqual(membership.partition, { index: 1, count: 2 });
  assert.deepEqual(changes, [{ index: 1, count: 2 }]);
  workers = ['w1'];
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  assert.equal(membership.partition, undefined);
  assert.deepEqual(changes, [{ index: 1, count: 2 }, undefined]);
  assert.ok(beats >= 3);
  await membership.leave();
  assert.ok(unregistered, 'it says it left, so the others take its share at once');
});
