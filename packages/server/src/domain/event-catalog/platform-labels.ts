/**
 * The seed platforms' own names for their webhook events, and the catalogue types each stands for.
 * An endpoint's `eventTypes` accepts each platform's name (its alias) beside the catalogue's, and
 * stores the catalogue name instead: a merchant moving from InPlayer writes `payment.card.success` and
 * receives `payment.succeeded`, the type the platform publishes.
 *
 * InPlayer's labels are dotted names already and are taken as they are. Plug&Paid's triggers and
 * PayGate's are phrases ("Watch One Time Sale", "Agreement created"): their aliases are the phrase in
 * lower case, words joined by `_`, without Plug&Paid's "Watch", under the platform's name
 * (`plugandpaid.one_time_sale`, `paygate.agreement_created`), so no alias can be read as another
 * platform's, or as a type of the catalogue's families. Plug&Pay has no event labels: its webhooks
 * are endpoint settings (`docs/event-catalog.md` maps them).
 *
 * `docs/event-catalog.md` shows these tables, and a test keeps the page and this list in step.
 */

/** A platform whose event labels are aliases. */
export type LabelPlatform = 'Plug&Paid' | 'InPlayer' | 'PayGate';

/** One webhook event of a platform, as its documentation names it. */
export interface PlatformLabel {
  readonly platform: LabelPlatform;
  /** The event as the platform's documentation names it ("Payment sale with card succeeded"). */
  readonly trigger: string;
  /** The name an endpoint may use for it: InPlayer's event label, or a name made from the trigger. */
  readonly alias: string;
  /**
   * The catalogue types it stands for: one, except where the platform's trigger covers what the
   * catalogue tells apart (Plug&Paid's "Watch Recurring Failed": a subscription that could not start,
   * and a payment of a running one that failed).
   */
  readonly types: readonly string[];
}

const plugAndPaid = (trigger: string, ...types: string[]): PlatformLabel => ({
  platform: 'Plug&Paid',
  trigger,
  alias: `plugandpaid.${trigger
    .replace(/^Watch /, '')
    .toLowerCase()
    .replace(/ /g, '_')}`,
  types,
});

const inPlayer = (trigger: string, alias: string, type: string): PlatformLabel => ({
  platform: 'InPlayer',
  trigger,
  alias,
  types: [type],
});

const payGate = (trigger: string, type: string): PlatformLabel => ({
  platform: 'PayGate',
  trigger,
  alias: `paygate.${trigger.toLowerCase().replace(/ /g, '_')}`,
  types: [type],
});

/** Every seed platform's webhook events, in the order of its documentation. */
export const PLATFORM_LABELS: readonly PlatformLabel[] = [
  // Plug&Paid's 14 triggers (Settings > Webhooks > Subscribe to Events).
  plugAndPaid('Watch One Time Sale', 'order.paid'),
  plugAndPaid('Watch Product Created', 'product.created'),
  plugAndPaid('Watch Product Updated', 'product.updated'),
  plugAndPaid('Watch Product Deleted', 'product.deleted'),
  // "Triggers when a customer makes an order": the order, with its customer in `order.customer`.
  plugAndPaid('Watch Customers', 'order.created'),
  plugAndPaid('Watch Order Refunded', 'order.refunded'),
  plugAndPaid('Watch Order Declined', 'order.declined'),
  plugAndPaid('Watch Order Shipped', 'order.shipped'),
  plugAndPaid('Watch Order Tracking Number', 'order.tracking_number_set'),
  plugAndPaid('Watch Invoice Paid', 'invoice.paid'),
  plugAndPaid('Watch Abandoned Cart', 'cart.abandoned'),
  plugAndPaid('Watch Recurring Subscription Created', 'subscription.created'),
  plugAndPaid('Watch Recurring Failed', 'subscription.payment_failed', 'subscription.failed'),
  plugAndPaid('Watch Recurring Subscription Canceled', 'subscription.cancelled'),

  // InPlayer's 27 webhook events, with their event labels.
  inPlayer('Free asset access was given', 'freemium.grant.success', 'access.free_granted'),
  inPlayer('Free asset access failed', 'freemium.grant.failed', 'access.free_grant_failed'),
  inPlayer('Payment sale with card succeeded', 'payment.card.success', 'payment.succeeded'),
  inPlayer('Payment sale with card failed', 'payment.card.failed', 'payment.failed'),
  inPlayer('Payment asset refunded', 'payment.refund.success', 'payment.refunded'),
  inPlayer('Payment asset refund failed', 'payment.refund.failed', 'refund.failed'),
  inPlayer('Billing subscription created', 'subscribe.success', 'subscription.created'),
  inPlayer('Billing subscription cancelled', 'subscribe.cancelled.success', 'subscription.cancelled'),
  inPlayer('Billing subscription failed', 'subscribe.failed', 'subscription.failed'),
  inPlayer(
    'Billing subscription cancellation failed',
    'subscribe.cancelled.failed',
    'subscription.cancellation_failed',
  ),
  inPlayer('Billing subscription updated', 'subscribe.updated', 'subscription.updated'),
  inPlayer('Billing subscription expired', 'subscribe.expired', 'subscription.ended'),
  inPlayer(
    'External payment sale operation succeeded',
    'external.payment.success',
    'external_payment.succeeded',
  ),
  inPlayer('External payment sale operation failed', 'external.payment.failed', 'external_payment.failed'),
  inPlayer('External subscription succeeded', 'external.subscribe.success', 'external_subscription.created'),
  inPlayer('External subscription failed', 'external.subscribe.failed', 'external_subscription.failed'),
  inPlayer(
    'External subscription update succeeded',
    'external.subscribe.update.success',
    'external_subscription.updated',
  ),
  inPlayer(
    'External subscription update failed',
    'external.subscribe.update.failed',
    'external_subscription.update_failed',
  ),
  inPlayer(
    'External subscription cancellation succeeded',
    'external.subscribe.cancel.success',
    'external_subscription.cancelled',
  ),
  inPlayer(
    'External subscription cancellation failed',
    'external.subscribe.cancel.failed',
    'external_subscription.cancellation_failed',
  ),
  inPlayer(
    'External payment refund operation succeeded',
    'external.payment.refund.success',
    'external_payment.refunded',
  ),
  inPlayer(
    'External payment refund operation failed',
    'external.payment.refund.failed',
    'external_payment.refund_failed',
  ),
  inPlayer('Access granted', 'asset.access.granted', 'access.granted'),
  inPlayer('Access revoked', 'asset.access.revoked', 'access.revoked'),
  inPlayer('Customer registered', 'customer.registered', 'customer.created'),
  // The one label that is the catalogue's own name: nothing to replace.
  inPlayer('Customer updated', 'customer.updated', 'customer.updated'),
  inPlayer('Customer password updated', 'customer.password.updated', 'customer.password_updated'),

  // PayGate Subscriptions' 4 triggers.
  payGate('Agreement created', 'subscription.created'),
  payGate('Agreement updated', 'subscription.updated'),
  payGate('Payment created', 'payment.created'),
  payGate('Payment updated', 'payment.updated'),
];

/** Every alias and the types it stands for, in the label's order (a label that is a type's own name is none). */
export const EVENT_TYPE_ALIASES: ReadonlyMap<string, readonly string[]> = new Map(
  PLATFORM_LABELS.filter((label) => !label.types.includes(label.alias)).map((label) => [
    label.alias,
    label.types,
  ]),
);

/** The aliases of a catalogue type, in the order of the platforms' labels. */
export function aliasesOf(type: string): string[] {
  return [...EVENT_TYPE_ALIASES].filter(([, types]) => types.includes(type)).map(([alias]) => alias);
}
