/**
 * Which share of the endpoints a delivery worker serves when several processes deliver from one
 * database: endpoint ids are hashed into `count` partitions, and worker `index` (its position among
 * the live workers) claims only its own. One process per endpoint keeps the endpoint's concurrency cap
 * and rate limit whole across processes.
 */

/** The partition (0 … count−1) of an endpoint id: FNV-1a over the id's UTF-16 code units. */
export function endpointPartition(endpointId: string, count: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < endpointId.length; i++) {
    hash ^= endpointId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % count;
}
