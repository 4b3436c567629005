import assert from 'node:assert/strict';
import { test } from 'node:test';
import { systemIdSource } from './context.ts';

test('the system id source gives distinct ids across refills of its random pool', () => {
  const next = systemIdSource(() => 1_700_000_000_000);
  // 10 KiB of pool holds 1,024 ids: 5,000 ids refill it four times.
  const ids = new Set(Array.from({ length: 5_000 }, () => next('delivery')));
  assert.equal(ids.size, 5_000);
  for (const id of ids) assert.match(id, /^dlv_[0-9A-HJKMNP-TV-Z]{26}$/);
});
