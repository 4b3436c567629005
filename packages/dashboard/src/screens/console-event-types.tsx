/**
 * The operator console's event catalogue at `/console/event-types`: every type the server knows
 * (`GET /v1/event-types`), grouped by family (the part of the name before the first dot, which says
 * what object the data carries), with a search over names, descriptions and aliases (the seed
 * platforms' own names for a type). Each type's JSON Schema and example open on demand, so the list
 * stays short enough to scan.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { ListPage } from '../api-client.ts';
import type { EventType } from '../api-types.ts';
import { FormAlert, TextField } from '../components/form.tsx';
import { useConsoleProblemMessage } from '../console-problem.ts';
import { defineMessages, useMessages } from '../i18n.ts';
import { common } from '../messages.ts';
import { useSession } from '../session.ts';

const messages = defineMessages(
  {
    title: 'Event types',
    intro:
      'The events this server knows, by family: what each one means, the JSON Schema its data follows and an example. Endpoints subscribe to a type by its name, or to a whole family with `family.*`.',
    search: 'Search',
    searchHint: 'Part of a name, an alias or a description, e.g. subscription.cancelled or refund.',
    count: '{shown} of {total} event types',
    noMatch: 'No event type matches “{query}”.',
    familyCount: '{count} types',
    familyCountOne: '1 type',
    registered: 'Added by the operator',
    aliases: 'Also accepted as',
    details: 'Schema and example',
    schema: 'JSON Schema of the data',
    example: 'Example data',
  },
  {
    title: 'Gebeurtenistypes',
    intro:
      'De gebeurtenissen die deze server kent, per familie: wat elk betekent, het JSON Schema dat de data volgt en een voorbeeld. Endpoints abonneren zich op een type met de naam, of op een hele familie met `familie.*`.',
    search: 'Zoeken',
    searchHint: 'Een deel van een naam, alias of omschrijving, bijv. subscription.cancelled of refund.',
    count: '{shown} van {total} gebeurtenistypes',
    noMatch: 'Geen gebeurtenistype komt overeen met “{query}”.',
    familyCount: '{count} types',
    familyCountOne: '1 type',
    registered: 'Toegevoegd door de beheerder',
    aliases: 'Ook geaccepteerd als',
    details: 'Schema en voorbeeld',
    schema: 'JSON Schema van de data',
    example: 'Voorbeelddata',
  },
);

/** The family of a type: the part of its name before the first dot (`order` of `order.paid`). */
export function familyOf(name: string): string {
  const dot = name.indexOf('.');
  return dot === -1 ? name : name.slice(0, dot);
}

/** Whether a type matches every word of a search, in its name, aliases or description (any case). */
export function matchesSearch(eventType: EventType, query: string): boolean {
  const words = query
    .toLowerCase()
    .split(/\s+/)
    .filter((word) => word !== '');
  const text = `${eventType.name} ${eventType.aliases.join(' ')} ${eventType.description}`.toLowerCase();
  return words.every((word) => text.includes(word));
}

/** The types by family, families and types in the order the server lists them. */
export function groupByFamily(types: readonly EventType[]): [family: string, types: EventType[]][] {
  const families = new Map<string, EventType[]>();
  for (const eventType of types) {
    const family = familyOf(eventType.name);
    const members = families.get(family);
    if (members) members.push(eventType);
    else families.set(family, [eventType]);
  }
  return [...families];
}

/** The event catalogue screen. */
export function ConsoleEventTypes() {
  const t = useMessages(messages);
  const tc = useMessages(common);
  const problem = useConsoleProblemMessage();
  const { api } = useSession();
  const [types, setTypes] = useState<EventType[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [query, setQuery] = useState('');

  useEffect(() => {
    let current = true;
    api.get<ListPage<EventType>>('/v1/event-types').then(
      (page) => current && setTypes(page.data),
      (failure: unknown) => current && setError(failure),
    );
    return () => {
      current = false;
    };
  }, [api]);

  const shown = useMemo(
    () => (types ?? []).filter((eventType) => matchesSearch(eventType, query)),
    [types, query],
  );
  const families = useMemo(() => groupByFamily(shown), [shown]);

  return (
    <>
      <h1>{t('title')}</h1>
      <p>{withCode(t('intro'))}</p>
      {error ? <FormAlert message={problem(error)} /> : null}
      {types === null && !error ? (
        <p class="loading" aria-busy="true">
          {tc('loading')}
        </p>
      ) : null}
      {types !== null ? (
        <>
          <div class="toolbar">
            <TextField
              id="event-type-search"
              label={t('search')}
              hint={t('searchHint')}
              type="search"
              value={query}
              onValue={setQuery}
            />
          </div>
          <p role="status" class="hint">
            {shown.length === 0 && query.trim() !== ''
              ? t('noMatch', { query: query.trim() })
              : t('count', { shown: shown.length, total: types.length })}
          </p>
          {families.map(([family, members]) => (
            <section key={family} class="event-family-section">
              <h2 id={`family-${family}`}>
                {family}
                <span class="family-count">
                  {members.length === 1 ? t('familyCountOne') : t('familyCount', { count: members.length })}
                </span>
              </h2>
              <ul class="event-type-list">
                {members.map((eventType) => (
                  <EventTypeEntry key={eventType.name} eventType={eventType} />
                ))}
              </ul>
            </section>
          ))}
        </>
      ) : null}
    </>
  );
}

/** One type: its name and description, and its schema and example behind a disclosure. */
function EventTypeEntry({ eventType }: { eventType: EventType }) {
  const t = useMessages(messages);
  const { name } = eventType;
  return (
    <li class="event-type-entry">
      <h3 class="event-type-name">
        <code>{name}</code>
        {eventType.origin === 'registered' ? <span class="badge off">{t('registered')}</span> : null}
      </h3>
      <p class="event-type-text">{withCode(eventType.description)}</p>
      {eventType.aliases.length > 0 ? (
        <p class="event-type-aliases">
          {t('aliases')}:{' '}
          {eventType.aliases.flatMap((alias, index) => [
            index > 0 ? ', ' : null,
            <code key={alias}>{alias}</code>,
          ])}
        </p>
      ) : null}
      <details class="event-type-details">
        <summary>
          {t('details')}
          <span class="visually-hidden"> – {name}</span>
        </summary>
        <JsonBlock id={`schema-${name}`} title={t('schema')} value={eventType.schema} />
        <JsonBlock id={`example-${name}`} title={t('example')} value={eventType.example} />
      </details>
    </li>
  );
}

/**
 * A description with its `backticked` names (fields, types, paths) set as code, the way the catalogue
 * writes them; as text, never as HTML.
 */
function withCode(text: string): ComponentChildren[] {
  const parts = text.split('`');
  // An unpaired backtick is a plain character, not the start of a name.
  if (parts.length % 2 === 0) return [text];
  return parts.map((part, index) => (index % 2 === 1 ? <code key={index}>{part}</code> : part));
}

/**
 * A JSON document under its heading. A long one scrolls inside its box, so the box takes the focus:
 * keyboard users can scroll it too.
 */
function JsonBlock({ id, title, value }: { id: string; title: string; value: unknown }) {
  return (
    <>
      <h4 id={id}>{title}</h4>
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling box must be reachable by keyboard to scroll */}
      <pre tabIndex={0} aria-describedby={id}>
        {JSON.stringify(value, null, 2)}
      </pre>
    </>
  );
}
