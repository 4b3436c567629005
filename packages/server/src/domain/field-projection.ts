/**
 * "Choose which data fields to include": an endpoint's `fields` are dot paths into the event data
 * (`order.id`, `order.customer.email`, `order.lines.productId`), and the endpoint receives only
 * those fields, in the shape they have in the event.
 */

/** The longest field path accepted, in characters. */
export const MAX_FIELD_PATH_LENGTH = 256;

/** The most segments a field path may have; event data is nowhere near this deep. */
export const MAX_FIELD_PATH_SEGMENTS = 32;

// Names that reach an object's prototype machinery rather than its data. A path through them could
// never name event data, and refusing them keeps projection clear of prototype pollution by design.
const FORBIDDEN_SEGMENTS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Checks one entry of an endpoint's `fields`. Returns `undefined` when the path is usable, else the
 * reason it is not, worded to follow the path in a message (`order..id has an empty segment …`).
 *
 * A path is field names joined by dots: non-empty segments, no leading or trailing dot, at most
 * {@link MAX_FIELD_PATH_SEGMENTS} segments and {@link MAX_FIELD_PATH_LENGTH} characters, and no
 * `__proto__`, `constructor` or `prototype` segment. A field whose name contains a dot cannot be
 * named.
 */
export function validateFieldPath(path: string): string | undefined {
  if (path === '') return 'is empty';
  if (path.length > MAX_FIELD_PATH_LENGTH) return `is longer than ${MAX_FIELD_PATH_LENGTH} characters`;
  const segments = path.split('.');
  if (segments.includes('')) {
    return 'has an empty segment (a path is field names joined by single dots, like order.customer.email)';
  }
  if (segments.length > MAX_FIELD_PATH_SEGMENTS) return `has more than ${MAX_FIELD_PATH_SEGMENTS} segments`;
  const forbidden = segments.find((segment) => FORBIDDEN_SEGMENTS.has(segment));
  if (forbidden !== undefined) return `uses "${forbidden}", which is not allowed as a field name`;
  return undefined;
}

/**
 * The part of `data` that `paths` name, in the shape of the original; with no paths, `data` itself.
 *
 * - Several paths merge: `order.id` and `order.total` give `{ order: { id, total } }`.
 * - A path that names an object or array keeps all of it; a shorter path wins over a longer one
 *   under it (`order` with `order.id` keeps the whole order).
 * - A path that does not exist in the data is absent from the result, and so is an object none of
 *   whose listed fields exist: `order.coupon.code` on an order without a coupon leaves no `order`.
 * - Arrays are passed through: the rest of the path applies to every element, and the array keeps
 *   its length so positions stay aligned with the original. An object element that holds none of
 *   the fields becomes `{}`, any other element (a string, a number, `null`) becomes `null`:
 *   `order.lines.productId` on two lines, the second without a product, gives
 *   `{ order: { lines: [{ productId: 'prod_1' }, {}] } }`. A segment never indexes an array.
 * - Paths that {@link validateFieldPath} refuses name nothing (so a list of only such paths gives
 *   `{}`, not everything).
 * - Fields keep the order they have in the data; only own properties are read.
 *
 * The result is `{}` when nothing matches or `data` is not an object. Kept values are shared with
 * `data`, not copied; `data` is never changed.
 */
export function projectFields(data: unknown, paths: readonly string[]): unknown {
  if (paths.length === 0) return data;
  return project(data, pathTree(paths)) ?? {};
}

/** The listed paths as a tree of segments; `whole` marks where a path ends. */
interface PathNode {
  whole: boolean;
  readonly children: Map<string, PathNode>;
}

function pathTree(paths: readonly string[]): PathNode {
  const root: PathNode = { whole: false, children: new Map() };
  for (const path of paths) {
    if (validateFieldPath(path) !== undefined) continue;
    let node = root;
    for (const segment of path.split('.')) {
      let child = node.children.get(segment);
      if (child === undefined) {
        child = { whole: false, children: new Map() };
        node.children.set(segment, child);
      }
      node = child;
    }
    node.whole = true;
  }
  return root;
}

/** The projection of `value` under `node`, or `undefined` when nothing listed exists there. */
function project(value: unknown, node: PathNode): unknown {
  if (node.whole) return value;
  if (Array.isArray(value)) {
    return value.map((element: unknown) => project(element, node) ?? (isRecord(element) ? {} : null));
  }
  if (!isRecord(value)) return undefined;
  let projected: Record<string, unknown> | undefined;
  // Walks the data's own keys, not the tree, so fields come out in the data's order and nothing
  // inherited is read. Keys reach `projected` only through tree nodes, which never hold a
  // forbidden segment, so `__proto__` is never assigned.
  for (const key of Object.keys(value)) {
    const child = node.children.get(key);
    if (child === undefined) continue;
    const kept = project(value[key], child);
    if (kept === undefined) continue;
    projected ??= {};
    projected[key] = kept;
  }
  return projected;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
