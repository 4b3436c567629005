/**
 * A real PostgreSQL for the benchmark: Debian's `postgresql` package, a fresh cluster (`initdb`) in a
 * temp dir, the server itself (`postgres`, not `pg_ctl`) running as a child of the harness so that the
 * process registry ends it with everything else. Durability is PostgreSQL's default (`fsync`,
 * `synchronous_commit`, `full_page_writes` on): a committed transaction is on disk. Only memory and
 * connections are set ({@link POSTGRES_SETTINGS}). Running as root, the server runs as the `postgres`
 * user, as PostgreSQL requires.
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { chownSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { freePort, freshDataDir, removeDataDir } from './hookline-process.ts';
import { type ChildExit, isChildRunning, keepOutput, stopChild, trackChild } from './process-registry.ts';
import { treeCpuSeconds } from './process-sampler.ts';

/** Where Debian installs the server binaries: `/usr/lib/postgresql/<major>/bin`. */
export const POSTGRES_ROOT = '/usr/lib/postgresql';

/**
 * Server settings beyond the defaults: a database box's memory (the default 128 MB is sized for a
 * shared laptop) and room for every process's pool (10 connections + 1 listener each).
 */
export const POSTGRES_SETTINGS: Readonly<Record<string, string>> = {
  listen_addresses: '127.0.0.1',
  shared_buffers: '256MB',
  max_connections: '100',
};

// Output kept for error messages and for counting checkpoints.
const MAX_OUTPUT_CHARS = 256 * 1024;

/** The entries of {@link POSTGRES_ROOT} that name a major version, newest first. */
export function majorVersionsNewestFirst(entries: readonly string[]): string[] {
  return entries.filter((name) => /^\d+$/.test(name)).sort((a, b) => Number(b) - Number(a));
}

/** The newest installed server binaries, or undefined when there are none. */
export function postgresBinDir(root = POSTGRES_ROOT): string | undefined {
  if (!existsSync(root)) return undefined;
  for (const major of majorVersionsNewestFirst(readdirSync(root))) {
    const bin = join(root, major, 'bin');
    if (existsSync(join(bin, 'postgres')) && existsSync(join(bin, 'initdb'))) return bin;
  }
  return undefined;
}

/** The uid and gid of the `postgres` user, or undefined when there is no such user. */
function postgresUser(): { uid: number; gid: number } | undefined {
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    return Number.isInteger(uid) && Number.isInteger(gid) ? { uid, gid } : undefined;
  } catch {
    return undefined;
  }
}

/** Why PostgreSQL cannot be started here, or undefined when it can. */
export function postgresUnavailable(root = POSTGRES_ROOT): string | undefined {
  if (postgresBinDir(root) === undefined) {
    return `PostgreSQL is not installed (no server binaries under ${root}; Debian: apt-get install postgresql)`;
  }
  if (process.getuid?.() === 0 && postgresUser() === undefined) {
    return 'running as root, but there is no "postgres" user to run the PostgreSQL server as';
  }
  return undefined;
}

/** A running PostgreSQL server. */
export interface PostgresServer {
  readonly pid: number;
  readonly port: number;
  /** `postgres://postgres@127.0.0.1:<port>/<database>` */
  urlOf(database: string): string;
  createDatabase(name: string): Promise<string>;
  /** Drops a database (which makes PostgreSQL checkpoint, so the next run starts with clean buffers). */
  dropDatabase(name: string): Promise<void>;
  /** CPU seconds of the server and all its backends so far. */
  cpuSeconds(): number;
  /** Lines `checkpoint starting` the server has logged so far. */
  checkpoints(): number;
  /** The server's log so far (the last 256 KiB). */
  output(): string;
  isRunning(): boolean;
  /** Fast shutdown (SIGINT: sessions end, a checkpoint is written), SIGKILL after `graceMs`; removes the cluster. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Initialises a cluster in a fresh temp dir and starts the server; resolves once it accepts connections.
 * @param settings server settings (`-c name=value`), {@link POSTGRES_SETTINGS} unless given
 */
export async function startPostgres(
  label: string,
  settings: Readonly<Record<string, string>> = POSTGRES_SETTINGS,
): Promise<PostgresServer> {
  const why = postgresUnavailable();
  if (why) throw new Error(why);
  const bin = postgresBinDir()!;
  const user = process.getuid?.() === 0 ? postgresUser() : undefined;
  const dir = freshDataDir(label);
  let child: ChildProcess | undefined;
  let exited: Promise<ChildExit> | undefined;
  try {
    if (user) chownSync(dir, user.uid, user.gid);
    const dataDir = join(dir, 'data');
    const asUser = { cwd: dir, ...(user ? { uid: user.uid, gid: user.gid } : {}) };
    const init = spawnSync(
      join(bin, 'initdb'),
      ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--no-locale'],
      { ...asUser, encoding: 'utf8' },
    );
    if (init.status !== 0) {
      throw new Error(`initdb failed (${init.status ?? init.signal}): ${init.stderr || init.stdout}`);
    }
    const port = await freePort();
    const options = Object.entries(settings).flatMap(([name, value]) => ['-c', `${name}=${value}`]);
    child = spawn(join(bin, 'postgres'), ['-D', dataDir, '-p', String(port), '-k', dir, ...options], {
      ...asUser,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    if (child.pid === undefined) throw new Error('could not spawn postgres');
    const pid = child.pid;
    const running = child;
    exited = trackChild(child, 'postgres');
    let checkpoints = 0;
    const output = keepOutput(child, MAX_OUTPUT_CHARS, (chunk) => {
      checkpoints += chunk.match(/checkpoint starting/g)?.length ?? 0;
    });
    const isRunning = () => isChildRunning(running);
    const urlOf = (database: string) => `postgres://postgres@127.0.0.1:${port}/${database}`;
    const admin = async <T>(work: (client: pg.Client) => Promise<T>): Promise<T> => {
      const client = new pg.Client({ connectionString: urlOf('postgres') });
      await client.connect();
      try {
        return await work(client);
      } finally {
        await client.end();
      }
    };
    await waitUntilAccepting(urlOf('postgres'), isRunning, output);
    const whenExited = exited;
    return {
      pid,
      port,
      urlOf,
      async createDatabase(name) {
        await admin((client) => client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`));
        return urlOf(name);
      },
      async dropDatabase(name) {
        // FORCE: a backend of a Hookline that was just killed may not have noticed yet.
        await admin((client) =>
          client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`),
        );
      },
      cpuSeconds: () => treeCpuSeconds(pid),
      checkpoints: () => checkpoints,
      output,
      isRunning,
      async stop(graceMs = 10_000) {
        await stopChild(running, whenExited, 'SIGINT', graceMs);
        removeDataDir(dir);
      },
    };
  } catch (error) {
    if (child && exited) await stopChild(child, exited, 'SIGKILL', 0);
    removeDataDir(dir);
    throw error;
  }
}

async function waitUntilAccepting(
  url: string,
  isRunning: () => boolean,
  output: () => string,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!isRunning()) throw new Error(`postgres exited before it accepted connections:\n${output()}`);
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return;
    } catch {
      // Starting up, or not listening yet.
    } finally {
      await client.end().catch(() => undefined);
    }
    if (Date.now() > deadline) {
      throw new Error(`postgres did not accept connections within ${timeoutMs} ms:\n${output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
