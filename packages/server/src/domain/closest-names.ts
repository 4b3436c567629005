/**
 * The known names closest to a mistyped one, for error messages that say "did you mean order.paid?".
 * Closeness is an edit distance in which swapping two neighbouring characters costs one edit, like
 * inserting, deleting or replacing one: `oredr.paid`, `order.payd` and `orders.paid` are each one edit
 * from `order.paid`.
 */

/**
 * The number of single-character insertions, deletions, replacements and swaps of neighbours that
 * turn `a` into `b` (the optimal string alignment distance: no substring is edited twice).
 */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  // Three rows of the (a.length + 1) × (b.length + 1) table: the one before last is what a swap reads.
  let beforeLast: number[] = [];
  let last = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const replace = (last[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      let best = Math.min((last[j] as number) + 1, (row[j - 1] as number) + 1, replace);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, (beforeLast[j - 2] as number) + 1);
      }
      row.push(best);
    }
    beforeLast = last;
    last = row;
  }
  return last[b.length] as number;
}

/** How many names {@link closestNames} gives at most. */
export const MAX_SUGGESTIONS = 3;

/**
 * The candidates closest to `input`: those within reach, and at most one edit further than the
 * closest of them, closest first (ties in the order given), at most {@link MAX_SUGGESTIONS}. Within
 * reach is at most two edits, or two edits in five characters of the longer of the two names:
 * `subscribe.*` reaches `subscription.*` (5 edits, 14 characters), while `foo` reaches nothing of the
 * catalogue, where any suggestion would be noise. The second bound keeps a clear typo to its match:
 * `order.payd` gives `order.paid` (1 edit), not `order.created` (5 edits, in reach of its 13).
 */
export function closestNames(input: string, candidates: Iterable<string>): string[] {
  const near: { name: string; distance: number }[] = [];
  for (const name of new Set(candidates)) {
    const distance = editDistance(input, name);
    const reach = Math.max(2, Math.floor((Math.max(input.length, name.length) * 2) / 5));
    if (distance <= reach) near.push({ name, distance });
  }
  // Array.prototype.sort is stable, so names equally far keep the order they were given in.
  near.sort((x, y) => x.distance - y.distance);
  const closest = near[0]?.distance ?? 0;
  return near
    .filter((n) => n.distance <= closest + 1)
    .slice(0, MAX_SUGGESTIONS)
    .map((n) => n.name);
}
