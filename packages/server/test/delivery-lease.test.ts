// The queue in the database: claims lease deliveries, a lease expires by the clock (`nowMs`, no
// sleeping), results are fenced by the lease, released claims are due at once, publishing is idempotent.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { formatId, type IdKind } from '../src/domain/ids.ts';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.ts';
import {
  type AttemptResult,
  type ClaimedDelivery,
  type EndpointRecord,
  IdempotencyConflictError,
  type NewEvent,
} from '../src/store/store.ts';

const T0 = Date.parse('2025-03-01T12:00:00.000Z');
const LEASE_MS = 30_000;
const ACCOUNT = 'acc_01JNB0000000000000000000000';

const NO_LIMIT = { maxActiveUrls: Number.POSITIVE_INFINITY };

const newId = (kind: IdKind) => formatId(kind, T0, randomBytes(10));

function endpoint(id: string): EndpointRecord {
  return {
    id,
    accountId: ACCOUNT,
    urls: [`https://example.com/${id}`],
    description: '',
    eventTypes: ['*'],
    enabled: true,
    disabledReason: null,
    secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    previousSecret: null,
    previousSecretExpiresAt: null,
    headers: {},
    timeoutMs: null,
    maxConcurrency: null,
    rateLimitPerSecond: null,
    scope: { productIds: [], checkoutIds: [], upsellIds: [], plugIds: [] },
    perOrderLine: false,
    includeRecurring: false,
    fields: [],
    format: 'json',
    userAgent: null,
    source: 'api',
    createdAt: T0,
    updatedAt: T0,
  };
}

/** An event owed to the given endpoints, due at `dueAt`. */
function newEvent(endpointIds: readonly string[], options: { id?: string; dueAt?: number } = {}): NewEvent {
  return {
    event: {
      id: options.id ?? newId('event'),
      accountId: ACCOUNT,
      type: 'shop.order.paid',
      dataJson: '{"order":{"id":"ord_1","total":"9.95"}}',
      occurredAt: T0 - 1_000,
      createdAt: T0,
    },
    deliveries: endpointIds.map((endpointId) => ({
      id: newId('delivery'),
      endpointId,
      url: `https://example.com/${endpointId}`,
      lineId: null,
      nextAttemptAt: options.dueAt ?? T0,
    })),
  };
}

function result(claim: ClaimedDelivery, statusCode: number, startedAt: number): AttemptResult {
  const succeeded = statusCode < 300;
  const gone = statusCode === 410;
  return {
    claim,
    status: succeeded ? 'succeeded' : gone ? 'cancelled' : 'pending',
    nextAttemptAt: succeeded || gone ? null : startedAt + 5_000,
    disableEndpoint: gone,
    attempt: {
      id: newId('attempt'),
      deliveryId: claim.id,
      accountId: claim.accountId,
      number: claim.attemptCount + 1,
      startedAt,
      durationMs: 12,
      statusCode,
      errorCode: null,
      errorMessage: null,
      responseBody: String(statusCode),
      responseBodyTruncated: false,
      succeeded,
    },
  };
}

describe('the SQLite delivery queue', () => {
  let dir: string;
  let store: SqliteStore;

  const claim = (nowMs: number, limit = 100) => store.claimDue({ nowMs, limit, leaseMs: LEASE_MS });
  const delivery = async (id: string) => (await store.getDelivery(ACCOUNT, id))!;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hookline-lease-'));
    store = SqliteStore.open({ path: join(dir, 'hookline.db') });
    await store.createAccount(
      { id: ACCOUNT, name: 'Shop', maxActiveUrls: null, createdAt: T0 },
      'hash-of-key',
    );
    await store.createEndpoint(endpoint('ep_a'), NO_LIMIT);
    await store.createEndpoint(endpoint('ep_b'), NO_LIMIT);
  });

  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a claim marks deliveries sending and hides them until the lease expires', async () => {
    const [inserted] = await store.insertEvents(ACCOUNT, [newEvent(['ep_a'])]);
    const deliveryId = inserted!.deliveryIds[0]!;

    const [first, ...rest] = await claim(T0);
    assert.equal(rest.length, 0);
    assert.equal(first!.id, deliveryId);
    assert.equal(first!.eventId, inserted!.event.id);
    assert.equal(first!.eventType, 'shop.order.paid');
    assert.equal(first!.dataJson, '{"order":{"id":"ord_1","total":"9.95"}}');
    assert.equal(first!.occurredAt, T0 - 1_000);
    assert.equal(first!.attemptCount, 0);
    const leased = await delivery(deliveryId);
    assert.equal(leased.status, 'sending');
    assert.equal(leased.nextAttemptAt, T0 + LEASE_MS);
    assert.deepEqual(await store.queueDepth(), { pending: 0, sending: 1 });

    assert.deepEqual(await claim(T0), []);
    assert.deepEqual(await claim(T0 + LEASE_MS - 1), []);

    const [again] = await claim(T0 + LEASE_MS);
    assert.equal(again!.id, deliveryId);
    assert.ok(again!.lease > first!.lease, `lease ${again!.lease} after ${first!.lease}`);
    assert.equal((await delivery(deliveryId)).nextAttemptAt, T0 + 2 * LEASE_MS);
  });

  test('a result under a lost lease logs the attempt but does not overwrite the newer state', async () => {
    const [inserted] = await store.insertEvents(ACCOUNT, [newEvent(['ep_a'])]);
    const deliveryId = inserted!.deliveryIds[0]!;
    const [stale] = await claim(T0);
    const [current] = await claim(T0 + LEASE_MS);

    // The first worker comes back late with a success: the delivery stays with the current lease.
    await store.recordAttempts([result(stale!, 200, T0 + 1_000)], T0 + LEASE_MS + 10);
    let state = await delivery(deliveryId);
    assert.equal(state.status, 'sending');
    assert.equal(state.attemptCount, 0);
    assert.equal(state.lastStatusCode, null);
    assert.equal(state.nextAttemptAt, T0 + 2 * LEASE_MS);
    assert.deepEqual(
      (await store.listAttempts(ACCOUNT, deliveryId)).map((a) => [a.statusCode, a.succeeded]),
      [[200, true]],
    );

    // The current lease holder's result is written.
    await store.recordAttempts([result(current!, 503, T0 + LEASE_MS + 20)], T0 + LEASE_MS + 30);
    state = await delivery(deliveryId);
    assert.equal(state.status, 'pending');
    assert.equal(state.attemptCount, 1);
    assert.equal(state.lastStatusCode, 503);
    assert.equal(state.nextAttemptAt, T0 + LEASE_MS + 20 + 5_000);
    assert.equal((await store.listAttempts(ACCOUNT, deliveryId)).length, 2);

    // And the stale holder cannot write again, even after the current one finished.
    await store.recordAttempts([result(stale!, 500, T0 + 2_000)], T0 + LEASE_MS + 40);
    assert.equal((await delivery(deliveryId)).lastStatusCode, 503);
  });

  test('a success under the current lease is written over a cancellation; a failure is not', async () => {
    const [inserted] = await store.insertEvents(ACCOUNT, [newEvent(['ep_a']), newEvent(['ep_a'])]);
    const claims = await claim(T0);
    assert.equal(claims.length, 2);
    await store.updateEndpoint(ACCOUNT, 'ep_a', { enabled: false }, T0 + 100, NO_LIMIT);
    assert.equal((await delivery(inserted!.deliveryIds[0]!)).status, 'cancelled');

    const [delivered, refused] = claims;
    await store.recordAttempts([result(delivered!, 200, T0 + 10), result(refused!, 500, T0 + 10)], T0 + 200);
    assert.equal((await delivery(delivered!.id)).status, 'succeeded', 'the receiver did get it');
    assert.equal((await delivery(refused!.id)).status, 'cancelled');
  });

  test('a 410 result disables the endpoint and cancels its live deliveries only', async () => {
    await store.insertEvents(ACCOUNT, [newEvent(['ep_a', 'ep_b'])]);
    const claims = await claim(T0);
    await store.insertEvents(ACCOUNT, [newEvent(['ep_a', 'ep_b'], { dueAt: T0 + 60_000 })]);
    const toA = claims.find((c) => c.endpointId === 'ep_a')!;
    await store.recordAttempts([result(toA, 410, T0 + 10)], T0 + 20);

    const a = (await store.getEndpoint(ACCOUNT, 'ep_a'))!;
    assert.equal(a.enabled, false);
    assert.equal(a.disabledReason, 'gone');
    assert.equal(a.updatedAt, T0 + 20);
    assert.equal((await store.getEndpoint(ACCOUNT, 'ep_b'))!.enabled, true);
    const page = await store.listDeliveries(ACCOUNT, { limit: 10 }, {});
    const byEndpoint = (id: string) =>
      page.items
        .filter((d) => d.endpointId === id)
        .map((d) => d.status)
        .sort();
    assert.deepEqual(byEndpoint('ep_a'), ['cancelled', 'cancelled']);
    assert.deepEqual(byEndpoint('ep_b'), ['pending', 'sending']);
  });

  test('released claims are due at once; a release under a lost lease is ignored', async () => {
    await store.insertEvents(ACCOUNT, [newEvent(['ep_a']), newEvent(['ep_b'])]);
    const claims = await claim(T0);
    assert.equal(claims.length, 2);
    // Both leases expire together; a new claim of one takes that one over.
    const [retaken] = await claim(T0 + LEASE_MS, 1);
    const kept = claims.find((c) => c.id === retaken!.id);
    const released = claims.find((c) => c.id !== retaken!.id);

    await store.releaseClaims(claims, T0 + LEASE_MS + 5);
    const back = await delivery(released!.id);
    assert.equal(back.status, 'pending');
    assert.equal(back.nextAttemptAt, T0 + LEASE_MS + 5);
    assert.equal(back.attemptCount, 0);
    const still = await delivery(kept!.id);
    assert.equal(still.status, 'sending', 'the lease taken over by another claim is left alone');
    assert.equal(still.nextAttemptAt, T0 + 2 * LEASE_MS);

    assert.equal(await store.nextDueAt(), T0 + LEASE_MS + 5);
    assert.deepEqual(
      (await claim(T0 + LEASE_MS + 5)).map((c) => c.id),
      [released!.id],
    );
  });

  test('claims released for later stay out of every claim until they are due', async () => {
    await store.insertEvents(ACCOUNT, [newEvent(['ep_a', 'ep_b']), newEvent(['ep_a', 'ep_b'])]);
    const claims = await claim(T0);
    assert.equal(claims.length, 4);
    await store.releaseClaims(
      claims.filter((c) => c.endpointId === 'ep_a'),
      T0 + 2_000,
    );
    assert.deepEqual(await claim(T0 + 1_999), []);
    const back = await claim(T0 + 2_000);
    assert.deepEqual(
      back.map((c) => c.endpointId),
      ['ep_a', 'ep_a'],
    );
  });

  test('claims take the oldest due first, up to the limit, and never what is not due', async () => {
    const late = newEvent(['ep_a'], { dueAt: T0 + 500 });
    const early = newEvent(['ep_a'], { dueAt: T0 - 500 });
    const future = newEvent(['ep_a'], { dueAt: T0 + 10_000 });
    await store.insertEvents(ACCOUNT, [late, early, future]);
    assert.equal(await store.nextDueAt(), T0 - 500);
    const [first] = await claim(T0 + 1_000, 1);
    assert.equal(first!.eventId, early.event.id);
    const [second, ...none] = await claim(T0 + 1_000);
    assert.equal(second!.eventId, late.event.id);
    assert.equal(none.length, 0);
    assert.deepEqual(await store.queueDepth(), { pending: 1, sending: 2 });
  });

  test('inserting an event id again writes nothing and returns the first deliveries', async () => {
    const id = 'evt_order_1001_paid';
    const [first] = await store.insertEvents(ACCOUNT, [newEvent(['ep_a', 'ep_b'], { id })]);
    assert.equal(first!.inserted, true);
    assert.equal(first!.deliveryIds.length, 2);

    const [second] = await store.insertEvents(ACCOUNT, [newEvent(['ep_a', 'ep_b'], { id })]);
    assert.equal(second!.inserted, false);
    assert.deepEqual(second!.deliveryIds, first!.deliveryIds);
    assert.equal(second!.event.dataJson, '{"order":{"id":"ord_1","total":"9.95"}}');
    assert.equal((await store.listDeliveries(ACCOUNT, { limit: 10 }, {})).items.length, 2);
    assert.equal((await claim(T0)).length, 2);
  });

  test('the same event id with other data is a conflict and rolls the whole insert back', async () => {
    const id = 'evt_order_1002_paid';
    await store.insertEvents(ACCOUNT, [newEvent(['ep_a'], { id })]);
    const changed = newEvent(['ep_a'], { id });
    const fresh = newEvent(['ep_a'], { id: 'evt_order_1003_paid' });
    await assert.rejects(
      store.insertEvents(ACCOUNT, [
        fresh,
        { ...changed, event: { ...changed.event, dataJson: '{"changed":true}' } },
      ]),
      (error: unknown) => error instanceof IdempotencyConflictError && error.index === 1,
    );
    assert.equal(await store.getEvent(ACCOUNT, 'evt_order_1003_paid'), undefined);
  });
});
