/**
 * The composition root: the only module that knows which store, sender and clock are in use and wires
 * them together. Everything else receives its collaborators.
 */
import { randomInt } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { ensureDashboardBuilt } from '@hookline/dashboard/build';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { buildHttpApp } from './api/http-app.ts';
import { RateLimiter } from './api/rate-limit.ts';
import { type AppContext, systemIdSource } from './app/context.ts';
import { generateAdminToken } from './app/credentials.ts';
import { EventCatalog } from './app/event-types.ts';
import { cursorKeyFrom, ListCursors } from './app/list-cursors.ts';
import { afterAttempts } from './app/operational-events.ts';
import { RetentionPruner } from './app/retention.ts';
import { sharedQueueDepth } from './app/stats.ts';
import { type Config, parseAdminToken, type Role } from './config/config.ts';
import { DeliveryEngine } from './delivery/delivery-engine.ts';
import { SsrfGuard } from './delivery/ssrf-guard.ts';
import { ThreadedSender } from './delivery/threaded-sender.ts';
import { createLogger } from './observability/logger.ts';
import { Metrics } from './observability/metrics.ts';
import { migratePostgres, PostgresStore } from './store/postgres/postgres-store.ts';
import { lockDataDir } from './store/sqlite/data-dir-lock.ts';
import { SqliteStore } from './store/sqlite/sqlite-store.ts';
import type { AttemptResult, Store } from './store/store.ts';
import { VERSION } from './version.ts';

/** A running Hookline. */
export interface RunningServer {
  /** Base URL, e.g. `http://localhost:8080`. */
  readonly url: string;
  readonly port: number;
  readonly adminToken: string;
  /** Where the admin token came from, for the start banner. */
  readonly adminTokenSource: 'environment' | 'generated' | 'data-dir';
  /** The SQLite file, or the PostgreSQL URL without its password. */
  readonly databasePath: string;
  readonly role: Role;
  /** Whether this process serves the web dashboard at `url` (an API process whose dashboard built). */
  readonly servesDashboard: boolean;
  readonly app: FastifyInstance;
  /** The delivery workers; `undefined` in an API-only process. */
  readonly engine: DeliveryEngine | undefined;
  /** The retention pruner of a delivery process (tests run a pass at once with `prune()`). */
  readonly pruner: RetentionPruner | undefined;
  readonly logger: Logger;
  /** Stops accepting requests, drains attempts in flight (up to the shutdown timeout) and closes the database. */
  stop(): Promise<void>;
}

/** Options beyond the configuration (tests pass a quiet logger, and may move the clock). */
export interface StartOptions {
  readonly logger?: Logger;
  /** The clock of the API and the workers, in milliseconds since the epoch; `Date.now` by default. */
  readonly now?: () => number;
  /** The clock of the API rate limits, in milliseconds from any origin; `performance.now` by default. */
  readonly rateLimitClock?: () => number;
}

/** Reads the admin token from the configuration or the data dir, generating and saving one on first start. */
function resolveAdminToken(config: Config): { token: string; source: RunningServer['adminTokenSource'] } {
  if (config.adminToken !== undefined) return { token: config.adminToken, source: 'environment' };
  const path = join(config.dataDir, 'admin-token');
  if (existsSync(path)) {
    const token = readFileSync(path, 'utf8').trim();
    try {
      return { token: parseAdminToken(token), source: 'data-dir' };
    } catch (error) {
      // An empty or edited file would otherwise lock the operator out without a word.
      throw new Error(
        `the admin token in ${path} ${(error as Error).message}; fix it, delete the file to generate a new one, or set HOOKLINE_ADMIN_TOKEN`,
      );
    }
  }
  const token = generateAdminToken();
  writeFileSync(path, `${token}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(path, 0o600);
  return { token, source: 'generated' };
}

/**
 * A PostgreSQL pruning step's target: a step of 1,000 events (the largest) took 30 to 60 ms at 1,000
 * events a second on 2 cores (B11), and holds only the rows it deletes and one pooled connection.
 */
const POSTGRES_PRUNE_STEP_TARGET_MS = 50;

/** The database a process works on, and how to let go of it. */
interface OpenedStore {
  readonly store: Store;
  /** Where the data lives, for the banner: the SQLite file, or the PostgreSQL URL without its password. */
  readonly label: string;
  readonly admin: { token: string; source: RunningServer['adminTokenSource'] };
  /** After a pruning pass: gives space the pass freed back to the system, where the store can. */
  readonly afterPrune?: () => Promise<void>;
  /** How long a pruning step may take (see `PrunerOptions.stepTargetMs`); the pruner's own when absent. */
  readonly pruneStepTargetMs?: number;
  close(): Promise<void>;
}

/**
 * Opens the embedded SQLite file (one process owns the data dir) or PostgreSQL (shared by any number
 * of processes, which must all be given the same admin token).
 */
async function openStore(config: Config, logger: Logger): Promise<OpenedStore> {
  if (config.databaseUrl !== undefined) {
    if (config.adminToken === undefined) {
      throw new Error(
        'HOOKLINE_ADMIN_TOKEN is required with DATABASE_URL: every process must accept the same admin token',
      );
    }
    const store = await PostgresStore.connect({
      url: config.databaseUrl,
      poolSize: config.databasePoolSize,
      onError: (error) => logger.warn({ err: error }, 'database connection error'),
    });
    const shown = new URL(config.databaseUrl);
    if (shown.password) shown.password = '***';
    return {
      store,
      label: shown.toString(),
      pruneStepTargetMs: POSTGRES_PRUNE_STEP_TARGET_MS,
      admin: { token: config.adminToken, source: 'environment' },
      close: () => store.close(),
    };
  }
  if (config.role !== 'all') {
    throw new Error(
      `--role ${config.role} needs DATABASE_URL: the embedded SQLite file belongs to one process, which runs both roles`,
    );
  }
  mkdirSync(config.dataDir, { recursive: true });
  const lock = lockDataDir(config.dataDir);
  const path = resolve(config.dataDir, 'hookline.db');
  try {
    const admin = resolveAdminToken(config);
    const store = SqliteStore.open({
      path,
      onCheckpointFailure: (error) =>
        logger.warn({ err: error }, 'background WAL checkpoints failed; checkpointing on the main thread'),
    });
    // One process owns the SQLite file, so every lease in it belongs to a process that is gone: its
    // deliveries are due again at once instead of after their lease.
    const released = await store.releaseAllLeases(Date.now());
    if (released > 0)
      logger.info({ deliveries: released }, 'resuming deliveries interrupted by the last stop');
    return {
      store,
      label: path,
      admin,
      afterPrune: async () => {
        await store.releaseFreePages();
      },
      async close() {
        await store.close();
        lock.release();
      },
    };
  } catch (error) {
    lock.release();
    throw error;
  }
}

/**
 * Starts Hookline in this process: the API, the delivery workers, or both (`config.role`), on the
 * embedded SQLite store or on PostgreSQL (`config.databaseUrl`).
 */
/**
 * Migrates the PostgreSQL database at `databaseUrl` and disconnects: `hookline migrate`, run before a
 * rolling deployment so no serving process has to. The command line reaches the store through here,
 * as everything else does.
 * @returns the schema versions before and after.
 */
export function migrateDatabase(databaseUrl: string): Promise<{ from: number; to: number }> {
  return migratePostgres(databaseUrl);
}

/**
 * The built web dashboard, built first when its sources changed. A server that cannot build it (a
 * read-only install without a build) still serves the API: the dashboard is a client of it.
 */
async function buildDashboardOrWarn(logger: Logger): Promise<string | undefined> {
  try {
    return await ensureDashboardBuilt();
  } catch (error) {
    logger.warn({ err: error }, 'the dashboard could not be built; serving the API without it');
    return undefined;
  }
}

export async function startServer(config: Config, options: StartOptions = {}): Promise<RunningServer> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const opened = await openStore(config, logger);
  const { store, admin } = opened;
  const now = options.now ?? (() => Date.now());
  const runsApi = config.role !== 'worker';
  const runsWorkers = config.role !== 'api';

  const guard = new SsrfGuard({ allow: config.allowTargets });
  // undici pools sockets per origin, not per endpoint: endpoints of many accounts may share one origin
  // (a Zapier-style service). The engine already caps attempts per endpoint and per process, so the pool
  // must never make an attempt wait for a socket: a wait would spend the attempt's deadline and end as
  // a false `timeout`. No origin can need more sockets than the process has attempts in flight.
  const sender = runsWorkers
    ? new ThreadedSender(
        {
          allowTargets: config.allowTargets,
          connections: config.workerConcurrency,
          maxResponseBodyBytes: config.maxResponseBodyBytes,
        },
        logger.child({ component: 'delivery' }),
      )
    : undefined;
  const metrics = new Metrics(() => store.queueDepth());
  // One count of the backlog every few seconds serves every open dashboard's overview.
  const queueDepth = sharedQueueDepth(() => store.queueDepth(), now);
  const newId = systemIdSource(now);
  // Operational events, group after group in commit order, so a later group's word on an endpoint's
  // health always comes after an earlier one's.
  let afterResults = Promise.resolve();
  const onResultsCommitted = (group: readonly AttemptResult[]) => {
    afterResults = afterResults
      .then(() => afterAttempts(ctx, group))
      .catch((error: unknown) => logger.warn({ err: error }, 'operational events of attempt results failed'));
  };
  const engine = sender
    ? new DeliveryEngine({
        store,
        onResultsCommitted,
        sender,
        metrics,
        logger: logger.child({ component: 'delivery' }),
        newId,
        now,
        random: () => randomInt(0, 1_000_000) / 1_000_000,
        retryScheduleMs: config.retryScheduleMs,
        retryAfterMaxMs: config.retryAfterMaxMs,
        timeoutMs: config.timeoutMs,
        workerConcurrency: config.workerConcurrency,
        endpointConcurrency: config.endpointConcurrency,
        accountConcurrency: config.accountConcurrency,
        claimBatchSize: config.claimBatchSize,
        pollIntervalMs: config.pollIntervalMs,
        userAgent: `Hookline/${VERSION}`,
        loggedRequestBodyBytes: config.loggedRequestBodyBytes,
        workerId: `${hostname()}:${process.pid}:${newId('attempt').slice(-8)}`,
      })
    : undefined;
  const ctx: AppContext = {
    store,
    now,
    newId,
    urlChecker: guard,
    onPublished: (events, deliveries) => {
      metrics.eventsPublished.inc(events);
      metrics.deliveriesCreated.inc(deliveries);
    },
    maxEventBytes: config.maxEventBytes,
    secretGraceMs: config.secretGraceMs,
    catalog: new EventCatalog(store, now),
    maxActiveUrls: config.maxActiveUrls,
    accountConcurrency: config.accountConcurrency,
    retentionMs: config.retentionMs,
    endpointHealth: { warnAfterMs: config.failingWarningAfterMs, disableAfterMs: config.disableAfterMs },
    operatorAccount: config.operatorAccount,
    onAccountChanged: (account) => engine?.accountChanged(account),
    publicUrl: config.publicUrl,
    apiKeyUsesWritten: new Map(),
    onBackgroundFailure: (error, what) => logger.warn({ err: error }, what),
    queueDepth,
    // Keyed by the admin token, which every process of a deployment shares (see list-cursors.ts).
    cursors: new ListCursors(cursorKeyFrom(admin.token)),
  };
  // Every delivery process prunes; on PostgreSQL, processes pruning at once take different events.
  const pruner = runsWorkers
    ? new RetentionPruner({
        store,
        now,
        retentionMs: config.retentionMs,
        intervalMs: config.pruneIntervalMs,
        afterPass: opened.afterPrune,
        stepTargetMs: opened.pruneStepTargetMs,
        onPass: (pruned, durationMs) => {
          metrics.pruned.inc({ kind: 'events' }, pruned.events);
          metrics.pruned.inc({ kind: 'deliveries' }, pruned.deliveries);
          metrics.pruned.inc({ kind: 'attempts' }, pruned.attempts);
          metrics.pruned.inc({ kind: 'audit_entries' }, pruned.auditEntries);
          logger.info(
            { ...pruned, durationMs: Math.round(durationMs) },
            'pruned what was past its retention',
          );
        },
        onStep: (durationMs) => metrics.pruneStepDuration.observe(durationMs / 1000),
        onFailure: (error) => logger.warn({ err: error }, 'pruning failed; the next pass tries again'),
      })
    : undefined;
  let accepting = false;
  const dashboardDir = runsApi ? await buildDashboardOrWarn(logger) : undefined;
  // A monotonic clock: a wall clock set back would hold callers back for as long.
  const rateLimiter = new RateLimiter({
    settings: {
      apiKeyPerSecond: config.rateLimitKeyPerSecond,
      accountPerSecond: config.rateLimitAccountPerSecond,
      adminPerSecond: config.rateLimitAdminPerSecond,
      windowMs: config.rateLimitWindowMs,
    },
    now: options.rateLimitClock ?? (() => performance.now()),
    onRefused: (policy) => metrics.rateLimited.inc({ policy }),
  });
  const app = await buildHttpApp({
    ctx,
    adminToken: admin.token,
    metrics,
    rateLimiter,
    logger,
    version: VERSION,
    isAccepting: () => accepting,
    requestTimeoutMs: config.requestTimeoutMs,
    // A worker process answers the operations routes only (health, readiness, metrics).
    serveApi: runsApi,
    dashboard:
      dashboardDir === undefined
        ? undefined
        : { dir: dashboardDir, frameAncestors: config.portalFrameAncestors },
  });
  try {
    await app.listen({ port: config.port, host: config.host });
  } catch (error) {
    // A port in use or a bad host: release the database and sockets so the caller can report and exit.
    await app.close();
    await sender?.close();
    await opened.close();
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  sender?.start();
  engine?.start();
  pruner?.start();
  accepting = true;

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      accepting = false;
      await app.close();
      await pruner?.stop();
      await engine?.stop(config.shutdownTimeoutMs);
      await afterResults;
      // Attempts still running after the drain are abandoned: stopping the sending thread ends them
      // now, and the next start resends them (their results are no longer recorded).
      await sender?.close();
      await opened.close();
      logger.info('stopped');
      logger.flush?.();
    })();
    return stopping;
  };
  const shownHost = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  return {
    url: `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${port}`,
    port,
    adminToken: admin.token,
    adminTokenSource: admin.source,
    databasePath: opened.label,
    role: config.role,
    servesDashboard: dashboardDir !== undefined,
    app,
    engine,
    pruner,
    logger,
    stop,
  };
}
