import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type Clock, OpenLoopSchedule, runClosedLoop, runOpenLoop } from './load.ts';

/**
 * Virtual time: `sleep` registers a timer, and `run` fires the earliest timer whenever everything else
 * has settled, so a schedule plays out exactly and instantly.
 */
class FakeClock implements Clock {
  private t = 0;
  private timers: { at: number; resolve: () => void }[] = [];

  now(): number {
    return this.t;
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.timers.push({ at: this.t + Math.max(0, ms), resolve }));
  }

  /** The generator being busy (CPU taken): time passes without any timer firing. */
  block(ms: number): void {
    this.t += ms;
  }

  async run<T>(work: Promise<T>): Promise<T> {
    let done = false;
    void work.finally(() => {
      done = true;
    });
    for (;;) {
      await new Promise((resolve) => setImmediate(resolve));
      if (done) return work;
      this.timers.sort((a, b) => a.at - b.at);
      const next = this.timers.shift();
      if (!next) throw new Error('nothing to wait for: deadlock');
      this.t = Math.max(this.t, next.at);
      next.resolve();
    }
  }
}

describe('OpenLoopSchedule', () => {
  test('request k is due at k / rate', () => {
    const schedule = new OpenLoopSchedule(1_000, 15_000);
    assert.equal(schedule.total, 15_000);
    assert.equal(schedule.offsetMs(0), 0);
    assert.equal(schedule.offsetMs(1), 1);
    assert.equal(schedule.offsetMs(14_999), 14_999);
  });

  test('dueBy counts the requests whose time has come, capped at the total', () => {
    const schedule = new OpenLoopSchedule(80, 1_000); // a batch every 12.5 ms
    assert.equal(schedule.total, 80);
    assert.equal(schedule.dueBy(-1), 0);
    assert.equal(schedule.dueBy(0), 1);
    assert.equal(schedule.dueBy(12.49), 1);
    assert.equal(schedule.dueBy(12.5), 2);
    assert.equal(schedule.dueBy(999), 80);
    assert.equal(schedule.dueBy(10_000), 80);
  });

  test('floating-point steps do not drop a request at its exact time', () => {
    const schedule = new OpenLoopSchedule(3, 1_000);
    assert.equal(schedule.dueBy(schedule.offsetMs(2)), 3);
  });

  test('rejects a rate that is not positive', () => {
    assert.throws(() => new OpenLoopSchedule(0, 1_000), RangeError);
  });
});

describe('runOpenLoop', () => {
  test('sends on the schedule whether or not earlier requests were answered', async () => {
    const clock = new FakeClock();
    const sentAt: number[] = [];
    const result = await clock.run(
      runOpenLoop({
        ratePerSecond: 100,
        durationMs: 100,
        clock,
        send: async () => {
          sentAt.push(clock.now());
          await clock.sleep(35); // slower than the 10 ms interval: answers overlap
          return true;
        },
      }),
    );
    assert.deepEqual(sentAt, [0, 10, 20, 30, 40, 50, 60, 70, 80, 90]);
    assert.equal(result.succeeded, 10);
    assert.equal(result.maxOutstanding, 4);
    assert.equal(result.latency.percentile(1), 35);
    assert.equal(result.elapsedMs, 125);
    assert.equal(result.lateness.percentile(1), 0);
  });

  test('latency counts from the scheduled time when the generator falls behind', async () => {
    const clock = new FakeClock();
    const result = await clock.run(
      runOpenLoop({
        ratePerSecond: 100,
        durationMs: 50,
        clock,
        send: async (k) => {
          // The generator is blocked 25 ms while sending request 0: requests 1 and 2 (due at 10 and
          // 20) leave at 25.
          if (k === 0) clock.block(25);
          await clock.sleep(5);
          return true;
        },
      }),
    );
    assert.equal(result.succeeded, 5);
    // Request 0: sent at 0, answered at 30 → 30 ms; request 1: due 10, answered 30 → 20 ms;
    // request 2: due 20 → 10 ms; requests 3 and 4 on time → 5 ms.
    assert.equal(result.latency.percentile(1), 30);
    assert.equal(result.latency.percentile(0.6), 10);
    assert.equal(result.latency.percentile(0.4), 5);
    assert.equal(result.lateness.percentile(1), 15);
  });

  test('failures are counted, and held requests are skipped rather than sent late', async () => {
    const clock = new FakeClock();
    const sent: number[] = [];
    const result = await clock.run(
      runOpenLoop({
        ratePerSecond: 1_000,
        durationMs: 10,
        clock,
        hold: () => clock.now() >= 3 && clock.now() < 6,
        send: async (k) => {
          sent.push(k);
          if (k === 9) throw new Error('connection reset');
          return k !== 8;
        },
      }),
    );
    assert.deepEqual(sent, [0, 1, 2, 6, 7, 8, 9]);
    assert.equal(result.skipped, 3);
    assert.equal(result.succeeded, 5);
    assert.equal(result.errors, 2);
  });
});

describe('runClosedLoop', () => {
  test('each client sends its next request when the previous one is answered', async () => {
    const clock = new FakeClock();
    const numbers: number[] = [];
    const result = await clock.run(
      runClosedLoop({
        clients: 2,
        durationMs: 100,
        clock,
        send: async (k) => {
          numbers.push(k);
          await clock.sleep(10);
          return true;
        },
      }),
    );
    assert.equal(result.succeeded, 20);
    assert.deepEqual(
      numbers,
      Array.from({ length: 20 }, (_, i) => i),
    );
    assert.equal(result.latency.percentile(0.5), 10);
    assert.equal(result.elapsedMs, 100);
  });
});
