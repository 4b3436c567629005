/** A delivery's state as a coloured badge, in words (the colour is never the only sign). */
import type { DeliveryStatus } from '../api-types.ts';
import { defineMessages, useMessages } from '../i18n.ts';
import { common } from '../messages.ts';

const LOOK: Readonly<Record<DeliveryStatus, string>> = {
  pending: 'wait',
  sending: 'wait',
  succeeded: 'ok',
  failed: 'bad',
  cancelled: 'off',
};

const KEY = {
  pending: 'statusPending',
  sending: 'statusSending',
  succeeded: 'statusSucceeded',
  failed: 'statusFailed',
  cancelled: 'statusCancelled',
} as const satisfies Readonly<Record<DeliveryStatus, keyof typeof common.en>>;

/** The states a delivery may be in, in the order a filter offers them. */
export const DELIVERY_STATUSES: readonly DeliveryStatus[] = [
  'pending',
  'sending',
  'succeeded',
  'failed',
  'cancelled',
];

/** The word for a delivery state in the current language. */
export function useStatusLabel(): (status: DeliveryStatus) => string {
  const t = useMessages(common);
  return (status) => t(KEY[status]);
}

/** Whether a delivery will not be attempted again by itself (a resend is then possible). */
export const isFinal = (status: DeliveryStatus): boolean =>
  status === 'succeeded' || status === 'failed' || status === 'cancelled';

/** A badge naming a delivery state. */
export function DeliveryStatusBadge({ status }: { status: DeliveryStatus }) {
  const label = useStatusLabel();
  return <span class={`badge ${LOOK[status]}`}>{label(status)}</span>;
}

const errorWords = defineMessages(
  {
    timeout: 'Timed out',
    connection_refused: 'Connection refused',
    connection_reset: 'Connection reset',
    dns_failure: 'Host name not found',
    blocked_address: 'Address not allowed',
    tls_error: 'TLS (HTTPS) error',
    invalid_response: 'Not a valid HTTP answer',
    network_error: 'Network error',
  },
  {
    timeout: 'Time-out',
    connection_refused: 'Verbinding geweigerd',
    connection_reset: 'Verbinding verbroken',
    dns_failure: 'Hostnaam niet gevonden',
    blocked_address: 'Adres niet toegestaan',
    tls_error: 'TLS-fout (HTTPS)',
    invalid_response: 'Geen geldig HTTP-antwoord',
    network_error: 'Netwerkfout',
  },
);

/** An attempt's error class (`timeout`, `connection_refused`, …) in words; an unknown code as it is. */
export function useErrorCodeLabel(): (code: string) => string {
  const t = useMessages(errorWords);
  return (code) => (Object.hasOwn(errorWords.en, code) ? t(code as keyof typeof errorWords.en) : code);
}

/** How a delivery's last attempt ended: the status code, the error class, or "–" before any. */
export function useLastAnswer(): (delivery: {
  lastStatusCode: number | null;
  lastErrorCode: string | null;
}) => string {
  const label = useErrorCodeLabel();
  return (delivery) =>
    delivery.lastStatusCode !== null
      ? String(delivery.lastStatusCode)
      : delivery.lastErrorCode !== null
        ? label(delivery.lastErrorCode)
        : '–';
}
