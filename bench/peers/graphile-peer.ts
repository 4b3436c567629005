/**
 * The graphile-worker peer: a webhook sender written the way graphile-worker's documentation
 * recommends, in one process (as Hookline's `--role all`): the API (`peer-api.ts`) adds one job per
 * delivery with `addJobs` (one `add_jobs` statement, its own transaction) and answers 202 once it has
 * committed (PostgreSQL's durable defaults: the commit is on disk); `run()` executes them with a tuned
 * `concurrentJobs`, the local queue (`localQueue.size`: jobs fetched in batches and handed out in this
 * process) and batched completions (`completeJobBatchDelay` and `failJobBatchDelay` at 0), the settings
 * the documentation's performance page recommends for a high-throughput queue. Each job sends one
 * signed webhook (`webhook-sender.ts`); a failed attempt throws and graphile-worker retries it with its
 * built-in exponential backoff, up to `maxAttempts`. Fan-out to N endpoints is N jobs, so each
 * endpoint's delivery is retried on its own. Completed jobs are deleted (graphile-worker always does).
 *
 * Settings (environment): `PORT`, `PEER_TOKEN`, `DATABASE_URL`, `PEER_CONCURRENCY`,
 * `PEER_LOCAL_QUEUE_SIZE`.
 */
import { Logger, makeWorkerUtils, run, type Task } from 'graphile-worker';
import { type DeliveryJob, EndpointRegistry, intFromEnv, startPeerApi } from './peer-api.ts';
import { WebhookSender } from './webhook-sender.ts';

const TASK = 'deliver';
/** Attempts per delivery: Hookline's ten (the first and nine retries). */
const MAX_ATTEMPTS = 10;

const port = intFromEnv('PORT');
const concurrentJobs = intFromEnv('PEER_CONCURRENCY', 32);
const localQueueSize = intFromEnv('PEER_LOCAL_QUEUE_SIZE', 500);
const connectionString = process.env['DATABASE_URL'];
if (!connectionString) throw new Error('DATABASE_URL is required');

// Warnings and errors only: the info lines (a worker started, a job failed and will be retried) would
// be the bench's output.
const logger = new Logger(() => (level, message) => {
  if (level === 'error' || level === 'warning')
    process.stderr.write(`graphile-worker ${level}: ${message}\n`);
});

const registry = new EndpointRegistry();
const sender = new WebhookSender();

const deliver: Task = async (payload) => {
  const job = payload as DeliveryJob;
  const endpoint = registry.endpoint(job.endpointId);
  // An endpoint deleted meanwhile: nothing to send (the bench never deletes one).
  if (!endpoint) return;
  await sender.send(endpoint, job.msgId, job.body);
};

const preset: GraphileConfig.Preset = {
  worker: {
    connectionString,
    concurrentJobs,
    // The documentation: "10 or concurrentJobs + 2, whichever is larger".
    maxPoolSize: Math.max(10, concurrentJobs + 2),
    pollInterval: 2_000,
    localQueue: { size: localQueueSize },
    completeJobBatchDelay: 0,
    failJobBatchDelay: 0,
    logger,
  },
};

// The publishing side has its own pool, as an application's API would.
const utils = await makeWorkerUtils({ preset });
await utils.migrate();
const runner = await run({ preset, taskList: { [TASK]: deliver }, noHandleSignals: true });

const server = await startPeerApi({
  port,
  token: process.env['PEER_TOKEN'] ?? '',
  registry,
  enqueue: async (jobs: readonly DeliveryJob[]) => {
    await utils.addJobs(jobs.map((job) => ({ identifier: TASK, payload: job, maxAttempts: MAX_ATTEMPTS })));
  },
});

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  server.close();
  // graphile-worker's graceful shutdown: running jobs finish, batched completions are written.
  await runner.stop();
  await utils.release();
  await sender.close();
  process.exit(0);
}
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
