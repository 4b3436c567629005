/**
 * Retention end to end, on SQLite and on PostgreSQL: a server whose clock the test moves forward, the
 * pruner on its own timer, real receivers. Events past their account's retention go with their
 * deliveries and attempts; an event with a delivery still waiting for its retry stays; an account's
 * own retention wins over the server's; a retention is set, shown and refused through the API. The
 * audit log is kept for the same retention, and the operator's entries of no account for the server's.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { onEachStore } from './support/postgres.ts';
import { type Receiver, startReceiver } from './support/receiver.ts';
import {
  metricSample,
  noneSending,
  registerEventTypes,
  startTestServer,
  type TestServer,
  waitFor,
} from './support/test-server.ts';

const MINUTE = 60_000;
onEachStore('retention', (store, storeEnv) => {
  let offsetMs = 0;
  let ts: TestServer;
  let ok: Receiver;
  let failing: Receiver;

  before(async () => {
    const env: Record<string, string> = {
      HOOKLINE_RETENTION: '10m',
      HOOKLINE_PRUNE_INTERVAL: '100ms',
      // A failed attempt waits an hour for its retry: its delivery is live for the whole test.
      HOOKLINE_RETRY_SCHEDULE: '1h,1h',
    };
    Object.assign(env, await storeEnv());
    ts = await startTestServer(env, { now: () => Date.now() + offsetMs });
    await registerEventTypes(ts.api, ['shop.order.paid', 'shop.order.refunded']);
    ok = await startReceiver();
    failing = await startReceiver();
    failing.answer({ status: 500 });
  });
  after(async () => {
    await ts.close();
    await ok.close();
    await failing.close();
  });

  // The platform publishes, with the admin token.
  const publish = async (accountId: string, type: string) => {
    const response = await ts.api.call('POST', `/v1/accounts/${accountId}/events`, {
      body: { type, data: { order: { id: 'ord_1' } } },
    });
    assert.equal(response.status, 202, JSON.stringify(response.body));
    return response.body as { id: string; deliveries: string[] };
  };
  const endpoint = async (accountId: string, url: string, eventTypes: string[]) => {
    const response = await ts.api.call('POST', `/v1/accounts/${accountId}/endpoints`, {
      body: { url, eventTypes },
    });
    assert.equal(response.status, 201, JSON.stringify(response.body));
  };

  test('the admin sets, shows and resets an account’s retention; nonsense and zero are refused', async () => {
    const { id, apiKey } = await ts.createAccount('Settings');
    const shown = await ts.api.call('GET', `/v1/accounts/${id}`);
    assert.equal(shown.body.retention, '10m');
    const set = await ts.api.call('PATCH', `/v1/accounts/${id}`, { body: { retention: '90d' } });
    assert.equal(set.status, 200, JSON.stringify(set.body));
    assert.equal(set.body.retention, '90d');
    for (const retention of ['0s', '0', 'soon', '500ms', 30]) {
      const refused = await ts.api.call('PATCH', `/v1/accounts/${id}`, { body: { retention } });
      assert.equal(refused.status, 422, `${retention}: ${JSON.stringify(refused.body)}`);
      assert.equal(refused.body.field, 'retention');
    }
    const byKey = await ts.api.call('PATCH', `/v1/accounts/${id}`, {
      body: { retention: '1d' },
      token: apiKey,
    });
    assert.equal(byKey.status, 403);
    assert.equal((await ts.api.call('GET', `/v1/accounts/${id}`)).body.retention, '90d');
    const reset = await ts.api.call('PATCH', `/v1/accounts/${id}`, { body: { retention: null } });
    assert.equal(reset.body.retention, '10m');
  });

  /** The actions of an account's audit log (`undefined`: the operator's event type entries), newest first. */
  const auditActions = async (accountId?: string) => {
    const path =
      accountId === undefined
        ? '/v1/audit-log?action=event_type.created'
        : `/v1/accounts/${accountId}/audit-log`;
    const response = await ts.api.call('GET', path);
    assert.equal(response.status, 200, JSON.stringify(response.body));
    return (response.body.data as { action: string }[]).map((entry) => entry.action);
  };

  test('old events go with their deliveries and attempts; a live one and a longer-kept account stay', async () => {
    const registered = await ts.api.call('POST', '/v1/event-types', {
      body: {
        name: `retention.${store.toLowerCase()}`,
        description: 'Kept 10m',
        schema: {},
        example: {},
      },
    });
    assert.equal(registered.status, 201, JSON.stringify(registered.body));
    const shop = await ts.createAccount('Shop');
    const keeper = await ts.createAccount('Keeper');
    const kept = await ts.api.call('PATCH', `/v1/accounts/${keeper.id}`, { body: { retention: '1h' } });
    assert.equal(kept.status, 200);
    await endpoint(shop.id, ok.url, ['shop.order.paid']);
    await endpoint(shop.id, failing.url, ['shop.order.refunded']);
    await endpoint(keeper.id, ok.url, ['shop.order.paid']);

    const delivered = await publish(shop.id, 'shop.order.paid');
    const waiting = await publish(shop.id, 'shop.order.refunded');
    const keepers = await publish(keeper.id, 'shop.order.paid');
    const get = (accountId: string, path: string) => ts.api.call('GET', `/v1/accounts/${accountId}${path}`);
    await waitFor(
      async () =>
        (await get(shop.id, `/deliveries/${delivered.deliveries[0]}`)).body.status === 'succeeded' &&
        (await get(shop.id, `/deliveries/${waiting.deliveries[0]}`)).body.attemptCount === 1 &&
        (await get(keeper.id, `/deliveries/${keepers.deliveries[0]}`)).body.status === 'succeeded',
      { what: 'the first attempts' },
    );
    // Nothing is past its retention yet: the passes of the pruner so far took nothing.
    assert.equal((await get(shop.id, `/events/${delivered.id}`)).status, 200);

    // Twenty minutes later: past the server's ten, within the keeper's hour, before the retry is due.
    await noneSending(ts.api, [shop.id, keeper.id]);
    offsetMs += 20 * MINUTE;
    await waitFor(async () => (await get(shop.id, `/events/${delivered.id}`)).status === 404, {
      what: 'the delivered event pruned',
    });
    assert.equal((await get(shop.id, `/deliveries/${delivered.deliveries[0]}`)).status, 404);
    assert.equal((await get(shop.id, `/deliveries/${delivered.deliveries[0]}/attempts`)).status, 404);

    // The operator sees what the pruner deleted (counted once its pass ends), and how long its steps
    // hold the database.
    const scrape = async () => String((await ts.api.call('GET', '/metrics', { token: null })).body);
    const metric = (scraped: string, name: string) => metricSample(scraped, name) ?? 0;
    await waitFor(async () => metric(await scrape(), 'hookline_pruned_total{kind="events"}') >= 1, {
      what: 'the pruned events counted',
    });
    const scraped = await scrape();
    assert.ok(metric(scraped, 'hookline_pruned_total{kind="deliveries"}') >= 1, scraped);
    assert.ok(metric(scraped, 'hookline_pruned_total{kind="attempts"}') >= 1, scraped);
    assert.ok(metric(scraped, 'hookline_prune_step_duration_seconds_count') >= 1, scraped);

    const live = await get(shop.id, `/deliveries/${waiting.deliveries[0]}`);
    assert.equal(live.status, 200);
    assert.equal(live.body.status, 'pending');
    assert.equal((await get(shop.id, `/events/${waiting.id}`)).status, 200);
    assert.equal((await get(keeper.id, `/events/${keepers.id}`)).status, 200);
    const listed = await get(shop.id, '/events');
    assert.deepEqual(
      listed.body.data.map((e: { id: string }) => e.id),
      [waiting.id],
    );
    // The audit log goes with the same retention: the shop's entries and the operator's event type
    // are past ten minutes, the keeper's within its hour.
    await waitFor(async () => (await auditActions(shop.id)).length === 0, {
      what: "the shop's audit entries pruned",
    });
    await waitFor(async () => (await auditActions()).length === 0, {
      what: "the operator's entry pruned",
    });
    assert.deepEqual(await auditActions(keeper.id), [
      'endpoint.created',
      'account.updated',
      'account.created',
    ]);

    // Past the keeper's hour too (the retry is due meanwhile and fails again: still live). 75 minutes
    // in all: the retry's hour has ±20 % jitter, so it falls due by 72.
    await noneSending(ts.api, [shop.id, keeper.id]);
    offsetMs += 55 * MINUTE;
    await waitFor(async () => (await get(keeper.id, `/events/${keepers.id}`)).status === 404, {
      what: "the keeper's event pruned",
    });
    await waitFor(
      async () => (await get(shop.id, `/deliveries/${waiting.deliveries[0]}`)).body.attemptCount === 2,
      {
        what: 'the retry',
      },
    );
    assert.equal((await get(shop.id, `/deliveries/${waiting.deliveries[0]}`)).body.status, 'pending');
    assert.equal((await get(shop.id, `/events/${waiting.id}`)).status, 200);
    await waitFor(async () => (await auditActions(keeper.id)).length === 0, {
      what: "the keeper's audit entries pruned",
    });
  });
});
