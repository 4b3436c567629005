/**
 * One-dimensional arrays in PostgreSQL's binary format (what `array_send` writes and `array_recv`
 * reads), for the array parameters of the statements that write many rows at once.
 *
 * The driver sends a JavaScript array as an array literal: every element quoted and escaped by two
 * regular-expression replacements, then concatenated into one string. For event payloads and the
 * bodies and headers of attempts, which are full of quotes, that was most of the main thread's
 * garbage on PostgreSQL. A `Buffer` parameter goes to the server as it is, in the binary format, and
 * the server reads it without looking for escapes. Each element is its length and its bytes.
 *
 * The element type's OID is part of the format and the server checks it against the parameter's type,
 * so each encoder matches one cast: `$n::text[]` takes {@link textArray}, `$n::bigint[]` {@link int8Array},
 * `$n::int[]` {@link int4Array}, `$n::smallint[]` {@link int2Array}, `$n::boolean[]` {@link boolArray}.
 */

// pg_type OIDs of the element types (fixed in PostgreSQL's catalog).
const BOOL_OID = 16;
const INT8_OID = 20;
const INT2_OID = 21;
const INT4_OID = 23;
const TEXT_OID = 25;

/** The header: dimensions, the has-nulls flag, the element type, then the one dimension's length and lower bound. */
const HEADER_BYTES = 20;
/** The header of an empty array: no dimension. */
const EMPTY_HEADER_BYTES = 12;
const NULL_LENGTH = -1;
const TWO_TO_THE_32 = 2 ** 32;

function header(buffer: Buffer, count: number, hasNull: boolean, oid: number): number {
  buffer.writeInt32BE(count === 0 ? 0 : 1, 0);
  buffer.writeInt32BE(hasNull ? 1 : 0, 4);
  buffer.writeInt32BE(oid, 8);
  if (count === 0) return EMPTY_HEADER_BYTES;
  buffer.writeInt32BE(count, 12);
  buffer.writeInt32BE(1, 16);
  return HEADER_BYTES;
}

/**
 * A `text[]`. A JavaScript string is written as UTF-8, as the driver writes a text parameter (a lone
 * surrogate becomes U+FFFD). PostgreSQL refuses U+0000 in text: the caller removes it first.
 */
export function textArray(values: readonly (string | null | undefined)[]): Buffer {
  let size = HEADER_BYTES;
  let hasNull = false;
  // Measured once: the lengths are written before the bytes, and measuring costs a scan of each string.
  const lengths = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (value == null) {
      hasNull = true;
      lengths[i] = NULL_LENGTH;
      size += 4;
    } else {
      const length = Buffer.byteLength(value, 'utf8');
      lengths[i] = length;
      size += 4 + length;
    }
  }
  const buffer = Buffer.allocUnsafe(size);
  let at = header(buffer, values.length, hasNull, TEXT_OID);
  for (let i = 0; i < values.length; i++) {
    const length = lengths[i] as number;
    at = buffer.writeInt32BE(length, at);
    if (length <= 0) continue;
    if (buffer.write(values[i] as string, at, length, 'utf8') !== length) {
      throw new Error('a string changed its UTF-8 length while it was written');
    }
    at += length;
  }
  return buffer.subarray(0, at);
}

/**
 * An array of a fixed-width type: `width` bytes per element that is not null, written big-endian.
 * One loop for every such type, switching on the width, rather than a writer passed in for each type:
 * this runs for every column of every group of rows, and a call through a shared parameter is slower.
 */
function fixedWidthArray(
  values: readonly (number | boolean | null | undefined)[],
  oid: number,
  width: 1 | 2 | 4 | 8,
): Buffer {
  let nulls = 0;
  // Index loops: iterators allocate.
  for (let i = 0; i < values.length; i++) if (values[i] == null) nulls++;
  if (values.length === 0) {
    const empty = Buffer.allocUnsafe(EMPTY_HEADER_BYTES);
    header(empty, 0, false, oid);
    return empty;
  }
  const buffer = Buffer.allocUnsafe(HEADER_BYTES + values.length * 4 + (values.length - nulls) * width);
  let at = header(buffer, values.length, nulls > 0, oid);
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (value == null) {
      at = buffer.writeInt32BE(NULL_LENGTH, at);
      continue;
    }
    at = buffer.writeInt32BE(width, at);
    if (width === 1) {
      if (typeof value !== 'boolean') throw new TypeError(`${String(value)} is not a boolean`);
      at = buffer.writeUInt8(value ? 1 : 0, at);
    } else if (width === 2) {
      at = buffer.writeInt16BE(integer(value, -(2 ** 15), 2 ** 15 - 1), at);
    } else if (width === 4) {
      at = buffer.writeInt32BE(integer(value, -(2 ** 31), 2 ** 31 - 1), at);
    } else {
      const n = integer(value, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
      // Two's complement in two halves: the high word signed, the low one unsigned.
      const high = Math.floor(n / TWO_TO_THE_32);
      at = buffer.writeInt32BE(high, at);
      at = buffer.writeUInt32BE(n - high * TWO_TO_THE_32, at);
    }
  }
  return buffer;
}

function integer(value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${String(value)} is not an integer from ${min} to ${max}`);
  }
  return value;
}

/** A `bigint[]` of safe integers (every `bigint` this schema keeps is one: see `BIGINT_AS_NUMBER`). */
export function int8Array(values: readonly (number | null | undefined)[]): Buffer {
  return fixedWidthArray(values, INT8_OID, 8);
}

/** An `int[]` (32-bit). */
export function int4Array(values: readonly (number | null | undefined)[]): Buffer {
  return fixedWidthArray(values, INT4_OID, 4);
}

/** A `smallint[]`. */
export function int2Array(values: readonly (number | null | undefined)[]): Buffer {
  return fixedWidthArray(values, INT2_OID, 2);
}

/** A `boolean[]`. */
export function boolArray(values: readonly (boolean | null | undefined)[]): Buffer {
  return fixedWidthArray(values, BOOL_OID, 1);
}
