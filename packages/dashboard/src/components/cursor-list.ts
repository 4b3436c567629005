/**
 * Paging through an API list with its cursors: the API only goes forward (`nextCursor`), so the
 * cursors of the pages already seen are kept to go back. The logic is plain state, tested apart.
 */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { ListPage } from '../api-client.ts';

/** Where a paged list stands: the cursors that led to each page seen, and the next one. */
export interface CursorTrail {
  /** `cursors[i]` fetched page `i` (`undefined` for the first page). */
  readonly cursors: readonly (string | undefined)[];
  readonly next: string | null;
}

/** The trail of a list not fetched yet. */
export const START: CursorTrail = { cursors: [undefined], next: null };

/** The cursor of the page on show. */
export const currentCursor = (trail: CursorTrail) => trail.cursors[trail.cursors.length - 1];

/** After a page arrived: remember where the next one starts. */
export const arrived = (trail: CursorTrail, nextCursor: string | null): CursorTrail => ({
  ...trail,
  next: nextCursor,
});

/** Forward one page (only when there is one). */
export const forward = (trail: CursorTrail): CursorTrail =>
  trail.next === null ? trail : { cursors: [...trail.cursors, trail.next], next: null };

/** Back one page (the first page stays). */
export const back = (trail: CursorTrail): CursorTrail =>
  trail.cursors.length <= 1 ? trail : { cursors: trail.cursors.slice(0, -1), next: null };

/** A paged list: its items, where it stands, and the way to move. */
export interface CursorList<T> {
  readonly items: readonly T[];
  readonly loading: boolean;
  readonly error: unknown;
  readonly hasNext: boolean;
  readonly hasPrevious: boolean;
  readonly pageNumber: number;
  next(): void;
  previous(): void;
  reload(): void;
}

/**
 * Fetches pages of a list. `key` names the query (filters): when it changes, the list starts again at
 * its first page. Answers that arrive after a newer request are ignored.
 */
export function useCursorList<T>(
  fetchPage: (cursor: string | undefined) => Promise<ListPage<T>>,
  key: string,
): CursorList<T> {
  const [trail, setTrail] = useState<CursorTrail>(START);
  const [items, setItems] = useState<readonly T[]>([]);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const [reloads, setReloads] = useState(0);
  const request = useRef(0);
  const fetchRef = useRef(fetchPage);
  fetchRef.current = fetchPage;

  // `key` stands for the query: a new one starts over at the first page.
  useEffect(() => setTrail(START), [key]);

  const cursor = currentCursor(trail);
  const depth = trail.cursors.length;
  // Refetch when the page, the query or the reload count changes.
  useEffect(() => {
    const id = ++request.current;
    setLoading(true);
    fetchRef.current(cursor).then(
      (page) => {
        if (id !== request.current) return;
        setItems(page.data);
        setError(null);
        setLoading(false);
        setTrail((t) => arrived(t, page.nextCursor));
      },
      (failure: unknown) => {
        if (id !== request.current) return;
        setError(failure);
        setLoading(false);
      },
    );
  }, [cursor, depth, key, reloads]);

  return {
    items,
    loading,
    error,
    hasNext: trail.next !== null,
    hasPrevious: depth > 1,
    pageNumber: depth,
    next: useCallback(() => setTrail(forward), []),
    previous: useCallback(() => setTrail(back), []),
    reload: useCallback(() => setReloads((n) => n + 1), []),
  };
}
