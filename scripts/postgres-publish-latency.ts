/**
 * Single publishes to Hookline on PostgreSQL at a steady rate, once the process is warm: publish →
 * receipt p50 and p99, the CPU of Hookline and of PostgreSQL per event, and the statements PostgreSQL
 * spent its time on (`pg_stat_statements`). The bench's comparison with the peers measures fresh
 * processes, whose first seconds build a backlog on a slow machine; this measures what follows.
 *
 * A fresh cluster and database (bench/postgres-server.ts), one `hookline start --role all`, one endpoint
 * on the bench's receiver process. A warm-up at the same rate (2 s unless told), a pause for its backlog
 * to drain (1 s), then the measured run; the receiver's histogram counts the measured events only.
 *
 *   node --import tsx scripts/postgres-publish-latency.ts [--rate 1000] [--seconds 6] [--runs 3] [--warm-up 2]
 *
 * `--warm-up 0` measures a fresh process from its first publish, as the peers comparison does.
 */
import { parseArgs } from 'node:util';
import pg from 'pg';
import { benchEvent, benchRunId } from '../bench/bench-event.ts';
import { startDeployment } from '../bench/deployment.ts';
import { receiverPaths, setUpAccount } from '../bench/fixture.ts';
import type { HooklineClient } from '../bench/hookline-client.ts';
import { POSTGRES_SETTINGS, startPostgres } from '../bench/postgres-server.ts';
import { killAllChildren } from '../bench/process-registry.ts';
import { startReceiverProcess } from '../bench/receiver-control.ts';
import { LatencyHistogram } from '../bench/stats.ts';

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '6' },
    runs: { type: 'string', default: '3' },
    'warm-up': { type: 'string', default: '2' },
  },
});
const rate = Number(values.rate);
const measuredMs = Number(values.seconds) * 1000;
const runs = Number(values.runs);
const warmUpMs = Number(values['warm-up']) * 1000;
const DRAIN_MS = 1_000;
// The measured events are numbered from 0; the warm-up's from here, left out of the histogram.
const WARM_UP_FIRST_SEQ = 10_000_000;
const TYPE = 'bench.latency';

/** Publishes one event at a time, `rate` a second for `ms`, open loop; resolves once all are answered. */
async function publishPaced(
  client: HooklineClient,
  accountId: string,
  runId: string,
  firstSeq: number,
  ms: number,
): Promise<number> {
  const started = performance.now();
  const answers: Promise<unknown>[] = [];
  let i = 0;
  for (; (i * 1000) / rate < ms; i++) {
    const wait = started + (i * 1000) / rate - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const sentAt = performance.timeOrigin + performance.now();
    answers.push(client.publish(accountId, benchEvent(runId, firstSeq + i, TYPE, sentAt)));
  }
  await Promise.all(answers);
  return i;
}

const postgres = await startPostgres('publish-latency', {
  ...POSTGRES_SETTINGS,
  shared_preload_libraries: 'pg_stat_statements',
});
const receiver = await startReceiverProcess();
try {
  for (let run = 1; run <= runs; run++) {
    const deployment = await startDeployment({ label: `publish_latency_${run}`, postgres });
    const db = new pg.Client({ connectionString: deployment.databaseUrl });
    db.on('error', () => undefined);
    await db.connect();
    try {
      await db.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
      const [path] = receiverPaths(1) as [string];
      const accountId = await setUpAccount(deployment.client, {
        label: `latency ${run}`,
        receiver,
        endpoints: [{ path, mode: 'ok', eventTypes: [TYPE] }],
      });
      const runId = benchRunId(`latency${run}`);
      if (warmUpMs > 0) {
        await publishPaced(deployment.client, accountId, runId, WARM_UP_FIRST_SEQ, warmUpMs);
        await new Promise((resolve) => setTimeout(resolve, DRAIN_MS));
      }
      await receiver.reset(0);
      await db.query('SELECT pg_stat_statements_reset()');
      const hookline = deployment.processes[0]!.sampler;
      hookline.sample();
      const hooklineCpu = hookline.lastCpuSeconds;
      const postgresCpu = postgres.cpuSeconds();
      const published = await publishPaced(deployment.client, accountId, runId, 0, measuredMs);
      // Every event answered; its delivery follows within milliseconds when the process keeps up.
      let stats = await receiver.stats({ latency: true });
      for (let waited = 0; (stats.latency?.count ?? 0) < published && waited < 15_000; waited += 100) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        stats = await receiver.stats({ latency: true });
      }
      hookline.sample();
      const latency = LatencyHistogram.from(stats.latency!);
      const perEvent = (seconds: number) => `${((seconds * 1000) / published).toFixed(2)} ms`;
      console.log(
        `run ${run}: ${published} published, ${latency.count} received; publish → receipt p50 ` +
          `${latency.percentile(0.5).toFixed(2)} ms, p99 ${latency.percentile(0.99).toFixed(2)} ms; CPU per ` +
          `event: Hookline ${perEvent(hookline.lastCpuSeconds - hooklineCpu)}, PostgreSQL ` +
          `${perEvent(postgres.cpuSeconds() - postgresCpu)}`,
      );
      const top = await db.query(
        `SELECT calls, total_exec_time AS ms, left(regexp_replace(query, '\\s+', ' ', 'g'), 70) AS statement
         FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 5`,
      );
      for (const row of top.rows) {
        console.log(
          `  ${String(row.calls).padStart(6)} calls ${Number(row.ms).toFixed(0).padStart(6)} ms  ${row.statement}`,
        );
      }
    } finally {
      await db.end();
      await deployment.stop();
    }
  }
} finally {
  await receiver.stop();
  await postgres.stop();
  await killAllChildren();
}
process.exit(0);
