/**
 * The demo shop's chance: ids, digits, UUIDs, picks and shuffles, all drawn from one source of numbers
 * so that a seeded run publishes the same traffic every time.
 */

const ID_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';

/** Random choices over one source of numbers in [0, 1). */
export class DemoRandomness {
  /** The source: a number in [0, 1). */
  readonly fraction: () => number;

  constructor(fraction: () => number) {
    this.fraction = fraction;
  }

  /** An id such as `ord_2K9xQ7mV4b`: the prefix and `length` letters and digits. */
  id(prefix: string, length = 10): string {
    let id = prefix;
    for (let i = 0; i < length; i++) id += ID_ALPHABET[Math.floor(this.fraction() * ID_ALPHABET.length)];
    return id;
  }

  /** `count` decimal digits, for tracking and reference numbers. */
  digits(count: number): string {
    let text = '';
    for (let i = 0; i < count; i++) text += String(Math.floor(this.fraction() * 10));
    return text;
  }

  /** A version 4 UUID, as PayGate's agreement and payment ids are. */
  uuid(): string {
    const hex = Array.from({ length: 32 }, () => Math.floor(this.fraction() * 16).toString(16)).join('');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20)}`;
  }

  /** One of `items`, each as likely. */
  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.fraction() * items.length)];
    if (item === undefined) throw new Error('nothing to pick from');
    return item;
  }

  /** A copy of `items` in random order (Fisher–Yates). */
  shuffled<T>(items: readonly T[]): T[] {
    const copy = [...items];
    for (let i = copy.length - 1; i > 0; i--) {
      const j = Math.floor(this.fraction() * (i + 1));
      [copy[i], copy[j]] = [copy[j]!, copy[i]!];
    }
    return copy;
  }
}

/** mulberry32: a small, fast generator whose sequence a seed fixes, so a run can be replayed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
