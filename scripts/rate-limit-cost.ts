/**
 * What the API rate limits cost a request, with the default limits:
 *
 * 1. CPU nanoseconds per `RateLimiter.take` over a million checks, for the admin token (every
 *    benchmark publish), for API keys (one key, and 10,000 keys of 1,000 accounts) and for a refused
 *    caller. The clock is moved by hand, so the rates are what the loop is told, not what the machine
 *    manages;
 * 2. CPU nanoseconds per response head, with the admin token's limit applied as the server's hook
 *    applies it (the check and its two header fields) and without, each head written by Node. This
 *    rather than two servers timed over HTTP: on the shared 2-core machine, two identical servers
 *    timed in turns differed by ±5 µs a request, ten times the cost to be measured.
 *
 *   node --import tsx scripts/rate-limit-cost.ts
 */
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import type { FastifyReply } from 'fastify';
import { applyRateLimits, RateLimiter } from '../packages/server/src/api/rate-limit.ts';
import type { Principal } from '../packages/server/src/app/accounts.ts';

const DEFAULTS = { apiKeyPerSecond: 100, accountPerSecond: 200, adminPerSecond: 50_000, windowMs: 1_000 };
const CHECKS = 1_000_000;
const ROUNDS = 5;
const HEADS = 200_000;

/**
 * CPU nanoseconds this process used since `started`: CPU time rather than the wall clock, since on a
 * shared machine the process may wait for a core in the middle of a round.
 */
function cpuNs(started: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(started);
  return (used.user + used.system) * 1_000;
}

function median(values: readonly number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
}

interface Case {
  readonly name: string;
  /** The caller of check `i`. */
  readonly principalOf: (i: number) => Principal;
  /** Milliseconds the clock moves between checks: the offered rate is 1000 / this a second. */
  readonly stepMs: number;
}

const admin: Principal = { kind: 'admin' };
const oneKey: Principal = {
  kind: 'account',
  accountId: 'acc_1',
  apiKey: { id: 'key_1', name: 'Default', prefix: 'hk_AbCdEfG' },
};
const manyKeys: Principal[] = Array.from({ length: 10_000 }, (_, i) => ({
  kind: 'account',
  accountId: `acc_${String(i % 1_000).padStart(26, '0')}`,
  apiKey: { id: `key_${String(i).padStart(26, '0')}`, name: 'Default', prefix: 'hk_AbCdEfG' },
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

function nsPerCheck(testCase: Case): { ns: number; admitted: number } {
  const clock = { ms: 0 };
  const limiter = new RateLimiter({ settings: DEFAULTS, now: () => clock.ms });
  let admitted = 0;
  const started = process.cpuUsage();
  for (let i = 0; i < CHECKS; i++) {
    clock.ms += testCase.stepMs;
    if (limiter.take(testCase.principalOf(i))?.admitted) admitted++;
  }
  return { ns: cpuNs(started) / CHECKS, admitted };
}

for (const testCase of CASES) {
  nsPerCheck(testCase); // warm-up: the JIT compiles the path first
  const rounds = Array.from({ length: ROUNDS }, () => nsPerCheck(testCase));
  const ns = rounds.map((round) => round.ns);
  console.log(
    `${testCase.name}: median ${median(ns).toFixed(0)} ns a check ` +
      `(min ${Math.min(...ns).toFixed(0)}, max ${Math.max(...ns).toFixed(0)}), ` +
      `${((rounds[0]!.admitted / CHECKS) * 100).toFixed(0)} % admitted`,
  );
}

/** Header fields set one by one, as Fastify's `reply.header` keeps them until the head is written. */
class Fields {
  readonly values: Record<string, string> = {};
  header(name: string, value: string): this {
    this.values[name] = value;
    return this;
  }
}

const request = Object.assign(new IncomingMessage(new Socket()), {
  method: 'POST',
  httpVersionMajor: 1,
  httpVersionMinor: 1,
});

/**
 * CPU nanoseconds per response head: the fields a publish's answer has, set one by one, with the
 * limits applied first as the server's hook applies them (`applyRateLimits`) or not, then written by
 * Node (`writeHead`, which validates and joins them).
 */
function nsPerHead(limiter: RateLimiter | undefined): number {
  let bytes = 0;
  const started = process.cpuUsage();
  for (let i = 0; i < HEADS; i++) {
    const fields = new Fields();
    if (limiter) applyRateLimits(limiter, admin, fields as unknown as FastifyReply);
    fields.header('x-request-id', 'req-1a2b3c');
    fields.header('content-type', 'application/json; charset=utf-8');
    fields.header('content-length', '120');
    const response = new ServerResponse(request);
    response.writeHead(202, fields.values);
    bytes += (response as unknown as { _header: string })._header.length;
  }
  if (bytes === 0) throw new Error('no head was written');
  return cpuNs(started) / HEADS;
}

const clock = { ms: 0 };
const headLimiter = new RateLimiter({ settings: DEFAULTS, now: () => (clock.ms += 1 / 14) });
const limited: number[] = [];
const unlimited: number[] = [];
nsPerHead(headLimiter);
nsPerHead(undefined);
for (let round = 0; round < 2 * ROUNDS + 1; round++) {
  limited.push(nsPerHead(headLimiter));
  unlimited.push(nsPerHead(undefined));
}
console.log(
  `a publish's response head, the admin token's limit applied: median ${median(limited).toFixed(0)} ns; ` +
    `without: ${median(unlimited).toFixed(0)} ns; the limits add ${(median(limited) - median(unlimited)).toFixed(0)} ns`,
);
