import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { healthAction, nextFailingSince, summarizeAttempts } from './endpoint-health.ts';

const attempt = (endpointId: string, startedAt: number, succeeded: boolean) => ({
  endpointId,
  accountId: 'acc_1',
  startedAt,
  succeeded,
});

describe('endpoint health', () => {
  test('a group is summed up per endpoint: the last success, and the first failure after it', () => {
    assert.deepEqual(
      summarizeAttempts([
        attempt('ep_a', 30, false),
        attempt('ep_a', 10, false),
        attempt('ep_a', 20, true),
        attempt('ep_b', 5, false),
        attempt('ep_b', 3, false),
        attempt('ep_c', 7, true),
      ]),
      [
        { endpointId: 'ep_a', accountId: 'acc_1', succeededAt: 20, failedSince: 30 },
        { endpointId: 'ep_b', accountId: 'acc_1', succeededAt: null, failedSince: 3 },
        { endpointId: 'ep_c', accountId: 'acc_1', succeededAt: 7, failedSince: null },
      ],
    );
  });

  test('a streak starts at its first failure, goes on through later ones, and a success ends it', () => {
    const summary = (succeededAt: number | null, failedSince: number | null) => ({
      endpointId: 'ep_a',
      accountId: 'acc_1',
      succeededAt,
      failedSince,
    });
    assert.equal(nextFailingSince(null, summary(null, 10)), 10);
    assert.equal(nextFailingSince(10, summary(null, 20)), 10);
    assert.equal(nextFailingSince(10, summary(30, null)), null);
    assert.equal(nextFailingSince(10, summary(30, 40)), 40);
    assert.equal(nextFailingSince(null, summary(30, null)), null);
  });

  test('warned once after the warning window, disabled after the other; a disabled one is left alone', () => {
    const windows = { warnAfterMs: 100, disableAfterMs: 500 };
    const failing = (failingSince: number | null, warnedAt: number | null = null, enabled = true) => ({
      enabled,
      failingSince,
      warnedAt,
    });
    assert.equal(healthAction(failing(null), 10_000, windows), 'none');
    assert.equal(healthAction(failing(1_000), 1_099, windows), 'none');
    assert.equal(healthAction(failing(1_000), 1_100, windows), 'warn');
    assert.equal(healthAction(failing(1_000, 1_100), 1_200, windows), 'none');
    assert.equal(healthAction(failing(1_000, 1_100), 1_500, windows), 'disable');
    assert.equal(
      healthAction(failing(1_000), 1_500, windows),
      'disable',
      'never warned: disabled all the same',
    );
    assert.equal(healthAction(failing(1_000, null, false), 9_000, windows), 'none');
  });
});
