/**
 * Hookline as a scenario runs it on either store: one process on a fresh SQLite data dir, or several
 * processes (`--role all` and `--role worker`) on a fresh database of the bench's PostgreSQL, migrated
 * by `hookline migrate` first. Everything started is stopped by {@link Deployment.stop}.
 */
import { HooklineClient } from './hookline-client.ts';
import {
  freshDataDir,
  type HooklineProcess,
  removeDataDir,
  runHooklineCommand,
  startHookline,
} from './hookline-process.ts';
import type { PostgresServer } from './postgres-server.ts';

/** A process's role: `all` serves the API and delivers; `api` only serves; `worker` only delivers. */
export type Role = 'all' | 'api' | 'worker';

/**
 * Workers tell the database they are alive every second and take their share of the endpoints from
 * the list of live ones: with several processes, work starts this long after the last one is ready.
 */
export const SHARES_SETTLE_MS = 1_200;

/** How to run Hookline. */
export interface DeploymentSpec {
  /** Names the data dir and the database (letters, digits and `_` for the latter). */
  readonly label: string;
  /** On PostgreSQL when given, else on SQLite (one process). */
  readonly postgres?: PostgresServer;
  /** The processes' roles, the first serving the API; `['all']` unless given (SQLite: always). */
  readonly roles?: readonly Role[];
  readonly env?: Readonly<Record<string, string>>;
}

/** Running Hookline processes and a client of the first one's API. */
export interface Deployment {
  readonly processes: readonly HooklineProcess[];
  readonly client: HooklineClient;
  /** The processes' data dir: on SQLite, where `hookline.db` and its WAL are. */
  readonly dataDir: string;
  /** The database's URL on PostgreSQL. */
  readonly databaseUrl: string | undefined;
  /** Stops every process and removes what it kept; throws when one had died on its own. */
  stop(): Promise<void>;
}

/** Starts Hookline as `spec` says; resolves once every process is ready (and, with several, has seen the others). */
export async function startDeployment(spec: DeploymentSpec): Promise<Deployment> {
  const dataDir = freshDataDir(spec.label);
  const { postgres } = spec;
  const database = postgres ? spec.label.replace(/[^a-z0-9_]/gi, '_').toLowerCase() : undefined;
  const processes: HooklineProcess[] = [];
  let client: HooklineClient | undefined;
  const cleanUp = async (): Promise<HooklineProcess[]> => {
    await client?.close();
    const died = processes.filter((p) => !p.isRunning());
    await Promise.all(processes.map((p) => p.stop(3_000)));
    removeDataDir(dataDir);
    if (postgres && database && postgres.isRunning()) await postgres.dropDatabase(database);
    return died;
  };
  try {
    const env = { ...spec.env };
    if (postgres && database) {
      env['DATABASE_URL'] = await postgres.createDatabase(database);
      await runHooklineCommand(['migrate'], { dataDir, env });
    }
    const roles = postgres ? (spec.roles ?? ['all']) : ['all'];
    for (const role of roles) {
      processes.push(
        await startHookline({ dataDir, env, args: ['--role', role], name: `hookline --role ${role}` }),
      );
    }
    const readyAt = performance.now();
    client = new HooklineClient(processes[0]!.baseUrl);
    if (processes.length > 1) {
      const settleMs = SHARES_SETTLE_MS - (performance.now() - readyAt);
      if (settleMs > 0) await new Promise((resolve) => setTimeout(resolve, settleMs));
    }
  } catch (error) {
    await cleanUp();
    throw error;
  }
  const started = client;
  return {
    processes,
    client: started,
    dataDir,
    databaseUrl: postgres && database ? postgres.urlOf(database) : undefined,
    async stop() {
      const [died] = await cleanUp();
      if (postgres && !postgres.isRunning()) {
        throw new Error(`postgres exited during the scenario:\n${postgres.output().slice(-4_000)}`);
      }
      if (died) throw new Error(`${died.name} exited during the scenario:\n${died.output().slice(-4_000)}`);
    },
  };
}
