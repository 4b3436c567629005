import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  honoursRetryAfter,
  judgeOutcome,
  type OutcomeVerdict,
  type SendErrorCode,
  type SendOutcome,
} from './send-outcome.ts';

function response(statusCode: number, retryAfter?: string): SendOutcome {
  return {
    kind: 'response',
    statusCode,
    durationMs: 12,
    body: '',
    bodyTruncated: false,
    headersJson: '{}',
    retryAfter,
  };
}

function failure(errorCode: SendErrorCode): SendOutcome {
  return { kind: 'error', errorCode, message: errorCode, durationMs: 12 };
}

describe('judgeOutcome', () => {
  const statuses: Array<[statusCode: number, verdict: OutcomeVerdict]> = [
    [200, 'succeeded'],
    [201, 'succeeded'],
    [202, 'succeeded'],
    [204, 'succeeded'],
    [299, 'succeeded'],
    // Redirects are never followed: a moved endpoint is a misconfiguration to fix, not a success.
    [300, 'retryable'],
    [301, 'retryable'],
    [302, 'retryable'],
    [307, 'retryable'],
    [308, 'retryable'],
    [400, 'retryable'],
    [401, 'retryable'],
    [404, 'retryable'],
    [409, 'retryable'],
    [410, 'gone'],
    [413, 'retryable'],
    [429, 'retryable'],
    [500, 'retryable'],
    [502, 'retryable'],
    [503, 'retryable'],
    [504, 'retryable'],
    [100, 'retryable'],
    [199, 'retryable'],
  ];
  for (const [statusCode, verdict] of statuses) {
    test(`HTTP ${statusCode} is ${verdict}`, () => {
      assert.equal(judgeOutcome(response(statusCode)), verdict);
    });
  }

  const errors: SendErrorCode[] = [
    'timeout',
    'connection_refused',
    'connection_reset',
    'dns_failure',
    'blocked_address',
    'tls_error',
    'invalid_response',
    'network_error',
  ];
  for (const errorCode of errors) {
    test(`error ${errorCode} is retryable`, () => {
      assert.equal(judgeOutcome(failure(errorCode)), 'retryable');
    });
  }
});

describe('honoursRetryAfter', () => {
  test('only on 429 and 503', () => {
    assert.equal(honoursRetryAfter(response(429, '5')), true);
    assert.equal(honoursRetryAfter(response(503, '5')), true);
    for (const statusCode of [200, 301, 410, 500, 502, 504]) {
      assert.equal(honoursRetryAfter(response(statusCode, '5')), false, String(statusCode));
    }
    assert.equal(honoursRetryAfter(failure('timeout')), false);
  });
});
