/**
 * The operator overview's arithmetic: rates between two readings of the engine's counters, restarts,
 * and failure ratios with and without attempts.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { EngineStats } from '../src/api-types.ts';
import {
  failureRatio,
  NO_READINGS,
  overviewFigures,
  readingTimeMs,
  restartedBetween,
  withReading,
} from '../src/overview-rates.ts';

const T0 = Date.parse('2026-12-06T10:00:00.000Z');

/** A reading `seconds` after T0 with the given counters (the rest zero). */
function reading(seconds: number, counters: Partial<Omit<EngineStats, 'at'>> = {}): EngineStats {
  return {
    at: new Date(T0 + seconds * 1000).toISOString(),
    eventsPublished: 0,
    deliveriesCreated: 0,
    attemptsSucceeded: 0,
    attemptsFailed: 0,
    backlog: { pending: 0, sending: 0 },
    disabledEndpoints: 0,
    accounts: 0,
    ...counters,
  };
}

describe('overview figures', () => {
  test('the first reading has totals but no rate', () => {
    const figures = overviewFigures(
      null,
      reading(0, {
        eventsPublished: 40,
        deliveriesCreated: 90,
        attemptsSucceeded: 3,
        attemptsFailed: 1,
        backlog: { pending: 7, sending: 2 },
        disabledEndpoints: 1,
        accounts: 5,
      }),
    );
    assert.equal(figures.intervalSeconds, null);
    assert.equal(figures.eventsPerSecond, null);
    assert.equal(figures.deliveriesPerSecond, null);
    assert.equal(figures.failureRateRecent, null);
    assert.equal(figures.failureRateSinceStart, 0.25);
    assert.equal(figures.backlog, 9);
    assert.equal(figures.eventsPublished, 40);
    assert.equal(figures.deliveriesCreated, 90);
    assert.equal(figures.attempts, 4);
    assert.equal(figures.disabledEndpoints, 1);
    assert.equal(figures.accounts, 5);
  });

  test('rates are the growth of each counter over the seconds between two readings', () => {
    const before = reading(0, {
      eventsPublished: 10,
      deliveriesCreated: 20,
      attemptsSucceeded: 8,
      attemptsFailed: 2,
    });
    const after = reading(2, {
      eventsPublished: 30,
      deliveriesCreated: 25,
      attemptsSucceeded: 14,
      attemptsFailed: 4,
    });
    const figures = overviewFigures(before, after);
    assert.equal(figures.intervalSeconds, 2);
    assert.equal(figures.eventsPerSecond, 10);
    assert.equal(figures.deliveriesPerSecond, 2.5);
    // 2 of the interval's 8 attempts failed; 4 of all 18.
    assert.equal(figures.failureRateRecent, 0.25);
    assert.equal(figures.failureRateSinceStart, 4 / 18);
  });

  test('quiet intervals give a rate of zero', () => {
    const figures = overviewFigures(reading(0, { eventsPublished: 5 }), reading(2, { eventsPublished: 5 }));
    assert.equal(figures.eventsPerSecond, 0);
    assert.equal(figures.deliveriesPerSecond, 0);
  });

  test('a counter that went down (a restart) gives no rate, never a negative one', () => {
    const before = reading(0, {
      eventsPublished: 500,
      deliveriesCreated: 900,
      attemptsSucceeded: 800,
      attemptsFailed: 9,
    });
    // Restarted: every counter starts again; deliveries happen to have passed their old value.
    const after = reading(2, {
      eventsPublished: 3,
      deliveriesCreated: 950,
      attemptsSucceeded: 2,
      attemptsFailed: 1,
    });
    assert.equal(restartedBetween(before, after), true);
    const figures = overviewFigures(before, after);
    assert.equal(figures.intervalSeconds, null);
    assert.equal(figures.eventsPerSecond, null);
    assert.equal(figures.deliveriesPerSecond, null);
    assert.equal(figures.failureRateRecent, null);
    // What the new process counted still shows.
    assert.equal(figures.eventsPublished, 3);
    assert.equal(figures.failureRateSinceStart, 1 / 3);
  });

  test('a single counter going down is a restart too', () => {
    const before = reading(0, { attemptsFailed: 4 });
    const after = reading(2, { eventsPublished: 10, attemptsFailed: 0 });
    assert.equal(restartedBetween(before, after), true);
    assert.equal(overviewFigures(before, after).eventsPerSecond, null);
  });

  test('no attempts give no failure rate, not 0 %', () => {
    assert.equal(failureRatio(0, 0), null);
    assert.equal(failureRatio(5, 0), 0);
    assert.equal(failureRatio(0, 5), 1);
    const figures = overviewFigures(reading(0, { eventsPublished: 1 }), reading(2, { eventsPublished: 4 }));
    assert.equal(figures.failureRateRecent, null);
    assert.equal(figures.failureRateSinceStart, null);
    // Attempts before the interval but none in it: a ratio since start, none for the interval.
    const busy = overviewFigures(
      reading(0, { attemptsSucceeded: 3, attemptsFailed: 1 }),
      reading(2, { attemptsSucceeded: 3, attemptsFailed: 1 }),
    );
    assert.equal(busy.failureRateRecent, null);
    assert.equal(busy.failureRateSinceStart, 0.25);
  });

  test('readings whose times do not move forward give no rate', () => {
    const same = overviewFigures(reading(2, { eventsPublished: 1 }), reading(2, { eventsPublished: 9 }));
    assert.equal(same.eventsPerSecond, null);
    const backwards = overviewFigures(reading(4, { eventsPublished: 1 }), reading(2, { eventsPublished: 9 }));
    assert.equal(backwards.eventsPerSecond, null);
    const unreadable = overviewFigures(
      { ...reading(0), at: 'yesterday' },
      reading(2, { eventsPublished: 9 }),
    );
    assert.equal(unreadable.eventsPerSecond, null);
  });

  test('times in epoch milliseconds are read as well as ISO strings', () => {
    assert.equal(readingTimeMs(reading(0)), T0);
    assert.equal(readingTimeMs({ ...reading(0), at: T0 }), T0);
    const figures = overviewFigures(
      { ...reading(0), at: T0 },
      { ...reading(0, { eventsPublished: 6 }), at: T0 + 3000 },
    );
    assert.equal(figures.eventsPerSecond, 2);
  });

  test('each new reading pushes the latest one back', () => {
    const first = reading(0);
    const second = reading(2);
    const once = withReading(NO_READINGS, first);
    assert.deepEqual(once, { previous: null, latest: first });
    assert.deepEqual(withReading(once, second), { previous: first, latest: second });
  });
});
