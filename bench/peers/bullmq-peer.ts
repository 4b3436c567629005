/**
 * The BullMQ peer: a webhook sender written the way BullMQ's documentation recommends, in one process
 * (as Hookline's `--role all`): the API (`peer-api.ts`) adds one job per delivery with `Queue.add` or
 * `Queue.addBulk` and answers 202 once Redis has answered (with `appendonly yes` the write is in the
 * AOF; fsynced before the answer with `appendfsync always`, within a second with `everysec`); a
 * `Worker` with a high `concurrency` (the jobs are I/O bound) sends each job signed
 * (`webhook-sender.ts`), and a failed attempt is retried by BullMQ (`attempts` with exponential
 * `backoff`). Fan-out to N endpoints is N jobs, so each endpoint's delivery is retried on its own.
 * Each job's id is its `webhook-id` (event and endpoint), so a publish sent twice adds nothing
 * (BullMQ's documented deduplication by job id). Completed jobs are removed (`removeOnComplete`), as
 * the production guide advises, so Redis holds the backlog only.
 *
 * Settings (environment): `PORT`, `PEER_TOKEN`, `REDIS_PORT`, `PEER_CONCURRENCY`.
 */
import { Queue, Worker } from 'bullmq';
import { type DeliveryJob, EndpointRegistry, intFromEnv, startPeerApi } from './peer-api.ts';
import { WebhookSender } from './webhook-sender.ts';

const QUEUE_NAME = 'webhooks';
const JOB_NAME = 'deliver';

const port = intFromEnv('PORT');
const concurrency = intFromEnv('PEER_CONCURRENCY', 100);
const connection = { host: '127.0.0.1', port: intFromEnv('REDIS_PORT') };

const registry = new EndpointRegistry();
const sender = new WebhookSender();

const queue = new Queue<DeliveryJob>(QUEUE_NAME, {
  // Fail a publish at once rather than queue it in memory while Redis is away: the 202 means stored.
  connection: { ...connection, enableOfflineQueue: false },
  defaultJobOptions: {
    attempts: 10,
    backoff: { type: 'exponential', delay: 5_000 },
    removeOnComplete: true,
    removeOnFail: { age: 7 * 24 * 3600 },
  },
});

const worker = new Worker<DeliveryJob>(
  QUEUE_NAME,
  async (job) => {
    const endpoint = registry.endpoint(job.data.endpointId);
    // An endpoint deleted meanwhile: nothing to send (the bench never deletes one).
    if (!endpoint) return;
    await sender.send(endpoint, job.data.msgId, job.data.body);
  },
  // Workers block on Redis; BullMQ requires maxRetriesPerRequest: null for their connection.
  { connection: { ...connection, maxRetriesPerRequest: null }, concurrency },
);
// Without a listener an 'error' event would end the process; a failed attempt is not an error here.
worker.on('error', (error) => process.stderr.write(`bullmq worker: ${error.message}\n`));

await queue.waitUntilReady();
await worker.waitUntilReady();

const server = await startPeerApi({
  port,
  token: process.env['PEER_TOKEN'] ?? '',
  registry,
  enqueue: async (jobs) => {
    if (jobs.length === 1) {
      const job = jobs[0]!;
      await queue.add(JOB_NAME, job, { jobId: job.msgId });
      return;
    }
    await queue.addBulk(jobs.map((job) => ({ name: JOB_NAME, data: job, opts: { jobId: job.msgId } })));
  },
});

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  server.close();
  // BullMQ's graceful shutdown: the worker finishes the jobs it holds, then the connections close.
  await worker.close();
  await queue.close();
  await sender.close();
  process.exit(0);
}
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
