/**
 * Erasure of one customer (a GDPR request): which stored events mention the customer, and what is
 * left of them. An event mentions a customer when its data holds, anywhere:
 * - a `customerId` or `customer_id` property equal to the customer id;
 * - an object under a `customer` property whose `id` is the customer id;
 * - a string equal to the e-mail address (letter case and surrounding spaces aside).
 * Such an event's data is replaced whole by a tombstone: what else it holds (addresses, order lines,
 * names) is as personal as the id.
 */

/** Who is to be forgotten: at least one of the two. */
export interface ErasureCriteria {
  readonly customerId?: string | undefined;
  readonly email?: string | undefined;
}

/**
 * Texts that the stored JSON of every matching event contains, for a first cut in the database
 * (`LIKE`, ASCII letter case aside); {@link mentionsCustomer} then decides.
 */
export function erasureNeedles(criteria: ErasureCriteria): string[] {
  const needles: string[] = [];
  // As JSON writes them inside a string, without the quotes.
  if (criteria.customerId !== undefined) needles.push(JSON.stringify(criteria.customerId).slice(1, -1));
  if (criteria.email !== undefined) needles.push(JSON.stringify(criteria.email.trim()).slice(1, -1));
  return needles;
}

/** Whether event data (parsed JSON) mentions the customer. */
export function mentionsCustomer(value: unknown, criteria: ErasureCriteria): boolean {
  const email = criteria.email?.trim().toLowerCase();
  const visit = (node: unknown, key: string | undefined): boolean => {
    if (typeof node === 'string') {
      if (email !== undefined && node.trim().toLowerCase() === email) return true;
      return (
        criteria.customerId !== undefined &&
        (key === 'customerId' || key === 'customer_id') &&
        node === criteria.customerId
      );
    }
    if (typeof node !== 'object' || node === null) return false;
    if (Array.isArray(node)) return node.some((item) => visit(item, undefined));
    const record = node as Record<string, unknown>;
    if (key === 'customer' && criteria.customerId !== undefined && record['id'] === criteria.customerId)
      return true;
    return Object.entries(record).some(([childKey, child]) => visit(child, childKey));
  };
  return visit(value, undefined);
}

/** What an erased event's data becomes: no trace of the customer, and which erasure removed it. */
export function erasedData(erasureId: string, atMs: number): string {
  return JSON.stringify({ erased: { erasureId, at: new Date(atMs).toISOString() } });
}
