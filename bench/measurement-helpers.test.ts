import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseQueueDepth } from './hookline-client.ts';
import { machineBusySeconds } from './machine-load.ts';
import { ticksPerSecond } from './process-sampler.ts';
import { meanRateBetween } from './scenarios/delivery-throughput.ts';

describe('parseQueueDepth', () => {
  test('reads the pending and sending gauges', () => {
    const text = [
      '# HELP hookline_queue_depth Live deliveries in the database by state',
      '# TYPE hookline_queue_depth gauge',
      'hookline_queue_depth{state="pending"} 123',
      'hookline_queue_depth{state="sending"} 45',
    ].join('\n');
    assert.deepEqual(parseQueueDepth(text), { pending: 123, sending: 45 });
    assert.equal(parseQueueDepth('hookline_queue_depth{state="pending"} 1'), undefined);
  });
});

describe('meanRateBetween', () => {
  test('averages the whole seconds inside the window', () => {
    const arrivals = [100, 200, 300, 400, 500];
    // Reset at 1,000: second i covers 1,000 + 1,000·i to 2,000 + 1,000·i, so 2,500–5,000 holds seconds 2 and 3.
    assert.equal(meanRateBetween(arrivals, 1_000, 2_500, 5_000), 350);
    assert.equal(meanRateBetween(arrivals, 1_000, 1_000, 3_000), 150);
    assert.ok(Number.isNaN(meanRateBetween(arrivals, 1_000, 2_500, 3_200)));
  });
});

describe('machineBusySeconds', () => {
  test('adds the busy columns of the cpu line, leaving idle and iowait out', () => {
    const stat = ['cpu  1000 10 300 90000 500 20 30 40 0 0', 'cpu0 500 5 150 45000 250 10 15 20 0 0'].join(
      '\n',
    );
    // 1000 + 10 + 300 + 20 + 30 + 40 ticks.
    assert.equal(machineBusySeconds(stat), 1400 / ticksPerSecond());
    assert.ok(Number.isNaN(machineBusySeconds('intr 1 2 3')));
  });
});
