/**
 * The harness's side of a peer process: bundles the peer's entry (`bullmq-peer.ts`,
 * `graphile-peer.ts`) with esbuild into `bench/peers/dist/` once per invocation (its libraries stay
 * imports from node_modules), starts it with plain `node` as Hookline is started (no tsx loader thread
 * or transforms in the measured process), waits until `/readyz` answers, and stops it by its pid.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { Pool } from 'undici';
import { BENCH_ADMIN_TOKEN, freePort, REPO_ROOT } from '../hookline-process.ts';
import { type ChildExit, isChildRunning, keepOutput, stopChild, trackChild } from '../process-registry.ts';
import { ProcessSampler, treeCpuSeconds } from '../process-sampler.ts';

/** The peer programs. */
export type PeerKind = 'bullmq' | 'graphile';

const HERE = fileURLToPath(new URL('./', import.meta.url));
const ENTRIES: Readonly<Record<PeerKind, string>> = {
  bullmq: join(HERE, 'bullmq-peer.ts'),
  graphile: join(HERE, 'graphile-peer.ts'),
};
const DIST = join(HERE, 'dist');

let bundled: Promise<void> | undefined;

/** Bundles every peer entry into `dist/<kind>-peer.mjs` (once per harness process). */
export function bundlePeers(): Promise<void> {
  bundled ??= build({
    entryPoints: Object.values(ENTRIES),
    outdir: DIST,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'warning',
  }).then(() => undefined);
  return bundled;
}

/** A running peer. */
export interface PeerProcess {
  readonly pid: number;
  readonly name: string;
  /** `http://127.0.0.1:<port>` */
  readonly baseUrl: string;
  /** RSS and CPU of the peer, sampled every 250 ms. */
  readonly sampler: ProcessSampler;
  /** CPU seconds of the peer and anything it started, so far. */
  cpuSeconds(): number;
  isRunning(): boolean;
  output(): string;
  /** SIGTERM (the peer shuts its queue down gracefully), SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

const MAX_OUTPUT_CHARS = 64 * 1024;

/** Starts a peer with `env` (its queue's address and tuning); resolves once `/readyz` answers 200. */
export async function startPeer(kind: PeerKind, env: Readonly<Record<string, string>>): Promise<PeerProcess> {
  await bundlePeers();
  const port = await freePort();
  const name = `${kind} peer`;
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => key !== 'NODE_OPTIONS' && key !== 'DATABASE_URL'),
  );
  const child = spawn(process.execPath, [join(DIST, `${kind}-peer.mjs`)], {
    cwd: REPO_ROOT,
    env: { ...inherited, PORT: String(port), PEER_TOKEN: BENCH_ADMIN_TOKEN, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error(`could not spawn the ${name}`);
  const pid = child.pid;
  const exited: Promise<ChildExit> = trackChild(child, name);
  const output = keepOutput(child, MAX_OUTPUT_CHARS);
  const isRunning = () => isChildRunning(child);
  const sampler = new ProcessSampler(pid);
  void exited.then(() => sampler.stop());
  const stop = async (graceMs = 5_000) => {
    if (!isRunning()) return;
    sampler.sample();
    await stopChild(child, exited, 'SIGTERM', graceMs);
  };
  const peer: PeerProcess = {
    pid,
    name,
    baseUrl: `http://127.0.0.1:${port}`,
    sampler,
    cpuSeconds: () => treeCpuSeconds(pid),
    isRunning,
    output,
    stop,
  };
  try {
    await waitUntilReady(peer);
  } catch (error) {
    await stop(0);
    throw error;
  }
  return peer;
}

async function waitUntilReady(peer: PeerProcess, timeoutMs = 30_000): Promise<void> {
  const pool = new Pool(peer.baseUrl, { connections: 1 });
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      if (!peer.isRunning())
        throw new Error(`the ${peer.name} exited before it was ready:\n${peer.output()}`);
      try {
        const response = await pool.request({ path: '/readyz', method: 'GET', headersTimeout: 2_000 });
        await response.body.dump();
        if (response.statusCode === 200) return;
      } catch {
        // Not listening yet.
      }
      if (Date.now() > deadline) {
        throw new Error(`the ${peer.name} was not ready after ${timeoutMs} ms:\n${peer.output()}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    await pool.destroy();
  }
}
