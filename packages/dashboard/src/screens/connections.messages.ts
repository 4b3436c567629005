/**
 * The words of Connections (Koppelingen): Plug&Pay's per-product and per-checkout webhook rules, with
 * its "Add rule" and "Create rule" (Dutch: "Regel aanmaken").
 */
import { defineMessages } from '../i18n.ts';

export const connectionsMessages = defineMessages(
  {
    title: 'Connections',
    intro:
      'Webhooks for one product or checkout: a rule fires only for the orders and events of the products or checkouts it names. The general webhooks are under Settings > Webhooks.',
    introScoped: 'Webhooks for {scope}: each rule fires only for their orders and events.',
    addRule: 'Add rule',
    webhookUrl: 'Webhook URL',
    webhookUrlHint: 'The URL you get from your other tool or software.',
    events: 'Events',
    appliesTo: 'Applies to',
    appliesToHint: 'Fill in one or both. Separate several ids with commas.',
    productIds: 'Product ids',
    checkoutIds: 'Checkout ids',
    scopeRequired:
      'Enter at least one product id or checkout id: a rule without one would fire for every order, as the general webhook does.',
    eventsRequired: 'Choose at least one event.',
    urlRequired: 'Enter the webhook URL.',
    createRule: 'Create rule',
    creatingRule: 'Creating…',
    created: 'The rule is created.',
    deleted: 'The rule is deleted.',
    columnUrl: 'Webhook URL',
    columnEvents: 'Events',
    columnScope: 'Applies to',
    columnStatus: 'Status',
    columnActions: 'Actions',
    on: 'On',
    off: 'Off',
    scopeProducts: 'Products: {ids}',
    scopeCheckouts: 'Checkouts: {ids}',
    scopeUpsells: 'Upsells: {ids}',
    scopePlugs: 'Carts: {ids}',
    noRules: 'There are no rules yet. Add one to send the orders of a product or checkout to another tool.',
    deleteTitle: 'Delete rule',
    deleteMessage: 'The rule for {url} stops receiving events at once. This cannot be undone.',
    loadFailed: 'The rules could not be loaded: {detail}',
    retry: 'Try again',
    rules: 'Rules',
  },
  {
    title: 'Koppelingen',
    intro:
      'Webhooks voor één product of checkout: een regel wordt alleen aangeroepen voor de bestellingen en gebeurtenissen van de producten of checkouts die erin staan. De algemene webhooks staan bij Instellingen > Webhooks.',
    introScoped:
      'Webhooks voor {scope}: elke regel wordt alleen aangeroepen voor hun bestellingen en gebeurtenissen.',
    addRule: 'Regel toevoegen',
    webhookUrl: 'Webhook URL',
    webhookUrlHint: 'De URL die je haalt uit jouw andere software of andere tool.',
    events: 'Gebeurtenissen',
    appliesTo: 'Geldt voor',
    appliesToHint: "Vul er één of beide in. Scheid meerdere id's met komma's.",
    productIds: "Product-id's",
    checkoutIds: "Checkout-id's",
    scopeRequired:
      'Vul minstens één product-id of checkout-id in: een regel zonder zou bij elke bestelling worden aangeroepen, net als de algemene webhook.',
    eventsRequired: 'Kies minstens één gebeurtenis.',
    urlRequired: 'Vul de webhook URL in.',
    createRule: 'Regel aanmaken',
    creatingRule: 'Aanmaken…',
    created: 'De regel is aangemaakt.',
    deleted: 'De regel is verwijderd.',
    columnUrl: 'Webhook URL',
    columnEvents: 'Gebeurtenissen',
    columnScope: 'Geldt voor',
    columnStatus: 'Status',
    columnActions: 'Acties',
    on: 'Aan',
    off: 'Uit',
    scopeProducts: 'Producten: {ids}',
    scopeCheckouts: 'Checkouts: {ids}',
    scopeUpsells: 'Upsells: {ids}',
    scopePlugs: 'Winkelwagens: {ids}',
    noRules:
      'Er zijn nog geen regels. Voeg er een toe om de bestellingen van een product of checkout naar een andere tool te sturen.',
    deleteTitle: 'Regel verwijderen',
    deleteMessage:
      'De regel voor {url} ontvangt vanaf nu geen gebeurtenissen meer. Dit kan niet ongedaan worden gemaakt.',
    loadFailed: 'De regels konden niet worden geladen: {detail}',
    retry: 'Opnieuw proberen',
    rules: 'Regels',
  },
);
