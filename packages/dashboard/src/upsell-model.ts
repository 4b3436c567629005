/**
 * An upsell's Advanced tab holds one webhook URL, like Settings > Webhooks a view over an ordinary
 * endpoint: the oldest one scoped to exactly that upsell. A rule that also names a product or another
 * upsell is a Connections rule, not this tab's webhook.
 */
import type { Endpoint } from './api-types.ts';
import { oldestEndpoint } from './settings-webhooks-model.ts';

/** The event types of an upsell's webhook: the paid upsell order. */
export const UPSELL_EVENT_TYPES: readonly string[] = ['order.paid'];

/** The fields of an endpoint the rule reads. */
export type UpsellEndpointShape = Pick<
  Endpoint,
  'id' | 'createdAt' | 'productIds' | 'checkoutIds' | 'upsellIds' | 'plugIds'
>;

/** Whether an endpoint is scoped to this upsell and nothing else. */
export function isUpsellWebhook(endpoint: UpsellEndpointShape, upsellId: string): boolean {
  return (
    endpoint.upsellIds.length === 1 &&
    endpoint.upsellIds[0] === upsellId &&
    endpoint.productIds.length === 0 &&
    endpoint.checkoutIds.length === 0 &&
    endpoint.plugIds.length === 0
  );
}

/** The upsell's webhook: the oldest endpoint scoped to exactly that upsell, or `undefined`. */
export function findUpsellWebhook<E extends UpsellEndpointShape>(
  endpoints: readonly E[],
  upsellId: string,
): E | undefined {
  return oldestEndpoint(endpoints.filter((endpoint) => isUpsellWebhook(endpoint, upsellId)));
}

/** What the tab names the endpoints it creates, so the Webhooks list says where they came from. */
export const upsellDescription = (upsellId: string) => `Upsell ${upsellId} (Advanced)`;
