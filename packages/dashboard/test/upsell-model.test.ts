/** The rule that finds an upsell's webhook (its Advanced tab) among the account's endpoints. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { findUpsellWebhook, type UpsellEndpointShape } from '../src/upsell-model.ts';

function endpoint(
  id: string,
  createdAt: string,
  scope: Partial<UpsellEndpointShape> = {},
): UpsellEndpointShape {
  return { id, createdAt, productIds: [], checkoutIds: [], upsellIds: [], plugIds: [], ...scope };
}

describe("finding an upsell's webhook", () => {
  test('is the oldest endpoint scoped to exactly that upsell', () => {
    const endpoints = [
      endpoint('ep_new', '2026-02-01T00:00:00.000Z', { upsellIds: ['ups_1'] }),
      endpoint('ep_old', '2026-01-01T00:00:00.000Z', { upsellIds: ['ups_1'] }),
      endpoint('ep_other', '2025-01-01T00:00:00.000Z', { upsellIds: ['ups_2'] }),
    ];
    assert.equal(findUpsellWebhook(endpoints, 'ups_1')?.id, 'ep_old');
    assert.equal(findUpsellWebhook(endpoints, 'ups_2')?.id, 'ep_other');
  });

  test('skips general endpoints and rules that name other ids too', () => {
    const endpoints = [
      endpoint('ep_general', '2025-01-01T00:00:00.000Z'),
      endpoint('ep_two', '2025-01-02T00:00:00.000Z', { upsellIds: ['ups_1', 'ups_2'] }),
      endpoint('ep_product', '2025-01-03T00:00:00.000Z', { upsellIds: ['ups_1'], productIds: ['prod_1'] }),
      endpoint('ep_checkout', '2025-01-04T00:00:00.000Z', { upsellIds: ['ups_1'], checkoutIds: ['chk_1'] }),
      endpoint('ep_plug', '2025-01-05T00:00:00.000Z', { upsellIds: ['ups_1'], plugIds: ['plug_1'] }),
    ];
    assert.equal(findUpsellWebhook(endpoints, 'ups_1'), undefined);
  });
});
