/**
 * Single publishes to Hookline at a steady rate, once the process is warm: how long a publish takes to
 * be answered (202) and to reach the receiver (p50 and p99), and the CPU of Hookline (and of PostgreSQL)
 * per event. On PostgreSQL also the statements it spent its time on (`pg_stat_statements`, with their
 * planning) and the state of the tables a delivery passes through (live and dead rows, vacuums). The
 * bench's comparison with the peers measures fresh processes, whose first seconds build a backlog on a
 * slow machine; this measures what follows.
 *
 * One `hookline start --role all` on a fresh data dir (and, on PostgreSQL, a fresh cluster and database:
 * bench/postgres-server.ts), one endpoint on the bench's receiver process. A warm-up at the same rate
 * (2 s unless told), a pause for its backlog to drain (1 s), then the measured run; the receiver's
 * histogram counts the measured events only.
 *
 *   node --import tsx scripts/publish-latency.ts [--store postgres|sqlite] [--rate 1000] [--seconds 6]
 *     [--runs 3] [--warm-up 2]
 *
 * `--warm-up 0` measures a fresh process from its first publish, as the peers comparison does.
 */
import { parseArgs } from 'node:util';
import pg from 'pg';
import { benchEvent, benchRunId } from '../bench/bench-event.ts';
import { startDeployment } from '../bench/deployment.ts';
import { receiverPaths, setUpAccount } from '../bench/fixture.ts';
import type { HooklineClient } from '../bench/hookline-client.ts';
import { POSTGRES_SETTINGS, type PostgresServer, startPostgres } from '../bench/postgres-server.ts';
import { killAllChildren } from '../bench/process-registry.ts';
import { startReceiverProcess } from '../bench/receiver-control.ts';
import { LatencyHistogram, percentileOf } from '../bench/stats.ts';

const { values } = parseArgs({
  options: {
    store: { type: 'string', default: 'postgres' },
    rate: { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '6' },
    runs: { type: 'string', default: '3' },
    'warm-up': { type: 'string', default: '2' },
  },
});
if (values.store !== 'postgres' && values.store !== 'sqlite') {
  console.error(`--store: postgres or sqlite, not ${values.store}`);
  process.exit(2);
}
const onPostgres = values.store === 'postgres';
const rate = Number(values.rate);
const measuredMs = Number(values.seconds) * 1000;
const runs = Number(values.runs);
const warmUpMs = Number(values['warm-up']) * 1000;
const DRAIN_MS = 1_000;
// The measured events are numbered from 0; the warm-up's from here, left out of the histogram.
const WARM_UP_FIRST_SEQ = 10_000_000;
const TYPE = 'bench.latency';

/**
 * Publishes one event at a time, `rate` a second for `ms`, open loop; resolves once all are answered,
 * with how long each took to be answered (ms).
 */
async function publishPaced(
  client: HooklineClient,
  accountId: string,
  runId: string,
  firstSeq: number,
  ms: number,
): Promise<number[]> {
  const started = performance.now();
  const answers: Promise<number>[] = [];
  for (let i = 0; (i * 1000) / rate < ms; i++) {
    const wait = started + (i * 1000) / rate - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const sentAt = performance.now();
    answers.push(
      client
        .publish(accountId, benchEvent(runId, firstSeq + i, TYPE, performance.timeOrigin + sentAt))
        .then(() => performance.now() - sentAt),
    );
  }
  return Promise.all(answers);
}

/** What PostgreSQL did during the measured run: its busiest statements, and the tables' rows. */
async function printPostgresState(db: pg.Client): Promise<void> {
  const top = await db.query(
    `SELECT calls, total_exec_time AS exec_ms, total_plan_time AS plan_ms, plans,
       left(regexp_replace(query, '\\s+', ' ', 'g'), 60) AS statement
     FROM pg_stat_statements ORDER BY total_exec_time + total_plan_time DESC LIMIT 6`,
  );
  for (const row of top.rows) {
    console.log(
      `  ${String(row.calls).padStart(6)} calls ${Number(row.exec_ms).toFixed(0).padStart(6)} ms run ` +
        `${Number(row.plan_ms).toFixed(0).padStart(5)} ms planning (${row.plans} plans)  ${row.statement}`,
    );
  }
  const tables = await db.query(
    `SELECT relname, n_live_tup, n_dead_tup, n_tup_upd, n_tup_hot_upd, autovacuum_count
     FROM pg_stat_user_tables WHERE relname IN ('events', 'deliveries', 'queue', 'attempts') ORDER BY relname`,
  );
  for (const row of tables.rows) {
    console.log(
      `  ${String(row.relname).padEnd(10)} ${row.n_live_tup} live, ${row.n_dead_tup} dead rows; ` +
        `${row.n_tup_upd} updates (${row.n_tup_hot_upd} HOT); ${row.autovacuum_count} autovacuums`,
    );
  }
}

const postgres: PostgresServer | undefined = onPostgres
  ? await startPostgres('publish-latency', {
      ...POSTGRES_SETTINGS,
      shared_preload_libraries: 'pg_stat_statements',
      'pg_stat_statements.track_planning': 'on',
    })
  : undefined;
const receiver = await startReceiverProcess();
try {
  for (let run = 1; run <= runs; run++) {
    const deployment = await startDeployment({
      label: `publish_latency_${run}`,
      ...(postgres ? { postgres } : {}),
    });
    const db = deployment.databaseUrl
      ? new pg.Client({ connectionString: deployment.databaseUrl })
      : undefined;
    db?.on('error', () => undefined);
    await db?.connect();
    try {
      await db?.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
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
      await db?.query('SELECT pg_stat_statements_reset()');
      await db?.query('SELECT pg_stat_reset()');
      const hookline = deployment.processes[0]!.sampler;
      hookline.sample();
      const hooklineCpu = hookline.lastCpuSeconds;
      const postgresCpu = postgres?.cpuSeconds() ?? 0;
      const answered = await publishPaced(deployment.client, accountId, runId, 0, measuredMs);
      const published = answered.length;
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
        `run ${run} (${values.store}): ${published} published, ${latency.count} received; answered p50 ` +
          `${percentileOf(answered, 0.5).toFixed(2)} ms, p99 ${percentileOf(answered, 0.99).toFixed(2)} ms; ` +
          `publish → receipt p50 ${latency.percentile(0.5).toFixed(2)} ms, p99 ` +
          `${latency.percentile(0.99).toFixed(2)} ms; CPU per event: Hookline ` +
          perEvent(hookline.lastCpuSeconds - hooklineCpu) +
          (postgres ? `, PostgreSQL ${perEvent(postgres.cpuSeconds() - postgresCpu)}` : ''),
      );
      if (db) await printPostgresState(db);
    } finally {
      await db?.end();
      await deployment.stop();
    }
  }
} finally {
  await receiver.stop();
  if (postgres) await postgres.stop();
  await killAllChildren();
}
process.exit(0);
