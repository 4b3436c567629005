/**
 * Which share of the endpoints a delivery worker serves when several processes deliver from one
 * database. Endpoint ids hash into 64 buckets; worker `index` of `count` live workers serves the buckets
 * `b` with `b % count === index`. One process per endpoint keeps the endpoint's concurrency cap and rate
 * limit whole across processes. Up to 64 workers share the work; more would find no bucket left.
 */

/** How many buckets endpoint ids hash into. */
export const ENDPOINT_BUCKETS = 64;

/** FNV-1a over the id's UTF-16 code units, as an unsigned 32-bit number. */
export function endpointHash(endpointId: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < endpointId.length; i++) {
    hash ^= endpointId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** The bucket (0 … 63) of an endpoint id: stored with each delivery, so claims read it from an index. */
export function endpointBucket(endpointId: string): number {
  return endpointHash(endpointId) % ENDPOINT_BUCKETS;
}

/** The partition (0 … count−1) an endpoint id falls in: its bucket's. */
export function endpointPartition(endpointId: string, count: number): number {
  return endpointBucket(endpointId) % count;
}

/** Whether any of `buckets` belongs to the partition (always, without one: a lone worker serves all). */
export function partitionServesAny(
  partition: { readonly index: number; readonly count: number } | undefined,
  buckets: readonly number[],
): boolean {
  return partition === undefined || buckets.some((bucket) => bucket % partition.count === partition.index);
}

/** The buckets of a partition; every bucket without one. */
export function bucketsOf(
  partition: { readonly index: number; readonly count: number } | undefined,
): number[] {
  const all = Array.from({ length: ENDPOINT_BUCKETS }, (_, bucket) => bucket);
  return partition === undefined ? all : all.filter((bucket) => bucket % partition.count === partition.index);
}
