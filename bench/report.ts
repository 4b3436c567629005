/**
 * Writes the results: `benchmarks.json` (everything, raw) and `benchmarks.md` (generated tables plus
 * the explanations below, which live here so that regenerating the page keeps them).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NODE_FLAGS } from './hookline-process.ts';
import { PEER_SYSTEMS, PEERS_SCENARIO_ID, type PeerWorkload, peerMetricKey } from './peers/systems.ts';
import { type BenchReport, type MetricResult, meets, type ScenarioResult } from './results.ts';

const GIB = 1024 ** 3;

/** `12,345`: whole numbers with thousands separators. */
function whole(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** A value in its unit, as the tables show it: `12,345 events/s`, `3.21 ms`, `45.0 %`, `∞`. */
export function formatValue(value: number, unit: string): string {
  if (Number.isNaN(value)) return '–';
  if (value === Number.POSITIVE_INFINITY) return '∞ (undelivered)';
  switch (unit) {
    case 'ms':
      return `${value < 100 ? value.toFixed(2) : whole(value)} ms`;
    case 's':
      return `${value.toFixed(1)} s`;
    case '%':
      return `${value.toFixed(1)} %`;
    case 'cores':
      return `${value.toFixed(2)} cores`;
    case 'CPU-s':
      return `${value.toFixed(3)} CPU-s`;
    case '×':
      return `${value.toFixed(2)} ×`;
    case 'count':
      return whole(value);
    default:
      return `${whole(value)} ${unit}`;
  }
}

function formatSpread(m: MetricResult): string {
  const { min, max, values } = m.summary;
  if (values.length < 2) return '(1 run)';
  if (Number.isNaN(min)) return '–';
  const low = formatValue(min, m.unit);
  const high = formatValue(max, m.unit);
  // `3,034 – 5,071 events/s` rather than the unit twice.
  const unit = / [^\d\s]+$/.exec(high)?.[0];
  return unit && low.endsWith(unit) && !low.startsWith('∞')
    ? `${low.slice(0, -unit.length)} – ${high}`
    : `${low} – ${high}`;
}

/** `≥ 10,000 events/s`, with the target's origin when it is derived. */
export function formatTarget(m: MetricResult): string {
  if (!m.target) return '';
  const text = `${m.target.op === '>=' ? '≥' : '≤'} ${formatValue(m.target.value, m.unit)}`;
  return m.targetNote ? `${text} (${m.targetNote})` : text;
}

/** ✅, ❌, or nothing when the row has no target. */
export function metMark(met: boolean | null): string {
  if (met === null) return '';
  return met ? '✅' : '❌';
}

function formatRatio(ratio: number | null): string {
  if (ratio === null || Number.isNaN(ratio)) return '';
  return `${(ratio * 100).toFixed(1)} %`;
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

/** Every row with a target, over all scenarios. */
export function targetRows(report: BenchReport): { scenario: ScenarioResult; metric: MetricResult }[] {
  return report.scenarios.flatMap((scenario) =>
    scenario.metrics.filter((metric) => metric.target !== null).map((metric) => ({ scenario, metric })),
  );
}

function metricTable(scenario: ScenarioResult): string[] {
  const lines = [
    '| metric | median | spread (min – max) | ceiling | ÷ ceiling | target | met |',
    '|---|---:|---|---:|---:|---|:---:|',
  ];
  for (const m of scenario.metrics) {
    lines.push(
      `| ${escapeCell(m.label)} | ${formatValue(m.summary.median, m.unit)} | ${formatSpread(m)} | ` +
        `${m.ceiling === null ? '' : formatValue(m.ceiling, 'req/s')} | ${formatRatio(m.ratio)} | ` +
        `${escapeCell(formatTarget(m))} | ${metMark(m.met)} |`,
    );
  }
  return lines;
}

function metric(scenario: ScenarioResult | undefined, key: string): MetricResult | undefined {
  return scenario?.metrics.find((m) => m.key === key);
}

function cell(m: MetricResult | undefined, withRatio = false): string {
  if (!m) return '–';
  const value = formatValue(m.summary.median, m.unit);
  return withRatio && m.ratio !== null && !Number.isNaN(m.ratio)
    ? `${value} (${formatRatio(m.ratio)})`
    : value;
}

/** The two scaling tables: backlog size (with B5's million) and endpoint count. */
function scalingTables(scaling: ScenarioResult, b5: ScenarioResult | undefined): string[] {
  const lines = [
    '**Backlog size** (10 endpoints; drain rate with its share of the ceiling in brackets)',
    '',
    '| deliveries queued | drain rate | Hookline max RSS | undelivered at the end | from |',
    '|---:|---:|---:|---:|---|',
  ];
  const sizes = [
    ...new Set(
      scaling.metrics
        .map((m) => /^backlog(\d+)\./.exec(m.key)?.[1])
        .filter((size): size is string => size !== undefined),
    ),
  ];
  for (const size of sizes) {
    lines.push(
      `| ${whole(Number(size))} | ${cell(metric(scaling, `backlog${size}.drainPerSecond`), true)} | ` +
        `${cell(metric(scaling, `backlog${size}.maxRssMb`))} | ${cell(metric(scaling, `backlog${size}.missing`))} | scaling |`,
    );
  }
  const queued = metric(b5, 'queuedDeliveries');
  if (b5 && queued) {
    const crashed = b5.metrics.some((m) => m.key === 'restartSeconds');
    lines.push(
      `| ${cell(queued)} | ${cell(metric(b5, 'drainPerSecond'), true)} | ${cell(metric(b5, 'maxRssMb'))} | ` +
        `${cell(metric(b5, 'missing'))} | B5${crashed ? ' (with a kill -9 during the drain)' : ''} |`,
    );
  }
  lines.push(
    '',
    '**Endpoints** (events spread over the endpoints; delivered rate with its share of the ceiling in brackets)',
    '',
    '| endpoints | delivered end to end | Hookline max RSS | undelivered at the end |',
    '|---:|---:|---:|---:|',
  );
  const counts = [
    ...new Set(
      scaling.metrics
        .map((m) => /^endpoints(\d+)\./.exec(m.key)?.[1])
        .filter((count): count is string => count !== undefined),
    ),
  ];
  for (const count of counts) {
    lines.push(
      `| ${whole(Number(count))} | ${cell(metric(scaling, `endpoints${count}.deliveredPerSecond`), true)} | ` +
        `${cell(metric(scaling, `endpoints${count}.maxRssMb`))} | ${cell(metric(scaling, `endpoints${count}.missing`))} |`,
    );
  }
  return lines;
}

/** The median of a system's metric in the comparison with the peers, NaN when it has none. */
function peerMedian(
  peers: ScenarioResult,
  system: string,
  workload: PeerWorkload | null,
  name: string,
): number {
  return metric(peers, peerMetricKey(system, workload, name))?.summary.median ?? Number.NaN;
}

/** `2.31 ×`, or `–` when either side is missing. */
function times(ratio: number): string {
  return Number.isFinite(ratio) ? `${ratio.toFixed(2)} ×` : '–';
}

/**
 * The comparison with the peers: one column per system, the medians of the rounds (rates with their
 * share of the same round's ceiling), then how Hookline stands against them.
 */
export function peersTables(peers: ScenarioResult): string[] {
  const systems = PEER_SYSTEMS.filter((system) =>
    peers.metrics.some((m) => m.key.startsWith(`${system.key}.`)),
  );
  if (systems.length === 0) return [];
  const row = (label: string, cellOf: (system: string) => string) =>
    `| ${label} | ${systems.map((system) => cellOf(system.key)).join(' | ')} |`;
  const has = (workload: PeerWorkload, name: string) =>
    peers.metrics.some((m) => m.key.endsWith(`.${workload}.${name}`));
  const lines = [
    `| workload (medians of ${peers.runs} round${peers.runs === 1 ? '' : 's'}) | ${systems.map((s) => s.label).join(' | ')} |`,
    `|---|${systems.map(() => '---:').join('|')}|`,
  ];
  for (const [workload, label] of [
    ['fanOut1', 'fan-out 1, batches of 100: deliveries/s (÷ ceiling)'],
    ['fanOut10', 'fan-out 10, batches of 100: deliveries/s (÷ ceiling)'],
  ] as const) {
    if (!has(workload, 'deliveriesPerSecond')) continue;
    lines.push(
      row(label, (system) =>
        cell(metric(peers, peerMetricKey(system, workload, 'deliveriesPerSecond')), true),
      ),
    );
  }
  for (const [workload, label] of [
    ['fanOut1', 'CPU-seconds per 1,000 deliveries, fan-out 1'],
    ['fanOut10', 'CPU-seconds per 1,000 deliveries, fan-out 10'],
  ] as const) {
    if (!has(workload, 'cpuSecondsPer1000')) continue;
    lines.push(
      row(label, (system) => cell(metric(peers, peerMetricKey(system, workload, 'cpuSecondsPer1000')))),
    );
  }
  if (has('latency', 'p99Ms')) {
    lines.push(
      row('1,000 single publishes/s: publish → receipt p50 / p99', (system) => {
        const p50 = peerMedian(peers, system, 'latency', 'p50Ms');
        const p99 = peerMedian(peers, system, 'latency', 'p99Ms');
        return `${formatValue(p50, 'ms').replace(' ms', '')} / ${formatValue(p99, 'ms')}`;
      }),
    );
  }
  lines.push(
    row('max RSS (Hookline or the peer, plus Redis)', (system) =>
      cell(metric(peers, peerMetricKey(system, null, 'maxRssMb'))),
    ),
    row('deliveries lost / duplicated (all rounds and workloads)', (system) => {
      const total = (name: string) =>
        metric(peers, peerMetricKey(system, null, name))?.summary.values.reduce((sum, v) => sum + v, 0);
      return `${formatValue(total('lost') ?? Number.NaN, 'count')} / ${formatValue(total('duplicates') ?? Number.NaN, 'count')}`;
    }),
    row('invalid signatures', (system) => {
      const values = metric(peers, peerMetricKey(system, null, 'invalidSignatures'))?.summary.values;
      return values
        ? formatValue(
            values.reduce((sum, v) => sum + v, 0),
            'count',
          )
        : '–';
    }),
  );
  const peerKeys = ['bullmqEverysec', 'bullmqAlways', 'graphile'].filter((key) =>
    systems.some((s) => s.key === key),
  );
  const best = (workload: PeerWorkload, name: string, pick: (values: number[]) => number) =>
    pick(peerKeys.map((key) => peerMedian(peers, key, workload, name)).filter((v) => !Number.isNaN(v)));
  const comparisons: {
    label: string;
    hookline: string;
    peer: (workload: PeerWorkload, name: string) => number;
  }[] = [
    {
      label: 'Hookline SQLite against the best peer',
      hookline: 'hooklineSqlite',
      peer: (workload, name) =>
        best(workload, name, (values) =>
          values.length === 0
            ? Number.NaN
            : name === 'deliveriesPerSecond'
              ? Math.max(...values)
              : Math.min(...values),
        ),
    },
    {
      label: 'Hookline PostgreSQL against graphile-worker',
      hookline: 'hooklinePostgres',
      peer: (workload, name) => peerMedian(peers, 'graphile', workload, name),
    },
  ];
  lines.push(
    '',
    'How Hookline stands against them, from the medians above (above 1 × means Hookline is better: its rate ÷ ' +
      "the peer's; the peer's CPU per delivery and p99 ÷ Hookline's):",
    '',
    '| | fan-out 1 rate | fan-out 10 rate | CPU per delivery, fan-out 1 | CPU per delivery, fan-out 10 | p99 |',
    '|---|---:|---:|---:|---:|---:|',
  );
  for (const { label, hookline, peer } of comparisons) {
    if (!systems.some((s) => s.key === hookline)) continue;
    const mine = (workload: PeerWorkload, name: string) => peerMedian(peers, hookline, workload, name);
    lines.push(
      `| ${label} | ${times(mine('fanOut1', 'deliveriesPerSecond') / peer('fanOut1', 'deliveriesPerSecond'))} | ` +
        `${times(mine('fanOut10', 'deliveriesPerSecond') / peer('fanOut10', 'deliveriesPerSecond'))} | ` +
        `${times(peer('fanOut1', 'cpuSecondsPer1000') / mine('fanOut1', 'cpuSecondsPer1000'))} | ` +
        `${times(peer('fanOut10', 'cpuSecondsPer1000') / mine('fanOut10', 'cpuSecondsPer1000'))} | ` +
        `${times(peer('latency', 'p99Ms') / mine('latency', 'p99Ms'))} |`,
    );
  }
  lines.push('', 'Every measurement, with its spread over the rounds:', '', ...metricTable(peers));
  return lines;
}

function durationText(seconds: number): string {
  const minutes = Math.floor(seconds / 60);
  return minutes > 0 ? `${minutes} min ${Math.round(seconds % 60)} s` : `${seconds.toFixed(0)} s`;
}

const HOW_TO_READ = `## How to read this

- **median** is the median over the runs of a scenario, **spread** the smallest and largest run. A wide
  spread means the machine was not quiet or the server's behaviour varies from run to run; trust the
  median less then.
- **ceiling** is how many webhook-sized, signed POSTs per second the harness process pushes into the
  same receiver process over 64 keep-alive connections, measured for ~3 s just before each run (while
  no Hookline runs). It is what this machine's HTTP stack and receiver allow one Node process, so
  **÷ ceiling** (median of each run's value ÷ that run's ceiling) says how close Hookline comes to it,
  and travels better between machines than the absolute numbers. Batch ingest can exceed 100 %: one
  request carries 100 events.
- **met** is ✅ when the median meets the issue's target, ❌ when it does not. Rows without a target
  are context (CPU, memory, duplicates).
- **CPU used by other processes on the machine** (last row of every scenario) is the machine's busy
  CPU (\`/proc/stat\`) minus that of the harness and every process it started, averaged over the run.
  Anything well above 0 means something else ran during the benchmark and took CPU from it: the
  numbers of that run are pessimistic, and its spread wider.
- **∞ (undelivered)** in a latency row means some events had not arrived when the wait ended; they
  count as infinitely late rather than being left out.
- Three processes share the machine's cores during a scenario: Hookline, the receiver process and the
  harness (the load generator). The receiver verifies every signature and records every delivery; that
  CPU is not available to Hookline, as it would not be on a real 2-core box running both.`;

const PROFILES = `## What the profiles show

Taken with \`node --cpu-prof\` on the Hookline process during the scenarios on the reference machine
(2 cores), and with \`pg_stat_statements\` and \`auto_explain\` on PostgreSQL. The CPU profiles sample
wall time per thread, so a blocking call (an fsync, a socket write that wakes another process) counts
in full.

- **B1 batches of 100** (about 36,000 events/s; the main thread 97 % busy): SQLite 44 % (inserting the
  events 21 %; BEGIN and COMMIT 23 %, mostly the WAL write and the fsync that \`synchronous=FULL\`
  requires), parsing the request's JSON 10 %, building each event (mostly serialising its data again,
  the text that is stored and sent) 9 %, checking how deep the data nests 4 % (since made to walk
  without allocating: 0.4 µs for a 600-byte order instead of 1.1 to 1.5 µs), formatting the answer 3 %
  (each distinct time is now formatted once per batch), garbage collection 4 %.
- **B2 fan-out 1** (about 8,400 deliveries/s, one event per delivery, so the main thread also runs the
  whole publish path for every delivery): SQLite transactions 23 %, inserting events and deliveries
  10 %, claims 6 %, results 5 %, garbage collection 7 %, signing 2.5 %, idle 17 %; the sending thread
  was idle 62 % of the time. Committing results in groups of 400 instead of 100 changed nothing
  measurable. WAL checkpoints already run on their own thread.
- **Draining a backlog** (B5): the sending thread is the busy one (0.70 cores against the main
  thread's 0.51), which is why signing stays on the main thread: moved to the sending thread, a
  300,000-delivery drain fell from 13,500 to 11,200 deliveries/s.
- **B6 on PostgreSQL**: the database spends most of its time updating the wide \`deliveries\` row twice
  per delivery (claim and result); each update writes a new row version and an entry in each of the
  table's six indexes (about 43 µs a claimed row in \`auto_explain\`). In Hookline's main thread,
  socket writes to the database were 18 % of the samples, one per statement: a claim took five round
  trips (BEGIN with SET LOCAL, the claim, its events, COMMIT, its endpoints) and a group of results
  four. Both are one statement now (the claim returns its events), on connections opened with
  \`synchronous_commit=off\` for the claims. With two processes and one endpoint, the process without
  it ran a claim that found nothing for every publish (573 to 986 in an 8 s run); due notifications
  now name the buckets they are for, and a worker of another share stays asleep. Since schema version
  16 the queue is a table of its own: a claim updates a narrow queue row (two index entries) and the
  wide row is written once per attempt, with its result. In B6 (three alternating runs of each build
  on 2026-12-07), PostgreSQL CPU per delivery fell by 10 % with one endpoint (0.263 → 0.237 ms) and
  16 % with ten (0.255 → 0.215 ms), one process each; at 1,000 single publishes a second it stayed
  where it was (0.44–0.47 ms per event before, 0.45–0.54 after), as a claim and a group of results
  hold a few rows each there, and the queue's own rows are one more insert and delete per delivery.
- **Array parameters on PostgreSQL** (2026-12-07): the statements that write many rows (publishes,
  results with their attempts, releases) take one array per column. The driver sent each one as an
  array literal, every element quoted and escaped by two regular-expression replacements and the whole
  concatenated: in a sampled allocation profile of the main thread at 4,000 deliveries/s (one endpoint,
  batches of 100, a warm process), that was 56 % of all the bytes it allocated, and garbage collection
  took 19 % of its CPU samples. They now go in PostgreSQL's binary array format, which the server reads
  without looking for escapes: the same run allocated 817 MB instead of 1,866 MB, and garbage collection
  fell to 10 %. At that load Hookline's CPU per delivery fell from 258–282 µs to 227–243 µs (three
  alternating runs); with ten endpoints at 10,000 deliveries/s offered, beyond what the machine keeps
  up with, 80,000 deliveries drained in 13.2–13.3 s instead of 15.0–16.3 s, with Hookline CPU per event
  1.40–1.42 ms instead of 1.66–1.77 ms and PostgreSQL's 1.15–1.20 ms instead of 1.24–1.40 ms. In B6
  (fresh processes; five alternating rounds, then two more runs of the new build), with one endpoint
  Hookline CPU per delivery fell from 0.234 to 0.205 ms and PostgreSQL's stayed at 0.19 ms; with ten,
  both were higher after (0.162 → 0.179 ms and 0.116 → 0.146 ms), which the warm runs do not show and
  which forcing custom plans did not change. At 1,000 single publishes a second, where each statement
  carries a few rows, nothing moved (Hookline 0.73–0.76 ms and PostgreSQL 0.65–0.69 ms per event both
  before and after).
- **Single publishes on PostgreSQL** (1,000 a second to one endpoint, one process, on the machine of
  2026-12-07 with a fifth of the reference machine's HTTP ceiling): socket writes to the database were
  16 % of the main thread's samples, and 8 of every 10 statements were the read of the account's
  endpoints that each publish made before its write. A publish now plans with the endpoints its
  process last read and the write checks them (see ARCHITECTURE.md). Measured with
  \`node --import tsx scripts/publish-latency.ts\` (a warm process: 2 s of warm-up at the same
  rate first), six runs of each build in alternating blocks of three, medians: publish → receipt p50
  395 ms before and 33.5 ms after, p99 538 ms and 95 ms; per event and its delivery, 0.96 ms of
  Hookline CPU and 0.53 ms of PostgreSQL CPU before, 0.88 ms and 0.51 ms after. The CPU falls by less
  than a tenth, but that is what this machine lacked to keep up with 1,000 a second.
- **Fresh processes** spend their first second compiling their hot paths: B1 accepted 4,500 to 9,500
  events/s with an ack p99 of 18 to 130 ms then, against about 14,000/s and 8 to 11 ms from the second
  second on. B1, B3, B4 and B6 leave a warm-up out of what they measure.
- **A start that builds its bundle** (2026-12-08): \`bin/hookline.js\` bundles the sources whenever one
  is newer than the bundle, in the process that starts, as the first \`npm start\` after a clone does
  (and, in these benchmarks, the first Hookline process after an edit). esbuild's synchronous API ran
  that build on a worker thread the process then kept for its whole life: such a server had 151 MB of
  RSS 5 s after it was ready, against 129–130 MB for one that found its bundle fresh (two starts each,
  \`hookline start\` alone), and one thread more. The build now goes through esbuild's asynchronous API,
  in a child process stopped once it is done: 131–133 MB. This was also why B5's "RSS when ready" moved
  between runs of the same code (115 to 146 MB on 2026-12-07 and 08): the runs right after an edit
  started a process that built its bundle. The dashboard, built the same way when one of its sources is
  newer, left esbuild's service running as a child process of the server (24 MB of its own); it is now
  stopped once the dashboard is built.
- **Where a delivery's CPU goes, by thread** (2026-12-08; B2 fan-out 1, one run, each thread's
  \`utime + stime\` from \`/proc/<pid>/task\`): the main thread 19.3 s, the sending thread 10.3 s, V8's
  four helper threads (parallel scavenges, concurrent marking and sweeping, optimising compilation)
  5.9 s, the WAL checkpointer 1.9 s and libuv's pool (the WAL's fsyncs) 0.7 s, 38 s in all. So V8's
  helper threads take a sixth of the process's CPU, besides garbage collection's 13 % of the main
  thread's samples and 14 % of the sending thread's. Doing all of it on the threads that make the
  garbage does not make it cheaper.
  Measured side by side (\`scripts/side-by-side.ts\`, batches of 100 to one endpoint, 2,500
  deliveries/s to each side, 20 s after 8 s of warm-up, three rounds), \`--single-threaded-gc\` used
  1.003 × the CPU per delivery of \`npm start\`'s flags (1.000 to 1.036), with 8 to 10 MB more peak
  RSS. With an earlier probe of the same kind (one or two pairs each), \`--no-parallel-scavenge\` used
  0.979 and 0.987 ×; a young generation of 16 MB per half instead of 4 used 0.994 ×, but 40 to 50 MB more RSS in B2; and
  \`MALLOC_ARENA_MAX=2\` lowered neither the CPU nor the peak. None was kept.`;

const HOW_MEASURED = `## How it is measured

- \`npm run bench\` (\`bench/run.ts\`) starts Hookline the way a user does, as \`npm start\` runs it:
  \`${['node', ...NODE_FLAGS, 'packages/server/bin/hookline.js', 'start'].join(' ')}\` (the flags are
  read from the start script) in its own process, configured only by environment
  (\`PORT\`, \`HOOKLINE_HOST=127.0.0.1\`, a fresh \`HOOKLINE_DATA_DIR\` per run under the system temp
  dir, \`HOOKLINE_ALLOW_TARGETS=127.0.0.0/8\`, \`HOOKLINE_LOG_LEVEL=warn\`). Durability is Hookline's
  default and never changed: SQLite in WAL mode with \`synchronous=FULL\`, so every 202 and every
  recorded attempt is on disk. B5 also sets \`HOOKLINE_RETRY_SCHEDULE\` (see B5), and B11 its retention,
  pruning interval and retry schedule (see B11). B6 runs Hookline
  on PostgreSQL instead (\`DATABASE_URL\`, \`hookline migrate\`, \`--role all\` and \`--role worker\`
  processes): Debian's server in a fresh cluster under the system temp dir, with PostgreSQL's durable
  defaults (\`fsync\` and \`synchronous_commit\` on), started and stopped by the harness like every
  other process it starts.
- Everything goes through the public API over real HTTP on 127.0.0.1: \`POST /v1/accounts\`,
  \`POST …/endpoints\`, \`POST …/events\`, \`POST …/events/batch\`, and \`/metrics\` for the queue depth
  after a crash. B10 also reads what the dashboard reads: its page (\`/\`) and \`/assets/…\` files, and
  \`GET …/deliveries\`, \`GET …/deliveries/{id}\` and \`GET /v1/stats\` with undici's \`request\` on one
  keep-alive connection, timed from sending to the last byte of the answer. Each event carries
  \`data.seq\` (its number in the run) and \`data.sentAt\` (the publisher's
  \`performance.timeOrigin + performance.now()\`), in an \`order.paid\`-shaped payload of about 600
  bytes.
- The receivers are one \`node:http\` server in a child process (\`bench/receiver-process.ts\`) with a
  path per endpoint (\`/e/<n>\`), each answering 200 at once, hanging, answering 500 or dropping the
  connection as the scenario sets it. For every 200 it verifies the Standard Webhooks signature with
  \`@hookline/receiver\` (401 when it does not verify, counted), records \`data.seq\` in a per-path
  bitmap ledger (duplicates counted) and receipt time − \`data.sentAt\` in a log-linear histogram
  (exact to 0.01 ms below 10 ms, within 0.2 % above).
- The load generator is open loop where a rate is given: request *k* is sent at *start + k / rate*
  whether or not earlier ones were answered, and ack latency is measured from that scheduled time, so
  a stalling server cannot hide its stalls by slowing the generator down (coordinated omission).
  B1's single-event clients are closed loop by definition (64 clients, each waits for its answer).
- Hookline's memory is \`VmRSS\` from \`/proc/<pid>/status\` every 250 ms; its CPU is \`utime + stime\`
  from \`/proc/<pid>/stat\`, shown in cores (1.00 = one core busy the whole time).
- Every process the harness starts is ended by its pid when it finishes, fails or is interrupted
  (Ctrl-C included). Only a \`kill -9\` of the harness itself leaves the Hookline of the current run
  behind: Hookline runs unwrapped, as users run it, and nothing tells a process of its parent's
  SIGKILL. The receiver process exits when the harness's IPC channel closes.

### Limits of the method

- One machine runs everything, so the numbers include the receivers' and the load generator's share
  of the CPU; the ceiling is measured under the same conditions, which is why the ratio is the figure
  to compare between machines.
- B2 and the endpoint scaling skip publish requests while 2 s of deliveries wait undelivered: they
  measure the delivery rate Hookline sustains with work always queued, not how it behaves when the
  offered load exceeds its capacity for minutes. B5 covers a large backlog.
- Latencies are from the publisher's send to the receiver's receipt on one clock; they include the
  publish request, the durable commit, the claim, the signed POST and the receiver's own parsing and
  verification.
- The machine's speed drifts: its HTTP ceiling moved between about 9,500 and 24,000 POSTs a second
  within an hour on 2026-12-07 and 08, and runs taken one after the other then differ by more than a
  change worth a few percent. \`scripts/side-by-side.ts\` runs two Hookline processes at once (two
  builds, or two sets of node flags), each with its own receiver and the same offered load below what
  the machine keeps up with, and reports each one's CPU per delivery: two processes of one build agree
  within 1 to 5 %, however fast the machine is at the time.`;

/** Other processes' CPU (cores) above which the page warns that the machine was shared. */
const NOISE_WARNING_CORES = 0.1;

/** A warning when other processes took CPU during some runs; nothing on a quiet machine. */
function noiseWarning(report: BenchReport): string[] {
  const noisy = report.scenarios
    .map((s) => ({ id: s.id, cores: metric(s, 'machine.otherCores')?.summary.max ?? 0 }))
    .filter(({ cores }) => cores > NOISE_WARNING_CORES);
  if (noisy.length === 0) return [];
  return [
    `> ⚠ The machine was not quiet: other processes used up to ${noisy
      .map(({ id, cores }) => `${cores.toFixed(2)} cores during ${id}`)
      .join(
        ', ',
      )} (the last row of each scenario). Those runs are pessimistic; their spread shows by how much.`,
    '',
  ];
}

/**
 * The targets whose median is met although some run missed them, as a sentence (empty when there are
 * none): a met target with a run on the wrong side is a close call, and the table alone hides it.
 */
export function closeCalls(rows: { scenario: ScenarioResult; metric: MetricResult }[]): string[] {
  const close = rows.filter(
    ({ metric: m }) =>
      m.met === true &&
      m.target !== null &&
      m.summary.values.some(
        (value) => meets(value, m.target as NonNullable<MetricResult['target']>) === false,
      ),
  );
  if (close.length === 0) return [];
  const items = close.map(
    ({ scenario, metric: m }) => `${scenario.id} ${escapeCell(m.label)} (runs: ${formatSpread(m)})`,
  );
  return [`Met by the median, but not by every run: ${items.join('; ')}.`, ''];
}

/**
 * What profiling (`node --cpu-prof`, `perf`, `--trace-gc`) found behind the targets the engine missed on
 * the reference machine (2 cores), by metric key; shown for each target a run did not meet.
 */
const WHY_NOT_MET: Readonly<Record<string, string>> = {
  'B1 batch.eventsPerSecond':
    "B1 batches of 100: the runs gave 31,081, 32,164 and 35,874 events/s, on a machine that was slow for the whole invocation: B1's ceilings were 22,437 to 23,291 POSTs/s, against up to 38,000 in the other full runs of the same night. The same publish path gave 40,473 and 44,357 events/s in the two full runs before this one.",
  'B1 single.ackP99Ms':
    "B1 single-event ack p99: in a closed loop of 64 publishers, one pause of the main thread delays all 64 requests in flight, so the p99 is made of its pauses: the group commit's fsync and V8's full collections. A fresh process pauses most in its first second, while it compiles; the measured window starts after a 1 s warm-up for that reason (with the warm-up counted, runs on this machine gave 10.9 to 18.3 ms).",
  'B2 fanOut1.shareOfCeiling':
    'B2 fan-out 1 ÷ ceiling: the runs gave 27.5 to 30.6 % in the full run of 2026-11-23 03:02 (10,387 to 10,907 events/s against ceilings of 33,914 to 39,625 POSTs/s); runs of the same code on slower stretches of the machine gave 34 to 38 %, because the ceiling moves more than the delivery rate (22,000 to 40,000 POSTs/s within minutes). One endpoint means one event per delivery, so the main thread does the whole publish path (HTTP, JSON, schema check, insert) for every delivery besides claiming and recording it. Its profile at about 8,400 deliveries/s: SQLite transactions 23 % of the samples (BEGIN and COMMIT, mostly the WAL write and the fsync that synchronous=FULL requires; checkpoints already run on their own thread), inserting events and deliveries 10 %, claims 6 %, results 5 %, garbage collection 7 %, idle 17 %; the sending thread was idle 62 % of the time. Committing attempt results in groups of 400 instead of 100 changed nothing measurable (medians 9,126 against 9,062 events/s in alternating runs). The rest is the two cores themselves: Hookline used 1.15 cores, and the receiver, the load generator and the loopback TCP stack take most of what remains.',
  'B6 fanOut1.scaleOutPercent':
    "B6 fan-out 1, 2 ÷ 1 worker: with one endpoint only one of the two processes delivers (an endpoint belongs to one worker's share, chosen by the hash of its id), so the second process cannot add throughput here: the ratio shows its overhead and the noise of the machine. A due notification names the buckets it is for, so the idle process no longer runs a claim for every publish (it ran 573 to 986 empty claims in an 8 s run before).",
  'B6 fanOut10.scaleOutPercent':
    "B6 fan-out 10, 2 ÷ 1 worker: both variants saturate the two cores (Hookline 0.8 to 0.9 cores, PostgreSQL 0.7, plus the receivers and the load generator), so a second process cannot add capacity and the ratio is its overhead against the noise of the machine. Since claims and attempt results became one round trip each and idle workers stay asleep, two processes use about the Hookline CPU of one (0.82 to 0.88 cores against 0.81 to 0.84 in alternating runs). PostgreSQL's cost per delivery is dominated by updating the wide deliveries row twice (claim and result): each update writes a new row version and an entry in each of its six indexes (43 µs a claimed row in auto_explain). A slim queue table beside it is the next step.",
};

function whyNotMet(rows: { scenario: ScenarioResult; metric: MetricResult }[]): string[] {
  const explained = rows
    .map(({ scenario, metric }) => WHY_NOT_MET[`${scenario.id} ${metric.key}`])
    .filter((text): text is string => text !== undefined);
  if (explained.length === 0) return [];
  return ['### What the profile says about the targets not met', '', ...explained.map((t) => `- ${t}`), ''];
}

export function renderMarkdown(report: BenchReport): string {
  const rows = targetRows(report);
  const met = rows.filter(({ metric: m }) => m.met === true);
  const unmet = rows.filter(({ metric: m }) => m.met !== true);
  const machine = report.machine;
  const lines: string[] = [
    '# Benchmarks',
    '',
    '<!-- Generated by `npm run bench` (bench/report.ts); edit the generator, not this file. -->',
    '',
    report.complete
      ? 'Hookline measured end to end on one machine: real server processes, real HTTP, a real SQLite file (and in B6 a real PostgreSQL) with durable settings, real receivers.'
      : `> **Partial run** (${report.quick ? '`--quick` smoke run' : 'a subset of the scenarios'}): these are not the reference numbers. Run \`npm run bench\` for those.`,
    '',
    '| | |',
    '|---|---|',
    `| date | ${report.date} |`,
    `| command | \`${report.command}\` |`,
    `| machine | ${machine.cpuModel}, ${machine.cores} cores, ${(machine.memoryBytes / GIB).toFixed(1)} GiB memory, ${machine.platform} |`,
    `| Node.js | ${machine.node} |`,
    `| wall time | ${durationText(report.wallSeconds)} |`,
    '',
    '## Targets',
    '',
    `**${met.length} of ${rows.length} targets met.**` +
      (unmet.length > 0
        ? ` Not met: ${unmet.map(({ scenario, metric: m }) => `${scenario.id} ${m.label}`).join('; ')}.`
        : ''),
    '',
    ...noiseWarning(report),
    '| scenario | metric | median | target | met |',
    '|---|---|---:|---|:---:|',
    ...rows.map(
      ({ scenario, metric: m }) =>
        `| ${scenario.id} | ${escapeCell(m.label)} | ${formatValue(m.summary.median, m.unit)} | ` +
        `${escapeCell(formatTarget(m))} | ${m.met === null ? 'no value' : metMark(m.met)} |`,
    ),
    '',
    ...closeCalls(met),
    ...whyNotMet(unmet),
    HOW_TO_READ,
    '',
    PROFILES,
    '',
  ];
  const b5 = report.scenarios.find((s) => s.id === 'B5');
  for (const scenario of report.scenarios) {
    lines.push(`## ${scenario.title}`, '', scenario.description, '');
    const runs =
      scenario.runs === scenario.runsAsked
        ? `${scenario.runs} run${scenario.runs === 1 ? '' : 's'}`
        : `${scenario.runs} of ${scenario.runsAsked} runs (the time budget or an error stopped the rest)`;
    lines.push(
      `${runs}; ceiling ${formatValue(scenario.ceiling.median, 'req/s')}` +
        (scenario.ceiling.values.length > 1
          ? ` (${formatValue(scenario.ceiling.min, 'req/s')} – ${formatValue(scenario.ceiling.max, 'req/s')})`
          : '') +
        `; ${durationText(scenario.wallSeconds)}.`,
      '',
    );
    if (scenario.error) lines.push(`**Error:** \`${scenario.error.split('\n')[0]}\``, '');
    if (scenario.id === 'scaling') lines.push(...scalingTables(scenario, b5));
    else if (scenario.id === PEERS_SCENARIO_ID) lines.push(...peersTables(scenario));
    else if (scenario.metrics.length > 0) lines.push(...metricTable(scenario));
    if (scenario.notes.length > 0) lines.push('', ...scenario.notes.map((n) => `- ${n}`));
    lines.push('');
  }
  lines.push(HOW_MEASURED, '');
  return lines.join('\n');
}

/** JSON with non-finite numbers kept as strings (`"Infinity"`, `"NaN"`), which JSON cannot hold. */
export function reportJson(report: BenchReport): string {
  return `${JSON.stringify(
    report,
    (_key, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? String(value) : value),
    2,
  )}\n`;
}

/** Writes `benchmarks.md` and `benchmarks.json` into `dir`; returns their paths. */
export function writeReport(report: BenchReport, dir: string): { markdown: string; json: string } {
  mkdirSync(dir, { recursive: true });
  const markdown = join(dir, 'benchmarks.md');
  const json = join(dir, 'benchmarks.json');
  writeFileSync(markdown, renderMarkdown(report));
  writeFileSync(json, reportJson(report));
  return { markdown, json };
}
