/**
 * The composition root: the only module that knows which store, sender and clock are in use and wires
 * them together. Everything else receives its collaborators.
 */
import { randomInt } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { buildHttpApp } from './api/http-app.ts';
import { type AppContext, systemIdSource } from './app/context.ts';
import { generateAdminToken } from './app/credentials.ts';
import { EventCatalog } from './app/event-types.ts';
import { type Config, parseAdminToken } from './config/config.ts';
import { DeliveryEngine } from './delivery/delivery-engine.ts';
import { HttpSender } from './delivery/http-sender.ts';
import { SsrfGuard } from './delivery/ssrf-guard.ts';
import { createLogger } from './observability/logger.ts';
import { Metrics } from './observability/metrics.ts';
import { lockDataDir } from './store/sqlite/data-dir-lock.ts';
import { SqliteStore } from './store/sqlite/sqlite-store.ts';
import { VERSION } from './version.ts';

/** A running Hookline. */
export interface RunningServer {
  /** Base URL, e.g. `http://localhost:8080`. */
  readonly url: string;
  readonly port: number;
  readonly adminToken: string;
  /** Where the admin token came from, for the start banner. */
  readonly adminTokenSource: 'environment' | 'generated' | 'data-dir';
  readonly databasePath: string;
  readonly app: FastifyInstance;
  readonly engine: DeliveryEngine;
  readonly logger: Logger;
  /** Stops accepting requests, drains attempts in flight (up to the shutdown timeout) and closes the database. */
  stop(): Promise<void>;
}

/** Options beyond the configuration (tests pass a quiet logger). */
export interface StartOptions {
  readonly logger?: Logger;
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

/** Starts the API and the delivery workers in this process, on the embedded SQLite store. */
export async function startServer(config: Config, options: StartOptions = {}): Promise<RunningServer> {
  const logger = options.logger ?? createLogger(config.logLevel);
  mkdirSync(config.dataDir, { recursive: true });
  const lock = lockDataDir(config.dataDir);
  let admin: ReturnType<typeof resolveAdminToken>;
  let store: SqliteStore;
  const databasePath = resolve(config.dataDir, 'hookline.db');
  try {
    admin = resolveAdminToken(config);
    store = SqliteStore.open({
      path: databasePath,
      onCheckpointFailure: (error) =>
        logger.warn({ err: error }, 'background WAL checkpoints failed; checkpointing on the main thread'),
    });
  } catch (error) {
    lock.release();
    throw error;
  }
  const now = () => Date.now();
  // One process owns the SQLite file, so every lease in it belongs to a process that is gone: its
  // deliveries are due again at once instead of after their lease.
  const released = await store.releaseAllLeases(now());
  if (released > 0) logger.info({ deliveries: released }, 'resuming deliveries interrupted by the last stop');

  const guard = new SsrfGuard({ allow: config.allowTargets });
  // undici pools sockets per origin, not per endpoint: endpoints of many accounts may share one origin
  // (a Zapier-style service). The engine already caps attempts per endpoint and per process, so the pool
  // must never make an attempt wait for a socket: a wait would spend the attempt's deadline and end as
  // a false `timeout`. No origin can need more sockets than the process has attempts in flight.
  const agent = guard.createAgent({ connections: config.workerConcurrency });
  const metrics = new Metrics(() => store.queueDepth());
  const newId = systemIdSource(now);
  const engine = new DeliveryEngine({
    store,
    sender: new HttpSender({ dispatcher: agent, maxResponseBodyBytes: config.maxResponseBodyBytes }),
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
    claimBatchSize: config.claimBatchSize,
    pollIntervalMs: config.pollIntervalMs,
    userAgent: `Hookline/${VERSION}`,
  });
  const ctx: AppContext = {
    store,
    now,
    newId,
    urlChecker: guard,
    wakeWorkers: () => engine.wake(),
    onEndpointChanged: (endpointId, endpoint) => engine.endpointChanged(endpointId, endpoint),
    onPublished: (events, deliveries) => {
      metrics.eventsPublished.inc(events);
      metrics.deliveriesCreated.inc(deliveries);
    },
    maxEventBytes: config.maxEventBytes,
    secretGraceMs: config.secretGraceMs,
    catalog: new EventCatalog(store, now),
    maxActiveUrls: config.maxActiveUrls,
  };
  let accepting = false;
  const app = await buildHttpApp({
    ctx,
    adminToken: admin.token,
    metrics,
    logger,
    version: VERSION,
    isAccepting: () => accepting,
  });
  try {
    await app.listen({ port: config.port, host: config.host });
  } catch (error) {
    // A port in use or a bad host: release the database and sockets so the caller can report and exit.
    await app.close();
    await agent.close();
    await store.close();
    lock.release();
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  engine.start();
  accepting = true;

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      accepting = false;
      await app.close();
      await engine.stop(config.shutdownTimeoutMs);
      // Attempts still running after the drain are abandoned: destroying the pool ends them now, and
      // the next start resends them (their results are no longer recorded).
      await agent.destroy();
      await store.close();
      lock.release();
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
    databasePath,
    app,
    engine,
    logger,
    stop,
  };
}
