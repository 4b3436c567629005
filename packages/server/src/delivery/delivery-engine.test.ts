// The engine's rules that no HTTP test can reach on time: with a store and a sender of its own and a
// clock the test moves, a claim that could outlive its lease is never sent, and an endpoint is handed
// no more claims than it can hold (the rest go back to the database, deferred).
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import type { SendOutcome } from '../domain/send-outcome.ts';
import { createLogger } from '../observability/logger.ts';
import { Metrics } from '../observability/metrics.ts';
import { endpointRecord } from '../store/store.contract.ts';
import type {
  AccountRecord,
  AttemptResult,
  ClaimedDelivery,
  ClaimRequest,
  EndpointRecord,
  Store,
} from '../store/store.ts';
import { DeliveryEngine, type Sender } from './delivery-engine.ts';
import type { SendRequest } from './http-sender.ts';

const T0 = 1_800_000_000_000;
const TIMEOUT_MS = 1_000;
// The engine's lease: twice the deadline plus 30 s.
const LEASE_MS = 2 * TIMEOUT_MS + 30_000;

function claimOf(n: number, endpoint: EndpointRecord): ClaimedDelivery {
  return {
    id: `dlv_${endpoint.id}_${n}`,
    accountId: endpoint.accountId,
    endpointId: endpoint.id,
    url: endpoint.urls[0] as string,
    lineId: null,
    eventId: `evt_${n}`,
    eventType: 'shop.order.paid',
    dataJson: `{"n":${n}}`,
    occurredAt: T0,
    attemptCount: 0,
    scheduleStart: 0,
    lease: 1,
    orderingKey: null,
  };
}

/** The store methods the engine calls, over claims the test hands out once. */
class FakeStore {
  waiting: ClaimedDelivery[] = [];
  readonly released: { id: string; dueAt: number }[] = [];
  readonly recorded: AttemptResult[] = [];

  constructor(private readonly endpoints: readonly EndpointRecord[]) {}

  async registerWorker(workerId: string): Promise<string[]> {
    return [workerId];
  }
  async unregisterWorker(): Promise<void> {}
  /** The room each claim gave the accounts the engine listed. */
  readonly rooms: ReadonlyMap<string, number>[] = [];
  async claimDue(request: ClaimRequest): Promise<ClaimedDelivery[]> {
    this.rooms.push(request.accountRoom ?? new Map());
    return this.waiting.splice(0, request.limit);
  }
  async getEndpointsByIds(ids: readonly string[]): Promise<EndpointRecord[]> {
    return this.endpoints.filter((e) => ids.includes(e.id));
  }
  async getAccountsByIds(): Promise<AccountRecord[]> {
    return [];
  }
  async releaseClaims(claims: readonly ClaimedDelivery[], dueAt: number): Promise<void> {
    for (const claim of claims) this.released.push({ id: claim.id, dueAt });
  }
  async cancelClaims(): Promise<void> {}
  async recordAttempts(results: readonly AttemptResult[]): Promise<void> {
    this.recorded.push(...results);
  }
  async nextDueAt(): Promise<number | undefined> {
    return undefined;
  }
  onDue(): () => void {
    return () => {};
  }
  onEndpointChanged(): () => void {
    return () => {};
  }
}

/** A sender whose requests end when the test says. */
class HeldSender implements Sender {
  readonly sent: { request: SendRequest; answer: (outcome: SendOutcome) => void }[] = [];
  private readonly answered = new Set<(typeof this.sent)[number]>();

  send(request: SendRequest): Promise<SendOutcome | undefined> {
    return new Promise((resolve) => this.sent.push({ request, answer: resolve }));
  }

  answerAll(): void {
    this.answerWhere(() => true);
  }

  /** Answers 200, after `durationMs`, to the requests held whose URL passes `which` (the first only with `once`). */
  answerWhere(which: (url: string) => boolean, durationMs = 5, once = false): void {
    for (const held of this.sent) {
      if (this.answered.has(held) || !which(held.request.url)) continue;
      this.answered.add(held);
      held.answer({
        kind: 'response',
        statusCode: 200,
        durationMs,
        body: '',
        bodyTruncated: false,
        headersJson: '{}',
        retryAfter: undefined,
      });
      if (once) return;
    }
  }
}

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A pause long enough for the engine to act on what just happened (its timers are real). */
const settle = () => new Promise((resolve) => setTimeout(resolve, 60));

describe('DeliveryEngine', () => {
  const engines: DeliveryEngine[] = [];
  afterEach(async () => {
    for (const engine of engines.splice(0)) await engine.stop(0);
  });

  function engineFor(
    store: FakeStore,
    sender: Sender,
    clock: { now: number },
    endpointConcurrency: number,
    accountConcurrency = 64,
    metrics = new Metrics(async () => ({ pending: 0, sending: 0 })),
  ) {
    const engine = new DeliveryEngine({
      store: store as unknown as Store,
      sender,
      metrics,
      logger: createLogger('silent'),
      newId: (kind) => `${kind}_${Math.random().toString(36).slice(2)}`,
      now: () => clock.now,
      random: () => 0.5,
      retryScheduleMs: [1_000],
      retryAfterMaxMs: 60_000,
      timeoutMs: TIMEOUT_MS,
      workerConcurrency: 64,
      endpointConcurrency,
      accountConcurrency,
      claimBatchSize: 16,
      pollIntervalMs: 10,
      userAgent: 'Hookline/test',
      loggedRequestBodyBytes: 1_024,
      workerId: 'wrk_test',
    });
    engines.push(engine);
    return engine;
  }

  for (const late of [false, true]) {
    test(
      late
        ? 'a queued claim that could no longer end before its lease does is never sent'
        : 'a queued claim still in time is sent when its turn comes',
      async () => {
        // One attempt a second: the second claim waits in the endpoint's queue for its turn.
        const endpoint = endpointRecord('ep_a', { rateLimitPerSecond: 1 });
        const store = new FakeStore([endpoint]);
        store.waiting = [claimOf(1, endpoint), claimOf(2, endpoint)];
        const sender = new HeldSender();
        const clock = { now: T0 };
        engineFor(store, sender, clock, 2).start();
        await until(() => sender.sent.length === 1, 'the first attempt');
        // The second claim's lease ends at T0 + LEASE_MS. Later than a deadline and a second of margin
        // before that, its attempt could still run when another worker holds the lease.
        clock.now = late ? T0 + LEASE_MS - TIMEOUT_MS - 999 : T0 + LEASE_MS - TIMEOUT_MS - 1_000;
        // Its turn comes a second after the first attempt (real time: the engine's timer).
        await new Promise((resolve) => setTimeout(resolve, 1_200));
        assert.equal(sender.sent.length, late ? 1 : 2);
        assert.deepEqual(store.released, [], 'the claim was neither deferred nor handed back');
        sender.answerAll();
      },
    );
  }

  test('a pause between checking the rate limit and handing the attempt over brings the next start no closer', async () => {
    // Five a second: attempts handed to the sender, and their recorded starts, at least 200 ms apart.
    // The engine's clock follows real time and jumps 7 ms, as a pause of the process would move it,
    // between the first attempt's check against the limit and its hand-over (where the engine counts it
    // in flight).
    const endpoint = endpointRecord('ep_r', { rateLimitPerSecond: 5 });
    const store = new FakeStore([endpoint]);
    store.waiting = [claimOf(1, endpoint), claimOf(2, endpoint)];
    const sender = new HeldSender();
    const began = performance.now();
    let pausedMs = 0;
    const clock = {
      get now() {
        return T0 + Math.floor(performance.now() - began) + pausedMs;
      },
    };
    const metrics = new Metrics(async () => ({ pending: 0, sending: 0 }));
    const gauge = metrics.inFlight;
    const countInFlight = gauge.inc.bind(gauge) as () => void;
    gauge.inc = (() => {
      if (sender.sent.length === 0) pausedMs = 7;
      countInFlight();
    }) as typeof gauge.inc;
    const sentAt: number[] = [];
    const send = sender.send.bind(sender);
    sender.send = (request) => {
      sentAt.push(clock.now);
      return send(request);
    };
    engineFor(store, sender, clock, 4, 64, metrics).start();
    await until(() => sender.sent.length === 2, 'both attempts');
    assert.ok(
      sentAt[1]! - sentAt[0]! >= 200,
      `the two attempts were sent ${sentAt[1]! - sentAt[0]!} ms apart`,
    );
    sender.answerAll();
    await until(() => store.recorded.length === 2, 'both results');
    const [first, second] = store.recorded.map((r) => r.attempt.startedAt).sort((a, b) => a - b);
    assert.ok(second! - first! >= 200, `the two attempts are recorded ${second! - first!} ms apart`);
  });

  test('an endpoint is handed one round of its cap while its latency is unknown; the rest go back, deferred', async () => {
    const endpoint = endpointRecord('ep_b');
    const store = new FakeStore([endpoint]);
    store.waiting = Array.from({ length: 5 }, (_, n) => claimOf(n, endpoint));
    const sender = new HeldSender();
    const clock = { now: T0 };
    engineFor(store, sender, clock, 2).start();
    await until(() => sender.sent.length === 2, 'two attempts');
    await settle();
    assert.equal(sender.sent.length, 2, 'no more than the cap at once');
    assert.deepEqual(
      store.released.map((r) => r.id),
      ['dlv_ep_b_2', 'dlv_ep_b_3', 'dlv_ep_b_4'],
      'what it cannot hold goes back to the database',
    );
    for (const { dueAt } of store.released) assert.ok(dueAt > T0, 'due later, not at once');
    sender.answerAll();
  });

  test('an account holding its part is left out of the next claims until its attempts end', async () => {
    const endpoint = endpointRecord('ep_f');
    const store = new FakeStore([endpoint]);
    store.waiting = Array.from({ length: 2 }, (_, n) => claimOf(n, endpoint));
    const sender = new HeldSender();
    const clock = { now: T0 };
    // A share of 2: both claims in flight are all the account may hold while its latency is unknown.
    engineFor(store, sender, clock, 4, 2).start();
    await until(() => sender.sent.length === 2, 'the share in flight');
    const claimsBefore = store.rooms.length;
    await until(() => store.rooms.length > claimsBefore, 'another claim');
    assert.equal(store.rooms.at(-1)?.get(endpoint.accountId), 0, 'no room for the account');

    sender.answerAll();
    await until(() => store.rooms.at(-1)?.get(endpoint.accountId) !== 0, 'a claim with room for it again');
  });

  test('an account whose claims had to go back gets no room until a recheck has passed', async () => {
    const endpoint = endpointRecord('ep_c');
    const store = new FakeStore([endpoint]);
    store.waiting = [claimOf(0, endpoint)];
    const sender = new HeldSender();
    const clock = { now: T0 };
    // One attempt at a time to the endpoint, four for the account: the account has room the endpoint
    // has not, and its next claims would bring deliveries only to hand them back.
    engineFor(store, sender, clock, 1, 4).start();
    await until(() => sender.sent.length === 1, 'the first attempt');
    store.waiting = [claimOf(1, endpoint), claimOf(2, endpoint)];
    await until(() => store.released.length === 2, 'two claims handed back');
    const claimsBefore = store.rooms.length;
    await until(() => store.rooms.length > claimsBefore + 1, 'two more claims');
    assert.equal(store.rooms.at(-1)?.get(endpoint.accountId), 0, 'no room during the recheck');
    clock.now = T0 + 50;
    await until(() => (store.rooms.at(-1)?.get(endpoint.accountId) ?? 0) > 0, 'room after the recheck');
    sender.answerAll();
  });

  test('an account whose claim brought work for one endpoint keeps its room, though another was full', async () => {
    const full = endpointRecord('ep_full');
    const free = endpointRecord('ep_free');
    const store = new FakeStore([full, free]);
    store.waiting = [claimOf(0, full)];
    const sender = new HeldSender();
    const clock = { now: T0 };
    engineFor(store, sender, clock, 1, 4).start();
    await until(() => sender.sent.length === 1, 'the first attempt');
    store.waiting = [claimOf(1, full), claimOf(2, free)];
    await until(() => sender.sent.length === 2 && store.released.length === 1, 'one handed back, one sent');
    const claimsBefore = store.rooms.length;
    await until(() => store.rooms.length > claimsBefore + 1, 'two more claims');
    assert.ok((store.rooms.at(-1)?.get(full.accountId) ?? 1) > 0, 'the account still has room');
    sender.answerAll();
  });

  test('a stuck endpoint holds nothing queued beyond what it may have in flight', async () => {
    const hanging = endpointRecord('ep_hang');
    const other = endpointRecord('ep_other');
    const store = new FakeStore([hanging, other]);
    const sender = new HeldSender();
    const clock = { now: T0 };
    // An endpoint cap of 4 and an account share of 2: with both endpoints busy, one attempt each.
    engineFor(store, sender, clock, 4, 2).start();
    // The account's latency is known (200 ms: no attempts handed ahead) and it is making progress.
    store.waiting = [claimOf(9, other)];
    await until(() => sender.sent.length === 1, "the other endpoint's first attempt");
    sender.answerWhere((url) => url.endsWith('/ep_other'), 200);
    store.waiting = [
      ...Array.from({ length: 4 }, (_, n) => claimOf(n, hanging)),
      claimOf(10, other),
      claimOf(11, other),
    ];
    await until(() => sender.sent.length === 3, 'one attempt each');
    await settle();
    assert.deepEqual(store.released, [], 'while it is not stuck, the hanging endpoint keeps its queue');
    // Two seconds on, the hanging endpoint has made no progress: stuck. The other answers one and
    // starts its next, so the account as a whole is not stuck and both endpoints stay busy.
    clock.now = T0 + 2_000;
    sender.answerWhere((url) => url.endsWith('/ep_other'), 200, true);
    await until(
      () => store.released.filter((r) => r.id.startsWith('dlv_ep_hang_')).length === 3,
      "the stuck endpoint's queued claims handed back",
    );
    sender.answerAll();
  });

  test("an account over its hold gives back its stuck endpoints' claims for long, a flowing one's for its own turn", async () => {
    const hanging = endpointRecord('ep_h');
    const healthy = endpointRecord('ep_ok');
    const store = new FakeStore([hanging, healthy]);
    store.waiting = Array.from({ length: 4 }, (_, n) => claimOf(n, hanging));
    const sender = new HeldSender();
    const clock = { now: T0 };
    // A share of 2 for the account; its first endpoint's attempts never end.
    engineFor(store, sender, clock, 4, 2).start();
    await until(() => sender.sent.length === 2, 'the hanging endpoint to take the share');
    await settle();
    // Two seconds without an attempt ending: the endpoint, and its account, are stuck.
    clock.now = T0 + 2_000;
    store.waiting = Array.from({ length: 6 }, (_, n) => claimOf(n, healthy));
    await until(() => sender.sent.length === 3, "the healthy endpoint's first attempt");
    await settle();
    const handedBack = store.released.filter((r) => r.id.startsWith('dlv_ep_ok_'));
    assert.ok(handedBack.length > 0, "the account gave some of the healthy endpoint's claims back");
    for (const { id, dueAt } of handedBack) {
      assert.ok(
        dueAt - clock.now <= 100,
        `${id} is due again in ${dueAt - clock.now} ms: the account's wait, not its own turn`,
      );
    }
    sender.answerAll();
  });
});
