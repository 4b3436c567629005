/**
 * The cursors the API hands out. The store's cursor says where a page ends and nothing else, so the
 * API seals it: it appends an HMAC-SHA256 tag over the list, the account and the store's cursor. A
 * cursor that was made up, edited or cut short, or that comes from another list or another account's
 * list, is refused with `invalid_cursor` before the store sees it, instead of answering some other
 * page.
 *
 * The key is derived from the admin token ({@link cursorKeyFrom}). Every process of a deployment has
 * the same one (PostgreSQL requires `HOOKLINE_ADMIN_TOKEN`; the embedded server keeps a generated
 * token in its data dir), so a cursor works after a restart and on any process, with nothing new to
 * store or configure. Changing the admin token ends the cursors handed out before: their clients
 * start again from the first page.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Page, PageRequest } from '../store/store.ts';
import { AppError } from './app-error.ts';

/** The lists the API pages through with cursors. */
export type CursorList =
  | 'accounts'
  | 'api-keys'
  | 'endpoints'
  | 'events'
  | 'deliveries'
  | 'erasures'
  | 'audit-log';

/**
 * The longest cursor the API can hand out: a store cursor (base64 of `p` and up to 15 digits, 22
 * characters), a dot and a tag of 22 characters. Longer text is refused before any work is done.
 */
export const MAX_CURSOR_LENGTH = 100;

// 16 bytes (128 bits) of the 32-byte HMAC: far beyond guessing, and a cursor stays short in a URL.
const TAG_BYTES = 16;
const SEPARATOR = '.';

/** Derives the cursor key from a secret every process of a deployment shares (the admin token). */
export function cursorKeyFrom(secret: string): Buffer {
  // A key of its own, so the tags are no oracle of anything else keyed by the token.
  return createHmac('sha256', secret).update('hookline list cursors v1').digest();
}

/** Seals the store's cursors for the API and opens them again. */
export class ListCursors {
  readonly #key: Buffer;

  /** @param key from {@link cursorKeyFrom}. */
  constructor(key: Buffer) {
    this.#key = key;
  }

  /**
   * The cursor the API hands out for a store cursor of `list` (of `accountId`; `null` for a list of
   * no account, the accounts).
   */
  seal(list: CursorList, accountId: string | null, storeCursor: string): string {
    return `${storeCursor}${SEPARATOR}${this.#tag(list, accountId, storeCursor)}`;
  }

  /**
   * The store cursor inside a cursor the API handed out for this list of this account.
   * @throws AppError `invalid_cursor` (field `cursor`) for anything else.
   */
  open(list: CursorList, accountId: string | null, cursor: string): string {
    const at = cursor.lastIndexOf(SEPARATOR);
    if (cursor.length > MAX_CURSOR_LENGTH || at <= 0) throw invalidCursor();
    const storeCursor = cursor.slice(0, at);
    const given = Buffer.from(cursor.slice(at + 1));
    const expected = Buffer.from(this.#tag(list, accountId, storeCursor));
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalidCursor();
    return storeCursor;
  }

  /**
   * One page of `list`: the request's cursor opened for the store, the answer's sealed for the caller.
   * `read` asks the store (or a use case over it) with store cursors.
   */
  async page<T>(
    list: CursorList,
    accountId: string | null,
    page: PageRequest,
    read: (page: PageRequest) => Promise<Page<T>>,
  ): Promise<Page<T>> {
    const cursor = page.cursor === undefined ? undefined : this.open(list, accountId, page.cursor);
    const result = await read({ limit: page.limit, cursor });
    return {
      items: result.items,
      nextCursor: result.nextCursor === null ? null : this.seal(list, accountId, result.nextCursor),
    };
  }

  #tag(list: CursorList, accountId: string | null, storeCursor: string): string {
    // Ids and list names hold no line break, so the three parts cannot be shifted into one another.
    return createHmac('sha256', this.#key)
      .update(`${list}\n${accountId ?? ''}\n${storeCursor}`)
      .digest()
      .subarray(0, TAG_BYTES)
      .toString('base64url');
  }
}

function invalidCursor(): AppError {
  return new AppError('invalid_cursor', 'cursor is not one this server issued for this list', 'cursor');
}
