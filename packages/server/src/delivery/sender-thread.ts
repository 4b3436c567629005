/**
 * The body of the sending thread (see `threaded-sender.ts`): receives batches of attempts, sends each
 * through its own guarded agent and {@link HttpSender}, and posts the outcomes back in batches (all
 * that ended in one turn of the event loop travel in one message).
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { SendOutcome } from '../domain/send-outcome.ts';
import { HttpSender } from './http-sender.ts';
import { SsrfGuard } from './ssrf-guard.ts';
import type { SenderThreadSettings, ThreadCommand } from './threaded-sender.ts';

const port = parentPort;
if (port === null) throw new Error('sender-thread.ts runs as a worker thread only');
const settings = workerData as SenderThreadSettings;
const agent = new SsrfGuard({ allow: settings.allowTargets }).createAgent({
  connections: settings.connections,
});
const sender = new HttpSender({ dispatcher: agent, maxResponseBodyBytes: settings.maxResponseBodyBytes });

// Flat pairs: id, outcome, id, outcome, … (`undefined`: taken back unsent)
let done: (number | SendOutcome | undefined)[] = [];
let postQueued = false;

function post(): void {
  postQueued = false;
  const batch = done;
  done = [];
  port?.postMessage(batch);
}

port.on('message', (command: ThreadCommand) => {
  if ('withdraw' in command) {
    sender.withdraw(command.withdraw);
    return;
  }
  for (const job of command) {
    void sender.send(job).then((outcome) => {
      done.push(job.id, outcome);
      if (!postQueued) {
        postQueued = true;
        setImmediate(post);
      }
    });
  }
});
