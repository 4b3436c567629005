/**
 * Prefixed, time-ordered identifiers (`evt_01JD…`), so a log line says what an id names and ids
 * created later sort later. 48 bits of milliseconds and 80 random bits in Crockford base 32, as ULID.
 */

/** The kinds of id Hookline issues, each with its prefix. */
export const ID_PREFIX = {
  account: 'acc',
  endpoint: 'ep',
  event: 'evt',
  delivery: 'dlv',
  attempt: 'att',
  api_key: 'key',
  portal_session: 'ps',
  erasure: 'era',
  audit_entry: 'aud',
} as const;

/** A kind of id. */
export type IdKind = keyof typeof ID_PREFIX;

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const DIGITS = Uint8Array.from(ALPHABET, (c) => c.charCodeAt(0));
const UNDERSCORE = 0x5f;
// Ids are written into this buffer and read out as one flat string: built by concatenation, each id
// was a chain of 27 small strings that SQLite's binding then had to flatten, twice per delivery.
const scratch = Buffer.alloc(64);

/**
 * Builds one id from a time and 10 random bytes; pure so tests can pin both.
 * @param timeMs milliseconds since the epoch (only the low 48 bits are used).
 * @param random the random bytes: `random[offset]` to `random[offset + 9]`.
 */
export function formatId(kind: IdKind, timeMs: number, random: Uint8Array, offset = 0): string {
  let at = scratch.write(ID_PREFIX[kind], 0, 'latin1');
  scratch[at++] = UNDERSCORE;
  let t = Math.floor(timeMs);
  for (let i = 9; i >= 0; i--) {
    scratch[at + i] = DIGITS[t % 32] as number;
    t = Math.floor(t / 32);
  }
  at += 10;
  // 10 random bytes = 80 bits = 16 base-32 digits, read 5 bits at a time.
  let buffer = 0;
  let bits = 0;
  for (let i = offset; i < offset + 10; i++) {
    buffer = (buffer << 8) | (random[i] as number);
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      scratch[at++] = DIGITS[(buffer >> bits) & 31] as number;
    }
    buffer &= (1 << bits) - 1;
  }
  return scratch.toString('latin1', 0, at);
}
