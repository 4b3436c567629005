/**
 * Event type names and how an endpoint's `eventTypes` select events.
 * A name is dotted lower-case segments (`order.paid`, `subscription.payment_failed`); an endpoint may
 * list names, a family wildcard (`order.*`) or `*` for every event.
 *
 * An entry must select something the catalogue knows: a type of it, an alias of one (a seed
 * platform's own name, such as InPlayer's `payment.card.success`), or a wildcard that covers at least
 * one of its types. An alias is replaced by the types it stands for, so what an endpoint lists is
 * what its deliveries carry. A wildcard of a family without types (`orders.*`, or InPlayer's
 * `subscribe.*`, whose events arrive as `subscription.*`) would receive nothing, as a misspelt name
 * would, and is refused the same way.
 */
import { closestNames } from './closest-names.ts';

/** The shape of an event type name; also used as the JSON Schema `pattern`. */
export const EVENT_TYPE_PATTERN = '^[a-z0-9][a-z0-9_-]*(\\.[a-z0-9][a-z0-9_-]*)*$';

/** The shape of an entry of an endpoint's `eventTypes`. */
export const EVENT_TYPE_FILTER_PATTERN = '^(\\*|[a-z0-9][a-z0-9_-]*(\\.[a-z0-9][a-z0-9_-]*)*(\\.\\*)?)$';

/** The prefix of Hookline's own event types, which only Hookline publishes. */
export const HOOKLINE_TYPE_PREFIX = 'hookline.';

/**
 * Whether an endpoint subscribed to `filters` wants an event of `type`. `*` is every type but
 * Hookline's own (`hookline.*`), which an endpoint gets only by naming them or their family.
 */
export function wantsEventType(filters: readonly string[], type: string): boolean {
  for (const filter of filters) {
    if (filter === type) return true;
    if (filter === '*' && !type.startsWith(HOOKLINE_TYPE_PREFIX)) return true;
    if (filter.endsWith('.*') && type.startsWith(filter.slice(0, -1))) return true;
  }
  return false;
}

/** What an endpoint's `eventTypes` may name: the catalogue's types and their aliases. */
export interface KnownEventTypes {
  /** Every type of the catalogue, in its order (suggestions that tie keep it). */
  readonly names: ReadonlySet<string>;
  /** Each alias and the types it stands for. */
  readonly aliases: ReadonlyMap<string, readonly string[]>;
}

/** An endpoint's `eventTypes` as stored, or the first entry that selects nothing known. */
export type FiltersCheck =
  | { readonly ok: true; readonly filters: string[] }
  | {
      readonly ok: false;
      /** Where the entry is in the list. */
      readonly index: number;
      readonly filter: string;
      /** The known names closest to it (wildcards for a wildcard); empty when none is close. */
      readonly suggestions: string[];
    };

/**
 * Checks every entry of an endpoint's `eventTypes` (each already of
 * {@link EVENT_TYPE_FILTER_PATTERN}'s shape) and gives the list to store: aliases replaced by their
 * types, each entry once, in the order given.
 */
export function checkEventTypeFilters(filters: readonly string[], known: KnownEventTypes): FiltersCheck {
  const stored = new Set<string>();
  for (const [index, filter] of filters.entries()) {
    if (filter === '*' || known.names.has(filter)) {
      stored.add(filter);
      continue;
    }
    const types = known.aliases.get(filter);
    if (types !== undefined) {
      for (const type of types) stored.add(type);
      continue;
    }
    if (filter.endsWith('.*')) {
      if ([...known.names].some((name) => wantsEventType([filter], name))) {
        stored.add(filter);
        continue;
      }
      return { ok: false, index, filter, suggestions: closestNames(filter, familiesOf(known.names)) };
    }
    return {
      ok: false,
      index,
      filter,
      suggestions: closestNames(filter, [...known.names, ...known.aliases.keys()]),
    };
  }
  return { ok: true, filters: [...stored] };
}

/** Every family wildcard that covers one of `names`: `order.*` of `order.paid`; `a.*` and `a.b.*` of `a.b.c`. */
export function familiesOf(names: Iterable<string>): string[] {
  const families = new Set<string>();
  for (const name of names) {
    for (let dot = name.indexOf('.'); dot !== -1; dot = name.indexOf('.', dot + 1)) {
      families.add(`${name.slice(0, dot)}.*`);
    }
  }
  return [...families];
}
