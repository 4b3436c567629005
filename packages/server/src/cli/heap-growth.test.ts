import assert from 'node:assert/strict';
import { test } from 'node:test';
import { heapGrowthSetByOperator } from './heap-growth.ts';

test('the operator’s own heap growing factor wins, from the command or NODE_OPTIONS', () => {
  assert.equal(heapGrowthSetByOperator(['--heap-growing-percent=20'], undefined), true);
  assert.equal(heapGrowthSetByOperator(['--heap_growing_percent=20'], undefined), true);
  assert.equal(heapGrowthSetByOperator([], '--max-old-space-size=512 --heap-growing-percent=30'), true);
  assert.equal(heapGrowthSetByOperator(['--heap-growing-percent', '30'], undefined), true);
});

test('other flags leave the factor to Hookline', () => {
  assert.equal(heapGrowthSetByOperator([], undefined), false);
  assert.equal(heapGrowthSetByOperator(['--max-old-space-size=512', '--import', 'tsx'], ''), false);
  assert.equal(heapGrowthSetByOperator([], '--heap-growing-percentage=2'), false);
});
