/**
 * The numbers of the benchmark: a latency histogram with fixed log-linear buckets (HdrHistogram's
 * layout, simplified), exact percentiles of small arrays, and median and spread over repeated runs.
 *
 * Why a histogram and not an array of samples: B5 sees a million deliveries, and the receiver keeps
 * one histogram that must cross a process boundary; 7,700 counters are 31 KB whatever the count.
 */

/** Smallest distinguishable latency: 10 µs. */
export const HISTOGRAM_UNIT_MS = 0.01;

/**
 * Values below 1,024 units (10.24 ms) get a bucket each, exact to 0.01 ms. Above that, every power of
 * two is split in 512 buckets, so a value is known to within 1/512 (0.2 %): 60 s ± 0.12 s.
 */
const EXACT_BUCKETS = 1024;
const SUB_BUCKETS = 512;
const SUB_BUCKET_BITS = 9;

/** Largest value kept as itself: 60 s. Larger ones count in the top bucket (and in `max`). */
export const HISTOGRAM_MAX_MS = 60_000;

function bucketOfUnits(units: number): number {
  if (units < EXACT_BUCKETS) return units;
  // 2^(SUB_BUCKET_BITS + shift) <= units < 2^(SUB_BUCKET_BITS + shift + 1), with shift >= 1.
  const shift = 31 - Math.clz32(units) - SUB_BUCKET_BITS;
  return EXACT_BUCKETS + (shift - 1) * SUB_BUCKETS + ((units >>> shift) - SUB_BUCKETS);
}

/** The highest value (in units) that falls in `bucket`. */
function highestUnitsOf(bucket: number): number {
  if (bucket < EXACT_BUCKETS) return bucket;
  const shift = Math.floor((bucket - EXACT_BUCKETS) / SUB_BUCKETS) + 1;
  const sub = ((bucket - EXACT_BUCKETS) % SUB_BUCKETS) + SUB_BUCKETS;
  return ((sub + 1) << shift) - 1;
}

const MAX_UNITS = Math.round(HISTOGRAM_MAX_MS / HISTOGRAM_UNIT_MS);
const BUCKET_COUNT = bucketOfUnits(MAX_UNITS) + 1;

/** The wire form of a {@link LatencyHistogram}: only the buckets that hold something. */
export interface HistogramSnapshot {
  readonly buckets: readonly (readonly [bucket: number, count: number])[];
  readonly count: number;
  readonly minMs: number;
  readonly maxMs: number;
  readonly sumMs: number;
}

/** Latencies in milliseconds, 0 to 60 s, kept in fixed buckets. */
export class LatencyHistogram {
  private readonly counts = new Float64Array(BUCKET_COUNT);
  /** Values recorded. */
  count = 0;
  /** Exact smallest value recorded (Infinity when empty). */
  minMs = Number.POSITIVE_INFINITY;
  /** Exact largest value recorded (0 when empty). */
  maxMs = 0;
  /** Sum of the values, for the mean. */
  sumMs = 0;

  /** Records one latency; negative values (clock noise between processes) count as 0. */
  record(ms: number): void {
    const value = ms > 0 ? ms : 0;
    const units = Math.min(Math.round(value / HISTOGRAM_UNIT_MS), MAX_UNITS);
    this.counts[bucketOfUnits(units)]! += 1;
    this.count++;
    this.sumMs += value;
    if (value < this.minMs) this.minMs = value;
    if (value > this.maxMs) this.maxMs = value;
  }

  /**
   * The value below or at which a fraction `q` (0–1) of the recorded values lie: the top of the bucket
   * holding the value of rank ⌈q·count⌉, never above the largest value seen. `NaN` when empty.
   */
  percentile(q: number): number {
    if (this.count === 0) return Number.NaN;
    const rank = Math.max(1, Math.ceil(q * this.count));
    let seen = 0;
    for (let bucket = 0; bucket < BUCKET_COUNT; bucket++) {
      seen += this.counts[bucket]!;
      if (seen >= rank) return Math.min(highestUnitsOf(bucket) * HISTOGRAM_UNIT_MS, this.maxMs);
    }
    return this.maxMs;
  }

  /** Mean of the recorded values; `NaN` when empty. */
  meanMs(): number {
    return this.count === 0 ? Number.NaN : this.sumMs / this.count;
  }

  /** Adds every value of `other` to this histogram. */
  add(other: LatencyHistogram | HistogramSnapshot): void {
    const snapshot = other instanceof LatencyHistogram ? other.snapshot() : other;
    for (const [bucket, count] of snapshot.buckets) this.counts[bucket]! += count;
    this.count += snapshot.count;
    this.sumMs += snapshot.sumMs;
    if (snapshot.count > 0) {
      this.minMs = Math.min(this.minMs, snapshot.minMs);
      this.maxMs = Math.max(this.maxMs, snapshot.maxMs);
    }
  }

  /** Empties the histogram. */
  reset(): void {
    this.counts.fill(0);
    this.count = 0;
    this.minMs = Number.POSITIVE_INFINITY;
    this.maxMs = 0;
    this.sumMs = 0;
  }

  /** A compact copy that survives JSON and IPC. */
  snapshot(): HistogramSnapshot {
    const buckets: [number, number][] = [];
    for (let bucket = 0; bucket < BUCKET_COUNT; bucket++) {
      const count = this.counts[bucket]!;
      if (count > 0) buckets.push([bucket, count]);
    }
    return { buckets, count: this.count, minMs: this.minMs, maxMs: this.maxMs, sumMs: this.sumMs };
  }

  /** Rebuilds a histogram from {@link snapshot}. */
  static from(snapshot: HistogramSnapshot): LatencyHistogram {
    const histogram = new LatencyHistogram();
    histogram.add(snapshot);
    return histogram;
  }
}

/** Median of `values` (mean of the middle two for an even count); `NaN` when empty. */
export function median(values: readonly number[]): number {
  const finite = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  if (finite.length === 0) return Number.NaN;
  const middle = finite.length >> 1;
  return finite.length % 2 === 1 ? finite[middle]! : (finite[middle - 1]! + finite[middle]!) / 2;
}

/** What repeated runs of one measurement came to. */
export interface RunSummary {
  /** Every run's value, in run order. */
  readonly values: readonly number[];
  readonly median: number;
  /** Smallest and largest value: the spread between runs. */
  readonly min: number;
  readonly max: number;
}

/** Median and spread (min–max) of the runs' values; `NaN` values (a run that measured nothing) are left out. */
export function summarize(values: readonly number[]): RunSummary {
  const finite = values.filter((v) => !Number.isNaN(v));
  return {
    values: [...values],
    median: median(finite),
    min: finite.length === 0 ? Number.NaN : Math.min(...finite),
    max: finite.length === 0 ? Number.NaN : Math.max(...finite),
  };
}

/** The nearest-rank percentile (q in 0–1) of an array of samples; `NaN` when empty. */
export function percentileOf(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[rank - 1]!;
}

/**
 * A percentile over the recorded latencies plus `undelivered` ones that never arrived (counted as
 * infinitely late): `Infinity` when the rank falls among them. Leaving them out would flatter a server
 * that loses or strands deliveries.
 */
export function percentileWithUndelivered(
  histogram: LatencyHistogram,
  undelivered: number,
  q: number,
): number {
  const total = histogram.count + undelivered;
  if (total === 0) return Number.NaN;
  const rank = Math.max(1, Math.ceil(q * total));
  if (rank > histogram.count) return Number.POSITIVE_INFINITY;
  return histogram.percentile(rank / histogram.count);
}
