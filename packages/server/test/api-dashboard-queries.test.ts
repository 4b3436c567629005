/**
 * What a dashboard asks of API v1 beyond the logs themselves: the deliveries and events lists filtered
 * by event type and creation time, each webhook's recent attempts, the URLs an account has receiving,
 * and the operator's overview of the server; against a real server delivering to real receivers.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Receiver, startReceiver } from './support/receiver.ts';
import { type ApiResponse, startTestServer, type TestServer, waitFor } from './support/test-server.ts';

interface Delivery {
  id: string;
  eventId: string;
  eventType: string;
  endpointId: string;
  status: string;
  createdAt: string;
}

interface Published {
  id: string;
  createdAt: string;
  deliveries: string[];
}

let t: TestServer;
/** Answers 200. */
let ok: Receiver;
/** Answers 500. */
let failing: Receiver;

before(async () => {
  ok = await startReceiver('/ok');
  failing = await startReceiver('/failing');
  failing.answer({ status: 500, body: 'down' });
  // One retry 50 ms after the first attempt: a delivery to a 500 fails for good within a second.
  t = await startTestServer({ HOOKLINE_RETRY_SCHEDULE: '50ms' });
  // The tests' own types; `other.idle` is never published, so an `other.*` endpoint stays idle.
  await t.registerEventTypes(
    'dash.paid',
    'dash.refunded',
    'dash.shipped',
    'stats.one',
    'stats.two',
    'other.idle',
    'overview.paid',
  );
});

after(async () => {
  await t.close();
  await ok.close();
  await failing.close();
});

function assertProblem(res: ApiResponse, status: number, code: string, field: string): void {
  const body = JSON.stringify(res.body);
  assert.equal(res.status, status, body);
  assert.match(String(res.headers['content-type']), /^application\/problem\+json/, body);
  assert.equal(res.body.code, code, body);
  assert.equal(res.body.field, field, body);
}

/** A fresh account with endpoints for the given receivers' URLs, and helpers on its paths. */
async function shop(name: string) {
  const account = await t.createAccount(name);
  const base = `/v1/accounts/${account.id}`;
  return {
    ...account,
    base,
    async endpoint(url: string, eventTypes: string[], extra: Record<string, unknown> = {}): Promise<string> {
      const res = await t.api.call('POST', `${base}/endpoints`, { body: { url, eventTypes, ...extra } });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      return res.body.id;
    },
    async publish(type: string): Promise<Published> {
      const res = await t.api.call('POST', `${base}/events`, { body: { type, data: {} } });
      assert.equal(res.status, 202, JSON.stringify(res.body));
      // Distinct creation times, so that a time range can fall between two publishes.
      await new Promise((resolve) => setTimeout(resolve, 5));
      return res.body;
    },
    /** Every delivery the query lists, following the cursor `limit` at a time. */
    async deliveries(query: string, limit = 250): Promise<Delivery[]> {
      const found: Delivery[] = [];
      let cursor: string | null = null;
      do {
        const after: string = cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`;
        const res = await t.api.call('GET', `${base}/deliveries?limit=${limit}&${query}${after}`);
        assert.equal(res.status, 200, JSON.stringify(res.body));
        found.push(...res.body.data);
        cursor = res.body.nextCursor;
      } while (cursor !== null);
      return found;
    },
    /** Waits until every delivery of the account has ended (succeeded or failed). */
    async settled(): Promise<Delivery[]> {
      return waitFor(
        async () => {
          const all = await this.deliveries('');
          return all.every((d) => d.status === 'succeeded' || d.status === 'failed') && all;
        },
        { what: 'every delivery to end' },
      );
    },
  };
}

const ids = (deliveries: readonly Delivery[]) => deliveries.map((d) => d.id);
const q = (value: string) => encodeURIComponent(value);

describe('the deliveries list', () => {
  let s: Awaited<ReturnType<typeof shop>>;
  let okEndpoint: string;
  let failingEndpoint: string;
  let paid1: Published;
  let refunded: Published;
  let paid2: Published;
  let shipped: Published;
  /** Every delivery, newest first. */
  let all: Delivery[];

  before(async () => {
    s = await shop('Filter shop');
    okEndpoint = await s.endpoint(ok.url, ['dash.*']);
    failingEndpoint = await s.endpoint(failing.url, ['dash.paid']);
    paid1 = await s.publish('dash.paid');
    refunded = await s.publish('dash.refunded');
    paid2 = await s.publish('dash.paid');
    shipped = await s.publish('dash.shipped');
    all = await s.settled();
    assert.equal(all.length, 6);
  });

  it('filters by event type, newest first, page by page', async () => {
    const paid = await s.deliveries('eventType=dash.paid', 1);
    assert.equal(paid.length, 4);
    assert.deepEqual(ids(paid), ids(all.filter((d) => d.eventType === 'dash.paid')));
    assert.deepEqual(new Set(paid.map((d) => d.eventId)), new Set([paid1.id, paid2.id]));
    assert.deepEqual(ids(await s.deliveries('eventType=dash.refunded')), refunded.deliveries);
    assert.deepEqual(await s.deliveries('eventType=dash.cancelled'), []);
  });

  it('filters by creation time: since inclusive, until exclusive', async () => {
    /** The deliveries created from `from` (inclusive) to `to` (exclusive), newest first. */
    const createdIn = (from?: Published, to?: Published) =>
      ids(all.filter((d) => (!from || d.createdAt >= from.createdAt) && (!to || d.createdAt < to.createdAt)));
    assert.deepEqual(ids(await s.deliveries(`since=${q(refunded.createdAt)}`)), createdIn(refunded));
    assert.deepEqual(ids(await s.deliveries(`since=${q(refunded.createdAt)}`, 1)), createdIn(refunded));
    assert.deepEqual(ids(await s.deliveries(`until=${q(paid2.createdAt)}`)), createdIn(undefined, paid2));
    assert.deepEqual(createdIn(undefined, paid2), [
      ...refunded.deliveries,
      ...paid1.deliveries.slice().reverse(),
    ]);
    assert.deepEqual(
      ids(await s.deliveries(`since=${q(refunded.createdAt)}&until=${q(paid2.createdAt)}`)),
      refunded.deliveries,
    );
    assert.deepEqual(ids(await s.deliveries(`since=${q(shipped.createdAt)}`)), shipped.deliveries);
    assert.deepEqual(await s.deliveries(`since=${q(paid2.createdAt)}&until=${q(paid2.createdAt)}`), []);
    // Another spelling of the same instant selects the same.
    const offset = new Date(Date.parse(paid2.createdAt)).toISOString().replace('Z', '+00:00');
    assert.deepEqual(ids(await s.deliveries(`since=${q(offset)}`)), createdIn(paid2));
  });

  it('combines the filters, with the ones it had (endpoint, event, status)', async () => {
    const failed = await s.deliveries('eventType=dash.paid&status=failed', 1);
    assert.equal(failed.length, 2);
    assert.ok(failed.every((d) => d.endpointId === failingEndpoint && d.status === 'failed'));
    assert.deepEqual(
      ids(await s.deliveries(`eventType=dash.paid&endpointId=${okEndpoint}&since=${q(paid2.createdAt)}`)),
      ids(all.filter((d) => d.eventId === paid2.id && d.endpointId === okEndpoint)),
    );
    assert.deepEqual(await s.deliveries(`eventType=dash.refunded&endpointId=${failingEndpoint}`), []);
    assert.deepEqual(
      ids(await s.deliveries(`status=succeeded&until=${q(refunded.createdAt)}`)),
      ids(all.filter((d) => d.eventId === paid1.id && d.status === 'succeeded')),
    );
    assert.deepEqual(ids(await s.deliveries(`eventId=${paid1.id}&eventType=dash.refunded`)), []);
  });

  it('refuses a bad filter value with a problem naming the parameter', async () => {
    const list = (query: string) => t.api.call('GET', `${s.base}/deliveries?${query}`);
    assertProblem(await list('since=yesterday'), 422, 'invalid_field', 'since');
    assertProblem(await list('until=2026-13-01T00:00:00Z'), 422, 'invalid_field', 'until');
    assertProblem(await list('since=2026-11-01'), 422, 'invalid_field', 'since');
    assertProblem(await list('eventType=Not%20a%20type'), 422, 'invalid_field', 'eventType');
    const reversed = await list(`since=${q(paid2.createdAt)}&until=${q(paid1.createdAt)}`);
    assertProblem(reversed, 422, 'invalid_field', 'until');
    assert.equal(reversed.body.detail, 'until must not be before since');
  });
});

describe('the events list', () => {
  it('filters by type and creation time, and refuses a bad time', async () => {
    const s = await shop('Event filter shop');
    const a = await s.publish('dash.paid');
    const b = await s.publish('dash.refunded');
    const c = await s.publish('dash.paid');
    const events = async (query: string) => {
      const res = await t.api.call('GET', `${s.base}/events?limit=1&${query}`);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      const found: string[] = res.body.data.map((e: { id: string }) => e.id);
      if (res.body.nextCursor !== null)
        found.push(...(await events(`${query}&cursor=${q(res.body.nextCursor)}`)));
      return found;
    };
    assert.deepEqual(await events(`since=${q(b.createdAt)}`), [c.id, b.id]);
    assert.deepEqual(await events(`until=${q(b.createdAt)}`), [a.id]);
    assert.deepEqual(await events(`type=dash.paid&since=${q(b.createdAt)}`), [c.id]);
    assert.deepEqual(await events(`type=dash.paid&until=${q(c.createdAt)}`), [a.id]);
    assertProblem(await t.api.call('GET', `${s.base}/events?until=soon`), 422, 'invalid_field', 'until');
    assertProblem(
      await t.api.call('GET', `${s.base}/events?since=${q(c.createdAt)}&until=${q(a.createdAt)}`),
      422,
      'invalid_field',
      'until',
    );
  });
});

describe('endpoint statistics', () => {
  it('counts each endpoint’s attempts since a time: succeeded, failed, and the last one', async () => {
    const s = await shop('Stats shop');
    const okEndpoint = await s.endpoint(ok.url, ['stats.*']);
    const failingEndpoint = await s.endpoint(failing.url, ['stats.*']);
    const idle = await s.endpoint(ok.url.replace('/ok', '/idle'), ['other.*']);
    const before = new Date().toISOString();
    await s.publish('stats.one');
    await s.publish('stats.two');
    const settled = await s.settled();
    assert.deepEqual(settled.map((d) => d.status).sort(), ['failed', 'failed', 'succeeded', 'succeeded']);

    // Every attempt, as the deliveries' details show them.
    const attempts = new Map<string, { startedAt: string; succeeded: boolean }[]>();
    for (const d of settled) {
      const detail = await t.api.call('GET', `${s.base}/deliveries/${d.id}`);
      attempts.set(d.endpointId, [...(attempts.get(d.endpointId) ?? []), ...detail.body.attempts]);
    }
    const last = (endpointId: string) =>
      attempts
        .get(endpointId)!
        .map((a) => a.startedAt)
        .sort()
        .at(-1);

    const res = await t.api.call('GET', `${s.base}/endpoint-stats?since=${q(before)}`, { token: s.apiKey });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.since, before);
    assert.deepEqual(res.body.data, [
      { endpointId: okEndpoint, attempts: 2, succeeded: 2, failed: 0, lastAttemptAt: last(okEndpoint) },
      // Two deliveries, each tried twice (the first attempt and one retry).
      {
        endpointId: failingEndpoint,
        attempts: 4,
        succeeded: 0,
        failed: 4,
        lastAttemptAt: last(failingEndpoint),
      },
    ]);
    assert.ok(!res.body.data.some((e: { endpointId: string }) => e.endpointId === idle));

    // Without `since`: the last 24 hours.
    const day = await t.api.call('GET', `${s.base}/endpoint-stats`);
    assert.equal(day.status, 200);
    const dayAgo = Date.now() - 24 * 60 * 60 * 1000;
    assert.ok(Math.abs(Date.parse(day.body.since) - dayAgo) < 60_000, day.body.since);
    assert.deepEqual(day.body.data, res.body.data);

    // From the last attempt on, only the attempts that started at that very millisecond (the two
    // deliveries' retries may share it); after it, nothing.
    const lastAt = last(failingEndpoint)!;
    const atLast = attempts.get(failingEndpoint)!.filter((a) => a.startedAt === lastAt).length;
    const fromLast = await t.api.call('GET', `${s.base}/endpoint-stats?since=${q(lastAt)}`);
    assert.deepEqual(
      fromLast.body.data.find((e: { endpointId: string }) => e.endpointId === failingEndpoint),
      {
        endpointId: failingEndpoint,
        attempts: atLast,
        succeeded: 0,
        failed: atLast,
        lastAttemptAt: lastAt,
      },
    );
    assert.ok(atLast < 4, 'attempts before the last one are left out');
    const later = new Date(Date.now() + 60_000).toISOString();
    assert.deepEqual((await t.api.call('GET', `${s.base}/endpoint-stats?since=${q(later)}`)).body.data, []);

    assertProblem(
      await t.api.call('GET', `${s.base}/endpoint-stats?since=today`),
      422,
      'invalid_field',
      'since',
    );
    const other = await t.createAccount('Another shop');
    const foreign = await t.api.call('GET', `${s.base}/endpoint-stats`, { token: other.apiKey });
    assertProblem(foreign, 404, 'not_found', 'accountId');
  });
});

describe('active URLs', () => {
  it('counts the distinct URLs of enabled endpoints, as the limit does', async () => {
    const created = await t.api.call('POST', '/v1/accounts', { body: { name: 'URL shop' } });
    assert.equal(created.status, 201);
    assert.equal(created.body.activeUrls, 0);
    const s = { id: created.body.id as string, base: `/v1/accounts/${created.body.id}` };
    const activeUrls = async () => {
      const one = await t.api.call('GET', s.base);
      const list = await t.api.call('GET', '/v1/accounts?limit=250');
      const listed = list.body.data.find((a: { id: string }) => a.id === s.id);
      assert.equal(listed.activeUrls, one.body.activeUrls, 'the list shows the same');
      return one.body.activeUrls as number;
    };
    const create = async (body: Record<string, unknown>) => {
      const res = await t.api.call('POST', `${s.base}/endpoints`, { body: { eventTypes: ['*'], ...body } });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      return res.body.id as string;
    };
    await create({ urls: ['https://a.example/hook', 'https://b.example/hook'] });
    assert.equal(await activeUrls(), 2);
    await create({ url: 'https://a.example/hook' });
    assert.equal(await activeUrls(), 2, 'a URL of two endpoints counts once');
    const paused = await create({ url: 'https://c.example/hook', enabled: false });
    assert.equal(await activeUrls(), 2, 'a disabled endpoint does not count');
    await t.api.call('PATCH', `${s.base}/endpoints/${paused}`, { body: { enabled: true } });
    assert.equal(await activeUrls(), 3);
    const patched = await t.api.call('PATCH', s.base, { body: { maxActiveUrls: 3 } });
    assert.deepEqual([patched.body.maxActiveUrls, patched.body.activeUrls], [3, 3]);
  });
});

describe('the operator overview', () => {
  /** A sample of `/metrics`, e.g. `hookline_events_published_total`. */
  async function metric(name: string): Promise<number> {
    const text = String((await t.api.call('GET', '/metrics', { token: null })).body);
    const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
    return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1));
  }

  it('counts what this process did since it started, and what the database holds now', async () => {
    const s = await shop('Overview shop');
    await s.endpoint(ok.url, ['overview.*']);
    await s.endpoint(failing.url, ['overview.*']);
    const first = await t.api.call('GET', '/v1/stats');
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.deepEqual(Object.keys(first.body).sort(), [
      'accounts',
      'at',
      'attemptsFailed',
      'attemptsSucceeded',
      'backlog',
      'deliveriesCreated',
      'disabledEndpoints',
      'eventsPublished',
    ]);
    assert.deepEqual(Object.keys(first.body.backlog).sort(), ['pending', 'sending']);
    assert.equal(first.body.eventsPublished, await metric('hookline_events_published_total'));

    await s.publish('overview.paid');
    await s.publish('overview.paid');
    await s.settled();
    await t.api.call('POST', '/v1/accounts', { body: { name: 'One more' } });
    await s.endpoint(ok.url.replace('/ok', '/paused'), ['overview.*'], { enabled: false });

    const second = await t.api.call('GET', '/v1/stats');
    assert.ok(Date.parse(second.body.at) > Date.parse(first.body.at));
    const delta = (field: string) => second.body[field] - first.body[field];
    assert.equal(delta('eventsPublished'), 2);
    assert.equal(delta('deliveriesCreated'), 4);
    assert.equal(delta('attemptsSucceeded'), 2);
    assert.equal(delta('attemptsFailed'), 4, 'two deliveries to the failing receiver, tried twice each');
    assert.equal(delta('accounts'), 1);
    assert.equal(delta('disabledEndpoints'), 1);
    assert.deepEqual(second.body.backlog, { pending: 0, sending: 0 });
    // The same counters as /metrics: nothing counted twice.
    assert.equal(second.body.eventsPublished, await metric('hookline_events_published_total'));
    assert.equal(second.body.deliveriesCreated, await metric('hookline_deliveries_created_total'));
    assert.equal(second.body.attemptsSucceeded, await metric('hookline_attempts_total{outcome="succeeded"}'));
  });

  it('is the operator’s only', async () => {
    const s = await shop('Curious shop');
    assertProblem(
      await t.api.call('GET', '/v1/stats', { token: s.apiKey }),
      403,
      'forbidden',
      'authorization',
    );
    assertProblem(
      await t.api.call('GET', '/v1/stats', { token: null }),
      401,
      'unauthorized',
      'authorization',
    );
  });

  it('says in the API document that the counters are per process', async () => {
    const doc = (await t.api.call('GET', '/openapi.json', { token: null })).body;
    assert.match(doc.paths['/v1/stats'].get.description, /each process counts only its own work/);
    assert.ok(doc.paths['/v1/accounts/{accountId}/endpoint-stats'].get);
    const params = doc.paths['/v1/accounts/{accountId}/deliveries'].get.parameters.map(
      (p: { name: string }) => p.name,
    );
    for (const name of ['eventType', 'since', 'until']) assert.ok(params.includes(name), name);
  });
});
