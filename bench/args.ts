/**
 * The command line of `npm run bench`: `--quick`, `--runs <n>`, `--only B1,B3`, `--out <dir>`, `--peers`,
 * `--set HOOKLINE_NAME=value`.
 */
import { parseArgs } from 'node:util';

/** Every scenario id, in the order the report lists them (`run.ts` has the run order). */
export const SCENARIO_IDS = [
  'B1',
  'B2',
  'B3',
  'B4',
  'B5',
  'B6',
  'B7',
  'B8',
  'B9',
  'B10',
  'B11',
  'scaling',
] as const;

/** One of {@link SCENARIO_IDS}. */
export type ScenarioId = (typeof SCENARIO_IDS)[number];

/** What the harness was asked to do. */
export interface BenchOptions {
  /**
   * The one-minute smoke run: short durations, one run each, B5 with 20,000 deliveries and no crash,
   * B10 with 20,000 deliveries.
   */
  readonly quick: boolean;
  /** Runs per scenario (B5's and B10's full million-delivery runs are always made once). */
  readonly runs: number;
  /** The scenarios to run, in run order. */
  readonly only: readonly ScenarioId[];
  /** Where to write `benchmarks.md` and `benchmarks.json`, relative to the repository root. */
  readonly outDir: string;
  /** Whether every scenario runs: only a complete full run replaces the published `docs/` results. */
  readonly complete: boolean;
  /**
   * Whether the comparison with the peers (BullMQ + Redis, graphile-worker) runs after the scenarios,
   * one round per run, on the workloads of B2 and B3 that `only` names (all of them when it names neither).
   */
  readonly peers: boolean;
  /**
   * `HOOKLINE_*` settings given to every Hookline process the bench starts (`--set`), under the
   * scenario's own: what a setting costs is measured by two runs, with it and without.
   */
  readonly settings: Readonly<Record<string, string>>;
}

/** The usage text printed by `--help` and on a bad argument. */
export const USAGE = `usage: npm run bench -- [--quick] [--runs <n>] [--only B1,B2,B3,B4,B5,B6,B7,B8,B9,B10,B11,scaling] [--out <dir>] [--peers] [--set HOOKLINE_NAME=value …]

  --quick        smoke run (under 5 minutes): short durations, 1 run, B5 and B10 with 20,000 deliveries,
                 B11's soaks of 20 s
  --runs <n>     runs per scenario (default 3, or 1 with --quick); B5's and B10's 1M runs and B11's
                 40 minutes of soaks are made once
                 (B6 needs PostgreSQL's server package and is skipped, with the reason, without it)
  --only <ids>   comma-separated scenarios to run (default: all)
  --out <dir>    where to write benchmarks.md and benchmarks.json
                 (default: docs for a full run of every scenario, else a new temp dir)
  --peers        after the scenarios, compare Hookline (SQLite, and PostgreSQL) with BullMQ + Redis
                 (AOF everysec and always) and graphile-worker, interleaved round by round (one round
                 per run) on B2's workloads (20,000 events × 1 endpoint, 5,000 × 10) and B3's (1,000
                 single publishes/s); with --only, just the workloads of B2 and/or B3 if it names them:
                 --only B2 --peers runs B2, then the throughput comparison (needs Debian's redis-server
                 and postgresql packages; a system whose server is missing is skipped, with the reason)
  --set <s>      a HOOKLINE_NAME=value setting for every Hookline process the bench starts, repeatable;
                 a scenario's own settings win (--set HOOKLINE_RATE_LIMIT_ADMIN=off measures what the
                 admin token's rate limit costs); such a run never replaces the published docs`;

/** Thrown for a command line that cannot be run; the message says why. */
export class UsageError extends Error {}

/**
 * Parses the arguments after `npm run bench --`.
 * @param defaultTempDir the output dir for partial or quick runs when `--out` is absent
 * @returns the options, or `'help'` for `--help`
 */
export function parseBenchArgs(argv: readonly string[], defaultTempDir: () => string): BenchOptions | 'help' {
  let parsed: ReturnType<typeof parseArgsStrict>;
  try {
    parsed = parseArgsStrict(argv);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values } = parsed;
  if (values.help) return 'help';
  const quick = values.quick ?? false;
  let runs = quick ? 1 : 3;
  if (values.runs !== undefined) {
    runs = Number(values.runs);
    if (!Number.isInteger(runs) || runs < 1 || runs > 20) {
      throw new UsageError(`--runs must be a whole number from 1 to 20, got "${values.runs}"`);
    }
  }
  let only: ScenarioId[] = [...SCENARIO_IDS];
  if (values.only !== undefined) {
    const asked = values.only
      .split(',')
      .map((id) => id.trim())
      .filter((id) => id.length > 0);
    const known = new Map(SCENARIO_IDS.map((id) => [id.toLowerCase(), id]));
    const unknown = asked.filter((id) => !known.has(id.toLowerCase()));
    if (asked.length === 0 || unknown.length > 0) {
      throw new UsageError(`--only takes ${SCENARIO_IDS.join(', ')}; got "${values.only}"`);
    }
    const wanted = new Set(asked.map((id) => known.get(id.toLowerCase())!));
    only = SCENARIO_IDS.filter((id) => wanted.has(id));
  }
  const settings: Record<string, string> = {};
  for (const setting of values.set ?? []) {
    const match = /^(HOOKLINE_[A-Z0-9_]+)=(.*)$/.exec(setting);
    if (!match) throw new UsageError(`--set takes HOOKLINE_NAME=value; got "${setting}"`);
    settings[match[1]!] = match[2]!;
  }
  const complete = !quick && only.length === SCENARIO_IDS.length && Object.keys(settings).length === 0;
  const peers = values.peers ?? false;
  return {
    quick,
    runs,
    only,
    outDir: values.out ?? (complete ? 'docs' : defaultTempDir()),
    complete,
    peers,
    settings,
  };
}

function parseArgsStrict(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      quick: { type: 'boolean' },
      runs: { type: 'string' },
      only: { type: 'string' },
      out: { type: 'string' },
      peers: { type: 'boolean' },
      set: { type: 'string', multiple: true },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
