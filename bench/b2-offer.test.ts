import assert from 'node:assert/strict';
import { test } from 'node:test';
import { offeredRate } from './scenarios/b2-delivery.ts';

test('B2 offers at least the floor, and more on a machine whose ceiling would make the floor too low', () => {
  // A slow machine: 45 % of a 10,000/s ceiling is below the floor.
  assert.equal(offeredRate(8_000, 10_000, 0.45, 1), 8_000);
  // A fast one: the floor is 24 % of the ceiling, too low to show 30 %; the offer becomes 45 % of it.
  assert.equal(offeredRate(8_000, 33_248, 0.45, 1), 15_000);
  // Fan-out 10 offers events: 60 % of a 33,248/s ceiling in deliveries is 2,000 events/s.
  assert.equal(offeredRate(1_500, 33_248, 0.6, 10), 2_000);
  assert.equal(offeredRate(1_500, 20_000, 0.6, 10), 1_500);
});
