/**
 * The dot paths an endpoint's `fields` can name, read from the JSON Schemas of event types: every
 * property, nested objects and the elements of lists included, the way the API's field projection
 * walks event data (a path goes through a list into every element, so `order.lines.productId`, never
 * `order.lines.0`). Pure, so the walk is tested without a browser.
 */
import type { JsonSchema } from './api-types.ts';

/** One path a user may choose. */
export interface SchemaPath {
  /** Field names joined by dots, from inside `data`: `order.customer.email`. */
  readonly path: string;
  /** The schema's `description` of that property, when it has one. */
  readonly description: string | undefined;
  /** Whether the path ends at an object or a list of objects (naming it sends all of it). */
  readonly hasChildren: boolean;
}

/** How deep paths go by default: `order.customer.email` and `order.lines.productId` are three deep. */
export const DEFAULT_DEPTH = 3;

// Names the API refuses as a path segment (they could reach an object's prototype).
const REFUSED_NAMES = new Set(['__proto__', 'constructor', 'prototype']);

type Schemaish = Readonly<Record<string, unknown>>;

const isObject = (value: unknown): value is Schemaish =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Follows a local JSON Pointer (`#/definitions/customer`, `#/$defs/line`) inside `root`. */
function resolvePointer(root: Schemaish, ref: string): Schemaish | undefined {
  if (ref === '#') return root;
  if (!ref.startsWith('#/')) return undefined;
  let node: unknown = root;
  for (const raw of ref.slice(2).split('/')) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (!isObject(node) || !Object.hasOwn(node, key)) return undefined;
    node = node[key];
  }
  return isObject(node) ? node : undefined;
}

/**
 * The properties a schema gives its objects, with `$ref`s followed and `allOf`/`anyOf`/`oneOf`
 * branches merged (a nullable object is often `anyOf: [{$ref}, {type: "null"}]`). A list's element
 * schema stands for the list, since paths go through lists. `seen` holds the refs being expanded, so
 * a schema that refers to itself stops instead of looping.
 */
function propertiesOf(
  schema: Schemaish,
  root: Schemaish,
  seen: ReadonlySet<string>,
): Map<string, { schema: Schemaish; seen: ReadonlySet<string> }> {
  const found = new Map<string, { schema: Schemaish; seen: ReadonlySet<string> }>();
  const visit = (node: Schemaish, refs: ReadonlySet<string>) => {
    const ref = node['$ref'];
    if (typeof ref === 'string') {
      if (refs.has(ref)) return;
      const target = resolvePointer(root, ref);
      if (target) visit(target, new Set([...refs, ref]));
      // Draft-07 ignores the siblings of `$ref`; later drafts read them, so read them too.
    }
    const properties = node['properties'];
    if (isObject(properties)) {
      for (const [name, child] of Object.entries(properties)) {
        if (isObject(child) && !found.has(name)) found.set(name, { schema: child, seen: refs });
      }
    }
    for (const keyword of ['allOf', 'anyOf', 'oneOf']) {
      const branches = node[keyword];
      if (Array.isArray(branches)) for (const branch of branches) if (isObject(branch)) visit(branch, refs);
    }
    const items = node['items'];
    if (isObject(items)) visit(items, refs);
    else if (Array.isArray(items)) for (const item of items) if (isObject(item)) visit(item, refs);
  };
  visit(schema, seen);
  return found;
}

/** The `description` of a property, following a `$ref` when the property has none of its own. */
function descriptionOf(schema: Schemaish, root: Schemaish): string | undefined {
  const own = schema['description'];
  if (typeof own === 'string' && own !== '') return own;
  const ref = schema['$ref'];
  if (typeof ref === 'string') {
    const target = resolvePointer(root, ref);
    const text = target?.['description'];
    if (typeof text === 'string' && text !== '') return text;
  }
  return undefined;
}

/**
 * Every path of one schema, parents before their children, in the order the schema lists its
 * properties, down to `maxDepth` segments. Names with a dot cannot be named by a path, and names the
 * API refuses are left out.
 */
export function schemaPaths(schema: JsonSchema, maxDepth: number = DEFAULT_DEPTH): SchemaPath[] {
  const root = schema as Schemaish;
  const paths: SchemaPath[] = [];
  const walk = (node: Schemaish, prefix: string, depth: number, seen: ReadonlySet<string>) => {
    for (const [name, child] of propertiesOf(node, root, seen)) {
      if (name === '' || name.includes('.') || REFUSED_NAMES.has(name)) continue;
      const path = prefix === '' ? name : `${prefix}.${name}`;
      const hasChildren = propertiesOf(child.schema, root, child.seen).size > 0;
      paths.push({ path, description: descriptionOf(child.schema, root), hasChildren });
      if (hasChildren && depth < maxDepth) walk(child.schema, path, depth + 1, child.seen);
    }
  };
  walk(root, '', 1, new Set());
  return paths;
}

/**
 * The paths of several schemas (the event types an endpoint takes) merged: each path once, in the
 * order first met, with the first description found for it.
 */
export function mergedSchemaPaths(
  schemas: readonly JsonSchema[],
  maxDepth: number = DEFAULT_DEPTH,
): SchemaPath[] {
  const merged = new Map<string, SchemaPath>();
  for (const schema of schemas) {
    for (const entry of schemaPaths(schema, maxDepth)) {
      const known = merged.get(entry.path);
      if (!known) merged.set(entry.path, entry);
      else if (known.description === undefined && entry.description !== undefined) {
        merged.set(entry.path, {
          ...known,
          description: entry.description,
          hasChildren: known.hasChildren || entry.hasChildren,
        });
      } else if (!known.hasChildren && entry.hasChildren)
        merged.set(entry.path, { ...known, hasChildren: true });
    }
  }
  return [...merged.values()];
}

/**
 * Whether an endpoint's `eventTypes` entry takes an event type: `*` takes all, `order.*` the
 * `order` family (and its deeper names), a name itself.
 */
export function filterTakes(filter: string, type: string): boolean {
  if (filter === '*' || filter === type) return true;
  return filter.endsWith('.*') && type.startsWith(filter.slice(0, -1));
}
