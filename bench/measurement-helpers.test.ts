import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parseQueueDepth } from './hookline-client.ts';
import { machineBusySeconds } from './machine-load.ts';
import { majorVersionsNewestFirst, postgresBinDir, postgresUnavailable } from './postgres-server.ts';
import { parseProcStat, readAllProcStats, ticksPerSecond, treeCpuTicks } from './process-sampler.ts';
import { fanOutRows, scaleOutPercent, VARIANTS, variantOrder } from './scenarios/b6-postgres.ts';
import { meanRateBetween, throughputEndpoints } from './scenarios/delivery-throughput.ts';

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

describe('parseProcStat and treeCpuTicks', () => {
  // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime …
  const line = (
    pid: number,
    comm: string,
    ppid: number,
    utime: number,
    stime: number,
    cutime = 0,
    cstime = 0,
  ) =>
    `${pid} (${comm}) S ${ppid} ${pid} ${pid} 0 -1 4194560 100 0 0 0 ${utime} ${stime} ${cutime} ${cstime} 20 0 1 0`;

  test('reads the parent and the CPU columns, whatever the command name holds', () => {
    assert.deepEqual(parseProcStat(line(42, 'post gres) x', 7, 30, 12, 5, 1)), {
      pid: 42,
      ppid: 7,
      ownTicks: 42,
      reapedChildTicks: 6,
    });
    assert.equal(parseProcStat('not a stat line'), undefined);
  });

  test('adds a process, its live descendants and what each has reaped, and nothing else', () => {
    const stats = [
      line(1, 'init', 0, 1_000, 1_000),
      line(100, 'postgres', 1, 10, 5, 3, 2), // the server, which reaped backends worth 5 ticks
      line(101, 'postgres: checkpointer', 100, 1, 1),
      line(102, 'postgres: hookline', 100, 40, 10),
      line(103, 'postgres: parallel worker', 102, 2, 0),
      line(200, 'node', 1, 500, 50), // not below the server
    ].map((text) => parseProcStat(text)!);
    assert.equal(treeCpuTicks(100, stats), 15 + 5 + 2 + 50 + 2);
    assert.equal(treeCpuTicks(102, stats), 52);
    assert.equal(treeCpuTicks(999, stats), 0);
  });

  test('this process: at least its own CPU', () => {
    const stats = readAllProcStats();
    const own = stats.find((s) => s.pid === process.pid);
    assert.ok(own);
    assert.ok(treeCpuTicks(process.pid, stats) >= own.ownTicks);
  });
});

describe('PostgreSQL discovery', () => {
  test('the newest major version with server binaries wins', () => {
    assert.deepEqual(majorVersionsNewestFirst(['9', '15', 'common', '13', '.keep']), ['15', '13', '9']);
    const root = mkdtempSync(join(tmpdir(), 'bench-pg-root-'));
    try {
      assert.match(postgresUnavailable(join(root, 'missing')) ?? '', /not installed/);
      assert.equal(postgresBinDir(root), undefined);
      for (const [major, files] of [
        ['14', ['postgres', 'initdb']],
        ['16', ['postgres']], // a client-only or broken install: no initdb
      ] as const) {
        mkdirSync(join(root, major, 'bin'), { recursive: true });
        for (const file of files) writeFileSync(join(root, major, 'bin', file), '');
      }
      assert.equal(postgresBinDir(root), join(root, '14', 'bin'));
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('B6 helpers', () => {
  test('the 2 ÷ 1 share, in percent', () => {
    assert.equal(scaleOutPercent(5_000, 4_900), 98);
    assert.ok(Number.isNaN(scaleOutPercent(0, 4_900)));
  });

  test('the variant order alternates from run to run', () => {
    assert.deepEqual(
      variantOrder(0).map((v) => v.key),
      VARIANTS.map((v) => v.key),
    );
    assert.deepEqual(
      variantOrder(1).map((v) => v.key),
      VARIANTS.map((v) => v.key).reverse(),
    );
    assert.deepEqual(
      VARIANTS.map((v) => v.roles),
      [['all'], ['all', 'worker']],
    );
  });

  test('one fan-out: both rates with the 5,000/s target, their ratio with the 95 % target', () => {
    const result = (endToEndPerSecond: number) => ({
      endToEndPerSecond,
      steadyPerSecond: endToEndPerSecond + 100,
      expected: 1_000,
      missing: 0,
      duplicates: 0,
      invalidSignatures: 0,
      acceptedEvents: 100,
      skippedEvents: 0,
      failedEvents: 0,
      maxRssMb: 200,
      cpuCores: 0.9,
      databaseCpuCores: 0.5,
      checkpoints: 0,
    });
    const rows = fanOutRows(10, result(6_000), result(5_400));
    const byKey = new Map(rows.map((m) => [m.key, m]));
    assert.equal(new Set(rows.map((m) => m.key)).size, rows.length, 'keys are unique');
    assert.deepEqual(byKey.get('fanOut10.oneWorker.endToEndPerSecond')?.target, { op: '>=', value: 5_000 });
    assert.equal(byKey.get('fanOut10.twoWorkers.endToEndPerSecond')?.value, 5_400);
    const ratio = byKey.get('fanOut10.scaleOutPercent');
    assert.equal(ratio?.value, 90);
    assert.deepEqual(ratio?.target, { op: '>=', value: 95 });
    assert.equal(byKey.get('fanOut10.twoWorkers.missing')?.target?.op, '<=');
    assert.equal(byKey.get('fanOut10.twoWorkers.invalidSignatures')?.target?.value, 0);
    assert.equal(byKey.get('fanOut10.oneWorker.postgresCpuCores')?.value, 0.5);
  });

  test('throughput endpoints: one receiver path each, subscribed as asked', () => {
    assert.deepEqual(throughputEndpoints({ endpoints: 2, how: 'every' }), [
      { path: '/e/0', mode: 'ok', eventTypes: ['bench.delivery'] },
      { path: '/e/1', mode: 'ok', eventTypes: ['bench.delivery'] },
    ]);
    assert.deepEqual(
      throughputEndpoints({ endpoints: 2, how: 'spread' }).map((e) => e.eventTypes),
      [['bench.e0'], ['bench.e1']],
    );
  });
});
