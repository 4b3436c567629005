/**
 * A real PostgreSQL server for tests: Debian's `postgresql` package, a fresh cluster in a temp dir
 * (initdb + pg_ctl), listening on a free port on 127.0.0.1 and on a socket in that dir. One cluster per
 * test file (each file runs in its own process), one database per `createDatabase` call, everything
 * removed by `stop`. Running as root, the server runs as the `postgres` user, as PostgreSQL requires.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import pg from 'pg';

/** A running test cluster. */
export interface TestPostgres {
  /** `postgres://…` of the `postgres` database (for admin statements). */
  readonly adminUrl: string;
  readonly port: number;
  /** Creates a fresh database and returns its URL. */
  createDatabase(name?: string): Promise<string>;
  /** `pg_ctl restart -m immediate`: a crash and recovery, as a power cut would cause. */
  restartImmediate(): void;
  stop(): void;
}

const PG_ROOT = '/usr/lib/postgresql';

/** The newest installed server binaries (`/usr/lib/postgresql/<major>/bin`). */
export function postgresBinDir(): string | undefined {
  if (!existsSync(PG_ROOT)) return undefined;
  const majors = readdirSync(PG_ROOT)
    .map(Number)
    .filter((n) => Number.isInteger(n))
    .sort((a, b) => b - a);
  for (const major of majors) {
    const bin = join(PG_ROOT, String(major), 'bin');
    if (existsSync(join(bin, 'pg_ctl'))) return bin;
  }
  return undefined;
}

/**
 * Why PostgreSQL tests are skipped on this machine, or `false` to run them. A developer without the
 * package sees them skipped with the reason; CI (`CI=true`) installs it and never skips.
 */
export function postgresSkip(): string | false {
  if (postgresBinDir() !== undefined || process.env['CI'] === 'true') return false;
  return 'PostgreSQL is not installed here (Debian: apt-get install postgresql)';
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

let databases = 0;

/** Starts a cluster; throws with a clear message when PostgreSQL is not installed. */
export async function startPostgres(): Promise<TestPostgres> {
  const bin = postgresBinDir();
  if (!bin)
    throw new Error(`PostgreSQL server binaries not found under ${PG_ROOT} (apt-get install postgresql)`);
  const asRoot = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), 'hookline-pg-'));
  const dataDir = join(dir, 'data');
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chownSync(dir, uid, gid);
  }
  chmodSync(dir, 0o700);
  const run = (command: string, args: string[]) => {
    const [file, fileArgs] = asRoot
      ? ['runuser', ['-u', 'postgres', '--', join(bin, command), ...args]]
      : [join(bin, command), args];
    const result = spawnSync(file, fileArgs, { encoding: 'utf8' });
    if (result.status !== 0) {
      throw new Error(`${command} failed (${result.status}): ${result.stderr || result.stdout}`);
    }
  };
  const port = await freePort();
  run('initdb', ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--no-locale']);
  // Settings for a test box: small memory and enough connections for several server processes.
  // `fsync=off` only matters when the machine itself crashes: commits still reach the OS before they
  // are acknowledged (`synchronous_commit` stays on), so a killed or restarted server loses nothing.
  const options = [
    `-p ${port}`,
    `-k ${dir}`,
    "-c listen_addresses='127.0.0.1'",
    '-c max_connections=200',
    '-c shared_buffers=64MB',
    '-c fsync=off',
    '-c full_page_writes=off',
  ].join(' ');
  const start = () =>
    run('pg_ctl', ['-D', dataDir, '-o', options, '-l', join(dir, 'server.log'), '-w', 'start']);
  start();
  const adminUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    try {
      run('pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  // A test process that ends without `stop` (a failed `before`) must not leave a server behind.
  process.once('exit', stop);
  return {
    adminUrl,
    port,
    async createDatabase(name) {
      databases++;
      const database = name ?? `hookline_test_${process.pid}_${databases}`;
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${database}`);
      } finally {
        await client.end();
      }
      return `postgres://postgres@127.0.0.1:${port}/${database}`;
    },
    restartImmediate() {
      run('pg_ctl', [
        '-D',
        dataDir,
        '-o',
        options,
        '-l',
        join(dir, 'server.log'),
        '-m',
        'immediate',
        '-w',
        'restart',
      ]);
    },
    stop,
  };
}

/** The stores a server runs on. */
export type StoreName = 'SQLite' | 'PostgreSQL';

/**
 * Declares `suite` twice, on SQLite and on PostgreSQL (skipped when PostgreSQL cannot run here), with
 * one cluster for the file. `storeEnv` gives the settings a server needs for the store: none for
 * SQLite; a fresh database and the admin token every PostgreSQL process must share.
 */
export function onEachStore(
  title: string,
  suite: (store: StoreName, storeEnv: () => Promise<Record<string, string>>) => void,
): void {
  const skip = postgresSkip();
  let cluster: TestPostgres | undefined;
  before(async () => {
    if (!skip) cluster = await startPostgres();
  });
  after(() => cluster?.stop());
  for (const store of ['SQLite', 'PostgreSQL'] as const) {
    const storeEnv = async (): Promise<Record<string, string>> =>
      store === 'SQLite'
        ? {}
        : {
            DATABASE_URL: await cluster!.createDatabase(),
            HOOKLINE_ADMIN_TOKEN: 'postgresql-test-admin-token',
          };
    describe(`${title} on ${store}`, { skip: store === 'PostgreSQL' && skip }, () => suite(store, storeEnv));
  }
}
