// The API rate limits through the real server: tiny limits (an API key 2 a second, its account 3, the
// admin token 4) on a clock the test moves, so a window passes without waiting for it.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { type ApiResponse, startTestServer, type TestServer } from './support/test-server.ts';

const LIMITS = {
  HOOKLINE_RATE_LIMIT_KEY: '2',
  HOOKLINE_RATE_LIMIT_ACCOUNT: '3',
  HOOKLINE_RATE_LIMIT_ADMIN: '4',
  HOOKLINE_RATE_LIMIT_WINDOW: '1s',
};
const KEY_POLICY = '"api-key";q=2;w=1, "account";q=3;w=1';
const TOKEN_IN_URL = /#token=(hlp_[A-Za-z0-9_-]{43})$/;

describe('API rate limits', () => {
  const clock = { ms: 0 };
  let ts: TestServer;
  let accountId: string;
  let apiKey: string;
  let secondKey: string;
  let otherAccount: { id: string; apiKey: string };
  const endpoints = () => `/v1/accounts/${accountId}/endpoints`;
  /** A minute on the limits' clock: every bucket is full again. */
  const rest = () => {
    clock.ms += 60_000;
  };

  before(async () => {
    ts = await startTestServer(LIMITS, { rateLimitClock: () => clock.ms });
    ({ id: accountId, apiKey } = await ts.createAccount('Busy shop'));
    otherAccount = await ts.createAccount('Quiet shop');
    rest();
    const created = await ts.api.call('POST', `/v1/accounts/${accountId}/api-keys`, { body: { name: 'CI' } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    secondKey = created.body.key;
  });
  beforeEach(rest);
  after(() => ts.close());

  function assertRefused(response: ApiResponse, policy: string, limit: number, detail: RegExp) {
    assert.equal(response.status, 429, JSON.stringify(response.body));
    assert.equal(response.headers['content-type'], 'application/problem+json; charset=utf-8');
    assert.equal(response.headers['retry-after'], '1');
    assert.equal(response.body.code, 'rate_limited');
    assert.equal(response.body.title, 'Too Many Requests');
    assert.equal(response.body.policy, policy);
    assert.equal(response.body.limit, limit);
    assert.match(response.body.detail, detail);
  }

  test('an API key may make its burst, then is refused with 429, Retry-After and the RateLimit fields', async () => {
    const first = await ts.api.call('GET', endpoints(), { token: apiKey });
    assert.equal(first.status, 200);
    assert.equal(first.headers['ratelimit-policy'], KEY_POLICY);
    assert.equal(first.headers['ratelimit'], '"api-key";r=1;t=1, "account";r=2;t=1');
    assert.equal(first.headers['retry-after'], undefined);
    const second = await ts.api.call('GET', endpoints(), { token: apiKey });
    assert.equal(second.headers['ratelimit'], '"api-key";r=0;t=1, "account";r=1;t=1');

    const third = await ts.api.call('GET', endpoints(), { token: apiKey });
    assertRefused(third, 'api-key', 2, /^this API key may make 2 requests a second; retry in 1 s$/);
    assert.equal(third.headers['ratelimit-policy'], KEY_POLICY);
    assert.equal(third.headers['ratelimit'], '"api-key";r=0;t=1, "account";r=1;t=1');
    // A write is refused the same way, before its body is looked at.
    const write = await ts.api.call('POST', endpoints(), { token: apiKey, rawBody: '{not json' });
    assertRefused(write, 'api-key', 2, /API key/);
  });

  test('refused requests use nothing: half a second later (one interval) the key gets one more', async () => {
    for (let i = 0; i < 2; i++)
      assert.equal((await ts.api.call('GET', endpoints(), { token: apiKey })).status, 200);
    for (let i = 0; i < 5; i++)
      assert.equal((await ts.api.call('GET', endpoints(), { token: apiKey })).status, 429);
    clock.ms += 499;
    assert.equal((await ts.api.call('GET', endpoints(), { token: apiKey })).status, 429);
    clock.ms += 1;
    const back = await ts.api.call('GET', endpoints(), { token: apiKey });
    assert.equal(back.status, 200);
    assert.equal(back.headers['ratelimit'], '"api-key";r=0;t=1, "account";r=1;t=1');
    assert.equal((await ts.api.call('GET', endpoints(), { token: apiKey })).status, 429);
    clock.ms += 1_000;
    assert.equal((await ts.api.call('GET', endpoints(), { token: apiKey })).status, 200);
  });

  test('the keys of one account share its limit; another account is not held back', async () => {
    for (let i = 0; i < 2; i++)
      assert.equal((await ts.api.call('GET', endpoints(), { token: apiKey })).status, 200);
    assert.equal((await ts.api.call('GET', endpoints(), { token: secondKey })).status, 200);
    const refused = await ts.api.call('GET', endpoints(), { token: secondKey });
    assertRefused(
      refused,
      'account',
      3,
      /^this account's API keys and portal sessions may make 3 requests a second; retry in 1 s$/,
    );
    assert.equal(refused.headers['ratelimit'], '"api-key";r=1;t=1, "account";r=0;t=1');
    const other = await ts.api.call('GET', `/v1/accounts/${otherAccount.id}/endpoints`, {
      token: otherAccount.apiKey,
    });
    assert.equal(other.status, 200);
    assert.equal(other.headers['ratelimit'], '"api-key";r=1;t=1, "account";r=2;t=1');
  });

  test('a portal session counts against its account, and shows that limit alone', async () => {
    const opened = await ts.api.call('POST', `/v1/accounts/${accountId}/portal-sessions`, { body: {} });
    assert.equal(opened.status, 201, JSON.stringify(opened.body));
    const session = TOKEN_IN_URL.exec(opened.body.url)?.[1];
    assert.ok(session);
    const first = await ts.api.call('GET', '/v1/portal-session', { token: session });
    assert.equal(first.status, 200);
    assert.equal(first.headers['ratelimit-policy'], '"account";q=3;w=1');
    assert.equal(first.headers['ratelimit'], '"account";r=2;t=1');
    for (let i = 0; i < 2; i++)
      assert.equal((await ts.api.call('GET', endpoints(), { token: session })).status, 200);
    assertRefused(await ts.api.call('GET', endpoints(), { token: session }), 'account', 3, /this account's/);
    // The session used up the account: its keys are held back too.
    assertRefused(await ts.api.call('GET', endpoints(), { token: apiKey }), 'account', 3, /this account's/);
  });

  test('the admin token has its own limit, and reaches an account whose keys are held back', async () => {
    for (let i = 0; i < 2; i++) await ts.api.call('GET', endpoints(), { token: apiKey });
    await ts.api.call('GET', endpoints(), { token: secondKey });
    assert.equal((await ts.api.call('GET', endpoints(), { token: secondKey })).status, 429);

    const admin = await ts.api.call('GET', endpoints());
    assert.equal(admin.status, 200);
    assert.equal(admin.headers['ratelimit-policy'], '"admin";q=4;w=1');
    assert.equal(admin.headers['ratelimit'], '"admin";r=3;t=1');
    for (let i = 0; i < 3; i++) assert.equal((await ts.api.call('GET', '/v1/accounts')).status, 200);
    const refused = await ts.api.call('POST', `/v1/accounts/${accountId}/events`, {
      body: { type: 'order.paid', data: {} },
    });
    assertRefused(refused, 'admin', 4, /^the admin token may make 4 requests a second; retry in 1 s$/);
    assert.equal(refused.headers['ratelimit'], '"admin";r=0;t=1');
    // The account's own keys were not charged for the admin's requests.
    clock.ms += 1_000;
    const key = await ts.api.call('GET', endpoints(), { token: apiKey });
    assert.equal(key.headers['ratelimit'], '"api-key";r=1;t=1, "account";r=2;t=1');
  });

  test('unauthenticated requests are neither limited nor charged, and the operations routes carry no fields', async () => {
    for (let i = 0; i < 10; i++) {
      const refused = await ts.api.call('GET', endpoints(), { token: 'hk_not_a_key' });
      assert.equal(refused.status, 401);
      assert.equal(refused.headers['ratelimit'], undefined);
      assert.equal(refused.headers['ratelimit-policy'], undefined);
    }
    const health = await ts.api.call('GET', '/healthz', { token: null });
    assert.equal(health.status, 200);
    assert.equal(health.headers['ratelimit'], undefined);
    const first = await ts.api.call('GET', endpoints(), { token: apiKey });
    assert.equal(first.headers['ratelimit'], '"api-key";r=1;t=1, "account";r=2;t=1');
  });

  test('/metrics counts the refusals by the limit that refused', async () => {
    for (let i = 0; i < 3; i++) await ts.api.call('GET', endpoints(), { token: apiKey });
    const metrics = await ts.api.call('GET', '/metrics', { token: null });
    assert.match(metrics.body, /^hookline_api_rate_limited_total\{policy="api-key"\} [1-9]\d*$/m);
    assert.match(metrics.body, /^hookline_api_rate_limited_total\{policy="account"\} [1-9]\d*$/m);
    assert.match(metrics.body, /^hookline_api_rate_limited_total\{policy="admin"\} [1-9]\d*$/m);
  });
});

describe('API rate limits turned off', () => {
  let ts: TestServer;
  before(async () => {
    ts = await startTestServer({
      HOOKLINE_RATE_LIMIT_KEY: 'off',
      HOOKLINE_RATE_LIMIT_ACCOUNT: '0',
      HOOKLINE_RATE_LIMIT_ADMIN: '2',
    });
  });
  after(() => ts.close());

  test('a caller with no limit gets no fields and is never refused; one with a limit still is', async () => {
    const { id, apiKey } = await ts.createAccount();
    for (let i = 0; i < 20; i++) {
      const response = await ts.api.call('GET', `/v1/accounts/${id}/endpoints`, { token: apiKey });
      assert.equal(response.status, 200);
      assert.equal(response.headers['ratelimit'], undefined);
      assert.equal(response.headers['ratelimit-policy'], undefined);
    }
    const admin = await ts.api.call('GET', '/v1/accounts');
    assert.equal(admin.headers['ratelimit-policy'], '"admin";q=2;w=1');
  });
});
