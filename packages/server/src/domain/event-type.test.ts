import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EVENT_TYPE_FILTER_PATTERN, EVENT_TYPE_PATTERN, wantsEventType } from './event-type.ts';

describe('wantsEventType', () => {
  const cases: Array<[filters: string[], type: string, wanted: boolean]> = [
    [['*'], 'order.paid', true],
    [['*'], 'subscription.created', true],
    [['order.paid'], 'order.paid', true],
    [['order.paid'], 'order.refunded', false],
    [['order.paid'], 'order.paid.late', false],
    [['order.*'], 'order.paid', true],
    [['order.*'], 'order.line.shipped', true],
    [['order.*'], 'orders.x', false],
    [['order.*'], 'order', false],
    [['order.*'], 'suborder.paid', false],
    [['subscription.created'], 'order.paid', false],
    [['subscription.created', 'order.*'], 'order.refunded', true],
    [[], 'order.paid', false],
    // Hookline's own events go only to endpoints that ask for them.
    [['*'], 'hookline.endpoint.failing', false],
    [['hookline.*'], 'hookline.endpoint.failing', true],
    [['hookline.endpoint.*'], 'hookline.endpoint.disabled', true],
    [['order.*', 'hookline.delivery.exhausted'], 'hookline.delivery.exhausted', true],
    [['*', 'hookline.endpoint.failing'], 'hookline.endpoint.recovered', false],
  ];
  for (const [filters, type, wanted] of cases) {
    test(`${JSON.stringify(filters)} ${wanted ? 'wants' : 'does not want'} ${type}`, () => {
      assert.equal(wantsEventType(filters, type), wanted);
    });
  }
});

describe('name patterns', () => {
  test('event type names are dotted lower-case segments', () => {
    const pattern = new RegExp(EVENT_TYPE_PATTERN);
    for (const name of ['order.paid', 'subscription.payment_failed', 'invoice', 'a-b.c9']) {
      assert.match(name, pattern);
    }
    for (const name of ['Order.paid', 'order.', '.order', 'order..paid', 'order.*', '*', 'order paid']) {
      assert.doesNotMatch(name, pattern);
    }
  });

  test('filters add `*` and family wildcards only', () => {
    const pattern = new RegExp(EVENT_TYPE_FILTER_PATTERN);
    for (const filter of ['*', 'order.*', 'order.paid', 'order.line.*']) assert.match(filter, pattern);
    for (const filter of ['order*', '*.paid', 'order.*.paid', '**', 'order.']) {
      assert.doesNotMatch(filter, pattern);
    }
  });
});
