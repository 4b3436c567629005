/**
 * What a scenario is and what one run of it reports. The runner (`run.ts`) repeats each scenario,
 * measures the ceiling before every run and turns the runs into medians and spreads (`results.ts`).
 */
import type { BenchOptions } from './args.ts';
import type { ReceiverProcess } from './receiver-control.ts';
import type { ScenarioResult } from './results.ts';

/** A target from the issue: `value op threshold`. */
export interface Target {
  readonly op: '>=' | '<=';
  readonly value: number;
}

/** One number one run produced. */
export interface Measurement {
  /** Stable key, e.g. `single.eventsPerSecond`: the same in every run and in the JSON. */
  readonly key: string;
  /** What the row is called in the docs. */
  readonly label: string;
  /** `events/s`, `ms`, `MB`, `%`, `count`. */
  readonly unit: string;
  readonly value: number;
  /** Whether `value ÷ ceiling` means something (throughputs); the report then shows the ratio. */
  readonly comparesToCeiling?: boolean;
  readonly target?: Target;
  /** Where the target comes from when it is not the number as is (e.g. "2 × B3 p99"). */
  readonly targetNote?: string;
}

/** What one run of a scenario returns. */
export interface ScenarioRun {
  readonly measurements: readonly Measurement[];
  /** Facts worth a line in the docs (published counts, what was skipped, …). */
  readonly notes?: readonly string[];
}

/** Everything a scenario run may use. */
export interface ScenarioContext {
  readonly options: BenchOptions;
  readonly receiver: ReceiverProcess;
  /** 0-based run number and how many runs there are. */
  readonly runIndex: number;
  readonly runCount: number;
  /** The ceiling measured just before this run: raw POSTs per second to the receiver. */
  readonly ceilingPerSecond: number;
  /** Results of the scenarios already finished in this invocation (B4 reads B3's p99). */
  readonly finished: ReadonlyMap<string, ScenarioResult>;
  /**
   * Milliseconds left before the invocation's time budget runs out, after keeping what the scenarios
   * still to come need. B5 sizes its drain wait with it; may be negative.
   */
  timeLeftMs(): number;
  /** Prints a progress line, prefixed with the scenario and run. */
  log(message: string): void;
}

/** A benchmark scenario. */
export interface Scenario {
  /** `B1` … `B10`, `scaling`. */
  readonly id: string;
  readonly title: string;
  /** What it does and why, for the docs (Markdown). */
  readonly description: string;
  /** How many runs for these options (B5's and B10's million-delivery runs are made once). */
  runs(options: BenchOptions): number;
  /** About how long all its runs take when the server is quick (ceilings included), for the time budget. */
  estimateMs(options: BenchOptions): number;
  /** Makes one run; the runner has measured the ceiling just before. */
  run(ctx: ScenarioContext): Promise<ScenarioRun>;
}
