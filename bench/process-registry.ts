/**
 * Every process the harness starts, so that all of them, and only them, die with it: on a normal end,
 * an error, or Ctrl-C. Processes are ended by their own pid, never by name. Also the temp data dirs
 * they write, so an interrupted run leaves no database behind.
 */
import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';

/** How a child ended. */
export interface ChildExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

const running = new Map<number, { child: ChildProcess; name: string }>();
const tempDirs = new Set<string>();
let handlersInstalled = false;

function killAllNow(): void {
  for (const { child } of running.values()) {
    try {
      child.kill('SIGKILL');
    } catch {
      // Already gone.
    }
  }
}

function removeTempDirsNow(): void {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}

function installHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  // 'exit' handlers must be synchronous; kill() and rmSync are.
  process.on('exit', () => {
    killAllNow();
    removeTempDirsNow();
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      process.stderr.write(`\nbench: ${signal}: stopping ${running.size} child process(es)\n`);
      // The 'exit' handler kills the children and removes the temp dirs.
      process.exit(130);
    });
  }
}

/** Remembers a temp dir to delete if the harness ends before the scenario removes it. */
export function trackTempDir(dir: string): void {
  installHandlers();
  tempDirs.add(dir);
}

/** Forgets a temp dir the scenario has removed itself. */
export function forgetTempDir(dir: string): void {
  tempDirs.delete(dir);
}

/** Remembers `child` until it exits; resolves with its exit. */
export function trackChild(child: ChildProcess, name: string): Promise<ChildExit> {
  installHandlers();
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${name} has no pid`);
  running.set(pid, { child, name });
  return new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      running.delete(pid);
      resolve({ code, signal });
    });
  });
}

/** Names and pids of the children still running (for diagnostics). */
export function runningChildren(): { pid: number; name: string }[] {
  return [...running].map(([pid, { name }]) => ({ pid, name }));
}

/** SIGKILLs every child still running and waits until they are gone. */
export async function killAllChildren(): Promise<void> {
  const children = [...running.values()].map(({ child }) => child);
  killAllNow();
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) resolve();
          else child.once('exit', () => resolve());
        }),
    ),
  );
}

/** Whether `child` has not exited yet. */
export function isChildRunning(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

/**
 * Keeps the last `maxChars` of a child's stdout and stderr, for error messages.
 * @param onChunk also given every chunk (e.g. to count log lines)
 * @returns what was kept so far
 */
export function keepOutput(
  child: ChildProcess,
  maxChars: number,
  onChunk?: (chunk: string) => void,
): () => string {
  let out = '';
  const keep = (chunk: string) => {
    onChunk?.(chunk);
    out = (out + chunk).slice(-maxChars);
  };
  child.stdout?.setEncoding('utf8').on('data', keep);
  child.stderr?.setEncoding('utf8').on('data', keep);
  return () => out;
}

/**
 * Asks a running child to stop with `signal`, kills it after `graceMs`, and resolves once it exited
 * (`exited` is what {@link trackChild} returned).
 */
export async function stopChild(
  child: ChildProcess,
  exited: Promise<ChildExit>,
  signal: NodeJS.Signals,
  graceMs: number,
): Promise<void> {
  if (!isChildRunning(child)) return;
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  try {
    await exited;
  } finally {
    clearTimeout(timer);
  }
}
