import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import Ajv, { type ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';
import { EVENT_TYPE_PATTERN, wantsEventType } from '../event-type.ts';
import { BUILTIN_EVENT_TYPES, type EventTypeDefinition } from './builtin-event-types.ts';
import { type LabelPlatform, PLATFORM_LABELS } from './platform-labels.ts';

/** The names the seeds and the API promise; renaming one breaks every endpoint that lists it. */
const FIXED_NAMES = [
  'order.created',
  'order.paid',
  'order.declined',
  'order.refunded',
  'order.shipped',
  'order.tracking_number_set',
  'invoice.created',
  'invoice.paid',
  'cart.abandoned',
  'product.created',
  'product.updated',
  'product.deleted',
  'customer.created',
  'customer.updated',
  'customer.password_updated',
  'subscription.created',
  'subscription.updated',
  'subscription.failed',
  'subscription.payment_failed',
  'subscription.cancelled',
  'subscription.cancellation_failed',
  'subscription.ended',
  'payment.created',
  'payment.updated',
  'payment.succeeded',
  'payment.failed',
  'refund.failed',
  'access.granted',
  'access.revoked',
  'hookline.test',
];

/** The object each family carries, which scoping and order-line splitting read. */
const FAMILY_OBJECT: Readonly<Record<string, string>> = {
  order: 'order',
  invoice: 'invoice',
  cart: 'cart',
  product: 'product',
  customer: 'customer',
  subscription: 'subscription',
  payment: 'payment',
  refund: 'refund',
  access: 'access',
  external_payment: 'payment',
  external_subscription: 'subscription',
  'hookline.test': 'message',
  'hookline.endpoint': 'endpoint',
  'hookline.delivery': 'delivery',
};

const ajv = addFormats.default(new Ajv.default({ allErrors: true, strict: true }));

function definition(name: string): EventTypeDefinition {
  const found = BUILTIN_EVENT_TYPES.find((type) => type.name === name);
  assert.ok(found, `${name} is in the catalogue`);
  return found;
}

/** The errors `data` gets from the schema of `name`, empty when it is valid. */
function errorsOf(name: string, data: unknown): ErrorObject[] {
  const validate = ajv.compile(definition(name).schema);
  return validate(data) ? [] : (validate.errors ?? []);
}

/** A deep copy of the example of `name`, to break on purpose. */
function exampleCopy(name: string): Record<string, unknown> {
  return structuredClone(definition(name).example) as Record<string, unknown>;
}

function asRecord(value: unknown): Record<string, unknown> {
  assert.ok(typeof value === 'object' && value !== null && !Array.isArray(value), 'an object');
  return value as Record<string, unknown>;
}

/** Every object inside `value`, itself included. */
function objectsIn(value: unknown): Record<string, unknown>[] {
  if (Array.isArray(value)) return value.flatMap(objectsIn);
  if (typeof value !== 'object' || value === null) return [];
  return [value as Record<string, unknown>, ...Object.values(value).flatMap(objectsIn)];
}

/** A decimal string in ten-thousandths, so sums are exact. */
function toUnits(amount: unknown): number {
  assert.equal(typeof amount, 'string');
  const [whole = '', fraction = ''] = String(amount).split('.');
  const sign = whole.startsWith('-') ? -1 : 1;
  return sign * (Math.abs(Number(whole)) * 10_000 + Number(fraction.padEnd(4, '0')));
}

describe('the built-in catalogue', () => {
  test('holds every fixed name', () => {
    const names = new Set(BUILTIN_EVENT_TYPES.map((type) => type.name));
    for (const name of FIXED_NAMES) assert.ok(names.has(name), `${name} is missing`);
  });

  test('names are unique and well formed', () => {
    const names = BUILTIN_EVENT_TYPES.map((type) => type.name);
    assert.equal(new Set(names).size, names.length);
    const pattern = new RegExp(EVENT_TYPE_PATTERN);
    for (const name of names) assert.match(name, pattern);
  });

  test('covers the InPlayer free-access and external operations', () => {
    for (const family of ['access.free_granted', 'access.free_grant_failed']) definition(family);
    const external = BUILTIN_EVENT_TYPES.map((type) => type.name).filter(
      (name) =>
        wantsEventType(['external_payment.*'], name) || wantsEventType(['external_subscription.*'], name),
    );
    assert.equal(external.length, 10, 'one type per InPlayer external.* label');
  });

  test('every type is described', () => {
    for (const type of BUILTIN_EVENT_TYPES) {
      assert.ok(type.description.length >= 20, `${type.name} has a description`);
      assert.ok(type.description.length <= 400, `${type.name} says it in one or two sentences`);
    }
  });

  test('every family carries its object in data', () => {
    for (const type of BUILTIN_EVENT_TYPES) {
      // Hookline's own types form a family per object: `hookline.endpoint.*` carry `data.endpoint`.
      const segments = type.name.split('.');
      const family = (segments[0] === 'hookline' ? segments.slice(0, 2) : segments.slice(0, 1)).join('.');
      const key = FAMILY_OBJECT[family];
      assert.ok(key, `${type.name} belongs to a known family`);
      const required = type.schema['required'];
      assert.ok(Array.isArray(required) && required.includes(key), `${type.name} requires data.${key}`);
    }
  });
});

describe('schemas and examples', () => {
  for (const type of BUILTIN_EVENT_TYPES) {
    test(`${type.name}: the schema compiles in strict mode and accepts its example`, () => {
      assert.deepEqual(errorsOf(type.name, type.example), []);
    });
  }

  test('recurring payments in examples are not the first', () => {
    for (const type of BUILTIN_EVENT_TYPES) {
      for (const object of objectsIn(type.example)) {
        if (object['kind'] !== 'direct_debit' && object['kind'] !== 'instalment') continue;
        assert.ok(Number(object['sequence']) >= 2, `${type.name}: a ${object['kind']} has sequence ≥ 2`);
      }
    }
  });

  test('example orders add up', () => {
    let orders = 0;
    for (const type of BUILTIN_EVENT_TYPES) {
      for (const object of objectsIn(type.example)) {
        const lines = object['lines'];
        if (!Array.isArray(lines)) continue;
        orders++;
        let sum = 0;
        for (const line of lines.map(asRecord)) {
          assert.equal(toUnits(line['total']), toUnits(line['unitPrice']) * Number(line['quantity']));
          sum += toUnits(line['total']);
        }
        assert.equal(sum, toUnits(object['total']), `${type.name}: the lines add up to the total`);
      }
    }
    assert.ok(orders > 0);
  });

  test('examples show an order bump and a one-click upsell', () => {
    const orders = BUILTIN_EVENT_TYPES.filter((type) => type.name.startsWith('order.')).map((type) =>
      asRecord(type.example['order']),
    );
    const kinds = (order: Record<string, unknown>) =>
      (order['lines'] as unknown[]).map((line) => asRecord(line)['kind']);
    assert.ok(orders.some((order) => kinds(order).includes('main') && kinds(order).includes('bump')));
    const upsell = orders.find((order) => order['upsellId'] !== null);
    assert.ok(upsell, 'an upsell order');
    assert.equal(typeof upsell['parentOrderId'], 'string');
    assert.deepEqual(kinds(upsell), ['upsell']);
  });
});

describe('what the schemas refuse', () => {
  /** The first error's place and keyword, as a publisher would see them. */
  function firstError(name: string, data: unknown): Pick<ErrorObject, 'instancePath' | 'keyword'> {
    const [error] = errorsOf(name, data);
    assert.ok(error, `${name} refuses the data`);
    return { instancePath: error.instancePath, keyword: error.keyword };
  }

  test('an order total as a number', () => {
    const data = exampleCopy('order.paid');
    asRecord(data['order'])['total'] = 176.0;
    assert.deepEqual(firstError('order.paid', data), { instancePath: '/order/total', keyword: 'type' });
  });

  test('an amount with more than four decimals or a comma', () => {
    const data = exampleCopy('order.paid');
    const [line] = asRecord(data['order'])['lines'] as Record<string, unknown>[];
    assert.ok(line);
    line['unitPrice'] = '149,00';
    assert.deepEqual(firstError('order.paid', data), {
      instancePath: '/order/lines/0/unitPrice',
      keyword: 'pattern',
    });
    line['unitPrice'] = '149.00001';
    assert.equal(firstError('order.paid', data).instancePath, '/order/lines/0/unitPrice');
  });

  test('an order without lines, or with none', () => {
    const data = exampleCopy('order.paid');
    const order = asRecord(data['order']);
    order['lines'] = [];
    assert.deepEqual(firstError('order.paid', data), { instancePath: '/order/lines', keyword: 'minItems' });
    delete order['lines'];
    const [error] = errorsOf('order.paid', data);
    assert.equal(error?.instancePath, '/order');
    assert.equal(error?.keyword, 'required');
    assert.deepEqual(error?.params, { missingProperty: 'lines' });
  });

  test('an unknown payment kind', () => {
    const data = exampleCopy('order.paid');
    asRecord(asRecord(data['order'])['payment'])['kind'] = 'recurring';
    assert.deepEqual(firstError('order.paid', data), {
      instancePath: '/order/payment/kind',
      keyword: 'enum',
    });
  });

  test('a payment sequence of 0', () => {
    const data = exampleCopy('payment.succeeded');
    asRecord(data['payment'])['sequence'] = 0;
    assert.deepEqual(firstError('payment.succeeded', data), {
      instancePath: '/payment/sequence',
      keyword: 'minimum',
    });
  });

  test('an order event without its order', () => {
    assert.deepEqual(firstError('order.shipped', { shipment: exampleCopy('order.shipped')['shipment'] }), {
      instancePath: '',
      keyword: 'required',
    });
  });

  test('a subscription without its product id', () => {
    const data = exampleCopy('subscription.created');
    delete asRecord(data['subscription'])['productId'];
    const [error] = errorsOf('subscription.created', data);
    assert.equal(error?.instancePath, '/subscription');
    assert.deepEqual(error?.params, { missingProperty: 'productId' });
  });

  test('an unknown subscription status', () => {
    const data = exampleCopy('subscription.updated');
    asRecord(data['subscription'])['status'] = 'Accepted';
    assert.deepEqual(firstError('subscription.updated', data), {
      instancePath: '/subscription/status',
      keyword: 'enum',
    });
  });

  test('a lower-case currency and a date that is no instant', () => {
    const data = exampleCopy('cart.abandoned');
    const cart = asRecord(data['cart']);
    cart['currency'] = 'eur';
    cart['abandonedAt'] = '2025-05-01 21:17:45';
    const paths = errorsOf('cart.abandoned', data).map((error) => error.instancePath);
    assert.deepEqual(paths.sort(), ['/cart/abandonedAt', '/cart/currency']);
  });

  test('a paid grant where only free access fits', () => {
    const data = exampleCopy('access.free_granted');
    asRecord(data['access'])['kind'] = 'paid';
    assert.deepEqual(firstError('access.free_granted', data), {
      instancePath: '/access/kind',
      keyword: 'const',
    });
  });

  test('a tracking number event without a tracking number', () => {
    const data = exampleCopy('order.tracking_number_set');
    asRecord(data['shipment'])['trackingNumber'] = null;
    assert.deepEqual(firstError('order.tracking_number_set', data), {
      instancePath: '/shipment/trackingNumber',
      keyword: 'type',
    });
  });

  test('extra properties of a platform are kept valid', () => {
    const data = exampleCopy('payment.created');
    asRecord(data['payment'])['graceperiodDays'] = 3;
    data['platformField'] = { anything: true };
    assert.deepEqual(errorsOf('payment.created', data), []);
  });
});

describe("the seed platforms' labels", () => {
  const names = new Set(BUILTIN_EVENT_TYPES.map((type) => type.name));
  const labelsOf = (platform: LabelPlatform) =>
    PLATFORM_LABELS.filter((label) => label.platform === platform);

  test('every Plug&Paid trigger, InPlayer event and PayGate trigger has its label', () => {
    assert.equal(labelsOf('Plug&Paid').length, 14);
    assert.equal(labelsOf('InPlayer').length, 27);
    assert.equal(labelsOf('PayGate').length, 4);
  });

  test('each stands for types of the catalogue, under a well-formed name of its own', () => {
    const pattern = new RegExp(EVENT_TYPE_PATTERN);
    const aliases = new Set<string>();
    for (const label of PLATFORM_LABELS) {
      assert.ok(label.types.length > 0, label.trigger);
      for (const type of label.types) assert.ok(names.has(type), `${label.trigger} stands for ${type}`);
      assert.match(label.alias, pattern);
      assert.ok(!aliases.has(label.alias), `${label.alias} is one platform label's alias`);
      aliases.add(label.alias);
      // A type's own name may be a label (InPlayer's customer.updated), but then only for that type.
      if (names.has(label.alias)) assert.deepEqual(label.types, [label.alias]);
    }
  });

  test('no alias falls into a wildcard of the catalogue it could be mistaken for', () => {
    for (const label of PLATFORM_LABELS) {
      if (label.platform === 'InPlayer') continue;
      const family = label.alias.split('.')[0] ?? '';
      assert.ok(
        ![...names].some((name) => name.startsWith(`${family}.`)),
        `${label.alias}: no type of the ${family} family`,
      );
    }
  });

  test('each type lists as aliases every label that stands for it, except its own name', () => {
    for (const type of BUILTIN_EVENT_TYPES) {
      const expected = PLATFORM_LABELS.filter(
        (label) => label.types.includes(type.name) && label.alias !== type.name,
      ).map((label) => label.alias);
      assert.deepEqual(type.aliases, expected, type.name);
    }
    assert.deepEqual(definition('payment.succeeded').aliases, ['payment.card.success']);
    assert.deepEqual(definition('subscription.created').aliases, [
      'plugandpaid.recurring_subscription_created',
      'subscribe.success',
      'paygate.agreement_created',
    ]);
    assert.deepEqual(definition('customer.updated').aliases, []);
  });
});

describe('docs/event-catalog.md', () => {
  const page = readFileSync(new URL('../../../../../docs/event-catalog.md', import.meta.url), 'utf8');
  const names = new Set(BUILTIN_EVENT_TYPES.map((type) => type.name));

  /** The body rows of every table whose header has a cell `header`, as cells, with that cell's index. */
  function tablesWith(header: string): { column: number; rows: string[][] }[] {
    const lines = page.split('\n');
    const tables: { column: number; rows: string[][] }[] = [];
    lines.forEach((line, index) => {
      const column = cells(line).indexOf(header);
      if (column === -1) return;
      const rows: string[][] = [];
      for (const row of lines.slice(index + 2)) {
        if (!row.startsWith('|')) break;
        rows.push(cells(row));
      }
      tables.push({ column, rows });
    });
    return tables;
  }

  function cells(line: string): string[] {
    return line.startsWith('|')
      ? line
          .split('|')
          .slice(1, -1)
          .map((cell) => cell.trim())
      : [];
  }

  /** The first inline-code span of a cell. */
  function firstCode(cell: string | undefined): string | undefined {
    return /`([^`]+)`/.exec(cell ?? '')?.[1];
  }

  /** Every inline-code span of a cell. */
  function codes(cell: string | undefined): string[] {
    return [...(cell ?? '').matchAll(/`([^`]+)`/g)].map((match) => match[1] ?? '');
  }

  test('lists every type once, with the description of the code', () => {
    const [table] = tablesWith('description');
    assert.ok(table);
    const listed = table.rows.map((row) => ({ name: firstCode(row[0]), description: row[1] }));
    assert.deepEqual(
      listed,
      BUILTIN_EVENT_TYPES.map((type) => ({ name: type.name, description: type.description })),
    );
  });

  test('maps every seed trigger to a type that exists', () => {
    const tables = tablesWith('Hookline type');
    assert.equal(tables.length, 4, 'Plug&Pay, Plug&Paid, InPlayer, PayGate');
    for (const { column, rows } of tables) {
      for (const row of rows) {
        const target = firstCode(row[column]);
        assert.ok(target && names.has(target), `${row[0]} maps to a known type, not ${target}`);
      }
    }
  });

  test("shows each platform's labels: trigger, alias and types, as platform-labels.ts has them", () => {
    const tables = tablesWith('alias');
    const platforms: LabelPlatform[] = ['Plug&Paid', 'InPlayer', 'PayGate'];
    assert.equal(tables.length, platforms.length);
    tables.forEach(({ column, rows }, index) => {
      const platform = platforms[index];
      const listed = rows.map((row) => ({
        trigger: row[0],
        alias: firstCode(row[column]),
        types: codes(row[column + 1]),
      }));
      const expected = PLATFORM_LABELS.filter((label) => label.platform === platform).map((label) => ({
        trigger: label.trigger,
        alias: label.alias,
        types: label.types,
      }));
      assert.deepEqual(listed, expected, `the ${platform} table`);
    });
  });

  test('shows the order.paid example', () => {
    const block = /```json\n([\s\S]*?)```/.exec(page.slice(page.indexOf('## Data conventions')))?.[1];
    assert.ok(block);
    assert.deepEqual(JSON.parse(block), definition('order.paid').example);
  });
});
