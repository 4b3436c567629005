import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import qs from 'qs';
import { messageIdOf, renderPayload } from './webhook-payload.ts';

const order = {
  order: {
    id: 'ord_1',
    total: '129.00',
    customer: { id: 'cus_1', email: 'anna@example.com' },
    lines: [
      { id: 'line_1', productId: 'prod_course', total: '99.00' },
      { id: 'line_2', productId: 'prod_bump', total: '30.00' },
    ],
  },
};
const event = {
  eventId: 'evt_1',
  eventType: 'order.paid',
  occurredAt: Date.parse('2026-11-22T10:00:00.000Z'),
  dataJson: JSON.stringify(order),
};
const json = { fields: [], format: 'json' as const };

describe('renderPayload', () => {
  test('a plain JSON endpoint gets the stored data text as it is', () => {
    const payload = renderPayload({ ...event, dataJson: '{"b":1,  "a":2}' }, null, json);
    assert.equal(payload.messageId, 'evt_1');
    assert.equal(payload.contentType, 'application/json');
    assert.equal(
      payload.body,
      '{"id":"evt_1","type":"order.paid","timestamp":"2026-11-22T10:00:00.000Z","data":{"b":1,  "a":2}}',
    );
  });

  test('one order line: its own message id, the order with that line only', () => {
    const payload = renderPayload(event, 'line_2', json);
    assert.equal(payload.messageId, 'evt_1#line_2');
    const body = JSON.parse(payload.body);
    assert.equal(body.id, 'evt_1#line_2');
    assert.deepEqual(body.data.order.line, { id: 'line_2', productId: 'prod_bump', total: '30.00' });
    assert.equal(body.data.order.lines, undefined);
    assert.equal(body.data.order.total, '129.00');
  });

  test('fields keep only the chosen paths, through arrays', () => {
    const payload = renderPayload(event, null, {
      fields: ['order.id', 'order.lines.productId'],
      format: 'json',
    });
    assert.deepEqual(JSON.parse(payload.body).data, {
      order: { id: 'ord_1', lines: [{ productId: 'prod_course' }, { productId: 'prod_bump' }] },
    });
  });

  test('fields apply to the one line of a per-line delivery', () => {
    const payload = renderPayload(event, 'line_1', {
      fields: ['order.id', 'order.line.productId'],
      format: 'json',
    });
    assert.deepEqual(JSON.parse(payload.body).data, {
      order: { id: 'ord_1', line: { productId: 'prod_course' } },
    });
  });

  test('a form endpoint gets nested keys that qs reads back, with fields applied', () => {
    const payload = renderPayload(event, null, {
      fields: ['order.id', 'order.customer.email'],
      format: 'form',
    });
    assert.equal(payload.contentType, 'application/x-www-form-urlencoded');
    assert.deepEqual(qs.parse(payload.body), {
      id: 'evt_1',
      type: 'order.paid',
      timestamp: '2026-11-22T10:00:00.000Z',
      data: { order: { id: 'ord_1', customer: { email: 'anna@example.com' } } },
    });
  });

  test('parsedData is used instead of parsing again', () => {
    let calls = 0;
    const payload = renderPayload(event, null, { fields: ['order.id'], format: 'json' }, () => {
      calls++;
      return { order: { id: 'from-cache' } };
    });
    assert.equal(calls, 1);
    assert.equal(JSON.parse(payload.body).data.order.id, 'from-cache');
  });
});

describe('messageIdOf', () => {
  test('the event id, or the event and line ids', () => {
    assert.equal(messageIdOf('evt_1', null), 'evt_1');
    assert.equal(messageIdOf('evt_1', 'line_9'), 'evt_1#line_9');
  });
});
