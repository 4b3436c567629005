/**
 * The audit log part of the store contract (run by `storeContract` against every backend): entries
 * round-trip; the log pages newest first and filters by account, action and time; every change that
 * takes an entry writes it in its own transaction, only when the change is made, and not at all when
 * the change fails (nor the change when its entry fails); retention deletes an account's oldest
 * entries, or those of no account, and nothing else.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, test } from 'node:test';
import type { AuditAction } from '../domain/audit-log.ts';
import { formatId } from '../domain/ids.ts';
import { apiKeyRecord, type ContractSubject, endpointRecord } from './store.contract.ts';
import { ActiveUrlLimitError, type AuditEntryRecord, type AuditLogFilter, type Store } from './store.ts';

const T0 = Date.parse('2025-03-01T12:00:00.000Z');
// The account of endpointRecord and apiKeyRecord, and a second one.
const ACCOUNT = 'acc_01JNB0000000000000000000000';
const OTHER = 'acc_01JNB0000000000000000000001';
const NO_LIMIT = { maxActiveUrls: Number.POSITIVE_INFINITY };

/** An entry of `ACCOUNT` by an API key at `at`, with `changes` applied. */
function entry(at: number, changes: Partial<AuditEntryRecord> = {}): AuditEntryRecord {
  return {
    id: formatId('audit_entry', at, randomBytes(10)),
    accountId: ACCOUNT,
    at,
    actorType: 'api_key',
    actorId: 'key_default',
    actorLabel: 'Default (hk_AbCdEfG)',
    address: '203.0.113.9',
    action: 'endpoint.updated',
    targetType: 'endpoint',
    targetId: 'ep_a',
    details: { fields: ['description'], changes: { description: { from: '', to: 'Orders' } } },
    ...changes,
  };
}

/** Runs the audit log contract on fresh stores from `open`. */
export function auditLogContract(open: () => Promise<ContractSubject>): void {
  describe('the audit log', () => {
    let subject: ContractSubject;
    let store: Store;

    const all = async (filter: AuditLogFilter = {}, limit = 250) =>
      (await store.listAuditLog({ limit }, filter)).items;
    const actions = async (filter: AuditLogFilter = {}) => (await all(filter)).map((e) => e.action);

    beforeEach(async () => {
      subject = await open();
      store = subject.store;
      for (const id of [ACCOUNT, OTHER]) {
        await store.createAccount(
          { id, name: id, maxActiveUrls: null, maxConcurrency: null, retentionMs: null, createdAt: T0 },
          apiKeyRecord(`key_${id}`, { accountId: id }),
          `hash-${id}`,
        );
      }
    });

    afterEach(async () => {
      await subject.close();
    });

    test('entries round-trip, newest first; an operator entry has no account', async () => {
      const mine = entry(T0);
      const admin = entry(T0 + 1, {
        actorType: 'admin',
        actorId: null,
        actorLabel: null,
        action: 'account.updated',
        targetType: 'account',
        targetId: ACCOUNT,
        details: { fields: ['retention'], changes: { retention: { from: null, to: '90d' } } },
      });
      const operator = entry(T0 + 2, {
        accountId: null,
        actorType: 'admin',
        actorId: null,
        actorLabel: null,
        action: 'event_type.created',
        targetType: 'event_type',
        targetId: 'shop.order.paid',
        details: {},
      });
      for (const e of [mine, admin, operator]) await store.appendAuditEntry(e);
      assert.deepEqual(await all(), [operator, admin, mine]);
      assert.deepEqual(await all({ accountId: ACCOUNT }), [admin, mine]);
    });

    test("an account's log holds its entries only; the whole log holds every account's", async () => {
      await store.appendAuditEntry(entry(T0, { action: 'endpoint.created' }));
      await store.appendAuditEntry(entry(T0 + 1, { accountId: OTHER, action: 'endpoint.deleted' }));
      await store.appendAuditEntry(entry(T0 + 2, { accountId: null, action: 'event_type.created' }));
      assert.deepEqual(await actions({ accountId: ACCOUNT }), ['endpoint.created']);
      assert.deepEqual(await actions({ accountId: OTHER }), ['endpoint.deleted']);
      assert.deepEqual(await actions({ accountId: 'acc_missing' }), []);
      assert.deepEqual(await actions(), ['event_type.created', 'endpoint.deleted', 'endpoint.created']);
    });

    test('the log filters by action and time, alone and together, page by page', async () => {
      // One entry a minute for 30 minutes, the actions in turn, alternately of each account.
      const cycle: AuditAction[] = ['endpoint.created', 'endpoint.updated', 'api_key.revoked'];
      const made: AuditEntryRecord[] = [];
      for (let i = 0; i < 30; i++) {
        const e = entry(T0 + i * 60_000, {
          action: cycle[i % 3] as AuditAction,
          accountId: i % 2 === 0 ? ACCOUNT : OTHER,
        });
        made.push(e);
        await store.appendAuditEntry(e);
      }
      const expect = (keep: (e: AuditEntryRecord) => boolean) =>
        made
          .filter(keep)
          .reverse()
          .map((e) => e.id);
      const paged = async (filter: AuditLogFilter, limit: number) => {
        const ids: string[] = [];
        let cursor: string | undefined;
        do {
          const page = await store.listAuditLog({ limit, cursor }, filter);
          assert.ok(page.items.length <= limit);
          ids.push(...page.items.map((e) => e.id));
          cursor = page.nextCursor ?? undefined;
        } while (cursor !== undefined);
        return ids;
      };
      const since = T0 + 5 * 60_000;
      const until = T0 + 20 * 60_000;
      const inRange = (e: AuditEntryRecord) => e.at >= since && e.at < until;
      const cases: [AuditLogFilter, (e: AuditEntryRecord) => boolean][] = [
        [{}, () => true],
        [{ accountId: ACCOUNT }, (e) => e.accountId === ACCOUNT],
        [{ action: 'endpoint.updated' }, (e) => e.action === 'endpoint.updated'],
        [{ sinceMs: since, untilMs: until }, inRange],
        [{ sinceMs: since }, (e) => e.at >= since],
        [{ untilMs: until }, (e) => e.at < until],
        [
          { accountId: OTHER, action: 'api_key.revoked', sinceMs: since, untilMs: until },
          (e) => e.accountId === OTHER && e.action === 'api_key.revoked' && inRange(e),
        ],
        [
          { accountId: ACCOUNT, sinceMs: since, untilMs: until },
          (e) => e.accountId === ACCOUNT && inRange(e),
        ],
        [{ action: 'account.created' }, () => false],
        [{ sinceMs: until, untilMs: until }, () => false],
      ];
      for (const [filter, keep] of cases) {
        for (const limit of [1, 4, 250]) {
          assert.deepEqual(
            await paged(filter, limit),
            expect(keep),
            `${JSON.stringify(filter)}, pages of ${limit}`,
          );
        }
      }
    });

    test('creates and deletes write their entry with the change, only when the change is made', async () => {
      const audit = (action: AuditAction) => entry(T0, { action });
      await store.createEndpoint(endpointRecord('ep_a'), NO_LIMIT, audit('endpoint.created'));
      await store.createApiKey(apiKeyRecord('key_ci', { name: 'CI' }), 'hash-ci', audit('api_key.created'));
      await store.createPortalSession(
        { id: 'ps_1', accountId: ACCOUNT, scope: null, locale: 'en', createdAt: T0, expiresAt: T0 + 60_000 },
        'hash-session',
        audit('portal_session.created'),
      );
      const eventType = {
        name: 'shop.thing',
        description: '',
        schemaJson: '{}',
        exampleJson: '{}',
        createdAt: T0,
      };
      assert.equal(
        await store.createEventType(eventType, entry(T0, { accountId: null, action: 'event_type.created' })),
        true,
      );
      assert.equal(
        await store.createEventType(eventType, entry(T0, { accountId: null, action: 'event_type.created' })),
        false,
        'the name is taken: no entry',
      );
      assert.equal(await store.deleteApiKey(ACCOUNT, 'key_ci', audit('api_key.revoked')), true);
      assert.equal(await store.deleteApiKey(ACCOUNT, 'key_ci', audit('api_key.revoked')), false);
      const next = apiKeyRecord('key_next', { prefix: 'hk_NeXtNeX' });
      assert.equal(
        await store.rollApiKey(
          ACCOUNT,
          'key_missing',
          next,
          'hash-next',
          T0 + 1,
          T0,
          audit('api_key.rolled'),
        ),
        'not_found',
      );
      assert.equal(
        await store.rollApiKey(
          ACCOUNT,
          `key_${ACCOUNT}`,
          next,
          'hash-next',
          T0 + 1,
          T0,
          audit('api_key.rolled'),
        ),
        'rolled',
      );
      assert.equal(
        await store.rollApiKey(
          ACCOUNT,
          `key_${ACCOUNT}`,
          next,
          'hash-next-2',
          T0 + 1,
          T0,
          audit('api_key.rolled'),
        ),
        'expiring',
      );
      const deletedSeen: string[] = [];
      assert.equal(
        await store.deleteEndpoint(ACCOUNT, 'ep_a', T0, (endpoint) => {
          deletedSeen.push(endpoint.urls[0] as string);
          return audit('endpoint.deleted');
        }),
        true,
      );
      assert.equal(await store.deleteEndpoint(ACCOUNT, 'ep_a', T0, () => audit('endpoint.deleted')), false);
      assert.deepEqual(
        deletedSeen,
        ['https://example.com/ep_a'],
        'the entry is made from the deleted endpoint',
      );
      assert.deepEqual(await actions(), [
        'endpoint.deleted',
        'api_key.rolled',
        'api_key.revoked',
        'event_type.created',
        'portal_session.created',
        'api_key.created',
        'endpoint.created',
      ]);
    });

    test('an account created with its entry; changes of an account and an endpoint see before and after', async () => {
      await store.createAccount(
        {
          id: 'acc_new',
          name: 'New',
          maxActiveUrls: null,
          maxConcurrency: null,
          retentionMs: null,
          createdAt: T0,
        },
        apiKeyRecord('key_new', { accountId: 'acc_new' }),
        'hash-new',
        entry(T0, { accountId: 'acc_new', action: 'account.created' }),
      );
      const accountSeen: [number | null, number | null][] = [];
      const changed = await store.updateAccount(
        ACCOUNT,
        { retentionMs: 90 * 86_400_000 },
        ({ before, after }) => {
          accountSeen.push([before.retentionMs, after.retentionMs]);
          return entry(T0 + 1, { action: 'account.updated' });
        },
      );
      assert.equal(changed?.retentionMs, 90 * 86_400_000);
      assert.equal(
        await store.updateAccount('acc_missing', { retentionMs: null }, () =>
          entry(T0, { action: 'account.updated' }),
        ),
        undefined,
      );
      assert.deepEqual(accountSeen, [[null, 90 * 86_400_000]]);

      await store.createEndpoint(endpointRecord('ep_a', { description: 'before' }), NO_LIMIT);
      const endpointSeen: string[][] = [];
      const audit = ({
        before,
        after,
      }: {
        before: { description: string };
        after: { description: string };
      }) => {
        endpointSeen.push([before.description, after.description]);
        return entry(T0 + 2, { action: 'endpoint.updated' });
      };
      await store.updateEndpoint(ACCOUNT, 'ep_a', { description: 'after' }, T0 + 2, NO_LIMIT, audit);
      assert.equal(
        await store.updateEndpoint(ACCOUNT, 'ep_missing', { description: 'x' }, T0 + 2, NO_LIMIT, audit),
        undefined,
      );
      assert.deepEqual(endpointSeen, [['before', 'after']]);
      assert.deepEqual(await actions({ accountId: 'acc_new' }), ['account.created']);
      assert.deepEqual(await actions({ accountId: ACCOUNT }), ['endpoint.updated', 'account.updated']);
    });

    test('resending and recovering write their entry with the change; recover tells how many', async () => {
      await store.createEndpoint(endpointRecord('ep_a'), NO_LIMIT);
      const [published] = await store.insertEvents(ACCOUNT, [
        {
          event: {
            id: 'evt_1',
            accountId: ACCOUNT,
            type: 'shop.order.paid',
            dataJson: '{}',
            occurredAt: T0,
            createdAt: T0,
            orderingKey: null,
          },
          deliveries: [
            {
              id: 'dlv_1',
              endpointId: 'ep_a',
              url: 'https://example.com/ep_a',
              lineId: null,
              nextAttemptAt: T0,
              orderingKey: null,
            },
          ],
        },
      ]);
      assert.deepEqual(published?.deliveryIds, ['dlv_1']);
      const resend = entry(T0 + 1, { action: 'delivery.resent', targetType: 'delivery', targetId: 'dlv_1' });
      assert.equal(await store.retryDelivery(ACCOUNT, 'dlv_1', T0 + 1, resend), undefined, 'still pending');
      const [claimed] = await store.claimDue({ nowMs: T0, limit: 10, leaseMs: 30_000 });
      await store.recordAttempts(
        [
          {
            claim: claimed!,
            status: 'failed',
            nextAttemptAt: null,
            disableEndpoint: false,
            attempt: {
              id: 'att_1',
              deliveryId: 'dlv_1',
              accountId: ACCOUNT,
              number: 1,
              startedAt: T0,
              durationMs: 5,
              statusCode: 500,
              errorCode: null,
              errorMessage: null,
              responseBody: null,
              responseBodyTruncated: false,
              responseHeadersJson: null,
              requestHeadersJson: null,
              requestBody: null,
              requestBodyTruncated: false,
              succeeded: false,
            },
          },
        ],
        T0,
      );
      assert.equal((await store.retryDelivery(ACCOUNT, 'dlv_1', T0 + 1, resend))?.status, 'pending');
      assert.deepEqual(await all(), [resend]);

      const counts: number[] = [];
      const recover = (count: number) => {
        counts.push(count);
        return entry(T0 + 2, { action: 'deliveries.recovered', details: { recovered: count } });
      };
      const range = { sinceMs: T0 - 1, untilMs: T0 + 1 };
      assert.equal(
        await store.recoverDeliveries(ACCOUNT, 'ep_a', range, T0 + 2, recover),
        0,
        'pending already',
      );
      assert.deepEqual(counts, [0], 'a recover that found nothing is recorded too');
      assert.deepEqual(await actions(), ['deliveries.recovered', 'delivery.resent']);
      assert.deepEqual((await all())[0]?.details, { recovered: 0 });
    });

    test('a change that fails writes no entry, and a change whose entry fails is not made', async () => {
      await assert.rejects(
        store.createEndpoint(
          endpointRecord('ep_a'),
          { maxActiveUrls: 0 },
          entry(T0, { action: 'endpoint.created' }),
        ),
        ActiveUrlLimitError,
      );
      assert.deepEqual(await all(), []);

      // An entry without an id breaks the log's NOT NULL: the endpoint and the key go with it.
      const broken = entry(T0, { id: null as unknown as string });
      await assert.rejects(store.createEndpoint(endpointRecord('ep_b'), NO_LIMIT, broken));
      assert.equal(await store.getEndpoint(ACCOUNT, 'ep_b'), undefined);
      await assert.rejects(store.createApiKey(apiKeyRecord('key_ci'), 'hash-ci', broken));
      assert.equal(await store.getApiKey(ACCOUNT, 'key_ci'), undefined);
      await assert.rejects(store.deleteApiKey(ACCOUNT, `key_${ACCOUNT}`, broken));
      assert.ok(await store.getApiKey(ACCOUNT, `key_${ACCOUNT}`), 'the key was not revoked');

      await store.createEndpoint(endpointRecord('ep_c', { description: 'kept' }), NO_LIMIT);
      await assert.rejects(
        store.updateEndpoint(ACCOUNT, 'ep_c', { description: 'lost' }, T0, NO_LIMIT, () => broken),
      );
      assert.equal((await store.getEndpoint(ACCOUNT, 'ep_c'))?.description, 'kept');
      await assert.rejects(store.updateAccount(ACCOUNT, { retentionMs: 60_000 }, () => broken));
      assert.equal((await store.getAccount(ACCOUNT))?.retentionMs, null);
      await assert.rejects(store.deleteEndpoint(ACCOUNT, 'ep_c', T0, () => broken));
      assert.ok(await store.getEndpoint(ACCOUNT, 'ep_c'), 'the endpoint was not deleted');
      assert.deepEqual(await all(), []);
    });

    test("retention deletes an account's entries before the cutoff, oldest first, in steps; nothing else", async () => {
      for (let i = 0; i < 5; i++) {
        await store.appendAuditEntry(entry(T0 + i * 1_000, { details: { step: i } }));
        await store.appendAuditEntry(entry(T0 + i * 1_000, { accountId: OTHER, details: { step: i } }));
        await store.appendAuditEntry(entry(T0 + i * 1_000, { accountId: null, details: { step: i } }));
      }
      const steps = async (accountId: string | null) =>
        (await all(accountId === null ? {} : { accountId }))
          .filter((e) => e.accountId === accountId)
          .map((e) => e.details['step']);
      // Before T0 + 3 s: entries 0, 1 and 2, two at a time.
      assert.equal(await store.pruneAuditLog(ACCOUNT, T0 + 3_000, 2), 2);
      assert.deepEqual(await steps(ACCOUNT), [4, 3, 2], 'the oldest went first');
      assert.equal(await store.pruneAuditLog(ACCOUNT, T0 + 3_000, 2), 1);
      assert.equal(await store.pruneAuditLog(ACCOUNT, T0 + 3_000, 2), 0);
      assert.deepEqual(await steps(ACCOUNT), [4, 3]);
      assert.deepEqual(await steps(OTHER), [4, 3, 2, 1, 0], 'another account keeps its entries');
      assert.deepEqual(await steps(null), [4, 3, 2, 1, 0], 'entries of no account are kept');

      assert.equal(await store.pruneAuditLog(null, T0 + 1_000, 10), 1);
      assert.deepEqual(await steps(null), [4, 3, 2, 1]);
      assert.deepEqual(await steps(OTHER), [4, 3, 2, 1, 0], 'only entries of no account went');
    });
  });
}
