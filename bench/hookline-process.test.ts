import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { BENCH_ADMIN_TOKEN, hooklineEnv, useSettings } from './hookline-process.ts';

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
