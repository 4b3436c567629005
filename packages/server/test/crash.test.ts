/**
 * The durability promise tested the hard way: "after `kill -9` at any moment and a restart, every
 * accepted event is delivered; duplicates only for attempts that were in flight".
 *
 * A real `hookline start` runs as a child process on a temp data dir. Two publisher lanes send
 * batches of 100 and single events while a real receiver in this process answers 200 after 0–20 ms,
 * so attempts are in flight at every moment. The server is killed with SIGKILL three times: once while
 * events are still being published (at about 30 % of the expected deliveries, with a publish request
 * on the wire if one can be caught), once after the last publish while the backlog drains, and once
 * moments after a restart while it resumes interrupted deliveries. After the last restart every event
 * that got a 202 must reach both endpoints, and every delivery must end `succeeded`.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { loadConfig } from '../src/config/config.ts';
import { type Receiver, startReceiver } from './support/receiver.ts';
import {
  exitWithin,
  freePort,
  type HooklineProcess,
  killSpawned,
  runHookline,
  waitUntilReady,
} from './support/server-process.ts';
import { type ApiResponse, apiClient, waitFor } from './support/test-server.ts';

const ADMIN_TOKEN = 'hookline-crash-test-admin-token0';
const BATCHES = 32;
const BATCH_SIZE = 100;
const SINGLES_AFTER_EACH_BATCH = 5;
const PLANNED_EVENTS = BATCHES * (BATCH_SIZE + SINGLES_AFTER_EACH_BATCH);
const ENDPOINT_PATHS = ['/endpoint-a', '/endpoint-b'] as const;
const PLANNED_DELIVERIES = PLANNED_EVENTS * ENDPOINT_PATHS.length;
const PUBLISHER_LANES = 2;
const FIRST_KILL_AT = 0.3;
// Before the first kill, publishers keep at most this many deliveries outstanding, so that publishing
// is still going when the receiver reaches 30 % whatever the speed of the machine. After it they run
// flat out, which leaves a backlog for the second kill to interrupt.
const PACED_BACKLOG = 800;
const RECEIVER_MAX_DELAY_MS = 20;
const RECOVERY_DELIVERIES_BEFORE_THIRD_KILL = 100;

const dataDir = mkdtempSync(join(tmpdir(), 'hookline-crash-'));
let receiver: Receiver | undefined;

after(async () => {
  await killSpawned();
  await receiver?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

interface Deferred {
  readonly promise: Promise<void>;
  resolve(): void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

test('kill -9 during delivery of thousands of events loses none of the accepted ones', {
  timeout: 120_000,
}, async (t) => {
  const startedAt = Date.now();
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const env = {
    PORT: String(port),
    HOOKLINE_HOST: '127.0.0.1',
    HOOKLINE_DATA_DIR: dataDir,
    HOOKLINE_ADMIN_TOKEN: ADMIN_TOKEN,
    HOOKLINE_ALLOW_TARGETS: '127.0.0.0/8',
    HOOKLINE_LOG_LEVEL: 'warn',
    HOOKLINE_RETRY_SCHEDULE: '200ms,500ms,1s,2s,5s',
    // At most 64 attempts can be in flight anyway (2 endpoints × 32 per endpoint); saying so makes
    // the duplicate bound below (64 + 256) per kill instead of (512 + 256).
    HOOKLINE_WORKER_CONCURRENCY: '64',
  };
  // The child reads the same variables; its limits bound how many attempts a kill can interrupt.
  const config = loadConfig(env);

  receiver = await startReceiver('/');
  const origin = new URL(receiver.url).origin;
  receiver.answer({
    raw: (_request, response) => {
      setTimeout(
        () => {
          response.writeHead(200, { 'content-type': 'text/plain' });
          response.end('ok');
        },
        Math.floor(Math.random() * (RECEIVER_MAX_DELAY_MS + 1)),
      );
    },
  });

  // What the receiver has seen: distinct (endpoint path, webhook-id) pairs, read incrementally.
  const seen = new Set<string>();
  let scanned = 0;
  let duplicates = 0;
  const delivered = (): number => {
    const requests = receiver?.requests ?? [];
    for (; scanned < requests.length; scanned++) {
      const request = requests[scanned]!;
      const key = `${request.path} ${String(request.headers['webhook-id'])}`;
      if (seen.has(key)) duplicates++;
      else seen.add(key);
    }
    return seen.size;
  };

  let server: HooklineProcess = runHookline(['start'], env);
  await waitUntilReady(server, baseUrl);
  const api = apiClient(baseUrl, ADMIN_TOKEN);

  const account = await api.call('POST', '/v1/accounts', { body: { name: 'Crash test shop' } });
  assert.equal(account.status, 201, JSON.stringify(account.body));
  const accountId: string = account.body.id;
  const pathOfEndpoint = new Map<string, string>();
  for (const path of ENDPOINT_PATHS) {
    const endpoint = await api.call('POST', `/v1/accounts/${accountId}/endpoints`, {
      body: { url: `${origin}${path}`, eventTypes: ['*'] },
    });
    assert.equal(endpoint.status, 201, JSON.stringify(endpoint.body));
    pathOfEndpoint.set(endpoint.body.id, path);
  }

  // Publishing. Ids are ours, so an event whose request died with the server is still recognisable.
  const jobs: string[][] = [];
  for (let b = 0; b < BATCHES; b++) {
    jobs.push(Array.from({ length: BATCH_SIZE }, (_, i) => `evt_crash_b${b}_${i}`));
    for (let s = 0; s < SINGLES_AFTER_EACH_BATCH; s++) jobs.push([`evt_crash_s${b}_${s}`]);
  }
  const totalJobs = jobs.length;
  const accepted = new Set<string>();
  /** Events whose publish errored or was refused: not accepted, though some may have been written. */
  const unconfirmed = new Set<string>();
  const refusals: string[] = [];
  let publishErrors = 0;
  let publishesInFlight = 0;
  let kills = 0;
  let serverUp = deferred();
  serverUp.resolve();
  let stopPublishing = false;

  const eventOf = (id: string) => ({
    id,
    type: 'shop.order.paid',
    data: {
      order: {
        id: `ord_${id}`,
        currency: 'EUR',
        total: '149.00',
        lines: [{ id: `line_${id}`, productId: 'prod_1', kind: 'main', quantity: 1, total: '149.00' }],
      },
    },
  });

  const lane = async (): Promise<void> => {
    for (;;) {
      if (stopPublishing) return;
      if (kills === 0) {
        await waitFor(() => stopPublishing || kills > 0 || accepted.size * 2 - delivered() < PACED_BACKLOG, {
          timeoutMs: 60_000,
          what: 'the receiver to catch up with the publishers',
        });
      }
      await serverUp.promise;
      const ids = jobs.shift();
      if (!ids) return;
      publishesInFlight++;
      let response: ApiResponse;
      try {
        response =
          ids.length === 1
            ? await api.call('POST', `/v1/accounts/${accountId}/events`, { body: eventOf(ids[0]!) })
            : await api.call('POST', `/v1/accounts/${accountId}/events/batch`, {
                body: { events: ids.map(eventOf) },
              });
      } catch {
        // The server died under the request: nothing was promised.
        publishErrors++;
        for (const id of ids) unconfirmed.add(id);
        continue;
      } finally {
        publishesInFlight--;
      }
      if (response.status !== 202) {
        refusals.push(`${response.status} ${JSON.stringify(response.body)}`);
        for (const id of ids) unconfirmed.add(id);
        continue;
      }
      const created: { id: string; created: boolean }[] =
        ids.length === 1 ? [response.body] : response.body.events;
      assert.deepEqual(
        created.map((e) => [e.id, e.created]),
        ids.map((id) => [id, true]),
      );
      for (const id of ids) accepted.add(id);
    }
  };
  let laneFailure: unknown;
  const publishing = Promise.all(Array.from({ length: PUBLISHER_LANES }, lane)).catch((error: unknown) => {
    laneFailure = error;
  });
  const check = <T>(value: T): T => {
    if (laneFailure !== undefined) throw laneFailure;
    return value;
  };

  const crash = async (): Promise<{ receivedAtKill: number }> => {
    serverUp = deferred();
    server.child.kill('SIGKILL');
    const exit = await server.exited;
    assert.equal(exit.signal, 'SIGKILL');
    kills++;
    return { receivedAtKill: delivered() };
  };
  const restart = async (): Promise<number> => {
    server = runHookline(['start'], env);
    await waitUntilReady(server, baseUrl);
    serverUp.resolve();
    return Date.now();
  };

  try {
    // Kill 1: mid-publish, at about 30 % of the planned deliveries.
    await waitFor(() => check(delivered() >= FIRST_KILL_AT * PLANNED_DELIVERIES), {
      timeoutMs: 60_000,
      what: `${FIRST_KILL_AT * 100} % of the deliveries`,
    });
    // Best effort: land the kill while a publish request is on the wire, so that a request dies
    // with the server (it may or may not have been committed; either way it was never a 202).
    await waitFor(() => publishesInFlight > 0, { timeoutMs: 3_000, intervalMs: 1 }).catch(() => undefined);
    const jobsLeftAtFirstKill = jobs.length + publishesInFlight;
    const first = await crash();
    assert.ok(jobsLeftAtFirstKill > 0, 'publishing was still going at the first kill');
    await restart();

    // Kill 2: the last publish is answered and the backlog is draining.
    await publishing;
    check(undefined);
    const backlogAtSecondKill = accepted.size * ENDPOINT_PATHS.length - delivered();
    const second = await crash();
    await restart();

    // Kill 3: soon after a restart, while the server resumes the deliveries the last one left.
    // (On a machine fast enough to have drained nearly everything already, it kills an idle server.)
    const thirdKillAt = Math.min(
      delivered() + RECOVERY_DELIVERIES_BEFORE_THIRD_KILL,
      accepted.size * ENDPOINT_PATHS.length,
    );
    await waitFor(() => delivered() >= thirdKillAt, {
      timeoutMs: 30_000,
      intervalMs: 1,
      what: 'the restarted server to resume delivering',
    });
    const third = await crash();
    const lastRestartAt = await restart();

    const expectedPairs = [...accepted].flatMap((id) => ENDPOINT_PATHS.map((path) => `${path} ${id}`));
    await waitFor(
      () => {
        delivered();
        return expectedPairs.every((pair) => seen.has(pair));
      },
      {
        timeoutMs: 60_000,
        intervalMs: 50,
        what: 'every accepted event on both endpoints',
      },
    ).catch((error: Error) => {
      const missing = expectedPairs.filter((pair) => !seen.has(pair));
      throw new Error(
        `${error.message}: ${missing.length} missing, e.g. ${missing.slice(0, 5).join(', ')}\n` +
          `server stderr:\n${server.stderr()}`,
      );
    });
    const drainMs = Date.now() - lastRestartAt;

    assert.ok(accepted.size >= 3_000, `at least 3,000 events accepted (got ${accepted.size})`);
    assert.deepEqual(refusals, [], 'no publish was refused while the server was up');

    // The log agrees: nothing left in the queue, every delivery succeeded, and every event that was
    // written (accepted, or written just before its response was lost) reached both endpoints once.
    await waitFor(
      async () => {
        for (const status of ['pending', 'sending']) {
          const page = await api.call('GET', `/v1/accounts/${accountId}/deliveries?status=${status}&limit=1`);
          if (page.body.data.length > 0) return false;
        }
        return true;
      },
      { timeoutMs: 15_000, intervalMs: 100, what: 'an empty queue' },
    );
    const deliveries: { eventId: string; endpointId: string; status: string }[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`;
      const page = await api.call('GET', `/v1/accounts/${accountId}/deliveries?limit=250${query}`);
      assert.equal(page.status, 200);
      deliveries.push(...page.body.data);
      cursor = page.body.nextCursor;
    } while (cursor !== null);
    const notSucceeded = deliveries.filter((d) => d.status !== 'succeeded');
    assert.deepEqual(notSucceeded.slice(0, 5), [], `${notSucceeded.length} deliveries did not succeed`);
    const deliveryKeys = new Set(deliveries.map((d) => `${pathOfEndpoint.get(d.endpointId)} ${d.eventId}`));
    assert.equal(deliveryKeys.size, deliveries.length, 'one delivery per event and endpoint');
    for (const pair of expectedPairs) assert.ok(deliveryKeys.has(pair), `delivery for ${pair}`);
    for (const key of deliveryKeys) assert.ok(seen.has(key), `written event delivered: ${key}`);
    const writtenUnconfirmed = deliveries.length / ENDPOINT_PATHS.length - accepted.size;

    // At-least-once: a resend happens only for attempts in flight (or finished but not yet committed)
    // at a kill, and one process has at most workerConcurrency attempts in flight.
    const duplicateBound = kills * (config.workerConcurrency + config.claimBatchSize);
    delivered();
    t.diagnostic(
      `events: ${PLANNED_EVENTS} planned in ${totalJobs} requests, ${accepted.size} accepted, ` +
        `${unconfirmed.size} unconfirmed (${publishErrors} requests died with the server), ` +
        `${writtenUnconfirmed} of those written anyway`,
    );
    t.diagnostic(
      `deliveries: ${expectedPairs.length} expected, ${seen.size} distinct received, ` +
        `${receiver.requests.length} requests, ${duplicates} duplicates (bound ${duplicateBound})`,
    );
    t.diagnostic(
      `kill 1 at ${first.receivedAtKill} received with ${jobsLeftAtFirstKill} publish requests to go; ` +
        `kill 2 at ${second.receivedAtKill} received with a backlog of ${backlogAtSecondKill}; ` +
        `kill 3 at ${third.receivedAtKill} received, ${RECOVERY_DELIVERIES_BEFORE_THIRD_KILL} after a restart; ` +
        `drained ${drainMs} ms after the last restart; ${Date.now() - startedAt} ms in all`,
    );
    assert.ok(duplicates <= duplicateBound, `${duplicates} duplicates > bound ${duplicateBound}`);

    // And the restarted server still stops cleanly.
    server.child.kill('SIGTERM');
    assert.deepEqual(await exitWithin(server, 15_000), { code: 0, signal: null });
  } finally {
    stopPublishing = true;
    serverUp.resolve();
    await publishing;
  }
});
