import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isRecurringOrderPayment } from './recurring-payment.ts';

function orderWithPayment(payment: unknown) {
  return { order: { id: 'ord_1', total: '29.00', payment } };
}

describe('isRecurringOrderPayment', () => {
  const cases: Array<[eventType: string, data: unknown, recurring: boolean]> = [
    ['order.paid', orderWithPayment({ kind: 'direct_debit', method: 'sepa', sequence: 2 }), true],
    ['order.paid', orderWithPayment({ kind: 'instalment', method: 'creditcard', sequence: 3 }), true],
    ['order.payment_failed', orderWithPayment({ kind: 'direct_debit', sequence: 4 }), true],
    ['order.refunded', orderWithPayment({ kind: 'instalment', sequence: 2 }), true],
    // The first payment of a plan is paid at checkout and is a new order like any other.
    ['order.paid', orderWithPayment({ kind: 'one_time', method: 'ideal', sequence: 1 }), false],
    ['order.paid', orderWithPayment({ kind: 'DIRECT_DEBIT' }), false],
    ['order.paid', orderWithPayment({ kind: 'subscription' }), false],
    ['order.paid', orderWithPayment({ method: 'sepa' }), false],
    ['order.paid', orderWithPayment({ kind: ['direct_debit'] }), false],
    ['order.paid', orderWithPayment('direct_debit'), false],
    ['order.paid', orderWithPayment(null), false],
    ['order.paid', { order: { payment: [{ kind: 'direct_debit' }] } }, false],
    ['order.paid', { order: null }, false],
    ['order.paid', { order: 'ord_1' }, false],
    ['order.paid', { payment: { kind: 'direct_debit' } }, false],
    ['order.paid', null, false],
    ['order.paid', 'direct_debit', false],
    ['order.paid', [orderWithPayment({ kind: 'direct_debit' })], false],
    // Only the order family: other events that carry an order are chosen by their type alone.
    ['subscription.renewed', orderWithPayment({ kind: 'direct_debit' }), false],
    ['orders.paid', orderWithPayment({ kind: 'direct_debit' }), false],
    ['order', orderWithPayment({ kind: 'direct_debit' }), false],
    ['invoice.paid', orderWithPayment({ kind: 'instalment' }), false],
  ];
  for (const [eventType, data, recurring] of cases) {
    test(`${eventType} ${JSON.stringify(data)} is ${recurring ? '' : 'not '}recurring`, () => {
      assert.equal(isRecurringOrderPayment(eventType, data), recurring);
    });
  }
});
