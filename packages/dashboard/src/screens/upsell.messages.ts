/** The words of an upsell's Advanced tab (Geavanceerd), as Plug&Pay's help pages name it. */
import { defineMessages } from '../i18n.ts';

export const upsellMessages = defineMessages(
  {
    title: 'Upsell',
    advanced: 'Advanced',
    intro:
      'A webhook for one one-click upsell: it fires when the upsell is paid. The general webhook under Settings > Webhooks fires for paid upsells too.',
    chooseUpsell: 'Choose the upsell',
    upsellId: 'Upsell id',
    upsellIdHint: 'The id of the upsell as your platform shows it, for example ups_8Mc5Qz1TnG.',
    upsellIdRequired: 'Enter the id of the upsell.',
    open: 'Open',
    upsellOnShow: 'Upsell {id}',
    webhook: 'Webhook',
    webhookUrl: 'Webhook URL',
    webhookUrlHint:
      'The URL you get from your other tool or software. Empty the field and save to remove this webhook.',
    switchedOff:
      'This webhook was switched off after its receiver answered 410 Gone. Saving switches it on again.',
    saved: 'The webhook is saved.',
    removed: 'The webhook is removed.',
    loadFailed: 'The webhook could not be loaded: {detail}',
    retry: 'Try again',
  },
  {
    title: 'Upsell',
    advanced: 'Geavanceerd',
    intro:
      'Een webhook voor één one-click upsell: die wordt aangeroepen na een succesvolle transactie met de upsell. De algemene webhook bij Instellingen > Webhooks wordt ook aangeroepen voor upsells.',
    chooseUpsell: 'Kies de upsell',
    upsellId: 'Upsell-id',
    upsellIdHint: 'De id van de upsell zoals je platform hem toont, bijvoorbeeld ups_8Mc5Qz1TnG.',
    upsellIdRequired: 'Vul de id van de upsell in.',
    open: 'Openen',
    upsellOnShow: 'Upsell {id}',
    webhook: 'Webhook',
    webhookUrl: 'Webhook URL',
    webhookUrlHint:
      'De URL die je haalt uit jouw andere software of andere tool. Maak het veld leeg en sla op om deze webhook te verwijderen.',
    switchedOff:
      'Deze webhook is uitgeschakeld nadat de ontvanger 410 Gone antwoordde. Opslaan schakelt hem weer in.',
    saved: 'De webhook is opgeslagen.',
    removed: 'De webhook is verwijderd.',
    loadFailed: 'De webhook kon niet worden geladen: {detail}',
    retry: 'Opnieuw proberen',
  },
);
