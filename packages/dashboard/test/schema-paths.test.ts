/**
 * The paths the webhook form offers under "Select data to include", read from event type schemas.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { JsonSchema } from '../src/api-types.ts';
import { filterTakes, mergedSchemaPaths, schemaPaths } from '../src/schema-paths.ts';

const pathsOf = (schema: unknown, depth?: number) =>
  schemaPaths(schema as JsonSchema, depth).map((p) => p.path);

const orderSchema = {
  type: 'object',
  properties: {
    order: {
      type: 'object',
      description: 'The order',
      properties: {
        id: { type: 'string', description: 'Order id' },
        customer: {
          type: 'object',
          properties: { email: { type: 'string' }, address: { type: 'object', properties: { city: {} } } },
        },
        lines: {
          type: 'array',
          items: {
            type: 'object',
            properties: { productId: { type: 'string' }, quantity: { type: 'integer' } },
          },
        },
        tags: { type: 'array', items: { type: 'string' } },
      },
    },
  },
};

describe('schemaPaths', () => {
  test('lists every property, parents before children, in schema order', () => {
    assert.deepEqual(pathsOf(orderSchema), [
      'order',
      'order.id',
      'order.customer',
      'order.customer.email',
      'order.customer.address',
      'order.lines',
      'order.lines.productId',
      'order.lines.quantity',
      'order.tags',
    ]);
  });

  test('goes through lists into their elements, without positions', () => {
    const paths = schemaPaths(orderSchema as JsonSchema);
    const lines = paths.find((p) => p.path === 'order.lines');
    assert.equal(lines?.hasChildren, true);
    assert.equal(paths.find((p) => p.path === 'order.tags')?.hasChildren, false);
    assert.ok(!paths.some((p) => /\.\d/.test(p.path)));
  });

  test('stops at the depth asked for, and says what lies below', () => {
    assert.deepEqual(pathsOf(orderSchema, 2), [
      'order',
      'order.id',
      'order.customer',
      'order.lines',
      'order.tags',
    ]);
    const deeper = pathsOf(orderSchema, 4);
    assert.ok(deeper.includes('order.customer.address.city'));
    const shallow = schemaPaths(orderSchema as JsonSchema, 2);
    assert.equal(shallow.find((p) => p.path === 'order.customer')?.hasChildren, true);
  });

  test('keeps descriptions', () => {
    const paths = schemaPaths(orderSchema as JsonSchema);
    assert.equal(paths.find((p) => p.path === 'order')?.description, 'The order');
    assert.equal(paths.find((p) => p.path === 'order.id')?.description, 'Order id');
    assert.equal(paths.find((p) => p.path === 'order.customer')?.description, undefined);
  });

  test('follows local $refs in definitions and $defs, with the target’s description', () => {
    const schema = {
      type: 'object',
      properties: {
        customer: { $ref: '#/definitions/customer' },
        agreement: { $ref: '#/$defs/agreement' },
      },
      definitions: {
        customer: { type: 'object', description: 'Who bought', properties: { id: {}, email: {} } },
      },
      $defs: { agreement: { type: 'object', properties: { status: {} } } },
    };
    assert.deepEqual(pathsOf(schema), [
      'customer',
      'customer.id',
      'customer.email',
      'agreement',
      'agreement.status',
    ]);
    assert.equal(schemaPaths(schema as JsonSchema)[0]?.description, 'Who bought');
  });

  test('decodes JSON Pointer escapes and ignores refs it cannot follow', () => {
    const schema = {
      properties: {
        a: { $ref: '#/definitions/a~1b' },
        remote: { $ref: 'https://example.com/schema.json' },
        missing: { $ref: '#/definitions/nothing' },
      },
      definitions: { 'a/b': { properties: { x: {} } } },
    };
    assert.deepEqual(pathsOf(schema), ['a', 'a.x', 'remote', 'missing']);
  });

  test('a schema that refers to itself ends instead of looping', () => {
    const schema = {
      $ref: '#/definitions/node',
      definitions: {
        node: { type: 'object', properties: { name: {}, parent: { $ref: '#/definitions/node' } } },
      },
    };
    assert.deepEqual(pathsOf(schema, 10), ['name', 'parent']);
  });

  test('merges the branches of anyOf, oneOf and allOf (a nullable object)', () => {
    const schema = {
      properties: {
        coupon: { anyOf: [{ type: 'object', properties: { code: {} } }, { type: 'null' }] },
        payer: { oneOf: [{ properties: { iban: {} } }, { properties: { card: {} } }] },
        plan: { allOf: [{ properties: { id: {} } }, { properties: { name: {}, id: {} } }] },
      },
    };
    assert.deepEqual(pathsOf(schema), [
      'coupon',
      'coupon.code',
      'payer',
      'payer.iban',
      'payer.card',
      'plan',
      'plan.id',
      'plan.name',
    ]);
  });

  test('leaves out names a path cannot carry', () => {
    const schema = { properties: { 'a.b': {}, __proto__: {}, constructor: {}, ok: {} } };
    // `__proto__` in an object literal sets the prototype; build it the way JSON.parse does.
    const parsed = JSON.parse(
      '{"properties":{"a.b":{},"__proto__":{},"constructor":{},"prototype":{},"ok":{}}}',
    );
    assert.deepEqual(pathsOf(schema), ['ok']);
    assert.deepEqual(pathsOf(parsed), ['ok']);
  });

  test('survives schemas that are not what they should be', () => {
    assert.deepEqual(pathsOf({}), []);
    assert.deepEqual(pathsOf({ properties: 'nope' }), []);
    assert.deepEqual(pathsOf({ properties: { a: null, b: 3, c: {} } }), ['c']);
    assert.deepEqual(pathsOf({ type: 'array', items: [{ properties: { x: {} } }] }), ['x']);
  });
});

describe('mergedSchemaPaths', () => {
  test('each path once, in the order first met, with the first description found', () => {
    const paid = { properties: { order: { properties: { id: {}, total: { description: 'Total' } } } } };
    const refunded = {
      properties: { order: { description: 'Order', properties: { id: {}, refund: {} } }, refund: {} },
    };
    const merged = mergedSchemaPaths([paid, refunded] as JsonSchema[]);
    assert.deepEqual(
      merged.map((p) => p.path),
      ['order', 'order.id', 'order.total', 'order.refund', 'refund'],
    );
    assert.equal(merged[0]?.description, 'Order');
    assert.equal(merged[2]?.description, 'Total');
  });
});

describe('filterTakes', () => {
  test('reads *, family wildcards and names as the API does', () => {
    assert.ok(filterTakes('*', 'order.paid'));
    assert.ok(filterTakes('order.*', 'order.paid'));
    assert.ok(filterTakes('order.*', 'order.line.added'));
    assert.ok(!filterTakes('order.*', 'orders.paid'));
    assert.ok(filterTakes('order.paid', 'order.paid'));
    assert.ok(!filterTakes('order.paid', 'order.paid.late'));
  });
});
