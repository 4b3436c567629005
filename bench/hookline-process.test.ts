import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, test } from 'node:test';
import {
  BENCH_ADMIN_TOKEN,
  hooklineEnv,
  NODE_FLAGS,
  REPO_ROOT,
  startScriptNodeFlags,
  useSettings,
} from './hookline-process.ts';

afterEach(() => useSettings({}));

test("a Hookline process's settings: the shell's dropped, then the bench's, --set's, the scenario's", () => {
  process.env['HOOKLINE_RETENTION'] = '1d';
  try {
    useSettings({
      HOOKLINE_RATE_LIMIT_ADMIN: 'off',
      HOOKLINE_PRUNE_INTERVAL: '1s',
      HOOKLINE_LOG_LEVEL: 'info',
    });
    const env = hooklineEnv('/tmp/data', 1234, { HOOKLINE_PRUNE_INTERVAL: '5s' });
    assert.equal(
      env['HOOKLINE_RETENTION'],
      undefined,
      "the developer's shell does not change what is measured",
    );
    assert.equal(env['HOOKLINE_RATE_LIMIT_ADMIN'], 'off');
    assert.equal(env['HOOKLINE_LOG_LEVEL'], 'info', '--set wins over the bench defaults');
    assert.equal(env['HOOKLINE_PRUNE_INTERVAL'], '5s', "the scenario's own settings win over --set");
    assert.equal(env['HOOKLINE_ADMIN_TOKEN'], BENCH_ADMIN_TOKEN);
    assert.equal(env['PORT'], '1234');
  } finally {
    delete process.env['HOOKLINE_RETENTION'];
  }
});

test("the bench starts Hookline with the start script's node flags, and refuses a script of another form", () => {
  assert.deepEqual(
    startScriptNodeFlags('node --max-semi-space-size=4 packages/server/bin/hookline.js start'),
    ['--max-semi-space-size=4'],
  );
  assert.deepEqual(startScriptNodeFlags('node packages/server/bin/hookline.js start'), []);
  assert.throws(() => startScriptNodeFlags('tsx packages/server/bin/hookline.js start'), /not "node <flags>/);
  assert.throws(() => startScriptNodeFlags('node packages/server/bin/hookline.js demo'), /not "node <flags>/);
  // What the quick start runs: the young generation capped (ARCHITECTURE.md, "A heap sized for
  // short-lived garbage"), for the demo as for the server.
  assert.ok(NODE_FLAGS.includes('--max-semi-space-size=4'));
  const demo = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).scripts.demo as string;
  assert.ok(demo.startsWith(`node ${NODE_FLAGS.join(' ')} packages/server/bin/hookline.js demo`));
});
