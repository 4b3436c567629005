/**
 * How the API names a place in a JSON document: `events[2].data.order.total`, the way messages and docs
 * write fields, from the JSON Pointer (`/events/2/data/order/total`) that schema validators report.
 */

/** `/events/2/data` → `events[2].data`; `extra` names a property below the pointer (a missing one). */
export function fieldPathOf(instancePath: string, extra?: string): string {
  const parts = instancePath.split('/').filter((p) => p.length > 0);
  if (extra !== undefined) parts.push(extra);
  return parts
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((path, part) => (/^\d+$/.test(part) ? `${path}[${part}]` : path ? `${path}.${part}` : part), '');
}

/** Joins a prefix (`data`, `events[3].data`) and a path below it (`order.total`, `[0].id`). */
export function joinFieldPath(prefix: string, path: string): string {
  if (path === '') return prefix;
  if (prefix === '' || path.startsWith('[')) return `${prefix}${path}`;
  return `${prefix}.${path}`;
}
