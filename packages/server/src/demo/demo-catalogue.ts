/**
 * What the demo shop sells and to whom: the products, checkouts, carts ("plugs"), one-click upsells and
 * customers of four small merchants, one per seed platform. A Dutch course seller and a subscription
 * box on Plug&Pay, a cookbook webshop on Plug&Paid, a streaming service on InPlayer and a Danish gym
 * on PayGate. The ids the demo's endpoints are scoped to are defined here, so the endpoint table and
 * the traffic cannot disagree.
 *
 * Ids and names follow the examples of the built-in event types, so a reader who knows the catalogue
 * recognises them.
 */

/** A product of the shop, priced in the minor unit of its currency. */
export interface DemoProduct {
  readonly id: string;
  readonly name: string;
  readonly priceCents: number;
  readonly currency: 'EUR' | 'DKK';
  readonly billing: 'one_time' | 'subscription' | 'payment_plan';
}

/** How the later payments of an offer are collected, when it has any. */
export interface DemoRecurring {
  readonly kind: 'direct_debit' | 'instalment';
  readonly method: string;
  /** Payments in all, the first at checkout included; `null` runs until cancelled. */
  readonly payments: number | null;
  readonly plan: string;
}

/** A checkout page: its main product, the order bumps it offers and the upsell shown after paying. */
export interface DemoOffer {
  readonly checkoutId: string;
  readonly plugId: string | null;
  readonly main: DemoProduct;
  readonly bumps: readonly DemoProduct[];
  readonly upsell: { readonly id: string; readonly product: DemoProduct } | null;
  readonly methods: readonly string[];
  /** Physical goods: a paid order is shipped and gets a tracking number. */
  readonly shipped: boolean;
  readonly maxQuantity: number;
  readonly recurring: DemoRecurring | null;
  /** The URL the shop's invoices and cart links live under. */
  readonly siteUrl: string;
}

/** A customer before the shop has seen them; the id is given at their first event. */
export interface DemoPerson {
  readonly name: string;
  readonly email: string;
  readonly country: string;
  readonly phone: string | null;
}

const product = (
  id: string,
  name: string,
  priceCents: number,
  billing: DemoProduct['billing'] = 'one_time',
  currency: DemoProduct['currency'] = 'EUR',
): DemoProduct => ({ id, name, priceCents, currency, billing });

/** Plug&Pay: an online course with two order bumps and a one-click upsell. */
export const COURSE_OFFER: DemoOffer = {
  checkoutId: 'chk_5Wm2Ps8DqL',
  plugId: 'plug_3Kd9Vn4HxA',
  main: product('prod_4Tn8Wq2ZcK', 'Online Marketing Masterclass', 149_00),
  bumps: [
    product('prod_6Jp3Xs9LmF', 'Werkboek en templates', 27_00),
    product('prod_3Cv8Zn1QwP', 'Swipe file: 50 e-mails', 19_00),
  ],
  upsell: {
    id: 'ups_8Mc5Qz1TnG',
    product: product('prod_2Vb7Kd4RfJ', '1-op-1 strategiesessie (60 minuten)', 97_00),
  },
  methods: ['ideal', 'ideal', 'creditcard', 'bancontact'],
  shipped: false,
  maxQuantity: 1,
  recurring: null,
  siteUrl: 'https://academy.example.nl',
};

/** Plug&Paid: a webshop cart ("plug") selling a book, with bumps, an upsell and shipping. */
export const COOKBOOK_OFFER: DemoOffer = {
  checkoutId: 'chk_1Rw6Jn9FzU',
  plugId: 'plug_7Ps2Dk5LyV',
  main: product('prod_1Ys6Hf3WaX', 'Plantaardig koken (boek)', 24_95),
  bumps: [
    product('prod_8Dz3Gm6PcZ', 'Keukenschort, linnen', 19_95),
    product('prod_4Wk9Rb2HtM', 'Kruidenset (6 potjes)', 8_50),
  ],
  upsell: { id: 'ups_4Lq7Xc2VbN', product: product('prod_5Rk2Mw8TzE', 'Online kookcursus', 49_00) },
  methods: ['bancontact', 'ideal', 'paypal'],
  shipped: true,
  maxQuantity: 3,
  recurring: null,
  siteUrl: 'https://shop.example.com',
};

/** Plug&Pay: a monthly membership collected by SEPA direct debit after the first payment. */
export const MEMBERSHIP_OFFER: DemoOffer = {
  checkoutId: 'chk_4Bn7Vs2KwQ',
  plugId: null,
  main: product('prod_9Qe2Lt7XmN', 'Membership Pro, maandelijks', 29_00, 'subscription'),
  bumps: [product('prod_7Gx4Ds9KmY', 'Kick-off call (30 minuten)', 39_00)],
  upsell: null,
  methods: ['ideal', 'bancontact'],
  shipped: false,
  maxQuantity: 1,
  recurring: { kind: 'direct_debit', method: 'sepa_direct_debit', payments: null, plan: 'Membership Pro' },
  siteUrl: 'https://academy.example.nl',
};

/** Plug&Pay: a coaching programme paid in three instalments. */
export const COACHING_OFFER: DemoOffer = {
  checkoutId: 'chk_8Hy3Pd5NwK',
  plugId: null,
  main: product('prod_7Wd5Jr1CtH', 'Coachingtraject Groei (3 termijnen)', 399_00, 'payment_plan'),
  bumps: [],
  upsell: null,
  methods: ['ideal'],
  shipped: false,
  maxQuantity: 1,
  recurring: { kind: 'instalment', method: 'sepa_direct_debit', payments: 3, plan: 'Coachingtraject Groei' },
  siteUrl: 'https://academy.example.nl',
};

/** Every checkout of the Plug&Pay and Plug&Paid merchants. */
export const OFFERS: readonly DemoOffer[] = [COURSE_OFFER, COOKBOOK_OFFER, MEMBERSHIP_OFFER, COACHING_OFFER];

/** InPlayer: pay-per-view streams (assets) and a monthly season pass. */
export const STREAMS = {
  checkoutId: 'chk_inplayer_web',
  assets: [
    {
      product: product('prod_3Nh8Rb5VkM', 'North Sea Sessions: live concert stream', 9_99),
      assetId: 'asset_84213',
    },
    { product: product('prod_6Tf4Kx8QmW', 'Documentaire: Het Wad', 4_99), assetId: 'asset_84190' },
    {
      product: product('prod_2Pq9Lv3JdS', 'Jazz in de Tuin 2025 (registratie)', 7_50),
      assetId: 'asset_84377',
    },
  ],
  seasonPass: product('prod_5Ck9Wf2RbT', 'Season Pass', 7_99, 'subscription'),
  methods: ['creditcard', 'creditcard', 'paypal', 'apple_pay'],
} as const;

/** PayGate: a gym's MobilePay Subscriptions agreements, in Danish kroner. */
export const GYM = {
  checkoutId: 'chk_pg_campaign98',
  plans: [
    product('prod_pg_guld', 'Guld-medlemskab', 100_00, 'subscription', 'DKK'),
    product('prod_pg_solv', 'Sølv-medlemskab', 75_00, 'subscription', 'DKK'),
  ],
} as const;

/** The customers of the Plug&Pay, Plug&Paid and InPlayer merchants. */
export const SHOPPERS: readonly DemoPerson[] = [
  { name: 'Sanne de Vries', email: 'sanne.devries@example.nl', country: 'NL', phone: null },
  { name: 'Daan Bakker', email: 'daan.bakker@example.nl', country: 'NL', phone: '+31612345678' },
  { name: 'Lotte Jansen', email: 'lotte.jansen@example.com', country: 'BE', phone: null },
  { name: 'Marco Rossi', email: 'marco.rossi@example.com', country: 'IT', phone: null },
  { name: 'Emma Visser', email: 'emma.visser@example.nl', country: 'NL', phone: '+31687654321' },
  { name: 'Noah Peeters', email: 'noah.peeters@example.be', country: 'BE', phone: null },
  { name: 'Julia Smit', email: 'julia.smit@example.nl', country: 'NL', phone: null },
  { name: 'Lucas Maes', email: 'lucas.maes@example.be', country: 'BE', phone: '+32470123456' },
  { name: 'Fenna Mulder', email: 'fenna.mulder@example.nl', country: 'NL', phone: null },
  { name: 'Thomas Dubois', email: 'thomas.dubois@example.fr', country: 'FR', phone: null },
  { name: 'Anna Schmidt', email: 'anna.schmidt@example.de', country: 'DE', phone: '+4915123456789' },
  { name: 'Sem de Boer', email: 'sem.deboer@example.nl', country: 'NL', phone: null },
];

/** The gym's members, with the address fields PayGate's subscriber carries. */
export const GYM_MEMBERS: readonly (DemoPerson & { readonly city: string; readonly zip: string })[] = [
  {
    name: 'Mette Hansen',
    email: 'mette.hansen@example.dk',
    country: 'DK',
    phone: '+4512345678',
    city: 'Køge',
    zip: '4600',
  },
  {
    name: 'Søren Nielsen',
    email: 'soren.nielsen@example.dk',
    country: 'DK',
    phone: '+4522334455',
    city: 'Roskilde',
    zip: '4000',
  },
  {
    name: 'Freja Larsen',
    email: 'freja.larsen@example.dk',
    country: 'DK',
    phone: '+4530405060',
    city: 'Aarhus',
    zip: '8000',
  },
  {
    name: 'Mads Poulsen',
    email: 'mads.poulsen@example.dk',
    country: 'DK',
    phone: '+4540506070',
    city: 'Odense',
    zip: '5000',
  },
];

/** Products a merchant may add, update and delete while the demo runs. */
export const NEW_PRODUCTS: readonly DemoProduct[] = [
  product('prod_9Hs2Vc6NpL', 'Masterclass E-mailmarketing', 129_00),
  product('prod_1Bz7Qm4WxT', 'Vegan bakken (boek)', 22_50),
  product('prod_5Jn3Kt8RcV', 'Live Q&A-sessie (replay)', 19_00),
  product('prod_8Yw1Fp5LhD', 'Keukenmessenset', 59_95),
];
