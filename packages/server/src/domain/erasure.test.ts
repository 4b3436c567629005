import assert from 'node:assert/strict';
import { test } from 'node:test';
import { erasedData, erasureNeedles, mentionsCustomer } from './erasure.ts';

test('an event mentions a customer by customer id, customer object or e-mail, nowhere else', () => {
  const order = {
    order: { id: 'ord_1', customer: { id: 'cus_1', email: 'Jane@Example.com' }, note: 'cus_1' },
  };
  assert.equal(mentionsCustomer(order, { customerId: 'cus_1' }), true);
  assert.equal(mentionsCustomer(order, { email: ' jane@example.COM ' }), true);
  assert.equal(mentionsCustomer({ subscription: { customerId: 'cus_1' } }, { customerId: 'cus_1' }), true);
  assert.equal(mentionsCustomer({ lines: [{ customer_id: 'cus_1' }] }, { customerId: 'cus_1' }), true);
  // The id in free text, or as another object's id, is not the customer.
  assert.equal(mentionsCustomer({ order: { id: 'cus_1', note: 'cus_1' } }, { customerId: 'cus_1' }), false);
  assert.equal(mentionsCustomer({ customer: { id: 'cus_2' } }, { customerId: 'cus_1' }), false);
  assert.equal(mentionsCustomer({ text: 'mail jane@example.com' }, { email: 'jane@example.com' }), false);
  assert.equal(mentionsCustomer(order, {}), false);
});

test('the first cut looks for the texts as JSON stores them; the tombstone names the erasure', () => {
  assert.deepEqual(erasureNeedles({ customerId: 'cus_"1', email: ' a@b.nl ' }), ['cus_\\"1', 'a@b.nl']);
  assert.deepEqual(JSON.parse(erasedData('era_1', Date.parse('2025-01-02T03:04:05Z'))), {
    erased: { erasureId: 'era_1', at: '2025-01-02T03:04:05.000Z' },
  });
});
