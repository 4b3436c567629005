/**
 * Ordered delivery. An endpoint with `ordered` gets the events of one ordering key one after another,
 * in publish order, on each of its URLs: a lane is (endpoint, URL, key), and a lane has at most one
 * delivery under way, its head. The head is the one live delivery of the lane with a due time (due,
 * waiting for a retry, or being sent); the others wait with none (`next_attempt_at` NULL), so no claim
 * ever sees them. The stores keep this in the transactions that change a lane:
 *
 * - publishing: a delivery joins its lane as the head when the lane has no live delivery, else it waits
 *   (the lines of one order join in line order);
 * - an attempt result that ends the head (succeeded, finally failed, or cancelled by a 410) makes the
 *   lane's first waiting delivery, by publish order, the head, due at once;
 * - sending one again by hand, or recovering an endpoint's failed ones: they wait behind a live
 *   delivery of their lane, and the first of a lane with none becomes its head;
 * - an endpoint turning `ordered` off: every waiting delivery of it is due at once.
 *
 * Cancelling deliveries (an endpoint disabled, deleted or a URL removed) cancels whole lanes, so no
 * lane is left with waiting deliveries and no head. On PostgreSQL the transactions that change a lane
 * take a transaction lock on it first (see {@link lanesOf}), so two processes never both make a head.
 */

/** What places a delivery in a lane. */
export interface LaneMember {
  readonly endpointId: string;
  readonly url: string;
  readonly orderingKey: string | null;
}

/** The lane of a delivery as one string (for a lock or a map key); `undefined` when it is not ordered. */
export function laneOf(member: LaneMember): string | undefined {
  if (member.orderingKey === null) return undefined;
  return `${member.endpointId}\n${member.url}\n${member.orderingKey}`;
}

/** The lanes of these deliveries, each once, sorted: the order to lock them in, so no two lock holders wait on each other. */
export function lanesOf(members: Iterable<LaneMember>): string[] {
  const lanes = new Set<string>();
  for (const member of members) {
    const lane = laneOf(member);
    if (lane !== undefined) lanes.add(lane);
  }
  return [...lanes].sort();
}

/** For deliveries in publish order, whether each has an earlier one of its lane among them (it then waits). */
export function behindInBatch(members: readonly LaneMember[]): boolean[] {
  const seen = new Set<string>();
  return members.map((member) => {
    const lane = laneOf(member);
    if (lane === undefined) return false;
    if (seen.has(lane)) return true;
    seen.add(lane);
    return false;
  });
}
