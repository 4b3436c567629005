// One process per data dir: a second server on the same SQLite file would take over the first one's
// leases at start and send its attempts in flight again.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadConfig } from '../src/config/config.ts';
import { createLogger } from '../src/observability/logger.ts';
import { startServer } from '../src/server.ts';
import { startTestServer } from './support/test-server.ts';

test('a second server on the same data dir refuses to start, and a stale lock is taken over', async () => {
  const first = await startTestServer();
  const config = loadConfig({ PORT: '0', HOOKLINE_HOST: '127.0.0.1', HOOKLINE_DATA_DIR: first.dataDir });
  const logger = createLogger('silent');
  try {
    await assert.rejects(startServer(config, { logger }), /another Hookline in this process is using/);
    // The first server is unharmed.
    assert.equal((await first.api.call('GET', '/healthz')).status, 200);
  } finally {
    await first.server.stop();
  }
  // A lock left by a killed process (a pid that no longer runs) does not block the next start.
  writeFileSync(join(first.dataDir, 'hookline.lock'), '2147483646\n');
  const second = await startServer(config, { logger });
  try {
    assert.equal(second.adminToken, first.adminToken);
  } finally {
    await second.stop();
    await first.close();
  }
});
