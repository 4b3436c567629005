// The layering ARCHITECTURE.md states, checked over the real tree with the project's own rules
// (.dependency-cruiser.cjs), as `npm run layers` does: a new import across a layer fails here.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from './support/server-process.ts';

test('dependencies point inward, as ARCHITECTURE.md says', () => {
  const run = spawnSync(
    process.execPath,
    [
      join(REPO_ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs'),
      'packages',
      '--config',
      '.dependency-cruiser.cjs',
    ],
    { cwd: REPO_ROOT, encoding: 'utf8', timeout: 120_000 },
  );
  assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
  assert.match(run.stdout, /no dependency violations found/);
});
