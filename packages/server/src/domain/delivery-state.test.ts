import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  DELIVERY_STATUSES,
  type DecideInput,
  type DeliveryStatus,
  decideAfterAttempt,
  endpointChangeOnGone,
  isTerminal,
} from './delivery-state.ts';
import type { SendOutcome } from './send-outcome.ts';

const NOW_MS = Date.parse('2025-03-01T12:00:00.000Z');
const SCHEDULE_MS = [1_000, 10_000, 60_000];

function response(statusCode: number, retryAfter?: string): SendOutcome {
  return {
    kind: 'response',
    statusCode,
    durationMs: 5,
    body: 'ok',
    bodyTruncated: false,
    headersJson: '{}',
    retryAfter,
  };
}

function decide(outcome: SendOutcome, overrides: Partial<DecideInput> = {}) {
  return decideAfterAttempt({
    outcome,
    attemptsMade: 1,
    scheduleMs: SCHEDULE_MS,
    retryAfterMaxMs: 3_600_000,
    nowMs: NOW_MS,
    random: 0.5,
    ...overrides,
  });
}

describe('decideAfterAttempt', () => {
  test('a 2xx succeeds, even on the last attempt', () => {
    assert.deepEqual(decide(response(200)), { status: 'succeeded' });
    assert.deepEqual(decide(response(204), { attemptsMade: 4 }), { status: 'succeeded' });
  });

  test('a 410 cancels the delivery and disables the endpoint, even with retries left', () => {
    assert.deepEqual(decide(response(410)), { status: 'cancelled', disableEndpoint: true });
    assert.deepEqual(decide(response(410), { attemptsMade: 4 }), {
      status: 'cancelled',
      disableEndpoint: true,
    });
  });

  test('a retryable outcome goes back to pending at now + the jittered delay', () => {
    assert.deepEqual(decide(response(500)), { status: 'pending', nextAttemptAt: NOW_MS + 1_000 });
    assert.deepEqual(decide(response(302), { attemptsMade: 2, random: 0 }), {
      status: 'pending',
      nextAttemptAt: NOW_MS + 8_000,
    });
    const timeout: SendOutcome = { kind: 'error', errorCode: 'timeout', message: 'slow', durationMs: 15_000 };
    assert.deepEqual(decide(timeout, { attemptsMade: 3 }), {
      status: 'pending',
      nextAttemptAt: NOW_MS + 60_000,
    });
  });

  test('a retryable outcome fails the delivery once the schedule is used up', () => {
    assert.deepEqual(decide(response(500), { attemptsMade: SCHEDULE_MS.length + 1 }), { status: 'failed' });
    const refused: SendOutcome = {
      kind: 'error',
      errorCode: 'connection_refused',
      message: 'ECONNREFUSED',
      durationMs: 1,
    };
    assert.deepEqual(decide(refused, { attemptsMade: SCHEDULE_MS.length + 1 }), { status: 'failed' });
  });

  test('Retry-After is honoured on 429 and 503, clamped, and ignored on other statuses', () => {
    assert.deepEqual(decide(response(429, '120')), { status: 'pending', nextAttemptAt: NOW_MS + 120_000 });
    assert.deepEqual(decide(response(503, 'Sat, 01 Mar 2025 12:05:00 GMT')), {
      status: 'pending',
      nextAttemptAt: NOW_MS + 300_000,
    });
    assert.deepEqual(decide(response(429, '86400'), { retryAfterMaxMs: 30_000 }), {
      status: 'pending',
      nextAttemptAt: NOW_MS + 30_000,
    });
    assert.deepEqual(decide(response(500, '120')), { status: 'pending', nextAttemptAt: NOW_MS + 1_000 });
    assert.deepEqual(decide(response(429, 'later')), { status: 'pending', nextAttemptAt: NOW_MS + 1_000 });
  });

  test('Retry-After cannot keep a delivery alive past its schedule', () => {
    assert.deepEqual(decide(response(429, '5'), { attemptsMade: SCHEDULE_MS.length + 1 }), {
      status: 'failed',
    });
  });
});

describe('isTerminal', () => {
  test('pending and sending are live; the others are final', () => {
    const terminal = Object.fromEntries(DELIVERY_STATUSES.map((status) => [status, isTerminal(status)]));
    assert.deepEqual(terminal, {
      pending: false,
      sending: false,
      succeeded: true,
      failed: true,
      cancelled: true,
    } satisfies Record<DeliveryStatus, boolean>);
  });
});

describe('endpointChangeOnGone (the 410 rule)', () => {
  test('a REST hook is deleted: its platform unsubscribed it', () => {
    assert.deepEqual(endpointChangeOnGone('rest_hook'), { kind: 'delete' });
  });

  test('an endpoint made through the API is disabled as gone, and kept', () => {
    assert.deepEqual(endpointChangeOnGone('api'), { kind: 'disable', disabledReason: 'gone' });
  });
});
