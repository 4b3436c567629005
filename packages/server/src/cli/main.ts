/**
 * The `hookline` command line: `hookline start` (the default) runs the API and the delivery workers.
 * Settings come from the environment (see docs/configuration.md); argv only picks the command.
 */
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, unknownSettings } from '../config/config.ts';
import { type RunningServer, startServer } from '../server.ts';
import { VERSION } from '../version.ts';

const USAGE = `Usage: hookline <command>

Commands:
  start      Run the API and the delivery workers (default)
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
      options: { help: { type: 'boolean', short: 'h' }, version: { type: 'boolean', short: 'v' } },
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
  if (command !== 'start') {
    process.stderr.write(`unknown command "${command}"\n\n${USAGE}`);
    return 2;
  }
  return start();
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

async function start(): Promise<number> {
  for (const name of unknownSettings(process.env)) {
    process.stderr.write(
      `hookline: warning: ${name} is not a setting and is ignored (see docs/configuration.md)\n`,
    );
  }
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`hookline: ${error.message}\nSee docs/configuration.md.\n`);
      return 2;
    }
    throw error;
  }
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
      `  Admin token  ${token.line}`,
      `  Database     ${server.databasePath}`,
      `  API docs     ${server.url}/openapi.json`,
      '',
      '  Create an account:',
      `    curl -s -X POST ${server.url}/v1/accounts -H "Authorization: Bearer ${token.shell}" \\`,
      `      -H 'content-type: application/json' -d '{"name":"My shop"}'`,
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

const exitCode = await main(process.argv.slice(2));
process.exitCode = exitCode;
