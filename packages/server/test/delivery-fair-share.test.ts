// Fair share between merchants: an account whose receivers hang holds at most its share of the
// process's delivery slots (HOOKLINE_ACCOUNT_CONCURRENCY), so other accounts keep flowing; inside an
// account, the share is divided among its endpoints, so its hanging receivers cannot take the turn of
// its healthy one.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import {
  answeringAfter,
  countInFlight,
  type InFlight,
  type Receiver,
  startReceiver,
} from './support/receiver.ts';
import { startTestServer, type TestServer, waitFor } from './support/test-server.ts';

// 30 slots in all, 4 per endpoint, a share of 6 per account (at most twice that in flight), and a 5 s
// deadline: two accounts with five hanging endpoints each could hold 2 × 5 × 4 = 40 attempts, more than
// the process has, and every other account would wait for their deadlines. Claims of 8 at a time: the
// process holds 30 + 8 claims, so what a hanging account holds queued counts as much as what it holds
// in flight.
const SETTINGS = {
  HOOKLINE_WORKER_CONCURRENCY: '30',
  HOOKLINE_ENDPOINT_CONCURRENCY: '4',
  HOOKLINE_ACCOUNT_CONCURRENCY: '6',
  HOOKLINE_CLAIM_BATCH: '8',
  HOOKLINE_TIMEOUT_MS: '5000',
};

describe('fair share between accounts', { concurrency: true }, () => {
  const receivers: Receiver[] = [];
  const servers: TestServer[] = [];

  after(async () => {
    for (const r of receivers) await r.close();
    for (const ts of servers) await ts.close();
  });

  async function receiver(): Promise<Receiver> {
    const r = await startReceiver();
    receivers.push(r);
    return r;
  }

  /** A receiver that never answers: an attempt ends only when Hookline gives up on it. */
  async function hangingReceiver(): Promise<{ receiver: Receiver; inFlight: InFlight }> {
    const r = await receiver();
    const { answer, inFlight } = countInFlight(() => undefined);
    r.answer(answer);
    return { receiver: r, inFlight };
  }

  async function endpoint(ts: TestServer, accountId: string, url: string, type: string) {
    await ts.registerEventTypes(type);
    const created = await ts.api.call('POST', `/v1/accounts/${accountId}/endpoints`, {
      body: { url, eventTypes: [type] },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
  }

  /**
   * Publishes `count` events one request each, so every endpoint subscribed gets work from the first
   * claim on (a batch's deliveries may reach the engine one endpoint after another).
   */
  async function publishEach(ts: TestServer, accountId: string, type: string, count: number) {
    for (let n = 0; n < count; n++) await publish(ts, accountId, type, 1);
  }

  async function publish(ts: TestServer, accountId: string, type: string, count: number) {
    const published = await ts.api.call('POST', `/v1/accounts/${accountId}/events/batch`, {
      body: { events: Array.from({ length: count }, (_, n) => ({ type, data: { n } })) },
    });
    assert.equal(published.status, 202, JSON.stringify(published.body));
  }

  test("two merchants' hanging receivers hold their share only, and a third merchant's orders flow", async () => {
    const ts = await startTestServer(SETTINGS);
    servers.push(ts);
    const hanging: InFlight[] = [];
    for (const name of ['Hanging A', 'Hanging B']) {
      const accountId = (await ts.createAccount(name)).id;
      const { receiver: target, inFlight } = await hangingReceiver();
      hanging.push(inFlight);
      // Five endpoints on five URLs of one receiver, so it counts the account's attempts together.
      for (let i = 0; i < 5; i++) await endpoint(ts, accountId, `${target.url}?n=${i}`, 'shop.order.paid');
      await publish(ts, accountId, 'shop.order.paid', 20);
    }
    await waitFor(() => hanging.every((h) => h.now >= 5), { what: 'both accounts to hold hanging attempts' });

    const healthy = await receiver();
    const third = (await ts.createAccount('Healthy')).id;
    await endpoint(ts, third, healthy.url, 'shop.order.paid');
    await publish(ts, third, 'shop.order.paid', 30);
    await waitFor(() => healthy.requests.length >= 30, { what: "the third merchant's 30 deliveries" });

    for (const h of hanging) {
      assert.equal(
        h.ended,
        0,
        'every delivery of the third merchant arrived before any hanging attempt ended',
      );
      assert.ok(h.most <= 12, `a hanging account held ${h.most} attempts at once, more than twice its share`);
    }
  });

  test("one merchant's backlog does not stand before another merchant's new orders", async () => {
    const ts = await startTestServer(SETTINGS);
    servers.push(ts);
    const backlogged = (await ts.createAccount('Backlogged')).id;
    const slow = await receiver();
    const { answer, inFlight } = answeringAfter(50);
    slow.answer(answer);
    await endpoint(ts, backlogged, slow.url, 'shop.order.paid');
    // 400 deliveries, all due before the other merchant's: at 4 in flight and 50 ms an answer, about 5 s.
    for (let batch = 0; batch < 4; batch++) await publish(ts, backlogged, 'shop.order.paid', 100);
    await waitFor(() => inFlight.ended >= 1, { what: 'the backlog to start draining' });

    const healthy = await receiver();
    const other = (await ts.createAccount('Fresh orders')).id;
    await endpoint(ts, other, healthy.url, 'shop.order.paid');
    await publishEach(ts, other, 'shop.order.paid', 10);
    await waitFor(() => healthy.requests.length >= 10, { what: "the other merchant's 10 deliveries" });
    assert.ok(
      inFlight.ended < 200,
      `the backlog had ${inFlight.ended} of 400 delivered before the other merchant's 10 arrived`,
    );
    // Claimed by due time alone, they would come after the whole backlog, each of its deliveries
    // claimed and handed back (deferred) on the way: a million of them would take minutes.
    const metrics = String((await ts.api.call('GET', '/metrics', { token: null })).body);
    const deferred = Number(
      /hookline_claimed_deliveries_total\{fate="deferred"\} (\d+)/.exec(metrics)?.[1] ?? 0,
    );
    assert.ok(deferred < 100, `${deferred} of the backlog's deliveries were claimed only to be handed back`);
  });

  test('a merchant whose receivers are slow keeps at most its share in flight', async () => {
    const ts = await startTestServer(SETTINGS);
    servers.push(ts);
    const accountId = (await ts.createAccount('Slow')).id;
    const target = await receiver();
    const { answer, inFlight } = answeringAfter(400);
    target.answer(answer);
    for (let i = 0; i < 5; i++) await endpoint(ts, accountId, `${target.url}?n=${i}`, 'shop.order.paid');
    await publishEach(ts, accountId, 'shop.order.paid', 24);
    await waitFor(() => inFlight.ended >= 120, { what: 'the 120 deliveries', timeoutMs: 30_000 });
    // Answering, unlike a hanging receiver, it may hold many claims; in flight it holds its share.
    assert.ok(inFlight.most <= 6, `the account had ${inFlight.most} attempts in flight at once`);
    assert.ok(inFlight.most >= 5, `the account had only ${inFlight.most} attempts in flight at once`);
  });

  test('the operator gives a merchant its own share, applied at once', async () => {
    const ts = await startTestServer(SETTINGS);
    servers.push(ts);
    const accountId = (await ts.createAccount('Small')).id;
    const patched = await ts.api.call('PATCH', `/v1/accounts/${accountId}`, { body: { maxConcurrency: 2 } });
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    const target = await receiver();
    const { answer, inFlight } = answeringAfter(200);
    target.answer(answer);
    for (let i = 0; i < 2; i++) await endpoint(ts, accountId, `${target.url}?n=${i}`, 'shop.order.paid');
    await publishEach(ts, accountId, 'shop.order.paid', 10);
    await waitFor(() => inFlight.ended >= 20, { what: 'the 20 deliveries', timeoutMs: 20_000 });
    assert.equal(inFlight.most, 2, 'its own share of 2, not the default of 6');

    // Raised while it delivers: the next attempts use the new share.
    await ts.api.call('PATCH', `/v1/accounts/${accountId}`, { body: { maxConcurrency: 8 } });
    await publishEach(ts, accountId, 'shop.order.paid', 10);
    await waitFor(() => inFlight.ended >= 40, { what: 'the next 20 deliveries', timeoutMs: 20_000 });
    assert.ok(inFlight.most > 2, `still ${inFlight.most} at once after the share was raised`);
  });

  test('inside an account, hanging receivers cannot take the turn of its healthy one', async () => {
    const ts = await startTestServer(SETTINGS);
    servers.push(ts);
    const accountId = (await ts.createAccount('Mixed')).id;
    const { receiver: target, inFlight } = await hangingReceiver();
    // Six hanging endpoints, each with its fair part (one) of the account's share of six in flight: the
    // share is taken when the healthy endpoint gets work.
    for (let i = 0; i < 6; i++) await endpoint(ts, accountId, `${target.url}?n=${i}`, 'shop.order.paid');
    await publishEach(ts, accountId, 'shop.order.paid', 3);
    await waitFor(() => inFlight.now >= 6, { what: 'the hanging endpoints to hold attempts' });

    const healthy = await receiver();
    await endpoint(ts, accountId, healthy.url, 'shop.order.refunded');
    await publish(ts, accountId, 'shop.order.refunded', 30);
    await waitFor(() => healthy.requests.length >= 30, { what: "the healthy endpoint's 30 deliveries" });
    assert.equal(
      inFlight.ended,
      0,
      'every delivery reached the healthy endpoint before any hanging attempt ended',
    );
    assert.ok(inFlight.most <= 12, `the account held ${inFlight.most} hanging attempts at once`);
  });
});
