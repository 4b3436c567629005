/**
 * The webhooks the demo configures: one per setting the seed platforms offer, each on its own path of
 * the demo receiver. Together they show every commerce option an endpoint has (scopes, per-line
 * calls, recurring payments, fields, form bodies, several URLs, a custom User-Agent) and a REST hook.
 */
import { COOKBOOK_OFFER, COURSE_OFFER, MEMBERSHIP_OFFER } from './demo-catalogue.ts';

/** One webhook of the demo. */
export interface DemoEndpointPlan {
  /** Short name printed in front of every delivery it receives. */
  readonly name: string;
  /** What it shows, for the endpoint table. */
  readonly shows: string;
  /** The receiver paths it delivers to (PayGate's has two). */
  readonly paths: readonly string[];
  /**
   * How it is made: an endpoint (`POST …/endpoints` with this body, `url` filled in from the paths)
   * or a REST hook (`POST …/hooks` with `{target_url, event}`), both with the account's API key.
   */
  readonly setup:
    | { readonly kind: 'endpoint'; readonly body: Readonly<Record<string, unknown>> }
    | { readonly kind: 'rest_hook'; readonly event: string };
}

/** The scoped ids, named so the demo's output and test can refer to them. */
export const DEMO_SCOPES = {
  productId: COURSE_OFFER.main.id,
  checkoutId: MEMBERSHIP_OFFER.checkoutId,
  upsellId: COURSE_OFFER.upsell!.id,
  plugId: COOKBOOK_OFFER.plugId!,
} as const;

/** The User-Agent PayGate sends. Its documentation writes an en dash, which no HTTP header may carry. */
export const PAYGATE_USER_AGENT = 'PayGate - Webhooks';

/** Every webhook the demo sets up, in the order of the endpoint table. */
export const DEMO_ENDPOINTS: readonly DemoEndpointPlan[] = [
  {
    name: 'plugpay-general',
    shows: 'Plug&Pay general webhook: order.paid, no scope',
    paths: ['/plugpay/orders'],
    setup: {
      kind: 'endpoint',
      body: { description: 'Plug&Pay: Orders webhook', eventTypes: ['order.paid'] },
    },
  },
  {
    name: 'plugpay-per-line',
    shows: '+ includeRecurring (debits, instalments), perOrderLine (bumps)',
    paths: ['/plugpay/orders-per-line'],
    setup: {
      kind: 'endpoint',
      body: {
        description: 'Plug&Pay: Orders webhook, per order line, with direct debits and instalments',
        eventTypes: ['order.paid'],
        includeRecurring: true,
        perOrderLine: true,
      },
    },
  },
  {
    name: 'plugpay-product',
    shows: `product rule: productIds [${DEMO_SCOPES.productId}] (the course)`,
    paths: ['/plugpay/product-rule'],
    setup: {
      kind: 'endpoint',
      body: {
        description: `Plug&Pay: rule of product ${COURSE_OFFER.main.name}`,
        eventTypes: ['order.paid'],
        productIds: [DEMO_SCOPES.productId],
      },
    },
  },
  {
    name: 'plugpay-checkout',
    shows: `checkout rule: checkoutIds [${DEMO_SCOPES.checkoutId}] (membership)`,
    paths: ['/plugpay/checkout-rule'],
    setup: {
      kind: 'endpoint',
      body: {
        description: 'Plug&Pay: rule of the membership checkout',
        eventTypes: ['order.paid'],
        checkoutIds: [DEMO_SCOPES.checkoutId],
      },
    },
  },
  {
    name: 'plugpay-upsell',
    shows: `upsell rule: upsellIds [${DEMO_SCOPES.upsellId}] (strategy session)`,
    paths: ['/plugpay/upsell-rule'],
    setup: {
      kind: 'endpoint',
      body: {
        description: 'Plug&Pay: webhook of the strategy session upsell',
        eventTypes: ['order.paid'],
        upsellIds: [DEMO_SCOPES.upsellId],
      },
    },
  },
  {
    name: 'plugpay-cancel',
    shows: 'cancellations: subscription.cancelled, subscription.ended',
    paths: ['/plugpay/cancellations'],
    setup: {
      kind: 'endpoint',
      body: {
        description: 'Plug&Pay: Cancellations webhook',
        eventTypes: ['subscription.cancelled', 'subscription.ended'],
      },
    },
  },
  {
    name: 'plugpaid-plug',
    shows: `Plug&Paid: plugIds [${DEMO_SCOPES.plugId}], 7 event types, 6 fields`,
    paths: ['/plugpaid/webshop'],
    setup: {
      kind: 'endpoint',
      body: {
        description: 'Plug&Paid: webshop cart',
        // product.* is left out: a product belongs to no cart, so a plug scope never lets it through
        // (the REST hook below receives the product events).
        eventTypes: [
          'order.created',
          'order.paid',
          'order.declined',
          'order.refunded',
          'order.shipped',
          'order.tracking_number_set',
          'cart.abandoned',
        ],
        plugIds: [DEMO_SCOPES.plugId],
        fields: [
          'order.id',
          'order.total',
          'order.customer.email',
          'order.lines.productId',
          'shipment.trackingUrl',
          'cart.recoveryUrl',
        ],
      },
    },
  },
  {
    name: 'inplayer',
    shows: 'InPlayer: payment.*, subscription.*, access.*, customer.*',
    paths: ['/inplayer/webhook'],
    setup: {
      kind: 'endpoint',
      body: {
        description: 'InPlayer: payments, subscriptions, access and customers',
        eventTypes: ['payment.*', 'subscription.*', 'access.*', 'customer.*'],
      },
    },
  },
  {
    name: 'paygate',
    shows: 'PayGate: format form, 2 URLs in one string, User-Agent',
    paths: ['/paygate/agreements', '/paygate/agreements-backup'],
    setup: {
      kind: 'endpoint',
      body: {
        description: 'PayGate Subscriptions: agreements and payments',
        eventTypes: ['subscription.created', 'subscription.updated', 'payment.created', 'payment.updated'],
        format: 'form',
        userAgent: PAYGATE_USER_AGENT,
      },
    },
  },
  {
    name: 'connect-hook',
    shows: 'REST hook (POST …/hooks with the API key): product.*',
    paths: ['/connect/products'],
    setup: { kind: 'rest_hook', event: 'product.*' },
  },
];
