/**
 * `bin/hookline.js` builds its bundle (`dist/`) whenever a source is newer, in the process that starts,
 * as the first `npm start` after a clone does. That server must carry nothing of the build for the rest
 * of its life: esbuild's synchronous API leaves a worker thread (about 21 MB of RSS) in the process.
 *
 * The command runs from a copy of the package's `bin/` and `package.json` beside links to its sources
 * and the installed packages, so the bundle is built into the copy's own `dist/` and the repository's
 * is never touched.
 */
import assert from 'node:assert/strict';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import {
  exitWithin,
  freePort,
  killSpawned,
  REPO_ROOT,
  runHookline,
  waitUntilReady,
} from './support/server-process.ts';

const dirs: string[] = [];

after(async () => {
  await killSpawned();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hookline-bundle-'));
  dirs.push(dir);
  return dir;
}

/** The package's command with the sources and installed packages linked in, and no bundle yet. */
function packageCopy(): { bin: string; bundle: string } {
  const pkg = join(REPO_ROOT, 'packages', 'server');
  const dir = tempDir();
  mkdirSync(join(dir, 'bin'));
  copyFileSync(join(pkg, 'bin', 'hookline.js'), join(dir, 'bin', 'hookline.js'));
  copyFileSync(join(pkg, 'package.json'), join(dir, 'package.json'));
  symlinkSync(join(pkg, 'src'), join(dir, 'src'));
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'));
  return { bin: join(dir, 'bin', 'hookline.js'), bundle: join(dir, 'dist', 'hookline.mjs') };
}

test('a server that built its own bundle runs it and keeps no thread of the build', {
  skip: process.platform !== 'linux' && 'counts threads in /proc',
}, async () => {
  const { bin, bundle } = packageCopy();
  const threads: number[] = [];
  const builtAt: number[] = [];
  // The first start builds the bundle, the second finds it fresh.
  for (let start = 0; start < 2; start++) {
    const port = await freePort();
    const p = runHookline(
      ['start'],
      { PORT: String(port), HOOKLINE_HOST: '127.0.0.1', HOOKLINE_DATA_DIR: tempDir() },
      bin,
    );
    await waitUntilReady(p, `http://127.0.0.1:${port}`);
    assert.ok(existsSync(bundle), 'the bundle was built beside the command');
    builtAt.push(statSync(bundle).mtimeMs);
    threads.push(readdirSync(`/proc/${p.pid}/task`).length);
    p.child.kill('SIGTERM');
    assert.equal((await exitWithin(p, 10_000)).code, 0);
  }
  assert.equal(builtAt[1], builtAt[0], 'the second start ran the bundle the first one built');
  assert.equal(
    threads[0],
    threads[1],
    'threads of the start that built the bundle and of the one that did not',
  );
});
