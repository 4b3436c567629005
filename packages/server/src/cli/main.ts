/**
 * The `hookline` command line: `hookline start` (the default) runs the API and the delivery workers
 * (or one of them: `--role`); `hookline migrate` applies the PostgreSQL migrations on their own, as a
 * deploy step; `hookline demo` runs Hookline with a simulated shop and a local receiver. Settings come
 * from the environment (see docs/configuration.md); argv picks the command, the role and the demo's pace.
 */
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, ROLES, type Role, unknownSettings } from '../config/config.ts';
import { migrateDatabase, type RunningServer, startServer } from '../server.ts';
import { VERSION } from '../version.ts';
import { limitHeapGrowth } from './heap-growth.ts';

const USAGE = `Usage: hookline <command>

Commands:
  start      Run the API and the delivery workers (default). Options:
               --role <role>       api, worker or all (default: HOOKLINE_ROLE, or all); api and
                                   worker need DATABASE_URL
  migrate    Apply the PostgreSQL migrations of DATABASE_URL and exit (a deploy step; start applies
             them too)
  demo       Run Hookline with a simulated shop publishing events to a webhook per seed platform,
             and print every delivery a local receiver verifies. Options:
               --rate <n>          events per second (default 3)
               --duration <s>      stop after this many seconds (default: on Ctrl-C)
  version    Print the version

Settings are environment variables; see docs/configuration.md.
`;

/** Runs the command line with the given arguments; resolves to the process exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
        rate: { type: 'string' },
        duration: { type: 'string' },
        role: { type: 'string' },
      },
    });
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const command = parsed.positionals[0] ?? 'start';
  if (parsed.values['help']) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (parsed.values['version'] || command === 'version') {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const rate = parsed.values['rate'];
  const duration = parsed.values['duration'];
  const role = parsed.values['role'];
  // Each option belongs to one command; given to another it is refused, not silently ignored.
  if (role !== undefined && command !== 'start') {
    process.stderr.write(`--role is an option of "hookline start"\n\n${USAGE}`);
    return 2;
  }
  if ((rate !== undefined || duration !== undefined) && command !== 'demo') {
    process.stderr.write(`--rate and --duration are options of "hookline demo"\n\n${USAGE}`);
    return 2;
  }
  if (command === 'demo') {
    return demo({
      rate: typeof rate === 'string' ? rate : undefined,
      duration: typeof duration === 'string' ? duration : undefined,
    });
  }
  if (command === 'migrate') return migrate();
  if (command !== 'start') {
    process.stderr.write(`unknown command "${command}"\n\n${USAGE}`);
    return 2;
  }
  if (typeof role === 'string' && !ROLES.includes(role as Role)) {
    process.stderr.write(`--role must be one of ${ROLES.join(', ')}, not "${role}"\n\n${USAGE}`);
    return 2;
  }
  return start(typeof role === 'string' ? (role as Role) : undefined);
}

/** Reads the settings, or reports every invalid one and returns `undefined`. */
function readConfig(): ReturnType<typeof loadConfig> | undefined {
  warnUnknownSettings();
  try {
    return loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`hookline: ${error.message}\nSee docs/configuration.md.\n`);
      return undefined;
    }
    throw error;
  }
}

/** `hookline migrate`: the PostgreSQL schema up to date, then exit. */
async function migrate(): Promise<number> {
  const config = readConfig();
  if (!config) return 2;
  if (config.databaseUrl === undefined) {
    process.stderr.write(
      'hookline: migrate needs DATABASE_URL (the embedded SQLite file is migrated by `hookline start`)\n',
    );
    return 2;
  }
  try {
    const { from, to } = await migrateDatabase(config.databaseUrl);
    process.stdout.write(
      from === to
        ? `schema is up to date (version ${to})\n`
        : `migrated the schema from version ${from} to ${to}\n`,
    );
    return 0;
  } catch (error) {
    process.stderr.write(`hookline: migration failed: ${(error as Error).message}\n`);
    return 1;
  }
}

/** Which setting to look at when the start failed with a system error. */
function startHint(error: unknown): string {
  const { code, syscall } = error as NodeJS.ErrnoException;
  if (syscall === 'listen') {
    return code === 'EADDRINUSE'
      ? ' (another process listens there; set PORT)'
      : ' (check PORT and HOOKLINE_HOST; ports below 1024 need privileges)';
  }
  if (code === 'EACCES' || code === 'EROFS' || code === 'EEXIST' || code === 'ENOTDIR') {
    return ' (check HOOKLINE_DATA_DIR: it must be a writable directory)';
  }
  return '';
}

function warnUnknownSettings(): void {
  for (const name of unknownSettings(process.env)) {
    process.stderr.write(
      `hookline: warning: ${name} is not a setting and is ignored (see docs/configuration.md)\n`,
    );
  }
}

const ROLE_TEXT: Record<Role, string> = {
  all: 'all (API and delivery workers)',
  api: 'api (the API; worker processes deliver)',
  worker: 'worker (delivery only; the API runs elsewhere)',
};

async function start(role: Role | undefined): Promise<number> {
  const loaded = readConfig();
  if (!loaded) return 2;
  const config = role === undefined ? loaded : Object.freeze({ ...loaded, role });
  limitHeapGrowth();
  let server: RunningServer;
  try {
    server = await startServer(config);
  } catch (error) {
    // Expected start failures (a port in use, an unwritable data dir, a bad admin-token file) get one
    // line naming the cause instead of a stack trace.
    process.stderr.write(`hookline: could not start: ${(error as Error).message}${startHint(error)}\n`);
    return 1;
  }
  // The token is shown in full only when it was just generated: later starts point to where it is,
  // so it does not end up in every log collector that captures standard output.
  const tokenFile = `${config.dataDir}/admin-token`;
  const token = {
    generated: {
      line: `${server.adminToken} (generated and saved in ${tokenFile})`,
      shell: server.adminToken,
    },
    'data-dir': { line: `in ${tokenFile}`, shell: `$(cat ${tokenFile})` },
    environment: { line: 'from HOOKLINE_ADMIN_TOKEN', shell: '$HOOKLINE_ADMIN_TOKEN' },
  }[server.adminTokenSource];
  process.stdout.write(
    [
      '',
      `  Hookline ${VERSION} is running`,
      '',
      `  URL          ${server.url}`,
      ...(server.servesDashboard ? [`  Dashboard    ${server.url}/  (sign in with the admin token)`] : []),
      `  Admin token  ${token.line}`,
      `  Database     ${server.databasePath}`,
      `  Role         ${ROLE_TEXT[server.role]}`,
      ...(server.role === 'worker'
        ? ['', `  Health and metrics: ${server.url}/readyz, ${server.url}/metrics`]
        : [
            `  API docs     ${server.url}/openapi.json`,
            '',
            '  Create an account:',
            `    curl -s -X POST ${server.url}/v1/accounts -H "Authorization: Bearer ${token.shell}" \\`,
            `      -H 'content-type: application/json' -d '{"name":"My shop"}'`,
          ]),
      '',
      '',
    ].join('\n'),
  );

  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals++;
    if (signals > 1) {
      server.logger.warn({ signal }, 'second signal: exiting without draining');
      process.exit(1);
    }
    server.logger.info({ signal }, 'draining attempts in flight, then stopping');
    server.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        server.logger.error({ err: error }, 'stopping failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  process.on('unhandledRejection', (reason) => {
    server.logger.error({ err: reason }, 'unhandled promise rejection');
  });
  // A bug that throws outside any request leaves the process in an unknown state: stop as cleanly as
  // possible (attempts in flight are resent after the restart) and let the supervisor restart it.
  process.on('uncaughtException', (error) => {
    server.logger.fatal({ err: error }, 'uncaught exception; stopping');
    server.stop().finally(() => process.exit(1));
  });
  return new Promise<number>(() => {
    // Runs until a signal stops it.
  });
}

/** A positive number from an option, or `undefined` when absent; `null` (after a message) when invalid. */
function positiveOption(name: string, text: string | undefined): number | undefined | null {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value <= 0) {
    process.stderr.write(`--${name} must be a number above 0, got "${text}"\n\n${USAGE}`);
    return null;
  }
  return value;
}

async function demo(args: { rate: string | undefined; duration: string | undefined }): Promise<number> {
  const ratePerSecond = positiveOption('rate', args.rate);
  const durationSeconds = positiveOption('duration', args.duration);
  if (ratePerSecond === null || durationSeconds === null) return 2;
  warnUnknownSettings();
  // Loaded on demand: `hookline start` never evaluates the demo's modules.
  const { runDemo } = await import('../demo/demo.ts');
  let handle: Awaited<ReturnType<typeof runDemo>>;
  try {
    handle = await runDemo({
      ...(ratePerSecond === undefined ? {} : { ratePerSecond }),
      ...(durationSeconds === undefined ? {} : { durationSeconds }),
    });
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`hookline: ${error.message}\nSee docs/configuration.md.\n`);
      return 2;
    }
    process.stderr.write(
      `hookline: the demo could not start: ${(error as Error).message}${startHint(error)}\n`,
    );
    return 1;
  }
  return new Promise<number>((resolve) => {
    let signals = 0;
    const finish = () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      handle.stop().then(
        () => resolve(0),
        (error: unknown) => {
          process.stderr.write(`hookline: stopping the demo failed: ${(error as Error).message}\n`);
          resolve(1);
        },
      );
    };
    const onSignal = () => {
      signals++;
      if (signals > 1) process.exit(1);
      process.stdout.write('\n  Stopping the shop, then Hookline (attempts in flight finish first)…\n');
      finish();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    // With --duration the demo ends by itself once what the shop published has arrived (up to 10 s).
    if (durationSeconds !== undefined) {
      void handle.shopStopped
        .then(() => handle.waitForDeliveries(10_000))
        .then(() => {
          if (signals > 0) return;
          signals++;
          finish();
        });
    }
  });
}

const exitCode = await main(process.argv.slice(2));
process.exitCode = exitCode;
