/**
 * Two Hookline processes measured at the same time, under the same offered load: Hookline's CPU per
 * delivery of each, so that a change worth a few percent can be told from the machine's own drift.
 * On a shared machine the HTTP ceiling moves by a factor of two within minutes (docs/benchmarks.md,
 * "Limits of the method"), and runs taken one after the other differ by more than such a change; two
 * processes running at once see the same machine. Two processes of the same build agree within about
 * 1 % (`--a-flags` and `--b-flags` the same).
 *
 * Each side is one `hookline start` on a fresh SQLite data dir with its own receiver process (which
 * verifies every signature), fed by this process at a fixed rate below what the machine keeps up with:
 * batches of 100 events, or single events. A warm-up (8 s unless told) is left out; then CPU, deliveries
 * received, claims and peak RSS are read over the measured seconds. The sides start in turn A-first
 * and B-first from one round to the next.
 *
 *   node --import tsx scripts/side-by-side.ts [--a-flags="<node flags>"] [--b-flags="<node flags>"]
 *     [--a-dir <checkout>] [--b-dir <checkout>] [--mode batch|single] [--rate 2500] [--fan-out 1]
 *     [--seconds 20] [--warm-up 8] [--rounds 3]
 *
 * Flags default to those of `npm start`. For two builds, check one out beside this one
 * (`git worktree add ../before <commit> && ln -s "$PWD/node_modules" ../before/node_modules`) and pass
 * it as `--a-dir ../before`. `--rate` is deliveries per second for each side.
 */
import { parseArgs } from 'node:util';
import { benchEvent, benchRunId } from '../bench/bench-event.ts';
import { receiverPaths, setUpAccount } from '../bench/fixture.ts';
import { HooklineClient } from '../bench/hookline-client.ts';
import {
  freshDataDir,
  type HooklineProcess,
  NODE_FLAGS,
  removeDataDir,
  startHookline,
} from '../bench/hookline-process.ts';
import { killAllChildren } from '../bench/process-registry.ts';
import { type ReceiverProcess, startReceiverProcess } from '../bench/receiver-control.ts';
import { median } from '../bench/stats.ts';

const { values } = parseArgs({
  options: {
    'a-flags': { type: 'string', default: NODE_FLAGS.join(' ') },
    'b-flags': { type: 'string', default: NODE_FLAGS.join(' ') },
    'a-dir': { type: 'string' },
    'b-dir': { type: 'string' },
    mode: { type: 'string', default: 'batch' },
    rate: { type: 'string', default: '2500' },
    'fan-out': { type: 'string', default: '1' },
    seconds: { type: 'string', default: '20' },
    'warm-up': { type: 'string', default: '8' },
    rounds: { type: 'string', default: '3' },
  },
});
if (values.mode !== 'batch' && values.mode !== 'single') {
  console.error(`--mode: batch or single, not ${values.mode}`);
  process.exit(2);
}
const single = values.mode === 'single';
const rate = Number(values.rate);
const fanOut = Number(values['fan-out']);
const measuredMs = Number(values.seconds) * 1000;
const warmUpMs = Number(values['warm-up']) * 1000;
const rounds = Number(values.rounds);
const BATCH_SIZE = 100;
const TICK_MS = 10;
const TYPE = 'bench.side';

/** One side as configured. */
interface SideSpec {
  readonly label: 'A' | 'B';
  readonly flags: readonly string[];
  readonly dir: string | undefined;
}

/** One side while it runs. */
interface Side {
  readonly spec: SideSpec;
  readonly hookline: HooklineProcess;
  readonly receiver: ReceiverProcess;
  readonly client: HooklineClient;
  readonly accountId: string;
  readonly dataDir: string;
  readonly runId: string;
  /** Events published so far. */
  published: number;
}

/** What one side did over the measured seconds. */
interface SideResult {
  readonly deliveriesPerSecond: number;
  readonly cpuMicrosPerDelivery: number;
  readonly claimsPerSecond: number;
  readonly peakRssMb: number;
}

const specs: readonly SideSpec[] = [
  { label: 'A', flags: words(values['a-flags']), dir: values['a-dir'] },
  { label: 'B', flags: words(values['b-flags']), dir: values['b-dir'] },
];

function words(text: string): string[] {
  return text.split(/\s+/).filter(Boolean);
}

async function startSide(spec: SideSpec): Promise<Side> {
  const dataDir = freshDataDir(`side-${spec.label}`);
  const receiver = await startReceiverProcess();
  const hookline = await startHookline({
    dataDir,
    name: `hookline ${spec.label}`,
    nodeFlags: spec.flags,
    ...(spec.dir === undefined ? {} : { repoRoot: spec.dir }),
  });
  const client = new HooklineClient(hookline.baseUrl);
  const accountId = await setUpAccount(client, {
    label: `side ${spec.label}`,
    receiver,
    endpoints: receiverPaths(fanOut).map((path) => ({ path, mode: 'ok' as const, eventTypes: [TYPE] })),
  });
  return {
    spec,
    hookline,
    receiver,
    client,
    accountId,
    dataDir,
    runId: benchRunId(spec.label),
    published: 0,
  };
}

async function stopSide(side: Side): Promise<void> {
  await side.client.close();
  await side.hookline.stop();
  await side.receiver.stop();
  removeDataDir(side.dataDir);
}

/**
 * Publishes to every side at `rate` deliveries a second (open loop, in ticks of 10 ms), until stopped.
 * A request that fails is not retried: what was delivered is what is counted.
 */
function publishSteadily(sides: readonly Side[]): () => void {
  const eventsPerSecond = rate / fanOut;
  const started = performance.now();
  const timer = setInterval(() => {
    const owed = Math.floor(((performance.now() - started) * eventsPerSecond) / 1000);
    for (const side of sides) {
      if (single) {
        for (; side.published < owed; side.published++) {
          void side.client
            .publish(side.accountId, benchEvent(side.runId, side.published, TYPE))
            .catch(() => {});
        }
        continue;
      }
      while (owed - side.published >= BATCH_SIZE) {
        const first = side.published;
        const batch = Array.from({ length: BATCH_SIZE }, (_, i) => benchEvent(side.runId, first + i, TYPE));
        side.published += BATCH_SIZE;
        void side.client.publishBatch(side.accountId, batch).catch(() => {});
      }
    }
  }, TICK_MS);
  return () => clearInterval(timer);
}

/** `hookline_claims_total` of a side's `/metrics`. */
async function claims(side: Side): Promise<number> {
  const match = /^hookline_claims_total(?:\{[^}]*\})?\s+(\S+)/m.exec(await side.client.metrics());
  return match ? Number(match[1]) : Number.NaN;
}

async function readings(side: Side): Promise<{ received: number; cpu: number; claims: number }> {
  side.hookline.sampler.sample();
  return {
    received: (await side.receiver.stats()).received,
    cpu: side.hookline.sampler.lastCpuSeconds,
    claims: await claims(side),
  };
}

async function round(n: number): Promise<SideResult[]> {
  // A-first in odd rounds, B-first in even ones: neither always gets the warmer machine.
  const order = n % 2 === 1 ? specs : [...specs].reverse();
  const sides: Side[] = [];
  try {
    for (const spec of order) sides.push(await startSide(spec));
    const stop = publishSteadily(sides);
    await new Promise((resolve) => setTimeout(resolve, warmUpMs));
    for (const side of sides) side.hookline.sampler.resetPeak();
    const before = await Promise.all(sides.map(readings));
    await new Promise((resolve) => setTimeout(resolve, measuredMs));
    const after = await Promise.all(sides.map(readings));
    stop();
    const results = sides.map((side, i): SideResult => {
      const delivered = after[i]!.received - before[i]!.received;
      return {
        deliveriesPerSecond: (delivered * 1000) / measuredMs,
        cpuMicrosPerDelivery: ((after[i]!.cpu - before[i]!.cpu) * 1e6) / delivered,
        claimsPerSecond: ((after[i]!.claims - before[i]!.claims) * 1000) / measuredMs,
        peakRssMb: side.hookline.sampler.maxRssBytes / 2 ** 20,
      };
    });
    // Back in A, B order.
    return specs.map((spec) => results[sides.findIndex((side) => side.spec === spec)]!);
  } finally {
    for (const side of sides) await stopSide(side);
  }
}

function describe(result: SideResult): string {
  return (
    `${result.cpuMicrosPerDelivery.toFixed(1)} µs CPU per delivery, ` +
    `${Math.round(result.deliveriesPerSecond)} deliveries/s, ${Math.round(result.claimsPerSecond)} claims/s, ` +
    `peak RSS ${result.peakRssMb.toFixed(0)} MB`
  );
}

console.log(
  `${values.mode}, ${rate} deliveries/s to each side, fan-out ${fanOut}; ${values.seconds} s measured ` +
    `after ${values['warm-up']} s of warm-up`,
);
for (const spec of specs) {
  console.log(`  ${spec.label}: ${spec.dir ?? '.'} node ${spec.flags.join(' ')}`);
}
const ratios: number[] = [];
try {
  for (let n = 1; n <= rounds; n++) {
    const [a, b] = await round(n);
    ratios.push(b!.cpuMicrosPerDelivery / a!.cpuMicrosPerDelivery);
    console.log(
      `round ${n}:\n  A: ${describe(a!)}\n  B: ${describe(b!)}\n  B ÷ A CPU per delivery: ${ratios.at(-1)!.toFixed(3)}`,
    );
  }
  console.log(`median of B ÷ A CPU per delivery over ${rounds} rounds: ${median(ratios).toFixed(3)}`);
} finally {
  await killAllChildren();
}
process.exit(0);
