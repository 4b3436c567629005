import assert from 'node:assert/strict';
import { test } from 'node:test';
import { verify } from '@hookline/receiver';
import { endpointRecord } from '../store/store.contract.ts';
import { RequestBuilder } from './request-builder.ts';

const NOW = Date.parse('2026-01-01T00:00:00Z');
const payload = { contentType: 'application/json', messageId: 'msg_1', body: '{"type":"order.paid"}' };
const PREVIOUS = 'whsec_dGhlIHByZXZpb3VzIHNlY3JldCBvZiB0aGlzIGVuZHBvaW50';

test('the endpoint’s headers go out lower-cased; its User-Agent replaces ours; ours wins for the rest', () => {
  const endpoint = endpointRecord('ep_h', {
    headers: { 'X-Shop': 'nl', 'User-Agent': 'Shop/2', 'Content-Type': 'text/plain', 'Webhook-Id': 'mine' },
  });
  const headers = new RequestBuilder('Hookline/test').headers(endpoint, payload, NOW);
  assert.equal(headers['x-shop'], 'nl');
  assert.equal(headers['user-agent'], 'Shop/2');
  assert.equal(headers['content-type'], 'application/json');
  assert.equal(headers['webhook-id'], 'msg_1');
  assert.equal(headers['webhook-timestamp'], String(NOW / 1000));
  assert.equal(
    new RequestBuilder('Hookline/test').headers(endpointRecord('ep_p'), payload, NOW)['user-agent'],
    'Hookline/test',
  );
});

test('signed with the secret, and with the previous one until it expires', () => {
  const builder = new RequestBuilder('Hookline/test');
  const endpoint = endpointRecord('ep_s', { previousSecret: PREVIOUS, previousSecretExpiresAt: NOW + 1 });
  const during = builder.headers(endpoint, payload, NOW);
  assert.equal(during['webhook-signature']?.split(' ').length, 2);
  for (const secret of [endpoint.secret, PREVIOUS])
    verify(secret, during, payload.body, { nowSeconds: NOW / 1000 });
  const after = builder.headers(endpoint, payload, NOW + 1);
  assert.equal(after['webhook-signature']?.split(' ').length, 1);
  assert.throws(() => verify(PREVIOUS, after, payload.body, { nowSeconds: NOW / 1000 }));
});
