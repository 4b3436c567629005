import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { endpointRecord } from '../store/store.contract.ts';
import type { AccountRecord } from '../store/store.ts';
import {
  accountChanges,
  ENDPOINT_FIELDS_NOT_RECORDED,
  endpointChanges,
  endpointSettings,
} from './audit-log.ts';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const OLD_SECRET = 'whsec_OldOldOldOldOldOldOldOldOldOldOl';
const HEADER_VALUE = 'Bearer receiver-credential';

const endpoint = endpointRecord('ep_a', {
  secret: SECRET,
  previousSecret: OLD_SECRET,
  previousSecretExpiresAt: 1,
  headers: { Authorization: HEADER_VALUE, 'X-Shop': 'acme' },
  scope: { productIds: ['prod_1'], checkoutIds: [], upsellIds: [], plugIds: ['plug_1'] },
});

describe('what an audit entry records of an endpoint', () => {
  test('every field of an endpoint is recorded or withheld by name, none both', () => {
    const recorded = Object.keys(endpointSettings(endpoint));
    const withheld: readonly string[] = ENDPOINT_FIELDS_NOT_RECORDED;
    for (const field of Object.keys(endpoint)) {
      assert.ok(
        recorded.includes(field) !== withheld.includes(field),
        `${field} is recorded or withheld, not both or neither`,
      );
    }
    assert.ok(
      ['productIds', 'checkoutIds', 'upsellIds', 'plugIds'].every((list) => recorded.includes(list)),
      'the scope is recorded list by list',
    );
  });

  test('the settings hold no secret and no header value: header names only', () => {
    const settings = endpointSettings(endpoint);
    const text = JSON.stringify(settings);
    for (const secret of [SECRET, OLD_SECRET, HEADER_VALUE, 'acme'])
      assert.ok(!text.includes(secret), secret);
    assert.deepEqual(settings.headers, ['Authorization', 'X-Shop']);
    assert.deepEqual(settings.productIds, ['prod_1']);
    assert.deepEqual(settings.urls, endpoint.urls);
  });

  test('a change names the fields that changed, with their values before and after', () => {
    const after = { ...endpoint, description: 'Orders', timeoutMs: 5_000, updatedAt: 99 };
    assert.deepEqual(endpointChanges(endpoint, after), {
      fields: ['description', 'timeoutMs'],
      changes: { description: { from: '', to: 'Orders' }, timeoutMs: { from: null, to: 5_000 } },
    });
    const scoped = { ...endpoint, scope: { ...endpoint.scope, productIds: ['prod_1', 'prod_2'] } };
    assert.deepEqual(endpointChanges(endpoint, scoped).changes, {
      productIds: { from: ['prod_1'], to: ['prod_1', 'prod_2'] },
    });
  });

  test('a header value that changed names the headers, never either value', () => {
    const after = { ...endpoint, headers: { ...endpoint.headers, Authorization: 'Bearer another' } };
    const changed = endpointChanges(endpoint, after);
    assert.deepEqual(changed, {
      fields: ['headers'],
      changes: { headers: { from: ['Authorization', 'X-Shop'], to: ['Authorization', 'X-Shop'] } },
    });
    assert.ok(!JSON.stringify(changed).includes('Bearer'));
  });

  test('a new secret is no field of a change (a rotation is an action of its own)', () => {
    const rotated = { ...endpoint, secret: 'whsec_new', previousSecret: SECRET, previousSecretExpiresAt: 2 };
    assert.deepEqual(endpointChanges(endpoint, rotated), { fields: [], changes: {} });
  });
});

describe('what an audit entry records of an account', () => {
  const account: AccountRecord = {
    id: 'acc_1',
    name: 'Shop',
    maxActiveUrls: null,
    maxConcurrency: 8,
    retentionMs: null,
    createdAt: 0,
  };

  test('the settings that changed, by their API names; a retention as a duration', () => {
    const after = { ...account, retentionMs: 90 * 86_400_000, maxConcurrency: null };
    assert.deepEqual(accountChanges(account, after), {
      fields: ['maxConcurrency', 'retention'],
      changes: { maxConcurrency: { from: 8, to: null }, retention: { from: null, to: '90d' } },
    });
    assert.deepEqual(accountChanges(account, account), { fields: [], changes: {} });
  });
});
