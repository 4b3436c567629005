/**
 * The request of one attempt: the endpoint's headers, Hookline's `User-Agent` unless the endpoint
 * replaces it, and the Standard Webhooks headers signed at send time with the endpoint's secret (and
 * its previous one while a rotation's overlap lasts). Signers are kept per secret, since making one
 * derives the key.
 */
import { createSigner, type Signer, signatureHeader } from '@hookline/receiver';
import type { WebhookPayload } from '../domain/webhook-payload.ts';
import type { EndpointRecord } from '../store/store.ts';

// Signers kept at most; beyond, the cache starts over (secrets of endpoints long gone go with it).
const MAX_SIGNERS = 10_000;

/** Builds the headers of attempts, with their signatures. */
export class RequestBuilder {
  private readonly signers = new Map<string, Signer>();

  constructor(private readonly userAgent: string) {}

  /** The headers of an attempt of `payload` to `endpoint` made at `nowMs`. */
  headers(endpoint: EndpointRecord, payload: WebhookPayload, nowMs: number): Record<string, string> {
    const timestamp = Math.floor(nowMs / 1000);
    const headers: Record<string, string> = { 'user-agent': endpoint.userAgent ?? this.userAgent };
    // Lower-cased so a custom `User-Agent` replaces ours rather than travelling beside it (undici
    // sends both spellings of a name); the content type and signature headers below always win.
    for (const [name, value] of Object.entries(endpoint.headers)) headers[name.toLowerCase()] = value;
    headers['content-type'] = payload.contentType;
    headers['webhook-id'] = payload.messageId;
    headers['webhook-timestamp'] = String(timestamp);
    headers['webhook-signature'] = signatureHeader(
      this.signersFor(endpoint, nowMs),
      payload.messageId,
      timestamp,
      payload.body,
    );
    return headers;
  }

  /** The endpoint's secret, and its previous one until that expires. */
  private signersFor(endpoint: EndpointRecord, nowMs: number): Signer[] {
    const secrets = [endpoint.secret];
    if (endpoint.previousSecret !== null && (endpoint.previousSecretExpiresAt ?? 0) > nowMs) {
      secrets.push(endpoint.previousSecret);
    }
    return secrets.map((secret) => {
      let signer = this.signers.get(secret);
      if (!signer) {
        if (this.signers.size > MAX_SIGNERS) this.signers.clear();
        signer = createSigner(secret);
        this.signers.set(secret, signer);
      }
      return signer;
    });
  }
}
