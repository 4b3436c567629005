/**
 * The backlog run shared by B5 and the backlog scaling: queue many deliveries while the receivers are
 * down, bring them back, and measure the drain; optionally `kill -9` Hookline part-way through.
 *
 * "Down" is modelled by receiver paths that hang: each endpoint's first 32 attempts (its concurrency
 * cap) wait on the receiver, the engine skips the saturated endpoint, and everything else stays queued
 * in the database untouched, which is what a backlog is. When the receiver comes back the held
 * requests are answered and the queue drains. (Refusing connections instead would make the engine
 * retry every delivery on its schedule while publishing goes on, so the drain would measure the retry
 * schedule and a million failed-attempt rows rather than the queue.) The retry schedule is shortened to
 * 1 s steps for this scenario so the attempts that do time out (after the default 15 s) come back within
 * the run instead of after 5 minutes; no durability setting is changed.
 */
import { benchEvent, epochNowMs } from '../bench-event.ts';
import {
  awaitDeliveries,
  type Fixture,
  receiverPaths,
  restartHookline,
  startFixture,
  stopFixture,
} from '../fixture.ts';
import { expectationsFor, SeqRanges } from '../ledger.ts';
import type { ScenarioContext } from '../scenario.ts';

/** Endpoints of the backlog account: 10, so 100,000 events make 1,000,000 deliveries. */
export const BACKLOG_ENDPOINTS = 10;
const PUBLISH_BATCH = 500;
const PUBLISHERS = 2;
/** 30 retries 1 s apart: a delivery is `failed` only after 30 timeouts (about 8 minutes). */
export const BACKLOG_RETRY_SCHEDULE = Array.from({ length: 30 }, () => '1s').join(',');

/** One backlog run. */
export interface BacklogSpec {
  readonly label: string;
  /** Events to publish; each makes {@link BACKLOG_ENDPOINTS} deliveries. */
  readonly events: number;
  /** Crash Hookline with `kill -9` once this fraction of the backlog is delivered. */
  readonly crashAtFraction?: number;
  /** Longest time for publishing the backlog; what was accepted by then is the backlog. */
  readonly publishCapMs: number;
  /** Longest time for the drain. */
  readonly drainCapMs: number;
}

/** What a backlog run measured. */
export interface BacklogResult {
  readonly queuedDeliveries: number;
  readonly publishSeconds: number;
  /** Deliveries per second from the receivers' return to the last receipt, without the restart's downtime. */
  readonly drainPerSecond: number;
  readonly drainSeconds: number;
  readonly complete: boolean;
  readonly missing: number;
  /** Missing deliveries that are not in Hookline's queue either (NaN when the queue depth is unknown). */
  readonly lost: number;
  readonly duplicates: number;
  readonly invalidSignatures: number;
  /** Largest RSS of Hookline over the whole run, both processes when it was restarted. */
  readonly maxRssMb: number;
  /** RSS of the fresh Hookline when it became ready, before any work. */
  readonly readyRssMb: number;
  readonly crashed: boolean;
  /** From the `kill -9` to the restarted Hookline answering `/readyz`. */
  readonly restartSeconds: number;
}

/**
 * Publishes `spec.events` events of type `bench.backlog` in batches of 500 from two publishers, until
 * `spec.publishCapMs`; what was accepted by then is the backlog.
 */
export async function publishBacklog(
  ctx: ScenarioContext,
  fixture: Pick<Fixture, 'client' | 'accountId' | 'runId'>,
  spec: Pick<BacklogSpec, 'label' | 'events' | 'publishCapMs'>,
): Promise<SeqRanges> {
  const accepted = new SeqRanges();
  const deadline = performance.now() + spec.publishCapMs;
  const batches = Math.ceil(spec.events / PUBLISH_BATCH);
  let next = 0;
  let lastLog = performance.now();
  const worker = async () => {
    for (let batch = next++; batch < batches && performance.now() < deadline; batch = next++) {
      const first = batch * PUBLISH_BATCH;
      const end = Math.min(spec.events, first + PUBLISH_BATCH);
      const sentAt = epochNowMs();
      const events = [];
      for (let seq = first; seq < end; seq++)
        events.push(benchEvent(fixture.runId, seq, 'bench.backlog', sentAt));
      if (await fixture.client.publishBatch(fixture.accountId, events)) accepted.add(first, end);
      if (performance.now() - lastLog > 10_000) {
        lastLog = performance.now();
        ctx.log(`${spec.label}: ${accepted.size * BACKLOG_ENDPOINTS} deliveries queued`);
      }
    }
  };
  await Promise.all(Array.from({ length: PUBLISHERS }, worker));
  return accepted;
}

/** Runs one backlog measurement on a fresh Hookline. */
export async function measureBacklog(ctx: ScenarioContext, spec: BacklogSpec): Promise<BacklogResult> {
  const paths = receiverPaths(BACKLOG_ENDPOINTS);
  const fixture = await startFixture({
    label: spec.label,
    receiver: ctx.receiver,
    endpoints: paths.map((path) => ({ path, mode: 'hang', eventTypes: ['bench.backlog'] })),
    env: { HOOKLINE_RETRY_SCHEDULE: BACKLOG_RETRY_SCHEDULE },
  });
  let maxRssBytes = 0;
  const readyRssMb = fixture.hookline.readyRssBytes / 1e6;
  try {
    ctx.log(`${spec.label}: queueing ${spec.events * BACKLOG_ENDPOINTS} deliveries with the receivers down`);
    const publishStart = performance.now();
    const accepted = await publishBacklog(ctx, fixture, spec);
    const publishSeconds = (performance.now() - publishStart) / 1000;
    const queued = accepted.size * BACKLOG_ENDPOINTS;
    ctx.log(
      `${spec.label}: ${queued} deliveries queued in ${publishSeconds.toFixed(1)} s; ` +
        `RSS ${(fixture.hookline.sampler.maxRssBytes / 1e6).toFixed(0)} MB so far; receivers back`,
    );
    const expected = expectationsFor(accepted, paths, 'every');
    const backAt = epochNowMs();
    await ctx.receiver.setMode(paths, 'ok');
    let crashed = false;
    let downtimeMs = 0;
    let lastLog = performance.now();
    const wait = await awaitDeliveries(ctx.receiver, expected, spec.drainCapMs, async (_stats, check) => {
      if (performance.now() - lastLog > 10_000) {
        lastLog = performance.now();
        ctx.log(`${spec.label}: ${check.present}/${check.expected} delivered`);
      }
      if (
        spec.crashAtFraction === undefined ||
        crashed ||
        check.present < spec.crashAtFraction * check.expected
      ) {
        return;
      }
      crashed = true;
      maxRssBytes = Math.max(maxRssBytes, fixture.hookline.sampler.maxRssBytes);
      ctx.log(`${spec.label}: kill -9 at ${check.present}/${check.expected} delivered; restarting`);
      const killedAt = performance.now();
      await restartHookline(fixture);
      downtimeMs = performance.now() - killedAt;
      ctx.log(`${spec.label}: restarted in ${(downtimeMs / 1000).toFixed(1)} s`);
    });
    fixture.hookline.sampler.sample();
    maxRssBytes = Math.max(maxRssBytes, fixture.hookline.sampler.maxRssBytes);
    const { check, stats } = wait;
    const lastAt = wait.complete ? (stats.lastReceiptAt ?? wait.endedAt) : wait.endedAt;
    const drainMs = Math.max(1, lastAt - backAt - downtimeMs);
    let lost = 0;
    if (!wait.complete) {
      const depth = await fixture.client.queueDepth().catch(() => undefined);
      lost = depth === undefined ? Number.NaN : Math.max(0, check.missing - depth.pending - depth.sending);
    }
    const result: BacklogResult = {
      queuedDeliveries: queued,
      publishSeconds,
      drainPerSecond: check.present / (drainMs / 1000),
      drainSeconds: (lastAt - backAt) / 1000,
      complete: wait.complete,
      missing: check.missing,
      lost,
      duplicates: stats.duplicates,
      invalidSignatures: stats.invalidSignatures,
      maxRssMb: maxRssBytes / 1e6,
      readyRssMb,
      crashed,
      restartSeconds: downtimeMs / 1000,
    };
    ctx.log(
      `${spec.label}: ${check.present}/${check.expected} delivered at ${Math.round(result.drainPerSecond)}/s, ` +
        `${stats.duplicates} duplicates, max RSS ${result.maxRssMb.toFixed(0)} MB` +
        (wait.complete
          ? ''
          : ` (INCOMPLETE after ${spec.drainCapMs / 1000} s; ${lost} not in the queue either)`),
    );
    return result;
  } finally {
    await stopFixture(fixture);
  }
}
