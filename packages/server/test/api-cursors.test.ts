/**
 * List cursors are signed and bound to their list and account: every list pages on with its own
 * `nextCursor`, and answers `400 invalid_cursor` (field `cursor`) to anything else: a cursor made up,
 * edited, cut short or too long, another list's, or another account's. A cursor keeps working after a
 * restart (SQLite, the admin token kept in the data dir) and on another process of the same
 * PostgreSQL database; a deployment with another admin token refuses it.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { postgresSkip, startPostgres, type TestPostgres } from './support/postgres.ts';
import { type ApiResponse, startTestServer, type TestServer } from './support/test-server.ts';

function assertInvalidCursor(res: ApiResponse, context: string): void {
  const body = JSON.stringify(res.body);
  assert.equal(res.status, 400, `${context}: ${body}`);
  assert.match(String(res.headers['content-type']), /^application\/problem\+json/, context);
  assert.equal(res.body.code, 'invalid_cursor', `${context}: ${body}`);
  assert.equal(res.body.field, 'cursor', `${context}: ${body}`);
}

/** Each list of an account, as a path under `/v1/accounts/{accountId}`. */
const ACCOUNT_LISTS = ['api-keys', 'endpoints', 'events', 'deliveries', 'erasures', 'audit-log'] as const;
type ListName = (typeof ACCOUNT_LISTS)[number] | 'accounts';

/** Gives an account three of each item, so every list has a second page at `limit=1`. */
async function fill(t: TestServer, accountId: string): Promise<void> {
  const base = `/v1/accounts/${accountId}`;
  for (let i = 0; i < 2; i++) {
    const key = await t.api.call('POST', `${base}/api-keys`, { body: { name: `Key ${i}` } });
    assert.equal(key.status, 201, JSON.stringify(key.body));
  }
  for (let i = 0; i < 3; i++) {
    const endpoint = await t.api.call('POST', `${base}/endpoints`, {
      body: { url: `https://hooks-${i}.example.invalid/in`, enabled: i === 0 },
    });
    assert.equal(endpoint.status, 201, JSON.stringify(endpoint.body));
  }
  const published = await t.api.call('POST', `${base}/events/batch`, {
    body: { events: [0, 1, 2].map((n) => ({ type: 'shop.order.paid', data: { n } })) },
  });
  assert.equal(published.status, 202, JSON.stringify(published.body));
  for (const customerId of ['cus_1', 'cus_2']) {
    const erasure = await t.api.call('POST', `${base}/erasures`, { body: { customerId } });
    assert.equal(erasure.status, 201, JSON.stringify(erasure.body));
  }
}

describe('list cursors', () => {
  let t: TestServer;
  let a: string;
  let b: string;
  const pathOf = (list: ListName, accountId: string) =>
    list === 'accounts' ? '/v1/accounts' : `/v1/accounts/${accountId}/${list}`;
  /** The first page at `limit=1` of a list of account `a`, and its `nextCursor`. */
  const firstPages = new Map<ListName, { ids: string[]; cursor: string }>();

  before(async () => {
    t = await startTestServer({ HOOKLINE_ALLOW_TARGETS: '', HOOKLINE_RETRY_SCHEDULE: '1h' });
    a = (await t.createAccount('Cursor shop A')).id;
    b = (await t.createAccount('Cursor shop B')).id;
    await t.createAccount('Cursor shop C');
    await fill(t, a);
    await fill(t, b);
    for (const list of ['accounts', ...ACCOUNT_LISTS] as const) {
      const page = await t.api.call('GET', `${pathOf(list, a)}?limit=1`);
      assert.equal(page.status, 200, JSON.stringify(page.body));
      assert.equal(typeof page.body.nextCursor, 'string', `${list} has a second page`);
      firstPages.set(list, {
        ids: page.body.data.map((item: { id: string }) => item.id),
        cursor: page.body.nextCursor,
      });
    }
  });

  after(async () => {
    await t.close();
  });

  const cursorOf = (list: ListName) => firstPages.get(list)!.cursor;
  const get = (list: ListName, accountId: string, cursor: string) =>
    t.api.call('GET', `${pathOf(list, accountId)}?limit=1&cursor=${encodeURIComponent(cursor)}`);

  it('pages on through every list with its own cursor, to the end', async () => {
    for (const list of ['accounts', ...ACCOUNT_LISTS] as const) {
      const seen = [...firstPages.get(list)!.ids];
      let cursor: string | null = cursorOf(list);
      while (cursor !== null) {
        const page = await get(list, a, cursor);
        assert.equal(page.status, 200, `${list}: ${JSON.stringify(page.body)}`);
        seen.push(...page.body.data.map((item: { id: string }) => item.id));
        cursor = page.body.nextCursor;
      }
      const whole = await t.api.call('GET', `${pathOf(list, a)}?limit=250`);
      assert.deepEqual(
        seen,
        whole.body.data.map((item: { id: string }) => item.id),
        list,
      );
      assert.equal(new Set(seen).size, seen.length, `${list}: no item twice`);
    }
  });

  it('refuses a cursor edited anywhere, cut short, or made up', async () => {
    for (const list of ['accounts', ...ACCOUNT_LISTS] as const) {
      const cursor = cursorOf(list);
      const flip = (at: number) =>
        cursor.slice(0, at) + (cursor[at] === 'A' ? 'B' : 'A') + cursor.slice(at + 1);
      const dot = cursor.lastIndexOf('.');
      const other = Buffer.from('p99999').toString('base64url');
      assert.notEqual(cursor.slice(0, dot), other);
      const refused = [
        flip(0), // the position
        flip(dot - 1),
        flip(dot + 1), // the signature
        flip(cursor.length - 1),
        cursor.slice(0, -1),
        cursor.slice(0, dot + 1),
        cursor.slice(0, dot),
        cursor.slice(dot),
        `${cursor}A`,
        // An unsigned cursor of the old form (`p<position>`), one with a signature of the right shape,
        // and one with the signature of another position.
        other,
        `${other}.${'A'.repeat(22)}`,
        `${other}${cursor.slice(dot)}`,
        '.',
        'nope',
        '',
      ];
      for (const bad of refused) assertInvalidCursor(await get(list, a, bad), `${list} cursor ${bad}`);
    }
  });

  it('refuses a cursor longer than any it hands out with invalid_cursor, not invalid_field', async () => {
    for (const list of ['accounts', ...ACCOUNT_LISTS] as const) {
      for (const long of [`${cursorOf(list)}${'A'.repeat(100)}`, 'x'.repeat(101), 'p'.repeat(5_000)]) {
        assertInvalidCursor(await get(list, a, long), `${list} cursor of ${long.length} characters`);
      }
    }
  });

  it("refuses another list's cursor on every list", async () => {
    for (const from of ['accounts', ...ACCOUNT_LISTS] as const) {
      for (const on of ['accounts', ...ACCOUNT_LISTS] as const) {
        if (from === on) continue;
        assertInvalidCursor(await get(on, a, cursorOf(from)), `${from} cursor on ${on}`);
      }
    }
  });

  it("refuses another account's cursor of the same list", async () => {
    for (const list of ACCOUNT_LISTS) {
      // The admin may read both accounts: the cursor itself is refused, not the caller.
      assertInvalidCursor(await get(list, b, cursorOf(list)), `${list} of account A on account B`);
      const own = await get(list, a, cursorOf(list));
      assert.equal(own.status, 200, `${list}: ${JSON.stringify(own.body)}`);
    }
  });

  it('takes the cursor with filters changed between pages', async () => {
    const filtered = await t.api.call(
      'GET',
      `/v1/accounts/${a}/deliveries?limit=1&status=pending&cursor=${encodeURIComponent(cursorOf('deliveries'))}`,
    );
    assert.equal(filtered.status, 200, JSON.stringify(filtered.body));
  });
});

describe('a cursor after a restart', () => {
  it('works on the same data dir and admin token, and not on a deployment with another token', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'hookline-cursor-'));
    try {
      const first = await startTestServer({ HOOKLINE_DATA_DIR: dataDir });
      const ids: string[] = [];
      for (const name of ['One', 'Two', 'Three']) ids.push((await first.createAccount(name)).id);
      const page = await first.api.call('GET', '/v1/accounts?limit=1');
      const cursor = page.body.nextCursor as string;
      await first.close();

      // The generated admin token stays in the data dir, and the cursor key with it.
      const again = await startTestServer({ HOOKLINE_DATA_DIR: dataDir });
      try {
        const next = await again.api.call('GET', `/v1/accounts?limit=1&cursor=${encodeURIComponent(cursor)}`);
        assert.equal(next.status, 200, JSON.stringify(next.body));
        assert.deepEqual(
          next.body.data.map((account: { id: string }) => account.id),
          [ids[1]],
        );
      } finally {
        await again.close();
      }

      const other = await startTestServer({
        HOOKLINE_DATA_DIR: dataDir,
        HOOKLINE_ADMIN_TOKEN: 'another-admin-token-1234',
      });
      try {
        assertInvalidCursor(
          await other.api.call('GET', `/v1/accounts?limit=1&cursor=${encodeURIComponent(cursor)}`),
          'a cursor of the previous admin token',
        );
      } finally {
        await other.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('a cursor on another process of one PostgreSQL database', { skip: postgresSkip() }, () => {
  let pgsrv: TestPostgres;
  const servers: TestServer[] = [];

  before(async () => {
    pgsrv = await startPostgres();
    const env = {
      DATABASE_URL: await pgsrv.createDatabase(),
      HOOKLINE_ADMIN_TOKEN: 'cursor-test-admin-token',
      HOOKLINE_ROLE: 'api',
    };
    servers.push(await startTestServer(env), await startTestServer(env));
  });

  after(async () => {
    for (const server of servers) await server.close();
    pgsrv?.stop();
  });

  it('pages on with the cursor of the other process', async () => {
    const [one, two] = servers as [TestServer, TestServer];
    const account = await one.createAccount('Shared shop');
    const base = `/v1/accounts/${account.id}/endpoints`;
    const urls = [0, 1, 2].map((i) => `https://shared-${i}.example.invalid/in`);
    for (const url of urls) {
      const created = await one.api.call('POST', base, { body: { url, enabled: false } });
      assert.equal(created.status, 201, JSON.stringify(created.body));
    }
    const first = await one.api.call('GET', `${base}?limit=2`);
    assert.equal(typeof first.body.nextCursor, 'string');
    const second = await two.api.call(
      'GET',
      `${base}?limit=2&cursor=${encodeURIComponent(first.body.nextCursor)}`,
    );
    assert.equal(second.status, 200, JSON.stringify(second.body));
    assert.deepEqual(
      second.body.data.map((endpoint: { urls: string[] }) => endpoint.urls[0]),
      [urls[2]],
    );
  });
});
