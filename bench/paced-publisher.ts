/**
 * Publishing at an offered rate, open loop, in batches (or single events), numbering events as they
 * are sent and remembering which numbers Hookline accepted.
 *
 * Optionally the backlog is bounded: a request that falls due while more than `seconds` worth of
 * deliveries (at the rate the receivers currently see) are still undelivered is skipped. The server
 * then always has work queued, so the delivered rate is its sustained capacity, yet a server slower
 * than the offered rate cannot stretch the run by minutes of draining. Skipped requests are counted.
 */
import { type BenchEvent, benchEvent } from './bench-event.ts';
import type { HooklineClient } from './hookline-client.ts';
import { SeqRanges } from './ledger.ts';
import { type LoadResult, runOpenLoop } from './load.ts';
import type { ReceiverProcess } from './receiver-control.ts';

/** A bound on undelivered work, see the module comment. */
export interface BacklogBound {
  readonly receiver: ReceiverProcess;
  /** Deliveries each event makes (the fan-out). */
  readonly deliveriesPerEvent: number;
  /** Seconds of delivery at the observed rate that may wait undelivered. */
  readonly seconds: number;
  /** Events that may always wait, before any rate is known. */
  readonly minEvents: number;
}

/** What to publish. */
export interface PublishPlan {
  readonly client: HooklineClient;
  readonly accountId: string;
  readonly runId: string;
  readonly eventsPerSecond: number;
  /** Events per request; 1 publishes with `POST …/events`, more with `POST …/events/batch`. */
  readonly batchSize: number;
  readonly durationMs: number;
  /** The number of the first event (0 unless given): a warm-up numbers its events apart. */
  readonly firstSeq?: number;
  /** The event type of event `seq`. */
  readonly typeOf: (seq: number) => string;
  readonly backlog?: BacklogBound;
  /** Called about every second with the events accepted so far. */
  readonly onProgress?: (acceptedEvents: number, elapsedMs: number) => void;
}

/** What was published. */
export interface PublishOutcome {
  /** Sequence numbers of the events Hookline accepted. */
  readonly accepted: SeqRanges;
  /** Events whose requests were skipped by the backlog bound. */
  readonly skippedEvents: number;
  /** Events in requests Hookline refused or that failed. */
  readonly failedEvents: number;
  /** Epoch ms of the first scheduled request and of the last answer. */
  readonly startedAt: number;
  readonly endedAt: number;
  /** Acknowledgement latency per request, from its scheduled time. */
  readonly load: LoadResult;
}

/** Publishes according to `plan`. */
export async function publishPaced(plan: PublishPlan): Promise<PublishOutcome> {
  const accepted = new SeqRanges();
  const firstSeq = plan.firstSeq ?? 0;
  let nextSeq = firstSeq;
  let failedEvents = 0;
  const bound = plan.backlog ? new BacklogTracker(plan.backlog) : undefined;
  let lastProgressAt = 0;
  const startedAt = performance.timeOrigin + performance.now();
  bound?.start();
  try {
    const load = await runOpenLoop({
      ratePerSecond: plan.eventsPerSecond / plan.batchSize,
      durationMs: plan.durationMs,
      ...(bound ? { hold: () => bound.full(nextSeq - firstSeq) } : {}),
      onTick: (elapsedMs) => {
        if (elapsedMs - lastProgressAt < 1_000) return;
        lastProgressAt = elapsedMs;
        plan.onProgress?.(accepted.size, elapsedMs);
      },
      send: async () => {
        const first = nextSeq;
        nextSeq += plan.batchSize;
        const sentAt = performance.timeOrigin + performance.now();
        const events: BenchEvent[] = [];
        for (let seq = first; seq < first + plan.batchSize; seq++) {
          events.push(benchEvent(plan.runId, seq, plan.typeOf(seq), sentAt));
        }
        let ok = false;
        try {
          ok =
            plan.batchSize === 1
              ? await plan.client.publish(plan.accountId, events[0]!)
              : await plan.client.publishBatch(plan.accountId, events);
        } finally {
          if (ok) accepted.add(first, first + plan.batchSize);
          else failedEvents += plan.batchSize;
        }
        return ok;
      },
    });
    return {
      accepted,
      skippedEvents: load.skipped * plan.batchSize,
      failedEvents,
      startedAt,
      endedAt: startedAt + load.elapsedMs,
      load,
    };
  } finally {
    bound?.stop();
  }
}

/** Follows how many deliveries the receiver has seen and how fast, polling every 250 ms. */
class BacklogTracker {
  private deliveredEvents = 0;
  private ratePerSecond = 0;
  private readonly history: { at: number; received: number }[] = [];
  private timer: NodeJS.Timeout | undefined;
  private polling = false;

  constructor(private readonly bound: BacklogBound) {}

  start(): void {
    this.timer = setInterval(() => void this.poll(), 250);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Whether publishing up to `publishedEvents` leaves too much undelivered. */
  full(publishedEvents: number): boolean {
    const allowed = Math.max(this.bound.minEvents, this.ratePerSecond * this.bound.seconds);
    return publishedEvents - this.deliveredEvents > allowed;
  }

  private async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      const stats = await this.bound.receiver.stats();
      const at = performance.now();
      this.history.push({ at, received: stats.received });
      // The rate over the last two seconds: recent enough to follow the server, long enough to be steady.
      while (this.history.length > 1 && at - this.history[0]!.at > 2_000) this.history.shift();
      const oldest = this.history[0]!;
      const events = stats.received / this.bound.deliveriesPerEvent;
      if (at > oldest.at) {
        this.ratePerSecond =
          ((stats.received - oldest.received) / this.bound.deliveriesPerEvent / (at - oldest.at)) * 1000;
      }
      this.deliveredEvents = events;
    } catch {
      // The receiver answers again at the next poll.
    } finally {
      this.polling = false;
    }
  }
}
