/**
 * Hookline started the way a user starts it: as `npm start` runs it (`node <flags>
 * packages/server/bin/hookline.js start`, with the start script's node flags) from the repository
 * root, configured by environment variables only, on a fresh data dir. Durability settings
 * are never touched: the benchmark measures the defaults (WAL, `synchronous=FULL`).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import {
  type ChildExit,
  forgetTempDir,
  isChildRunning,
  keepOutput,
  stopChild,
  trackChild,
  trackTempDir,
} from './process-registry.ts';
import { ProcessSampler } from './process-sampler.ts';

/** The repository root: the working directory of Hookline, as for a user who cloned it. */
export const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));

/** The script every Hookline process runs. */
const HOOKLINE_SCRIPT = 'packages/server/bin/hookline.js';

/**
 * The node flags of a `start` script of the form `node <flags> packages/server/bin/hookline.js start`.
 * @throws when the script has another form, so that the bench never quietly starts Hookline otherwise
 */
export function startScriptNodeFlags(script: string): string[] {
  const words = script.trim().split(/\s+/);
  const at = words.indexOf(HOOKLINE_SCRIPT);
  if (words[0] !== 'node' || at < 0 || words.slice(at + 1).join(' ') !== 'start') {
    throw new Error(`the start script is not "node <flags> ${HOOKLINE_SCRIPT} start": ${script}`);
  }
  return words.slice(1, at);
}

/** The node flags `npm start` gives Hookline (the root package's start script). */
export const NODE_FLAGS: readonly string[] = startScriptNodeFlags(
  JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).scripts.start,
);

/** The admin token every benchmark server uses (at least 16 printable characters). */
export const BENCH_ADMIN_TOKEN = 'bench-admin-token-0123456789';

// Output kept for error messages; a chatty server cannot grow the harness's memory.
const MAX_OUTPUT_CHARS = 64 * 1024;

/** How to start one Hookline. */
export interface HooklineOptions {
  /** The data dir; reuse one to restart on the same database. */
  readonly dataDir: string;
  /** Extra `HOOKLINE_*` settings for this scenario (never durability ones), or `DATABASE_URL`. */
  readonly env?: Readonly<Record<string, string>>;
  /** The port; a free one when absent. */
  readonly port?: number;
  /** Options after `hookline start`, e.g. `['--role', 'worker']`. */
  readonly args?: readonly string[];
  /** What the process is called in diagnostics (`hookline` by default). */
  readonly name?: string;
  /** Node's flags; those of `npm start` ({@link NODE_FLAGS}) when absent. */
  readonly nodeFlags?: readonly string[];
  /**
   * Another checkout to run Hookline from (a `git worktree` whose `node_modules` links to this one's),
   * to measure two builds side by side; this repository when absent.
   */
  readonly repoRoot?: string;
}

/** A running Hookline process. */
export interface HooklineProcess {
  readonly pid: number;
  /** `hookline`, or the name given in {@link HooklineOptions.name}. */
  readonly name: string;
  readonly port: number;
  /** `http://127.0.0.1:<port>` */
  readonly baseUrl: string;
  /** RSS and CPU of the process, sampled every 250 ms. */
  readonly sampler: ProcessSampler;
  /** RSS when `/readyz` first answered 200: the idle footprint before any work. */
  readonly readyRssBytes: number;
  /** Resolves when the process has ended. */
  readonly exited: Promise<ChildExit>;
  isRunning(): boolean;
  /** Standard output and error so far (the last 64 KiB of each). */
  output(): string;
  /** `kill -9`: the crash the durability promise is about. */
  kill9(): Promise<void>;
  /** SIGTERM (Hookline drains), then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

/** A new empty data dir under the system's temp dir, deleted when the harness exits at the latest. */
export function freshDataDir(label: string): string {
  const dir = mkdtempSync(join(tmpdir(), `hookline-bench-${label}-`));
  trackTempDir(dir);
  return dir;
}

/** Deletes a data dir made by {@link freshDataDir}. */
export function removeDataDir(dataDir: string): void {
  rmSync(dataDir, { recursive: true, force: true });
  forgetTempDir(dataDir);
}

/** A TCP port that was free a moment ago. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The settings of `--set`, for every Hookline process started from now on (see {@link useSettings}). */
let commandLineSettings: Readonly<Record<string, string>> = {};

/** Gives every Hookline process started from now on these `HOOKLINE_*` settings, under the scenario's. */
export function useSettings(settings: Readonly<Record<string, string>>): void {
  commandLineSettings = settings;
}

/**
 * The environment of a Hookline process. A developer's shell must not change what is measured:
 * inherited `PORT`, `HOOKLINE_*` and `DATABASE_URL` are dropped (a scenario on PostgreSQL sets its own).
 * The command line's `--set` settings come next, then the scenario's own.
 */
export function hooklineEnv(
  dataDir: string,
  port: number | undefined,
  env: Readonly<Record<string, string>> | undefined,
): NodeJS.ProcessEnv {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) =>
        name !== 'PORT' &&
        !name.startsWith('HOOKLINE_') &&
        name !== 'NODE_OPTIONS' &&
        name !== 'DATABASE_URL',
    ),
  );
  return {
    ...inherited,
    ...(port === undefined ? {} : { PORT: String(port) }),
    HOOKLINE_HOST: '127.0.0.1',
    HOOKLINE_DATA_DIR: dataDir,
    HOOKLINE_ADMIN_TOKEN: BENCH_ADMIN_TOKEN,
    HOOKLINE_ALLOW_TARGETS: '127.0.0.0/8',
    HOOKLINE_LOG_LEVEL: 'warn',
    ...commandLineSettings,
    ...env,
  };
}

/**
 * Runs a Hookline command that ends by itself (`hookline migrate`) with the benchmark's environment,
 * and throws with its output unless it exits with status 0 within `timeoutMs`.
 */
export async function runHooklineCommand(
  args: readonly string[],
  options: { readonly dataDir: string; readonly env?: Readonly<Record<string, string>>; timeoutMs?: number },
): Promise<string> {
  const child = spawn(process.execPath, [...NODE_FLAGS, HOOKLINE_SCRIPT, ...args], {
    cwd: REPO_ROOT,
    env: hooklineEnv(options.dataDir, undefined, options.env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error(`could not spawn hookline ${args.join(' ')}`);
  const exited = trackChild(child, `hookline ${args.join(' ')}`);
  const output = keepOutput(child, MAX_OUTPUT_CHARS);
  const timeoutMs = options.timeoutMs ?? 60_000;
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const exit = await exited;
  clearTimeout(timer);
  if (exit.code !== 0) {
    const how = exit.signal
      ? `was killed by ${exit.signal} (after ${timeoutMs} ms at most)`
      : `exited ${exit.code}`;
    throw new Error(`hookline ${args.join(' ')} ${how}:\n${output()}`);
  }
  return output();
}

/** Starts Hookline and resolves once `/readyz` answers 200. */
export async function startHookline(options: HooklineOptions): Promise<HooklineProcess> {
  const port = options.port ?? (await freePort());
  const nodeFlags = options.nodeFlags ?? NODE_FLAGS;
  const child = spawn(process.execPath, [...nodeFlags, HOOKLINE_SCRIPT, 'start', ...(options.args ?? [])], {
    cwd: options.repoRoot ?? REPO_ROOT,
    env: hooklineEnv(options.dataDir, port, options.env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const name = options.name ?? 'hookline';
  if (child.pid === undefined) throw new Error(`could not spawn ${name}`);
  const pid = child.pid;
  const exited = trackChild(child, name);
  const output = keepOutput(child, MAX_OUTPUT_CHARS);
  const isRunning = () => isChildRunning(child);
  const sampler = new ProcessSampler(pid);
  void exited.then(() => sampler.stop());
  const baseUrl = `http://127.0.0.1:${port}`;
  const hookline = {
    pid,
    name,
    port,
    baseUrl,
    sampler,
    readyRssBytes: 0,
    exited,
    isRunning,
    output,
    async kill9() {
      sampler.sample();
      if (isRunning()) child.kill('SIGKILL');
      await exited;
    },
    stop: (graceMs = 3_000) => stopChild(child, exited, 'SIGTERM', graceMs),
  };
  try {
    await waitUntilReady(hookline);
  } catch (error) {
    await hookline.kill9();
    throw error;
  }
  sampler.sample();
  hookline.readyRssBytes = sampler.lastRssBytes;
  return hookline;
}

async function waitUntilReady(hookline: HooklineProcess, timeoutMs = 30_000): Promise<void> {
  const pool = new Pool(hookline.baseUrl, { connections: 1 });
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      if (!hookline.isRunning())
        throw new Error(`${hookline.name} exited before it was ready:\n${hookline.output()}`);
      try {
        const response = await pool.request({ path: '/readyz', method: 'GET', headersTimeout: 2_000 });
        await response.body.dump();
        if (response.statusCode === 200) return;
      } catch {
        // Not listening yet.
      }
      if (Date.now() > deadline)
        throw new Error(`${hookline.name} not ready after ${timeoutMs} ms:\n${hookline.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    await pool.destroy();
  }
}
