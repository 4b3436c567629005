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
} as const;

/** A kind of id. */
export type IdKind = keyof typeof ID_PREFIX;

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * Builds one id from a time and 10 random bytes; pure so tests can pin both.
 * @param timeMs milliseconds since the epoch (only the low 48 bits are used).
 */
export function formatId(kind: IdKind, timeMs: number, random: Uint8Array): string {
  let time = '';
  let t = Math.floor(timeMs);
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  // 10 random bytes = 80 bits = 16 base-32 digits, read 5 bits at a time.
  let rand = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of random.subarray(0, 10)) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      rand += ALPHABET[(buffer >> bits) & 31];
    }
    buffer &= (1 << bits) - 1;
  }
  return `${ID_PREFIX[kind]}_${time}${rand}`;
}
