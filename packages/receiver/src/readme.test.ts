// Keeps the README's error table and the code list in sync, so users never meet an undocumented code.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { WEBHOOK_VERIFICATION_ERROR_CODES } from './verification-error.ts';

test('the README documents exactly the error codes the package throws', async () => {
  const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
  const documented = [...readme.matchAll(/^\| `([a-z_]+)` \|/gm)].map((match) => match[1]);
  assert.deepEqual(documented.sort(), [...WEBHOOK_VERIFICATION_ERROR_CODES].sort());
});
