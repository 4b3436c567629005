import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Principal } from '../app/accounts.ts';
import { RateLimiter, type RateLimitPolicy, type RateLimitSettings } from './rate-limit.ts';

const ADMIN: Principal = { kind: 'admin' };
const keyOf = (keyId: string, accountId = 'acc_1'): Principal => ({
  kind: 'account',
  accountId,
  apiKey: { id: keyId, name: 'Default', prefix: 'hk_AbCdEfG' },
});
const portalOf = (accountId: string): Principal => ({
  kind: 'portal',
  accountId,
  sessionId: 'ps_1',
  scope: null,
  locale: 'en',
});

/** A limiter on a clock the test moves by hand, with the refusals it reported. */
function limiter(settings: Partial<RateLimitSettings>) {
  const clock = { ms: 1_000_000 };
  const refusals: RateLimitPolicy[] = [];
  const rateLimiter = new RateLimiter({
    settings: { apiKeyPerSecond: 0, accountPerSecond: 0, adminPerSecond: 0, windowMs: 1_000, ...settings },
    now: () => clock.ms,
    onRefused: (policy) => refusals.push(policy),
  });
  /** Takes one request; whether it was admitted. */
  const admits = (principal: Principal) => rateLimiter.take(principal)?.admitted;
  return { rateLimiter, clock, refusals, admits };
}

/** How many of `count` requests made at one instant are admitted. */
function admittedOf(admits: (p: Principal) => boolean | undefined, principal: Principal, count: number) {
  let admitted = 0;
  for (let i = 0; i < count; i++) if (admits(principal)) admitted++;
  return admitted;
}

describe('one limit (GCRA)', () => {
  test('a quiet caller may make a window’s worth at once, then one request per interval', () => {
    const { clock, admits } = limiter({ adminPerSecond: 10 });
    assert.equal(admittedOf(admits, ADMIN, 15), 10);
    clock.ms += 99;
    assert.equal(admits(ADMIN), false, 'the interval is 100 ms');
    clock.ms += 1;
    assert.equal(admittedOf(admits, ADMIN, 3), 1);
    clock.ms += 1_000;
    assert.equal(admittedOf(admits, ADMIN, 15), 10, 'a window later the bucket is full again');
  });

  test('a caller at exactly the rate is never refused, one just above it is', () => {
    const { clock, admits } = limiter({ adminPerSecond: 10 });
    let refused = 0;
    for (let i = 0; i < 1_000; i++, clock.ms += 100) if (!admits(ADMIN)) refused++;
    assert.equal(refused, 0);
    // Every 90 ms is 11.1 a second: the burst covers the excess for a while, then one in ten is refused.
    for (let i = 0; i < 1_000; i++, clock.ms += 90) if (!admits(ADMIN)) refused++;
    assert.ok(refused >= 85 && refused <= 100, `${refused} refused`);
  });

  test('a rate whose interval is not a whole number of milliseconds still admits its whole quota', () => {
    const { admits } = limiter({ adminPerSecond: 3 });
    assert.equal(admittedOf(admits, ADMIN, 10), 3);
  });

  test('a longer window is a larger burst at the same rate', () => {
    const { rateLimiter, clock, admits } = limiter({ adminPerSecond: 10, windowMs: 5_000 });
    assert.equal(admittedOf(admits, ADMIN, 60), 50);
    clock.ms += 1_000;
    assert.equal(admittedOf(admits, ADMIN, 60), 10);
    assert.equal(rateLimiter.take(ADMIN)?.policyField, '"admin";q=50;w=5');
  });

  test('refused requests use nothing: a caller that keeps knocking gets in one interval later', () => {
    const { clock, admits } = limiter({ adminPerSecond: 2 });
    assert.equal(admittedOf(admits, ADMIN, 2), 2);
    assert.equal(admittedOf(admits, ADMIN, 1_000), 0);
    clock.ms += 500;
    assert.equal(admittedOf(admits, ADMIN, 5), 1);
  });

  test('the fields: quota and window; requests left and seconds until full; r=0 and the wait when refused', () => {
    const { rateLimiter, clock } = limiter({ adminPerSecond: 4, windowMs: 2_000 });
    const first = rateLimiter.take(ADMIN);
    assert.deepEqual(first, {
      admitted: true,
      violated: undefined,
      retryAfterSeconds: 0,
      policyField: '"admin";q=8;w=2',
      limitField: '"admin";r=7;t=1',
    });
    for (let i = 0; i < 6; i++) rateLimiter.take(ADMIN);
    assert.equal(rateLimiter.take(ADMIN)?.limitField, '"admin";r=0;t=2');
    const refused = rateLimiter.take(ADMIN);
    assert.deepEqual(refused, {
      admitted: false,
      violated: { policy: 'admin', perSecond: 4 },
      retryAfterSeconds: 1,
      policyField: '"admin";q=8;w=2',
      limitField: '"admin";r=0;t=1',
    });
    clock.ms += 1_250;
    // 1.25 s of 4 a second is 5 requests back; this one takes one of them.
    assert.equal(rateLimiter.take(ADMIN)?.limitField, '"admin";r=4;t=1');
  });

  test('each partition has its own bucket', () => {
    const { admits } = limiter({ accountPerSecond: 2 });
    assert.equal(admittedOf(admits, portalOf('acc_1'), 5), 2);
    assert.equal(admittedOf(admits, portalOf('acc_2'), 5), 2);
  });
});

describe('who counts against which limit', () => {
  const settings = { apiKeyPerSecond: 2, accountPerSecond: 3, adminPerSecond: 5 };

  test('an API key counts against its own limit and its account’s', () => {
    const { rateLimiter, refusals } = limiter(settings);
    const first = rateLimiter.take(keyOf('key_a'));
    assert.equal(first?.policyField, '"api-key";q=2;w=1, "account";q=3;w=1');
    assert.equal(first?.limitField, '"api-key";r=1;t=1, "account";r=2;t=1');
    rateLimiter.take(keyOf('key_a'));
    const refused = rateLimiter.take(keyOf('key_a'));
    assert.equal(refused?.admitted, false);
    assert.deepEqual(refused?.violated, { policy: 'api-key', perSecond: 2 });
    // The refused request took nothing of the account: one left there, as after the two admitted.
    assert.equal(refused?.limitField, '"api-key";r=0;t=1, "account";r=1;t=1');
    assert.deepEqual(refusals, ['api-key']);
  });

  test('the keys of one account share its limit; another account’s keys do not', () => {
    const { rateLimiter, admits } = limiter(settings);
    assert.equal(admittedOf(admits, keyOf('key_a'), 2), 2);
    assert.equal(admits(keyOf('key_b')), true);
    const refused = rateLimiter.take(keyOf('key_b'));
    assert.deepEqual(refused?.violated, { policy: 'account', perSecond: 3 });
    assert.equal(refused?.limitField, '"api-key";r=1;t=1, "account";r=0;t=1');
    assert.equal(admittedOf(admits, keyOf('key_c', 'acc_2'), 5), 2);
  });

  test('when both limits refuse, the one that holds the request back longer is named', () => {
    const { rateLimiter, clock, admits } = limiter(settings);
    assert.equal(admittedOf(admits, keyOf('key_a'), 2), 2);
    assert.equal(admits(keyOf('key_b')), true);
    // key_a's next request fits in 500 ms, the account's in 333 ms.
    const refused = rateLimiter.take(keyOf('key_a'));
    assert.deepEqual(refused?.violated, { policy: 'api-key', perSecond: 2 });
    assert.equal(refused?.limitField, '"api-key";r=0;t=1, "account";r=0;t=1');
    // 400 ms on, key_b takes the account's next request: key_a's key fits in 100 ms, the account in 267.
    clock.ms += 400;
    assert.equal(admits(keyOf('key_b')), true);
    assert.deepEqual(rateLimiter.take(keyOf('key_a'))?.violated, { policy: 'account', perSecond: 3 });
  });

  test('a portal session counts against its account only', () => {
    const { rateLimiter, admits } = limiter(settings);
    assert.equal(rateLimiter.take(portalOf('acc_1'))?.policyField, '"account";q=3;w=1');
    assert.equal(admittedOf(admits, portalOf('acc_1'), 5), 2);
    assert.deepEqual(rateLimiter.take(keyOf('key_a'))?.violated, { policy: 'account', perSecond: 3 });
  });

  test('the admin token counts against its own limit only, whatever account it acts on', () => {
    const { rateLimiter, admits } = limiter(settings);
    assert.equal(admittedOf(admits, portalOf('acc_1'), 3), 3);
    assert.equal(rateLimiter.take(ADMIN)?.limitField, '"admin";r=4;t=1');
    assert.equal(admittedOf(admits, ADMIN, 10), 4);
    assert.equal(admits(portalOf('acc_2')), true);
  });

  test('a limit of 0 is none: its item is left out, and a caller with no limit gets no verdict', () => {
    const onlyAccount = limiter({ accountPerSecond: 3 });
    const verdict = onlyAccount.rateLimiter.take(keyOf('key_a'));
    assert.equal(verdict?.policyField, '"account";q=3;w=1');
    assert.equal(verdict?.limitField, '"account";r=2;t=1');
    assert.equal(onlyAccount.rateLimiter.take(ADMIN), undefined);
    const onlyKey = limiter({ apiKeyPerSecond: 2 });
    assert.equal(onlyKey.rateLimiter.take(keyOf('key_a'))?.policyField, '"api-key";q=2;w=1');
    assert.equal(onlyKey.rateLimiter.take(portalOf('acc_1')), undefined);
  });
});

describe('memory', () => {
  test('partitions whose bucket is full again are forgotten by the sweep a minute on', () => {
    const { rateLimiter, clock, admits } = limiter({ apiKeyPerSecond: 10, accountPerSecond: 100 });
    for (let i = 0; i < 1_000; i++) admits(keyOf(`key_${i}`, `acc_${i % 10}`));
    assert.deepEqual(rateLimiter.remembered(), { apiKey: 1_000, account: 10, admin: 0 });
    clock.ms += 59_500;
    assert.equal(admittedOf(admits, keyOf('key_busy'), 10), 10);
    assert.deepEqual(rateLimiter.remembered(), { apiKey: 1_001, account: 10, admin: 0 }, 'no sweep yet');
    clock.ms += 500;
    // key_busy's bucket is still half a second short of full: it stays. Its account's is full again.
    admits(keyOf('key_new'));
    assert.deepEqual(rateLimiter.remembered(), { apiKey: 2, account: 1, admin: 0 });
  });

  test('a partition forgotten and seen again starts full, as it would have stood', () => {
    const { clock, admits } = limiter({ apiKeyPerSecond: 5 });
    assert.equal(admittedOf(admits, keyOf('key_a'), 10), 5);
    clock.ms += 61_000;
    admits(keyOf('key_b'));
    assert.equal(admittedOf(admits, keyOf('key_a'), 10), 5);
  });
});
