/**
 * What the API rate limits cost a request: nanoseconds per `RateLimiter.take` over a million checks,
 * with the default limits, for the admin token (every benchmark publish), for API keys (one key, and
 * 10,000 keys of 1,000 accounts) and for a refused caller. The clock is moved by hand, so the rates are
 * what the loop is told, not what the machine manages.
 *
 *   node --import tsx scripts/rate-limit-cost.ts
 */

import { RateLimiter } from '../packages/server/src/api/rate-limit.ts';
import type { Principal } from '../packages/server/src/app/accounts.ts';

const CHECKS = 1_000_000;
const ROUNDS = 5;

interface Case {
  readonly name: string;
  /** The caller of check `i`. */
  readonly principalOf: (i: number) => Principal;
  /** Milliseconds the clock moves between checks: the offered rate is 1000 / this a second. */
  readonly stepMs: number;
}

const admin: Principal = { kind: 'admin' };
const oneKey: Principal = { kind: 'account', accountId: 'acc_1', keyId: 'key_1' };
const manyKeys: Principal[] = Array.from({ length: 10_000 }, (_, i) => ({
  kind: 'account',
  accountId: `acc_${String(i % 1_000).padStart(26, '0')}`,
  keyId: `key_${String(i).padStart(26, '0')}`,
}));

const CASES: readonly Case[] = [
  { name: 'admin token, 14,000 a second (B1 single publishes)', principalOf: () => admin, stepMs: 1 / 14 },
  { name: 'one API key, 50 a second', principalOf: () => oneKey, stepMs: 20 },
  {
    name: '10,000 API keys of 1,000 accounts, 50,000 a second',
    principalOf: (i) => manyKeys[i % manyKeys.length]!,
    stepMs: 1 / 50,
  },
  { name: 'one API key, refused (10,000 a second)', principalOf: () => oneKey, stepMs: 0.1 },
];

function measure(testCase: Case): { nsPerCheck: number; admitted: number } {
  const clock = { ms: 0 };
  const limiter = new RateLimiter({
    settings: { apiKeyPerSecond: 100, accountPerSecond: 200, adminPerSecond: 50_000, windowMs: 1_000 },
    now: () => clock.ms,
  });
  let admitted = 0;
  const started = process.hrtime.bigint();
  for (let i = 0; i < CHECKS; i++) {
    clock.ms += testCase.stepMs;
    if (limiter.take(testCase.principalOf(i))?.admitted) admitted++;
  }
  return { nsPerCheck: Number(process.hrtime.bigint() - started) / CHECKS, admitted };
}

for (const testCase of CASES) {
  measure(testCase); // warm-up: the JIT compiles the path first
  const rounds = Array.from({ length: ROUNDS }, () => measure(testCase));
  const ns = rounds.map((round) => round.nsPerCheck).sort((a, b) => a - b);
  const admittedShare = rounds[0]!.admitted / CHECKS;
  console.log(
    `${testCase.name}: median ${ns[Math.floor(ROUNDS / 2)]!.toFixed(0)} ns per check ` +
      `(min ${ns[0]!.toFixed(0)}, max ${ns[ROUNDS - 1]!.toFixed(0)}), ${(admittedShare * 100).toFixed(0)} % admitted`,
  );
}
