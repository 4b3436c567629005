/**
 * The event types every Hookline server knows: the union of what the seed platforms send (Plug&Pay,
 * Plug&Paid, InPlayer, PayGate), each with a description, the JSON Schema of its `data` and an example.
 *
 * Names are grouped in families (`order.*`, `subscription.*`, `payment.*` …) so a family wildcard
 * selects one kind of object, and each family carries that object under the same key: `order.*` events
 * carry `data.order`, `subscription.*` events `data.subscription`, and so on. Endpoint scoping and
 * order-line splitting read those keys, so a new type of a family must carry its object too.
 * `docs/event-catalog.md` maps every seed label to these names; the labels that are names of their own
 * (InPlayer's `payment.card.success`) are each type's `aliases` (see `platform-labels.ts`).
 */

import { aliasesOf } from './platform-labels.ts';
import {
  accessGrantSchema,
  cartSchema,
  changedFieldsSchema,
  customerSchema,
  extendObjectSchema,
  externalOperationSchema,
  failureSchema,
  invoiceSchema,
  type JsonSchema,
  nullable,
  objectSchema,
  orderSchema,
  paymentSchema,
  productSchema,
  refundSchema,
  shipmentSchema,
  subscriptionSchema,
  timestampSchema,
  urlSchema,
} from './shared-schemas.ts';

/** A named kind of event, as `GET /v1/event-types` lists it. */
export interface EventTypeDefinition {
  /** Dotted lower-case name, such as `order.paid`. */
  readonly name: string;
  /** When it is published and for whom, in one or two sentences. */
  readonly description: string;
  /** JSON Schema (draft-07) of the event's `data`. */
  readonly schema: Readonly<Record<string, unknown>>;
  /** A realistic `data` value that the schema accepts. */
  readonly example: Readonly<Record<string, unknown>>;
  /** The seed platforms' own names for it, which an endpoint's `eventTypes` accepts in its place. */
  readonly aliases: readonly string[];
}

type Example = Readonly<Record<string, unknown>>;

/** One definition whose `data` schema is an object of `properties`, all of `required` present. */
function eventType(input: {
  name: string;
  description: string;
  properties: Readonly<Record<string, JsonSchema>>;
  required: readonly string[];
  example: Example;
}): EventTypeDefinition {
  return {
    name: input.name,
    description: input.description,
    schema: objectSchema({
      description: input.description,
      properties: input.properties,
      required: input.required,
    }),
    example: input.example,
    aliases: aliasesOf(input.name),
  };
}

const reasonSchema = nullable({
  type: 'string',
  description: 'Why, in a word or a sentence ("customer_request", "payment_failed", "term_completed")',
});

// Examples. One Dutch course seller on Plug&Pay, one webshop on Plug&Paid, one streaming service on
// InPlayer, one Danish gym on PayGate, so every seed recognises its own kind of data.

const sanne = {
  id: 'cus_7Hq2Lm9XbT',
  email: 'sanne.devries@example.nl',
  name: 'Sanne de Vries',
  country: 'NL',
};
const daan = { id: 'cus_3Rt8Vw1KpE', email: 'daan.bakker@example.nl', name: 'Daan Bakker', country: 'NL' };
const lotte = {
  id: 'cus_9Fz4Nc6YeR',
  email: 'lotte.jansen@example.com',
  name: 'Lotte Jansen',
  country: 'BE',
};
const marco = { id: 'cus_5Gd1Hs8QaW', email: 'marco.rossi@example.com', name: 'Marco Rossi', country: 'IT' };
const mette = {
  id: 'cus_pg7528',
  email: 'mette.hansen@example.dk',
  name: 'Mette Hansen',
  phone: '+4512345678',
  country: 'DK',
};

const courseOrder = {
  id: 'ord_2K9xQ7mV4b',
  checkoutId: 'chk_5Wm2Ps8DqL',
  plugId: 'plug_3Kd9Vn4HxA',
  upsellId: null,
  parentOrderId: null,
  currency: 'EUR',
  total: '176.00',
  customer: sanne,
  payment: { kind: 'one_time', method: 'ideal', sequence: 1 },
  lines: [
    {
      id: 'line_8Tc4Rz1NmB',
      productId: 'prod_4Tn8Wq2ZcK',
      kind: 'main',
      name: 'Online Marketing Masterclass',
      quantity: 1,
      unitPrice: '149.00',
      total: '149.00',
    },
    {
      id: 'line_6Yb2Kp7QsD',
      productId: 'prod_6Jp3Xs9LmF',
      kind: 'bump',
      name: 'Werkboek en templates',
      quantity: 1,
      unitPrice: '27.00',
      total: '27.00',
    },
  ],
  createdAt: '2025-03-14T09:26:53Z',
};

const paidCourseOrder = { ...courseOrder, paidAt: '2025-03-14T09:27:41Z' };

const upsellOrder = {
  id: 'ord_7Nf3Hw5JcP',
  checkoutId: 'chk_5Wm2Ps8DqL',
  plugId: 'plug_3Kd9Vn4HxA',
  upsellId: 'ups_8Mc5Qz1TnG',
  parentOrderId: 'ord_2K9xQ7mV4b',
  currency: 'EUR',
  total: '97.00',
  customer: sanne,
  payment: { kind: 'one_time', method: 'ideal', sequence: 1 },
  lines: [
    {
      id: 'line_3Gv9Lx2WdH',
      productId: 'prod_2Vb7Kd4RfJ',
      kind: 'upsell',
      name: '1-op-1 strategiesessie (60 minuten)',
      quantity: 1,
      unitPrice: '97.00',
      total: '97.00',
    },
  ],
  createdAt: '2025-03-14T09:28:05Z',
  paidAt: '2025-03-14T09:28:07Z',
};

const shopOrder = {
  id: 'ord_5Qm8Bv3XtS',
  checkoutId: 'chk_1Rw6Jn9FzU',
  plugId: 'plug_7Ps2Dk5LyV',
  upsellId: null,
  parentOrderId: null,
  currency: 'EUR',
  total: '69.85',
  customer: lotte,
  payment: { kind: 'one_time', method: 'bancontact', sequence: 1 },
  lines: [
    {
      id: 'line_4Hx7Cq2MbW',
      productId: 'prod_1Ys6Hf3WaX',
      kind: 'main',
      name: 'Plantaardig koken (boek)',
      quantity: 2,
      unitPrice: '24.95',
      total: '49.90',
    },
    {
      id: 'line_9Kt1Fv8RnY',
      productId: 'prod_8Dz3Gm6PcZ',
      kind: 'bump',
      name: 'Keukenschort, linnen',
      quantity: 1,
      unitPrice: '19.95',
      total: '19.95',
    },
  ],
  createdAt: '2025-05-02T14:03:12Z',
  paidAt: '2025-05-02T14:04:30Z',
};

const shipment = {
  carrier: 'bpost',
  trackingNumber: null,
  trackingUrl: null,
  shippedAt: '2025-05-03T08:15:00Z',
};

const membership = {
  id: 'sub_6Lr4Tx9VhC',
  productId: 'prod_9Qe2Lt7XmN',
  checkoutId: 'chk_4Bn7Vs2KwQ',
  plugId: null,
  orderId: 'ord_3Wy8Kc5NrT',
  customer: daan,
  status: 'active',
  plan: 'Membership Pro, maandelijks',
  interval: 'month',
  intervalCount: 1,
  amount: '29.00',
  currency: 'EUR',
  startedAt: '2025-01-06T10:12:44Z',
  currentPeriodStartsAt: '2025-04-06T10:12:44Z',
  currentPeriodEndsAt: '2025-05-06T10:12:44Z',
  cancelledAt: null,
  endsAt: null,
};

// PayGate (MobilePay Subscriptions) keeps its own agreement fields beside the common ones, so a
// receiver that used PayGate's payload finds them under the same meaning.
const agreement = {
  id: 'sub_pg11111',
  productId: 'prod_pg_guld',
  checkoutId: 'chk_pg_campaign98',
  plugId: null,
  customer: mette,
  status: 'active',
  plan: 'Guld-medlemskab',
  interval: 'month',
  intervalCount: 1,
  amount: '100.00',
  currency: 'DKK',
  startedAt: '2025-04-02T12:55:04Z',
  currentPeriodStartsAt: '2025-04-04T00:00:00Z',
  currentPeriodEndsAt: '2025-05-04T00:00:00Z',
  cancelledAt: null,
  endsAt: null,
  agreementId: 'dbed001f-20eb-4895-a5f7-f548789b1e02',
  externalId: 'AGGR11111',
  frequency: 12,
  nextPaymentDate: '2025-05-04',
  paymentMethod: 'MobilePay Subscriptions (recurring)',
  subscriber: {
    id: 7528,
    firstName: 'Mette',
    lastName: 'Hansen',
    fullName: 'Mette Hansen',
    email: 'mette.hansen@example.dk',
    phone: '12345678',
    address1: 'Falkevej 22A',
    address2: null,
    zip: '4600',
    city: 'Køge',
  },
};

const agreementPayment = {
  id: 'pay_pg61288',
  orderId: null,
  subscriptionId: 'sub_pg11111',
  productId: 'prod_pg_guld',
  kind: 'direct_debit',
  method: 'mobilepay_subscriptions',
  amount: '100.00',
  currency: 'DKK',
  status: 'pending',
  failureReason: null,
  sequence: 2,
  dueAt: '2025-05-04T00:00:00Z',
  paidAt: null,
  agreementId: 'dbed001f-20eb-4895-a5f7-f548789b1e02',
  paymentId: '98f52c4d-3dad-4674-8d01-a59d2350bfe6',
  externalId: 'SP11111',
  dueDate: '2025-05-04',
  nextPaymentDate: '2025-06-04',
  gracePeriodDays: 3,
  paymentType: 'subscription_payment',
};

const concertProduct = {
  id: 'prod_3Nh8Rb5VkM',
  name: 'North Sea Sessions: live concert stream',
  billing: 'one_time',
  price: '9.99',
  currency: 'EUR',
  active: true,
};

const concertPayment = {
  id: 'pay_4Jw9Cn2QxB',
  orderId: 'ord_9Vp1Lz6HdK',
  subscriptionId: null,
  productId: 'prod_3Nh8Rb5VkM',
  kind: 'one_time',
  method: 'creditcard',
  amount: '9.99',
  currency: 'EUR',
  status: 'succeeded',
  failureReason: null,
  sequence: 1,
  paidAt: '2025-06-20T18:42:10Z',
  assetId: 'asset_84213',
};

const coachingInstalment = {
  id: 'pay_1Mx5Rk8TwN',
  orderId: 'ord_6Hc2Wq9BnL',
  subscriptionId: 'sub_2Fk7Dp4XsR',
  productId: 'prod_7Wd5Jr1CtH',
  kind: 'instalment',
  method: 'sepa_direct_debit',
  amount: '399.00',
  currency: 'EUR',
  status: 'succeeded',
  failureReason: null,
  sequence: 2,
  dueAt: '2025-04-01T00:00:00Z',
  paidAt: '2025-04-03T06:10:22Z',
};

const seasonPass = {
  id: 'sub_8Qt3Nv6LzJ',
  productId: 'prod_5Ck9Wf2RbT',
  checkoutId: 'chk_inplayer_web',
  plugId: null,
  customer: marco,
  status: 'active',
  plan: 'Season Pass',
  interval: 'month',
  intervalCount: 1,
  amount: '7.99',
  currency: 'EUR',
  startedAt: '2025-06-01T19:00:03Z',
  currentPeriodStartsAt: '2025-06-01T19:00:03Z',
  currentPeriodEndsAt: '2025-07-01T19:00:03Z',
  cancelledAt: null,
  endsAt: null,
};

const appStore = { provider: 'apple_app_store', externalId: '430001982736451' };

const orderOnly = { order: orderSchema };

const ORDER_TYPES: readonly EventTypeDefinition[] = [
  eventType({
    name: 'order.created',
    description:
      'An order was placed at a checkout, before its payment is confirmed. For receivers that follow every ' +
      'order attempt, such as a CRM; fulfilment listens to `order.paid`.',
    properties: orderOnly,
    required: ['order'],
    example: { order: { ...courseOrder, paidAt: null } },
  }),
  eventType({
    name: 'order.paid',
    description:
      'An order was paid: a checkout sale, a one-click upsell (`upsellId` and `parentOrderId` set) or, with ' +
      '`payment.kind` `direct_debit` or `instalment`, a later payment of a subscription or payment plan, ' +
      'which an endpoint receives only with `includeRecurring`. The event of a general order webhook.',
    properties: orderOnly,
    required: ['order'],
    example: { order: paidCourseOrder },
  }),
  eventType({
    name: 'order.declined',
    description:
      'The payment of an order was refused (card declined, mandate rejected); `data.failure` says why. For ' +
      'receivers that follow up with the customer.',
    properties: { order: orderSchema, failure: failureSchema },
    required: ['order', 'failure'],
    example: {
      order: {
        id: 'ord_8Rj2Xm4VcQ',
        checkoutId: 'chk_5Wm2Ps8DqL',
        plugId: 'plug_3Kd9Vn4HxA',
        upsellId: null,
        parentOrderId: null,
        currency: 'EUR',
        total: '149.00',
        customer: daan,
        payment: { kind: 'one_time', method: 'creditcard', sequence: 1 },
        lines: [
          {
            id: 'line_2Ns6Bt9KfW',
            productId: 'prod_4Tn8Wq2ZcK',
            kind: 'main',
            name: 'Online Marketing Masterclass',
            quantity: 1,
            unitPrice: '149.00',
            total: '149.00',
          },
        ],
        createdAt: '2025-03-15T20:41:09Z',
        paidAt: null,
      },
      failure: { code: 'card_declined', message: 'The card issuer declined the payment' },
    },
  }),
  eventType({
    name: 'order.refunded',
    description:
      'An order was refunded, in full or in part; `data.refund` says how much. For bookkeeping and for taking ' +
      'back what the order gave.',
    properties: { order: orderSchema, refund: refundSchema },
    required: ['order'],
    example: {
      order: upsellOrder,
      refund: {
        id: 'ref_5Kw8Pz3MtD',
        orderId: 'ord_7Nf3Hw5JcP',
        paymentId: 'pay_7Tq4Lc1VxS',
        amount: '97.00',
        currency: 'EUR',
        status: 'succeeded',
        reason: 'Sessie kon niet worden ingepland',
        createdAt: '2025-03-20T11:02:37Z',
      },
    },
  }),
  eventType({
    name: 'order.shipped',
    description:
      "An order's goods were handed to the carrier; `data.shipment` names the carrier and, once known, the " +
      'tracking number. For shipping notifications and accounting.',
    properties: { order: orderSchema, shipment: shipmentSchema },
    required: ['order', 'shipment'],
    example: { order: shopOrder, shipment },
  }),
  eventType({
    name: 'order.tracking_number_set',
    description:
      "A tracking number was set on an order's shipment, so the receiver can send the customer the link.",
    properties: {
      order: orderSchema,
      shipment: extendObjectSchema(shipmentSchema, {
        properties: { trackingNumber: { type: 'string', minLength: 1 } },
      }),
    },
    required: ['order', 'shipment'],
    example: {
      order: shopOrder,
      shipment: {
        ...shipment,
        trackingNumber: '323212345678901234',
        trackingUrl: 'https://track.bpost.cloud/btr/web/#/search?itemCode=323212345678901234&lang=nl',
      },
    },
  }),
];

const invoiceOf = (status: 'open' | 'paid') => ({
  id: 'inv_3Dk8Ws5QnB',
  number: '2025-000318',
  orderId: 'ord_2K9xQ7mV4b',
  subscriptionId: null,
  total: '176.00',
  taxTotal: '30.55',
  currency: 'EUR',
  status,
  customer: sanne,
  lines: [
    {
      productId: 'prod_4Tn8Wq2ZcK',
      name: 'Online Marketing Masterclass',
      quantity: 1,
      unitPrice: '149.00',
      total: '149.00',
    },
    {
      productId: 'prod_6Jp3Xs9LmF',
      name: 'Werkboek en templates',
      quantity: 1,
      unitPrice: '27.00',
      total: '27.00',
    },
  ],
  issuedAt: '2025-03-14T09:27:44Z',
  dueAt: '2025-03-28T09:27:44Z',
  paidAt: status === 'paid' ? '2025-03-14T09:27:41Z' : null,
  url: 'https://example.plugandpay.nl/invoices/inv_3Dk8Ws5QnB.pdf',
});

const INVOICE_TYPES: readonly EventTypeDefinition[] = [
  eventType({
    name: 'invoice.created',
    description:
      'An invoice was created for an order, usually right after its payment. For bookkeeping tools.',
    properties: { invoice: invoiceSchema },
    required: ['invoice'],
    example: { invoice: invoiceOf('open') },
  }),
  eventType({
    name: 'invoice.paid',
    description: 'An invoice was paid in full. For bookkeeping tools that reconcile payments.',
    properties: { invoice: invoiceSchema },
    required: ['invoice'],
    example: { invoice: invoiceOf('paid') },
  }),
];

const CART_TYPES: readonly EventTypeDefinition[] = [
  eventType({
    name: 'cart.abandoned',
    description:
      'A customer filled a cart at a checkout, gave an email address and left without paying; ' +
      '`cart.recoveryUrl` reopens it. For abandoned-cart email flows.',
    properties: { cart: cartSchema },
    required: ['cart'],
    example: {
      cart: {
        id: 'cart_6Pv2Hx8KmR',
        plugId: 'plug_7Ps2Dk5LyV',
        checkoutId: 'chk_1Rw6Jn9FzU',
        customer: lotte,
        currency: 'EUR',
        total: '24.95',
        lines: [
          {
            productId: 'prod_1Ys6Hf3WaX',
            name: 'Plantaardig koken (boek)',
            quantity: 1,
            unitPrice: '24.95',
            total: '24.95',
          },
        ],
        recoveryUrl: 'https://shop.example.com/checkout/chk_1Rw6Jn9FzU?cart=cart_6Pv2Hx8KmR',
        abandonedAt: '2025-05-01T21:17:45Z',
      },
    },
  }),
];

const PRODUCT_TYPES: readonly EventTypeDefinition[] = [
  eventType({
    name: 'product.created',
    description: 'The merchant created a product. For receivers that keep a product list in step.',
    properties: { product: productSchema },
    required: ['product'],
    example: {
      product: { ...concertProduct, createdAt: '2025-06-02T08:30:00Z', updatedAt: '2025-06-02T08:30:00Z' },
    },
  }),
  eventType({
    name: 'product.updated',
    description: "A product's name, price or availability changed; `changedFields` lists what.",
    properties: { product: productSchema, changedFields: changedFieldsSchema },
    required: ['product'],
    example: {
      product: {
        ...concertProduct,
        price: '12.99',
        createdAt: '2025-06-02T08:30:00Z',
        updatedAt: '2025-06-10T16:05:12Z',
      },
      changedFields: ['price'],
    },
  }),
  eventType({
    name: 'product.deleted',
    description: 'The merchant deleted a product; `data.product` is its last state.',
    properties: { product: productSchema, deletedAt: timestampSchema },
    required: ['product'],
    example: {
      product: { ...concertProduct, active: false },
      deletedAt: '2025-07-01T09:00:00Z',
    },
  }),
];

const CUSTOMER_TYPES: readonly EventTypeDefinition[] = [
  eventType({
    name: 'customer.created',
    description: 'A customer registered or placed a first order. For CRMs and mailing lists.',
    properties: { customer: customerSchema },
    required: ['customer'],
    example: { customer: { ...marco, createdAt: '2025-06-01T18:58:40Z' } },
  }),
  eventType({
    name: 'customer.updated',
    description: "A customer's details changed; `changedFields` lists what. For CRMs and mailing lists.",
    properties: { customer: customerSchema, changedFields: changedFieldsSchema },
    required: ['customer'],
    example: {
      customer: { ...marco, email: 'marco.rossi@example.it', createdAt: '2025-06-01T18:58:40Z' },
      changedFields: ['email'],
    },
  }),
  eventType({
    name: 'customer.password_updated',
    description:
      'A customer changed or reset their password. The data never holds the password; for receivers that ' +
      'alert the customer or end their sessions.',
    properties: { customer: customerSchema, updatedAt: timestampSchema },
    required: ['customer'],
    example: { customer: marco, updatedAt: '2025-06-15T07:44:19Z' },
  }),
];

const SUBSCRIPTION_TYPES: readonly EventTypeDefinition[] = [
  eventType({
    name: 'subscription.created',
    description:
      'A subscription was sold or set up (a recurring sale at a checkout, a direct debit agreement). For ' +
      'receivers that open a membership.',
    properties: { subscription: subscriptionSchema },
    required: ['subscription'],
    example: { subscription: agreement },
  }),
  eventType({
    name: 'subscription.updated',
    description:
      'A subscription changed: its status, plan, amount or period; `changedFields` lists what. For receivers ' +
      'that keep a membership in step.',
    properties: { subscription: subscriptionSchema, changedFields: changedFieldsSchema },
    required: ['subscription'],
    example: {
      subscription: {
        ...agreement,
        currentPeriodStartsAt: '2025-05-04T00:00:00Z',
        currentPeriodEndsAt: '2025-06-04T00:00:00Z',
        nextPaymentDate: '2025-06-04',
      },
      changedFields: ['currentPeriodStartsAt', 'currentPeriodEndsAt', 'nextPaymentDate'],
    },
  }),
  eventType({
    name: 'subscription.failed',
    description:
      'A new subscription could not start: the mandate, agreement or first payment was refused; ' +
      '`data.failure` says why.',
    properties: { subscription: subscriptionSchema, failure: failureSchema },
    required: ['subscription', 'failure'],
    example: {
      subscription: {
        ...seasonPass,
        status: 'failed',
        startedAt: null,
        currentPeriodStartsAt: null,
        currentPeriodEndsAt: null,
      },
      failure: { code: 'card_declined', message: 'The card issuer declined the first payment' },
    },
  }),
  eventType({
    name: 'subscription.payment_failed',
    description:
      'A recurring payment of a running subscription failed; `data.payment.failureReason` says why. The ' +
      'subscription is usually `past_due` while the platform retries. For dunning emails.',
    properties: { subscription: subscriptionSchema, payment: paymentSchema },
    required: ['subscription', 'payment'],
    example: {
      subscription: { ...membership, status: 'past_due' },
      payment: {
        id: 'pay_9Bc3Vm7RxK',
        orderId: null,
        subscriptionId: 'sub_6Lr4Tx9VhC',
        productId: 'prod_9Qe2Lt7XmN',
        kind: 'direct_debit',
        method: 'sepa_direct_debit',
        amount: '29.00',
        currency: 'EUR',
        status: 'failed',
        failureReason: 'insufficient_funds',
        sequence: 5,
        dueAt: '2025-05-06T10:12:44Z',
        paidAt: null,
      },
    },
  }),
  eventType({
    name: 'subscription.cancelled',
    description:
      'A subscription was cancelled by the customer, the merchant or the platform: no further payments, ' +
      'access may last until `subscription.endsAt`. Part of a cancellations webhook.',
    properties: { subscription: subscriptionSchema, reason: reasonSchema },
    required: ['subscription'],
    example: {
      subscription: {
        ...membership,
        status: 'cancelled',
        cancelledAt: '2025-04-20T13:37:02Z',
        endsAt: '2025-05-06T10:12:44Z',
      },
      reason: 'customer_request',
    },
  }),
  eventType({
    name: 'subscription.cancellation_failed',
    description:
      'A request to cancel a subscription could not be carried out (the payment provider refused it); the ' +
      'subscription keeps running. `data.failure` says why.',
    properties: { subscription: subscriptionSchema, failure: failureSchema },
    required: ['subscription', 'failure'],
    example: {
      subscription: seasonPass,
      failure: {
        code: 'provider_unavailable',
        message: 'The payment provider did not answer; try again later',
      },
    },
  }),
  eventType({
    name: 'subscription.ended',
    description:
      'A subscription stopped for good: the period after a cancellation ran out, a fixed term ended or ' +
      'collection was given up. It is now inactive; revoke what it gave. Part of a cancellations webhook.',
    properties: { subscription: subscriptionSchema, reason: reasonSchema },
    required: ['subscription'],
    example: {
      subscription: {
        ...membership,
        status: 'ended',
        cancelledAt: '2025-04-20T13:37:02Z',
        endsAt: '2025-05-06T10:12:44Z',
      },
      reason: 'cancelled',
    },
  }),
];

const PAYMENT_TYPES: readonly EventTypeDefinition[] = [
  eventType({
    name: 'payment.created',
    description:
      'A payment was created and is not settled yet: a charge at checkout or a scheduled collection of a ' +
      'subscription or payment plan.',
    properties: { payment: paymentSchema },
    required: ['payment'],
    example: { payment: agreementPayment },
  }),
  eventType({
    name: 'payment.updated',
    description:
      'A payment changed: its status, due date or amount; `changedFields` lists what. For receivers that ' +
      'track every payment, whatever its outcome.',
    properties: { payment: paymentSchema, changedFields: changedFieldsSchema },
    required: ['payment'],
    example: {
      payment: { ...agreementPayment, status: 'succeeded', paidAt: '2025-05-04T06:02:18Z' },
      changedFields: ['status', 'paidAt'],
    },
  }),
  eventType({
    name: 'payment.succeeded',
    description:
      'A payment was collected: at checkout, or a direct debit or instalment. For receivers that track money ' +
      'rather than orders.',
    properties: { payment: paymentSchema },
    required: ['payment'],
    example: { payment: coachingInstalment },
  }),
  eventType({
    name: 'payment.failed',
    description: 'A payment was refused; `payment.failureReason` says why.',
    properties: { payment: paymentSchema },
    required: ['payment'],
    example: {
      payment: {
        ...concertPayment,
        id: 'pay_6Xd2Qk9LwF',
        orderId: 'ord_4Sm7Gt1ZbC',
        status: 'failed',
        failureReason: 'card_declined',
        paidAt: null,
      },
    },
  }),
  eventType({
    name: 'payment.refunded',
    description:
      'A payment was refunded, in full or in part; `data.refund` says how much. For platforms that sell by ' +
      'payment rather than by order; order-based ones publish `order.refunded`.',
    properties: { payment: paymentSchema, refund: refundSchema },
    required: ['payment', 'refund'],
    example: {
      payment: { ...concertPayment, status: 'refunded' },
      refund: {
        id: 'ref_2Yh6Tb4NqP',
        orderId: 'ord_9Vp1Lz6HdK',
        paymentId: 'pay_4Jw9Cn2QxB',
        amount: '9.99',
        currency: 'EUR',
        status: 'succeeded',
        reason: 'Stream interrupted',
        createdAt: '2025-06-21T09:12:55Z',
      },
    },
  }),
];

const REFUND_TYPES: readonly EventTypeDefinition[] = [
  eventType({
    name: 'refund.failed',
    description:
      'A refund could not be carried out; `data.failure` says why, `data.order` or `data.payment` what was ' +
      'to be refunded.',
    properties: { refund: refundSchema, failure: failureSchema, order: orderSchema, payment: paymentSchema },
    required: ['refund', 'failure'],
    example: {
      refund: {
        id: 'ref_8Lc3Wp6RzT',
        orderId: 'ord_9Vp1Lz6HdK',
        paymentId: 'pay_4Jw9Cn2QxB',
        amount: '9.99',
        currency: 'EUR',
        status: 'failed',
        reason: 'Stream interrupted',
        createdAt: '2025-06-21T09:12:55Z',
      },
      failure: { code: 'card_expired', message: 'The card the payment was made with has expired' },
      payment: concertPayment,
    },
  }),
];

const accessGrant = {
  id: 'grant_7Vk2Ms5XpQ',
  customer: marco,
  productId: 'prod_3Nh8Rb5VkM',
  assetId: 'asset_84213',
  kind: 'paid',
  orderId: 'ord_9Vp1Lz6HdK',
  subscriptionId: null,
  grantedAt: '2025-06-20T18:42:11Z',
  expiresAt: '2025-06-27T18:42:11Z',
  revokedAt: null,
};

const freeGrant = {
  id: 'grant_3Rb8Nd1WcY',
  customer: marco,
  productId: 'prod_6Tf4Kx8QmW',
  assetId: 'asset_84190',
  kind: 'free',
  orderId: null,
  subscriptionId: null,
  grantedAt: '2025-06-18T20:00:00Z',
  expiresAt: '2025-06-19T20:00:00Z',
};

const freeAccessSchema = extendObjectSchema(accessGrantSchema, {
  properties: { kind: { type: 'string', const: 'free' } },
});

const ACCESS_TYPES: readonly EventTypeDefinition[] = [
  eventType({
    name: 'access.granted',
    description:
      'A customer got access to a product (a stream, course or members area), paid or free, until ' +
      '`access.expiresAt` (null: no end). For receivers that send login details.',
    properties: { access: accessGrantSchema },
    required: ['access'],
    example: { access: accessGrant },
  }),
  eventType({
    name: 'access.revoked',
    description:
      "A customer's access to a product was taken away (a refund, an ended subscription, the merchant). " +
      'For receivers that close accounts.',
    properties: { access: accessGrantSchema, reason: reasonSchema },
    required: ['access'],
    example: { access: { ...accessGrant, revokedAt: '2025-06-21T09:13:02Z' }, reason: 'refunded' },
  }),
  eventType({
    name: 'access.free_granted',
    description:
      'A customer was given free access to a product (a free asset, a voucher, a trial); `access.kind` is ' +
      '`free`. For receivers that follow free sign-ups apart from sales.',
    properties: { access: freeAccessSchema },
    required: ['access'],
    example: { access: freeGrant },
  }),
  eventType({
    name: 'access.free_grant_failed',
    description:
      'Giving a customer free access to a product failed; `data.failure` says why and `data.access` what ' +
      'was asked (without an `id`).',
    properties: { access: freeAccessSchema, failure: failureSchema },
    required: ['access', 'failure'],
    example: {
      access: {
        customer: marco,
        productId: 'prod_6Tf4Kx8QmW',
        assetId: 'asset_84190',
        kind: 'free',
        expiresAt: null,
      },
      failure: {
        code: 'voucher_used_up',
        message: 'The voucher has been redeemed the maximum number of times',
      },
    },
  }),
];

const appStorePayment = {
  id: 'pay_2Qn7Fz4KcV',
  orderId: null,
  subscriptionId: null,
  productId: 'prod_3Nh8Rb5VkM',
  kind: 'one_time',
  method: 'apple_in_app',
  amount: '9.99',
  currency: 'EUR',
  status: 'succeeded',
  failureReason: null,
  sequence: 1,
  paidAt: '2025-06-20T19:05:33Z',
};

const appStoreSubscription = { ...seasonPass, id: 'sub_4Wd9Hm2TsX', checkoutId: 'chk_inplayer_ios' };

const externalPaymentProps = { payment: paymentSchema, external: externalOperationSchema };
const externalSubscriptionProps = { subscription: subscriptionSchema, external: externalOperationSchema };

const EXTERNAL_TYPES: readonly EventTypeDefinition[] = [
  eventType({
    name: 'external_payment.succeeded',
    description:
      "A sale made outside the platform's checkout (an app store, the merchant's own payment provider) was " +
      'recorded; `data.external` names where.',
    properties: externalPaymentProps,
    required: ['payment', 'external'],
    example: { payment: appStorePayment, external: appStore },
  }),
  eventType({
    name: 'external_payment.failed',
    description: 'Recording a sale made outside the platform failed; `data.failure` says why.',
    properties: { ...externalPaymentProps, failure: failureSchema },
    required: ['payment', 'external', 'failure'],
    example: {
      payment: { ...appStorePayment, status: 'failed', failureReason: 'receipt_invalid', paidAt: null },
      external: appStore,
      failure: { code: 'receipt_invalid', message: 'The App Store did not confirm the receipt' },
    },
  }),
  eventType({
    name: 'external_payment.refunded',
    description: 'A sale made outside the platform was refunded there; `data.refund` says how much.',
    properties: { ...externalPaymentProps, refund: refundSchema },
    required: ['payment', 'external', 'refund'],
    example: {
      payment: { ...appStorePayment, status: 'refunded' },
      external: appStore,
      refund: {
        id: 'ref_9Mt5Xc2HwL',
        orderId: null,
        paymentId: 'pay_2Qn7Fz4KcV',
        amount: '9.99',
        currency: 'EUR',
        status: 'succeeded',
        reason: null,
        createdAt: '2025-06-24T10:30:00Z',
      },
    },
  }),
  eventType({
    name: 'external_payment.refund_failed',
    description: 'Recording the refund of a sale made outside the platform failed; `data.failure` says why.',
    properties: { ...externalPaymentProps, refund: refundSchema, failure: failureSchema },
    required: ['payment', 'external', 'refund', 'failure'],
    example: {
      payment: appStorePayment,
      external: appStore,
      refund: {
        id: 'ref_1Ks8Vd3PqB',
        orderId: null,
        paymentId: 'pay_2Qn7Fz4KcV',
        amount: '9.99',
        currency: 'EUR',
        status: 'failed',
        reason: null,
        createdAt: '2025-06-24T10:30:00Z',
      },
      failure: { code: 'payment_not_found', message: 'No App Store transaction matches the refund' },
    },
  }),
  eventType({
    name: 'external_subscription.created',
    description:
      "A subscription sold outside the platform's checkout was recorded; `data.external` names where.",
    properties: externalSubscriptionProps,
    required: ['subscription', 'external'],
    example: { subscription: appStoreSubscription, external: appStore },
  }),
  eventType({
    name: 'external_subscription.failed',
    description: 'Recording a subscription sold outside the platform failed; `data.failure` says why.',
    properties: { ...externalSubscriptionProps, failure: failureSchema },
    required: ['subscription', 'external', 'failure'],
    example: {
      subscription: {
        ...appStoreSubscription,
        status: 'failed',
        startedAt: null,
        currentPeriodStartsAt: null,
        currentPeriodEndsAt: null,
      },
      external: appStore,
      failure: { code: 'receipt_invalid', message: 'The App Store did not confirm the receipt' },
    },
  }),
  eventType({
    name: 'external_subscription.updated',
    description:
      'A subscription sold outside the platform changed there (renewed, plan changed); `changedFields` ' +
      'lists what.',
    properties: { ...externalSubscriptionProps, changedFields: changedFieldsSchema },
    required: ['subscription', 'external'],
    example: {
      subscription: {
        ...appStoreSubscription,
        currentPeriodStartsAt: '2025-07-01T19:00:03Z',
        currentPeriodEndsAt: '2025-08-01T19:00:03Z',
      },
      external: appStore,
      changedFields: ['currentPeriodStartsAt', 'currentPeriodEndsAt'],
    },
  }),
  eventType({
    name: 'external_subscription.update_failed',
    description:
      'Recording a change of a subscription sold outside the platform failed; `data.failure` says why.',
    properties: { ...externalSubscriptionProps, failure: failureSchema },
    required: ['subscription', 'external', 'failure'],
    example: {
      subscription: appStoreSubscription,
      external: appStore,
      failure: { code: 'subscription_not_found', message: 'No App Store subscription matches the update' },
    },
  }),
  eventType({
    name: 'external_subscription.cancelled',
    description: 'A subscription sold outside the platform was cancelled there.',
    properties: externalSubscriptionProps,
    required: ['subscription', 'external'],
    example: {
      subscription: {
        ...appStoreSubscription,
        status: 'cancelled',
        cancelledAt: '2025-06-12T08:21:40Z',
        endsAt: '2025-07-01T19:00:03Z',
      },
      external: appStore,
    },
  }),
  eventType({
    name: 'external_subscription.cancellation_failed',
    description:
      'Recording the cancellation of a subscription sold outside the platform failed; `data.failure` says why.',
    properties: { ...externalSubscriptionProps, failure: failureSchema },
    required: ['subscription', 'external', 'failure'],
    example: {
      subscription: appStoreSubscription,
      external: appStore,
      failure: {
        code: 'subscription_not_found',
        message: 'No App Store subscription matches the cancellation',
      },
    },
  }),
];

/** The endpoint an operational event is about: what the merchant needs to find and fix it. */
const operationalEndpointSchema: JsonSchema = {
  type: 'object',
  description: 'The endpoint the event is about',
  properties: {
    id: { type: 'string', description: 'ep_…' },
    urls: { type: 'array', items: urlSchema, description: 'Where it sends' },
    description: { type: 'string' },
  },
  required: ['id', 'urls', 'description'],
  additionalProperties: true,
};
const accountIdSchema: JsonSchema = {
  type: 'string',
  description: 'The account the event concerns (acc_…): the same in every copy, the operator’s too',
};
const failingExample = {
  accountId: 'acc_01JQ8Z3K7M2N4P6R8T0V2X4Y6B',
  endpoint: {
    id: 'ep_01JQ8Z3K7M2N4P6R8T0V2X4Y6A',
    urls: ['https://shop.example.com/webhooks/orders'],
    description: 'Orders to the warehouse',
  },
};

/**
 * Operational events: Hookline tells a merchant (and the operator, see HOOKLINE_OPERATOR_ACCOUNT) about
 * its own endpoints. Published into the account they concern, never to the endpoint they are about;
 * only endpoints that list them or `hookline.*` get them (`*` does not), and platforms cannot
 * publish them (app/operational-events.ts).
 */
const OPERATIONAL_TYPES: readonly EventTypeDefinition[] = [
  eventType({
    name: 'hookline.endpoint.failing',
    description:
      'Every attempt to one of the merchant’s endpoints has failed since `data.failingSince`, for longer ' +
      'than HOOKLINE_FAILING_WARNING_AFTER; it will be disabled at `data.disablesAt` unless an attempt succeeds.',
    properties: {
      accountId: accountIdSchema,
      endpoint: operationalEndpointSchema,
      failingSince: timestampSchema,
      disablesAt: timestampSchema,
    },
    required: ['accountId', 'endpoint', 'failingSince', 'disablesAt'],
    example: { ...failingExample, failingSince: '2025-06-20T08:00:00Z', disablesAt: '2025-06-25T08:00:00Z' },
  }),
  eventType({
    name: 'hookline.endpoint.disabled',
    description:
      'One of the merchant’s endpoints was disabled: `failing` (every attempt failed for HOOKLINE_DISABLE_AFTER), ' +
      '`gone` (its receiver answered 410) or `manual` (someone disabled it). Its live deliveries were cancelled; ' +
      '`recover` sends them again once it is enabled.',
    properties: {
      accountId: accountIdSchema,
      endpoint: operationalEndpointSchema,
      reason: { type: 'string', enum: ['failing', 'gone', 'manual'] },
      failingSince: nullable(timestampSchema),
      disabledAt: timestampSchema,
    },
    required: ['accountId', 'endpoint', 'reason', 'failingSince', 'disabledAt'],
    example: {
      ...failingExample,
      reason: 'failing',
      failingSince: '2025-06-20T08:00:00Z',
      disabledAt: '2025-06-25T08:00:04Z',
    },
  }),
  eventType({
    name: 'hookline.endpoint.recovered',
    description:
      'An endpoint the merchant was warned about (`hookline.endpoint.failing`) answered an attempt successfully again.',
    properties: {
      accountId: accountIdSchema,
      endpoint: operationalEndpointSchema,
      warnedAt: { ...timestampSchema, description: 'When `hookline.endpoint.failing` was sent' },
      recoveredAt: timestampSchema,
    },
    required: ['accountId', 'endpoint', 'warnedAt', 'recoveredAt'],
    example: { ...failingExample, warnedAt: '2025-06-21T08:00:12Z', recoveredAt: '2025-06-21T10:12:40Z' },
  }),
  eventType({
    name: 'hookline.delivery.exhausted',
    description:
      'A delivery’s retry schedule ended without a successful attempt: the event will not be sent to that URL ' +
      'again unless someone retries it or recovers the endpoint.',
    properties: {
      accountId: accountIdSchema,
      delivery: {
        type: 'object',
        description: 'The delivery that failed for good',
        properties: {
          id: { type: 'string', description: 'dlv_…' },
          eventId: { type: 'string' },
          eventType: { type: 'string' },
          endpointId: { type: 'string' },
          url: urlSchema,
          attempts: { type: 'integer', minimum: 1 },
          lastStatusCode: nullable({ type: 'integer' }),
          lastErrorCode: nullable({ type: 'string' }),
        },
        required: [
          'id',
          'eventId',
          'eventType',
          'endpointId',
          'url',
          'attempts',
          'lastStatusCode',
          'lastErrorCode',
        ],
        additionalProperties: true,
      },
      exhaustedAt: timestampSchema,
    },
    required: ['accountId', 'delivery', 'exhaustedAt'],
    example: {
      accountId: 'acc_01JQ8Z3K7M2N4P6R8T0V2X4Y6B',
      delivery: {
        id: 'dlv_01JQ8Z9W2C4E6G8J0L2N4Q6S8U',
        eventId: 'evt_order_1042_paid',
        eventType: 'order.paid',
        endpointId: 'ep_01JQ8Z3K7M2N4P6R8T0V2X4Y6A',
        url: 'https://shop.example.com/webhooks/orders',
        attempts: 10,
        lastStatusCode: 503,
        lastErrorCode: null,
      },
      exhaustedAt: '2025-06-23T09:14:02Z',
    },
  }),
];

const HOOKLINE_TYPES: readonly EventTypeDefinition[] = [
  eventType({
    name: 'hookline.test',
    description:
      'Sent by Hookline itself when someone sends a test to an endpoint (`POST …/endpoints/{endpointId}/test`), ' +
      'whatever its event types; platforms do not publish it.',
    properties: {
      message: { type: 'string', description: 'A sentence saying this is a test' },
      endpointId: { type: 'string', description: 'The endpoint tested (ep_…)' },
    },
    required: ['message'],
    example: { message: 'A test event from Hookline', endpointId: 'ep_01JQ8Z3K7M2N4P6R8T0V2X4Y6A' },
  }),
  ...OPERATIONAL_TYPES,
];

/** Every built-in event type, family by family. */
export const BUILTIN_EVENT_TYPES: readonly EventTypeDefinition[] = [
  ...ORDER_TYPES,
  ...INVOICE_TYPES,
  ...CART_TYPES,
  ...PRODUCT_TYPES,
  ...CUSTOMER_TYPES,
  ...SUBSCRIPTION_TYPES,
  ...PAYMENT_TYPES,
  ...REFUND_TYPES,
  ...ACCESS_TYPES,
  ...EXTERNAL_TYPES,
  ...HOOKLINE_TYPES,
];
