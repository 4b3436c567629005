/**
 * The demo's simulated shop: the commerce traffic of the four merchants in `demo-catalogue.ts`, one
 * batch of events at a time. A batch is what one moment of shopping publishes together: a checkout
 * sale is `customer.created`, `order.created`, `order.paid`, `invoice.created`, `invoice.paid` and
 * `access.granted` at once, and its consequences (the one-click upsell, the shipment, the tracking
 * number, the end of a cancelled subscription) follow in later batches.
 *
 * Every event's data starts from the example of its type in the built-in catalogue and replaces the
 * ids, customers, lines, amounts and instants, so it keeps passing the type's schema (a publish that
 * does not is refused with 422 `event_data_invalid`). Amounts are computed in cents and written as
 * decimal strings; an order's total is the sum of its line totals.
 *
 * The first batches are a fixed tour of every kind of story, so each demo endpoint hears something
 * within seconds; after that stories are drawn at random, weighted towards what a shop sees most.
 */
import {
  COACHING_OFFER,
  COOKBOOK_OFFER,
  COURSE_OFFER,
  type DemoOffer,
  type DemoPerson,
  type DemoProduct,
  GYM,
  GYM_MEMBERS,
  MEMBERSHIP_OFFER,
  NEW_PRODUCTS,
  SHOPPERS,
  STREAMS,
} from './demo-catalogue.ts';
import {
  addMonths,
  type Customer,
  customerData,
  DAY_MS,
  type Data,
  eventFromExample,
  iso,
  isoDate,
  type Line,
  lineTotalCents,
  money,
  type Order,
  orderData,
  orderTotalCents,
  part,
  productLineData,
  type ShopEvent,
  type Subscription,
  subscriptionData,
  withoutPlatformFields,
} from './demo-commerce-objects.ts';
import { DemoRandomness, seededRandom } from './demo-randomness.ts';

/** Where the shop takes chance and time from; tests pin both. */
export interface DemoShopOptions {
  /** A number in [0, 1); defaults to a generator seeded with `seed`. */
  readonly random?: () => number;
  readonly seed?: number;
  /** Milliseconds since the epoch; defaults to the system clock. */
  readonly now?: () => number;
}

interface Story {
  readonly weight: number;
  readonly run: () => ShopEvent[];
}

// Lists the shop remembers for later stories (refunds, renewals) are capped, so a demo left running
// for hours keeps a steady footprint.
const MAX_REMEMBERED = 40;
const MAX_CUSTOMERS = 200;

/** The demo's simulated shop; {@link DemoShop.nextBatch} returns the next events to publish. */
export class DemoShop {
  private readonly dice: DemoRandomness;
  private readonly now: () => number;
  private readonly customers: Customer[] = [];
  private readonly paidOrders: Order[] = [];
  private readonly plans: Subscription[] = [];
  private readonly passes: Subscription[] = [];
  private readonly agreements: Subscription[] = [];
  private readonly followUps: (() => ShopEvent[])[] = [];
  private readonly tour: (() => ShopEvent[])[];
  private readonly stories: readonly Story[];
  private newShoppers = 0;
  private newMembers = 0;
  private newProducts = 0;
  private invoiceNumber = 318;
  private agreementNumber = 11_111;

  constructor(options: DemoShopOptions = {}) {
    this.dice = new DemoRandomness(options.random ?? seededRandom(options.seed ?? Date.now()));
    this.now = options.now ?? Date.now;
    // Ordered so that each endpoint hears early (about 25 events, 8 s at the default pace, reach all
    // ten), and so that each story finds what it needs: the membership is sold, then debited, then
    // cancelled.
    this.tour = [
      () => this.sale(COURSE_OFFER, { bumps: 1, upsell: true }),
      () => this.productChange(),
      () => this.sale(COOKBOOK_OFFER, { bumps: 2, upsell: false }),
      () => this.sale(MEMBERSHIP_OFFER, { bumps: 0, upsell: false }),
      () => this.agreementCreated(),
      () => this.recurringPayment('direct_debit'),
      () => this.streamPurchase(),
      () => this.cancellation(),
      () => this.sale(COACHING_OFFER, { bumps: 0, upsell: false }),
      () => this.recurringPayment('instalment'),
      () => this.declinedOrder(),
      () => this.abandonedCart(),
      () => this.customerChange(),
      () => this.seasonPassSale(),
      () => this.refund(),
      () => this.failedStreamPayment(),
    ];
    this.stories = [
      { weight: 12, run: () => this.sale(COURSE_OFFER) },
      { weight: 10, run: () => this.sale(COOKBOOK_OFFER) },
      { weight: 5, run: () => this.sale(MEMBERSHIP_OFFER) },
      { weight: 2, run: () => this.sale(COACHING_OFFER) },
      { weight: 4, run: () => this.declinedOrder() },
      { weight: 6, run: () => this.recurringPayment('direct_debit') },
      { weight: 2, run: () => this.recurringPayment('instalment') },
      { weight: 2, run: () => this.failedRecurringPayment() },
      { weight: 3, run: () => this.refund() },
      { weight: 4, run: () => this.abandonedCart() },
      { weight: 3, run: () => this.productChange() },
      { weight: 3, run: () => this.customerChange() },
      { weight: 2, run: () => this.cancellation() },
      { weight: 6, run: () => this.streamPurchase() },
      { weight: 2, run: () => this.failedStreamPayment() },
      { weight: 2, run: () => this.seasonPassSale() },
      { weight: 2, run: () => this.seasonPassRenewal() },
      { weight: 3, run: () => this.agreementCreated() },
      { weight: 3, run: () => this.agreementCollection() },
    ];
  }

  /** The next batch of events, never empty. */
  nextBatch(): ShopEvent[] {
    for (;;) {
      // Half the time a consequence of earlier shopping comes next, so upsells, shipments and
      // endings follow their orders within a few batches rather than all at once.
      const followUp =
        this.followUps.length > 0 && this.dice.fraction() < 0.5 ? this.followUps.shift() : undefined;
      const story = followUp ?? this.tour.shift() ?? this.pickStory();
      const batch = story();
      if (batch.length > 0) return batch;
    }
  }

  private pickStory(): () => ShopEvent[] {
    const total = this.stories.reduce((sum, story) => sum + story.weight, 0);
    let ticket = this.dice.fraction() * total;
    for (const story of this.stories) {
      ticket -= story.weight;
      if (ticket < 0) return story.run;
    }
    return this.dice.pick(this.stories).run;
  }

  // ---- Plug&Pay and Plug&Paid: orders -------------------------------------------------------------

  /** A checkout sale: the main product, some order bumps, and what follows from it. */
  private sale(offer: DemoOffer, options: { bumps?: number; upsell?: boolean } = {}): ShopEvent[] {
    const events: ShopEvent[] = [];
    const customer = this.customerForSale(events);
    const bumpCount = options.bumps ?? Math.floor(this.dice.fraction() * (offer.bumps.length + 1));
    const lines: Line[] = [
      this.line(offer.main, 'main', 1 + Math.floor(this.dice.fraction() * offer.maxQuantity)),
      ...this.dice
        .shuffled(offer.bumps)
        .slice(0, bumpCount)
        .map((bump) => this.line(bump, 'bump', 1)),
    ];
    const order = this.newOrder({
      offer,
      customer,
      lines,
      method: this.dice.pick(offer.methods),
      subscriptionId: offer.recurring ? this.dice.id('sub_') : null,
    });
    const plan =
      offer.recurring && order.subscriptionId !== null
        ? this.newPlan({
            id: order.subscriptionId,
            offer,
            orderId: order.id,
            customer,
            product: offer.main,
            kind: offer.recurring.kind,
            method: offer.recurring.method,
          })
        : null;
    events.push(this.orderEvent('order.created', order));
    order.paidAt = this.now();
    events.push(this.orderEvent('order.paid', order));
    events.push(...this.invoiceEvents(order));
    if (plan !== null) {
      this.plans.push(plan);
      trim(this.plans);
      // A payment plan is kept as a subscription (its payments name it) but is sold as an order; only
      // the membership is a subscription to the customer.
      if (plan.paymentsTotal === null) events.push(this.subscriptionEvent('subscription.created', plan));
    }
    if (offer === COURSE_OFFER || offer === MEMBERSHIP_OFFER) {
      events.push(
        this.accessEvent('access.granted', { customer, product: offer.main, order, subscription: plan }),
      );
    }
    this.remember(order);
    const upsell = offer.upsell;
    if (upsell !== null && (options.upsell ?? this.dice.fraction() < 0.5)) {
      this.followUps.push(() => this.upsellOrder(order, upsell));
    }
    if (offer.shipped) this.followUps.push(() => this.shipment(order));
    return events;
  }

  /** The one-click upsell a customer accepted right after paying: an order of its own. */
  private upsellOrder(parent: Order, upsell: { id: string; product: DemoProduct }): ShopEvent[] {
    const order = this.newOrder({
      offer: parent.offer,
      customer: parent.customer,
      lines: [this.line(upsell.product, 'upsell', 1)],
      method: parent.method,
      upsellId: upsell.id,
      parentOrderId: parent.id,
    });
    order.paidAt = this.now();
    this.remember(order);
    return [this.orderEvent('order.paid', order), ...this.invoiceEvents(order).slice(1)];
  }

  private shipment(order: Order): ShopEvent[] {
    const carrier =
      order.customer.country === 'BE' ? 'bpost' : order.customer.country === 'NL' ? 'PostNL' : 'DHL';
    const shippedAt = iso(this.now());
    const shipped = eventFromExample('order.shipped', (example) => ({
      ...example,
      order: orderData(order, part(example, 'order')),
      shipment: { ...part(example, 'shipment'), carrier, trackingNumber: null, trackingUrl: null, shippedAt },
    }));
    this.followUps.push(() => this.trackingNumber(order, carrier, shippedAt));
    return [shipped];
  }

  private trackingNumber(order: Order, carrier: string, shippedAt: string): ShopEvent[] {
    const code =
      carrier === 'PostNL'
        ? `3S${this.dice.id('', 4).toUpperCase()}${this.dice.digits(9)}`
        : carrier === 'bpost'
          ? `3232${this.dice.digits(14)}`
          : `JVGL${this.dice.digits(16)}`;
    const trackingUrl =
      carrier === 'PostNL'
        ? `https://jouw.postnl.nl/track-and-trace/${code}-NL`
        : carrier === 'bpost'
          ? `https://track.bpost.cloud/btr/web/#/search?itemCode=${code}&lang=nl`
          : `https://www.dhl.com/nl-en/home/tracking.html?tracking-id=${code}`;
    return [
      eventFromExample('order.tracking_number_set', (example) => ({
        ...example,
        order: orderData(order, part(example, 'order')),
        shipment: { ...part(example, 'shipment'), carrier, trackingNumber: code, trackingUrl, shippedAt },
      })),
    ];
  }

  private declinedOrder(): ShopEvent[] {
    const offer = this.dice.pick([COURSE_OFFER, COURSE_OFFER, COOKBOOK_OFFER, MEMBERSHIP_OFFER]);
    const events: ShopEvent[] = [];
    const customer = this.customerForSale(events);
    const failure = this.dice.pick([
      { method: 'creditcard', code: 'card_declined', message: 'The card issuer declined the payment' },
      { method: 'creditcard', code: 'expired_card', message: 'The card has expired' },
      {
        method: 'ideal',
        code: 'authentication_failed',
        message: 'The customer did not confirm the payment in their banking app',
      },
      { method: 'bancontact', code: 'insufficient_funds', message: 'Not enough funds on the account' },
    ]);
    const order = this.newOrder({
      offer,
      customer,
      lines: [this.line(offer.main, 'main', 1)],
      method: failure.method,
    });
    events.push(this.orderEvent('order.created', order));
    events.push(
      eventFromExample('order.declined', (example) => ({
        ...example,
        order: orderData(order, part(example, 'order')),
        failure: { ...part(example, 'failure'), code: failure.code, message: failure.message },
      })),
    );
    return events;
  }

  /** A later direct debit of a membership or instalment of a payment plan: an order of its own. */
  private recurringPayment(kind: 'direct_debit' | 'instalment'): ShopEvent[] {
    const plan = this.plans.find(
      (p) => p.kind === kind && (p.status === 'active' || p.status === 'past_due'),
    );
    if (plan === undefined || plan.offer === null)
      return this.sale(kind === 'direct_debit' ? MEMBERSHIP_OFFER : COACHING_OFFER);
    plan.payments++;
    const order = this.newOrder({
      offer: plan.offer,
      customer: plan.customer,
      lines: [this.line(plan.product, 'main', 1)],
      method: plan.method,
      kind: plan.kind,
      sequence: plan.payments,
      subscriptionId: plan.id,
    });
    order.paidAt = this.now();
    this.remember(order);
    const events = [this.orderEvent('order.paid', order), ...this.invoiceEvents(order, plan.id).slice(1)];
    if (plan.paymentsTotal !== null && plan.payments >= plan.paymentsTotal) {
      plan.status = 'ended';
      this.plans.splice(this.plans.indexOf(plan), 1);
      events.push(this.subscriptionEvent('subscription.ended', plan, { reason: 'term_completed' }));
    } else if (plan.paymentsTotal === null) {
      const changedFields = ['currentPeriodStartsAt', 'currentPeriodEndsAt'];
      if (plan.status === 'past_due') changedFields.unshift('status');
      plan.status = 'active';
      this.advancePeriod(plan);
      events.push(this.subscriptionEvent('subscription.updated', plan, { changedFields }));
    }
    return events;
  }

  private failedRecurringPayment(): ShopEvent[] {
    const plan = this.plans.find((p) => p.kind === 'direct_debit' && p.status === 'active');
    if (plan === undefined) return [];
    plan.status = 'past_due';
    const payment = this.paymentData({
      subscription: plan,
      status: 'failed',
      failureReason: this.dice.pick(['insufficient_funds', 'mandate_revoked', 'account_closed']),
      sequence: plan.payments + 1,
    });
    return [
      eventFromExample('subscription.payment_failed', (example) => ({
        ...example,
        subscription: subscriptionData(plan, part(example, 'subscription')),
        payment: { ...withoutPlatformFields(part(example, 'payment')), ...payment },
      })),
    ];
  }

  private refund(): ShopEvent[] {
    const candidates = this.paidOrders.filter((o) => !o.refunded && o.kind === 'one_time');
    if (candidates.length === 0) return [];
    const order = this.dice.pick(candidates.slice(0, 10));
    order.refunded = true;
    // A bump sent back is refunded on its own; otherwise the whole order is.
    const bump = order.lines.find((line) => line.kind === 'bump');
    const partial = bump !== undefined && this.dice.fraction() < 0.4;
    const amountCents = partial ? lineTotalCents(bump) : orderTotalCents(order);
    const events = [
      eventFromExample('order.refunded', (example) => ({
        ...example,
        order: orderData(order, part(example, 'order')),
        refund: {
          ...part(example, 'refund'),
          id: this.dice.id('ref_'),
          orderId: order.id,
          paymentId: this.dice.id('pay_'),
          amount: money(amountCents),
          currency: order.offer.main.currency,
          status: 'succeeded',
          reason: partial
            ? `${bump.product.name} teruggestuurd`
            : this.dice.pick(['Niet tevreden', 'Dubbel besteld', 'Binnen bedenktijd herroepen']),
          createdAt: iso(this.now()),
        },
      })),
    ];
    if (!partial && order.offer === COURSE_OFFER && order.upsellId === null) {
      events.push(
        this.accessEvent('access.revoked', {
          customer: order.customer,
          product: order.offer.main,
          order,
          reason: 'refunded',
        }),
      );
    }
    return events;
  }

  private abandonedCart(): ShopEvent[] {
    const offer = this.dice.pick([COURSE_OFFER, COOKBOOK_OFFER, COOKBOOK_OFFER, MEMBERSHIP_OFFER]);
    const customer = this.knownOrNewCustomer();
    const lines = [
      { product: offer.main, quantity: 1 + Math.floor(this.dice.fraction() * offer.maxQuantity) },
      ...this.dice
        .shuffled(offer.bumps)
        .slice(0, Math.floor(this.dice.fraction() * 2))
        .map((product) => ({ product, quantity: 1 })),
    ];
    const cartId = this.dice.id('cart_');
    const total = lines.reduce((sum, line) => sum + line.product.priceCents * line.quantity, 0);
    return [
      eventFromExample('cart.abandoned', (example) => ({
        ...example,
        cart: {
          ...part(example, 'cart'),
          id: cartId,
          plugId: offer.plugId,
          checkoutId: offer.checkoutId,
          customer: customerData(customer),
          currency: offer.main.currency,
          total: money(total),
          lines: lines.map((line) => productLineData(line.product, line.quantity)),
          recoveryUrl: `${offer.siteUrl}/checkout/${offer.checkoutId}?cart=${cartId}`,
          abandonedAt: iso(this.now()),
        },
      })),
    ];
  }

  // ---- Catalogue and customers --------------------------------------------------------------------

  /** A new product; its price change and its deletion follow in later batches. */
  private productChange(): ShopEvent[] {
    const template = NEW_PRODUCTS[this.newProducts++ % NEW_PRODUCTS.length]!;
    const product: DemoProduct = { ...template, id: this.dice.id('prod_') };
    const createdAt = iso(this.now());
    const productEvent = (type: string, fields: Data, extra: Data = {}) =>
      eventFromExample(type, (example) => ({
        ...example,
        product: {
          ...part(example, 'product'),
          id: product.id,
          name: product.name,
          billing: product.billing,
          price: money(product.priceCents),
          currency: product.currency,
          active: true,
          createdAt,
          updatedAt: createdAt,
          ...fields,
        },
        ...extra,
      }));
    // 10 % off, rounded to whole euros minus a cent (129.00 becomes 115.99), as shops price.
    const newPrice = Math.max(99, Math.round((product.priceCents * 0.9) / 100) * 100 - 1);
    this.followUps.push(() => [
      productEvent(
        'product.updated',
        { price: money(newPrice), updatedAt: iso(this.now()) },
        { changedFields: ['price'] },
      ),
    ]);
    this.followUps.push(() => [
      productEvent(
        'product.deleted',
        { price: money(newPrice), active: false, updatedAt: iso(this.now()) },
        { deletedAt: iso(this.now()) },
      ),
    ]);
    return [productEvent('product.created', {})];
  }

  private customerChange(): ShopEvent[] {
    const customer = this.customers.length > 0 ? this.dice.pick(this.customers) : undefined;
    if (customer === undefined) return [];
    if (this.dice.fraction() < 0.4) {
      return [
        eventFromExample('customer.password_updated', (example) => ({
          ...example,
          customer: customerData(customer),
          updatedAt: iso(this.now()),
        })),
      ];
    }
    customer.phone = `+316${this.dice.digits(8)}`;
    return [
      eventFromExample('customer.updated', (example) => ({
        ...example,
        customer: { ...customerData(customer), phone: customer.phone, createdAt: iso(customer.createdAt) },
        changedFields: ['phone'],
      })),
    ];
  }

  private cancellation(): ShopEvent[] {
    const plan = this.plans.find((p) => p.paymentsTotal === null && p.status !== 'cancelled');
    if (plan === undefined) return [];
    plan.status = 'cancelled';
    plan.cancelledAt = this.now();
    this.followUps.push(() => {
      plan.status = 'ended';
      this.plans.splice(this.plans.indexOf(plan), 1);
      return [
        this.subscriptionEvent('subscription.ended', plan, { reason: 'cancelled' }),
        this.accessEvent('access.revoked', {
          customer: plan.customer,
          product: plan.product,
          subscription: plan,
          reason: 'subscription_ended',
        }),
      ];
    });
    return [
      this.subscriptionEvent('subscription.cancelled', plan, {
        reason: this.dice.pick(['customer_request', 'customer_request', 'merchant_request']),
      }),
    ];
  }

  // ---- InPlayer: payments, access and the season pass ---------------------------------------------

  private streamPurchase(): ShopEvent[] {
    const { product, assetId } = this.dice.pick(STREAMS.assets);
    const customer = this.knownOrNewCustomer();
    const orderId = this.dice.id('ord_');
    const payment = {
      ...this.paymentData({
        product,
        status: 'succeeded',
        orderId,
        method: this.dice.pick(STREAMS.methods),
      }),
      assetId,
    };
    const events = [
      eventFromExample('payment.succeeded', (example) => ({
        ...example,
        payment: { ...withoutPlatformFields(part(example, 'payment')), ...payment },
      })),
      this.accessEvent('access.granted', { customer, product, orderId, assetId, expiresInDays: 7 }),
    ];
    if (this.dice.fraction() < 0.25) {
      this.followUps.push(() => [
        eventFromExample('payment.refunded', (example) => ({
          ...example,
          payment: { ...withoutPlatformFields(part(example, 'payment')), ...payment, status: 'refunded' },
          refund: {
            ...part(example, 'refund'),
            id: this.dice.id('ref_'),
            orderId,
            paymentId: payment.id,
            amount: payment.amount,
            currency: payment.currency,
            status: 'succeeded',
            reason: 'Stream interrupted',
            createdAt: iso(this.now()),
          },
        })),
        this.accessEvent('access.revoked', { customer, product, orderId, assetId, reason: 'refunded' }),
      ]);
    }
    return events;
  }

  private failedStreamPayment(): ShopEvent[] {
    const { product, assetId } = this.dice.pick(STREAMS.assets);
    const payment = {
      ...this.paymentData({
        product,
        status: 'failed',
        orderId: this.dice.id('ord_'),
        failureReason: this.dice.pick(['card_declined', 'insufficient_funds', 'authentication_failed']),
        method: 'creditcard',
      }),
      assetId,
    };
    return [
      eventFromExample('payment.failed', (example) => ({
        ...example,
        payment: { ...withoutPlatformFields(part(example, 'payment')), ...payment },
      })),
    ];
  }

  private seasonPassSale(): ShopEvent[] {
    const customer = this.knownOrNewCustomer();
    const pass = this.newPlan({
      customer,
      product: STREAMS.seasonPass,
      kind: 'direct_debit',
      method: 'creditcard',
      checkoutId: STREAMS.checkoutId,
    });
    this.passes.push(pass);
    trim(this.passes);
    const payment = this.paymentData({
      subscription: pass,
      status: 'succeeded',
      sequence: 1,
      kind: 'one_time',
    });
    return [
      this.subscriptionEvent('subscription.created', pass),
      eventFromExample('payment.succeeded', (example) => ({
        ...example,
        payment: { ...withoutPlatformFields(part(example, 'payment')), ...payment },
      })),
      this.accessEvent('access.granted', { customer, product: pass.product, subscription: pass }),
    ];
  }

  private seasonPassRenewal(): ShopEvent[] {
    const pass = this.passes.find((p) => p.status === 'active');
    if (pass === undefined) return this.seasonPassSale();
    if (this.dice.fraction() < 0.25) {
      pass.status = 'cancelled';
      pass.cancelledAt = this.now();
      this.passes.splice(this.passes.indexOf(pass), 1);
      return [this.subscriptionEvent('subscription.cancelled', pass, { reason: 'customer_request' })];
    }
    pass.payments++;
    this.advancePeriod(pass);
    const payment = this.paymentData({ subscription: pass, status: 'succeeded', sequence: pass.payments });
    return [
      eventFromExample('payment.succeeded', (example) => ({
        ...example,
        payment: { ...withoutPlatformFields(part(example, 'payment')), ...payment },
      })),
      this.subscriptionEvent('subscription.updated', pass, {
        changedFields: ['currentPeriodStartsAt', 'currentPeriodEndsAt'],
      }),
    ];
  }

  // ---- PayGate: agreements and their payments -----------------------------------------------------

  private agreementCreated(): ShopEvent[] {
    const member = GYM_MEMBERS[this.newMembers++ % GYM_MEMBERS.length]!;
    const customer = this.newCustomer(member, Math.floor((this.newMembers - 1) / GYM_MEMBERS.length));
    const product = this.dice.pick(GYM.plans);
    const number = this.agreementNumber++;
    const [firstName = '', ...rest] = member.name.split(' ');
    const nextPaymentDate = isoDate(addMonths(this.now(), 1));
    const agreement = this.newPlan({
      customer,
      product,
      kind: 'direct_debit',
      method: 'mobilepay_subscriptions',
      checkoutId: GYM.checkoutId,
      extra: {
        agreementId: this.dice.uuid(),
        externalId: `AGGR${number}`,
        frequency: 12,
        nextPaymentDate,
        paymentMethod: 'MobilePay Subscriptions (recurring)',
        subscriber: {
          id: 7_500 + number - 11_111,
          firstName,
          lastName: rest.join(' '),
          fullName: member.name,
          email: customer.email,
          phone: member.phone?.replace(/^\+45/, '') ?? null,
          address1: `${this.dice.pick(['Falkevej', 'Strandvejen', 'Nørregade', 'Algade'])} ${1 + Math.floor(this.dice.fraction() * 80)}`,
          address2: null,
          zip: member.zip,
          city: member.city,
        },
      },
    });
    this.agreements.push(agreement);
    trim(this.agreements);
    this.followUps.push(() => this.agreementCollection(agreement));
    return [this.subscriptionEvent('subscription.created', agreement)];
  }

  /** A collection of a PayGate agreement: created now, executed (or not) in a later batch. */
  private agreementCollection(given?: Subscription): ShopEvent[] {
    const agreement = given ?? (this.agreements.length > 0 ? this.dice.pick(this.agreements) : undefined);
    if (agreement === undefined) return this.agreementCreated();
    const sequence = agreement.payments + 1;
    const dueAt = agreement.periodEndsAt;
    const paygate = {
      agreementId: agreement.extra['agreementId'],
      paymentId: this.dice.uuid(),
      externalId: `SP${this.dice.digits(5)}`,
      dueDate: isoDate(dueAt),
      nextPaymentDate: isoDate(addMonths(dueAt, 1)),
      gracePeriodDays: 3,
      paymentType: 'subscription_payment',
    };
    const payment = {
      ...this.paymentData({ subscription: agreement, status: 'pending', sequence, dueAt }),
      ...paygate,
    };
    const paymentEvent = (type: string, changes: Data, extra: Data = {}) =>
      eventFromExample(type, (example) => ({
        ...example,
        payment: { ...part(example, 'payment'), ...payment, ...changes },
        ...extra,
      }));
    this.followUps.push(() => {
      const failed = this.dice.fraction() < 0.15;
      const events = [
        paymentEvent(
          'payment.updated',
          failed
            ? { status: 'failed', failureReason: 'insufficient_funds' }
            : { status: 'succeeded', paidAt: iso(this.now()) },
          { changedFields: failed ? ['status', 'failureReason'] : ['status', 'paidAt'] },
        ),
      ];
      if (!failed) {
        agreement.payments = sequence;
        this.advancePeriod(agreement);
        agreement.extra['nextPaymentDate'] = isoDate(agreement.periodEndsAt);
        events.push(
          this.subscriptionEvent('subscription.updated', agreement, {
            changedFields: ['currentPeriodStartsAt', 'currentPeriodEndsAt', 'nextPaymentDate'],
          }),
        );
      }
      return events;
    });
    return [paymentEvent('payment.created', {})];
  }

  // ---- Building blocks ----------------------------------------------------------------------------

  private orderEvent(type: string, order: Order): ShopEvent {
    return eventFromExample(type, (example) => ({
      ...example,
      order: orderData(order, part(example, 'order')),
    }));
  }

  /** `invoice.created` and `invoice.paid` for a paid order. */
  private invoiceEvents(order: Order, subscriptionId: string | null = order.subscriptionId): ShopEvent[] {
    const id = this.dice.id('inv_');
    const number = `${new Date(this.now()).getUTCFullYear()}-${String(this.invoiceNumber++).padStart(6, '0')}`;
    const total = orderTotalCents(order);
    const invoice = (status: 'open' | 'paid', example: Data): Data => ({
      ...example,
      id,
      number,
      orderId: order.id,
      subscriptionId,
      total: money(total),
      // Prices include 21 % VAT (the Dutch rate): the tax is 21/121 of the total.
      taxTotal: money(Math.round((total * 21) / 121)),
      currency: order.offer.main.currency,
      status,
      customer: customerData(order.customer),
      lines: order.lines.map((line) => productLineData(line.product, line.quantity)),
      issuedAt: iso(order.paidAt ?? this.now()),
      dueAt: iso((order.paidAt ?? this.now()) + 14 * DAY_MS),
      paidAt: status === 'paid' ? iso(order.paidAt ?? this.now()) : null,
      url: `${order.offer.siteUrl}/invoices/${id}.pdf`,
    });
    return [
      eventFromExample('invoice.created', (example) => ({
        ...example,
        invoice: invoice('open', part(example, 'invoice')),
      })),
      eventFromExample('invoice.paid', (example) => ({
        ...example,
        invoice: invoice('paid', part(example, 'invoice')),
      })),
    ];
  }

  private subscriptionEvent(type: string, subscription: Subscription, extra: Data = {}): ShopEvent {
    return eventFromExample(type, (example) => ({
      ...example,
      subscription: subscriptionData(subscription, part(example, 'subscription')),
      ...extra,
    }));
  }

  private paymentData(input: {
    subscription?: Subscription;
    product?: DemoProduct;
    status: 'pending' | 'succeeded' | 'failed';
    orderId?: string;
    failureReason?: string;
    sequence?: number;
    kind?: 'one_time' | 'direct_debit' | 'instalment';
    method?: string;
    dueAt?: number;
  }): Data & { id: string; amount: string; currency: string } {
    const product = input.subscription?.product ?? input.product;
    if (product === undefined) throw new Error('a payment needs a subscription or a product');
    const sequence = input.sequence ?? 1;
    return {
      id: this.dice.id('pay_'),
      orderId: input.orderId ?? null,
      subscriptionId: input.subscription?.id ?? null,
      productId: product.id,
      kind: input.kind ?? (sequence > 1 ? (input.subscription?.kind ?? 'direct_debit') : 'one_time'),
      method: input.method ?? input.subscription?.method ?? 'creditcard',
      amount: money(product.priceCents),
      currency: product.currency,
      status: input.status,
      failureReason: input.status === 'failed' ? (input.failureReason ?? 'card_declined') : null,
      sequence,
      dueAt: input.dueAt === undefined ? null : iso(input.dueAt),
      paidAt: input.status === 'succeeded' ? iso(this.now()) : null,
    };
  }

  private accessEvent(
    type: 'access.granted' | 'access.revoked',
    input: {
      customer: Customer;
      product: DemoProduct;
      order?: Order;
      orderId?: string;
      subscription?: Subscription | null;
      assetId?: string;
      expiresInDays?: number;
      reason?: string;
    },
  ): ShopEvent {
    const now = this.now();
    return eventFromExample(type, (example) => ({
      ...example,
      access: {
        ...part(example, 'access'),
        id: this.dice.id('grant_'),
        customer: customerData(input.customer),
        productId: input.product.id,
        assetId: input.assetId ?? null,
        kind: 'paid',
        orderId: input.order?.id ?? input.orderId ?? null,
        subscriptionId: input.subscription?.id ?? null,
        grantedAt: iso(input.order?.paidAt ?? now),
        expiresAt:
          input.expiresInDays !== undefined
            ? iso(now + input.expiresInDays * DAY_MS)
            : input.subscription
              ? iso(input.subscription.periodEndsAt)
              : null,
        revokedAt: type === 'access.revoked' ? iso(now) : null,
      },
      ...(type === 'access.revoked' ? { reason: input.reason ?? null } : {}),
    }));
  }

  private newOrder(input: {
    offer: DemoOffer;
    customer: Customer;
    lines: Line[];
    method: string;
    upsellId?: string;
    parentOrderId?: string;
    kind?: Order['kind'];
    sequence?: number;
    subscriptionId?: string | null;
  }): Order {
    return {
      id: this.dice.id('ord_'),
      offer: input.offer,
      customer: input.customer,
      lines: input.lines,
      upsellId: input.upsellId ?? null,
      parentOrderId: input.parentOrderId ?? null,
      kind: input.kind ?? 'one_time',
      method: input.method,
      sequence: input.sequence ?? 1,
      subscriptionId: input.subscriptionId ?? null,
      createdAt: this.now(),
      paidAt: null,
      refunded: false,
    };
  }

  /** A subscription or payment plan whose first payment was made now. */
  private newPlan(input: {
    customer: Customer;
    product: DemoProduct;
    kind: Subscription['kind'];
    method: string;
    id?: string;
    offer?: DemoOffer;
    orderId?: string;
    checkoutId?: string;
    extra?: Data;
  }): Subscription {
    const now = this.now();
    const offer = input.offer ?? null;
    return {
      id: input.id ?? this.dice.id('sub_'),
      product: input.product,
      checkoutId: input.checkoutId ?? offer?.checkoutId ?? '',
      plugId: offer?.plugId ?? null,
      orderId: input.orderId ?? null,
      customer: input.customer,
      plan: offer?.recurring?.plan ?? input.product.name,
      status: 'active',
      startedAt: now,
      periodStartsAt: now,
      periodEndsAt: addMonths(now, 1),
      cancelledAt: null,
      payments: 1,
      paymentsTotal: offer?.recurring?.payments ?? null,
      kind: input.kind,
      method: input.method,
      offer,
      extra: input.extra ?? {},
    };
  }

  // The demo compresses time: a period starts at the moment its payment is published.
  private advancePeriod(subscription: Subscription): void {
    subscription.periodStartsAt = this.now();
    subscription.periodEndsAt = addMonths(subscription.periodStartsAt, 1);
  }

  private line(product: DemoProduct, kind: Line['kind'], quantity: number): Line {
    return { id: this.dice.id('line_'), product, kind, quantity };
  }

  private remember(order: Order): void {
    this.paidOrders.unshift(order);
    this.paidOrders.length = Math.min(this.paidOrders.length, MAX_REMEMBERED);
  }

  /** A returning customer or a new one; a new one adds `customer.created` to `events`. */
  private customerForSale(events: ShopEvent[]): Customer {
    const returning =
      this.customers.length > 0 && (this.customers.length >= MAX_CUSTOMERS || this.dice.fraction() < 0.4);
    if (returning) return this.dice.pick(this.customers);
    const customer = this.nextShopper();
    events.push(
      eventFromExample('customer.created', (example) => ({
        ...example,
        customer: { ...customerData(customer), phone: customer.phone, createdAt: iso(customer.createdAt) },
      })),
    );
    return customer;
  }

  private knownOrNewCustomer(): Customer {
    return this.customers.length > 0 && this.dice.fraction() < 0.7
      ? this.dice.pick(this.customers)
      : this.nextShopper();
  }

  private nextShopper(): Customer {
    const person = SHOPPERS[this.newShoppers % SHOPPERS.length]!;
    const round = Math.floor(this.newShoppers / SHOPPERS.length);
    this.newShoppers++;
    return this.newCustomer(person, round);
  }

  /** A customer the shop has not seen; later rounds through the name list get `+2`, `+3` addresses. */
  private newCustomer(person: DemoPerson, round: number): Customer {
    const email = round === 0 ? person.email : person.email.replace('@', `+${round + 1}@`);
    const customer: Customer = {
      id: this.dice.id('cus_'),
      name: person.name,
      email,
      country: person.country,
      phone: person.phone,
      createdAt: this.now(),
    };
    if (this.customers.length < MAX_CUSTOMERS) this.customers.push(customer);
    return customer;
  }
}

function trim(list: unknown[]): void {
  if (list.length > MAX_REMEMBERED) list.splice(0, list.length - MAX_REMEMBERED);
}
