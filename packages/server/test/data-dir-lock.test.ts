// One process per data dir: a second server on the same SQLite file would take over the first one's
// leases at start and send its attempts in flight again. The lock is the operating system's, so a
// killed holder never blocks the next start, whatever became of its pid.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { loadConfig } from '../src/config/config.ts';
import { createLogger } from '../src/observability/logger.ts';
import { startServer } from '../src/server.ts';
import { exitWithin, freePort, killSpawned, runHookline, waitUntilReady } from './support/server-process.ts';
import { startTestServer } from './support/test-server.ts';

const logger = createLogger('silent');

function configFor(dataDir: string) {
  return loadConfig({ PORT: '0', HOOKLINE_HOST: '127.0.0.1', HOOKLINE_DATA_DIR: dataDir });
}

after(killSpawned);

test('a second server in the same process is refused, and the first is unharmed', async () => {
  const first = await startTestServer();
  try {
    await assert.rejects(
      startServer(configFor(first.dataDir), { logger }),
      /another Hookline in this process is using/,
    );
    assert.equal((await first.api.call('GET', '/healthz')).status, 200);
  } finally {
    await first.close();
  }
});

test('another process holding the data dir is refused; once it is killed, the next start takes it', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'hookline-lock-'));
  try {
    const port = await freePort();
    const holder = runHookline(['start'], {
      PORT: String(port),
      HOOKLINE_HOST: '127.0.0.1',
      HOOKLINE_DATA_DIR: dataDir,
      HOOKLINE_LOG_LEVEL: 'warn',
    });
    await waitUntilReady(holder, `http://127.0.0.1:${port}`);
    await assert.rejects(
      startServer(configFor(dataDir), { logger }),
      new RegExp(`another Hookline \\(pid ${holder.pid}\\) is using`),
    );

    holder.child.kill('SIGKILL');
    await exitWithin(holder, 10_000);
    const next = await startServer(configFor(dataDir), { logger });
    await next.stop();
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('a lock file naming a live process that holds no lock does not block a start', async () => {
  // The pid of a killed holder, now reused by a running program (here: this test process itself, and
  // pid 1), as the lock files of earlier builds recorded it.
  for (const pid of [process.pid, 1]) {
    const dataDir = mkdtempSync(join(tmpdir(), 'hookline-lock-'));
    try {
      writeFileSync(join(dataDir, 'hookline.lock'), `${pid}\n`);
      const server = await startServer(configFor(dataDir), { logger });
      await server.stop();
      // And again, now that the file is the new kind: a stopped server leaves nothing held.
      const again = await startServer(configFor(dataDir), { logger });
      await again.stop();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
});
