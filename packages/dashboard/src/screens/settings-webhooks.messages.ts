/**
 * The words of Settings > Webhooks, in Plug&Pay's own: the English help page for English and the
 * Dutch one (Instellingen > Webhooks, Bestellingen, Opzeggingen) for Dutch, so a merchant who reads
 * the platform's manual finds the same labels here.
 */
import { defineMessages } from '../i18n.ts';

export const settingsWebhooksMessages = defineMessages(
  {
    title: 'Settings > Webhooks',
    intro:
      'The general webhooks of your account: they fire for every order and every cancellation, whatever the product or checkout. For a webhook of one product or checkout, add a rule under Connections.',
    apiKey: 'API key',
    apiKeyIntro:
      'Use an API key to link your account to another tool or software. Keys are stored hashed, so only their first characters are shown here; create a new key to copy one.',
    existingKeys: 'Your API keys',
    noKeys: 'There are no API keys yet.',
    createApiKey: 'Create API key',
    creatingApiKey: 'Creating…',
    newKeyName: 'Settings > Webhooks {date}',
    newKeyNote: 'This key is shown only once. Copy it now and keep it somewhere safe.',
    manageApiKeys: 'Manage API keys',
    orders: 'Orders',
    webhookUrl: 'Webhook URL',
    ordersUrlHint:
      'The URL you get from your other tool or software. Empty the field and save to remove this webhook.',
    includeRecurring: 'Trigger global webhook for direct debits and instalment payments',
    includeRecurringHint:
      'Tick this box to also fire the webhook for each direct debit or instalment payment.',
    perOrderLine: 'Trigger webhooks per order line instead of per entire order',
    perOrderLineHint:
      'Tick this box to fire the webhook for each product, for example when you work with order bumps.',
    cancellations: 'Cancellations',
    cancellationsUrlHint:
      'Fires as soon as a subscription becomes inactive or ends. Empty the field and save to remove this webhook.',
    switchedOff:
      'This webhook was switched off after its receiver answered 410 Gone. Saving switches it on again.',
    saved: 'Your webhooks are saved.',
    loadFailed: 'The webhooks could not be loaded: {detail}',
    retry: 'Try again',
    scopedSession:
      'This page sets the webhooks of the whole account, and this session manages only some products. Your webhooks are under Connections.',
    openConnections: 'Open Connections',
  },
  {
    title: 'Instellingen > Webhooks',
    intro:
      'De algemene webhooks van je account: ze worden aangeroepen bij elke bestelling en elke opzegging, voor alle producten. Voor een webhook van één product of checkout voeg je een regel toe bij Koppelingen.',
    apiKey: 'API-sleutel',
    apiKeyIntro:
      'De API-sleutel kun je gebruiken om de koppeling te maken met een ander systeem of andere tool. Sleutels worden alleen als hash bewaard, dus hier staan alleen de eerste tekens; maak een nieuwe sleutel aan om er een te kopiëren.',
    existingKeys: 'Je API-sleutels',
    noKeys: 'Er zijn nog geen API-sleutels.',
    createApiKey: 'API-sleutel aanmaken',
    creatingApiKey: 'Aanmaken…',
    newKeyName: 'Instellingen > Webhooks {date}',
    newKeyNote: 'Deze sleutel wordt maar één keer getoond. Kopieer hem nu en bewaar hem op een veilige plek.',
    manageApiKeys: 'API-sleutels beheren',
    orders: 'Bestellingen',
    webhookUrl: 'Webhook URL',
    ordersUrlHint:
      'De URL die je haalt uit jouw andere software of andere tool. Maak het veld leeg en sla op om deze webhook te verwijderen.',
    includeRecurring: "Globale webhook ook aanroepen bij automatische incasso's en termijnbetalingen",
    includeRecurringHint:
      'Vink dit aan als je de webhook ook wilt aanroepen bij iedere incasso van een abonnement of een termijnbetaling.',
    perOrderLine: 'Webhooks aanroepen per orderregel in plaats van per hele order',
    perOrderLineHint:
      'Vink dit aan als de webhook voor iedere orderregel in een bestelling moet worden aangeroepen, bijvoorbeeld wanneer je met een kassakoopje werkt.',
    cancellations: 'Opzeggingen',
    cancellationsUrlHint:
      'Wordt aangeroepen zodra een abonnement op inactief komt te staan of afloopt. Maak het veld leeg en sla op om deze webhook te verwijderen.',
    switchedOff:
      'Deze webhook is uitgeschakeld nadat de ontvanger 410 Gone antwoordde. Opslaan schakelt hem weer in.',
    saved: 'Je webhooks zijn opgeslagen.',
    loadFailed: 'De webhooks konden niet worden geladen: {detail}',
    retry: 'Opnieuw proberen',
    scopedSession:
      'Deze pagina stelt de webhooks van het hele account in, en deze sessie beheert alleen enkele producten. Je webhooks staan bij Koppelingen.',
    openConnections: 'Naar Koppelingen',
  },
);
