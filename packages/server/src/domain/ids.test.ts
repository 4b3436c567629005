import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { formatId, ID_PREFIX, type IdKind } from './ids.ts';

const CROCKFORD = /^[0-9A-HJKMNP-TV-Z]{26}$/;

describe('formatId', () => {
  test('is the kind prefix, an underscore and 26 Crockford base-32 digits', () => {
    for (const kind of Object.keys(ID_PREFIX) as IdKind[]) {
      const id = formatId(kind, Date.now(), randomBytes(10));
      const [prefix, body] = id.split('_');
      assert.equal(prefix, ID_PREFIX[kind]);
      assert.match(body ?? '', CROCKFORD, id);
    }
    assert.deepEqual(ID_PREFIX, {
      account: 'acc',
      endpoint: 'ep',
      event: 'evt',
      delivery: 'dlv',
      attempt: 'att',
      api_key: 'key',
      portal_session: 'ps',
      erasure: 'era',
      audit_entry: 'aud',
    });
  });

  test('encodes the time in the first 10 digits and the random bytes in the last 16', () => {
    const zeros = new Uint8Array(10);
    assert.equal(formatId('event', 0, zeros), 'evt_00000000000000000000000000');
    assert.equal(formatId('event', 1, zeros), 'evt_00000000010000000000000000');
    assert.equal(formatId('event', 32, zeros), 'evt_00000000100000000000000000');
    assert.equal(formatId('event', 2 ** 48 - 1, zeros), 'evt_7ZZZZZZZZZ0000000000000000');
    assert.equal(formatId('event', 0, new Uint8Array(10).fill(0xff)), 'evt_0000000000ZZZZZZZZZZZZZZZZ');
    // 0x08 0x42 … reads 5 bits at a time: 00001 00001 00001 0…
    assert.equal(
      formatId('event', 0, Uint8Array.of(0x08, 0x42, 0, 0, 0, 0, 0, 0, 0, 0)).slice(14),
      '1110000000000000',
    );
  });

  test('reads its 10 random bytes from an offset into a larger pool', () => {
    const pool = randomBytes(40);
    assert.equal(formatId('delivery', 5, pool, 20), formatId('delivery', 5, pool.subarray(20, 30)));
    assert.notEqual(formatId('delivery', 5, pool, 0), formatId('delivery', 5, pool, 10));
  });

  test('ids made later sort later, whatever their random part', () => {
    const start = Date.parse('2025-01-01T00:00:00Z');
    let previous = formatId('delivery', start, new Uint8Array(10).fill(0xff));
    for (let step = 1; step < 2_000; step += 7) {
      const id = formatId('delivery', start + step, new Uint8Array(10));
      assert.ok(id > previous, `${id} should sort after ${previous}`);
      previous = id;
    }
  });

  test('ids made in the same millisecond differ', () => {
    const nowMs = Date.now();
    const ids = new Set(Array.from({ length: 1_000 }, () => formatId('attempt', nowMs, randomBytes(10))));
    assert.equal(ids.size, 1_000);
  });
});
