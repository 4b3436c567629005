/**
 * API keys an account manages (create, list, revoke, roll with a grace period, last use) and portal
 * sessions (the link, what its token reaches, expiry, and the scope that limits its endpoints). The
 * server's clock is moved forward by the tests, so expiry and the once-a-minute last use are exact.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { hashToken } from '../src/app/credentials.ts';
import { createLogger } from '../src/observability/logger.ts';
import { SQLITE_MIGRATIONS } from '../src/store/sqlite/migrations.ts';
import { type ApiResponse, startTestServer, type TestServer, waitFor } from './support/test-server.ts';

const MINUTE_MS = 60_000;
const HOOK_URL = 'http://127.0.0.1:9/hook';
const TOKEN_IN_URL = /#token=(hlp_[A-Za-z0-9_-]{43})$/;

/** How far the server's clock is ahead of the real one; only ever moved forward. */
let clockAheadMs = 0;
const now = () => Date.now() + clockAheadMs;

/** Every log line the server wrote, at the most detailed level. */
const logLines: string[] = [];
/** Every key and token the server handed out, none of which may be in a log line. */
const secretsShown: string[] = [];

let t: TestServer;
let a: { id: string; apiKey: string };
let b: { id: string; apiKey: string };

function assertProblem(res: ApiResponse, status: number, code: string, field?: string): void {
  assert.equal(res.status, status, JSON.stringify(res.body));
  assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
  assert.equal(res.body.code, code, JSON.stringify(res.body));
  if (field !== undefined) assert.equal(res.body.field, field, JSON.stringify(res.body));
}

/** Creates a key of account `a` (as the admin) and returns the answer's body. */
async function createKey(name: string, accountId = a.id) {
  const res = await t.api.call('POST', `/v1/accounts/${accountId}/api-keys`, { body: { name } });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  secretsShown.push(res.body.key);
  return res.body;
}

/** The account's keys as the admin lists them. */
async function keysOf(accountId: string): Promise<Record<string, unknown>[]> {
  const res = await t.api.call('GET', `/v1/accounts/${accountId}/api-keys?limit=250`);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.data;
}

async function keyById(accountId: string, keyId: string): Promise<Record<string, unknown> | undefined> {
  return (await keysOf(accountId)).find((key) => key['id'] === keyId);
}

/** Opens a portal session of `accountId` as the admin; returns the answer and the token from its link. */
async function openSession(accountId: string, body: Record<string, unknown> = {}, server = t) {
  const res = await server.api.call('POST', `/v1/accounts/${accountId}/portal-sessions`, { body });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  const token = TOKEN_IN_URL.exec(res.body.url)?.[1];
  assert.ok(token, `a token in ${res.body.url}`);
  secretsShown.push(token);
  return { body: res.body, token };
}

async function createEndpoint(accountId: string, body: Record<string, unknown>, token?: string) {
  const res = await t.api.call('POST', `/v1/accounts/${accountId}/endpoints`, {
    body: { url: HOOK_URL, ...body },
    ...(token === undefined ? {} : { token }),
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body;
}

before(async () => {
  const logger = createLogger('trace', { write: (line: string) => logLines.push(line) });
  t = await startTestServer({}, { now, logger });
  a = await t.createAccount('Shop A');
  b = await t.createAccount('Shop B');
  secretsShown.push(a.apiKey, b.apiKey);
});

after(async () => {
  await t.close();
});

describe('API keys', () => {
  it('an account starts with one key named Default, shown by its first characters', async () => {
    const fresh = await t.createAccount('Fresh');
    const keys = await keysOf(fresh.id);
    assert.equal(keys.length, 1);
    assert.deepEqual(Object.keys(keys[0]!).sort(), [
      'createdAt',
      'expiresAt',
      'id',
      'lastUsedAt',
      'name',
      'prefix',
    ]);
    assert.match(String(keys[0]!['id']), /^key_/);
    assert.equal(keys[0]!['name'], 'Default');
    assert.equal(keys[0]!['prefix'], fresh.apiKey.slice(0, 10));
    assert.equal(keys[0]!['lastUsedAt'], null);
    assert.equal(keys[0]!['expiresAt'], null);
  });

  it('creates a key (201, the key shown once) that works at once; lists it without the key', async () => {
    const res = await t.api.call('POST', `/v1/accounts/${a.id}/api-keys`, {
      token: a.apiKey,
      body: { name: 'Warehouse sync' },
    });
    assert.equal(res.status, 201);
    secretsShown.push(res.body.key);
    assert.deepEqual(Object.keys(res.body), [
      'id',
      'name',
      'key',
      'prefix',
      'createdAt',
      'lastUsedAt',
      'expiresAt',
    ]);
    assert.match(res.body.key, /^hk_[A-Za-z0-9_-]{43}$/);
    assert.equal(res.body.prefix, res.body.key.slice(0, 10));
    assert.equal(res.body.name, 'Warehouse sync');
    assert.equal(res.body.lastUsedAt, null);
    assert.equal(res.body.expiresAt, null);

    const own = await t.api.call('GET', `/v1/accounts/${a.id}`, { token: res.body.key });
    assert.equal(own.status, 200);
    const listed = await t.api.call('GET', `/v1/accounts/${a.id}/api-keys`, { token: res.body.key });
    assert.equal(listed.status, 200);
    const entry = listed.body.data.find((key: { id: string }) => key.id === res.body.id);
    assert.equal(entry.name, 'Warehouse sync');
    assert.equal('key' in entry, false);
    assert.equal(JSON.stringify(listed.body).includes(res.body.key), false);
  });

  it('lists oldest first, page by page', async () => {
    const own = await t.createAccount('Many keys');
    const names = ['one', 'two', 'three'];
    for (const name of names) await createKey(name, own.id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`;
      const page = await t.api.call('GET', `/v1/accounts/${own.id}/api-keys?limit=2${query}`);
      assert.equal(page.status, 200);
      seen.push(...page.body.data.map((key: { name: string }) => key.name));
      cursor = page.body.nextCursor;
    } while (cursor !== null);
    assert.deepEqual(seen, ['Default', ...names]);
  });

  it('shows the last use after a call, written at most once a minute', async () => {
    const key = await createKey('Last use');
    const before = now();
    assert.equal((await t.api.call('GET', `/v1/accounts/${a.id}`, { token: key.key })).status, 200);
    const firstUse = await waitFor(
      async () => ((await keyById(a.id, key.id))?.['lastUsedAt'] as string | null) ?? undefined,
      { what: 'the last use' },
    );
    assert.ok(Date.parse(firstUse) >= before && Date.parse(firstUse) <= now(), firstUse);

    // Half a minute later: not written again.
    clockAheadMs += MINUTE_MS / 2;
    assert.equal((await t.api.call('GET', `/v1/accounts/${a.id}`, { token: key.key })).status, 200);
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal((await keyById(a.id, key.id))?.['lastUsedAt'], firstUse);

    // A minute after the first write: written again.
    clockAheadMs += MINUTE_MS / 2;
    const later = now();
    assert.equal((await t.api.call('GET', `/v1/accounts/${a.id}`, { token: key.key })).status, 200);
    const secondUse = await waitFor(
      async () => {
        const lastUsedAt = (await keyById(a.id, key.id))?.['lastUsedAt'] as string | null;
        return lastUsedAt !== firstUse && lastUsedAt !== null && lastUsedAt;
      },
      { what: 'the second last use' },
    );
    assert.ok(Date.parse(secondUse) >= later, secondUse);
  });

  it('revokes a key at once (204); the key is refused with 401 and is gone from the list', async () => {
    const key = await createKey('Leaked');
    assert.equal((await t.api.call('GET', `/v1/accounts/${a.id}`, { token: key.key })).status, 200);
    const revoked = await t.api.call('DELETE', `/v1/accounts/${a.id}/api-keys/${key.id}`, {
      token: a.apiKey,
    });
    assert.equal(revoked.status, 204);
    assertProblem(await t.api.call('GET', `/v1/accounts/${a.id}`, { token: key.key }), 401, 'unauthorized');
    assert.equal(await keyById(a.id, key.id), undefined);
    assertProblem(
      await t.api.call('DELETE', `/v1/accounts/${a.id}/api-keys/${key.id}`),
      404,
      'not_found',
      'keyId',
    );
  });

  it('rolls a key: a new one of the same name; the old one works for the grace period, then 401', async () => {
    const old = await createKey('Checkout plugin');
    const rolled = await t.api.call('POST', `/v1/accounts/${a.id}/api-keys/${old.id}/roll`, {
      token: old.key,
      body: { expiresInSeconds: 60 },
    });
    assert.equal(rolled.status, 201, JSON.stringify(rolled.body));
    secretsShown.push(rolled.body.key);
    assert.equal(rolled.body.name, 'Checkout plugin');
    assert.notEqual(rolled.body.id, old.id);
    assert.notEqual(rolled.body.key, old.key);
    assert.equal(rolled.body.expiresAt, null);
    const expiresAt = Date.parse(String((await keyById(a.id, old.id))?.['expiresAt']));
    assert.ok(Math.abs(expiresAt - (now() + MINUTE_MS)) < 5_000, 'the old key expires in a minute');

    assert.equal((await t.api.call('GET', `/v1/accounts/${a.id}`, { token: old.key })).status, 200);
    assert.equal((await t.api.call('GET', `/v1/accounts/${a.id}`, { token: rolled.body.key })).status, 200);
    assertProblem(
      await t.api.call('POST', `/v1/accounts/${a.id}/api-keys/${old.id}/roll`),
      409,
      'api_key_expiring',
      'keyId',
    );

    clockAheadMs += MINUTE_MS;
    assertProblem(await t.api.call('GET', `/v1/accounts/${a.id}`, { token: old.key }), 401, 'unauthorized');
    assert.equal(await keyById(a.id, old.id), undefined, 'an expired key is not listed');
    assert.equal((await t.api.call('GET', `/v1/accounts/${a.id}`, { token: rolled.body.key })).status, 200);
    assertProblem(
      await t.api.call('POST', `/v1/accounts/${a.id}/api-keys/${old.id}/roll`),
      404,
      'not_found',
      'keyId',
    );
    assertProblem(
      await t.api.call('DELETE', `/v1/accounts/${a.id}/api-keys/${old.id}`),
      404,
      'not_found',
      'keyId',
    );
  });

  it('rolls with a grace of 24 hours by default, and of none with expiresInSeconds 0', async () => {
    const old = await createKey('Default grace');
    const rolled = await t.api.call('POST', `/v1/accounts/${a.id}/api-keys/${old.id}/roll`);
    assert.equal(rolled.status, 201);
    secretsShown.push(rolled.body.key);
    const expiresAt = Date.parse(String((await keyById(a.id, old.id))?.['expiresAt']));
    assert.ok(Math.abs(expiresAt - (now() + 24 * 60 * MINUTE_MS)) < 5_000, 'the old key expires in a day');

    const again = await t.api.call('POST', `/v1/accounts/${a.id}/api-keys/${rolled.body.id}/roll`, {
      body: { expiresInSeconds: 0 },
    });
    assert.equal(again.status, 201);
    secretsShown.push(again.body.key);
    assertProblem(
      await t.api.call('GET', `/v1/accounts/${a.id}`, { token: rolled.body.key }),
      401,
      'unauthorized',
    );
    assert.equal(await keyById(a.id, rolled.body.id), undefined);
    assert.equal((await t.api.call('GET', `/v1/accounts/${a.id}`, { token: again.body.key })).status, 200);
  });

  it("answers another account's key and another account as missing (404)", async () => {
    const theirs = await createKey('Theirs', b.id);
    const asA = { token: a.apiKey };
    assertProblem(
      await t.api.call('DELETE', `/v1/accounts/${a.id}/api-keys/${theirs.id}`, asA),
      404,
      'not_found',
      'keyId',
    );
    assertProblem(
      await t.api.call('POST', `/v1/accounts/${a.id}/api-keys/${theirs.id}/roll`, asA),
      404,
      'not_found',
      'keyId',
    );
    for (const [method, path] of [
      ['GET', `/v1/accounts/${b.id}/api-keys`],
      ['POST', `/v1/accounts/${b.id}/api-keys`],
      ['DELETE', `/v1/accounts/${b.id}/api-keys/${theirs.id}`],
      ['POST', `/v1/accounts/${b.id}/api-keys/${theirs.id}/roll`],
    ] as const) {
      const body = method === 'POST' && !path.endsWith('/roll') ? { name: 'x' } : undefined;
      assertProblem(await t.api.call(method, path, { ...asA, body }), 404, 'not_found', 'accountId');
    }
    assert.equal((await t.api.call('GET', `/v1/accounts/${b.id}`, { token: theirs.key })).status, 200);
  });

  it('refuses bad input, naming the field', async () => {
    const path = `/v1/accounts/${a.id}/api-keys`;
    assertProblem(await t.api.call('POST', path, { body: {} }), 422, 'missing_field', 'name');
    assertProblem(await t.api.call('POST', path, { body: { name: '' } }), 422, 'invalid_field', 'name');
    assertProblem(
      await t.api.call('POST', path, { body: { name: 'x'.repeat(101) } }),
      422,
      'invalid_field',
      'name',
    );
    assertProblem(
      await t.api.call('POST', path, { body: { name: 'two\nlines' } }),
      422,
      'invalid_field',
      'name',
    );
    assertProblem(
      await t.api.call('POST', path, { body: { name: 'ok', scope: 'all' } }),
      422,
      'unknown_field',
      'scope',
    );
    const key = await createKey('Bad rolls');
    for (const expiresInSeconds of [-1, 604_801, 1.5]) {
      assertProblem(
        await t.api.call('POST', `${path}/${key.id}/roll`, { body: { expiresInSeconds } }),
        422,
        'invalid_field',
        'expiresInSeconds',
      );
    }
  });

  it('keeps the key of an account made before keys had names working', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'hookline-old-data-'));
    const accountId = 'acc_01JNB0000000000000000000000';
    const apiKey = `hk_${'o'.repeat(43)}`;
    const old = new Database(join(dataDir, 'hookline.db'));
    for (const step of SQLITE_MIGRATIONS.slice(0, 2)) old.exec(step);
    old.pragma('user_version = 2');
    old
      .prepare('INSERT INTO accounts (id, name, api_key_hash, created_at) VALUES (?, ?, ?, ?)')
      .run(accountId, 'Old shop', hashToken(apiKey), Date.parse('2025-01-01T00:00:00Z'));
    old.close();
    const migrated = await startTestServer({ HOOKLINE_DATA_DIR: dataDir });
    try {
      const account = await migrated.api.call('GET', `/v1/accounts/${accountId}`, { token: apiKey });
      assert.equal(account.status, 200);
      assert.equal(account.body.name, 'Old shop');
      const keys = await migrated.api.call('GET', `/v1/accounts/${accountId}/api-keys`, { token: apiKey });
      assert.deepEqual(
        keys.body.data.map((key: { name: string; prefix: string }) => [key.name, key.prefix]),
        [['Default', 'hk_…']],
      );
    } finally {
      await migrated.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('portal sessions', () => {
  it('opens a session: 201 with an absolute link on HOOKLINE_PUBLIC_URL', async () => {
    const pub = await startTestServer({ HOOKLINE_PUBLIC_URL: 'https://hooks.example.com' });
    try {
      const shop = await pub.createAccount('Public shop');
      const before = Date.now();
      const { body, token } = await openSession(shop.id, {}, pub);
      assert.deepEqual(Object.keys(body), ['id', 'url', 'expiresAt', 'locale', 'scope']);
      assert.match(body.id, /^ps_/);
      assert.equal(body.url, `https://hooks.example.com/portal#token=${token}`);
      assert.equal(body.locale, 'en');
      assert.equal(body.scope, null);
      const expiresAt = Date.parse(body.expiresAt);
      assert.ok(expiresAt >= before + 3_600_000 && expiresAt <= Date.now() + 3_600_000, body.expiresAt);
      // The account's own API key may open one too.
      const byKey = await pub.api.call('POST', `/v1/accounts/${shop.id}/portal-sessions`, {
        token: shop.apiKey,
      });
      assert.equal(byKey.status, 201);
      secretsShown.push(TOKEN_IN_URL.exec(byKey.body.url)?.[1] ?? '');
    } finally {
      await pub.close();
    }
  });

  it("without HOOKLINE_PUBLIC_URL, builds the link from the request's own origin", async () => {
    const { body, token } = await openSession(a.id);
    assert.equal(body.url, `${t.url}/portal#token=${token}`);
    const proxied = await t.api.call('POST', `/v1/accounts/${a.id}/portal-sessions`, {
      headers: { host: 'merchants.example.test:8443' },
    });
    assert.equal(proxied.status, 201);
    secretsShown.push(TOKEN_IN_URL.exec(proxied.body.url)?.[1] ?? '');
    assert.match(proxied.body.url, /^http:\/\/merchants\.example\.test:8443\/portal#token=hlp_/);
  });

  it("the link's token reaches its account: the session, the account, endpoints and API keys", async () => {
    const { body, token } = await openSession(a.id, { locale: 'nl', expiresInSeconds: 600 });
    const asSession = { token };
    const session = await t.api.call('GET', '/v1/portal-session', asSession);
    assert.equal(session.status, 200);
    assert.deepEqual(session.body, {
      id: body.id,
      accountId: a.id,
      accountName: 'Shop A',
      scope: null,
      locale: 'nl',
      expiresAt: body.expiresAt,
    });
    assert.equal((await t.api.call('GET', `/v1/accounts/${a.id}`, asSession)).body.name, 'Shop A');
    await createEndpoint(a.id, { description: 'from the portal' }, token);
    assert.equal((await t.api.call('GET', `/v1/accounts/${a.id}/endpoints`, asSession)).status, 200);
    assert.equal((await t.api.call('GET', `/v1/accounts/${a.id}/api-keys`, asSession)).status, 200);
    const key = await t.api.call('POST', `/v1/accounts/${a.id}/api-keys`, {
      ...asSession,
      body: { name: 'Portal' },
    });
    assert.equal(key.status, 201);
    secretsShown.push(key.body.key);
  });

  it('answers another account and its resources as missing (404)', async () => {
    const { token } = await openSession(a.id);
    const theirs = await createEndpoint(b.id, { description: "B's" });
    const asSession = { token };
    assertProblem(await t.api.call('GET', `/v1/accounts/${b.id}`, asSession), 404, 'not_found', 'accountId');
    assertProblem(
      await t.api.call('GET', `/v1/accounts/${b.id}/endpoints/${theirs.id}`, asSession),
      404,
      'not_found',
      'accountId',
    );
    assertProblem(
      await t.api.call('GET', `/v1/accounts/${a.id}/endpoints/${theirs.id}`, asSession),
      404,
      'not_found',
      'endpointId',
    );
    assertProblem(
      await t.api.call('POST', `/v1/accounts/${b.id}/portal-sessions`, { token: a.apiKey }),
      404,
      'not_found',
      'accountId',
    );
  });

  it("refuses the operator's routes (403)", async () => {
    const { token } = await openSession(a.id);
    const calls: [method: 'GET' | 'POST' | 'PATCH', path: string, body?: unknown][] = [
      ['POST', '/v1/accounts', { name: 'Mine now' }],
      ['GET', '/v1/accounts'],
      ['PATCH', `/v1/accounts/${a.id}`, { maxActiveUrls: 1_000 }],
      ['POST', `/v1/accounts/${a.id}/events`, { type: 'shop.order.paid', data: {} }],
      ['POST', `/v1/accounts/${a.id}/events/batch`, { events: [{ type: 'shop.order.paid', data: {} }] }],
    ];
    for (const [method, path, body] of calls) {
      assertProblem(await t.api.call(method, path, { token, body }), 403, 'forbidden', 'authorization');
    }
  });

  it('cannot open another session (403), and only a session has GET /v1/portal-session', async () => {
    const { token } = await openSession(a.id);
    assertProblem(
      await t.api.call('POST', `/v1/accounts/${a.id}/portal-sessions`, {
        token,
        body: { expiresInSeconds: 86_400 },
      }),
      403,
      'forbidden',
      'authorization',
    );
    assertProblem(await t.api.call('GET', '/v1/portal-session'), 403, 'forbidden', 'authorization');
    assertProblem(await t.api.call('GET', '/v1/portal-session', { token: a.apiKey }), 403, 'forbidden');
  });

  it('refuses a session once it expired (401), as an unknown one', async () => {
    const { token } = await openSession(a.id, { expiresInSeconds: 60 });
    assert.equal((await t.api.call('GET', `/v1/accounts/${a.id}`, { token })).status, 200);
    clockAheadMs += MINUTE_MS;
    for (const attempt of [token, `hlp_${'x'.repeat(43)}`]) {
      const res = await t.api.call('GET', `/v1/accounts/${a.id}`, { token: attempt });
      assertProblem(res, 401, 'unauthorized', 'authorization');
      assert.equal(res.body.detail, 'the portal session expired or is not valid');
    }
    assertProblem(await t.api.call('GET', '/v1/portal-session', { token }), 401, 'unauthorized');
  });

  it('refuses bad input, naming the field', async () => {
    const path = `/v1/accounts/${a.id}/portal-sessions`;
    const cases: [body: unknown, code: string, field: string][] = [
      [{ expiresInSeconds: 10 }, 'invalid_field', 'expiresInSeconds'],
      [{ expiresInSeconds: 86_401 }, 'invalid_field', 'expiresInSeconds'],
      [{ locale: 'de' }, 'invalid_field', 'locale'],
      [{ lang: 'nl' }, 'unknown_field', 'lang'],
      [{ scope: { productIds: ['prod_1'], shopIds: ['s'] } }, 'unknown_field', 'scope.shopIds'],
      [{ scope: { productIds: [''] } }, 'invalid_field', 'scope.productIds[0]'],
    ];
    for (const [body, code, field] of cases) {
      assertProblem(await t.api.call('POST', path, { body }), 422, code, field);
    }
  });
});

describe('a portal session limited to a scope', () => {
  let shop: { id: string; apiKey: string };
  let token: string;
  /** Endpoints the admin made: within the session's scope, or not. */
  const made: Record<string, { id: string }> = {};

  before(async () => {
    shop = await t.createAccount('Scoped shop');
    made['course'] = await createEndpoint(shop.id, { productIds: ['prod_course'] });
    made['club'] = await createEndpoint(shop.id, { productIds: ['prod_club'] });
    made['general'] = await createEndpoint(shop.id, {});
    made['courseAndCheckout'] = await createEndpoint(shop.id, {
      productIds: ['prod_course'],
      checkoutIds: ['chk_other'],
    });
    made['workbook'] = await createEndpoint(shop.id, { productIds: ['prod_workbook'] });
    ({ token } = await openSession(shop.id, {
      scope: { productIds: ['prod_course', 'prod_workbook'], checkoutIds: [] },
    }));
  });

  it('is told its scope', async () => {
    const session = await t.api.call('GET', '/v1/portal-session', { token });
    assert.deepEqual(session.body.scope, {
      productIds: ['prod_course', 'prod_workbook'],
      checkoutIds: [],
      upsellIds: [],
      plugIds: [],
    });
  });

  it('lists only the endpoints within its scope, page by page', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`;
      const page = await t.api.call('GET', `/v1/accounts/${shop.id}/endpoints?limit=1${query}`, { token });
      assert.equal(page.status, 200);
      assert.ok(page.body.data.length <= 1);
      seen.push(...page.body.data.map((e: { id: string }) => e.id));
      cursor = page.body.nextCursor;
      pages++;
    } while (cursor !== null && pages < 10);
    assert.deepEqual(seen, [made['course']!.id, made['workbook']!.id]);
    const whole = await t.api.call('GET', `/v1/accounts/${shop.id}/endpoints`, { token });
    assert.deepEqual(
      whole.body.data.map((e: { id: string }) => e.id),
      [made['course']!.id, made['workbook']!.id],
    );
  });

  it('answers an endpoint outside its scope as missing (404) on every endpoint route', async () => {
    for (const outside of [made['club']!, made['general']!, made['courseAndCheckout']!]) {
      const path = `/v1/accounts/${shop.id}/endpoints/${outside.id}`;
      const calls: [method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown][] = [
        ['GET', path],
        ['PATCH', path, { description: 'mine now' }],
        ['DELETE', path],
        ['GET', `${path}/secret`],
        ['POST', `${path}/secret/rotate`],
        ['POST', `${path}/test`],
        ['POST', `${path}/recover`, { since: '2000-01-01T00:00:00Z' }],
      ];
      for (const [method, callPath, body] of calls) {
        assertProblem(await t.api.call(method, callPath, { token, body }), 404, 'not_found', 'endpointId');
      }
      assert.equal((await t.api.call('GET', path)).status, 200, 'still there for the admin');
    }
    const inside = `/v1/accounts/${shop.id}/endpoints/${made['course']!.id}`;
    assert.equal((await t.api.call('GET', inside, { token })).status, 200);
    assert.equal((await t.api.call('GET', `${inside}/secret`, { token })).status, 200);
  });

  it('creates an endpoint without a scope with its own scope', async () => {
    const created = await createEndpoint(shop.id, { description: 'no scope given' }, token);
    assert.deepEqual(created.productIds, ['prod_course', 'prod_workbook']);
    assert.deepEqual(created.checkoutIds, []);
    const narrower = await createEndpoint(shop.id, { productIds: ['prod_workbook'] }, token);
    assert.deepEqual(narrower.productIds, ['prod_workbook']);
  });

  it('refuses a scope beyond its own (403 scope_forbidden, naming the list)', async () => {
    const path = `/v1/accounts/${shop.id}/endpoints`;
    const cases: [body: Record<string, unknown>, field: string][] = [
      [{ productIds: ['prod_club'] }, 'productIds'],
      [{ productIds: ['prod_course', 'prod_club'] }, 'productIds'],
      [{ productIds: ['prod_course'], checkoutIds: ['chk_1'] }, 'checkoutIds'],
      [{ upsellIds: ['ups_1'] }, 'upsellIds'],
      [{ productIds: [] }, 'productIds'],
      [{ plugIds: [] }, 'plugIds'],
    ];
    for (const [scope, field] of cases) {
      const res = await t.api.call('POST', path, { token, body: { url: HOOK_URL, ...scope } });
      assertProblem(res, 403, 'scope_forbidden', field);
    }
    const inside = `${path}/${made['course']!.id}`;
    assertProblem(
      await t.api.call('PATCH', inside, { token, body: { productIds: ['prod_club'] } }),
      403,
      'scope_forbidden',
      'productIds',
    );
    assertProblem(
      await t.api.call('PATCH', inside, { token, body: { productIds: [] } }),
      403,
      'scope_forbidden',
      'productIds',
    );
    const patched = await t.api.call('PATCH', inside, { token, body: { productIds: ['prod_workbook'] } });
    assert.equal(patched.status, 200);
    assert.deepEqual(patched.body.productIds, ['prod_workbook']);
  });

  it('may not manage API keys or REST hooks (403)', async () => {
    const keys = `/v1/accounts/${shop.id}/api-keys`;
    assertProblem(await t.api.call('GET', keys, { token }), 403, 'forbidden', 'authorization');
    assertProblem(await t.api.call('POST', keys, { token, body: { name: 'x' } }), 403, 'forbidden');
    const hooks = `/v1/accounts/${shop.id}/hooks`;
    assertProblem(
      await t.api.call('POST', hooks, { token, body: { target_url: HOOK_URL, event: 'order.paid' } }),
      403,
      'forbidden',
    );
  });
});

describe('the logs', () => {
  it('hold no API key or portal session token that the server handed out', () => {
    assert.ok(secretsShown.length > 10);
    for (const secret of secretsShown) {
      assert.ok(secret.length > 20, 'a secret was captured');
      assert.equal(
        logLines.some((line) => line.includes(secret)),
        false,
      );
    }
  });
});
