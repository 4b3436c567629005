import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SeqRanges } from './ledger.ts';
import {
  heldExpectations,
  longestObservationBoundMs,
  sizeSpreadPercent,
} from './scenarios/b11-retention-soak.ts';

test('the size spread: the largest distance from the median over the window, in percent', () => {
  const samples = [
    { atMs: 0, bytes: 10 },
    { atMs: 1_000, bytes: 500 },
    { atMs: 2_000, bytes: 100 },
    { atMs: 3_000, bytes: 110 },
    { atMs: 4_000, bytes: 95 },
  ];
  // The window starts at 2 s: 100, 110 and 95, median 100, the farthest 10 away.
  assert.equal(sizeSpreadPercent(samples, 2_000), 10);
  assert.ok(sizeSpreadPercent(samples, 0) > 100, 'the growth before the window counts only inside it');
  assert.ok(Number.isNaN(sizeSpreadPercent(samples, 5_000)));
});

test('the held events: every thousandth, from each accepted range', () => {
  const accepted = new SeqRanges();
  accepted.add(0, 2_500);
  accepted.add(3_000, 3_999);
  accepted.add(4_990, 5_000);
  // [3,000, 3,999) holds no thousandth event.
  assert.deepEqual(heldExpectations(accepted, '/e/1'), [
    { path: '/e/1', start: 999, end: 2_500, step: 1_000 },
    { path: '/e/1', start: 4_999, end: 5_000, step: 1_000 },
  ]);
});

test('the longest observation of a histogram: the smallest bucket that holds them all', () => {
  const scrape = [
    'x_bucket{le="0.004"} 3',
    'x_bucket{le="0.008"} 9',
    'x_bucket{le="0.016"} 10',
    'x_bucket{le="+Inf"} 10',
    'x_sum 0.07',
    'x_count 10',
  ].join('\n');
  assert.equal(longestObservationBoundMs(scrape, 'x'), 16);
  assert.equal(longestObservationBoundMs(scrape.replace('0.016"} 10', '0.016"} 9'), 'x'), Infinity);
  assert.ok(Number.isNaN(longestObservationBoundMs('x_count 0', 'x')));
});
