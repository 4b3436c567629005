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

/** The stored form of a key or token. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Compares two tokens in constant time (by their hashes, so lengths may differ). */
export function tokensEqual(a: string, b: string): boolean {
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}
