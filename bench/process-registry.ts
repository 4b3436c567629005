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
