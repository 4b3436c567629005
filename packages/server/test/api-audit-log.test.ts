/**
 * The audit log over real HTTP: every audited action leaves one entry naming its actor (the admin, the
 * API key by id and name, the portal session), the address the request came from (each actor here
 * calls from its own loopback address) and what changed, and no entry holds a secret, a key, a token
 * or a header value. An account's key reads its own log only, a scoped portal session none, the
 * operator every account's; no route writes to the log, and publishing adds nothing to it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Agent, request } from 'undici';
import { type Receiver, startReceiver } from './support/receiver.ts';
import { registerEventTypes, startTestServer, type TestServer, waitFor } from './support/test-server.ts';

const TOKEN_IN_URL = /#token=(hlp_[A-Za-z0-9_-]{43})$/;
const HEADER_VALUE = 'Bearer receiver-credential-0451';
const OWN_SECRET = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;

let t: TestServer;
let receiver: Receiver;
/** Every secret, key and token handed out or sent: none may appear in an audit log answer. */
const secrets: string[] = [];
/** One client per loopback address, so each actor's address is its own. */
const agents = new Map<string, Agent>();

interface Answer {
  readonly status: number;
  // biome-ignore lint/suspicious/noExplicitAny: tests read response fields ad hoc and assert on them
  readonly body: any;
  readonly text: string;
}

/** Calls the API from `from` (a loopback address) with `token`. */
async function call(
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
  path: string,
  options: { token: string; from: string; body?: unknown },
): Promise<Answer> {
  let agent = agents.get(options.from);
  if (!agent) {
    agent = new Agent({ localAddress: options.from });
    agents.set(options.from, agent);
  }
  const headers: Record<string, string> = { authorization: `Bearer ${options.token}` };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await request(t.url + path, {
    method,
    headers,
    body: options.body === undefined ? null : JSON.stringify(options.body),
    dispatcher: agent,
  });
  const text = await response.body.text();
  return { status: response.statusCode, body: text === '' ? undefined : JSON.parse(text), text };
}

/** Calls and expects `status`. */
async function ok(
  status: number,
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  path: string,
  options: { token: string; from: string; body?: unknown },
): Promise<Answer> {
  const answer = await call(method, path, options);
  assert.equal(answer.status, status, `${method} ${path}: ${answer.text}`);
  return answer;
}

/** The newest entries of a log (an account's, or the operator's), checked to hold no secret. */
async function log(path: string, token: string, query = '') {
  const answer = await ok(200, 'GET', `${path}?limit=250${query}`, { token, from: '127.0.0.1' });
  for (const secret of secrets) {
    assert.ok(!answer.text.includes(secret), `the audit log shows ${secret.slice(0, 12)}…: ${answer.text}`);
  }
  return answer.body.data as AuditEntry[];
}

interface AuditEntry {
  id: string;
  accountId: string | null;
  at: string;
  actor: { type: string; id: string | null; label: string | null };
  address: string;
  action: string;
  target: { type: string; id: string };
  details: Record<string, unknown>;
}

before(async () => {
  t = await startTestServer();
  await registerEventTypes(t.api, ['audit.check', 'audit.other']);
  receiver = await startReceiver();
  secrets.push(t.adminToken, HEADER_VALUE, OWN_SECRET);
});
after(async () => {
  await t.close();
  await receiver.close();
  await Promise.all([...agents.values()].map((agent) => agent.close()));
});

describe('each audited action records its actor, address and what it did', () => {
  const admin = () => ({ token: t.adminToken, from: '127.0.0.2' });
  let accountId: string;
  let key: { id: string; token: string; label: string };
  const byKey = () => ({ token: key.token, from: '127.0.0.3' });
  let endpointId: string;
  let logPath: string;
  let createdBetween: [number, number];
  /** The account's entries made since the previous call, oldest first. */
  let seen = 0;
  const newEntries = async () => {
    const entries = (await log(logPath, t.adminToken)).reverse();
    const fresh = entries.slice(seen);
    seen = entries.length;
    return fresh;
  };
  const only = async () => {
    const fresh = await newEntries();
    assert.equal(fresh.length, 1, JSON.stringify(fresh));
    return fresh[0] as AuditEntry;
  };

  before(async () => {
    const startedAt = Date.now();
    const created = await ok(201, 'POST', '/v1/accounts', { ...admin(), body: { name: 'Audited shop' } });
    createdBetween = [startedAt, Date.now()];
    accountId = created.body.id;
    logPath = `/v1/accounts/${accountId}/audit-log`;
    secrets.push(created.body.apiKey);
    const keys = await ok(200, 'GET', `/v1/accounts/${accountId}/api-keys`, admin());
    const first = keys.body.data[0];
    key = { id: first.id, token: created.body.apiKey, label: `Default (${first.prefix})` };
  });

  test('account.created, by the admin, with the first key named by id and prefix', async () => {
    const entry = await only();
    assert.equal(entry.action, 'account.created');
    assert.equal(entry.accountId, accountId);
    assert.deepEqual(entry.actor, { type: 'admin', id: null, label: null });
    assert.equal(entry.address, '127.0.0.2');
    assert.deepEqual(entry.target, { type: 'account', id: accountId });
    assert.deepEqual(entry.details, {
      name: 'Audited shop',
      apiKeyId: key.id,
      apiKeyPrefix: key.label.slice('Default ('.length, -1),
    });
    assert.match(entry.id, /^aud_[0-9A-Z]{26}$/);
    const at = Date.parse(entry.at);
    assert.ok(at >= createdBetween[0] && at <= createdBetween[1], entry.at);
  });

  test('endpoint.created, by an API key: its settings, header names without their values, no secret', async () => {
    const created = await ok(201, 'POST', `/v1/accounts/${accountId}/endpoints`, {
      ...byKey(),
      body: {
        url: receiver.url,
        eventTypes: ['audit.check'],
        headers: { Authorization: HEADER_VALUE },
        secret: OWN_SECRET,
        productIds: ['prod_course'],
      },
    });
    endpointId = created.body.id;
    const entry = await only();
    assert.equal(entry.action, 'endpoint.created');
    assert.deepEqual(entry.actor, { type: 'api_key', id: key.id, label: key.label });
    assert.equal(entry.address, '127.0.0.3');
    assert.deepEqual(entry.target, { type: 'endpoint', id: endpointId });
    assert.deepEqual(entry.details['urls'], [receiver.url]);
    assert.deepEqual(entry.details['headers'], ['Authorization']);
    assert.deepEqual(entry.details['productIds'], ['prod_course']);
    assert.equal(entry.details['source'], 'api');
    assert.ok(!('secret' in entry.details));
  });

  test('endpoint.updated names the fields changed, with their values before and after', async () => {
    await ok(200, 'PATCH', `/v1/accounts/${accountId}/endpoints/${endpointId}`, {
      ...byKey(),
      body: {
        description: 'Orders',
        eventTypes: ['audit.check', 'audit.other'],
        // The same header with another value: named, the values never shown.
        headers: { Authorization: `${HEADER_VALUE}-rotated` },
        timeoutMs: 5_000,
        // As it was: not named.
        productIds: ['prod_course'],
      },
    });
    secrets.push(`${HEADER_VALUE}-rotated`);
    const entry = await only();
    assert.equal(entry.action, 'endpoint.updated');
    assert.deepEqual(entry.details, {
      fields: ['description', 'eventTypes', 'headers', 'timeoutMs'],
      changes: {
        description: { from: '', to: 'Orders' },
        eventTypes: { from: ['audit.check'], to: ['audit.check', 'audit.other'] },
        headers: { from: ['Authorization'], to: ['Authorization'] },
        timeoutMs: { from: null, to: 5_000 },
      },
    });
  });

  test('endpoint.secret_revealed and endpoint.secret_rotated, without either secret', async () => {
    const shown = await ok(200, 'GET', `/v1/accounts/${accountId}/endpoints/${endpointId}/secret`, byKey());
    assert.equal(shown.body.secret, OWN_SECRET);
    const revealed = await only();
    assert.equal(revealed.action, 'endpoint.secret_revealed');
    assert.deepEqual(revealed.target, { type: 'endpoint', id: endpointId });
    assert.deepEqual(revealed.details, {});

    const rotated = await ok(
      200,
      'POST',
      `/v1/accounts/${accountId}/endpoints/${endpointId}/secret/rotate`,
      byKey(),
    );
    secrets.push(rotated.body.secret);
    const entry = await only();
    assert.equal(entry.action, 'endpoint.secret_rotated');
    assert.deepEqual(entry.details, {
      ownSecret: false,
      previousSecretExpiresAt: rotated.body.previousSecretExpiresAt,
    });
  });

  test('api_key.created, api_key.rolled and api_key.revoked, with names and prefixes, never a key', async () => {
    const made = await ok(201, 'POST', `/v1/accounts/${accountId}/api-keys`, {
      ...byKey(),
      body: { name: 'CI' },
    });
    secrets.push(made.body.key);
    const createdEntry = await only();
    assert.equal(createdEntry.action, 'api_key.created');
    assert.deepEqual(createdEntry.target, { type: 'api_key', id: made.body.id });
    assert.deepEqual(createdEntry.details, { name: 'CI', prefix: made.body.prefix });

    const rolled = await ok(201, 'POST', `/v1/accounts/${accountId}/api-keys/${made.body.id}/roll`, {
      ...byKey(),
      body: { expiresInSeconds: 60 },
    });
    secrets.push(rolled.body.key);
    const rolledEntry = await only();
    assert.equal(rolledEntry.action, 'api_key.rolled');
    assert.deepEqual(rolledEntry.target, { type: 'api_key', id: made.body.id });
    assert.equal(rolledEntry.details['name'], 'CI');
    assert.deepEqual(rolledEntry.details['replacedBy'], { id: rolled.body.id, prefix: rolled.body.prefix });

    // The new key revokes the old one: the entry names the key that acted, by its own id.
    await ok(204, 'DELETE', `/v1/accounts/${accountId}/api-keys/${made.body.id}`, {
      token: rolled.body.key,
      from: '127.0.0.4',
    });
    const revoked = await only();
    assert.equal(revoked.action, 'api_key.revoked');
    assert.deepEqual(revoked.actor, {
      type: 'api_key',
      id: rolled.body.id,
      label: `CI (${rolled.body.prefix})`,
    });
    assert.equal(revoked.address, '127.0.0.4');
    assert.deepEqual(revoked.details, { name: 'CI', prefix: made.body.prefix });
  });

  test('portal_session.created, and what the session then changes is its own', async () => {
    const opened = await ok(201, 'POST', `/v1/accounts/${accountId}/portal-sessions`, {
      ...byKey(),
      body: { locale: 'nl', scope: { productIds: ['prod_course'] } },
    });
    const token = TOKEN_IN_URL.exec(opened.body.url)?.[1] as string;
    secrets.push(token);
    const entry = await only();
    assert.equal(entry.action, 'portal_session.created');
    assert.deepEqual(entry.target, { type: 'portal_session', id: opened.body.id });
    assert.deepEqual(entry.details, {
      scope: { productIds: ['prod_course'], checkoutIds: [], upsellIds: [], plugIds: [] },
      locale: 'nl',
      expiresAt: opened.body.expiresAt,
    });

    await ok(200, 'PATCH', `/v1/accounts/${accountId}/endpoints/${endpointId}`, {
      token,
      from: '127.0.0.5',
      body: { enabled: false },
    });
    const changed = await only();
    assert.equal(changed.action, 'endpoint.updated');
    assert.deepEqual(changed.actor, { type: 'portal_session', id: opened.body.id, label: null });
    assert.equal(changed.address, '127.0.0.5');
    assert.deepEqual(changed.details['fields'], ['enabled']);
    await ok(200, 'PATCH', `/v1/accounts/${accountId}/endpoints/${endpointId}`, {
      token,
      from: '127.0.0.5',
      body: { enabled: true },
    });
    await only();
  });

  test('account.updated: a retention changed by the admin, before and after', async () => {
    await ok(200, 'PATCH', `/v1/accounts/${accountId}`, { ...admin(), body: { retention: '90d' } });
    const entry = await only();
    assert.equal(entry.action, 'account.updated');
    assert.deepEqual(entry.actor, { type: 'admin', id: null, label: null });
    assert.deepEqual(entry.details, {
      fields: ['retention'],
      changes: { retention: { from: null, to: '90d' } },
    });
    await ok(200, 'PATCH', `/v1/accounts/${accountId}`, {
      ...admin(),
      body: { maxActiveUrls: 3, retention: null },
    });
    assert.deepEqual((await only()).details, {
      fields: ['maxActiveUrls', 'retention'],
      changes: { maxActiveUrls: { from: null, to: 3 }, retention: { from: '90d', to: null } },
    });
  });

  test('publishing and delivering add nothing; delivery.resent and deliveries.recovered do', async () => {
    const published = await ok(202, 'POST', `/v1/accounts/${accountId}/events`, {
      ...admin(),
      body: {
        type: 'audit.check',
        data: { order: { id: 'ord_1', lines: [{ id: 'l', productId: 'prod_course' }] } },
      },
    });
    const deliveryId = published.body.deliveries[0] as string;
    await waitFor(
      async () =>
        (await ok(200, 'GET', `/v1/accounts/${accountId}/deliveries/${deliveryId}`, byKey())).body.status ===
        'succeeded',
      { what: 'the delivery' },
    );
    assert.deepEqual(await newEntries(), [], 'a publish and its delivery are not audited');

    await ok(202, 'POST', `/v1/accounts/${accountId}/deliveries/${deliveryId}/retry`, byKey());
    const resent = await only();
    assert.equal(resent.action, 'delivery.resent');
    assert.deepEqual(resent.target, { type: 'delivery', id: deliveryId });
    assert.deepEqual(resent.details, { endpointId, eventId: published.body.id, url: receiver.url });

    const since = new Date(Date.now() - 3_600_000).toISOString();
    await ok(202, 'POST', `/v1/accounts/${accountId}/endpoints/${endpointId}/recover`, {
      ...byKey(),
      body: { since },
    });
    const recovered = await only();
    assert.equal(recovered.action, 'deliveries.recovered');
    assert.deepEqual(recovered.target, { type: 'endpoint', id: endpointId });
    assert.equal(recovered.details['since'], since);
    assert.equal(recovered.details['recovered'], 0);
  });

  test('REST hooks: subscribing and unsubscribing create and delete an endpoint', async () => {
    const hook = await ok(201, 'POST', `/v1/accounts/${accountId}/hooks`, {
      ...byKey(),
      body: { target_url: `${receiver.url}?hook`, event: 'audit.check' },
    });
    secrets.push(hook.body.secret);
    const subscribed = await only();
    assert.equal(subscribed.action, 'endpoint.created');
    assert.equal(subscribed.details['source'], 'rest_hook');
    await ok(204, 'DELETE', `/v1/accounts/${accountId}/hooks/${hook.body.id}`, byKey());
    const unsubscribed = await only();
    assert.equal(unsubscribed.action, 'endpoint.deleted');
    assert.deepEqual(unsubscribed.target, { type: 'endpoint', id: hook.body.id });
  });

  test('endpoint.deleted keeps what the endpoint was', async () => {
    await ok(204, 'DELETE', `/v1/accounts/${accountId}/endpoints/${endpointId}`, byKey());
    const entry = await only();
    assert.equal(entry.action, 'endpoint.deleted');
    assert.deepEqual(entry.details['urls'], [receiver.url]);
    assert.equal(entry.details['description'], 'Orders');
    assert.deepEqual(entry.details['headers'], ['Authorization']);
  });

  test("event_type.created is the operator's, of no account: in the whole log, not the account's", async () => {
    await ok(201, 'POST', '/v1/event-types', {
      ...admin(),
      body: {
        name: 'audit.registered',
        description: 'For the audit log',
        schema: { type: 'object' },
        example: {},
      },
    });
    assert.deepEqual(await newEntries(), []);
    const [entry] = await log('/v1/audit-log', t.adminToken, '&action=event_type.created');
    assert.equal(entry?.accountId, null);
    assert.deepEqual(entry?.target, { type: 'event_type', id: 'audit.registered' });
    assert.deepEqual(entry?.details, { description: 'For the audit log' });
  });

  test('the log filters by action and time, and pages newest first', async () => {
    const updates = await log(logPath, key.token, '&action=endpoint.updated');
    assert.deepEqual(
      updates.map((e) => e.action),
      ['endpoint.updated', 'endpoint.updated', 'endpoint.updated'],
    );
    const everything = await log(logPath, key.token);
    const middle = everything[5] as AuditEntry;
    const newer = await log(logPath, key.token, `&since=${encodeURIComponent(middle.at)}`);
    assert.ok(newer.every((e) => e.at >= middle.at));
    const older = await log(logPath, key.token, `&until=${encodeURIComponent(middle.at)}`);
    assert.ok(older.every((e) => e.at < middle.at));
    assert.equal(newer.length + older.length, everything.length);

    const pages: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `?limit=4${cursor === null ? '' : `&cursor=${cursor}`}`;
      const page = await ok(200, 'GET', `${logPath}${query}`, byKey());
      pages.push(...page.body.data.map((e: AuditEntry) => e.id));
      cursor = page.body.nextCursor;
    } while (cursor !== null);
    assert.deepEqual(
      pages,
      everything.map((e) => e.id),
    );
    const refused = await call('GET', `${logPath}?action=endpoint.published`, byKey());
    assert.equal(refused.status, 422, refused.text);
  });
});

describe('who may read the log, and that nobody may write it', () => {
  let a: { id: string; apiKey: string };
  let b: { id: string; apiKey: string };
  const as = (token: string) => ({ token, from: '127.0.0.1' });

  before(async () => {
    a = await t.createAccount('Reader A');
    b = await t.createAccount('Reader B');
    secrets.push(a.apiKey, b.apiKey);
  });

  test("an account's key reads its own log; another account's is not found, the operator's forbidden", async () => {
    const own = await ok(200, 'GET', `/v1/accounts/${a.id}/audit-log`, as(a.apiKey));
    assert.ok(own.body.data.every((e: AuditEntry) => e.accountId === a.id));
    assert.equal((await call('GET', `/v1/accounts/${b.id}/audit-log`, as(a.apiKey))).status, 404);
    const operator = await call('GET', '/v1/audit-log', as(a.apiKey));
    assert.equal(operator.status, 403, operator.text);
    assert.equal(operator.body.code, 'forbidden');
    assert.equal((await call('GET', `/v1/audit-log?accountId=${a.id}`, as(a.apiKey))).status, 403);
  });

  test('a portal session of the whole account reads the log; one limited to some products may not', async () => {
    const open = async (body: unknown) => {
      const opened = await ok(201, 'POST', `/v1/accounts/${a.id}/portal-sessions`, { ...as(a.apiKey), body });
      const token = TOKEN_IN_URL.exec(opened.body.url)?.[1] as string;
      secrets.push(token);
      return token;
    };
    const whole = await open({});
    assert.equal((await call('GET', `/v1/accounts/${a.id}/audit-log`, as(whole))).status, 200);
    assert.equal((await call('GET', '/v1/audit-log', as(whole))).status, 403);
    const scoped = await open({ scope: { productIds: ['prod_course'] } });
    const refused = await call('GET', `/v1/accounts/${a.id}/audit-log`, as(scoped));
    assert.equal(refused.status, 403, refused.text);
    assert.equal(refused.body.code, 'forbidden');
  });

  test("the operator reads every account's entries, or one account's", async () => {
    const everything = await log('/v1/audit-log', t.adminToken);
    const accounts = new Set(everything.map((e) => e.accountId));
    assert.ok(accounts.has(a.id) && accounts.has(b.id) && accounts.has(null), [...accounts].join());
    const onlyB = await log('/v1/audit-log', t.adminToken, `&accountId=${b.id}`);
    assert.ok(onlyB.length > 0 && onlyB.every((e) => e.accountId === b.id));
    const missing = await call('GET', '/v1/audit-log?accountId=acc_missing', as(t.adminToken));
    assert.equal(missing.status, 404, missing.text);
  });

  test('no route adds, changes or deletes an entry', async () => {
    const entriesBefore = await log('/v1/audit-log', t.adminToken);
    const entryId = (entriesBefore[0] as AuditEntry).id;
    for (const token of [t.adminToken, a.apiKey]) {
      for (const path of [`/v1/accounts/${a.id}/audit-log`, '/v1/audit-log']) {
        for (const method of ['POST', 'PUT', 'PATCH', 'DELETE'] as const) {
          for (const target of [path, `${path}/${entryId}`]) {
            const answer = await call(method, target, { ...as(token), body: { action: 'account.created' } });
            assert.equal(answer.status, 404, `${method} ${target}: ${answer.text}`);
            assert.equal(answer.body.code, 'route_not_found');
          }
        }
      }
    }
    assert.deepEqual(await log('/v1/audit-log', t.adminToken), entriesBefore);
  });

  test('the OpenAPI document describes both routes and the entry', async () => {
    const document = await ok(200, 'GET', '/openapi.json', as(t.adminToken));
    const paths = document.body.paths as Record<string, Record<string, unknown>>;
    assert.ok(paths['/v1/accounts/{accountId}/audit-log']?.['get']);
    assert.ok(paths['/v1/audit-log']?.['get']);
    assert.deepEqual(Object.keys(paths['/v1/audit-log'] ?? {}), ['get']);
    const listed = JSON.stringify(paths['/v1/audit-log']);
    for (const word of [
      'accountId',
      'action',
      'since',
      'until',
      'cursor',
      'endpoint.secret_rotated',
      'actor',
    ]) {
      assert.ok(listed.includes(word), `the document names ${word}`);
    }
  });
});
