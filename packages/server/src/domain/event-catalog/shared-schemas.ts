/**
 * The JSON Schema fragments the built-in event types are made of: amounts, currencies, instants and
 * the commerce objects that event data carries (order, subscription, invoice, cart, payment, refund,
 * product, customer, access grant). Draft-07, the dialect of `new Ajv()`; `format` needs ajv-formats.
 *
 * Objects accept properties beyond the ones listed, because every platform adds its own (PayGate's
 * agreement id, InPlayer's asset id). They require the ids that endpoint scoping reads (`productId`,
 * `checkoutId`, `upsellId`, `plugId`) and every amount, so a receiver can rely on those.
 */

/** A JSON Schema (draft-07) as a plain object. */
export type JsonSchema = Readonly<Record<string, unknown>>;

/** An object schema whose properties and required list stay readable, so variants can extend it. */
export interface ObjectSchema {
  readonly [keyword: string]: unknown;
  readonly type: 'object';
  readonly description: string;
  readonly properties: Readonly<Record<string, JsonSchema>>;
  readonly required: readonly string[];
  readonly additionalProperties: true;
}

/** What an object schema is built from. */
export interface ObjectSchemaInput {
  readonly description: string;
  readonly properties: Readonly<Record<string, JsonSchema>>;
  /** Names of `properties` that must be present (possibly `null`, where the property allows it). */
  readonly required: readonly string[];
}

/** An object schema that accepts extra properties and requires `required`. */
export function objectSchema(input: ObjectSchemaInput): ObjectSchema {
  return {
    type: 'object',
    description: input.description,
    properties: input.properties,
    required: input.required,
    additionalProperties: true,
  };
}

/**
 * A variant of `base`: `properties` are added or replace the base's, `required` is added to the base's,
 * `description` replaces the base's when given.
 */
export function extendObjectSchema(base: ObjectSchema, extension: Partial<ObjectSchemaInput>): ObjectSchema {
  return objectSchema({
    description: extension.description ?? base.description,
    properties: { ...base.properties, ...extension.properties },
    required: [...new Set([...base.required, ...(extension.required ?? [])])],
  });
}

/** `schema` that also accepts `null`; `schema` must name a single `type`. */
export function nullable(schema: JsonSchema & { readonly type: string }): JsonSchema {
  return { ...schema, type: [schema.type, 'null'] };
}

/** A platform's id of something: a non-empty string such as `ord_2K9xQ7mV4b`. */
export function idSchema(description: string): JsonSchema {
  return { type: 'string', minLength: 1, description };
}

/**
 * A decimal amount: optional minus, digits, up to 4 decimals. Four covers every ISO 4217 currency
 * (the most any has is 4, CLF) and unit prices finer than a cent.
 */
export const MONEY_PATTERN = '^-?\\d+(\\.\\d{1,4})?$';

/** An amount of money as a decimal string. */
export const moneySchema = {
  type: 'string',
  pattern: MONEY_PATTERN,
  description:
    'An amount in the major unit of the currency as a decimal string ("149.00"), never a JSON number: ' +
    'binary floating point cannot hold most cent values exactly',
};

/** An ISO 4217 currency code. */
export const currencySchema = {
  type: 'string',
  pattern: '^[A-Z]{3}$',
  description: 'ISO 4217 currency code, three upper-case letters ("EUR", "DKK")',
};

/** An instant. */
export const timestampSchema = {
  type: 'string',
  format: 'date-time',
  description: 'An RFC 3339 instant with its offset ("2025-03-14T09:26:53Z")',
};

/** An absolute URL. */
export const urlSchema = { type: 'string', format: 'uri' };

/** Which data changed, for the `*.updated` events. */
export const changedFieldsSchema: JsonSchema = {
  type: 'array',
  items: { type: 'string', minLength: 1 },
  description: 'The properties that changed, as dotted paths inside the object ("email", "status")',
};

/** Why something failed, for the failure events other than a failed payment. */
export const failureSchema = objectSchema({
  description: 'Why the operation failed',
  properties: {
    code: {
      type: 'string',
      minLength: 1,
      description: 'A short machine-readable reason from the platform ("card_declined", "mandate_rejected")',
    },
    message: nullable({ type: 'string', description: 'The reason in words, for people' }),
  },
  required: ['code', 'message'],
});

/** A customer of the merchant. */
export const customerSchema = objectSchema({
  description: 'A customer of the merchant',
  properties: {
    id: idSchema('The customer id (cus_…)'),
    email: { type: 'string', format: 'email' },
    name: nullable({ type: 'string', description: 'Full name; null when the customer gave none' }),
    phone: nullable({ type: 'string', description: 'Phone number, preferably E.164 ("+31612345678")' }),
    country: nullable({
      type: 'string',
      pattern: '^[A-Z]{2}$',
      description: 'ISO 3166-1 alpha-2 country code',
    }),
    createdAt: timestampSchema,
  },
  required: ['id', 'email', 'name'],
});

/**
 * How a payment came about. The same three kinds everywhere (orders, payments), because
 * `includeRecurring` decides on them: without it a general webhook hears only `one_time` payments.
 */
export const paymentKindSchema: JsonSchema = {
  type: 'string',
  enum: ['one_time', 'direct_debit', 'instalment'],
  description:
    '`one_time`: paid by the customer at checkout, which includes the first payment of a subscription ' +
    'or of a payment plan. `direct_debit`: a later period of a subscription, collected automatically. ' +
    '`instalment`: a later instalment of a payment plan, collected automatically.',
};

/** The position of a payment in its subscription or payment plan. */
export const paymentSequenceSchema: JsonSchema = {
  type: 'integer',
  minimum: 1,
  description:
    'Which payment this is: 1 for the payment at checkout, 2 and up for the later direct debits or ' +
    'instalments of the same subscription or payment plan',
};

/** An order line. */
export const orderLineSchema = objectSchema({
  description: 'One product of an order',
  properties: {
    id: idSchema('The order line id (line_…)'),
    productId: idSchema('The product sold (prod_…); `productIds` scoping matches it'),
    kind: {
      type: 'string',
      enum: ['main', 'bump', 'upsell'],
      description:
        '`main`: the product the checkout sells. `bump`: an order bump the customer ticked on the ' +
        'checkout page. `upsell`: a one-click upsell accepted after the payment.',
    },
    name: { type: 'string', description: 'The product name as the customer saw it' },
    quantity: { type: 'integer', minimum: 1 },
    unitPrice: moneySchema,
    total: { ...moneySchema, description: 'What the customer pays for this line, after any discount' },
  },
  required: ['id', 'productId', 'kind', 'name', 'quantity', 'unitPrice', 'total'],
});

/** How an order is paid. */
export const orderPaymentSchema = objectSchema({
  description: 'How the order is paid',
  properties: {
    kind: paymentKindSchema,
    method: {
      type: 'string',
      minLength: 1,
      description: 'The payment method ("ideal", "creditcard", "sepa_direct_debit", "mobilepay")',
    },
    sequence: paymentSequenceSchema,
    subscriptionId: nullable({
      type: 'string',
      description: 'The subscription or payment plan this payment belongs to (sub_…), if any',
    }),
  },
  required: ['kind', 'method', 'sequence'],
});

/** An order: what `data.order` of every `order.*` event holds. */
export const orderSchema = objectSchema({
  description: 'An order placed at a checkout',
  properties: {
    id: idSchema('The order id (ord_…)'),
    checkoutId: idSchema('The checkout it was placed at (chk_…); `checkoutIds` scoping matches it'),
    plugId: nullable({
      type: 'string',
      minLength: 1,
      description: 'The cart ("plug") it was placed in (plug_…), null on platforms without plugs',
    }),
    upsellId: nullable({
      type: 'string',
      minLength: 1,
      description: 'The one-click upsell this order accepted (ups_…), null for a checkout order',
    }),
    parentOrderId: nullable({
      type: 'string',
      minLength: 1,
      description: 'For an upsell order, the checkout order it followed (ord_…)',
    }),
    currency: currencySchema,
    total: { ...moneySchema, description: 'What the customer pays for the whole order' },
    customer: customerSchema,
    payment: orderPaymentSchema,
    lines: { type: 'array', minItems: 1, items: orderLineSchema },
    createdAt: timestampSchema,
    paidAt: nullable(timestampSchema),
  },
  required: [
    'id',
    'checkoutId',
    'plugId',
    'upsellId',
    'parentOrderId',
    'currency',
    'total',
    'customer',
    'payment',
    'lines',
  ],
});

/** A shipment of an order's goods. */
export const shipmentSchema = objectSchema({
  description: 'The shipment of the order',
  properties: {
    carrier: { type: 'string', minLength: 1, description: 'The carrier ("PostNL", "DHL", "GLS")' },
    trackingNumber: nullable({
      type: 'string',
      minLength: 1,
      description: 'null until the carrier gives one',
    }),
    trackingUrl: nullable({ ...urlSchema, description: 'Where the customer follows the parcel' }),
    shippedAt: timestampSchema,
  },
  required: ['carrier', 'trackingNumber', 'trackingUrl', 'shippedAt'],
});

/** A refund of an order or a payment. */
export const refundSchema = objectSchema({
  description: 'A refund, in full or in part',
  properties: {
    id: idSchema('The refund id (ref_…)'),
    orderId: nullable({ type: 'string', minLength: 1, description: 'The order refunded (ord_…)' }),
    paymentId: nullable({ type: 'string', minLength: 1, description: 'The payment refunded (pay_…)' }),
    amount: { ...moneySchema, description: 'The amount given back, positive' },
    currency: currencySchema,
    status: {
      type: 'string',
      enum: ['pending', 'succeeded', 'failed'],
      description: '`pending`: requested at the payment provider; `succeeded`: paid back; `failed`: refused',
    },
    reason: nullable({ type: 'string', description: 'Why the merchant refunded, as entered' }),
    createdAt: timestampSchema,
  },
  required: ['id', 'orderId', 'paymentId', 'amount', 'currency', 'status'],
});

/**
 * The closed list of subscription states. `cancelled` and `ended` are the two inactive ones a
 * cancellations webhook (Plug&Pay's) listens for; `failed` is a subscription that never started.
 */
export const SUBSCRIPTION_STATUSES = [
  'pending',
  'trialing',
  'active',
  'past_due',
  'cancelled',
  'ended',
  'failed',
] as const;

/** A subscription: what `data.subscription` of every `subscription.*` event holds. */
export const subscriptionSchema = objectSchema({
  description: 'A subscription of a customer to a product',
  properties: {
    id: idSchema('The subscription id (sub_…)'),
    productId: idSchema('The product subscribed to (prod_…); `productIds` scoping matches it'),
    checkoutId: idSchema('The checkout it was sold at (chk_…); `checkoutIds` scoping matches it'),
    plugId: nullable({
      type: 'string',
      minLength: 1,
      description: 'The cart ("plug") it was sold in (plug_…)',
    }),
    orderId: nullable({ type: 'string', minLength: 1, description: 'The order that started it (ord_…)' }),
    customer: customerSchema,
    status: {
      type: 'string',
      enum: SUBSCRIPTION_STATUSES,
      description:
        '`pending`: waiting for the customer to accept the mandate or agreement. `trialing`: in a free ' +
        'trial. `active`: running and paid up. `past_due`: a recurring payment failed and is being ' +
        'retried. `cancelled`: no further payments; access may last until `endsAt`. `ended`: over and ' +
        'inactive. `failed`: could not start.',
    },
    plan: nullable({ type: 'string', description: 'The plan name as the customer saw it' }),
    interval: {
      type: 'string',
      enum: ['day', 'week', 'month', 'year'],
      description: 'How often it is charged, with `intervalCount`',
    },
    intervalCount: {
      type: 'integer',
      minimum: 1,
      description: 'Charged every `intervalCount` intervals; 1 when absent',
    },
    amount: { ...moneySchema, description: 'What each period costs' },
    currency: currencySchema,
    startedAt: nullable(timestampSchema),
    currentPeriodStartsAt: nullable({
      ...timestampSchema,
      description: 'Start of the period paid for; null before the first payment',
    }),
    currentPeriodEndsAt: nullable({
      ...timestampSchema,
      description: 'End of the period paid for: the next payment is due then unless it is cancelled',
    }),
    cancelledAt: nullable(timestampSchema),
    endsAt: nullable({
      ...timestampSchema,
      description: 'When it ends or ended; null while it renews',
    }),
  },
  required: [
    'id',
    'productId',
    'checkoutId',
    'customer',
    'status',
    'interval',
    'amount',
    'currency',
    'currentPeriodStartsAt',
    'currentPeriodEndsAt',
  ],
});

/** A product of the merchant: what `data.product` of every `product.*` event holds. */
export const productSchema = objectSchema({
  description: 'A product the merchant sells',
  properties: {
    id: idSchema('The product id (prod_…); `productIds` scoping matches it'),
    name: { type: 'string' },
    billing: {
      type: 'string',
      enum: ['one_time', 'subscription', 'payment_plan'],
      description: 'How it is paid: once, per period, or in instalments',
    },
    price: { ...moneySchema, description: 'The price (per period for a subscription, in total for a plan)' },
    currency: currencySchema,
    interval: { type: 'string', enum: ['day', 'week', 'month', 'year'] },
    active: { type: 'boolean', description: 'Whether it can be bought now' },
    createdAt: timestampSchema,
    updatedAt: timestampSchema,
  },
  required: ['id', 'name'],
});

/** A line of an invoice or a cart: a product and what it costs. */
export const productLineSchema = objectSchema({
  description: 'A product and what it costs',
  properties: {
    productId: nullable({
      type: 'string',
      minLength: 1,
      description: 'The product (prod_…); null for a line that is no product, such as shipping',
    }),
    name: { type: 'string' },
    quantity: { type: 'integer', minimum: 1 },
    unitPrice: moneySchema,
    total: moneySchema,
  },
  required: ['productId', 'name', 'quantity', 'unitPrice', 'total'],
});

/** An invoice: what `data.invoice` of every `invoice.*` event holds. */
export const invoiceSchema = objectSchema({
  description: 'An invoice for an order',
  properties: {
    id: idSchema('The invoice id (inv_…)'),
    number: { type: 'string', minLength: 1, description: 'The invoice number printed on it ("2025-000318")' },
    orderId: idSchema('The order invoiced (ord_…)'),
    subscriptionId: nullable({
      type: 'string',
      minLength: 1,
      description: 'The subscription billed, if any',
    }),
    total: { ...moneySchema, description: 'The invoice total, tax included' },
    taxTotal: moneySchema,
    currency: currencySchema,
    status: {
      type: 'string',
      enum: ['draft', 'open', 'paid', 'void'],
      description: '`draft`: not yet sent; `open`: sent, awaiting payment; `paid`; `void`: cancelled',
    },
    customer: customerSchema,
    lines: {
      type: 'array',
      minItems: 1,
      items: productLineSchema,
      description: 'The invoiced products; `productIds` scoping matches their `productId`',
    },
    issuedAt: timestampSchema,
    dueAt: nullable(timestampSchema),
    paidAt: nullable(timestampSchema),
    url: { ...urlSchema, description: 'Where the invoice (PDF) can be downloaded' },
  },
  required: ['id', 'number', 'orderId', 'subscriptionId', 'total', 'currency', 'status', 'customer'],
});

/** An abandoned cart: what `data.cart` of every `cart.*` event holds. */
export const cartSchema = objectSchema({
  description: 'A cart the customer filled at a checkout and left without paying',
  properties: {
    id: idSchema('The cart id (cart_…)'),
    plugId: nullable({
      type: 'string',
      minLength: 1,
      description: 'The cart ("plug") configuration (plug_…); `plugIds` scoping matches it',
    }),
    checkoutId: idSchema('The checkout (chk_…); `checkoutIds` scoping matches it'),
    customer: customerSchema,
    currency: currencySchema,
    total: moneySchema,
    lines: { type: 'array', minItems: 1, items: productLineSchema },
    recoveryUrl: { ...urlSchema, description: 'Reopens the checkout with this cart filled in' },
    abandonedAt: timestampSchema,
  },
  required: ['id', 'plugId', 'checkoutId', 'customer', 'currency', 'total', 'lines', 'recoveryUrl'],
});

/** A payment: what `data.payment` of every `payment.*` event holds. */
export const paymentSchema = objectSchema({
  description: 'A payment of an order, a subscription period or an instalment',
  properties: {
    id: idSchema('The payment id (pay_…)'),
    orderId: nullable({ type: 'string', minLength: 1, description: 'The order it pays (ord_…), if any' }),
    subscriptionId: nullable({
      type: 'string',
      minLength: 1,
      description: 'The subscription or payment plan it belongs to (sub_…), if any',
    }),
    productId: nullable({
      type: 'string',
      minLength: 1,
      description: 'The product paid for (prod_…) when known; `productIds` scoping matches it',
    }),
    kind: paymentKindSchema,
    method: {
      type: 'string',
      minLength: 1,
      description: 'The payment method ("ideal", "creditcard", "sepa_direct_debit", "mobilepay")',
    },
    amount: moneySchema,
    currency: currencySchema,
    status: {
      type: 'string',
      enum: ['pending', 'authorized', 'succeeded', 'failed', 'cancelled', 'refunded', 'partially_refunded'],
      description:
        '`pending`: created or due, not settled. `authorized`: reserved, not yet captured. `succeeded`: ' +
        'collected. `failed`: refused. `cancelled`: withdrawn before collection. `refunded`, ' +
        '`partially_refunded`: collected, then given back',
    },
    failureReason: nullable({
      type: 'string',
      description: 'Why it failed ("insufficient_funds", "card_declined"); null unless `status` is `failed`',
    }),
    sequence: paymentSequenceSchema,
    dueAt: nullable(timestampSchema),
    paidAt: nullable(timestampSchema),
  },
  required: [
    'id',
    'orderId',
    'subscriptionId',
    'kind',
    'method',
    'amount',
    'currency',
    'status',
    'failureReason',
    'sequence',
  ],
});

/** A customer's access to a product: what `data.access` of every `access.*` event holds. */
export const accessGrantSchema = objectSchema({
  description: 'Access of a customer to a product (a video, course, asset or members area)',
  properties: {
    id: idSchema('The grant id (grant_…); absent when no grant was made'),
    customer: customerSchema,
    productId: idSchema('The product (prod_…); `productIds` scoping matches it'),
    assetId: nullable({
      type: 'string',
      minLength: 1,
      description: 'The asset inside the product, on platforms that sell assets',
    }),
    kind: {
      type: 'string',
      enum: ['paid', 'free'],
      description: '`paid`: bought by an order, payment or subscription. `free`: given away (freemium)',
    },
    orderId: nullable({ type: 'string', minLength: 1 }),
    subscriptionId: nullable({ type: 'string', minLength: 1 }),
    grantedAt: timestampSchema,
    expiresAt: nullable({ ...timestampSchema, description: 'null: no end' }),
    revokedAt: nullable(timestampSchema),
  },
  required: ['customer', 'productId', 'kind', 'expiresAt'],
});

/** Where an external operation happened, for the `external_payment.*` and `external_subscription.*` events. */
export const externalOperationSchema = objectSchema({
  description:
    "The system outside the platform's checkout that made the sale (an app store, a TV store, the " +
    "merchant's own payment provider), which reported it to the platform",
  properties: {
    provider: {
      type: 'string',
      minLength: 1,
      description: 'The outside system ("apple_app_store", "google_play", "roku")',
    },
    externalId: nullable({
      type: 'string',
      minLength: 1,
      description: "The outside system's reference for the operation; null when it gave none",
    }),
  },
  required: ['provider', 'externalId'],
});
