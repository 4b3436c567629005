/**
 * The contract every `Store` passes: one suite, run against each backend (`store-contract.*.test.ts`),
 * so the SQLite and PostgreSQL stores behave alike. It drives the store directly with an explicit clock
 * (`nowMs`, no sleeping): publishing and idempotency, fan-out rows, claims and leases, fencing, retry
 * scheduling, recover, pagination, tenant isolation, limits, event types, API keys and portal sessions;
 * and the audit log (`audit-log.contract.ts`).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { formatId, type IdKind } from '../domain/ids.ts';
import { auditLogContract } from './audit-log.contract.ts';
import {
  type AccountRecord,
  ActiveUrlLimitError,
  type ApiKeyRecord,
  type AttemptResult,
  type ClaimedDelivery,
  type DeliveryFilter,
  type DeliveryRecord,
  type EndpointRecord,
  type EventFilter,
  type EventRecord,
  IdempotencyConflictError,
  type NewEvent,
  type Store,
} from './store.ts';

/** A store for one test, and how to dispose of it. */
export interface ContractSubject {
  readonly store: Store;
  close(): Promise<void>;
  /** Resolves once the listeners of `onDue` and `onEndpointChanged` hear commits (PostgreSQL: LISTEN is up). */
  listening?(): Promise<void>;
}

const T0 = Date.parse('2025-03-01T12:00:00.000Z');
const LEASE_MS = 30_000;
const ACCOUNT = 'acc_01JNB0000000000000000000000';
const OTHER = 'acc_01JNB0000000000000000000001';

const NO_LIMIT = { maxActiveUrls: Number.POSITIVE_INFINITY };

const newId = (kind: IdKind) => formatId(kind, T0, randomBytes(10));

/** An enabled general endpoint of the test account at `T0`, with `changes` applied (for every store's tests). */
export function endpointRecord(id: string, changes: Partial<EndpointRecord> = {}): EndpointRecord {
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
    ordered: false,
    fields: [],
    format: 'json',
    userAgent: null,
    source: 'api',
    failingSince: null,
    failingWarnedAt: null,
    createdAt: T0,
    updatedAt: T0,
    ...changes,
  };
}

const endpoint = endpointRecord;

/** An account named Shop made at `T0`, on the server's defaults. */
export function accountRecord(id: string): AccountRecord {
  return { id, name: 'Shop', maxActiveUrls: null, maxConcurrency: null, retentionMs: null, createdAt: T0 };
}

/** An API key of the test account made at `T0`, never used and without an end, with `changes` applied. */
export function apiKeyRecord(id: string, changes: Partial<ApiKeyRecord> = {}): ApiKeyRecord {
  return {
    id,
    accountId: ACCOUNT,
    name: 'Default',
    prefix: 'hk_AbCdEfG',
    createdAt: T0,
    lastUsedAt: null,
    expiresAt: null,
    ...changes,
  };
}

/** An event owed to the given endpoints, due at `dueAt`. */
function newEvent(
  endpointIds: readonly string[],
  options: {
    id?: string;
    dueAt?: number;
    accountId?: string;
    createdAt?: number;
    type?: string;
    orderingKey?: string;
  } = {},
): NewEvent {
  return {
    event: {
      id: options.id ?? newId('event'),
      accountId: options.accountId ?? ACCOUNT,
      type: options.type ?? 'shop.order.paid',
      dataJson: '{"order":{"id":"ord_1","total":"9.95"}}',
      occurredAt: T0 - 1_000,
      createdAt: options.createdAt ?? T0,
      orderingKey: options.orderingKey ?? null,
    },
    deliveries: endpointIds.map((endpointId) => ({
      id: newId('delivery'),
      endpointId,
      url: `https://example.com/${endpointId}`,
      lineId: null,
      nextAttemptAt: options.dueAt ?? options.createdAt ?? T0,
      orderingKey: options.orderingKey ?? null,
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
      responseHeadersJson: `{"x-status":"${statusCode}"}`,
      requestHeadersJson: '{"webhook-id":"msg_1"}',
      requestBody: `{"attempt":${claim.attemptCount + 1}}`,
      requestBodyTruncated: false,
      succeeded,
    },
  };
}

/** Runs the contract against stores made by `open` (a fresh, empty store for every test). */
export function storeContract(
  name: string,
  open: () => Promise<ContractSubject>,
  options: { readonly skip?: string | false } = {},
): void {
  describe(`the ${name} store contract`, { skip: options.skip ?? false }, () => {
    auditLogContract(open);

    let subject: ContractSubject;
    let store: Store;

    const claim = (nowMs: number, limit = 100) => store.claimDue({ nowMs, limit, leaseMs: LEASE_MS });
    const delivery = async (id: string) => (await store.getDelivery(ACCOUNT, id))!;

    beforeEach(async () => {
      subject = await open();
      store = subject.store;
      await store.createAccount(
        {
          id: ACCOUNT,
          name: 'Shop',
          maxActiveUrls: null,
          maxConcurrency: null,
          retentionMs: null,
          createdAt: T0,
        },
        apiKeyRecord('key_default'),
        'hash-of-key',
      );
      await store.createEndpoint(endpoint('ep_a'), NO_LIMIT);
      await store.createEndpoint(endpoint('ep_b'), NO_LIMIT);
    });

    afterEach(async () => {
      await subject.close();
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

    test('an attempt keeps the request and the response headers as recorded', async () => {
      const [inserted] = await store.insertEvents(ACCOUNT, [newEvent(['ep_a'])]);
      const deliveryId = inserted!.deliveryIds[0]!;
      const [claimed] = await claim(T0);
      const sent = result(claimed!, 503, T0 + 5);
      const attempt = {
        ...sent.attempt,
        requestHeadersJson: '{"webhook-id":"msg_2","authorization":"[redacted]"}',
        requestBody: 'amount=1250&note=\u0000é',
        requestBodyTruncated: true,
        responseHeadersJson: '{"retry-after":"7"}',
      };
      await store.recordAttempts([{ ...sent, attempt }], T0 + 10);
      const [logged] = await store.listAttempts(ACCOUNT, deliveryId);
      assert.equal(logged?.requestHeadersJson, attempt.requestHeadersJson);
      // PostgreSQL text holds no U+0000: it is kept as U+FFFD there.
      assert.match(logged?.requestBody ?? '', /^amount=1250&note=(\u0000|\uFFFD)é$/);
      assert.equal(logged?.requestBodyTruncated, true);
      assert.equal(logged?.responseHeadersJson, attempt.responseHeadersJson);
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
      await store.recordAttempts(
        [result(delivered!, 200, T0 + 10), result(refused!, 500, T0 + 10)],
        T0 + 200,
      );
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

    test("claims are fair between accounts: one account's backlog does not stand before another's new deliveries", async () => {
      await store.createAccount(
        {
          id: OTHER,
          name: 'Other',
          maxActiveUrls: null,
          maxConcurrency: null,
          retentionMs: null,
          createdAt: T0,
        },
        apiKeyRecord('key_other', { accountId: OTHER }),
        'hash-other',
      );
      await store.createEndpoint(endpoint('ep_o', { accountId: OTHER }), NO_LIMIT);
      // The first account's backlog is due long before the other's deliveries.
      const backlog = Array.from({ length: 60 }, (_, i) => newEvent(['ep_a'], { dueAt: T0 - 60_000 + i }));
      await store.insertEvents(ACCOUNT, backlog);
      await store.insertEvents(OTHER, [
        newEvent(['ep_o'], { accountId: OTHER }),
        newEvent(['ep_o'], { accountId: OTHER }),
      ]);
      const accountsOf = (claims: readonly ClaimedDelivery[]) => claims.map((c) => c.accountId);

      // An even split, and what the other account leaves unused goes to the first.
      const first = await claim(T0, 10);
      assert.equal(first.length, 10);
      assert.equal(accountsOf(first).filter((id) => id === OTHER).length, 2);
      // The first account's part is its oldest due.
      const firstOwn = first.filter((c) => c.accountId === ACCOUNT).map((c) => c.eventId);
      assert.deepEqual(new Set(firstOwn), new Set(backlog.slice(0, 8).map((e) => e.event.id)));

      // An account the engine gives no room stays in the database; one with a little takes that much.
      await store.insertEvents(OTHER, [newEvent(['ep_o'], { accountId: OTHER })]);
      const ownOnly = await store.claimDue({
        nowMs: T0,
        limit: 10,
        leaseMs: LEASE_MS,
        accountRoom: new Map([[ACCOUNT, 0]]),
      });
      assert.deepEqual(accountsOf(ownOnly), [OTHER]);
      const some = await store.claimDue({
        nowMs: T0,
        limit: 10,
        leaseMs: LEASE_MS,
        accountRoom: new Map([[ACCOUNT, 3]]),
      });
      assert.deepEqual(accountsOf(some), [ACCOUNT, ACCOUNT, ACCOUNT]);
      assert.equal((await claim(T0, 100)).length, 60 - 8 - 3);
    });

    test('commits that make deliveries due, and endpoint changes, are announced to listeners', async () => {
      let due = 0;
      const changed: string[] = [];
      const stopDue = store.onDue(() => {
        due++;
      });
      const stopChanged = store.onEndpointChanged((id) => changed.push(id));
      await subject.listening?.();
      const heard = async (what: string, check: () => boolean) => {
        const deadline = Date.now() + 5_000;
        while (!check()) {
          if (Date.now() > deadline) assert.fail(`not heard: ${what}`);
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
      };
      try {
        await store.insertEvents(ACCOUNT, [newEvent(['ep_a'])]);
        await heard('a publish', () => due >= 1);
        await store.updateEndpoint(ACCOUNT, 'ep_b', { description: 'changed' }, T0 + 1, NO_LIMIT);
        await heard('an endpoint change', () => changed.includes('ep_b'));
        await store.deleteEndpoint(ACCOUNT, 'ep_b', T0 + 2);
        await heard('an endpoint deleted', () => changed.filter((id) => id === 'ep_b').length >= 2);
        const [claimed] = await claim(T0);
        await store.recordAttempts(
          [{ ...result(claimed!, 500, T0), status: 'failed', nextAttemptAt: null }],
          T0,
        );
        const before = due;
        await store.retryDelivery(ACCOUNT, claimed!.id, T0 + 3);
        await heard('sending again', () => due > before);
      } finally {
        stopDue();
        stopChanged();
      }
    });

    describe('ordered delivery', () => {
      const ordered = async () => store.createEndpoint(endpoint('ep_o', { ordered: true }), NO_LIMIT);
      const keyed = (orderingKey: string) => newEvent(['ep_o'], { orderingKey });
      const eventsOf = (claims: readonly ClaimedDelivery[]) => claims.map((c) => c.eventId).sort();
      const failedFinally = (c: ClaimedDelivery, at: number): AttemptResult => ({
        ...result(c, 500, at),
        status: 'failed',
        nextAttemptAt: null,
      });

      test('a lane sends one delivery at a time, in publish order, through retries and final failures', async () => {
        await ordered();
        const [first, second, third, otherKey] = [
          keyed('sub_1'),
          keyed('sub_1'),
          keyed('sub_1'),
          keyed('sub_2'),
        ];
        const unkeyed = newEvent(['ep_o']);
        await store.insertEvents(ACCOUNT, [first!, second!]);
        await store.insertEvents(ACCOUNT, [third!, otherKey!, unkeyed]);
        const claimed = await claim(T0);
        assert.deepEqual(eventsOf(claimed), [first!, otherKey!, unkeyed].map((e) => e.event.id).sort());
        const head = claimed.find((c) => c.eventId === first!.event.id)!;
        assert.equal(head.orderingKey, 'sub_1');

        // A failed attempt keeps the lane: the retry comes first, the next delivery only after it.
        await store.recordAttempts([result(head, 500, T0)], T0);
        assert.deepEqual(await claim(T0 + 4_999), []);
        const retried = await claim(T0 + 5_000);
        assert.deepEqual(eventsOf(retried), [first!.event.id]);
        await store.recordAttempts([result(retried[0]!, 200, T0 + 5_000)], T0 + 5_000);
        const next = await claim(T0 + 5_000);
        assert.deepEqual(eventsOf(next), [second!.event.id]);
        // A final failure ends the head too: the lane goes on.
        await store.recordAttempts([failedFinally(next[0]!, T0 + 5_000)], T0 + 5_000);
        assert.deepEqual(eventsOf(await claim(T0 + 5_000)), [third!.event.id]);
        assert.deepEqual(await store.queueDepth(), { pending: 0, sending: 3 });
      });

      test('deliveries of one event to one URL (order lines) wait for each other in order', async () => {
        await ordered();
        const lines = newEvent(['ep_o', 'ep_o', 'ep_o'], { orderingKey: 'ord_9' });
        await store.insertEvents(ACCOUNT, [lines]);
        for (const expected of lines.deliveries) {
          const [only, ...none] = await claim(T0);
          assert.equal(only!.id, expected.id);
          assert.equal(none.length, 0);
          await store.recordAttempts([result(only!, 200, T0)], T0);
        }
        assert.deepEqual(await claim(T0), []);
      });

      test('sent again by hand or recovered, a delivery waits behind a live one of its lane', async () => {
        await ordered();
        const [old, newer] = [keyed('sub_3'), keyed('sub_3')];
        await store.insertEvents(ACCOUNT, [old!]);
        const [oldClaim] = await claim(T0);
        await store.recordAttempts([failedFinally(oldClaim!, T0)], T0);
        await store.insertEvents(ACCOUNT, [newer!]);
        const [newerClaim] = await claim(T0);
        assert.equal(newerClaim!.eventId, newer!.event.id);
        // The newer one is under way: the resent one waits for it.
        await store.retryDelivery(ACCOUNT, oldClaim!.id, T0);
        assert.deepEqual(await claim(T0 + 1), []);
        await store.recordAttempts([failedFinally(newerClaim!, T0 + 1)], T0 + 1);
        const [resent, ...none] = await claim(T0 + 1);
        assert.equal(resent!.id, oldClaim!.id);
        assert.equal(none.length, 0);
        await store.recordAttempts([failedFinally(resent!, T0 + 1)], T0 + 1);

        // Both failed: recovered together, they go one at a time, in publish order.
        assert.equal(
          await store.recoverDeliveries(ACCOUNT, 'ep_o', { sinceMs: 0, untilMs: T0 + 1 }, T0 + 2),
          2,
        );
        const [firstBack, ...rest] = await claim(T0 + 2);
        assert.equal(firstBack!.eventId, old!.event.id);
        assert.equal(rest.length, 0);
        await store.recordAttempts([result(firstBack!, 200, T0 + 2)], T0 + 2);
        assert.deepEqual(eventsOf(await claim(T0 + 2)), [newer!.event.id]);
      });

      test('an endpoint no longer ordered sends what waited at once', async () => {
        await ordered();
        await store.insertEvents(ACCOUNT, [keyed('sub_4'), keyed('sub_4'), keyed('sub_4')]);
        assert.equal((await claim(T0)).length, 1);
        await store.updateEndpoint(ACCOUNT, 'ep_o', { ordered: false }, T0 + 1, NO_LIMIT);
        assert.equal((await claim(T0 + 1)).length, 2);
      });
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

    test('accounts: created with their first key; settings change; listed oldest first by cursor', async () => {
      await store.createAccount(
        {
          id: OTHER,
          name: 'Other',
          maxActiveUrls: null,
          maxConcurrency: null,
          retentionMs: null,
          createdAt: T0 + 1,
        },
        apiKeyRecord('key_other', { accountId: OTHER }),
        'hash-2',
      );
      assert.deepEqual(await store.findApiKeyByHash('hash-of-key'), apiKeyRecord('key_default'));
      assert.equal((await store.findApiKeyByHash('hash-2'))?.accountId, OTHER);
      assert.equal(await store.findApiKeyByHash('nope'), undefined);
      const changed = await store.updateAccount(OTHER, { maxActiveUrls: 25 });
      assert.equal(changed?.maxActiveUrls, 25);
      assert.equal(changed?.maxConcurrency, null);
      assert.equal((await store.getAccount(OTHER))?.maxActiveUrls, 25);
      // Each setting changes alone; null goes back to the default.
      const shared = await store.updateAccount(OTHER, { maxConcurrency: 7 });
      assert.deepEqual([shared?.maxActiveUrls, shared?.maxConcurrency], [25, 7]);
      const reset = await store.updateAccount(OTHER, { maxActiveUrls: null });
      assert.deepEqual([reset?.maxActiveUrls, reset?.maxConcurrency], [null, 7]);
      assert.deepEqual(
        (await store.getAccountsByIds([OTHER, 'acc_missing', OTHER])).map((a) => [a.id, a.maxConcurrency]),
        [[OTHER, 7]],
      );
      assert.deepEqual(await store.getAccountsByIds([]), []);
      assert.equal(await store.updateAccount('acc_missing', { maxActiveUrls: 1 }), undefined);
      const first = await store.listAccounts({ limit: 1 });
      assert.deepEqual(
        first.items.map((a) => a.id),
        [ACCOUNT],
      );
      const second = await store.listAccounts({ limit: 1, cursor: first.nextCursor ?? undefined });
      assert.deepEqual(
        second.items.map((a) => a.id),
        [OTHER],
      );
      assert.equal(second.nextCursor, null);
    });

    test('an account and its first key are written together or not at all', async () => {
      // The key's hash is taken: the key cannot be written, so neither is the account.
      await assert.rejects(
        store.createAccount(
          {
            id: OTHER,
            name: 'Other',
            maxActiveUrls: null,
            maxConcurrency: null,
            retentionMs: null,
            createdAt: T0,
          },
          apiKeyRecord('key_other', { accountId: OTHER }),
          'hash-of-key',
        ),
      );
      assert.equal(await store.getAccount(OTHER), undefined);
      assert.equal(await store.accountExists(OTHER), false);
      assert.equal(await store.getApiKey(OTHER, 'key_other'), undefined);
    });

    test('an account exists once created, and a missing one does not', async () => {
      assert.equal(await store.accountExists(ACCOUNT), true);
      assert.equal(await store.accountExists(ACCOUNT), true);
      assert.equal(await store.accountExists('acc_missing'), false);
      await store.createAccount(
        {
          id: 'acc_later',
          name: 'Later',
          maxActiveUrls: null,
          maxConcurrency: null,
          retentionMs: null,
          createdAt: T0,
        },
        apiKeyRecord('key_later', { accountId: 'acc_later' }),
        'hash-of-later-key',
      );
      assert.equal(await store.accountExists('acc_later'), true);
    });

    test('API keys: found by hash, listed oldest first while they work, deleted at once', async () => {
      const ci = apiKeyRecord('key_ci', { name: 'CI', prefix: 'hk_CiCiCiC', createdAt: T0 + 1 });
      const old = apiKeyRecord('key_old', { name: 'Old', createdAt: T0 + 2, expiresAt: T0 + 60_000 });
      await store.createApiKey(ci, 'hash-ci');
      await store.createApiKey(old, 'hash-old');
      await store.createApiKey(apiKeyRecord('key_theirs', { accountId: OTHER }), 'hash-theirs');
      assert.deepEqual(await store.findApiKeyByHash('hash-ci'), ci);
      assert.deepEqual(await store.getApiKey(ACCOUNT, 'key_old'), old);
      assert.equal(await store.getApiKey(ACCOUNT, 'key_theirs'), undefined, 'another account’s key');
      await assert.rejects(store.createApiKey(apiKeyRecord('key_dup'), 'hash-ci'), 'a hash names one key');

      const first = await store.listApiKeys(ACCOUNT, { limit: 2 }, T0);
      assert.deepEqual(
        first.items.map((k) => k.id),
        ['key_default', 'key_ci'],
      );
      const second = await store.listApiKeys(
        ACCOUNT,
        { limit: 2, cursor: first.nextCursor ?? undefined },
        T0,
      );
      assert.deepEqual(second.items, [old]);
      assert.equal(second.nextCursor, null);
      const later = await store.listApiKeys(ACCOUNT, { limit: 10 }, T0 + 60_000);
      assert.deepEqual(
        later.items.map((k) => k.id),
        ['key_default', 'key_ci'],
        'an expired key is not listed',
      );

      assert.equal(await store.deleteApiKey(OTHER, 'key_ci'), false, 'only from its own account');
      assert.equal(await store.deleteApiKey(ACCOUNT, 'key_ci'), true);
      assert.equal(await store.deleteApiKey(ACCOUNT, 'key_ci'), false);
      assert.equal(await store.findApiKeyByHash('hash-ci'), undefined);
    });

    test('the last use of a key is recorded and read back at once', async () => {
      assert.equal((await store.findApiKeyByHash('hash-of-key'))?.lastUsedAt, null);
      await store.touchApiKey('key_default', T0 + 5_000);
      assert.equal((await store.findApiKeyByHash('hash-of-key'))?.lastUsedAt, T0 + 5_000);
      assert.equal((await store.getApiKey(ACCOUNT, 'key_default'))?.lastUsedAt, T0 + 5_000);
    });

    test('rolling a key: the old one expires or goes, the new one is added; an expiring key is not rolled', async () => {
      const next = apiKeyRecord('key_next', { prefix: 'hk_NeXtNeX', createdAt: T0 + 10 });
      assert.equal(
        await store.rollApiKey(ACCOUNT, 'key_default', next, 'hash-next', T0 + 60_000, T0),
        'rolled',
      );
      assert.equal((await store.findApiKeyByHash('hash-of-key'))?.expiresAt, T0 + 60_000);
      assert.deepEqual(await store.findApiKeyByHash('hash-next'), next);

      const again = apiKeyRecord('key_again');
      assert.equal(
        await store.rollApiKey(ACCOUNT, 'key_default', again, 'hash-again', T0 + 90_000, T0 + 1),
        'expiring',
      );
      assert.equal(await store.findApiKeyByHash('hash-again'), undefined, 'nothing written');
      assert.equal((await store.findApiKeyByHash('hash-of-key'))?.expiresAt, T0 + 60_000);
      assert.equal(
        await store.rollApiKey(OTHER, 'key_next', again, 'hash-again', T0 + 90_000, T0 + 1),
        'not_found',
        'another account’s key',
      );

      // Once expired, the old key is gone with the next roll of any key of the account.
      const third = apiKeyRecord('key_third');
      assert.equal(
        await store.rollApiKey(ACCOUNT, 'key_next', third, 'hash-third', T0 + 60_000, T0 + 60_000),
        'rolled',
      );
      assert.equal(await store.findApiKeyByHash('hash-of-key'), undefined, 'expired: deleted');
      assert.equal(
        await store.findApiKeyByHash('hash-next'),
        undefined,
        'a grace that ends now: deleted at once',
      );
      assert.deepEqual(await store.findApiKeyByHash('hash-third'), third);
      assert.equal(
        await store.rollApiKey(ACCOUNT, 'key_default', again, 'hash-again', T0 + 90_000, T0 + 60_000),
        'not_found',
        'an expired key',
      );
    });

    test('portal sessions: found by token hash with scope and locale; expired ones deleted per account', async () => {
      const scope = { productIds: ['prod_1'], checkoutIds: [], upsellIds: ['ups_1'], plugIds: [] };
      const scoped = {
        id: 'ps_scoped',
        accountId: ACCOUNT,
        scope,
        locale: 'nl' as const,
        createdAt: T0,
        expiresAt: T0 + 3_600_000,
      };
      const whole = { ...scoped, id: 'ps_whole', scope: null, locale: 'en' as const, expiresAt: T0 + 60_000 };
      const theirs = { ...whole, id: 'ps_theirs', accountId: OTHER };
      await store.createPortalSession(scoped, 'hash-scoped');
      await store.createPortalSession(whole, 'hash-whole');
      await store.createPortalSession(theirs, 'hash-theirs');
      assert.deepEqual(await store.findPortalSessionByHash('hash-scoped'), scoped);
      assert.deepEqual(await store.findPortalSessionByHash('hash-whole'), whole);
      assert.equal(await store.findPortalSessionByHash('nope'), undefined);
      assert.deepEqual(await store.getPortalSession(ACCOUNT, 'ps_whole'), whole);
      assert.equal(
        await store.getPortalSession(ACCOUNT, 'ps_theirs'),
        undefined,
        'another account’s session',
      );
      await assert.rejects(store.createPortalSession({ ...whole, id: 'ps_dup' }, 'hash-whole'));

      assert.equal(
        await store.deleteExpiredPortalSessions(ACCOUNT, T0 + 60_000),
        0,
        'expiring at, not before',
      );
      assert.equal(await store.deleteExpiredPortalSessions(ACCOUNT, T0 + 60_001), 1);
      assert.equal(await store.findPortalSessionByHash('hash-whole'), undefined);
      assert.deepEqual(await store.findPortalSessionByHash('hash-scoped'), scoped);
      assert.deepEqual(
        await store.findPortalSessionByHash('hash-theirs'),
        theirs,
        'other accounts untouched',
      );
    });

    test('endpoints: every option round-trips; changes are seen by fan-out and by the engine', async () => {
      const shaped: EndpointRecord = {
        ...endpoint('ep_shaped'),
        urls: ['https://a.example/x', 'https://b.example/y'],
        eventTypes: ['order.*'],
        headers: { 'X-Shop': 'ams' },
        timeoutMs: 5_000,
        maxConcurrency: 3,
        rateLimitPerSecond: 7,
        scope: { productIds: ['prod_1'], checkoutIds: [], upsellIds: ['ups_1'], plugIds: [] },
        perOrderLine: true,
        includeRecurring: true,
        fields: ['order.id', 'order.lines.productId'],
        format: 'form',
        userAgent: 'PayGate - Webhooks',
        source: 'rest_hook',
      };
      await store.createEndpoint(shaped, NO_LIMIT);
      assert.deepEqual(await store.getEndpoint(ACCOUNT, 'ep_shaped'), shaped);
      assert.deepEqual((await store.getEndpointsByIds(['ep_shaped']))[0], shaped);
      assert.ok((await store.listEnabledEndpoints(ACCOUNT)).some((e) => e.id === 'ep_shaped'));

      const updated = await store.updateEndpoint(
        ACCOUNT,
        'ep_shaped',
        { enabled: false, disabledReason: null, fields: [], format: 'json' },
        T0 + 5,
        NO_LIMIT,
      );
      assert.equal(updated?.enabled, false);
      assert.equal(updated?.format, 'json');
      assert.equal(updated?.updatedAt, T0 + 5);
      assert.ok(!(await store.listEnabledEndpoints(ACCOUNT)).some((e) => e.id === 'ep_shaped'));
      assert.equal((await store.getEndpointsByIds(['ep_shaped']))[0]?.enabled, false);
      assert.equal(
        await store.updateEndpoint(OTHER, 'ep_shaped', { description: 'x' }, T0, NO_LIMIT),
        undefined,
      );

      const page = await store.listEndpoints(ACCOUNT, { limit: 2 });
      assert.deepEqual(
        page.items.map((e) => e.id),
        ['ep_a', 'ep_b'],
      );
      const rest = await store.listEndpoints(ACCOUNT, { limit: 2, cursor: page.nextCursor ?? undefined });
      assert.deepEqual(
        rest.items.map((e) => e.id),
        ['ep_shaped'],
      );
      assert.equal(await store.deleteEndpoint(ACCOUNT, 'ep_shaped', T0 + 6), true);
      assert.equal(await store.deleteEndpoint(ACCOUNT, 'ep_shaped', T0 + 6), false);
      assert.equal(await store.getEndpoint(ACCOUNT, 'ep_shaped'), undefined);
    });

    test('the active-URL limit counts distinct URLs of enabled endpoints and writes nothing when hit', async () => {
      // ep_a and ep_b: two URLs receiving.
      const limit = { maxActiveUrls: 3 };
      await store.createEndpoint({ ...endpoint('ep_c'), urls: ['https://example.com/ep_a'] }, limit);
      await store.createEndpoint(endpoint('ep_d'), limit);
      await assert.rejects(
        store.createEndpoint(endpoint('ep_e'), limit),
        (error: unknown) => error instanceof ActiveUrlLimitError && error.limit === 3,
      );
      assert.equal(await store.getEndpoint(ACCOUNT, 'ep_e'), undefined);
      await store.createEndpoint({ ...endpoint('ep_e'), enabled: false }, limit);
      await assert.rejects(
        store.updateEndpoint(ACCOUNT, 'ep_e', { enabled: true }, T0, limit),
        ActiveUrlLimitError,
      );
      assert.equal((await store.getEndpoint(ACCOUNT, 'ep_e'))?.enabled, false);
      await store.updateEndpoint(ACCOUNT, 'ep_d', { enabled: false }, T0, limit);
      assert.equal(
        (await store.updateEndpoint(ACCOUNT, 'ep_e', { enabled: true }, T0, limit))?.enabled,
        true,
      );
    });

    test('a changed URL takes its undelivered deliveries along; a removed one cancels them', async () => {
      const [one] = await store.insertEvents(ACCOUNT, [newEvent(['ep_a'])]);
      await store.updateEndpoint(ACCOUNT, 'ep_a', { urls: ['https://example.com/new'] }, T0 + 1, NO_LIMIT);
      assert.equal((await delivery(one!.deliveryIds[0]!)).url, 'https://example.com/new');
      assert.equal((await delivery(one!.deliveryIds[0]!)).status, 'pending');
      await store.updateEndpoint(
        ACCOUNT,
        'ep_a',
        { urls: ['https://example.com/x', 'https://example.com/y'] },
        T0 + 2,
        NO_LIMIT,
      );
      assert.equal((await delivery(one!.deliveryIds[0]!)).status, 'cancelled');
    });

    test("pruning deletes an account's old events with their deliveries and attempts, never a live one", async () => {
      await store.createAccount(
        {
          id: OTHER,
          name: 'Other',
          maxActiveUrls: null,
          maxConcurrency: null,
          retentionMs: null,
          createdAt: T0,
        },
        apiKeyRecord('key_other', { accountId: OTHER }),
        'hash-of-other-key',
      );
      await store.createEndpoint(endpoint('ep_o', { accountId: OTHER }), NO_LIMIT);
      const [delivered, failing, unmatched, young] = await store.insertEvents(ACCOUNT, [
        newEvent(['ep_a'], { createdAt: T0 }),
        newEvent(['ep_a', 'ep_b'], { createdAt: T0 + 1_000 }),
        newEvent([], { createdAt: T0 + 2_000 }),
        newEvent(['ep_a'], { createdAt: T0 + 10_000 }),
      ]);
      const [others] = await store.insertEvents(OTHER, [
        newEvent(['ep_o'], { accountId: OTHER, createdAt: T0 }),
      ]);
      const claims = await claim(T0 + 3_000);
      assert.equal(claims.length, 4);
      // All succeed but the failing event's second delivery, which waits for its retry: it is live.
      await store.recordAttempts(
        claims.map((c) => result(c, c.id === failing!.deliveryIds[1] ? 500 : 200, T0 + 3_000)),
        T0 + 3_010,
      );
      assert.equal((await delivery(failing!.deliveryIds[1]!)).status, 'pending');

      const cutoffMs = T0 + 5_000;
      const bounds = { cutoffMs, beforeSeq: await store.eventSeqFrom(cutoffMs) };
      // Oldest first, a limit at a time: the delivered event, then the one that matched no endpoint.
      assert.deepEqual(await store.pruneEvents(ACCOUNT, bounds, 1), {
        events: 1,
        deliveries: 1,
        attempts: 1,
      });
      assert.equal(await store.getEvent(ACCOUNT, delivered!.event.id), undefined);
      assert.equal(await store.getDelivery(ACCOUNT, delivered!.deliveryIds[0]!), undefined);
      assert.deepEqual(await store.listAttempts(ACCOUNT, delivered!.deliveryIds[0]!), []);
      assert.deepEqual(await store.pruneEvents(ACCOUNT, bounds, 10), {
        events: 1,
        deliveries: 0,
        attempts: 0,
      });
      assert.equal(await store.getEvent(ACCOUNT, unmatched!.event.id), undefined);
      assert.deepEqual(await store.pruneEvents(ACCOUNT, bounds, 10), {
        events: 0,
        deliveries: 0,
        attempts: 0,
      });

      // The live one and the young one stay, and so does the other account's old event.
      assert.ok(await store.getEvent(ACCOUNT, failing!.event.id));
      // All of its deliveries stay, the delivered one too: an event goes whole or not at all.
      assert.equal((await delivery(failing!.deliveryIds[0]!)).status, 'succeeded');
      assert.equal((await delivery(failing!.deliveryIds[1]!)).attemptCount, 1);
      assert.ok(await store.getEvent(ACCOUNT, young!.event.id));
      assert.ok(await store.getEvent(OTHER, others!.event.id));

      // Once its delivery has ended, the failing event goes too; the other account's by its own call.
      const [again, ...none] = await claim(T0 + 8_000);
      assert.equal(again!.id, failing!.deliveryIds[1]);
      assert.equal(none.length, 0);
      await store.recordAttempts(
        [{ ...result(again!, 500, T0 + 8_000), status: 'failed', nextAttemptAt: null }],
        T0 + 8_010,
      );
      assert.deepEqual(await store.pruneEvents(ACCOUNT, bounds, 10), {
        events: 1,
        deliveries: 2,
        attempts: 3,
      });
      assert.deepEqual(await store.pruneEvents(OTHER, bounds, 10), { events: 1, deliveries: 1, attempts: 1 });
      assert.ok(await store.getEvent(ACCOUNT, young!.event.id));
    });

    test('endpoint health: a failing streak starts at its first failure, keeps its warning, and a success ends it', async () => {
      const health = async (succeededAt: number | null, failedSince: number | null) => {
        const states = await store.recordEndpointHealth([
          { endpointId: 'ep_a', accountId: ACCOUNT, succeededAt, failedSince },
          { endpointId: 'ep_gone', accountId: ACCOUNT, succeededAt: null, failedSince: T0 },
        ]);
        assert.equal(states.length, 1, 'a deleted endpoint is left out');
        return states[0]!;
      };
      const state = (
        failingSince: number | null,
        failingWarnedAt: number | null,
        previousWarnedAt: number | null,
      ) => ({
        endpointId: 'ep_a',
        accountId: ACCOUNT,
        enabled: true,
        failingSince,
        failingWarnedAt,
        previousWarnedAt,
      });
      assert.deepEqual(await health(T0, null), state(null, null, null));
      assert.deepEqual(await health(null, T0 + 10), state(T0 + 10, null, null));
      assert.deepEqual(await health(null, T0 + 20), state(T0 + 10, null, null), 'the streak goes on');
      const warned = await store.updateEndpoint(
        ACCOUNT,
        'ep_a',
        { failingWarnedAt: T0 + 30 },
        T0 + 30,
        NO_LIMIT,
      );
      assert.equal(warned?.failingWarnedAt, T0 + 30);
      assert.deepEqual(
        await health(null, T0 + 40),
        state(T0 + 10, T0 + 30, T0 + 30),
        'warned once per streak',
      );
      const read = await store.getEndpoint(ACCOUNT, 'ep_a');
      assert.equal(read?.failingSince, T0 + 10);
      assert.equal(read?.updatedAt, T0 + 30, 'health is not a change of settings');
      assert.deepEqual(await health(T0 + 50, null), state(null, null, T0 + 30), 'a success ends it');
      assert.deepEqual(await health(null, T0 + 60), state(T0 + 60, null, null));
      // A success then a failure in one group: a new streak from that failure, without the old warning.
      await store.updateEndpoint(ACCOUNT, 'ep_a', { failingWarnedAt: T0 + 65 }, T0 + 65, NO_LIMIT);
      assert.deepEqual(await health(T0 + 70, T0 + 80), state(T0 + 80, null, T0 + 65));
      assert.equal((await store.getEndpoint(ACCOUNT, 'ep_a'))?.failingWarnedAt, null);
    });

    test('erasure: data replaced, bodies cleared, live deliveries cancelled, and the lane moves on', async () => {
      await store.createEndpoint(endpoint('ep_o', { ordered: true }), NO_LIMIT);
      const [first, second, other] = await store.insertEvents(ACCOUNT, [
        newEvent(['ep_o', 'ep_a'], { orderingKey: 'cus_1' }),
        newEvent(['ep_o'], { orderingKey: 'cus_1' }),
        newEvent(['ep_a'], { createdAt: T0 + 1 }),
      ]);
      // The second waits behind the first in the ordered lane.
      assert.equal((await delivery(second!.deliveryIds[0]!)).nextAttemptAt, null);
      const claims = await claim(T0);
      const toA = claims.find((c) => c.id === first!.deliveryIds[1])!;
      await store.recordAttempts([result(toA, 200, T0 + 1)], T0 + 2);

      const found = await store.findEventsContaining(ACCOUNT, ['ORD_1'], 0, 10);
      assert.deepEqual(
        found.map((e) => e.id),
        [first!.event.id, second!.event.id, other!.event.id],
        'ASCII case aside',
      );
      assert.deepEqual(
        await store.findEventsContaining(ACCOUNT, ['ord_%'], 0, 10),
        [],
        'wildcards are literal',
      );
      assert.deepEqual(
        (await store.findEventsContaining(ACCOUNT, ['ord_1'], found[0]!.seq, 1)).map((e) => e.id),
        [second!.event.id],
      );

      const tombstone = '{"erased":{"erasureId":"era_1"}}';
      const erased = await store.eraseEvents(ACCOUNT, [found[0]!.seq], tombstone, T0 + 10);
      assert.deepEqual(erased, { events: 1, deliveriesCancelled: 1, attemptsCleared: 1 });
      const event = await store.getEvent(ACCOUNT, first!.event.id);
      assert.equal(event?.dataJson, tombstone);
      assert.equal(event?.orderingKey, null, 'a key may name the customer');
      assert.equal((await delivery(first!.deliveryIds[0]!)).status, 'cancelled');
      const [attempt] = await store.listAttempts(ACCOUNT, toA.id);
      assert.equal(attempt?.requestBody, null);
      assert.equal(attempt?.responseBody, null);
      assert.equal(
        (await delivery(second!.deliveryIds[0]!)).nextAttemptAt,
        T0 + 10,
        'the next in the lane is due',
      );
      assert.equal((await store.getEvent(ACCOUNT, other!.event.id))?.dataJson, newEvent([]).event.dataJson);
      // Sent again by hand, it carries the tombstone and no ordering key.
      await store.retryDelivery(ACCOUNT, first!.deliveryIds[0]!, T0 + 20);
      const again = (await claim(T0 + 20)).find((c) => c.id === first!.deliveryIds[0]);
      assert.equal(again?.orderingKey, null);
      assert.equal(again?.dataJson, tombstone);
    });

    test('where retention starts: the first event stored at or after a time', async () => {
      assert.equal(await store.eventSeqFrom(T0), 0);
      const inserted = await store.insertEvents(ACCOUNT, [
        newEvent([], { createdAt: T0 }),
        newEvent([], { createdAt: T0 + 1_000 }),
        newEvent([], { createdAt: T0 + 2_000 }),
      ]);
      const [first, second, third] = await Promise.all(
        [T0, T0 + 1_000, T0 + 1_500, T0 + 2_001].map((t) => store.eventSeqFrom(t)),
      );
      // Positions are the store's own; only their order is compared, by what a prune below them takes.
      assert.ok(first! < second! && second! < third!);
      assert.equal(await store.eventSeqFrom(T0 + 2_000), third);
      // The position only bounds the read: the time decides (positions and times of events stored by
      // several processes at once may disagree by a little).
      const beyond = { cutoffMs: T0 + 500, beforeSeq: Number.MAX_SAFE_INTEGER };
      assert.deepEqual(await store.pruneEvents(ACCOUNT, beyond, 10), {
        events: 1,
        deliveries: 0,
        attempts: 0,
      });
      const bounds = { cutoffMs: T0 + 1_500, beforeSeq: third! };
      assert.deepEqual(await store.pruneEvents(ACCOUNT, bounds, 10), {
        events: 1,
        deliveries: 0,
        attempts: 0,
      });
      assert.ok(await store.getEvent(ACCOUNT, inserted[2]!.event.id));
    });

    test('a failed attempt is due again at its retry time, and only then', async () => {
      const [inserted] = await store.insertEvents(ACCOUNT, [newEvent(['ep_a'])]);
      const [first] = await claim(T0);
      await store.recordAttempts([result(first!, 500, T0 + 10)], T0 + 20);
      const waiting = await delivery(inserted!.deliveryIds[0]!);
      assert.equal(waiting.status, 'pending');
      assert.equal(waiting.attemptCount, 1);
      assert.equal(waiting.nextAttemptAt, T0 + 5_010);
      assert.equal(await store.nextDueAt(), T0 + 5_010);
      assert.deepEqual(await claim(T0 + 5_009), []);
      const [second] = await claim(T0 + 5_010);
      assert.equal(second!.attemptCount, 1);
      assert.equal(second!.scheduleStart, 0);
      await store.recordAttempts([result(second!, 200, T0 + 5_020)], T0 + 5_030);
      const done = await delivery(inserted!.deliveryIds[0]!);
      assert.equal(done.status, 'succeeded');
      assert.equal(done.attemptCount, 2);
      assert.equal(done.nextAttemptAt, null);
      assert.deepEqual(
        (await store.listAttempts(ACCOUNT, done.id)).map((a) => a.number),
        [1, 2],
      );
      assert.equal(await store.nextDueAt(), undefined);
    });

    test('retry and recover re-queue terminal deliveries with a fresh schedule', async () => {
      const [old] = await store.insertEvents(ACCOUNT, [newEvent(['ep_a'], { createdAt: T0 - 60_000 })]);
      const [recent] = await store.insertEvents(ACCOUNT, [newEvent(['ep_a'], { createdAt: T0 })]);
      for (const claimed of await claim(T0)) {
        await store.recordAttempts(
          [{ ...result(claimed, 500, T0), status: 'failed', nextAttemptAt: null }],
          T0,
        );
      }
      assert.equal((await delivery(recent!.deliveryIds[0]!)).status, 'failed');
      const retried = await store.retryDelivery(ACCOUNT, recent!.deliveryIds[0]!, T0 + 100);
      assert.equal(retried?.status, 'pending');
      assert.equal(retried?.nextAttemptAt, T0 + 100);
      assert.equal(
        await store.retryDelivery(ACCOUNT, recent!.deliveryIds[0]!, T0 + 100),
        undefined,
        'not terminal',
      );
      assert.equal(
        await store.retryDelivery(OTHER, old!.deliveryIds[0]!, T0 + 100),
        undefined,
        'another account',
      );
      const [again] = await claim(T0 + 100);
      assert.equal(again!.scheduleStart, 1, 'the schedule restarts after the attempts made');

      const recovered = await store.recoverDeliveries(
        ACCOUNT,
        'ep_a',
        { sinceMs: T0 - 120_000, untilMs: T0 - 1 },
        T0 + 200,
      );
      assert.equal(recovered, 1);
      assert.equal((await delivery(old!.deliveryIds[0]!)).status, 'pending');
      assert.equal(await store.recoverDeliveries(OTHER, 'ep_a', { sinceMs: 0, untilMs: T0 * 2 }, T0), 0);
    });

    test('cancelled claims stay cancelled; line ids travel with their deliveries', async () => {
      const event = newEvent(['ep_a']);
      const lines: NewEvent = {
        ...event,
        deliveries: ['line_1', 'line_2'].map((lineId) => ({
          ...event.deliveries[0]!,
          id: newId('delivery'),
          lineId,
        })),
      };
      const [inserted] = await store.insertEvents(ACCOUNT, [lines]);
      const claims = await claim(T0);
      assert.deepEqual(claims.map((c) => c.lineId).sort(), ['line_1', 'line_2']);
      assert.deepEqual(
        (await store.listDeliveries(ACCOUNT, { limit: 10 }, {})).items.map((d) => d.lineId).sort(),
        ['line_1', 'line_2'],
      );
      await store.cancelClaims(claims.slice(0, 1), T0 + 1);
      assert.equal((await delivery(claims[0]!.id)).status, 'cancelled');
      assert.equal(inserted!.deliveryIds.length, 2);
      assert.deepEqual(
        await claim(T0 + 2 * LEASE_MS),
        [claims[1]!].map((c) => ({ ...c, lease: c.lease + 1 })),
      );
    });

    test('a 410 from a REST hook removes the hook', async () => {
      await store.createEndpoint({ ...endpoint('ep_hook'), source: 'rest_hook' }, NO_LIMIT);
      await store.insertEvents(ACCOUNT, [newEvent(['ep_hook'])]);
      const [claimed] = await claim(T0);
      await store.recordAttempts([result(claimed!, 410, T0 + 1)], T0 + 2);
      assert.equal(await store.getEndpoint(ACCOUNT, 'ep_hook'), undefined);
      assert.equal((await delivery(claimed!.id)).status, 'cancelled');
    });

    test('logs page newest first, filter, and never show another account', async () => {
      await store.createAccount(
        {
          id: OTHER,
          name: 'Other',
          maxActiveUrls: null,
          maxConcurrency: null,
          retentionMs: null,
          createdAt: T0,
        },
        apiKeyRecord('key_other', { accountId: OTHER }),
        'hash-2',
      );
      await store.createEndpoint(endpoint('ep_o', { accountId: OTHER }), NO_LIMIT);
      const mine = [];
      for (let i = 0; i < 5; i++) {
        const type = i % 2 === 0 ? 'shop.order.paid' : 'shop.order.refunded';
        mine.push((await store.insertEvents(ACCOUNT, [newEvent(['ep_a'], { type })]))[0]!);
      }
      const [theirs] = await store.insertEvents(OTHER, [newEvent(['ep_o'], { accountId: OTHER })]);

      const ids: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await store.listEvents(ACCOUNT, { limit: 2, cursor }, {});
        ids.push(...page.items.map((e) => e.id));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      assert.deepEqual(ids, mine.map((m) => m.event.id).reverse());
      const refunds = await store.listEvents(ACCOUNT, { limit: 10 }, { type: 'shop.order.refunded' });
      assert.equal(refunds.items.length, 2);

      const byEvent = await store.listDeliveries(ACCOUNT, { limit: 10 }, { eventId: mine[0]!.event.id });
      assert.deepEqual(
        byEvent.items.map((d) => d.id),
        mine[0]!.deliveryIds,
      );
      const byStatus = await store.listDeliveries(
        ACCOUNT,
        { limit: 10 },
        { status: 'pending', endpointId: 'ep_a' },
      );
      assert.equal(byStatus.items.length, 5);

      assert.equal(await store.getEvent(ACCOUNT, theirs!.event.id), undefined);
      assert.equal(await store.getDelivery(ACCOUNT, theirs!.deliveryIds[0]!), undefined);
      assert.deepEqual(await store.listAttempts(ACCOUNT, theirs!.deliveryIds[0]!), []);
      assert.equal(await store.getEndpoint(ACCOUNT, 'ep_o'), undefined);
      assert.equal((await store.listDeliveries(OTHER, { limit: 10 }, {})).items.length, 1);
      // The same event id in two accounts is two events.
      const shared = 'evt_same_id';
      assert.equal(
        (await store.insertEvents(ACCOUNT, [newEvent(['ep_a'], { id: shared })]))[0]!.inserted,
        true,
      );
      const other = newEvent(['ep_o'], { id: shared, accountId: OTHER });
      assert.equal((await store.insertEvents(OTHER, [other]))[0]!.inserted, true);
    });

    /** Every page of a deliveries list, `limit` at a time, by cursor. */
    async function allDeliveries(
      accountId: string,
      filter: DeliveryFilter,
      limit = 2,
    ): Promise<DeliveryRecord[]> {
      const items: DeliveryRecord[] = [];
      let cursor: string | undefined;
      do {
        const page = await store.listDeliveries(accountId, { limit, cursor }, filter);
        items.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return items;
    }

    test('the deliveries log filters by type, status, endpoints and time, alone and together, page by page', async () => {
      await store.createEndpoint(endpoint('ep_c'), NO_LIMIT);
      await store.createAccount(
        {
          id: OTHER,
          name: 'Other',
          maxActiveUrls: null,
          maxConcurrency: null,
          retentionMs: null,
          createdAt: T0,
        },
        apiKeyRecord('key_other', { accountId: OTHER }),
        'hash-2',
      );
      await store.createEndpoint(endpoint('ep_o', { accountId: OTHER }), NO_LIMIT);
      const types = ['shop.order.paid', 'shop.order.refunded', 'shop.cart.updated'];
      const fanOut = [['ep_a', 'ep_b'], ['ep_b'], ['ep_a', 'ep_c'], []];
      // One event a minute, one publish each, so creation times grow with the log; but the 22nd was
      // created 200 ms before the one published before it (a publish that waited for its commit).
      const created = Array.from({ length: 30 }, (_, i) => T0 + i * 60_000);
      created.splice(21, 0, T0 + 20 * 60_000 - 200);
      let otherPaid = 0;
      for (const [i, createdAt] of created.entries()) {
        const type = types[i % 3]!;
        await store.insertEvents(ACCOUNT, [newEvent(fanOut[i % 4]!, { type, createdAt })]);
        if (i % 5 === 0) {
          await store.insertEvents(OTHER, [newEvent(['ep_o'], { type, createdAt, accountId: OTHER })]);
          if (type === 'shop.order.paid') otherPaid++;
        }
      }
      // Some deliveries succeed, some fail for good, some are cancelled, the rest stay pending.
      const claims = await claim(T0 + 60 * 60_000, 1_000);
      const outcome = (i: number): AttemptResult['status'] =>
        (['succeeded', 'failed', 'cancelled', 'pending'] as const)[i % 4]!;
      await store.recordAttempts(
        claims.map((c, i) => ({
          ...result(c, outcome(i) === 'succeeded' ? 200 : 500, T0),
          status: outcome(i),
          nextAttemptAt: outcome(i) === 'pending' ? T0 + 5_000 : null,
        })),
        T0 + 60 * 60_000,
      );
      // … and three of those are being sent again.
      assert.equal((await claim(T0 + 60 * 60_000, 3)).length, 3);

      const all = await allDeliveries(ACCOUNT, {});
      const count = created.reduce((n, _, i) => n + fanOut[i % 4]!.length, 0);
      assert.equal(all.length, count, 'every delivery of the account, none of the other');
      assert.deepEqual(
        all.map((d) => d.id),
        (await store.listDeliveries(ACCOUNT, { limit: 100 }, {})).items.map((d) => d.id),
        'paging by 2 gives the one-page list',
      );
      const statuses = new Set(all.map((d) => d.status));
      assert.deepEqual([...statuses].sort(), ['cancelled', 'failed', 'pending', 'sending', 'succeeded']);
      // An event delivered to ep_a and ep_b, not ep_c.
      const endpointsOf = (eventId: string) =>
        all
          .filter((d) => d.eventId === eventId)
          .map((d) => d.endpointId)
          .sort()
          .join();
      const someEvent = all.find((d) => endpointsOf(d.eventId) === 'ep_a,ep_b')!.eventId;

      const cases: [DeliveryFilter, (d: DeliveryRecord) => boolean][] = [
        [{ eventType: 'shop.order.refunded' }, (d) => d.eventType === 'shop.order.refunded'],
        [{ eventType: 'shop.order.none' }, () => false],
        [{ status: 'failed' }, (d) => d.status === 'failed'],
        [{ status: 'cancelled' }, (d) => d.status === 'cancelled'],
        [{ status: 'succeeded' }, (d) => d.status === 'succeeded'],
        [{ status: 'pending' }, (d) => d.status === 'pending'],
        [{ status: 'sending' }, (d) => d.status === 'sending'],
        [{ endpointId: 'ep_c' }, (d) => d.endpointId === 'ep_c'],
        [{ endpointIds: ['ep_a', 'ep_c'] }, (d) => d.endpointId !== 'ep_b'],
        [{ endpointIds: ['ep_b'] }, (d) => d.endpointId === 'ep_b'],
        [{ endpointIds: [] }, () => false],
        [{ endpointIds: ['ep_a', 'ep_c'], endpointId: 'ep_c' }, (d) => d.endpointId === 'ep_c'],
        [{ endpointIds: ['ep_c'], endpointId: 'ep_a' }, () => false],
        [{ endpointIds: ['ep_o'] }, () => false],
        [{ sinceMs: T0 + 5 * 60_000 }, (d) => d.createdAt >= T0 + 5 * 60_000],
        [{ untilMs: T0 + 12 * 60_000 }, (d) => d.createdAt < T0 + 12 * 60_000],
        [
          { sinceMs: T0 + 5 * 60_000, untilMs: T0 + 12 * 60_000 },
          (d) => d.createdAt >= T0 + 5 * 60_000 && d.createdAt < T0 + 12 * 60_000,
        ],
        [
          { sinceMs: T0 + 20 * 60_000 - 300, untilMs: T0 + 20 * 60_000 - 100 },
          (d) => d.createdAt === created[21],
        ],
        [{ sinceMs: T0 + 60_000, untilMs: T0 + 60_000 }, () => false],
        [{ sinceMs: T0 + 99 * 60_000 }, () => false],
        [
          { eventType: 'shop.order.paid', status: 'succeeded' },
          (d) => d.eventType === 'shop.order.paid' && d.status === 'succeeded',
        ],
        [
          { eventType: 'shop.cart.updated', endpointIds: ['ep_a', 'ep_b'] },
          (d) => d.eventType === 'shop.cart.updated' && d.endpointId !== 'ep_c',
        ],
        [
          { eventType: 'shop.order.paid', sinceMs: T0 + 3 * 60_000, untilMs: T0 + 20 * 60_000 },
          (d) =>
            d.eventType === 'shop.order.paid' &&
            d.createdAt >= T0 + 3 * 60_000 &&
            d.createdAt < T0 + 20 * 60_000,
        ],
        [
          { status: 'failed', sinceMs: T0 + 10 * 60_000 },
          (d) => d.status === 'failed' && d.createdAt >= T0 + 10 * 60_000,
        ],
        [
          { endpointIds: ['ep_a', 'ep_b'], status: 'pending', untilMs: T0 + 18 * 60_000 },
          (d) => d.endpointId !== 'ep_c' && d.status === 'pending' && d.createdAt < T0 + 18 * 60_000,
        ],
        [
          { eventId: someEvent, endpointIds: ['ep_a'] },
          (d) => d.eventId === someEvent && d.endpointId === 'ep_a',
        ],
        [{ eventId: someEvent, endpointIds: ['ep_c'] }, () => false],
      ];
      for (const [filter, keep] of cases) {
        const expected = all.filter(keep).map((d) => d.id);
        for (const limit of [2, 100]) {
          assert.deepEqual(
            (await allDeliveries(ACCOUNT, filter, limit)).map((d) => d.id),
            expected,
            `${JSON.stringify(filter)} by ${limit}`,
          );
        }
      }
      assert.ok(all.filter((d) => d.eventType === 'shop.order.refunded').length > 2);
      const theirs = await allDeliveries(OTHER, { eventType: 'shop.order.paid' });
      assert.equal(theirs.length, otherPaid);
      assert.ok(
        theirs.every((d) => d.accountId === OTHER),
        'the other account sees its own only',
      );
    });

    test('the events log filters by type and creation time, page by page', async () => {
      const types = ['shop.order.paid', 'shop.order.refunded'];
      const published: EventRecord[] = [];
      for (let i = 0; i < 9; i++) {
        const createdAt = T0 + i * 60_000;
        // Events that matched no endpoint are in the log all the same.
        const [inserted] = await store.insertEvents(ACCOUNT, [
          newEvent(i % 3 === 0 ? [] : ['ep_a'], { type: types[i % 2]!, createdAt }),
        ]);
        published.push(inserted!.event);
      }
      const newestFirst = [...published].reverse();
      const cases: [EventFilter, (e: EventRecord) => boolean][] = [
        [{}, () => true],
        [{ type: 'shop.order.paid' }, (e) => e.type === 'shop.order.paid'],
        [{ sinceMs: T0 + 2 * 60_000 }, (e) => e.createdAt >= T0 + 2 * 60_000],
        [{ untilMs: T0 + 5 * 60_000 }, (e) => e.createdAt < T0 + 5 * 60_000],
        [
          { type: 'shop.order.refunded', sinceMs: T0 + 60_000, untilMs: T0 + 7 * 60_000 },
          (e) =>
            e.type === 'shop.order.refunded' && e.createdAt >= T0 + 60_000 && e.createdAt < T0 + 7 * 60_000,
        ],
        [{ sinceMs: T0 + 3 * 60_000, untilMs: T0 + 3 * 60_000 }, () => false],
      ];
      for (const [filter, keep] of cases) {
        const ids: string[] = [];
        let cursor: string | undefined;
        do {
          const page = await store.listEvents(ACCOUNT, { limit: 2, cursor }, filter);
          ids.push(...page.items.map((e) => e.id));
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
        assert.deepEqual(
          ids,
          newestFirst.filter(keep).map((e) => e.id),
          JSON.stringify(filter),
        );
      }
    });

    test('attempts per endpoint since a time: every attempt counts by its start; only the account’s endpoints', async () => {
      await store.createAccount(
        {
          id: OTHER,
          name: 'Other',
          maxActiveUrls: null,
          maxConcurrency: null,
          retentionMs: null,
          createdAt: T0,
        },
        apiKeyRecord('key_other', { accountId: OTHER }),
        'hash-2',
      );
      await store.createEndpoint(endpoint('ep_o', { accountId: OTHER }), NO_LIMIT);
      await store.createEndpoint(endpoint('ep_gone'), NO_LIMIT);
      await store.insertEvents(ACCOUNT, [newEvent(['ep_a', 'ep_b', 'ep_gone'])]);
      await store.insertEvents(OTHER, [newEvent(['ep_o'], { accountId: OTHER })]);
      const first = await claim(T0);
      const to = (id: string) => first.find((c) => c.endpointId === id)!;
      await store.recordAttempts(
        [
          result(to('ep_a'), 500, T0 + 10),
          result(to('ep_b'), 503, T0 + 10),
          result(to('ep_gone'), 200, T0 + 10),
        ],
        T0 + 20,
      );
      await store.recordAttempts([result(to('ep_o'), 200, T0 + 10)], T0 + 20);
      // ep_a's retry succeeds; ep_b's fails again; and a resend of ep_a's succeeds once more.
      const second = await claim(T0 + 5_010);
      const again = (id: string) => second.find((c) => c.endpointId === id)!;
      await store.recordAttempts(
        [result(again('ep_a'), 200, T0 + 5_020), result(again('ep_b'), 500, T0 + 5_030)],
        T0 + 5_040,
      );
      await store.retryDelivery(ACCOUNT, again('ep_a').id, T0 + 6_000);
      const [resend] = await claim(T0 + 6_000);
      await store.recordAttempts([result(resend!, 200, T0 + 6_010)], T0 + 6_020);
      await store.deleteEndpoint(ACCOUNT, 'ep_gone', T0 + 7_000);

      assert.deepEqual(await store.endpointAttemptStats(ACCOUNT, T0), [
        { endpointId: 'ep_a', attempts: 3, succeeded: 2, failed: 1, lastAttemptAt: T0 + 6_010 },
        { endpointId: 'ep_b', attempts: 2, succeeded: 0, failed: 2, lastAttemptAt: T0 + 5_030 },
      ]);
      assert.deepEqual(await store.endpointAttemptStats(ACCOUNT, T0 + 5_025), [
        { endpointId: 'ep_a', attempts: 1, succeeded: 1, failed: 0, lastAttemptAt: T0 + 6_010 },
        { endpointId: 'ep_b', attempts: 1, succeeded: 0, failed: 1, lastAttemptAt: T0 + 5_030 },
      ]);
      assert.deepEqual(await store.endpointAttemptStats(ACCOUNT, T0 + 6_011), []);
      assert.deepEqual(await store.endpointAttemptStats(OTHER, T0), [
        { endpointId: 'ep_o', attempts: 1, succeeded: 1, failed: 0, lastAttemptAt: T0 + 10 },
      ]);
    });

    test('counts: the distinct URLs receiving, the accounts, the disabled endpoints', async () => {
      // ep_a and ep_b: two URLs.
      assert.equal(await store.countActiveUrls(ACCOUNT), 2);
      await store.createEndpoint({ ...endpoint('ep_c'), urls: ['https://example.com/ep_a'] }, NO_LIMIT);
      await store.createEndpoint({ ...endpoint('ep_d'), enabled: false }, NO_LIMIT);
      assert.equal(
        await store.countActiveUrls(ACCOUNT),
        2,
        'a URL counts once; a disabled endpoint not at all',
      );
      await store.createEndpoint(
        { ...endpoint('ep_e'), urls: ['https://example.com/1', 'https://example.com/2'] },
        NO_LIMIT,
      );
      assert.equal(await store.countActiveUrls(ACCOUNT), 4);
      assert.deepEqual(await store.overviewCounts(), { accounts: 1, disabledEndpoints: 1 });
      await store.createAccount(
        {
          id: OTHER,
          name: 'Other',
          maxActiveUrls: null,
          maxConcurrency: null,
          retentionMs: null,
          createdAt: T0,
        },
        apiKeyRecord('key_other', { accountId: OTHER }),
        'hash-2',
      );
      await store.createEndpoint(endpoint('ep_o', { accountId: OTHER, enabled: false }), NO_LIMIT);
      await store.updateEndpoint(ACCOUNT, 'ep_e', { enabled: false }, T0 + 1, NO_LIMIT);
      assert.equal(await store.countActiveUrls(ACCOUNT), 2);
      assert.equal(await store.countActiveUrls(OTHER), 0);
      assert.deepEqual(await store.overviewCounts(), { accounts: 2, disabledEndpoints: 3 });
    });

    test('event types are registered once by name', async () => {
      const type = {
        name: 'course.completed',
        description: 'A course was completed.',
        schemaJson: '{"type":"object"}',
        exampleJson: '{"course":{"id":"crs_1"}}',
        createdAt: T0,
      };
      assert.equal(await store.createEventType(type), true);
      assert.equal(await store.createEventType({ ...type, description: 'again' }), false);
      assert.deepEqual(await store.listEventTypes(), [type]);
    });

    test('partitions split the due deliveries by endpoint: disjoint, and together all of them', async () => {
      const ids = ['ep_c', 'ep_d', 'ep_e', 'ep_f', 'ep_g', 'ep_h'];
      for (const id of ids) await store.createEndpoint(endpoint(id), NO_LIMIT);
      const all = ['ep_a', 'ep_b', ...ids];
      await store.insertEvents(ACCOUNT, [newEvent(all), newEvent(all)]);
      const shares: ClaimedDelivery[][] = [];
      for (let index = 0; index < 3; index++) {
        const partition = { index, count: 3 };
        const due = await store.nextDueAt(partition);
        const share = await store.claimDue({ nowMs: T0, limit: 100, leaseMs: LEASE_MS, partition });
        assert.equal(due, share.length > 0 ? T0 : undefined, 'nextDueAt sees the same share');
        shares.push(share);
      }
      const endpointsOf = (share: ClaimedDelivery[]) => new Set(share.map((c) => c.endpointId));
      for (const [i, share] of shares.entries()) {
        for (const other of shares.slice(i + 1)) {
          for (const id of endpointsOf(share)) assert.ok(!endpointsOf(other).has(id), `${id} in two shares`);
        }
        for (const id of endpointsOf(share)) assert.equal(share.filter((c) => c.endpointId === id).length, 2);
      }
      assert.equal(shares.flat().length, 2 * all.length);
      assert.deepEqual(await claim(T0), []);
    });

    test('a worker sees itself among the live workers', async () => {
      const workers = await store.registerWorker('host:1:a', T0, 5_000);
      assert.ok(workers.includes('host:1:a'));
      await store.unregisterWorker('host:1:a');
    });

    test('ping answers', async () => {
      await store.ping();
    });
  });
}
