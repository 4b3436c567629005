import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  bucketsOf,
  ENDPOINT_BUCKETS,
  endpointBucket,
  endpointHash,
  endpointPartition,
  partitionServesAny,
} from './endpoint-partition.ts';

describe('endpoint partitions', () => {
  test('the hash is stable and the buckets spread ids evenly', () => {
    assert.equal(
      endpointHash('ep_01JNB0000000000000000000000'),
      endpointHash('ep_01JNB0000000000000000000000'),
    );
    assert.equal(endpointHash(''), 0x811c9dc5);
    const counts = new Array<number>(ENDPOINT_BUCKETS).fill(0);
    for (let i = 0; i < 64_000; i++) {
      const bucket = endpointBucket(`ep_${i.toString(36).padStart(8, '0')}`);
      counts[bucket] = (counts[bucket] ?? 0) + 1;
    }
    for (const n of counts) assert.ok(n > 800 && n < 1_200, `uneven: ${counts.join(',')}`);
  });

  test('an endpoint’s partition is its bucket’s, and the partitions’ buckets split all of them', () => {
    for (const count of [1, 2, 3, 7]) {
      const seen = new Set<number>();
      for (let index = 0; index < count; index++) {
        for (const bucket of bucketsOf({ index, count })) {
          assert.ok(!seen.has(bucket));
          seen.add(bucket);
        }
      }
      assert.equal(seen.size, ENDPOINT_BUCKETS);
      const id = `ep_${count}`;
      assert.ok(bucketsOf({ index: endpointPartition(id, count), count }).includes(endpointBucket(id)));
    }
    assert.equal(bucketsOf(undefined).length, ENDPOINT_BUCKETS);
  });

  test('a partition serves a list of buckets when it holds one of them; a lone worker serves all', () => {
    assert.equal(partitionServesAny({ index: 1, count: 2 }, [4, 9]), true);
    assert.equal(partitionServesAny({ index: 1, count: 2 }, [4, 8]), false);
    assert.equal(partitionServesAny({ index: 2, count: 3 }, [0, 1, 3, 4]), false);
    assert.equal(partitionServesAny({ index: 2, count: 3 }, [62]), true);
    assert.equal(partitionServesAny({ index: 0, count: 2 }, []), false);
    assert.equal(partitionServesAny(undefined, [5]), true);
  });
});
