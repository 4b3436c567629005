import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LatencyHistogram, median, percentileOf, percentileWithUndelivered, summarize } from './stats.ts';

describe('LatencyHistogram', () => {
  test('percentiles are exact to 0.01 ms below 10 ms', () => {
    const h = new LatencyHistogram();
    // 1,000 values: 0.01, 0.02, … 10.00 ms.
    for (let i = 1; i <= 1000; i++) h.record(i / 100);
    assert.equal(h.count, 1000);
    assert.equal(h.percentile(0.5), 5);
    assert.equal(h.percentile(0.99), 9.9);
    assert.equal(h.percentile(0.999), 9.99);
    assert.equal(h.percentile(1), 10);
    assert.equal(h.percentile(0), 0.01);
    assert.equal(h.minMs, 0.01);
    assert.equal(h.maxMs, 10);
    assert.ok(Math.abs(h.meanMs() - 5.005) < 1e-9);
  });

  test('larger values are kept within 0.2 %, never below the true value', () => {
    const h = new LatencyHistogram();
    const values = [12.34, 50, 123.456, 999.9, 15_000, 59_999];
    for (const v of values) h.record(v);
    values.forEach((v, i) => {
      const p = h.percentile((i + 1) / values.length);
      assert.ok(p >= v - 0.005, `${p} >= ${v}`);
      assert.ok(p <= v * 1.002 + 0.01, `${p} within 0.2 % of ${v}`);
    });
  });

  test('p99 and p99.9 of a skewed distribution', () => {
    const h = new LatencyHistogram();
    for (let i = 0; i < 9_989; i++) h.record(2);
    for (let i = 0; i < 10; i++) h.record(40);
    h.record(700);
    assert.equal(h.percentile(0.5), 2);
    assert.equal(h.percentile(0.99), 2);
    // 40 ms lies above the exact range: the answer is the top of its bucket, 0.1 % higher.
    assert.ok(Math.abs(h.percentile(0.999) - 40) <= 40 * 0.002);
    assert.equal(h.percentile(1), 700);
  });

  test('values beyond 60 s count in the top bucket and keep the exact max', () => {
    const h = new LatencyHistogram();
    h.record(120_000);
    assert.equal(h.maxMs, 120_000);
    assert.ok(h.percentile(1) >= 59_000);
  });

  test('negative values (clock noise) count as 0; an empty histogram has no percentile', () => {
    const h = new LatencyHistogram();
    assert.ok(Number.isNaN(h.percentile(0.5)));
    h.record(-0.3);
    assert.equal(h.percentile(0.5), 0);
  });

  test('snapshot survives JSON and merges', () => {
    const a = new LatencyHistogram();
    const b = new LatencyHistogram();
    for (let i = 1; i <= 500; i++) a.record(i / 100);
    for (let i = 501; i <= 1000; i++) b.record(i / 100);
    const copy = LatencyHistogram.from(JSON.parse(JSON.stringify(a.snapshot())));
    copy.add(b);
    assert.equal(copy.count, 1000);
    assert.equal(copy.percentile(0.5), 5);
    assert.equal(copy.minMs, 0.01);
    assert.equal(copy.maxMs, 10);
    copy.reset();
    assert.equal(copy.count, 0);
  });
});

describe('percentileWithUndelivered', () => {
  test('undelivered events count as infinitely late', () => {
    const h = new LatencyHistogram();
    for (let i = 1; i <= 98; i++) h.record(i / 10);
    // 98 delivered, 2 not: p50 is among the delivered, p99 among the undelivered.
    assert.equal(percentileWithUndelivered(h, 2, 0.5), 5);
    assert.equal(percentileWithUndelivered(h, 2, 0.99), Number.POSITIVE_INFINITY);
    assert.equal(percentileWithUndelivered(h, 0, 0.99), h.percentile(0.99));
    assert.ok(Number.isNaN(percentileWithUndelivered(new LatencyHistogram(), 0, 0.5)));
  });
});

describe('median and spread', () => {
  test('median of odd and even counts', () => {
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.ok(Number.isNaN(median([])));
  });

  test('summarize keeps the run values in order and leaves NaN runs out', () => {
    const s = summarize([5_000, Number.NaN, 7_000, 6_000]);
    assert.deepEqual(s.values, [5_000, Number.NaN, 7_000, 6_000]);
    assert.equal(s.median, 6_000);
    assert.equal(s.min, 5_000);
    assert.equal(s.max, 7_000);
  });

  test('infinite values sort last', () => {
    assert.equal(summarize([1, Number.POSITIVE_INFINITY, 2]).median, 2);
    assert.equal(
      summarize([Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY, 2]).median,
      Number.POSITIVE_INFINITY,
    );
  });

  test('nearest-rank percentile of samples', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    assert.equal(percentileOf(values, 0.5), 50);
    assert.equal(percentileOf(values, 0.99), 99);
    assert.equal(percentileOf(values, 1), 100);
  });
});
