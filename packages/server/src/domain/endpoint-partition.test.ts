import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { endpointPartition } from './endpoint-partition.ts';

describe('endpointPartition', () => {
  test('is stable, in range, and spreads ids evenly', () => {
    assert.equal(
      endpointPartition('ep_01JNB0000000000000000000000', 7),
      endpointPartition('ep_01JNB0000000000000000000000', 7),
    );
    const counts = [0, 0, 0];
    for (let i = 0; i < 3_000; i++) {
      const p = endpointPartition(`ep_${i.toString(36).padStart(8, '0')}`, 3);
      assert.ok(p >= 0 && p < 3);
      counts[p] = (counts[p] ?? 0) + 1;
    }
    for (const n of counts) assert.ok(n > 800 && n < 1_200, `uneven: ${counts}`);
  });

  test('one partition takes everything', () => {
    assert.equal(endpointPartition('anything', 1), 0);
  });
});
