/**
 * Runs Hookline the way an operator does, `node packages/server/bin/hookline.js …` from the repository
 * root, in a child process the test can signal (SIGTERM to drain, SIGKILL to crash). Every process
 * started here is remembered so that {@link killSpawned} can end the ones still running, and only
 * those, when a test fails half-way.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

/** The repository root: the working directory of every spawned Hookline. */
export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/** The command users run, relative to {@link REPO_ROOT}. */
export const HOOKLINE_BIN = 'packages/server/bin/hookline.js';

// Output kept per process for failure messages; a chatty log level cannot grow the test's memory.
const MAX_OUTPUT_CHARS = 256 * 1024;

/** How a process ended. */
export interface ProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A Hookline child process. */
export interface HooklineProcess {
  readonly pid: number;
  readonly child: ChildProcess;
  /** Everything written to standard output so far (the last 256 KiB). */
  stdout(): string;
  /** Everything written to standard error so far (the last 256 KiB). */
  stderr(): string;
  /** Resolves when the process has ended. */
  readonly exited: Promise<ProcessExit>;
  isRunning(): boolean;
}

const spawned = new Set<HooklineProcess>();

/** A TCP port that was free a moment ago: bound on port 0, read, released. */
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

/**
 * Starts `hookline <args>` with `env` over a cleaned copy of this process's environment: inherited
 * `PORT` and `HOOKLINE_*` variables are dropped so a developer's shell cannot change what a test runs.
 * `bin` runs another copy of the command (absolute path) instead of {@link HOOKLINE_BIN}.
 */
export function runHookline(
  args: readonly string[],
  env: Readonly<Record<string, string>>,
  bin: string = HOOKLINE_BIN,
): HooklineProcess {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) =>
        name !== 'PORT' &&
        !name.startsWith('HOOKLINE_') &&
        // Set by `node --test` for its own children; the server is not one of them.
        name !== 'NODE_TEST_CONTEXT' &&
        name !== 'NODE_OPTIONS',
    ),
  );
  const child = spawn(process.execPath, [bin, ...args], {
    cwd: REPO_ROOT,
    env: { ...inherited, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error('could not spawn hookline');
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    out = (out + chunk).slice(-MAX_OUTPUT_CHARS);
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    err = (err + chunk).slice(-MAX_OUTPUT_CHARS);
  });
  const exited = new Promise<ProcessExit>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  const running: HooklineProcess = {
    pid: child.pid,
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    isRunning: () => child.exitCode === null && child.signalCode === null,
  };
  spawned.add(running);
  void exited.then(() => spawned.delete(running));
  return running;
}

/** SIGKILLs every process {@link runHookline} started that is still running, and waits for them. */
export async function killSpawned(): Promise<void> {
  const alive = [...spawned].filter((p) => p.isRunning());
  for (const p of alive) p.child.kill('SIGKILL');
  await Promise.all(alive.map((p) => p.exited));
}

/** Resolves with the exit, or rejects when the process is still running after `timeoutMs`. */
export async function exitWithin(p: HooklineProcess, timeoutMs: number): Promise<ProcessExit> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => reject(new Error(`hookline (pid ${p.pid}) still running after ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([p.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Polls `GET <baseUrl>/readyz` until it answers 200. Fails at once, with the process's output, when
 * the process ends first, and after `timeoutMs` otherwise.
 */
export async function waitUntilReady(p: HooklineProcess, baseUrl: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!p.isRunning()) {
      throw new Error(`hookline exited before it was ready\nstdout:\n${p.stdout()}\nstderr:\n${p.stderr()}`);
    }
    try {
      const response = await fetch(`${baseUrl}/readyz`, { signal: AbortSignal.timeout(2_000) });
      await response.arrayBuffer();
      if (response.status === 200) return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      throw new Error(
        `hookline not ready after ${timeoutMs} ms\nstdout:\n${p.stdout()}\nstderr:\n${p.stderr()}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
