/**
 * From runs to results: each measurement's median and spread over the runs, its ceiling and ratio,
 * and whether the median meets the target. This is the shape of `docs/benchmarks.json`.
 */
import type { Measurement, ScenarioRun, Target } from './scenario.ts';
import { type RunSummary, summarize } from './stats.ts';

/** One row of a scenario's table. */
export interface MetricResult {
  readonly key: string;
  readonly label: string;
  readonly unit: string;
  /** Median and spread of the runs' values. */
  readonly summary: RunSummary;
  /** Median of the ceilings of the runs that produced this metric (requests/s), for throughputs. */
  readonly ceiling: number | null;
  /** Median over the runs of `value ÷ ceiling of the same run`, for throughputs. */
  readonly ratio: number | null;
  readonly target: Target | null;
  readonly targetNote: string | null;
  /** Whether the median meets the target; null when there is no target or no value. */
  readonly met: boolean | null;
}

/** A scenario's result over all its runs. */
export interface ScenarioResult {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  /** Runs made (and asked for, when the time budget or an error cut them short). */
  readonly runs: number;
  readonly runsAsked: number;
  /** Raw undici POSTs per second to the receiver, measured before each run. */
  readonly ceiling: RunSummary;
  readonly metrics: readonly MetricResult[];
  readonly notes: readonly string[];
  /** The error that stopped the scenario, if one did. */
  readonly error: string | null;
  readonly wallSeconds: number;
}

/** The machine the benchmark ran on. */
export interface MachineInfo {
  readonly cpuModel: string;
  readonly cores: number;
  readonly memoryBytes: number;
  readonly platform: string;
  readonly node: string;
}

/** Everything one `npm run bench` produced: `docs/benchmarks.json`. */
export interface BenchReport {
  /** ISO 8601 start time. */
  readonly date: string;
  readonly command: string;
  readonly quick: boolean;
  readonly complete: boolean;
  readonly machine: MachineInfo;
  readonly wallSeconds: number;
  readonly scenarios: readonly ScenarioResult[];
}

/** Whether `value` meets `target`; null for NaN. */
export function meets(value: number, target: Target): boolean | null {
  if (Number.isNaN(value)) return null;
  return target.op === '>=' ? value >= target.value : value <= target.value;
}

/** One run's measurements with the ceiling measured just before it. */
export interface MeasuredRun {
  readonly run: ScenarioRun;
  readonly ceilingPerSecond: number;
}

/** Aggregates the runs of one scenario into table rows, in the order the first run reported them. */
export function aggregateRuns(runs: readonly MeasuredRun[]): MetricResult[] {
  const byKey = new Map<
    string,
    { first: Measurement; values: number[]; ceilings: number[]; ratios: number[] }
  >();
  for (const { run, ceilingPerSecond } of runs) {
    for (const m of run.measurements) {
      let entry = byKey.get(m.key);
      if (!entry) {
        entry = { first: m, values: [], ceilings: [], ratios: [] };
        byKey.set(m.key, entry);
      }
      entry.values.push(m.value);
      entry.ceilings.push(ceilingPerSecond);
      if (m.comparesToCeiling && ceilingPerSecond > 0) entry.ratios.push(m.value / ceilingPerSecond);
    }
  }
  return [...byKey.values()].map(({ first, values, ceilings, ratios }) => {
    const summary = summarize(values);
    const target = first.target ?? null;
    return {
      key: first.key,
      label: first.label,
      unit: first.unit,
      summary,
      ceiling: first.comparesToCeiling ? summarize(ceilings).median : null,
      ratio: first.comparesToCeiling ? summarize(ratios).median : null,
      target,
      targetNote: first.targetNote ?? null,
      met: target ? meets(summary.median, target) : null,
    };
  });
}
