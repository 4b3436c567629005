/**
 * A real Redis for the BullMQ peer: Debian's `redis-server`, started by the harness as its child in a
 * fresh temp dir on a free 127.0.0.1 port, with the append-only file on (`appendonly yes`) and the
 * fsync policy asked for (`everysec`: the AOF is fsynced once a second, so a crash may lose the last
 * second; `always`: fsynced before Redis answers the write). No RDB snapshots (`save ""`), and
 * `maxmemory-policy noeviction`, which BullMQ requires. Stopped by its pid (SIGTERM, SIGKILL after a
 * grace period) and its dir removed.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { freePort, freshDataDir, removeDataDir } from '../hookline-process.ts';
import { type ChildExit, isChildRunning, keepOutput, stopChild, trackChild } from '../process-registry.ts';
import { ProcessSampler, treeCpuSeconds } from '../process-sampler.ts';

/** Where Debian installs the server (`apt-get install redis-server`). */
export const REDIS_SERVER_BIN = '/usr/bin/redis-server';

/** The AOF fsync policies the comparison runs. */
export type AppendFsync = 'everysec' | 'always';

/** Why Redis cannot be started here, or undefined when it can. */
export function redisUnavailable(bin = REDIS_SERVER_BIN): string | undefined {
  return existsSync(bin)
    ? undefined
    : `Redis is not installed (no ${bin}; Debian: apt-get install redis-server)`;
}

/** The command line of a bench Redis. */
export function redisArgs(port: number, dir: string, appendfsync: AppendFsync): string[] {
  return [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--daemonize',
    'no',
    '--appendonly',
    'yes',
    '--appendfsync',
    appendfsync,
    '--save',
    '',
    '--maxmemory-policy',
    'noeviction',
    '--logfile',
    '',
  ];
}

/** A running Redis. */
export interface RedisServer {
  readonly pid: number;
  readonly port: number;
  /** RSS and CPU of the server, sampled every 250 ms. */
  readonly sampler: ProcessSampler;
  /** CPU seconds the server (and any child it forked, e.g. an AOF rewrite) has used so far. */
  cpuSeconds(): number;
  isRunning(): boolean;
  output(): string;
  /** SIGTERM (Redis writes and fsyncs the AOF), SIGKILL after `graceMs`; removes its dir. */
  stop(graceMs?: number): Promise<void>;
}

const MAX_OUTPUT_CHARS = 64 * 1024;

/** Starts Redis in a fresh temp dir; resolves once it answers PING. */
export async function startRedis(label: string, appendfsync: AppendFsync): Promise<RedisServer> {
  const why = redisUnavailable();
  if (why) throw new Error(why);
  const dir = freshDataDir(label);
  let child: ChildProcess | undefined;
  let exited: Promise<ChildExit> | undefined;
  try {
    const port = await freePort();
    child = spawn(REDIS_SERVER_BIN, redisArgs(port, dir, appendfsync), {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    if (child.pid === undefined) throw new Error('could not spawn redis-server');
    const running = child;
    const pid = child.pid;
    exited = trackChild(child, `redis-server (${appendfsync})`);
    const whenExited = exited;
    const output = keepOutput(child, MAX_OUTPUT_CHARS);
    const isRunning = () => isChildRunning(running);
    await waitForPong(port, isRunning, output);
    const sampler = new ProcessSampler(pid);
    void exited.then(() => sampler.stop());
    return {
      pid,
      port,
      sampler,
      cpuSeconds: () => treeCpuSeconds(pid),
      isRunning,
      output,
      async stop(graceMs = 5_000) {
        if (isRunning()) sampler.sample();
        await stopChild(running, whenExited, 'SIGTERM', graceMs);
        removeDataDir(dir);
      },
    };
  } catch (error) {
    if (child && exited) await stopChild(child, exited, 'SIGKILL', 0);
    removeDataDir(dir);
    throw error;
  }
}

/** Whether a Redis on `port` answers `PING` with `+PONG` within a second. */
function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    const done = (ok: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), 1_000);
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.setEncoding('utf8').on('data', (chunk: string) => {
      answer += chunk;
      if (answer.includes('\r\n')) done(answer.startsWith('+PONG'));
    });
    socket.once('error', () => done(false));
  });
}

async function waitForPong(
  port: number,
  isRunning: () => boolean,
  output: () => string,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!isRunning()) throw new Error(`redis-server exited before it answered:\n${output()}`);
    if (await ping(port)) return;
    if (Date.now() > deadline) {
      throw new Error(`redis-server did not answer PING within ${timeoutMs} ms:\n${output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
