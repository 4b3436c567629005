import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatDurationMs, parseDurationListMs, parseDurationMs } from './duration.ts';

describe('parseDurationMs', () => {
  const cases: Array<[text: string, ms: number]> = [
    ['500ms', 500],
    ['5s', 5_000],
    ['5m', 300_000],
    ['2h', 7_200_000],
    ['1d', 86_400_000],
    ['1.5h', 5_400_000],
    ['0.25s', 250],
    ['0s', 0],
    [' 30m ', 1_800_000],
  ];
  for (const [text, ms] of cases) {
    test(`${JSON.stringify(text)} is ${ms} ms`, () => {
      assert.equal(parseDurationMs(text), ms);
    });
  }

  test('refuses text that is not a duration, naming it', () => {
    for (const text of ['', '5', 's', '5 s', '-5s', '5sec', '1,5h', '5S', '.5s', '5s5m', 'five minutes']) {
      assert.throws(() => parseDurationMs(text), new RegExp(`"${text}" is not a duration`), text);
    }
  });
});

describe('parseDurationListMs', () => {
  test('splits on commas, tolerating spaces and empty entries', () => {
    assert.deepEqual(parseDurationListMs('5s,5m, 30m,'), [5_000, 300_000, 1_800_000]);
    assert.deepEqual(parseDurationListMs(''), []);
  });

  test('names a bad entry', () => {
    assert.throws(() => parseDurationListMs('5s,soon'), /"soon" is not a duration/);
  });
});

describe('formatDurationMs', () => {
  test('uses the largest unit that divides the value', () => {
    assert.equal(formatDurationMs(300_000), '5m');
    assert.equal(formatDurationMs(86_400_000), '1d');
    assert.equal(formatDurationMs(5_400_000), '90m');
    assert.equal(formatDurationMs(1_500), '1500ms');
    assert.equal(formatDurationMs(0), '0ms');
  });

  test('round-trips through parseDurationMs', () => {
    for (const ms of [1, 999, 1_000, 61_000, 3_600_000, 172_800_000]) {
      assert.equal(parseDurationMs(formatDurationMs(ms)), ms);
    }
  });
});
