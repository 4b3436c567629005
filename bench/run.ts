/**
 * `npm run bench`: runs the scenarios, each several times with the ceiling measured before every run,
 * prints progress, and writes `benchmarks.md` and `benchmarks.json`. See docs/benchmarks.md.
 *
 * Exit status: 0 when every scenario ran (targets met or not: timings are measurements, not tests),
 * 1 when a scenario failed with an error, 2 for a bad command line.
 */
import { cpus, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { type BenchOptions, parseBenchArgs, type ScenarioId, USAGE, UsageError } from './args.ts';
import { measureCeiling } from './ceiling.ts';
import { REPO_ROOT, useSettings } from './hookline-process.ts';
import { startLoadAccount } from './machine-load.ts';
import { killAllChildren } from './process-registry.ts';
import { startReceiverProcess } from './receiver-control.ts';
import { formatTarget, formatValue, metMark, writeReport } from './report.ts';
import { aggregateRuns, type BenchReport, type MeasuredRun, type ScenarioResult } from './results.ts';
import type { Scenario } from './scenario.ts';
import { b1Ingest } from './scenarios/b1-ingest.ts';
import { b2Delivery } from './scenarios/b2-delivery.ts';
import { b3Latency } from './scenarios/b3-latency.ts';
import { b4NoisyNeighbours } from './scenarios/b4-noisy-neighbours.ts';
import { b5Backlog } from './scenarios/b5-backlog.ts';
import { b6Postgres } from './scenarios/b6-postgres.ts';
import { b7HangingMerchants } from './scenarios/b7-hanging-merchants.ts';
import { b8BacklogMerchant } from './scenarios/b8-backlog-merchant.ts';
import { b9Ordered } from './scenarios/b9-ordered.ts';
import { b10Dashboard } from './scenarios/b10-dashboard.ts';
import { b11RetentionSoak } from './scenarios/b11-retention-soak.ts';
import { scaling } from './scenarios/scaling.ts';
import { summarize } from './stats.ts';

const SCENARIOS: Record<ScenarioId, Scenario> = {
  B1: b1Ingest,
  B2: b2Delivery,
  B3: b3Latency,
  B4: b4NoisyNeighbours,
  B5: b5Backlog,
  B6: b6Postgres,
  B7: b7HangingMerchants,
  B8: b8BacklogMerchant,
  B9: b9Ordered,
  B10: b10Dashboard,
  B11: b11RetentionSoak,
  scaling,
};

/**
 * Run order: B5 last, because its million-delivery drain waits as long as the time budget allows
 * (B10 and B11, whose runs have a fixed length, go before it); the report still lists the scenarios in the
 * issue's order.
 */
const RUN_ORDER: readonly ScenarioId[] = [
  'B1',
  'B2',
  'B3',
  'B4',
  'scaling',
  'B6',
  'B7',
  'B8',
  'B9',
  'B10',
  'B11',
  'B5',
];

/**
 * Whole invocation budgets, less a margin for start and report: 15 min full and 2 min quick, and 7 and
 * 1 more since B7 to B9 (merchants that hang or have a backlog of a million, ordered delivery) joined.
 * B11's soaks (40 minutes in a full run) and the peers come on top, each with its own estimate.
 */
const BUDGET_MS = { full: 21 * 60_000 + 30_000, quick: 170_000 };

/** Other processes' CPU above which a run is flagged: a tenth of a core taken from the benchmark. */
const NOISY_MACHINE_CORES = 0.1;

function log(line: string): void {
  const clock = new Date().toISOString().slice(11, 19);
  process.stdout.write(`${clock} ${line}\n`);
}

async function runScenario(
  scenario: Scenario,
  options: BenchOptions,
  ctxBase: {
    receiver: Awaited<ReturnType<typeof startReceiverProcess>>;
    finished: Map<string, ScenarioResult>;
    timeLeftMs: () => number;
  },
): Promise<ScenarioResult> {
  const started = performance.now();
  const runsAsked = scenario.runs(options);
  const measured: MeasuredRun[] = [];
  const ceilings: number[] = [];
  const notes: string[] = [];
  let error: string | null = null;
  const ceilingMs = options.quick ? 1_500 : 3_000;
  for (let runIndex = 0; runIndex < runsAsked; runIndex++) {
    if (runIndex > 0 && ctxBase.timeLeftMs() < 0) {
      log(`${scenario.id}: time budget used up; skipping runs ${runIndex + 1}–${runsAsked}`);
      break;
    }
    const prefix = `${scenario.id} run ${runIndex + 1}/${runsAsked}`;
    const load = startLoadAccount();
    try {
      const ceiling = await measureCeiling(ctxBase.receiver, ceilingMs);
      if (ceiling.verified < ceiling.requests - ceiling.errors) {
        throw new Error(`the receiver verified ${ceiling.verified} of ${ceiling.requests} ceiling requests`);
      }
      log(`${prefix}: ceiling ${Math.round(ceiling.perSecond)} POSTs/s (${ceiling.errors} errors)`);
      ceilings.push(ceiling.perSecond);
      const run = await scenario.run({
        options,
        receiver: ctxBase.receiver,
        runIndex,
        runCount: runsAsked,
        ceilingPerSecond: ceiling.perSecond,
        finished: ctxBase.finished,
        timeLeftMs: ctxBase.timeLeftMs,
        log: (message) => log(`${prefix}: ${message}`),
      });
      const otherCores = load.otherCores();
      if (otherCores > NOISY_MACHINE_CORES) {
        log(`${prefix}: other processes kept ${otherCores.toFixed(2)} cores busy during this run`);
      }
      measured.push({
        run: {
          ...run,
          measurements: [
            ...run.measurements,
            {
              key: 'machine.otherCores',
              label: 'CPU used by other processes on the machine',
              unit: 'cores',
              value: otherCores,
            },
          ],
        },
        ceilingPerSecond: ceiling.perSecond,
      });
      for (const note of run.notes ?? []) notes.push(runsAsked > 1 ? `run ${runIndex + 1}: ${note}` : note);
    } catch (caught) {
      error = (caught as Error).stack ?? String(caught);
      log(`${prefix}: FAILED: ${error}`);
      break;
    }
  }
  return {
    id: scenario.id,
    title: scenario.title,
    description: scenario.description,
    runs: measured.length,
    runsAsked,
    ceiling: summarize(ceilings),
    metrics: aggregateRuns(measured),
    notes,
    error,
    wallSeconds: (performance.now() - started) / 1000,
  };
}

function printScenario(result: ScenarioResult): void {
  log(`${result.title}: ${result.runs} run(s), ceiling ${formatValue(result.ceiling.median, 'req/s')}`);
  for (const m of result.metrics) {
    const ratio =
      m.ratio === null || Number.isNaN(m.ratio) ? '' : ` (${(m.ratio * 100).toFixed(1)} % of ceiling)`;
    const target = m.target ? `  target ${formatTarget(m)} ${metMark(m.met)}` : '';
    log(`    ${m.label}: ${formatValue(m.summary.median, m.unit)}${ratio}${target}`);
  }
}

async function main(argv: readonly string[]): Promise<number> {
  let options: BenchOptions | 'help';
  try {
    // Named now, created only when the report is written: an interrupted run leaves nothing behind.
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    options = parseBenchArgs(argv, () => join(tmpdir(), `hookline-bench-results-${stamp}`));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`bench: ${error.message}\n${USAGE}\n`);
    return 2;
  }
  if (options === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const opts = options;
  useSettings(opts.settings);
  const started = performance.now();
  const date = new Date().toISOString();
  const order = RUN_ORDER.filter((id) => opts.only.includes(id));
  // With --peers, the comparison runs after the scenarios, with its own time on top of their budget
  // (loaded only then: a run without it imports none of the peers' code).
  const peers = opts.peers ? (await import('./scenarios/peers.ts')).peers : undefined;
  const scenarios: Scenario[] = [...order.map((id) => SCENARIOS[id]), ...(peers ? [peers] : [])];
  const onTop = [...(order.includes('B11') ? [b11RetentionSoak] : []), ...(peers ? [peers] : [])];
  const deadline =
    started +
    (opts.quick ? BUDGET_MS.quick : BUDGET_MS.full) +
    onTop.reduce((sum, scenario) => sum + scenario.estimateMs(opts), 0);
  log(
    `hookline bench: ${opts.quick ? 'quick' : 'full'}, ${opts.runs} run(s) per scenario, ` +
      `scenarios ${order.join(', ')}${peers ? ', then the peers' : ''}; results to ${opts.outDir}`,
  );
  const receiver = await startReceiverProcess();
  const finished = new Map<string, ScenarioResult>();
  let failed = false;
  try {
    for (const [position, scenario] of scenarios.entries()) {
      // Each scenario's estimate is its wall time in a full run with a margin of about a tenth. An
      // estimate far above the real time takes runs away from the scenarios that come first.
      const later = scenarios.slice(position + 1).reduce((sum, next) => sum + next.estimateMs(opts), 0);
      const result = await runScenario(scenario, opts, {
        receiver,
        finished,
        timeLeftMs: () => deadline - performance.now() - later,
      });
      finished.set(scenario.id, result);
      failed ||= result.error !== null;
      printScenario(result);
    }
  } finally {
    await receiver.stop().catch(() => undefined);
    await killAllChildren();
  }
  const cpu = cpus();
  const report: BenchReport = {
    date,
    command: `npm run bench${argv.length > 0 ? ` -- ${argv.join(' ')}` : ''}`,
    quick: opts.quick,
    complete: opts.complete,
    machine: {
      cpuModel: cpu[0]?.model.trim() ?? 'unknown',
      cores: cpu.length,
      memoryBytes: totalmem(),
      platform: `${process.platform} ${process.arch}`,
      node: process.version,
    },
    wallSeconds: (performance.now() - started) / 1000,
    // The issue's order, whatever order they ran in; the comparison with the peers last.
    scenarios: [...opts.only, ...(peers ? [peers.id] : [])]
      .map((id) => finished.get(id))
      .filter((r): r is ScenarioResult => r !== undefined),
  };
  const written = writeReport(report, resolve(REPO_ROOT, opts.outDir));
  log(`wrote ${written.markdown} and ${written.json} (${report.wallSeconds.toFixed(0)} s in all)`);
  return failed ? 1 : 0;
}

const exitCode = await main(process.argv.slice(2)).catch(async (error: unknown) => {
  process.stderr.write(`bench: ${(error as Error).stack ?? String(error)}\n`);
  await killAllChildren();
  return 1;
});
// Exit now rather than wait for idle keep-alive sockets to time out.
process.exit(exitCode);
