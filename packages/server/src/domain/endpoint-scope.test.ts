import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  type EndpointScope,
  eventInScope,
  isGeneralScope,
  listOutside,
  scopeWithin,
} from './endpoint-scope.ts';

function scope(lists: Partial<EndpointScope>): EndpointScope {
  return { productIds: [], checkoutIds: [], upsellIds: [], plugIds: [], ...lists };
}

/** A course bought through a checkout with an order bump, as DESIGN.md describes order data. */
const orderPaid = {
  order: {
    id: 'ord_1',
    checkoutId: 'chk_course',
    plugId: 'plug_1',
    upsellId: null,
    parentOrderId: null,
    currency: 'EUR',
    total: '149.00',
    customer: { id: 'cus_1', email: 'anna@example.com', name: 'Anna' },
    payment: { kind: 'one_time', method: 'ideal', sequence: 1 },
    lines: [
      { id: 'line_1', productId: 'prod_course', kind: 'main', quantity: 1, total: '99.00' },
      { id: 'line_2', productId: 'prod_workbook', kind: 'bump', quantity: 1, total: '50.00' },
    ],
  },
};

/** The paid one-click upsell that followed it: its own order, pointing back at the first. */
const upsellPaid = {
  order: {
    id: 'ord_2',
    checkoutId: 'chk_course',
    upsellId: 'ups_coaching',
    parentOrderId: 'ord_1',
    lines: [{ id: 'line_3', productId: 'prod_coaching', kind: 'upsell' }],
  },
};

const subscriptionCreated = {
  subscription: { id: 'sub_1', productId: 'prod_club', checkoutId: 'chk_club', status: 'active' },
};

const productUpdated = { product: { id: 'prod_club', name: 'Club' } };

const cartAbandoned = { cart: { id: 'cart_1', plugId: 'plug_2', lines: [{ productId: 'prod_course' }] } };

describe('isGeneralScope', () => {
  test('no ids at all is the general webhook', () => {
    assert.equal(isGeneralScope(scope({})), true);
  });

  test('any one id makes a scoped endpoint', () => {
    for (const lists of [
      { productIds: ['prod_1'] },
      { checkoutIds: ['chk_1'] },
      { upsellIds: ['ups_1'] },
      { plugIds: ['plug_1'] },
    ]) {
      assert.equal(isGeneralScope(scope(lists)), false, JSON.stringify(lists));
    }
  });
});

describe('eventInScope', () => {
  const cases: Array<[name: string, scope: EndpointScope, data: unknown, inScope: boolean]> = [
    ['general scope takes an order', scope({}), orderPaid, true],
    ['general scope takes the upsell order too', scope({}), upsellPaid, true],
    ['general scope takes data that is not an object', scope({}), 'x', true],
    ['product of the main line', scope({ productIds: ['prod_course'] }), orderPaid, true],
    ['product of a bump line', scope({ productIds: ['prod_workbook'] }), orderPaid, true],
    ['product in no line', scope({ productIds: ['prod_coaching'] }), orderPaid, false],
    ['checkout of the order', scope({ checkoutIds: ['chk_course'] }), orderPaid, true],
    ['another checkout', scope({ checkoutIds: ['chk_club'] }), orderPaid, false],
    ['plug of the order', scope({ plugIds: ['plug_1'] }), orderPaid, true],
    ['upsell of an upsell order', scope({ upsellIds: ['ups_coaching'] }), upsellPaid, true],
    ['upsell scope and an order without upsell', scope({ upsellIds: ['ups_coaching'] }), orderPaid, false],
    [
      'upsell product reaches a product-scoped endpoint',
      scope({ productIds: ['prod_coaching'] }),
      upsellPaid,
      true,
    ],
    [
      'product OR checkout: the checkout matches',
      scope({ productIds: ['prod_club'], checkoutIds: ['chk_course'] }),
      orderPaid,
      true,
    ],
    [
      'product OR checkout: the product matches',
      scope({ productIds: ['prod_workbook'], checkoutIds: ['chk_club'] }),
      orderPaid,
      true,
    ],
    [
      'product OR checkout: neither matches',
      scope({ productIds: ['prod_club'], checkoutIds: ['chk_club'] }),
      orderPaid,
      false,
    ],
    [
      'kinds do not mix: a checkout id in productIds',
      scope({ productIds: ['chk_course'] }),
      orderPaid,
      false,
    ],
    [
      'kinds do not mix: a product id in checkoutIds',
      scope({ checkoutIds: ['prod_course'] }),
      orderPaid,
      false,
    ],
    ['order id is not a product id', scope({ productIds: ['ord_1'] }), orderPaid, false],
    ['subscription product', scope({ productIds: ['prod_club'] }), subscriptionCreated, true],
    ['subscription checkout', scope({ checkoutIds: ['chk_club'] }), subscriptionCreated, true],
    ['product event by its id', scope({ productIds: ['prod_club'] }), productUpdated, true],
    ['product event, other product', scope({ productIds: ['prod_course'] }), productUpdated, false],
    ['only data.product.id is a product id', scope({ productIds: ['sub_1'] }), subscriptionCreated, false],
    ['cart lines', scope({ productIds: ['prod_course'] }), cartAbandoned, true],
    ['cart plug', scope({ plugIds: ['plug_2'] }), cartAbandoned, true],
    [
      'ids under any top-level object',
      scope({ productIds: ['prod_x'] }),
      { refund: { id: 'ref_1' }, invoice: { productId: 'prod_x' } },
      true,
    ],
    [
      'ids nested deeper than one level do not count',
      scope({ productIds: ['prod_x'] }),
      { order: { meta: { productId: 'prod_x' } } },
      false,
    ],
    [
      'a top-level string is not an object',
      scope({ productIds: ['prod_x'] }),
      { productId: 'prod_x' },
      false,
    ],
    [
      'a top-level array is not an object',
      scope({ productIds: ['prod_x'] }),
      { orders: [{ productId: 'prod_x' }] },
      false,
    ],
    ['scoped endpoint and data null', scope({ productIds: ['prod_x'] }), null, false],
    [
      'scoped endpoint and data an array',
      scope({ productIds: ['prod_x'] }),
      [{ productId: 'prod_x' }],
      false,
    ],
    ['scoped endpoint and data a string', scope({ productIds: ['prod_x'] }), 'prod_x', false],
    [
      'non-string ids are ignored',
      scope({ productIds: ['1'] }),
      { order: { productId: 1, lines: [{ productId: 1 }] } },
      false,
    ],
    [
      'lines that are not an array, or hold junk',
      scope({ productIds: ['prod_x'] }),
      { order: { lines: 'prod_x' }, cart: { lines: [null, 'prod_x', ['prod_x'], { productId: 'prod_x' }] } },
      true,
    ],
    ['a null id never matches', scope({ upsellIds: ['ups_1'] }), { order: { upsellId: null } }, false],
  ];
  for (const [name, endpointScope, data, inScope] of cases) {
    test(name, () => {
      assert.equal(eventInScope(endpointScope, data), inScope);
    });
  }
});

describe('scopeWithin', () => {
  const session = scope({ productIds: ['prod_1', 'prod_2'], checkoutIds: ['chk_1'] });
  const cases: Array<[name: string, inner: EndpointScope, outer: EndpointScope, within: boolean]> = [
    ['the same scope', session, session, true],
    ['fewer ids of one list', scope({ productIds: ['prod_2'] }), session, true],
    [
      'ids of two lists, each listed',
      scope({ productIds: ['prod_1'], checkoutIds: ['chk_1'] }),
      session,
      true,
    ],
    ['an id the outer list lacks', scope({ productIds: ['prod_1', 'prod_3'] }), session, false],
    ['a list the outer scope leaves empty', scope({ upsellIds: ['ups_1'] }), session, false],
    ['kinds do not mix: a product id as a checkout id', scope({ checkoutIds: ['prod_1'] }), session, false],
    ['the general scope is within no limited scope', scope({}), session, false],
    ['every scope is within the general scope', scope({ plugIds: ['plug_9'] }), scope({}), true],
    ['the general scope is within itself', scope({}), scope({}), true],
  ];
  for (const [name, inner, outer, within] of cases) {
    test(name, () => {
      assert.equal(scopeWithin(inner, outer), within);
    });
  }
});

describe('listOutside', () => {
  const session = scope({ productIds: ['prod_1'], checkoutIds: ['chk_1'] });

  test('names the first list with an id the outer scope does not list', () => {
    assert.equal(listOutside(scope({ productIds: ['prod_2'] }), session), 'productIds');
    assert.equal(listOutside(scope({ productIds: ['prod_1'], plugIds: ['plug_1'] }), session), 'plugIds');
    assert.equal(
      listOutside(scope({ checkoutIds: ['chk_2'], upsellIds: ['ups_1'] }), session),
      'checkoutIds',
    );
  });

  test('is undefined when every id is listed, or when there are none', () => {
    assert.equal(listOutside(scope({ checkoutIds: ['chk_1'] }), session), undefined);
    assert.equal(listOutside(scope({}), session), undefined);
  });
});
