import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { peersTables, renderMarkdown } from '../report.ts';
import { aggregateRuns, type BenchReport, type ScenarioResult } from '../results.ts';
import type { Measurement } from '../scenario.ts';
import { summarize } from '../stats.ts';
import { PEER_SYSTEMS, PEERS_SCENARIO_ID, peerMetricKey } from './systems.ts';

/** One round's rows for a system, as the scenario reports them (the figures are made up). */
function rows(system: string, fanOut1: number, fanOut10: number, cpu: number, p99: number): Measurement[] {
  return [
    {
      key: peerMetricKey(system, 'fanOut1', 'deliveriesPerSecond'),
      label: `${system} fan-out 1`,
      unit: 'deliveries/s',
      value: fanOut1,
      comparesToCeiling: true,
    },
    { key: peerMetricKey(system, 'fanOut1', 'cpuSecondsPer1000'), label: 'cpu 1', unit: 'CPU-s', value: cpu },
    {
      key: peerMetricKey(system, 'fanOut10', 'deliveriesPerSecond'),
      label: `${system} fan-out 10`,
      unit: 'deliveries/s',
      value: fanOut10,
      comparesToCeiling: true,
    },
    {
      key: peerMetricKey(system, 'fanOut10', 'cpuSecondsPer1000'),
      label: 'cpu 10',
      unit: 'CPU-s',
      value: cpu,
    },
    { key: peerMetricKey(system, 'latency', 'p50Ms'), label: 'p50', unit: 'ms', value: p99 / 4 },
    { key: peerMetricKey(system, 'latency', 'p99Ms'), label: 'p99', unit: 'ms', value: p99 },
    { key: peerMetricKey(system, null, 'maxRssMb'), label: 'rss', unit: 'MB', value: 120 },
    { key: peerMetricKey(system, null, 'lost'), label: 'lost', unit: 'count', value: 0 },
    { key: peerMetricKey(system, null, 'duplicates'), label: 'dups', unit: 'count', value: 1 },
    { key: peerMetricKey(system, null, 'invalidSignatures'), label: 'sigs', unit: 'count', value: 0 },
  ];
}

const round = (
  ceilingPerSecond: number,
): { ceilingPerSecond: number; run: { measurements: Measurement[] } } => ({
  ceilingPerSecond,
  run: {
    measurements: [
      ...rows('hooklineSqlite', 8_000, 12_000, 0.1, 5),
      ...rows('hooklinePostgres', 5_000, 8_000, 0.2, 20),
      ...rows('bullmqEverysec', 4_000, 5_000, 0.3, 10),
      ...rows('bullmqAlways', 2_000, 4_000, 0.4, 25),
      ...rows('graphile', 2_500, 4_000, 0.4, 100),
    ],
  },
});

const peers: ScenarioResult = {
  id: PEERS_SCENARIO_ID,
  title: 'Compared with BullMQ + Redis and graphile-worker',
  description: 'peers description',
  runs: 2,
  runsAsked: 2,
  ceiling: summarize([20_000, 20_000]),
  metrics: aggregateRuns([round(20_000), round(20_000)]),
  notes: [],
  error: null,
  wallSeconds: 100,
};

describe('the comparison with the peers in the report', () => {
  test('one column per system, rates with their share of the ceiling, CPU, latency, losses', () => {
    const text = peersTables(peers).join('\n');
    assert.match(
      text,
      new RegExp(`\\| ${PEER_SYSTEMS.map((s) => s.label.replace(/[+()]/g, '\\$&')).join(' \\| ')} \\|`),
    );
    assert.match(
      text,
      /\| fan-out 1, batches of 100: deliveries\/s \(÷ ceiling\) \| 8,000 deliveries\/s \(40\.0 %\) \|/,
    );
    assert.match(text, /\| CPU-seconds per 1,000 deliveries, fan-out 10 \| 0\.100 CPU-s \| 0\.200 CPU-s \|/);
    assert.match(text, /\| 1,000 single publishes\/s: publish → receipt p50 \/ p99 \| 1\.25 \/ 5\.00 ms \|/);
    // Summed over both rounds.
    assert.match(text, /\| deliveries lost \/ duplicated \(all rounds and workloads\) \| 0 \/ 2 \|/);
  });

  test('Hookline against the best peer and PostgreSQL against graphile-worker, above 1 × = Hookline better', () => {
    const text = peersTables(peers).join('\n');
    // SQLite 8,000/s against BullMQ everysec's 4,000; CPU 0.3 (best peer) ÷ 0.1; p99 10 ÷ 5.
    assert.match(
      text,
      /\| Hookline SQLite against the best peer \| 2\.00 × \| 2\.40 × \| 3\.00 × \| 3\.00 × \| 2\.00 × \|/,
    );
    assert.match(
      text,
      /\| Hookline PostgreSQL against graphile-worker \| 2\.00 × \| 2\.00 × \| 2\.00 × \| 2\.00 × \| 5\.00 × \|/,
    );
  });

  test('renderMarkdown puts it under its own heading', () => {
    const report: BenchReport = {
      date: '2026-12-07T09:00:00.000Z',
      command: 'npm run bench -- --quick --only B2 --peers',
      quick: true,
      complete: false,
      machine: { cpuModel: 'test', cores: 2, memoryBytes: 4 * 1024 ** 3, platform: 'linux x64', node: 'v20' },
      wallSeconds: 100,
      scenarios: [peers],
    };
    const markdown = renderMarkdown(report);
    assert.match(markdown, /## Compared with BullMQ \+ Redis and graphile-worker/);
    assert.match(markdown, /Hookline PostgreSQL against graphile-worker/);
  });
});
