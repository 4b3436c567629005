/**
 * The dashboard's build (`build.mjs`), which a server runs on start when a source is newer than
 * `dist/`: nothing of it keeps running in the server afterwards (esbuild's service is a child process
 * of about 24 MB that would otherwise stay for the server's whole life), and calls made while it runs
 * share it rather than start another.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { isDeepStrictEqual } from 'node:util';
import { buildDashboard, distDir } from '../build.mjs';

/**
 * This process's children still running (Linux), by id: a child that ended but was not yet reaped is
 * left out. The test runs under tsx, whose own esbuild service is one of them from the start.
 */
function runningChildren(): Set<string> {
  const ids = readdirSync('/proc/self/task').flatMap((thread) =>
    readFileSync(`/proc/self/task/${thread}/children`, 'utf8').split(' ').filter(Boolean),
  );
  return new Set(
    ids.filter((id) => {
      try {
        // The state follows the command name in parentheses: "1234 (esbuild) S …".
        return readFileSync(`/proc/${id}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
      } catch {
        return false; // reaped meanwhile
      }
    }),
  );
}

/**
 * Waits until this process's running children are `expected` again, and fails if they are not within
 * 10 s. Stopping esbuild sends its child a signal; the child ends a moment later, not at once.
 */
async function settlesTo(expected: Set<string>): Promise<void> {
  const deadline = Date.now() + 10_000;
  let children = runningChildren();
  while (!isDeepStrictEqual(children, expected) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    children = runningChildren();
  }
  assert.deepEqual(children, expected);
}

test('a build leaves no process behind, and a call made while it runs shares it', {
  skip: process.platform !== 'linux' && 'reads the process tree from /proc',
}, async () => {
  const before = runningChildren();
  const first = buildDashboard();
  assert.equal(buildDashboard(), first, 'the same build');
  assert.equal(await first, distDir);
  assert.ok(existsSync(join(distDir, 'index.html')));
  await settlesTo(before);
  // Once it ended, a later call builds again (esbuild starts anew after being stopped).
  assert.equal(await buildDashboard(), distDir);
  await settlesTo(before);
});
