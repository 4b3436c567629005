import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import qs from 'qs';
import { encodeForm } from './form-encoding.ts';

/** How a receiver sees `value` after a form round trip: text leaves, empty containers gone. */
function formView(value: unknown, inArray = false): unknown {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return String(value);
  if (value === null) return '';
  if (Array.isArray(value)) {
    // qs compacts an array whose indices have gaps, so a left-out element shifts the rest down.
    const elements = value
      .map((element) => formView(element, true))
      .filter((element) => element !== undefined);
    return elements.length === 0 ? undefined : elements;
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value)
      .map(([key, child]) => [key, formView(child)] as const)
      .filter(([, child]) => child !== undefined);
    return entries.length === 0 ? undefined : Object.fromEntries(entries);
  }
  return inArray ? '' : undefined;
}

/** What `qs` (Express `urlencoded({ extended: true })`) reads, with limits raised past the data. */
function parsedByQs(body: string): unknown {
  return qs.parse(body, { depth: 100, arrayLimit: 1000 });
}

function assertRoundTrip(value: Record<string, unknown>): void {
  assert.deepEqual(parsedByQs(encodeForm(value)), formView(value) ?? {});
}

/** Realistic `order.paid` data, with the characters that mean something in a form body. */
const orderPaid = {
  type: 'order.paid',
  id: 'evt_2xQ9',
  data: {
    order: {
      id: 'ord_1',
      checkoutId: 'chk_course',
      plugId: 'plug_1',
      upsellId: null,
      parentOrderId: null,
      currency: 'EUR',
      total: '149.00',
      customer: {
        id: 'cus_1',
        email: 'anna+shop@example.com',
        name: 'Anna Ø. Jensen',
        address: { street: 'Torvet 1', city: 'Køge', postcode: '4600', country: 'DK' },
      },
      payment: { kind: 'one_time', method: 'ideal', sequence: 1 },
      lines: [
        {
          id: 'line_1',
          productId: 'prod_course',
          kind: 'main',
          name: 'Course: "Tax & VAT = easy" [2025 edition]',
          quantity: 1,
          unitPrice: '99.00',
          total: '99.00',
        },
        {
          id: 'line_2',
          productId: 'prod_workbook',
          kind: 'bump',
          name: 'Workbook 50% off + free shipping',
          quantity: 2,
          unitPrice: '25.00',
          total: '50.00',
        },
      ],
      tags: ['vip', 'køge', 'a&b', ''],
      paid: true,
      refunded: false,
      discount: 0,
      weightKg: 1.25,
      meta: {},
      coupons: [],
    },
  },
};

describe('encodeForm', () => {
  test('nested keys the way PHP, Rails and qs read them', () => {
    assert.equal(
      encodeForm({ type: 'order.paid', data: { order: { id: 'ord_1', lines: [{ productId: 'prod_1' }] } } }),
      'type=order.paid&data[order][id]=ord_1&data[order][lines][0][productId]=prod_1',
    );
  });

  const exact: Array<[name: string, value: Record<string, unknown>, body: string]> = [
    ['an empty record is an empty body', {}, ''],
    [
      'numbers and booleans via String()',
      { a: 1, b: -2.5, c: 1e21, d: true, e: false },
      'a=1&b=-2.5&c=1e%2B21&d=true&e=false',
    ],
    ['null is an empty value', { a: null, b: { c: null } }, 'a=&b[c]='],
    ['undefined is skipped', { a: undefined, b: { c: undefined }, d: 'x' }, 'd=x'],
    [
      'undefined and non-finite numbers inside arrays keep their place, as JSON null',
      { a: [undefined, Number.NaN, 'x', Number.POSITIVE_INFINITY] },
      'a[0]=&a[1]=&a[2]=x&a[3]=',
    ],
    ['a non-finite number is an empty value, as JSON null', { a: Number.NaN }, 'a='],
    ['empty arrays and objects are left out', { a: [], b: {}, c: { d: [], e: {} }, f: 'x' }, 'f=x'],
    ['an empty element leaves a gap in the indices', { a: [{}, 'x', []] }, 'a[1]=x'],
    [
      'special characters in values',
      { v: 'a b&c=d+e%f[g]h#i?j/k' },
      'v=a%20b%26c%3Dd%2Be%25f%5Bg%5Dh%23i%3Fj%2Fk',
    ],
    ['special characters in keys', { 'a b': { 'c&d=e+f%': 'x' } }, 'a%20b[c%26d%3De%2Bf%25]=x'],
    [
      'brackets inside a field name are encoded, brackets between names are not',
      { d: { 'x]y': '1' } },
      'd[x%5Dy]=1',
    ],
    ['non-ASCII as UTF-8', { bÿ: 'Køge €' }, 'b%C3%BF=K%C3%B8ge%20%E2%82%AC'],
    ['a lone surrogate is sent as U+FFFD', { a: 'x\uD800y', '\uDC00': 'z' }, 'a=x%EF%BF%BDy&%EF%BF%BD=z'],
    ['keys in the order of the data', { z: '1', a: { y: '2', b: '3' } }, 'z=1&a[y]=2&a[b]=3'],
    ['arrays of arrays', { m: [['a'], ['b', ['c']]] }, 'm[0][0]=a&m[1][0]=b&m[1][1][0]=c'],
  ];
  for (const [name, value, body] of exact) {
    test(name, () => {
      assert.equal(encodeForm(value), body);
    });
  }

  test('the input is not changed', () => {
    const before = structuredClone(orderPaid);
    encodeForm(orderPaid);
    assert.deepEqual(orderPaid, before);
  });
});

describe('encodeForm read back by qs', () => {
  const cases: Array<[name: string, value: Record<string, unknown>]> = [
    ['realistic order data', orderPaid],
    [
      'special characters and unicode in values',
      {
        v: [
          'Køge',
          'a & b',
          'x = y',
          '1 + 1',
          'two  spaces',
          '100%',
          '%5B',
          '%25',
          '[',
          ']',
          '[]',
          'a]=b',
          '[0]',
          '?#/',
        ],
      },
    ],
    [
      'special characters and unicode in field names',
      {
        data: {
          Køge: '1',
          'a & b': '2',
          'x = y': '3',
          '1 + 1': '4',
          'with space': '5',
          '100%': '6',
          '%5B': '7',
          'size [EU]': '8',
          '[x]': '9',
          'emoji 🛒': '10',
        },
      },
    ],
    [
      'arrays of objects, of scalars, of arrays',
      {
        lines: [
          { productId: 'prod_1', tags: ['a', 'b'] },
          { productId: 'prod_2', tags: [] },
        ],
        ids: ['1', 2, true, null],
        grid: [
          ['a', 'b'],
          ['c', ['d', 'e']],
        ],
      },
    ],
    [
      'deep nesting',
      {
        a: {
          b: { c: { d: { e: { f: { g: { h: { i: { j: { k: { l: [{ m: { n: 'deep' } }] } } } } } } } } } },
        },
      },
    ],
    [
      'more than 20 elements, with arrayLimit raised',
      { lines: Array.from({ length: 25 }, (_, i) => ({ id: `line_${i}` })) },
    ],
    [
      'empty containers and undefined vanish; elements after them shift down',
      { a: [{}, { b: 1 }, [], null, undefined, 'x'], c: {}, d: { e: [] }, f: undefined, g: 'kept' },
    ],
    ['only empty containers', { a: [], b: {} }],
  ];
  for (const [name, value] of cases) {
    test(name, () => {
      assertRoundTrip(value);
    });
  }

  test('a receiver reads every leaf of the order as text', () => {
    const parsed = parsedByQs(encodeForm(orderPaid)) as { data: { order: Record<string, unknown> } };
    const order = parsed.data.order;
    assert.deepEqual((order['lines'] as unknown[])[1], {
      id: 'line_2',
      productId: 'prod_workbook',
      kind: 'bump',
      name: 'Workbook 50% off + free shipping',
      quantity: '2',
      unitPrice: '25.00',
      total: '50.00',
    });
    assert.deepEqual(order['customer'], {
      id: 'cus_1',
      email: 'anna+shop@example.com',
      name: 'Anna Ø. Jensen',
      address: { street: 'Torvet 1', city: 'Køge', postcode: '4600', country: 'DK' },
    });
    assert.deepEqual(order['tags'], ['vip', 'køge', 'a&b', '']);
    assert.deepEqual(
      [order['upsellId'], order['paid'], order['refunded'], order['discount'], order['weightKg']],
      ['', 'true', 'false', '0', '1.25'],
    );
    assert.equal('meta' in order, false);
    assert.equal('coupons' in order, false);
  });

  test('qs default arrayLimit: 20 elements stay an array, 21 become an object keyed by index', () => {
    const twenty = { a: Array.from({ length: 20 }, (_, i) => `v${i}`) };
    const twentyOne = { a: Array.from({ length: 21 }, (_, i) => `v${i}`) };
    assert.deepEqual(qs.parse(encodeForm(twenty)), twenty);
    assert.deepEqual(qs.parse(encodeForm(twentyOne)), { a: { ...twentyOne.a } });
  });

  test('a field name with unbalanced brackets is read as nesting, whatever the encoding', () => {
    // Documented limit: receivers decode the name before splitting it on brackets.
    assert.deepEqual(parsedByQs(encodeForm({ d: { 'x]y': '1' } })), { d: { x: '1' } });
  });
});
