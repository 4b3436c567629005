import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  checkEventTypeFilters,
  EVENT_TYPE_FILTER_PATTERN,
  EVENT_TYPE_PATTERN,
  familiesOf,
  type KnownEventTypes,
  wantsEventType,
} from './event-type.ts';

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

describe('checkEventTypeFilters', () => {
  const known: KnownEventTypes = {
    names: new Set([
      'order.paid',
      'order.refunded',
      'subscription.failed',
      'subscription.payment_failed',
      'a.b.c',
    ]),
    aliases: new Map([
      ['payment.card.success', ['order.paid']],
      ['plugandpaid.recurring_failed', ['subscription.payment_failed', 'subscription.failed']],
    ]),
  };
  const check = (filters: string[]) => checkEventTypeFilters(filters, known);

  test('names, `*` and wildcards that cover a type are kept as they are', () => {
    assert.deepEqual(check(['order.paid', '*', 'order.*', 'a.*', 'a.b.*']), {
      ok: true,
      filters: ['order.paid', '*', 'order.*', 'a.*', 'a.b.*'],
    });
  });

  test('an alias is replaced by the types it stands for, each entry kept once, in order', () => {
    assert.deepEqual(check(['payment.card.success']), { ok: true, filters: ['order.paid'] });
    assert.deepEqual(check(['order.refunded', 'plugandpaid.recurring_failed']), {
      ok: true,
      filters: ['order.refunded', 'subscription.payment_failed', 'subscription.failed'],
    });
    assert.deepEqual(check(['subscription.failed', 'plugandpaid.recurring_failed']), {
      ok: true,
      filters: ['subscription.failed', 'subscription.payment_failed'],
    });
    assert.deepEqual(check(['order.paid', 'payment.card.success', 'order.paid']), {
      ok: true,
      filters: ['order.paid'],
    });
  });

  test('the first unknown name is refused with its index and the closest names, aliases among them', () => {
    assert.deepEqual(check(['order.paid', 'order.payd', 'nothing.here']), {
      ok: false,
      index: 1,
      filter: 'order.payd',
      suggestions: ['order.paid'],
    });
    assert.deepEqual(check(['payment.card.succes']), {
      ok: false,
      index: 0,
      filter: 'payment.card.succes',
      suggestions: ['payment.card.success'],
    });
    assert.deepEqual(check(['foo']), { ok: false, index: 0, filter: 'foo', suggestions: [] });
  });

  test('a wildcard that covers no type is refused, with the closest families', () => {
    assert.deepEqual(check(['orders.*']), {
      ok: false,
      index: 0,
      filter: 'orders.*',
      suggestions: ['order.*'],
    });
    assert.deepEqual(check(['subscriptions.*']).ok, false);
    // An alias's family is not a family of types: no event is published under it.
    assert.deepEqual(check(['payment.*']), { ok: false, index: 0, filter: 'payment.*', suggestions: [] });
    assert.equal(check(['a.b.c.*']).ok, false, 'a wildcard below the deepest type');
  });
});

describe('familiesOf', () => {
  test('every dotted prefix of every name, once', () => {
    assert.deepEqual(familiesOf(['order.paid', 'order.refunded', 'a.b.c', 'single']), [
      'order.*',
      'a.*',
      'a.b.*',
    ]);
  });
});
