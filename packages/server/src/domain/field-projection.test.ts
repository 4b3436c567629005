import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  MAX_FIELD_PATH_LENGTH,
  MAX_FIELD_PATH_SEGMENTS,
  projectFields,
  validateFieldPath,
} from './field-projection.ts';

/** `order.paid` data as DESIGN.md describes it, with a bump line that lacks a product. */
function orderPaid() {
  return {
    order: {
      id: 'ord_1',
      checkoutId: 'chk_1',
      upsellId: null,
      currency: 'EUR',
      total: '149.00',
      customer: { id: 'cus_1', email: 'anna@example.com', name: 'Anna Jensen', address: { city: 'Køge' } },
      payment: { kind: 'one_time', method: 'ideal', sequence: 1 },
      lines: [
        { id: 'line_1', productId: 'prod_course', kind: 'main', total: '99.00', tags: ['video', 'pdf'] },
        { id: 'line_2', kind: 'bump', total: '50.00', tags: [] },
      ],
    },
    source: 'checkout',
  };
}

describe('validateFieldPath', () => {
  test('accepts dot paths of field names', () => {
    for (const path of [
      'order',
      'order.id',
      'order.customer.email',
      'order.lines.productId',
      'order.lines.0',
      'order.meta.Køge',
      'order.meta.gift message',
      'order.meta.$ref',
      Array.from({ length: MAX_FIELD_PATH_SEGMENTS }, () => 'a').join('.'),
      'a'.repeat(MAX_FIELD_PATH_LENGTH),
    ]) {
      assert.equal(validateFieldPath(path), undefined, path);
    }
  });

  const refused: Array<[path: string, reason: RegExp]> = [
    ['', /empty/],
    ['.order', /empty segment/],
    ['order.', /empty segment/],
    ['order..id', /empty segment/],
    ['.', /empty segment/],
    [Array.from({ length: MAX_FIELD_PATH_SEGMENTS + 1 }, () => 'a').join('.'), /more than 32 segments/],
    ['a'.repeat(MAX_FIELD_PATH_LENGTH + 1), /longer than 256 characters/],
    ['__proto__', /"__proto__"/],
    ['order.__proto__.polluted', /"__proto__"/],
    ['order.constructor', /"constructor"/],
    ['constructor.prototype.polluted', /"constructor"/],
    ['order.prototype', /"prototype"/],
  ];
  for (const [path, reason] of refused) {
    test(`refuses ${JSON.stringify(path.length > 40 ? `${path.slice(0, 20)}…` : path)}`, () => {
      assert.match(validateFieldPath(path) ?? 'accepted', reason);
    });
  }
});

describe('projectFields', () => {
  const cases: Array<[name: string, paths: string[], expected: unknown]> = [
    ['one field', ['order.id'], { order: { id: 'ord_1' } }],
    ['paths merge', ['order.id', 'order.total'], { order: { id: 'ord_1', total: '149.00' } }],
    [
      'fields keep the data’s order, not the paths’',
      ['order.total', 'source', 'order.id'],
      { order: { id: 'ord_1', total: '149.00' }, source: 'checkout' },
    ],
    [
      'nested fields',
      ['order.customer.email', 'order.customer.address.city'],
      { order: { customer: { email: 'anna@example.com', address: { city: 'Køge' } } } },
    ],
    [
      'a path naming an object keeps all of it',
      ['order.payment'],
      { order: { payment: { kind: 'one_time', method: 'ideal', sequence: 1 } } },
    ],
    [
      'a shorter path wins over a longer one under it',
      ['order.customer.email', 'order.customer'],
      { order: { customer: orderPaid().order.customer } },
    ],
    ['null is a value and is kept', ['order.upsellId'], { order: { upsellId: null } }],
    [
      'through an array: every element, positions aligned, `{}` where the field is missing',
      ['order.lines.productId'],
      { order: { lines: [{ productId: 'prod_course' }, {}] } },
    ],
    [
      'through an array: several fields',
      ['order.lines.id', 'order.lines.total'],
      {
        order: {
          lines: [
            { id: 'line_1', total: '99.00' },
            { id: 'line_2', total: '50.00' },
          ],
        },
      },
    ],
    [
      'an array named by the path is kept whole, empty ones too',
      ['order.lines.tags'],
      { order: { lines: [{ tags: ['video', 'pdf'] }, { tags: [] }] } },
    ],
    [
      'a path into array scalars has nothing there: they become null',
      ['order.lines.tags.name'],
      { order: { lines: [{ tags: [null, null] }, { tags: [] }] } },
    ],
    ['a segment never indexes an array', ['order.lines.0'], { order: { lines: [{}, {}] } }],
    ['a missing field is absent', ['order.coupon'], {}],
    ['a missing object leaves no parent behind', ['order.coupon.code', 'order.customer.phone'], {}],
    ['missing next to present', ['order.coupon.code', 'order.id'], { order: { id: 'ord_1' } }],
    ['a path through a string has nothing there', ['order.total.amount'], {}],
    ['a path through null has nothing there', ['order.upsellId.id'], {}],
    ['refused paths name nothing, even when they are all there is', ['order..id', '__proto__'], {}],
    ['refused paths beside good ones', ['order.constructor', 'order.id'], { order: { id: 'ord_1' } }],
    ['duplicate paths', ['order.id', 'order.id'], { order: { id: 'ord_1' } }],
  ];
  for (const [name, paths, expected] of cases) {
    test(name, () => {
      assert.deepEqual(projectFields(orderPaid(), paths), expected);
    });
  }

  test('no paths: the data itself', () => {
    const data = orderPaid();
    assert.equal(projectFields(data, []), data);
    assert.equal(projectFields('text', []), 'text');
  });

  test('data that is not an object gives `{}`', () => {
    for (const data of [null, undefined, 'ord_1', 42, true]) {
      assert.deepEqual(projectFields(data, ['order.id']), {}, String(data));
    }
  });

  test('data that is an array is projected element by element', () => {
    assert.deepEqual(projectFields([{ id: 'a', x: 1 }, 'b', { x: 2 }], ['id']), [{ id: 'a' }, null, {}]);
  });

  test('nested arrays are passed through at every level', () => {
    const data = {
      grid: [
        [{ v: 1, w: 0 }, { w: 0 }],
        [{ v: 3 }, 'x'],
      ],
    };
    assert.deepEqual(projectFields(data, ['grid.v']), {
      grid: [
        [{ v: 1 }, {}],
        [{ v: 3 }, null],
      ],
    });
  });

  test('the input is not changed', () => {
    const data = orderPaid();
    const before = structuredClone(data);
    projectFields(data, ['order.id', 'order.lines.productId', 'order.customer', 'source']);
    assert.deepEqual(data, before);
  });

  test('own `__proto__` keys from JSON.parse cannot be reached or pollute anything', () => {
    const data: unknown = JSON.parse(
      '{"order":{"id":"ord_1","__proto__":{"polluted":true}},"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}',
    );
    const paths = ['__proto__.polluted', 'order.__proto__', 'constructor.prototype.polluted', 'order.id'];
    const projected = projectFields(data, paths) as Record<string, unknown>;
    assert.deepEqual(projected, { order: { id: 'ord_1' } });
    assert.equal(Object.getPrototypeOf(projected), Object.prototype);
    assert.equal(Object.getPrototypeOf(projected['order']), Object.prototype);
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
  });

  test('a kept object that holds an own `__proto__` key is kept as it is', () => {
    const data: unknown = JSON.parse('{"order":{"meta":{"__proto__":{"x":1}}}}');
    const meta = (projectFields(data, ['order.meta']) as { order: { meta: object } }).order.meta;
    assert.deepEqual(Object.getOwnPropertyDescriptor(meta, '__proto__')?.value, { x: 1 });
  });

  test('inherited properties are not fields', () => {
    const order = Object.create({ id: 'inherited' }) as Record<string, unknown>;
    order['total'] = '1.00';
    assert.deepEqual(projectFields({ order }, ['order.id', 'order.total']), { order: { total: '1.00' } });
    assert.deepEqual(projectFields({ order: {} }, ['order.toString', 'order.hasOwnProperty']), {});
  });
});
