/**
 * `hookline demo`: Hookline in this process, a demo account configured the way each seed platform's
 * merchants configure their webhooks, a local receiver that verifies every delivery, and a simulated
 * shop publishing a realistic mix of commerce events until stopped.
 *
 * Everything goes through the public HTTP API, as a platform and its merchants would use it: the
 * operator (admin token) creates the account, raises its URL limit and publishes; the merchant (the
 * account's API key) creates the endpoints and the REST hook.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from 'pino';
import { type Config, loadConfig } from '../config/config.ts';
import { createLogger } from '../observability/logger.ts';
import { type RunningServer, startServer } from '../server.ts';
import { DemoApiClient, DemoApiError } from './demo-api-client.ts';
import { type DemoTotals, formatBanner, formatDeliveryLine, formatSummary } from './demo-console.ts';
import { DEMO_ENDPOINTS } from './demo-endpoints.ts';
import { DemoReceiver, type ReceivedDelivery } from './demo-receiver.ts';
import { DemoShop } from './demo-shop.ts';

/** How to run the demo; every field has a default fit for a person watching a terminal. */
export interface DemoOptions {
  /** Where settings come from (`PORT`, `HOOKLINE_*`); defaults to `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Hookline's port; `0` picks a free one. Defaults to `PORT`, else 8080 or a free port if 8080 is taken. */
  readonly port?: number;
  /** Events published per second, on average; default 3. */
  readonly ratePerSecond?: number;
  /** Stop publishing after this many seconds; default never. */
  readonly durationSeconds?: number;
  /**
   * Stop publishing once this many events are published, however long that takes; default never. With
   * a seed, the same events every time (a test's: what a slow machine publishes in some seconds varies).
   */
  readonly maxEvents?: number;
  /** Where the demo's text goes; defaults to standard output. */
  readonly write?: (text: string) => void;
  /** Hookline's logger; defaults to JSON logs at `HOOKLINE_LOG_LEVEL`, `warn` unless set. */
  readonly logger?: Logger;
  /** How often to print the deliveries per endpoint; default 10 s. */
  readonly summaryIntervalMs?: number;
  /** Deliveries kept per endpoint in {@link DemoHandle.deliveries}; default 200 (counts cover all). */
  readonly keepPerEndpoint?: number;
  /** Seeds the shop's randomness, so a run can be repeated. */
  readonly seed?: number;
}

/** One configured webhook of the demo. */
export interface DemoEndpoint {
  readonly name: string;
  readonly id: string;
  readonly shows: string;
  readonly urls: readonly string[];
}

/** A publish Hookline refused (or that did not reach it). */
export interface PublishRefusal {
  readonly types: readonly string[];
  readonly status: number | undefined;
  readonly code: string | undefined;
  readonly message: string;
}

/** A running demo. */
export interface DemoHandle {
  readonly url: string;
  readonly adminToken: string;
  readonly accountId: string;
  readonly apiKey: string;
  readonly dataDir: string;
  readonly endpoints: readonly DemoEndpoint[];
  /** The deliveries received, per endpoint name (the last {@link DemoOptions.keepPerEndpoint} of each). */
  readonly deliveries: ReadonlyMap<string, readonly ReceivedDelivery[]>;
  /** Publishes Hookline did not accept; the shop's data always passes the catalogue, so this stays empty. */
  readonly refusals: readonly PublishRefusal[];
  /** Resolves when the shop has stopped publishing: its duration ran out, or {@link DemoHandle.stop}. */
  readonly shopStopped: Promise<void>;
  /** Publishing and delivery totals so far. */
  totals(): DemoTotals;
  /**
   * Waits until the receiver has as many deliveries as the accepted events created, `timeoutMs` has
   * passed, or the demo is stopping; resolves whether they all arrived.
   */
  waitForDeliveries(timeoutMs: number): Promise<boolean>;
  /** Stops the shop, then Hookline (draining attempts in flight), then the receiver; idempotent. */
  stop(): Promise<void>;
}

const DEFAULT_PORT = 8080;
const DEFAULT_RATE_PER_SECOND = 3;
// The demo's 11 URLs are over the default limit of 10 (InPlayer's "at most 10 URLs at the same time");
// the rest is room for the user's own endpoints while they try things out.
const DEMO_ACTIVE_URLS = 25;

/** Starts Hookline, the receiver and the shop; resolves once the shop has begun publishing. */
export async function runDemo(options: DemoOptions = {}): Promise<DemoHandle> {
  const env = options.env ?? process.env;
  const given = (name: string) => (env[name] === undefined || env[name] === '' ? undefined : env[name]);
  const write = options.write ?? ((text: string) => void process.stdout.write(text));
  const rate = options.ratePerSecond ?? DEFAULT_RATE_PER_SECOND;
  if (!(rate > 0)) throw new RangeError(`the rate must be above 0 events per second, got ${rate}`);

  const ownDataDir = given('HOOKLINE_DATA_DIR') === undefined;
  const dataDir = given('HOOKLINE_DATA_DIR') ?? mkdtempSync(join(tmpdir(), 'hookline-demo-'));
  const port = options.port ?? (given('PORT') === undefined ? DEFAULT_PORT : undefined);
  const cleanups: (() => Promise<void> | void)[] = [];
  if (ownDataDir) cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  // In reverse order of starting; one step failing does not leave the later ones running.
  const cleanUp = async () => {
    let failure: unknown;
    for (const cleanup of cleanups.splice(0).reverse()) {
      try {
        await cleanup();
      } catch (error) {
        failure ??= error;
      }
    }
    if (failure !== undefined) throw failure;
  };

  try {
    const config = loadConfig({
      ...env,
      // A demo prints its admin token and lets endpoints reach this machine: it listens on loopback
      // unless told otherwise.
      HOOKLINE_HOST: given('HOOKLINE_HOST') ?? '127.0.0.1',
      HOOKLINE_LOG_LEVEL: given('HOOKLINE_LOG_LEVEL') ?? 'warn',
      HOOKLINE_DATA_DIR: dataDir,
      // One process runs the API and the workers on its own SQLite file: demo accounts and events never
      // go into a PostgreSQL database the environment names.
      HOOKLINE_ROLE: 'all',
      DATABASE_URL: undefined,
      // The receiver is on 127.0.0.1, which the SSRF guard refuses unless it is allowed.
      HOOKLINE_ALLOW_TARGETS: [given('HOOKLINE_ALLOW_TARGETS'), '127.0.0.1/32'].filter(Boolean).join(','),
      ...(port === undefined ? {} : { PORT: String(port) }),
    });
    const logger = options.logger ?? createLogger(config.logLevel);

    const plans = new Map(DEMO_ENDPOINTS.map((plan) => [plan.name, plan]));
    const receiver = await DemoReceiver.start({
      keepPerEndpoint: options.keepPerEndpoint ?? 200,
      onDelivery: (delivery) => {
        const plan = plans.get(delivery.endpoint);
        const fields = plan?.setup.kind === 'endpoint' && Array.isArray(plan.setup.body['fields']);
        write(formatDeliveryLine(delivery, { fields }));
      },
    });
    cleanups.push(() => receiver.close());

    // Registered before the server so that it closes after it: attempts in flight when the demo stops
    // still find the receiver listening.
    const { server, portNote } = await startHookline(
      config,
      logger,
      options.port === undefined && port !== undefined,
    );
    cleanups.push(() => server.stop());
    const api = new DemoApiClient(server.url);
    cleanups.push(() => api.close());

    const admin = server.adminToken;
    const account = await api.call<{ id: string; name: string; apiKey: string; maxActiveUrls: number }>(
      'POST',
      '/v1/accounts',
      admin,
      { name: 'Demo shop' },
    );
    const accountPath = `/v1/accounts/${account.id}`;
    const patched = await api.call<{ maxActiveUrls: number }>('PATCH', accountPath, admin, {
      maxActiveUrls: Math.max(DEMO_ACTIVE_URLS, account.maxActiveUrls),
    });

    const endpoints: DemoEndpoint[] = [];
    for (const plan of DEMO_ENDPOINTS) {
      const urls = plan.paths.map((path) => receiver.url + path);
      let id: string;
      let secret: string;
      if (plan.setup.kind === 'endpoint') {
        // One string, comma-separated, as PayGate takes several URLs; the others have one URL.
        const created = await api.call<{ id: string; secret: string }>(
          'POST',
          `${accountPath}/endpoints`,
          account.apiKey,
          {
            ...plan.setup.body,
            url: urls.join(','),
          },
        );
        ({ id, secret } = created);
      } else {
        const hook = await api.call<{ id: string }>('POST', `${accountPath}/hooks`, account.apiKey, {
          target_url: urls[0],
          event: plan.setup.event,
        });
        id = hook.id;
        // A REST hook's answer has no secret (integration platforms do not verify); the receiver here
        // does, so it reads the secret of the endpoint the hook is.
        ({ secret } = await api.call<{ secret: string }>(
          'GET',
          `${accountPath}/endpoints/${id}/secret`,
          account.apiKey,
        ));
      }
      for (const path of plan.paths) receiver.addRoute({ endpoint: plan.name, path, secret });
      endpoints.push({ name: plan.name, id, shows: plan.shows, urls });
    }

    write(
      formatBanner({
        hooklineUrl: server.url,
        adminToken: admin,
        dataDir,
        dataDirIsTemporary: ownDataDir,
        portNote,
        accountId: account.id,
        accountName: account.name,
        apiKey: account.apiKey,
        defaultActiveUrls: account.maxActiveUrls,
        maxActiveUrls: patched.maxActiveUrls,
        activeUrls: endpoints.reduce((sum, endpoint) => sum + endpoint.urls.length, 0),
        receiverUrl: receiver.url,
        endpoints,
        ratePerSecond: rate,
      }),
    );

    const startedAt = Date.now();
    const counts = { batches: 0, events: 0, deliveriesOwed: 0 };
    const refusals: PublishRefusal[] = [];
    const totals = (): DemoTotals => ({
      elapsedMs: Date.now() - startedAt,
      batches: counts.batches,
      events: counts.events,
      refused: refusals.length,
      received: receiver.receivedTotal,
      signatureFailures: receiver.signatureFailures,
      perEndpoint: endpoints.map((e) => ({ name: e.name, count: receiver.receivedCounts.get(e.name) ?? 0 })),
    });

    const shop = new DemoShop(options.seed === undefined ? {} : { seed: options.seed });
    const stopShop = new AbortController();
    const endsAt =
      options.durationSeconds === undefined
        ? Number.POSITIVE_INFINITY
        : startedAt + options.durationSeconds * 1000;
    const shopStopped = (async () => {
      const maxEvents = options.maxEvents ?? Number.POSITIVE_INFINITY;
      let taken = 0;
      while (!stopShop.signal.aborted && Date.now() < endsAt && taken < maxEvents) {
        const batch = shop.nextBatch();
        taken += batch.length;
        try {
          const answer = await api.call<{ events: { deliveries: string[] }[] }>(
            'POST',
            `${accountPath}/events/batch`,
            admin,
            { events: batch },
          );
          counts.batches++;
          counts.events += batch.length;
          for (const event of answer.events) counts.deliveriesOwed += event.deliveries.length;
        } catch (error) {
          const refusal: PublishRefusal = {
            types: batch.map((event) => event.type),
            status: error instanceof DemoApiError ? error.status : undefined,
            code: error instanceof DemoApiError ? error.code : undefined,
            message: (error as Error).message,
          };
          refusals.push(refusal);
          write(`  ! publish of ${refusal.types.join(', ')} failed: ${refusal.message}\n`);
        }
        // Paced by events, not batches: a checkout that publishes six events waits six times as long
        // as a single product update, so the rate holds whatever the mix.
        const pauseMs = Math.min((batch.length / rate) * 1000, endsAt - Date.now());
        if (pauseMs > 0) await delay(pauseMs, undefined, { signal: stopShop.signal }).catch(() => undefined);
      }
    })();
    cleanups.push(async () => {
      stopShop.abort();
      await shopStopped;
    });

    const summaries = setInterval(() => write(formatSummary(totals())), options.summaryIntervalMs ?? 10_000);
    cleanups.push(() => clearInterval(summaries));

    let stopping: Promise<void> | undefined;
    return {
      url: server.url,
      adminToken: admin,
      accountId: account.id,
      apiKey: account.apiKey,
      dataDir,
      endpoints,
      deliveries: receiver.deliveries,
      refusals,
      shopStopped,
      totals,
      async waitForDeliveries(timeoutMs) {
        const deadline = Date.now() + timeoutMs;
        while (receiver.receivedTotal < counts.deliveriesOwed) {
          // Once stopping, what has not arrived will not: the rest waits in the database for a restart.
          if (Date.now() > deadline || stopping !== undefined) return false;
          await delay(50);
        }
        return true;
      },
      stop() {
        stopping ??= (async () => {
          stopShop.abort();
          await shopStopped;
          write(formatSummary(totals(), 'stopped'));
          await cleanUp();
        })();
        return stopping;
      },
    };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}

/**
 * Starts Hookline; when `fallBack` is set and the port is taken, on a free port instead, with a note
 * saying so for the banner.
 */
async function startHookline(
  config: Config,
  logger: Logger,
  fallBack: boolean,
): Promise<{ server: RunningServer; portNote: string | undefined }> {
  try {
    return { server: await startServer(config, { logger }), portNote: undefined };
  } catch (error) {
    if (!fallBack || (error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    const server = await startServer({ ...config, port: 0 }, { logger });
    return {
      server,
      portNote: `(port ${config.port} is taken: listening on a free port instead; PORT=… picks one)`,
    };
  }
}
