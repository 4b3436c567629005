/**
 * `application/x-www-form-urlencoded` bodies for endpoints with `format: "form"` (receivers built for
 * PayGate). Nested data becomes bracketed keys, `data[order][lines][0][productId]=prod_1`, which
 * PHP (`$_POST`), Rails (Rack) and Node's `qs` (Express `urlencoded({ extended: true })`) read
 * back into nested arrays and objects.
 */

/**
 * Encodes `value` as a form body with nested keys, in the order of its keys.
 *
 * Values: strings as they are, numbers, booleans and bigints via `String()`, `null` as an empty
 * value (`key=`); `undefined`, functions and symbols are skipped. Inside an array those become an
 * empty value instead, and so do `NaN` and `±Infinity` everywhere: the same as `JSON.stringify`,
 * which writes `null` for them, so a form body carries what a JSON body would.
 *
 * Limits of the format, for receivers to know:
 * - Empty arrays and empty objects (`"lines": []`, `"meta": {}`) have no form representation and
 *   are left out; the receiver sees the key missing. Inside an array, leaving one out also shifts
 *   the later elements down by one for `qs`, which compacts sparse arrays (PHP keeps the indices).
 * - Everything arrives as a string: `"quantity": 1` is read as `"1"`, `true` as `"true"`.
 * - `qs.parse` with its defaults reads an array of more than 20 elements (any index of 20 or more:
 *   `arrayLimit` is 20) as an object keyed `"0"`, `"1"` … unless the receiver raises `arrayLimit`.
 *   It also stops nesting after 5 levels (`depth`) and reads 1,000 parameters (`parameterLimit`).
 *   Frameworks that wrap it may pass their own limits. PHP's defaults are 64 levels
 *   (`max_input_nesting_level`) and 1,000 variables (`max_input_vars`).
 * - Receivers decode a key before splitting it on brackets, so a field name containing `[` or `]`
 *   is read as nesting (`qs` keeps a balanced pair, `"size [EU]"`, in the name). An object whose
 *   keys are `0`, `1` … is read as an array, an empty field name as an array append (`a[]`), and
 *   `qs` drops fields named like `Object.prototype` members (`constructor`, `toString`).
 *   PHP turns spaces and dots in a top-level name into `_`.
 */
export function encodeForm(value: Record<string, unknown>): string {
  const pairs: string[] = [];
  for (const key of Object.keys(value)) appendPairs(pairs, encodeComponent(key), value[key], false);
  return pairs.join('&');
}

// Brackets between name parts are written as they are, not as `%5B`/`%5D`: PHP, Rack and `qs`
// percent-decode a name before splitting it (qs even rewrites `%5B`/`%5D` to brackets first), so
// both spellings parse alike, and the literal one keeps delivery logs readable. Brackets inside a
// field name are still percent-encoded, so a receiver that splits before decoding can tell them
// apart.
function appendPairs(pairs: string[], name: string, value: unknown, inArray: boolean): void {
  if (typeof value === 'string') {
    pairs.push(`${name}=${encodeComponent(value)}`);
  } else if (typeof value === 'number') {
    pairs.push(`${name}=${Number.isFinite(value) ? encodeComponent(String(value)) : ''}`);
  } else if (typeof value === 'boolean' || typeof value === 'bigint') {
    pairs.push(`${name}=${String(value)}`);
  } else if (value === null) {
    pairs.push(`${name}=`);
  } else if (Array.isArray(value)) {
    value.forEach((element: unknown, index) => {
      appendPairs(pairs, `${name}[${index}]`, element, true);
    });
  } else if (typeof value === 'object') {
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      appendPairs(pairs, `${name}[${encodeComponent(key)}]`, record[key], false);
    }
  } else if (inArray) {
    // `undefined`, a function or a symbol: skipped as a field, a placeholder in an array.
    pairs.push(`${name}=`);
  }
}

/**
 * `encodeURIComponent`, which escapes `&`, `=`, `+`, `%`, `[`, `]`, spaces and all non-ASCII (as
 * UTF-8), and leaves only `A–Z a–z 0–9 - _ . ! ~ * ' ( )`, none of which means anything in a form.
 * A lone surrogate, which JSON text can carry (`"\ud800"`) but UTF-8 cannot, makes it throw; it is
 * sent as U+FFFD, as the URL Standard's form serializer does.
 */
function encodeComponent(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return encodeURIComponent(text.replace(LONE_SURROGATE, '\uFFFD'));
  }
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
