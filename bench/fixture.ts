/**
 * A scenario's world: a fresh Hookline on its own data dir, one account, its endpoints pointing at
 * receiver paths, and the receiver told each path's mode and secret. Also the wait for the receivers'
 * ledger to fill.
 */
import { benchRunId } from './bench-event.ts';
import { HooklineClient } from './hookline-client.ts';
import {
  freshDataDir,
  type HooklineOptions,
  type HooklineProcess,
  removeDataDir,
  startHookline,
} from './hookline-process.ts';
import type { ExpectedSeqs, LedgerCheck } from './ledger.ts';
import type { ReceiverMode, ReceiverPath, ReceiverProcess, ReceiverStats } from './receiver-control.ts';

/** One endpoint to create: its receiver path, how that path answers, the event types it wants. */
export interface EndpointSpec {
  readonly path: string;
  readonly mode: ReceiverMode;
  readonly eventTypes: readonly string[];
  /** Other endpoint options (e.g. `{ ordered: true }`). */
  readonly options?: Readonly<Record<string, unknown>>;
  /** The receiver checks the order of each key's events on this path (see `ReceiverPath.orderKeys`). */
  readonly orderKeys?: number;
  /** Left out of the receiver's latency histogram (see `ReceiverPath.untimed`). */
  readonly untimed?: boolean;
}

/** A running scenario world. */
export interface Fixture {
  /** The current Hookline (replaced by {@link restartHookline}). */
  hookline: HooklineProcess;
  client: HooklineClient;
  readonly dataDir: string;
  readonly env: Readonly<Record<string, string>>;
  readonly accountId: string;
  /** The endpoints' receiver paths, in the order given. */
  readonly paths: readonly string[];
  /** A prefix for this fixture's event ids. */
  readonly runId: string;
}

/** Options of {@link startFixture}. */
export interface FixtureOptions {
  readonly label: string;
  readonly receiver: ReceiverProcess;
  readonly endpoints: readonly EndpointSpec[];
  /** Extra Hookline settings (e.g. B5's retry schedule). */
  readonly env?: HooklineOptions['env'];
  /** Latencies are kept only for `data.seq >= latencyFromSeq` (the warm-up is left out). */
  readonly latencyFromSeq?: number;
}

// Endpoint creation in parallel, a few at a time: 1,000 endpoints in about a second.
const SETUP_CONCURRENCY = 16;

/** Runs `step(i)` for i in [0, count), {@link SETUP_CONCURRENCY} at a time. */
async function inParallel(count: number, step: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(SETUP_CONCURRENCY, count) }, async () => {
      for (let i = next++; i < count; i = next++) await step(i);
    }),
  );
}

/** One account of {@link setUpAccounts}: its name's suffix and its endpoints. */
export interface AccountSpec {
  readonly label: string;
  readonly endpoints: readonly EndpointSpec[];
}

/**
 * Creates the account and its endpoints through the API of a running Hookline, tells the receiver
 * each path's mode and secret and resets its ledger.
 * @returns the account id
 */
export async function setUpAccount(
  client: HooklineClient,
  options: Pick<FixtureOptions, 'label' | 'receiver' | 'endpoints' | 'latencyFromSeq'>,
): Promise<string> {
  const [accountId] = await setUpAccounts(client, {
    receiver: options.receiver,
    accounts: [{ label: options.label, endpoints: options.endpoints }],
    ...(options.latencyFromSeq === undefined ? {} : { latencyFromSeq: options.latencyFromSeq }),
  });
  return accountId!;
}

/**
 * Creates several accounts and their endpoints (each on its own receiver path), then tells the
 * receiver every path's mode and secret at once and resets its ledger.
 * @returns the account ids, in the order given
 */
export async function setUpAccounts(
  client: HooklineClient,
  options: {
    readonly receiver: ReceiverProcess;
    readonly accounts: readonly AccountSpec[];
    readonly latencyFromSeq?: number;
  },
): Promise<string[]> {
  const accountIds: string[] = [];
  const paths: ReceiverPath[] = [];
  // The bench's own types (`bench.e7`) are registered before an endpoint names them.
  const ownTypes = [
    ...new Set(options.accounts.flatMap((a) => a.endpoints.flatMap((e) => e.eventTypes))),
  ].filter((type) => type.startsWith('bench.'));
  await inParallel(ownTypes.length, (i) => client.registerEventType(ownTypes[i]!));
  for (const account of options.accounts) {
    const accountId = await client.createAccount(`bench ${account.label}`);
    accountIds.push(accountId);
    // The operator raises the account's limit of URLs receiving at once (10 by default) when a
    // scenario needs more endpoints, each on its own receiver path.
    const { endpoints } = account;
    if (endpoints.length > 10) await client.setMaxActiveUrls(accountId, endpoints.length);
    const secrets: string[] = new Array(endpoints.length);
    await inParallel(endpoints.length, async (i) => {
      const spec = endpoints[i]!;
      const created = await client.createEndpoint(
        accountId,
        `${options.receiver.origin}${spec.path}`,
        spec.eventTypes,
        spec.options,
      );
      secrets[i] = created.secret;
    });
    endpoints.forEach((spec, i) => {
      paths.push({
        path: spec.path,
        mode: spec.mode,
        secret: secrets[i]!,
        ...(spec.orderKeys === undefined ? {} : { orderKeys: spec.orderKeys }),
        ...(spec.untimed ? { untimed: true } : {}),
      });
    });
  }
  await options.receiver.configure(paths);
  await options.receiver.reset(options.latencyFromSeq ?? 0);
  return accountIds;
}

/** Starts Hookline on a fresh data dir and creates the account and endpoints. */
export async function startFixture(options: FixtureOptions): Promise<Fixture> {
  const dataDir = freshDataDir(options.label);
  let hookline: HooklineProcess | undefined;
  let client: HooklineClient | undefined;
  try {
    hookline = await startHookline({ dataDir, ...(options.env ? { env: options.env } : {}) });
    client = new HooklineClient(hookline.baseUrl);
    const accountId = await setUpAccount(client, options);
    return {
      hookline,
      client,
      dataDir,
      env: options.env ?? {},
      accountId,
      paths: options.endpoints.map((spec) => spec.path),
      runId: benchRunId(options.label),
    };
  } catch (error) {
    await client?.close();
    await hookline?.kill9();
    removeDataDir(dataDir);
    throw error;
  }
}

/**
 * `kill -9`s the current Hookline and starts a new one on the same data dir (and port), as an operator
 * whose process manager restarts a crashed server. Resolves once the new one is ready.
 */
export async function restartHookline(fixture: Fixture): Promise<void> {
  const crashed = fixture.hookline;
  await fixture.client.close();
  await crashed.kill9();
  fixture.hookline = await startHookline({ dataDir: fixture.dataDir, env: fixture.env, port: crashed.port });
  fixture.client = new HooklineClient(fixture.hookline.baseUrl);
}

/**
 * Stops Hookline (SIGTERM, SIGKILL after 3 s: attempts hanging on purpose need not drain) and deletes
 * its data dir. Throws when Hookline had died on its own before.
 */
export async function stopFixture(fixture: Fixture): Promise<void> {
  const diedEarly = !fixture.hookline.isRunning();
  await fixture.client.close();
  await fixture.hookline.stop(3_000);
  removeDataDir(fixture.dataDir);
  if (diedEarly) {
    throw new Error(`hookline exited during the scenario:\n${fixture.hookline.output().slice(-4_000)}`);
  }
}

/** `endpointCount` receiver paths `/e/0` … named for endpoints. */
export function receiverPaths(endpointCount: number): string[] {
  return Array.from({ length: endpointCount }, (_, i) => `/e/${i}`);
}

/** What {@link awaitDeliveries} found. */
export interface DeliveryWait {
  readonly complete: boolean;
  readonly check: LedgerCheck;
  readonly stats: ReceiverStats;
  /** Epoch ms when the wait ended. */
  readonly endedAt: number;
}

/**
 * Polls the receiver every 200 ms until every expected sequence number has arrived or `capMs` has
 * passed. `onPoll` sees each poll (B5 uses it to crash Hookline at 30 %).
 */
export async function awaitDeliveries(
  receiver: ReceiverProcess,
  expected: readonly ExpectedSeqs[],
  capMs: number,
  onPoll?: (stats: ReceiverStats, check: LedgerCheck) => Promise<void> | void,
): Promise<DeliveryWait> {
  const deadline = performance.now() + capMs;
  for (;;) {
    const stats = await receiver.stats({ expected, latency: true });
    const check = stats.check!;
    const endedAt = performance.timeOrigin + performance.now();
    if (check.missing === 0) return { complete: true, check, stats, endedAt };
    if (performance.now() >= deadline) return { complete: false, check, stats, endedAt };
    await onPoll?.(stats, check);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
