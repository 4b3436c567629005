/**
 * How a claim splits its batch between accounts (SQLite runs it; PostgreSQL states the same in SQL,
 * see its `claim`): in rounds, each account with due work gets an equal part of what is left of the
 * batch, within its room; an account that had fewer due than its part drops out and leaves the rest to
 * the others. Each account's part is its deliveries due first.
 */

/** An account with due work, and how many of its deliveries the claim may take. */
export interface ClaimAccount {
  readonly accountId: string;
  readonly room: number;
}

/**
 * Reads the account's due deliveries in due order, skipping the first `offset`, at most `count`.
 * @returns their keys.
 */
export type ReadHeads<K> = (accountId: string, offset: number, count: number) => readonly K[];

/** The keys of the deliveries to claim, at most `limit`, split fairly between `accounts`. */
export function takeFairly<K>(accounts: readonly ClaimAccount[], limit: number, read: ReadHeads<K>): K[] {
  const taken: K[] = [];
  const takenOf = new Map<string, number>();
  let open = accounts.filter((account) => account.room > 0);
  while (taken.length < limit && open.length > 0) {
    const part = Math.max(1, Math.floor((limit - taken.length) / open.length));
    const stillOpen: ClaimAccount[] = [];
    for (const account of open) {
      const left = limit - taken.length;
      if (left <= 0) break;
      const already = takenOf.get(account.accountId) ?? 0;
      const want = Math.min(part, account.room - already, left);
      const heads = read(account.accountId, already, want);
      for (const key of heads) taken.push(key);
      takenOf.set(account.accountId, already + heads.length);
      // Fewer than asked: nothing more is due there.
      if (heads.length === want && already + heads.length < account.room) stillOpen.push(account);
    }
    open = stillOpen;
  }
  return taken;
}
