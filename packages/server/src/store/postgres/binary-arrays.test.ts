// The binary arrays read back by a real PostgreSQL server, element by element, against what the
// driver's own array literals give for the same values.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { postgresSkip, startPostgres, type TestPostgres } from '../../../test/support/postgres.ts';
import { boolArray, int2Array, int4Array, int8Array, textArray } from './binary-arrays.ts';

const skip = postgresSkip();
let server: TestPostgres;
let client: pg.Client;

if (!skip) {
  before(async () => {
    server = await startPostgres();
    client = new pg.Client({ connectionString: await server.createDatabase() });
    await client.connect();
  });
  after(async () => {
    await client?.end();
    server?.stop();
  });
}

/** The array as the server holds it, as text, with each element's text and the array's dimensions. */
async function readBack(parameter: unknown, type: string): Promise<unknown> {
  const { rows } = await client.query(
    `SELECT array_dims(a) AS dims, cardinality(a) AS n,
       (SELECT coalesce(json_agg(e::text ORDER BY i), '[]') FROM unnest(a) WITH ORDINALITY AS u (e, i)) AS elements
     FROM (SELECT $1::${type}[] AS a) AS given`,
    [parameter],
  );
  return rows[0];
}

const TEXTS = [
  '',
  'plain',
  '{"order":{"id":"ord_1","note":"a \\"quoted\\" word, a back\\\\slash"}}',
  'NULL',
  '{,}',
  ' leading and trailing ',
  'Grüße, 注文, 🧾',
  'line\nbreak\ttab',
  'x'.repeat(70_000),
];

describe('binary arrays', { skip }, () => {
  test('text: every element as the driver writes it, nulls and the empty array included', async () => {
    for (const values of [TEXTS, [null, 'a', null], [], [null], ['\uD800 lone surrogate']]) {
      assert.deepEqual(await readBack(textArray(values), 'text'), await readBack(values, 'text'));
    }
  });

  test('bigint: the full safe range, both signs and the halves of 64 bits', async () => {
    const values = [
      0,
      1,
      -1,
      2 ** 31,
      2 ** 32 - 1,
      2 ** 32,
      -(2 ** 32),
      -(2 ** 32) - 1,
      1_764_000_000_000,
      Number.MAX_SAFE_INTEGER,
      Number.MIN_SAFE_INTEGER,
      null,
    ];
    const back = (await readBack(int8Array(values), 'bigint')) as { elements: (string | null)[] };
    assert.deepEqual(
      back.elements,
      values.map((v) => (v === null ? null : String(v))),
    );
    assert.deepEqual(await readBack(int8Array([]), 'bigint'), await readBack([], 'bigint'));
  });

  test('int, smallint and boolean', async () => {
    const ints = [0, -1, 200, 2 ** 31 - 1, -(2 ** 31), null];
    assert.deepEqual(await readBack(int4Array(ints), 'int'), await readBack(ints, 'int'));
    const smalls = [0, 63, -1, 2 ** 15 - 1, -(2 ** 15), null];
    assert.deepEqual(await readBack(int2Array(smalls), 'smallint'), await readBack(smalls, 'smallint'));
    const flags = [true, false, null, true];
    assert.deepEqual(await readBack(boolArray(flags), 'boolean'), await readBack(flags, 'boolean'));
  });

  test('a value its type cannot hold is refused before anything is sent', () => {
    assert.throws(() => int8Array([2 ** 53]), RangeError);
    assert.throws(() => int8Array([1.5]), RangeError);
    assert.throws(() => int4Array([2 ** 31]), RangeError);
    assert.throws(() => int2Array([2 ** 15]), RangeError);
    assert.throws(() => boolArray([1 as unknown as boolean]), TypeError);
  });

  test('an array of another element type is refused by the server, not misread', async () => {
    await assert.rejects(client.query('SELECT $1::bigint[]', [int4Array([1])]), /element type/);
  });
});
