import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { closestNames, editDistance, MAX_SUGGESTIONS } from './closest-names.ts';

describe('editDistance', () => {
  const cases: Array<[a: string, b: string, distance: number]> = [
    ['order.paid', 'order.paid', 0],
    ['', 'abc', 3],
    ['abc', '', 3],
    ['order.payd', 'order.paid', 1],
    ['orders.paid', 'order.paid', 1],
    ['order.pai', 'order.paid', 1],
    ['oredr.paid', 'order.paid', 1],
    ['ab', 'ba', 1],
    ['abc', 'ca', 3],
    ['subscribe.*', 'subscription.*', 5],
    ['kitten', 'sitting', 3],
    ['invoice.payed', 'invoice.paid', 2],
  ];
  for (const [a, b, distance] of cases) {
    test(`${JSON.stringify(a)} → ${JSON.stringify(b)}: ${distance}`, () => {
      assert.equal(editDistance(a, b), distance);
      assert.equal(editDistance(b, a), distance, 'the same both ways');
    });
  }
});

describe('closestNames', () => {
  const names = [
    'order.created',
    'order.paid',
    'order.declined',
    'order.refunded',
    'payment.succeeded',
    'payment.card.success',
    'subscription.cancelled',
  ];
  const families = ['order.*', 'payment.*', 'subscription.*'];

  test('a typo finds the name it was meant to be', () => {
    assert.deepEqual(closestNames('order.payd', names), ['order.paid']);
    assert.deepEqual(closestNames('payment.card.succes', names), ['payment.card.success']);
    assert.deepEqual(closestNames('subscription.canceled', names), ['subscription.cancelled']);
  });

  test('a family of another spelling finds the family', () => {
    assert.deepEqual(closestNames('subscribe.*', families), ['subscription.*']);
    assert.deepEqual(closestNames('orders.*', families), ['order.*']);
  });

  test('the closest come first, ties in the order given, one edit further at most, no more than the maximum', () => {
    assert.deepEqual(
      closestNames('order.pad', ['order.pa', 'order.p', 'order.paid', 'order.maid', 'order.x']),
      ['order.pa', 'order.paid', 'order.p'],
    );
    assert.equal(MAX_SUGGESTIONS, 3);
    assert.deepEqual(closestNames('order.xaid', ['order.maid', 'order.paid', 'order.pai']), [
      'order.maid',
      'order.paid',
      'order.pai',
    ]);
    assert.deepEqual(closestNames('order.paid', ['order.pa', 'order.pai', 'order.paid']), [
      'order.paid',
      'order.pai',
    ]);
  });

  test('nothing is suggested for a name far from every candidate', () => {
    assert.deepEqual(closestNames('foo', names), []);
    assert.deepEqual(closestNames('x', names), []);
    assert.deepEqual(closestNames('completely.different', names), []);
  });

  test('a candidate listed twice is suggested once', () => {
    assert.deepEqual(closestNames('order.payd', ['order.paid', 'order.paid']), ['order.paid']);
  });
});
