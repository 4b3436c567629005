/**
 * The systems `npm run bench -- --peers` compares, and the workloads it runs on each: names and metric
 * keys only, shared by the scenario (`scenarios/peers.ts`) and the report (`report.ts`), so that the
 * report needs none of the peers' libraries.
 */
import type { BenchOptions } from '../args.ts';

/** One system of the comparison, in the order a round runs them and the table lists them. */
export interface PeerSystem {
  /** Key part of its metrics: `hooklineSqlite.fanOut1.deliveriesPerSecond`. */
  readonly key: string;
  /** Column heading. */
  readonly label: string;
}

/** Hookline on both stores, then the two peers (BullMQ twice: AOF fsync every second, and always). */
export const PEER_SYSTEMS = [
  { key: 'hooklineSqlite', label: 'Hookline SQLite' },
  { key: 'hooklinePostgres', label: 'Hookline PostgreSQL' },
  { key: 'bullmqEverysec', label: 'BullMQ + Redis (AOF everysec)' },
  { key: 'bullmqAlways', label: 'BullMQ + Redis (AOF always)' },
  { key: 'graphile', label: 'graphile-worker' },
] as const satisfies readonly PeerSystem[];

/** One of {@link PEER_SYSTEMS}' keys. */
export type PeerSystemKey = (typeof PEER_SYSTEMS)[number]['key'];

/** The workloads, each run on a fresh instance of every system. */
export type PeerWorkload = 'fanOut1' | 'fanOut10' | 'latency';

/** Every workload, in run order. */
export const PEER_WORKLOADS: readonly PeerWorkload[] = ['fanOut1', 'fanOut10', 'latency'];

/**
 * The workloads `--only` asks for: B2's (fan-out 1 and 10) when it names B2, B3's (single publishes)
 * when it names B3, every workload when it names neither.
 */
export function peerWorkloadsFor(options: Pick<BenchOptions, 'only'>): PeerWorkload[] {
  const b2 = options.only.includes('B2');
  const b3 = options.only.includes('B3');
  if (!b2 && !b3) return [...PEER_WORKLOADS];
  return PEER_WORKLOADS.filter((w) => (w === 'latency' ? b3 : b2));
}

/** The metric key of `system`'s `name` in `workload` (or across workloads when `workload` is null). */
export function peerMetricKey(system: string, workload: PeerWorkload | null, name: string): string {
  return workload === null ? `${system}.${name}` : `${system}.${workload}.${name}`;
}

/** The id of the comparison in the report (`ScenarioResult.id`). */
export const PEERS_SCENARIO_ID = 'peers';
