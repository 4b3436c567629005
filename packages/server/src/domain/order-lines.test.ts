import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { EndpointScope } from './endpoint-scope.ts';
import { splitOrderLines } from './order-lines.ts';

function scope(lists: Partial<EndpointScope>): EndpointScope {
  return { productIds: [], checkoutIds: [], upsellIds: [], plugIds: [], ...lists };
}

const courseLine = { id: 'line_1', productId: 'prod_course', kind: 'main', quantity: 1, total: '99.00' };
const workbookLine = { id: 'line_2', productId: 'prod_workbook', kind: 'bump', quantity: 1, total: '30.00' };
const stickerLine = { id: 'line_3', productId: 'prod_stickers', kind: 'bump', quantity: 2, total: '20.00' };

/** An order with two bumps, as a checkout with order bumps produces it. */
function orderPaid() {
  return {
    order: {
      id: 'ord_1',
      checkoutId: 'chk_course',
      plugId: 'plug_1',
      upsellId: null,
      currency: 'EUR',
      total: '149.00',
      lines: [courseLine, workbookLine, stickerLine],
      customer: { id: 'cus_1', email: 'anna@example.com' },
    },
    attempt: 1,
  };
}

describe('splitOrderLines', () => {
  test('one part per line, each with the order and that one line', () => {
    const parts = splitOrderLines(orderPaid(), scope({}));
    assert.deepEqual(
      parts?.map((part) => part.lineId),
      ['line_1', 'line_2', 'line_3'],
    );
    assert.deepEqual(parts?.[1]?.data, {
      order: {
        id: 'ord_1',
        checkoutId: 'chk_course',
        plugId: 'plug_1',
        upsellId: null,
        currency: 'EUR',
        total: '149.00',
        line: workbookLine,
        customer: { id: 'cus_1', email: 'anna@example.com' },
      },
      attempt: 1,
    });
  });

  test('`line` takes the place of `lines`, so the order reads in its original field order', () => {
    const order = splitOrderLines(orderPaid(), scope({}))?.[0]?.data['order'];
    assert.deepEqual(Object.keys(order as object), [
      'id',
      'checkoutId',
      'plugId',
      'upsellId',
      'currency',
      'total',
      'line',
      'customer',
    ]);
  });

  test('the input is not changed', () => {
    const data = orderPaid();
    const before = structuredClone(data);
    const parts = splitOrderLines(data, scope({ productIds: ['prod_workbook'] }));
    assert.equal(parts?.length, 1);
    assert.deepEqual(data, before);
    assert.notEqual(parts?.[0]?.data, data);
    assert.notEqual(parts?.[0]?.data['order'], data.order);
  });

  const filtering: Array<[name: string, scope: EndpointScope, lineIds: string[]]> = [
    ['no scope: every line', scope({}), ['line_1', 'line_2', 'line_3']],
    ['scoped to the bump product: only its line', scope({ productIds: ['prod_workbook'] }), ['line_2']],
    ['two products', scope({ productIds: ['prod_stickers', 'prod_course'] }), ['line_1', 'line_3']],
    ['a product not in the order: no line', scope({ productIds: ['prod_club'] }), []],
    ['checkout only: every line', scope({ checkoutIds: ['chk_course'] }), ['line_1', 'line_2', 'line_3']],
    ['plug only: every line', scope({ plugIds: ['plug_1'] }), ['line_1', 'line_2', 'line_3']],
    [
      'product and the order’s checkout: every line',
      scope({ productIds: ['prod_workbook'], checkoutIds: ['chk_course'] }),
      ['line_1', 'line_2', 'line_3'],
    ],
    [
      'product and another checkout: the product’s lines',
      scope({ productIds: ['prod_workbook'], checkoutIds: ['chk_club'] }),
      ['line_2'],
    ],
    [
      'product and an upsell the order is not: the product’s lines',
      scope({ productIds: ['prod_course'], upsellIds: ['ups_1'] }),
      ['line_1'],
    ],
  ];
  for (const [name, endpointScope, lineIds] of filtering) {
    test(name, () => {
      const parts = splitOrderLines(orderPaid(), endpointScope);
      assert.deepEqual(
        parts?.map((part) => part.lineId),
        lineIds,
      );
      for (const part of parts ?? []) {
        const line = (part.data['order'] as { line: { id: string } }).line;
        assert.equal(line.id, part.lineId);
      }
    });
  }

  test('a line without a usable id is named by its position; a line that is not an object goes as is', () => {
    const data = {
      order: {
        id: 'ord_1',
        lines: [
          { productId: 'prod_a' },
          { id: 7 },
          { id: '' },
          'junk',
          null,
          { id: 'lijn één' },
          { id: 'x'.repeat(129) },
        ],
      },
    };
    const parts = splitOrderLines(data, scope({}));
    assert.deepEqual(
      parts?.map((part) => part.lineId),
      ['#0', '#1', '#2', '#3', '#4', '#5', '#6'],
    );
    assert.deepEqual(parts?.[3]?.data, { order: { id: 'ord_1', line: 'junk' } });
  });

  test('a product scope skips lines without a matching string productId', () => {
    const data = { order: { lines: [{ productId: 1 }, 'prod_a', { productId: 'prod_a' }, null] } };
    const parts = splitOrderLines(data, scope({ productIds: ['prod_a', '1'] }));
    assert.deepEqual(
      parts?.map((part) => part.lineId),
      ['#2'],
    );
  });

  test('lines sharing an id are named by their positions, so each line keeps its own delivery', () => {
    const data = {
      order: {
        lines: [
          { id: 'line_1', productId: 'prod_main' },
          { id: 'line_1', productId: 'prod_bump' },
          { id: 'line_2', productId: 'prod_bump' },
        ],
      },
    };
    const parts = splitOrderLines(data, scope({ productIds: ['prod_bump'] }));
    assert.deepEqual(
      parts?.map((part) => [
        part.lineId,
        (part.data['order'] as { line: { productId: string } }).line.productId,
      ]),
      [
        ['#1', 'prod_bump'],
        ['line_2', 'prod_bump'],
      ],
    );
  });

  test('an existing `order.line` is replaced, wherever it stood', () => {
    const data = { order: { lines: [{ id: 'l1' }], line: 'stale' } };
    assert.deepEqual(splitOrderLines(data, scope({}))?.[0]?.data, { order: { line: { id: 'l1' } } });
  });

  test('an own `__proto__` key from JSON.parse stays a field of the copied order', () => {
    const data: unknown = JSON.parse('{"order":{"__proto__":{"polluted":true},"lines":[{"id":"l1"}]}}');
    const order = splitOrderLines(data, scope({}))?.[0]?.data['order'] as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(order), Object.prototype);
    assert.deepEqual(Object.getOwnPropertyDescriptor(order, '__proto__')?.value, { polluted: true });
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
  });

  const whole: Array<[name: string, data: unknown]> = [
    ['data that is not an object', 'ord_1'],
    ['data null', null],
    ['data an array', [{ order: { lines: [{ id: 'l1' }] } }]],
    ['no order', { subscription: { id: 'sub_1', productId: 'prod_club' } }],
    ['order null', { order: null }],
    ['order an array', { order: [{ lines: [{ id: 'l1' }] }] }],
    ['order without lines', { order: { id: 'ord_1' } }],
    ['lines not an array', { order: { id: 'ord_1', lines: { 0: { id: 'l1' } } } }],
    ['no lines at all', { order: { id: 'ord_1', lines: [] } }],
  ];
  for (const [name, data] of whole) {
    test(`${name}: sent whole`, () => {
      assert.equal(splitOrderLines(data, scope({ productIds: ['prod_a'] })), undefined);
      assert.equal(splitOrderLines(data, scope({})), undefined);
    });
  }
});
