/**
 * The rule that finds Settings > Webhooks among the account's endpoints, and what saving the page
 * sends: plain functions, tested without a browser.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  CANCELLATIONS_EVENT_TYPES,
  type EndpointShape,
  findCancellationsWebhook,
  findOrdersWebhook,
  hasNoScope,
  ORDERS_EVENT_TYPES,
  oldestEndpoint,
  planWebhookChange,
  sameNames,
} from '../src/settings-webhooks-model.ts';

const NO_SCOPE = { productIds: [], checkoutIds: [], upsellIds: [], plugIds: [] };

function endpoint(id: string, createdAt: string, overrides: Partial<EndpointShape> = {}): EndpointShape {
  return { id, createdAt, eventTypes: ['order.paid'], source: 'api', ...NO_SCOPE, ...overrides };
}

describe('finding the orders webhook', () => {
  test('is the oldest general endpoint made through the API that takes exactly order.paid', () => {
    const endpoints = [
      endpoint('ep_c', '2026-03-01T00:00:00.000Z'),
      endpoint('ep_a', '2026-01-01T00:00:00.000Z'),
      endpoint('ep_b', '2026-02-01T00:00:00.000Z'),
    ];
    assert.equal(findOrdersWebhook(endpoints)?.id, 'ep_a');
  });

  test('skips scoped endpoints, REST hooks and endpoints taking other or more event types', () => {
    const endpoints = [
      endpoint('ep_product', '2026-01-01T00:00:00.000Z', { productIds: ['prod_1'] }),
      endpoint('ep_checkout', '2026-01-02T00:00:00.000Z', { checkoutIds: ['chk_1'] }),
      endpoint('ep_upsell', '2026-01-03T00:00:00.000Z', { upsellIds: ['ups_1'] }),
      endpoint('ep_plug', '2026-01-04T00:00:00.000Z', { plugIds: ['plug_1'] }),
      endpoint('ep_zap', '2026-01-05T00:00:00.000Z', { source: 'rest_hook' }),
      endpoint('ep_family', '2026-01-06T00:00:00.000Z', { eventTypes: ['order.*'] }),
      endpoint('ep_more', '2026-01-07T00:00:00.000Z', { eventTypes: ['order.paid', 'order.refunded'] }),
      endpoint('ep_all', '2026-01-08T00:00:00.000Z', { eventTypes: ['*'] }),
    ];
    assert.equal(findOrdersWebhook(endpoints), undefined);
    const orders = endpoint('ep_orders', '2026-06-01T00:00:00.000Z');
    assert.equal(findOrdersWebhook([...endpoints, orders]), orders);
  });

  test('is nothing for an account without endpoints', () => {
    assert.equal(findOrdersWebhook([]), undefined);
  });

  test('of two created in the same millisecond, takes the lower id', () => {
    const at = '2026-01-01T00:00:00.000Z';
    assert.equal(findOrdersWebhook([endpoint('ep_2', at), endpoint('ep_1', at)])?.id, 'ep_1');
  });
});

describe('finding the cancellations webhook', () => {
  test('takes subscription.cancelled and subscription.ended in any order', () => {
    const reversed = endpoint('ep_b', '2026-02-01T00:00:00.000Z', {
      eventTypes: ['subscription.ended', 'subscription.cancelled'],
    });
    const inOrder = endpoint('ep_a', '2026-03-01T00:00:00.000Z', {
      eventTypes: [...CANCELLATIONS_EVENT_TYPES],
    });
    assert.equal(findCancellationsWebhook([inOrder, reversed]), reversed);
  });

  test('needs exactly those two, and no scope', () => {
    const endpoints = [
      endpoint('ep_one', '2026-01-01T00:00:00.000Z', { eventTypes: ['subscription.cancelled'] }),
      endpoint('ep_three', '2026-01-02T00:00:00.000Z', {
        eventTypes: ['subscription.cancelled', 'subscription.ended', 'subscription.created'],
      }),
      endpoint('ep_twice', '2026-01-03T00:00:00.000Z', {
        eventTypes: ['subscription.cancelled', 'subscription.cancelled'],
      }),
      endpoint('ep_product', '2026-01-04T00:00:00.000Z', {
        eventTypes: [...CANCELLATIONS_EVENT_TYPES],
        productIds: ['prod_9'],
      }),
      endpoint('ep_orders', '2026-01-05T00:00:00.000Z', { eventTypes: [...ORDERS_EVENT_TYPES] }),
    ];
    assert.equal(findCancellationsWebhook(endpoints), undefined);
  });

  test('is found apart from the orders webhook', () => {
    const orders = endpoint('ep_orders', '2026-01-01T00:00:00.000Z');
    const cancellations = endpoint('ep_cancel', '2026-01-02T00:00:00.000Z', {
      eventTypes: [...CANCELLATIONS_EVENT_TYPES],
    });
    assert.equal(findOrdersWebhook([cancellations, orders]), orders);
    assert.equal(findCancellationsWebhook([cancellations, orders]), cancellations);
  });
});

describe('the helpers of the rule', () => {
  test('sameNames compares as sets of unique names', () => {
    assert.ok(sameNames(['a', 'b'], ['b', 'a']));
    assert.ok(!sameNames(['a', 'b'], ['a']));
    assert.ok(!sameNames(['a', 'a'], ['a', 'b']));
    assert.ok(sameNames([], []));
  });

  test('hasNoScope is true only when all four lists are empty', () => {
    assert.ok(hasNoScope(NO_SCOPE));
    assert.ok(!hasNoScope({ ...NO_SCOPE, plugIds: ['plug_1'] }));
  });

  test('oldestEndpoint of nothing is nothing', () => {
    assert.equal(oldestEndpoint([]), undefined);
  });
});

describe('what saving one URL field sends', () => {
  const createBody = { eventTypes: ['order.paid'], description: 'Orders (Settings > Webhooks)' };
  const current = {
    id: 'ep_1',
    url: 'https://example.com/hook',
    enabled: true,
    options: { includeRecurring: false, perOrderLine: true },
  };

  test('an empty field with no webhook sends nothing', () => {
    assert.deepEqual(planWebhookChange(undefined, '  ', { includeRecurring: true }, createBody), {
      kind: 'none',
    });
  });

  test('a URL with no webhook creates one with the options and the trimmed URL', () => {
    assert.deepEqual(
      planWebhookChange(
        undefined,
        ' https://example.com/new ',
        { includeRecurring: true, perOrderLine: false },
        createBody,
      ),
      {
        kind: 'create',
        body: {
          eventTypes: ['order.paid'],
          description: 'Orders (Settings > Webhooks)',
          url: 'https://example.com/new',
          includeRecurring: true,
          perOrderLine: false,
        },
      },
    );
  });

  test('nothing changed sends nothing', () => {
    assert.deepEqual(
      planWebhookChange(
        current,
        'https://example.com/hook',
        { includeRecurring: false, perOrderLine: true },
        createBody,
      ),
      { kind: 'none' },
    );
  });

  test('an update sends only what changed', () => {
    assert.deepEqual(
      planWebhookChange(
        current,
        'https://example.com/hook',
        { includeRecurring: true, perOrderLine: true },
        createBody,
      ),
      { kind: 'update', id: 'ep_1', body: { includeRecurring: true } },
    );
    assert.deepEqual(
      planWebhookChange(
        current,
        'https://example.com/moved',
        { includeRecurring: false, perOrderLine: true },
        createBody,
      ),
      { kind: 'update', id: 'ep_1', body: { url: 'https://example.com/moved' } },
    );
  });

  test('an emptied field deletes the webhook', () => {
    assert.deepEqual(
      planWebhookChange(current, '', { includeRecurring: false, perOrderLine: true }, createBody),
      {
        kind: 'delete',
        id: 'ep_1',
      },
    );
  });

  test('saving a switched-off webhook switches it on again', () => {
    assert.deepEqual(
      planWebhookChange(
        { ...current, enabled: false },
        'https://example.com/hook',
        { includeRecurring: false, perOrderLine: true },
        createBody,
      ),
      { kind: 'update', id: 'ep_1', body: { enabled: true } },
    );
  });
});
