/**
 * The receivers' ledger: which event sequence numbers each receiver path got, kept as one bit per
 * number, so a million deliveries over ten paths cost about 125 KB, not a million strings.
 */

/** The sequence numbers a path must have received: `start`, `start + step`, … below `end`. */
export interface ExpectedSeqs {
  readonly path: string;
  readonly start: number;
  readonly end: number;
  readonly step: number;
}

/** How far a ledger is from an expectation. */
export interface LedgerCheck {
  /** Sequence numbers expected over all paths. */
  readonly expected: number;
  /** Expected numbers that did arrive. */
  readonly present: number;
  /** Expected numbers that did not arrive (yet). */
  readonly missing: number;
}

class SeqBitmap {
  private bits = new Uint8Array(1024);

  /** Sets the bit of `seq`; returns false when it was already set. */
  add(seq: number): boolean {
    const byte = seq >>> 3;
    if (byte >= this.bits.length) {
      let size = this.bits.length;
      while (size <= byte) size *= 2;
      const grown = new Uint8Array(size);
      grown.set(this.bits);
      this.bits = grown;
    }
    const mask = 1 << (seq & 7);
    const old = this.bits[byte]!;
    if ((old & mask) !== 0) return false;
    this.bits[byte] = old | mask;
    return true;
  }

  has(seq: number): boolean {
    const byte = seq >>> 3;
    return byte < this.bits.length && (this.bits[byte]! & (1 << (seq & 7))) !== 0;
  }
}

/** Per-path record of received sequence numbers, with duplicate counts. */
export class Ledger {
  private readonly paths = new Map<string, SeqBitmap>();
  private readonly receivedByPath = new Map<string, number>();
  /** Deliveries recorded, duplicates included. */
  received = 0;
  /** Deliveries whose sequence number that path had already received. */
  duplicates = 0;

  /** Records that `path` received `seq`; returns false for a duplicate. */
  record(path: string, seq: number): boolean {
    if (!Number.isSafeInteger(seq) || seq < 0) throw new RangeError(`not a sequence number: ${seq}`);
    let bitmap = this.paths.get(path);
    if (!bitmap) {
      bitmap = new SeqBitmap();
      this.paths.set(path, bitmap);
    }
    this.received++;
    this.receivedByPath.set(path, (this.receivedByPath.get(path) ?? 0) + 1);
    if (bitmap.add(seq)) return true;
    this.duplicates++;
    return false;
  }

  /** Whether `path` has received `seq`. */
  has(path: string, seq: number): boolean {
    return this.paths.get(path)?.has(seq) ?? false;
  }

  /** Deliveries `path` received, duplicates included. */
  receivedOn(path: string): number {
    return this.receivedByPath.get(path) ?? 0;
  }

  /** Counts what is present and missing of the expectations. */
  check(expectations: readonly ExpectedSeqs[]): LedgerCheck {
    let expected = 0;
    let present = 0;
    for (const { path, start, end, step } of expectations) {
      if (step < 1) throw new RangeError(`step must be at least 1, got ${step}`);
      const bitmap = this.paths.get(path);
      for (let seq = start; seq < end; seq += step) {
        expected++;
        if (bitmap?.has(seq)) present++;
      }
    }
    return { expected, present, missing: expected - present };
  }

  /** Forgets everything. */
  clear(): void {
    this.paths.clear();
    this.receivedByPath.clear();
    this.received = 0;
    this.duplicates = 0;
  }
}

/**
 * The sequence numbers Hookline accepted (a 202), as ranges `[start, end)` merged when they touch.
 * Publishing normally succeeds throughout, leaving one range; a refused batch leaves a gap that the
 * ledger must not count as missing.
 */
export class SeqRanges {
  private readonly ranges: [number, number][] = [];

  /** Adds `[start, end)`. */
  add(start: number, end: number): void {
    if (end <= start) return;
    let i = this.ranges.findIndex(([, e]) => e >= start);
    if (i === -1) i = this.ranges.length;
    let newStart = start;
    let newEnd = end;
    let remove = 0;
    for (let j = i; j < this.ranges.length; j++) {
      const [s, e] = this.ranges[j]!;
      if (s > newEnd) break;
      newStart = Math.min(newStart, s);
      newEnd = Math.max(newEnd, e);
      remove++;
    }
    this.ranges.splice(i, remove, [newStart, newEnd]);
  }

  /** How many numbers the ranges hold. */
  get size(): number {
    return this.ranges.reduce((sum, [s, e]) => sum + (e - s), 0);
  }

  /** The ranges, in order. */
  list(): readonly (readonly [number, number])[] {
    return this.ranges;
  }
}

/**
 * What each path must receive of the accepted sequence numbers.
 * - `every`: each path gets every event (fan-out: all endpoints subscribe to the one type).
 * - `spread`: path `i` of `n` gets the events with `seq % n === i` (each endpoint has its own type and
 *   events are published round-robin over the types).
 */
export function expectationsFor(
  accepted: SeqRanges,
  paths: readonly string[],
  how: 'every' | 'spread',
): ExpectedSeqs[] {
  const out: ExpectedSeqs[] = [];
  const n = paths.length;
  for (const [start, end] of accepted.list()) {
    paths.forEach((path, i) => {
      if (how === 'every') {
        out.push({ path, start, end, step: 1 });
        return;
      }
      const first = start + ((((i - start) % n) + n) % n);
      if (first < end) out.push({ path, start: first, end, step: n });
    });
  }
  return out;
}
