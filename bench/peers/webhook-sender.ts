/**
 * What a peer's job does: one Standard Webhooks delivery. The body is signed with HMAC-SHA256 over
 * `${webhook-id}.${webhook-timestamp}.${body}`, keyed with the base64-decoded bytes after `whsec_`,
 * and sent as `webhook-signature: v1,<base64>` (https://www.standardwebhooks.com/), with node:crypto and
 * undici's `request` on one keep-alive agent. Anything but a 2xx throws, so the queue library retries
 * the job with its own attempts and backoff.
 *
 * Peers run this inside their job handlers; it knows nothing of Hookline (the receiver verifies it with
 * `@hookline/receiver`, and `webhook-sender.test.ts` with the `standardwebhooks` package).
 */
import { createHmac, createSecretKey, type KeyObject, randomBytes } from 'node:crypto';
import { Agent, request } from 'undici';

/** The prefix of a Standard Webhooks secret; the rest is the key, base64. */
const SECRET_PREFIX = 'whsec_';

/** A new `whsec_` secret of 24 random bytes (the spec asks for 24 to 64). */
export function generateWebhookSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(24).toString('base64')}`;
}

/** The HMAC key of a `whsec_` secret: its base64-decoded bytes. */
export function webhookKey(secret: string): KeyObject {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  return createSecretKey(Buffer.from(encoded, 'base64'));
}

/** `v1,<base64 HMAC-SHA256 of "${msgId}.${timestamp}.${body}">`. */
export function webhookSignature(
  key: KeyObject,
  msgId: string,
  timestampSeconds: number,
  body: string,
): string {
  return `v1,${createHmac('sha256', key).update(`${msgId}.${timestampSeconds}.${body}`).digest('base64')}`;
}

/** Where a delivery goes and how it is signed. */
export interface WebhookTarget {
  readonly url: string;
  readonly key: KeyObject;
}

/** How long a receiver may take to answer before the attempt fails (and the job is retried). */
export const DELIVERY_TIMEOUT_MS = 15_000;

/** Sends signed webhooks over keep-alive connections. */
export class WebhookSender {
  private readonly agent = new Agent({
    keepAliveTimeout: 60_000,
    headersTimeout: DELIVERY_TIMEOUT_MS,
    bodyTimeout: DELIVERY_TIMEOUT_MS,
  });

  /** POSTs `body` to `target`, signed; resolves on a 2xx, throws otherwise. */
  async send(target: WebhookTarget, msgId: string, body: string): Promise<void> {
    const timestamp = Math.floor(Date.now() / 1000);
    const response = await request(target.url, {
      method: 'POST',
      dispatcher: this.agent,
      headers: {
        'content-type': 'application/json',
        'webhook-id': msgId,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': webhookSignature(target.key, msgId, timestamp, body),
      },
      body,
    });
    await response.body.dump();
    if (response.statusCode < 200 || response.statusCode >= 300) {
      throw new Error(`${target.url} answered ${response.statusCode}`);
    }
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}
