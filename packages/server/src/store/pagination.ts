/**
 * Opaque list cursors. A cursor wraps the storage position of the last item of a page; callers
 * must not build one, so the encoding can change without breaking them. The API hands them out
 * signed and bound to their list and account (`app/list-cursors.ts`), so one that does not decode
 * here has passed that check: this is the second line of defence.
 */

/** Raised for a cursor this server did not issue. */
export class InvalidCursorError extends Error {
  override readonly name = 'InvalidCursorError';
}

/** Encodes a storage position. */
export function encodeCursor(position: number): string {
  return Buffer.from(`p${position}`).toString('base64url');
}

/** Decodes a cursor back to the storage position. */
export function decodeCursor(cursor: string): number {
  const text = Buffer.from(cursor, 'base64url').toString();
  if (!/^p\d{1,15}$/.test(text)) throw new InvalidCursorError('cursor is not one this server issued');
  return Number(text.slice(1));
}
