/**
 * API keys and tokens. Keys and portal session tokens are 32 random bytes, so a plain SHA-256 is a
 * safe way to store them (no password hashing needed: there is nothing to guess) and lets one be
 * found with one index lookup.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Prefix of account API keys, so a leaked key is recognisable in a scan. */
export const API_KEY_PREFIX = 'hk_';

/** A new account API key. */
export function generateApiKey(): string {
  return API_KEY_PREFIX + randomBytes(32).toString('base64url');
}

/** How many of a key's first characters are stored and shown to tell keys apart: `hk_` and 7 more. */
export const API_KEY_SHOWN_LENGTH = 10;

/**
 * The shown beginning of a key. Its 7 random characters carry 42 of the key's 256 bits, leaving far
 * too many for the rest to be guessed.
 */
export function apiKeyPrefixOf(apiKey: string): string {
  return apiKey.slice(0, API_KEY_SHOWN_LENGTH);
}

/** Prefix of portal session tokens: a bearer token with it is looked up as a session, never as a key. */
export const PORTAL_TOKEN_PREFIX = 'hlp_';

/** A new portal session token. */
export function generatePortalToken(): string {
  return PORTAL_TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

/** A new operator (admin) token. */
export function generateAdminToken(): string {
  return 'hla_' + randomBytes(32).toString('base64url');
}

/**
 * A token's SHA-256. A request's bearer token is hashed once: the digest is compared with the admin
 * token's (computed once, when the server starts) and, in hex, looked up as a key's or session's
 * stored form. Hashing the admin token again on every request, and a key once more for its look-up,
 * doubled that work on the event loop (4 against 7 µs a check, measured in a loop).
 */
export function tokenDigest(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

/** The stored form of a key or token. */
export function hashToken(token: string): string {
  return tokenDigest(token).toString('hex');
}

/** Whether two digests of {@link tokenDigest} are equal, in constant time. */
export function digestsEqual(a: Buffer, b: Buffer): boolean {
  return timingSafeEqual(a, b);
}
