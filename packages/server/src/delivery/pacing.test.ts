import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  aheadAllowed,
  canStartBeforeLeaseEnds,
  claimRoom,
  deferMs,
  holdLimit,
  isStuck,
  LEASE_SAFETY_MS,
  nextLatencyMs,
  type PacingLimits,
  type PacingState,
} from './pacing.ts';

const NOW = 1_000_000;
// The engine's defaults: a 15 s deadline and a lease of twice that plus 30 s.
const LIMITS: PacingLimits = { cap: 32, timeoutMs: 15_000, leaseMs: 60_000, rateLimitPerSecond: null };
const USABLE_MS = LIMITS.leaseMs - LIMITS.timeoutMs - LEASE_SAFETY_MS;

function state(changes: Partial<PacingState> = {}): PacingState {
  return { inFlight: 0, queued: 0, latencyMs: 0, lastProgressAt: NOW, ...changes };
}

describe('isStuck', () => {
  test('attempts in flight and none ended for over a second (and 4x the latency) is stuck', () => {
    assert.equal(isStuck(state({ inFlight: 3, latencyMs: 20, lastProgressAt: NOW - 1_001 }), NOW), true);
    assert.equal(isStuck(state({ inFlight: 3, latencyMs: 20, lastProgressAt: NOW - 1_000 }), NOW), false);
  });

  test('a slow receiver is judged by its own latency', () => {
    const slow = { inFlight: 3, latencyMs: 2_000 };
    assert.equal(isStuck(state({ ...slow, lastProgressAt: NOW - 7_999 }), NOW), false);
    assert.equal(isStuck(state({ ...slow, lastProgressAt: NOW - 8_001 }), NOW), true);
  });

  test('nothing in flight is never stuck', () => {
    assert.equal(isStuck(state({ inFlight: 0, lastProgressAt: NOW - 60_000 }), NOW), false);
  });
});

describe('holdLimit', () => {
  test('one round of the cap while the latency is unknown', () => {
    assert.equal(holdLimit(state(), LIMITS, NOW), 32);
  });

  test('as many rounds as start before a lease ends, judged by the latency', () => {
    // 10 ms a turn: a round is 40 ms; 44 s of usable lease hold 1,100 rounds.
    assert.equal(holdLimit(state({ latencyMs: 10 }), LIMITS, NOW), 32 * Math.floor(USABLE_MS / 40));
    assert.equal(holdLimit(state({ latencyMs: 5_000 }), LIMITS, NOW), 32 * 2);
    // Slower than a lease allows for even one round: still one round.
    assert.equal(holdLimit(state({ latencyMs: 60_000 }), LIMITS, NOW), 32);
  });

  test('one round while stuck, however fast it was', () => {
    const stuck = state({ inFlight: 32, latencyMs: 10, lastProgressAt: NOW - 5_000 });
    assert.equal(holdLimit(stuck, LIMITS, NOW), 32);
  });

  test('a rate limit lowers it to what the rate starts before a lease ends', () => {
    const limits = { ...LIMITS, rateLimitPerSecond: 2 };
    assert.equal(holdLimit(state({ latencyMs: 10 }), limits, NOW), Math.floor((2 * USABLE_MS) / 1000));
    assert.equal(holdLimit(state(), { ...LIMITS, rateLimitPerSecond: 0.01 }, NOW), 1);
  });
});

describe('deferMs', () => {
  test('a deferred claim comes back when its turn should come, in 10 ms steps', () => {
    // 64 held ahead of the first deferred claim, 32 at a time, 100 ms a turn: (64 + 1) / 32 turns of
    // 100 ms, rounded up to 10 ms; the 33rd deferred claim a turn later.
    const busy = state({ inFlight: 32, queued: 32, latencyMs: 100 });
    assert.equal(deferMs(busy, LIMITS, 1, NOW), 210);
    assert.equal(deferMs(busy, LIMITS, 33, NOW), 310);
  });

  test('a stuck unit is left alone for as long as it has been stuck, up to one deadline', () => {
    const stuck = state({ inFlight: 32, latencyMs: 10, lastProgressAt: NOW - 4_000 });
    assert.equal(deferMs(stuck, LIMITS, 1, NOW), 4_000);
    const long = state({ inFlight: 32, latencyMs: 10, lastProgressAt: NOW - 40_000 });
    assert.equal(deferMs(long, LIMITS, 1, NOW), LIMITS.timeoutMs);
  });

  test('never less than one step', () => {
    assert.equal(deferMs(state(), LIMITS, 1, NOW), 10);
  });
});

describe('aheadAllowed', () => {
  test('a fast, flowing unit may hand its cap again ahead of time', () => {
    assert.equal(aheadAllowed(state({ inFlight: 32, latencyMs: 5 }), LIMITS, NOW), 32);
    assert.equal(aheadAllowed(state({ latencyMs: 50 }), LIMITS, NOW), 32);
  });

  test('none while the latency is unknown or over 50 ms, while stuck, or under a rate limit', () => {
    assert.equal(aheadAllowed(state(), LIMITS, NOW), 0);
    assert.equal(aheadAllowed(state({ latencyMs: 51 }), LIMITS, NOW), 0);
    assert.equal(
      aheadAllowed(state({ inFlight: 1, latencyMs: 5, lastProgressAt: NOW - 2_000 }), LIMITS, NOW),
      0,
    );
    assert.equal(aheadAllowed(state({ latencyMs: 5 }), { ...LIMITS, rateLimitPerSecond: 100 }, NOW), 0);
  });
});

test('nextLatencyMs: the first attempt sets it, later ones move it a fifth of the way', () => {
  assert.equal(nextLatencyMs(0, 40), 40);
  assert.equal(nextLatencyMs(40, 90), 50);
});

test('canStartBeforeLeaseEnds: the attempt, after its wait, must end a second before the lease', () => {
  const leaseUntil = NOW + 17_000;
  assert.equal(canStartBeforeLeaseEnds(NOW, 0, 15_000, leaseUntil), true);
  assert.equal(canStartBeforeLeaseEnds(NOW + 1, 0, 15_000, leaseUntil), true);
  assert.equal(canStartBeforeLeaseEnds(NOW + 1_001, 0, 15_000, leaseUntil), false);
  assert.equal(canStartBeforeLeaseEnds(NOW, 2_000, 15_000, leaseUntil), false);
});

describe('claimRoom', () => {
  // An account's share of 32; claims of 256; alone in the process, its part is 576.
  const BATCH = 256;
  const ALONE = 576;

  test('an account answering holds its attempts in flight and one batch waiting', () => {
    // 200 ms answers: no attempts handed ahead, so 32 in flight and 256 waiting.
    const flowing = state({ latencyMs: 200 });
    assert.equal(claimRoom(flowing, LIMITS, NOW, BATCH, ALONE), 32 + BATCH);
    assert.equal(claimRoom({ ...flowing, inFlight: 32, queued: 100 }, LIMITS, NOW, BATCH, ALONE), 156);
    // A fast one may have its cap again handed ahead.
    assert.equal(claimRoom(state({ latencyMs: 10 }), LIMITS, NOW, BATCH, ALONE), 64 + BATCH);
  });

  test('beside other accounts it holds no more than its part of the process', () => {
    assert.equal(claimRoom(state({ latencyMs: 200 }), LIMITS, NOW, BATCH, 100), 100);
    // Never less than its share.
    assert.equal(claimRoom(state({ latencyMs: 200 }), LIMITS, NOW, BATCH, 10), 32);
  });

  test('near its hold it takes nothing rather than a few at a time', () => {
    const hold = 32 + BATCH;
    const near = state({ latencyMs: 200, inFlight: 32 });
    assert.equal(claimRoom({ ...near, queued: hold - 32 - 72 }, LIMITS, NOW, BATCH, ALONE), 72);
    assert.equal(claimRoom({ ...near, queued: hold - 32 - 71 }, LIMITS, NOW, BATCH, ALONE), 0);
  });

  test('while its latency is unknown it holds one round of its share', () => {
    assert.equal(claimRoom(state(), LIMITS, NOW, BATCH, ALONE), 32);
    assert.equal(claimRoom(state({ inFlight: 32 }), LIMITS, NOW, BATCH, ALONE), 0);
  });

  test('stuck, it still takes a quarter of its share, for the endpoints of it that answer', () => {
    const stuck = state({ inFlight: 32, latencyMs: 200, lastProgressAt: NOW - 5_000 });
    assert.equal(claimRoom(stuck, LIMITS, NOW, BATCH, ALONE), 8);
  });
});
