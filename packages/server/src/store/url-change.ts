/**
 * What a change of an endpoint's URLs does to its deliveries, the same in every store: one URL
 * replaced by one other takes its deliveries along (all not yet delivered, so "fix the URL, then
 * recover" sends to the fixed URL; their ordering lanes move with them); otherwise the live deliveries
 * of the removed URLs are cancelled (whole lanes, so no ordered delivery is left waiting).
 */
export type UrlChangePlan =
  | { readonly kind: 'retarget'; readonly from: string; readonly to: string }
  | { readonly kind: 'cancel'; readonly urls: readonly string[] }
  | { readonly kind: 'none' };

/** The plan for going from `before` to `after`. */
export function urlChangePlan(before: readonly string[], after: readonly string[]): UrlChangePlan {
  const removed = before.filter((url) => !after.includes(url));
  const added = after.filter((url) => !before.includes(url));
  if (removed.length === 1 && added.length === 1) {
    return { kind: 'retarget', from: removed[0] as string, to: added[0] as string };
  }
  return removed.length > 0 ? { kind: 'cancel', urls: removed } : { kind: 'none' };
}
