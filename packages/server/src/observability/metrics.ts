/**
 * Prometheus metrics on `/metrics`. One registry per server instance (tests run several servers in
 * one process, so the global default registry would mix them).
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** Counters of this process since it started, as `/metrics` exposes them. */
export interface CounterTotals {
  readonly eventsPublished: number;
  readonly deliveriesCreated: number;
  readonly attemptsSucceeded: number;
  /** Attempts with any other outcome: retried, failed for good, or answered 410 Gone. */
  readonly attemptsFailed: number;
}

/** The metrics Hookline exports. */
export class Metrics {
  readonly registry = new Registry();

  readonly eventsPublished = new Counter({
    name: 'hookline_events_published_total',
    help: 'Events accepted (idempotent replays not counted).',
    registers: [this.registry],
  });

  readonly deliveriesCreated = new Counter({
    name: 'hookline_deliveries_created_total',
    help: 'Deliveries created by publishing.',
    registers: [this.registry],
  });

  readonly deliveriesSucceeded = new Counter({
    name: 'hookline_deliveries_succeeded_total',
    help: 'Deliveries that got a 2xx.',
    registers: [this.registry],
  });

  readonly deliveriesFailed = new Counter({
    name: 'hookline_deliveries_failed_total',
    help: 'Deliveries that used up the retry schedule.',
    registers: [this.registry],
  });

  readonly attempts = new Counter({
    name: 'hookline_attempts_total',
    help: 'HTTP attempts by outcome (succeeded, retry, failed, gone).',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  // Buckets from 5 ms (a receiver on the same network) to the 15 s default deadline.
  readonly attemptDuration = new Histogram({
    name: 'hookline_attempt_duration_seconds',
    help: 'Duration of HTTP attempts, connect to end of the (capped) body.',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30],
    registers: [this.registry],
  });

  readonly rateLimited = new Counter({
    name: 'hookline_api_rate_limited_total',
    help: 'API requests refused with 429 rate_limited, by the limit that refused them (api-key, account, admin).',
    labelNames: ['policy'] as const,
    registers: [this.registry],
  });

  readonly claims = new Counter({
    name: 'hookline_claims_total',
    help: 'Claim queries run by the delivery engine.',
    registers: [this.registry],
  });

  readonly claimed = new Counter({
    name: 'hookline_claimed_deliveries_total',
    help: 'Deliveries claimed, by what happened to the claim (queued, deferred: the endpoint had no room, cancelled: the endpoint is gone).',
    labelNames: ['fate'] as const,
    registers: [this.registry],
  });

  readonly pruned = new Counter({
    name: 'hookline_pruned_total',
    help: 'Rows deleted by the pruner past their retention, by kind (events, deliveries, attempts, audit_entries).',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });

  // A step holds the database (and on SQLite the event loop) for its duration; it aims at 4 ms.
  readonly pruneStepDuration = new Histogram({
    name: 'hookline_prune_step_duration_seconds',
    help: 'Duration of each pruning step: one transaction deleting a batch of one account’s events or audit entries.',
    buckets: [0.001, 0.002, 0.004, 0.008, 0.016, 0.032, 0.064, 0.128, 0.5],
    registers: [this.registry],
  });

  readonly inFlight = new Gauge({
    name: 'hookline_attempts_in_flight',
    help: 'Attempts this process has in flight.',
    registers: [this.registry],
  });

  /**
   * The counters' values now, read from the same counters as `/metrics`, so an overview and a scrape
   * never disagree and nothing is counted twice.
   */
  async totals(): Promise<CounterTotals> {
    const [events, deliveries, attempts] = await Promise.all([
      this.eventsPublished.get(),
      this.deliveriesCreated.get(),
      this.attempts.get(),
    ]);
    let attemptsSucceeded = 0;
    let attemptsFailed = 0;
    for (const { labels, value } of attempts.values) {
      if (labels.outcome === 'succeeded') attemptsSucceeded += value;
      else attemptsFailed += value;
    }
    return {
      eventsPublished: events.values[0]?.value ?? 0,
      deliveriesCreated: deliveries.values[0]?.value ?? 0,
      attemptsSucceeded,
      attemptsFailed,
    };
  }

  /** @param queueDepth read at scrape time, so it costs nothing between scrapes. */
  constructor(queueDepth: () => Promise<{ pending: number; sending: number }>) {
    collectDefaultMetrics({ register: this.registry, prefix: 'hookline_process_' });
    new Gauge({
      name: 'hookline_queue_depth',
      help: 'Live deliveries in the database by state (pending: waiting or scheduled; sending: leased).',
      labelNames: ['state'] as const,
      registers: [this.registry],
      async collect() {
        const depth = await queueDepth();
        this.set({ state: 'pending' }, depth.pending);
        this.set({ state: 'sending' }, depth.sending);
      },
    });
  }
}
