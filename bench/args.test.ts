import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseBenchArgs, SCENARIO_IDS, UsageError } from './args.ts';
import { peerWorkloadsFor } from './peers/systems.ts';

const tempDir = () => '/tmp/bench-out';

describe('parseBenchArgs', () => {
  test('no arguments: every scenario, 3 runs, results into docs', () => {
    assert.deepEqual(parseBenchArgs([], tempDir), {
      quick: false,
      runs: 3,
      only: [...SCENARIO_IDS],
      outDir: 'docs',
      complete: true,
      peers: false,
      settings: {},
    });
  });

  test('--set: settings for every Hookline process; such a run is not the published one', () => {
    const options = parseBenchArgs(
      ['--set', 'HOOKLINE_RATE_LIMIT_ADMIN=off', '--set=HOOKLINE_RETENTION=2m', '--only', 'B1,B2'],
      tempDir,
    );
    assert.ok(options !== 'help');
    assert.deepEqual(options.settings, { HOOKLINE_RATE_LIMIT_ADMIN: 'off', HOOKLINE_RETENTION: '2m' });
    const full = parseBenchArgs(['--set', 'HOOKLINE_RATE_LIMIT_ADMIN=off'], tempDir);
    assert.ok(full !== 'help');
    assert.equal(full.complete, false);
    assert.equal(full.outDir, '/tmp/bench-out');
    for (const bad of ['RATE_LIMIT=off', 'HOOKLINE_RATE_LIMIT_ADMIN', 'hookline_x=1']) {
      assert.throws(() => parseBenchArgs(['--set', bad], tempDir), UsageError, bad);
    }
  });

  test('--quick: one run, results into a temp dir, not the published docs', () => {
    const options = parseBenchArgs(['--quick'], tempDir);
    assert.ok(options !== 'help');
    assert.equal(options.runs, 1);
    assert.equal(options.complete, false);
    assert.equal(options.outDir, '/tmp/bench-out');
  });

  test('--only picks scenarios in run order, case-insensitively', () => {
    const options = parseBenchArgs(['--only', 'b3, B1,Scaling'], tempDir);
    assert.ok(options !== 'help');
    assert.deepEqual(options.only, ['B1', 'B3', 'scaling']);
    assert.equal(options.complete, false);
    assert.equal(options.outDir, '/tmp/bench-out');
  });

  test('--only B6: the PostgreSQL scenario alone is a partial run', () => {
    const options = parseBenchArgs(['--only', 'b6', '--runs', '1'], tempDir);
    assert.ok(options !== 'help');
    assert.deepEqual(options.only, ['B6']);
    assert.equal(options.runs, 1);
    assert.equal(options.complete, false);
    assert.equal(options.outDir, '/tmp/bench-out');
    assert.ok(SCENARIO_IDS.includes('B6'), 'a full run includes B6');
  });

  test('--runs and --out', () => {
    const options = parseBenchArgs(['--runs=5', '--out', 'results'], tempDir);
    assert.ok(options !== 'help');
    assert.equal(options.runs, 5);
    assert.equal(options.outDir, 'results');
    assert.equal(options.complete, true);
  });

  test('--peers: the comparison after the scenarios; --only still picks the scenarios', () => {
    const all = parseBenchArgs(['--peers'], tempDir);
    assert.ok(all !== 'help');
    assert.equal(all.peers, true);
    assert.deepEqual(all.only, [...SCENARIO_IDS]);
    assert.equal(all.complete, true, 'a full run of every scenario with the peers still replaces docs/');
    assert.equal(all.outDir, 'docs');
    const quick = parseBenchArgs(['--quick', '--only', 'B2', '--peers'], tempDir);
    assert.ok(quick !== 'help');
    assert.equal(quick.peers, true);
    assert.deepEqual(quick.only, ['B2']);
    assert.equal(quick.runs, 1);
    assert.equal(quick.complete, false);
    assert.equal(quick.outDir, '/tmp/bench-out');
    const without = parseBenchArgs(['--quick'], tempDir);
    assert.ok(without !== 'help');
    assert.equal(without.peers, false);
    assert.throws(() => parseBenchArgs(['--peers=yes'], tempDir), UsageError);
  });

  test('--peers with --only: the workloads of B2 and B3 it names, all when it names neither', () => {
    const workloads = (argv: string[]) => {
      const options = parseBenchArgs([...argv, '--peers'], tempDir);
      assert.ok(options !== 'help');
      return peerWorkloadsFor(options);
    };
    assert.deepEqual(workloads([]), ['fanOut1', 'fanOut10', 'latency']);
    assert.deepEqual(workloads(['--only', 'B2']), ['fanOut1', 'fanOut10']);
    assert.deepEqual(workloads(['--only', 'B3']), ['latency']);
    assert.deepEqual(workloads(['--only', 'B3,B2']), ['fanOut1', 'fanOut10', 'latency']);
    assert.deepEqual(workloads(['--only', 'B1']), ['fanOut1', 'fanOut10', 'latency']);
  });

  test('--help', () => {
    assert.equal(parseBenchArgs(['--help'], tempDir), 'help');
  });

  test('refuses what it cannot run', () => {
    for (const argv of [
      ['--runs', '0'],
      ['--runs', 'two'],
      ['--only', 'B12'],
      ['--only', ''],
      ['--fast'],
      ['B1'],
    ]) {
      assert.throws(() => parseBenchArgs(argv, tempDir), UsageError, argv.join(' '));
    }
  });
});
