import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { JITTER_RATIO, nextRetryDelayMs, parseRetryAfterMs } from './retry-schedule.ts';

const SCHEDULE = [5_000, 300_000, 1_800_000];
// The largest value a [0, 1) source gives; 1 itself never occurs.
const ALMOST_ONE = 1 - Number.EPSILON;

function delay(attemptsMade: number, random: number, retryAfterMs?: number, retryAfterMaxMs = 3_600_000) {
  return nextRetryDelayMs({ attemptsMade, scheduleMs: SCHEDULE, random, retryAfterMs, retryAfterMaxMs });
}

describe('nextRetryDelayMs', () => {
  test('the jitter is ±20 % around each scheduled delay', () => {
    assert.equal(JITTER_RATIO, 0.2);
    for (const [index, base] of SCHEDULE.entries()) {
      const attemptsMade = index + 1;
      assert.equal(delay(attemptsMade, 0), base * 0.8, `lowest, after attempt ${attemptsMade}`);
      assert.equal(delay(attemptsMade, 0.5), base, `middle, after attempt ${attemptsMade}`);
      assert.equal(delay(attemptsMade, ALMOST_ONE), base * 1.2, `highest, after attempt ${attemptsMade}`);
    }
  });

  test('every random number in [0, 1) lands within the bounds', () => {
    for (let i = 0; i < 1_000; i++) {
      const random = i / 1_000;
      const ms = delay(2, random);
      assert.ok(ms !== undefined && ms >= 240_000 && ms <= 360_000, `random ${random} gave ${ms}`);
    }
  });

  test('the first retry uses the first delay: the immediate first attempt is not in the schedule', () => {
    assert.equal(delay(1, 0.5), 5_000);
    assert.equal(delay(3, 0.5), 1_800_000);
  });

  test('is undefined once the schedule is used up (1 + schedule length attempts)', () => {
    assert.equal(delay(SCHEDULE.length + 1, 0.5), undefined);
    assert.equal(delay(SCHEDULE.length + 5, 0.5), undefined);
    assert.equal(
      nextRetryDelayMs({ attemptsMade: 1, scheduleMs: [], random: 0.5, retryAfterMaxMs: 1_000 }),
      undefined,
    );
  });

  test('a Retry-After only postpones the scheduled retry', () => {
    assert.equal(delay(1, 0.5, 60_000), 60_000, 'later than the schedule: honoured');
    assert.equal(delay(1, 0.5, 1_000), 5_000, 'earlier than the schedule: the schedule wins');
    assert.equal(delay(1, 0.5, 0), 5_000);
  });

  test('a Retry-After is clamped to retryAfterMaxMs', () => {
    assert.equal(delay(1, 0.5, 86_400_000, 3_600_000), 3_600_000);
    assert.equal(delay(1, 0.5, Number.POSITIVE_INFINITY, 60_000), 60_000);
    // The clamp never pulls a retry before its scheduled (jittered) time.
    assert.equal(delay(3, 0.5, 86_400_000, 60_000), 1_800_000);
  });

  test('a Retry-After does not extend a used-up schedule', () => {
    assert.equal(delay(SCHEDULE.length + 1, 0.5, 10_000), undefined);
  });
});

describe('parseRetryAfterMs', () => {
  const nowMs = Date.parse('2025-03-01T12:00:00.000Z');

  test('reads delay-seconds', () => {
    assert.equal(parseRetryAfterMs('120', nowMs), 120_000);
    assert.equal(parseRetryAfterMs('0', nowMs), 0);
    assert.equal(parseRetryAfterMs(' 5 ', nowMs), 5_000);
  });

  test('reads the three HTTP-date forms as the time from now', () => {
    assert.equal(parseRetryAfterMs('Sat, 01 Mar 2025 12:00:30 GMT', nowMs), 30_000);
    assert.equal(parseRetryAfterMs('Saturday, 01-Mar-25 12:01:00 GMT', nowMs), 60_000);
    // asctime carries no zone but means UTC, whatever the server's local zone.
    assert.equal(parseRetryAfterMs('Sat Mar  1 12:00:10 2025', nowMs), 10_000);
  });

  test('a date in the past means now', () => {
    assert.equal(parseRetryAfterMs('Sat, 01 Mar 2025 11:00:00 GMT', nowMs), 0);
    assert.equal(parseRetryAfterMs('Sun, 06 Nov 1994 08:49:37 GMT', nowMs), 0);
  });

  test('is undefined when absent or not understood', () => {
    assert.equal(parseRetryAfterMs(undefined, nowMs), undefined);
    for (const garbage of [
      '',
      'soon',
      '1.5',
      '-1',
      '1e3',
      '5 seconds',
      'abc 1',
      '2099-01-01',
      'tomorrow 12:00',
      '12 13',
      '0x10',
    ]) {
      assert.equal(parseRetryAfterMs(garbage, nowMs), undefined, JSON.stringify(garbage));
    }
  });
});
