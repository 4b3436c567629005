import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { expectationsFor, Ledger, SeqRanges } from './ledger.ts';

describe('Ledger', () => {
  test('records sequence numbers per path and counts duplicates', () => {
    const ledger = new Ledger();
    assert.equal(ledger.record('/e/0', 0), true);
    assert.equal(ledger.record('/e/0', 1), true);
    assert.equal(ledger.record('/e/1', 0), true);
    assert.equal(ledger.record('/e/0', 1), false);
    assert.equal(ledger.received, 4);
    assert.equal(ledger.duplicates, 1);
    assert.equal(ledger.receivedOn('/e/0'), 3);
    assert.equal(ledger.has('/e/1', 0), true);
    assert.equal(ledger.has('/e/1', 1), false);
    assert.equal(ledger.has('/e/9', 0), false);
  });

  test('completeness against every path and a strided expectation', () => {
    const ledger = new Ledger();
    for (let seq = 0; seq < 10; seq++) if (seq !== 7) ledger.record('/e/0', seq);
    for (const seq of [1, 4, 7]) ledger.record('/e/1', seq);
    const check = ledger.check([
      { path: '/e/0', start: 0, end: 10, step: 1 },
      { path: '/e/1', start: 1, end: 10, step: 3 },
    ]);
    assert.deepEqual(check, { expected: 13, present: 12, missing: 1 });
  });

  test('a million sequence numbers over ten paths', () => {
    const ledger = new Ledger();
    for (let path = 0; path < 10; path++)
      for (let seq = 0; seq < 100_000; seq++) ledger.record(`/e/${path}`, seq);
    const expected = Array.from({ length: 10 }, (_, path) => ({
      path: `/e/${path}`,
      start: 0,
      end: 100_000,
      step: 1,
    }));
    assert.deepEqual(ledger.check(expected), { expected: 1_000_000, present: 1_000_000, missing: 0 });
    assert.equal(ledger.duplicates, 0);
  });

  test('rejects what is not a sequence number; clear forgets everything', () => {
    const ledger = new Ledger();
    assert.throws(() => ledger.record('/e/0', -1), RangeError);
    assert.throws(() => ledger.record('/e/0', 1.5), RangeError);
    ledger.record('/e/0', 3);
    ledger.clear();
    assert.equal(ledger.received, 0);
    assert.equal(ledger.has('/e/0', 3), false);
  });
});

describe('SeqRanges', () => {
  test('merges touching and overlapping ranges, keeps gaps', () => {
    const ranges = new SeqRanges();
    ranges.add(0, 100);
    ranges.add(200, 300);
    ranges.add(100, 150);
    assert.deepEqual(ranges.list(), [
      [0, 150],
      [200, 300],
    ]);
    ranges.add(140, 210);
    assert.deepEqual(ranges.list(), [[0, 300]]);
    ranges.add(400, 400);
    assert.equal(ranges.size, 300);
  });

  test('a range added before the others goes first', () => {
    const ranges = new SeqRanges();
    ranges.add(50, 60);
    ranges.add(0, 10);
    assert.deepEqual(ranges.list(), [
      [0, 10],
      [50, 60],
    ]);
  });
});

describe('expectationsFor', () => {
  test('every path gets every accepted event', () => {
    const accepted = new SeqRanges();
    accepted.add(0, 100);
    accepted.add(200, 300);
    assert.deepEqual(expectationsFor(accepted, ['/e/0', '/e/1'], 'every'), [
      { path: '/e/0', start: 0, end: 100, step: 1 },
      { path: '/e/1', start: 0, end: 100, step: 1 },
      { path: '/e/0', start: 200, end: 300, step: 1 },
      { path: '/e/1', start: 200, end: 300, step: 1 },
    ]);
  });

  test('spread: path i gets seq % n === i, also in a range that does not start at 0', () => {
    const accepted = new SeqRanges();
    accepted.add(5, 12);
    const expected = expectationsFor(accepted, ['/e/0', '/e/1', '/e/2'], 'spread');
    assert.deepEqual(expected, [
      { path: '/e/0', start: 6, end: 12, step: 3 },
      { path: '/e/1', start: 7, end: 12, step: 3 },
      { path: '/e/2', start: 5, end: 12, step: 3 },
    ]);
    const ledger = new Ledger();
    for (let seq = 5; seq < 12; seq++) ledger.record(`/e/${seq % 3}`, seq);
    assert.deepEqual(ledger.check(expected), { expected: 7, present: 7, missing: 0 });
  });
});
