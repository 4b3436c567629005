/**
 * API keys and tokens. Keys are 32 random bytes, so a plain SHA-256 is a safe way to store them (no
 * password hashing needed: there is nothing to guess) and lets a key be found with one index lookup.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Prefix of account API keys, so a leaked key is recognisable in a scan. */
export const API_KEY_PREFIX = 'hk_';

/** A new account API key. */
export function generateApiKey(): string {
  return API_KEY_PREFIX + randomBytes(32).toString('base64url');
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
