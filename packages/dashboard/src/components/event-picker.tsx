/**
 * The event picker: the catalogue of event types (`GET /v1/event-types`) as checkboxes grouped by
 * family (`order`, `invoice`, `cart`, … — the part of the name before the first dot), with a search
 * box, `*` for every event, and per family a wildcard (`order.*`) that also takes the types the
 * operator adds later. The value is what the API's `eventTypes` takes, so a form sends it as it is.
 * The search also finds a type by a platform's own name for it (InPlayer's `payment.card.success`
 * finds `payment.succeeded`); the type is what is chosen, as the API would store it anyway.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ApiClient } from '../api-client.ts';
import type { EventType } from '../api-types.ts';
import { defineMessages, useMessages } from '../i18n.ts';
import { useProblemMessage } from '../problem-message.ts';
import { useSession } from '../session.ts';
import { Checkbox, errorIdOf, FieldError } from './form.tsx';

const messages = defineMessages(
  {
    search: 'Search events',
    allEvents: 'All events',
    allEventsHint:
      'Every event type, including types added later (*); Hookline’s own notices about your webhooks (hookline.*) are chosen on their own.',
    allOfFamily: 'All {family} events',
    allOfFamilyHint: 'Includes {family} types added later ({wildcard}).',
    other: 'Other',
    alsoCalled: '{description} Also called {alias}.',
    notInCatalogue: 'Not in the catalogue: nothing arrives for it. Remove it to save the webhook.',
    savedAs: 'Another name for {names}; saved as that.',
    noMatch: 'No event type matches “{query}”.',
    selected: '{count} selected',
    loadFailed: 'The event types could not be loaded: {detail}',
    retry: 'Try again',
  },
  {
    search: 'Gebeurtenissen zoeken',
    allEvents: 'Alle gebeurtenissen',
    allEventsHint:
      'Elk gebeurtenistype, ook types die later worden toegevoegd (*); de meldingen van Hookline zelf over je webhooks (hookline.*) kies je apart.',
    allOfFamily: 'Alle {family}-gebeurtenissen',
    allOfFamilyHint: 'Ook {family}-types die later worden toegevoegd ({wildcard}).',
    other: 'Overig',
    alsoCalled: '{description} Ook {alias} genoemd.',
    notInCatalogue:
      'Staat niet in de catalogus: hiervoor komt niets binnen. Haal het weg om de webhook op te slaan.',
    savedAs: 'Een andere naam voor {names}; zo wordt het opgeslagen.',
    noMatch: 'Geen gebeurtenistype komt overeen met “{query}”.',
    selected: '{count} gekozen',
    loadFailed: 'De gebeurtenistypes konden niet worden geladen: {detail}',
    retry: 'Opnieuw proberen',
  },
);

// The catalogue changes only when the operator registers a type, so one request per page load is
// enough however many forms open. A failed request is forgotten, so the next picker asks again.
let catalogue: Promise<EventType[]> | null = null;

/** The event catalogue, fetched once per page. */
export function loadEventTypes(api: ApiClient): Promise<EventType[]> {
  if (catalogue === null) {
    catalogue = api.get<{ data: EventType[] }>('/v1/event-types').then(
      (body) => body.data,
      (error: unknown) => {
        catalogue = null;
        throw error;
      },
    );
  }
  return catalogue;
}

/** The catalogue for a component: `undefined` while loading. */
export function useEventTypes(): { types: EventType[] | undefined; error: unknown; retry: () => void } {
  const { api } = useSession();
  const [types, setTypes] = useState<EventType[] | undefined>();
  const [error, setError] = useState<unknown>(null);
  const [attempt, setAttempt] = useState(0);
  // `attempt` changing is what asks again after a failure.
  useEffect(() => {
    let live = true;
    setError(null);
    loadEventTypes(api).then(
      (data) => live && setTypes(data),
      (failure: unknown) => live && setError(failure),
    );
    return () => {
      live = false;
    };
  }, [api, attempt]);
  return { types, error, retry: () => setAttempt((n) => n + 1) };
}

/** The family of an event type: `order` for `order.paid`. */
export const familyOf = (name: string): string => name.split('.', 1)[0] ?? name;

/** An id fragment for an event type name (`order.paid` → `order-paid`, `*` → `all`). */
const slug = (name: string): string => (name === '*' ? 'all' : name.replace(/[^A-Za-z0-9_-]+/g, '-'));

interface EventPickerProps {
  /** Prefix of the ids inside; the id of the error message is `errorIdOf(id)`. */
  readonly id: string;
  readonly legend: string;
  readonly value: string[];
  readonly onChange: (types: string[]) => void;
  readonly error?: string | undefined;
}

/** A fieldset of event types to subscribe to. */
export function EventPicker({ id, legend, value, onChange, error }: EventPickerProps) {
  const t = useMessages(messages);
  const problem = useProblemMessage();
  const { types, error: loadError, retry } = useEventTypes();
  const [query, setQuery] = useState('');
  const box = useRef<HTMLDivElement>(null);
  const loaded = types !== undefined;
  // The list is long and scrolls: when it first appears with types already chosen (editing a
  // webhook), the first chosen one is scrolled into sight, so the user sees what the webhook takes.
  useEffect(() => {
    const list = box.current;
    const first = list?.querySelector<HTMLInputElement>('input:checked');
    if (!list || !first) return;
    const row = first.closest('.event-family') ?? first;
    list.scrollTop += row.getBoundingClientRect().top - list.getBoundingClientRect().top;
  }, [loaded]);

  const chosen = new Set(value);
  const all = chosen.has('*');
  const toggle = (name: string, on: boolean) => {
    // A wildcard takes over what it covers, so the value stays what the user means (`order.*`, not
    // `order.*` plus each order type), and unchecking the wildcard leaves its family unchosen.
    const family = name.endsWith('.*') ? name.slice(0, -2) : null;
    const rest = value.filter((v) => {
      if (v === name) return false;
      if (name === '*' && on) return false;
      if (family !== null && familyOf(v) === family) return false;
      return true;
    });
    onChange(on ? [...rest, name] : rest);
  };

  const needle = query.trim().toLowerCase();
  /** The alias the search found a type by, when not its name or description. */
  const aliasFound = (type: EventType): string | undefined =>
    needle === '' || type.name.toLowerCase().includes(needle)
      ? undefined
      : type.aliases.find((alias) => alias.includes(needle));
  const matches = (type: EventType) =>
    needle === '' ||
    type.name.toLowerCase().includes(needle) ||
    type.description.toLowerCase().includes(needle) ||
    aliasFound(type) !== undefined;

  const families = new Map<string, EventType[]>();
  for (const type of types ?? []) {
    const family = familyOf(type.name);
    families.set(family, [...(families.get(family) ?? []), type]);
  }
  const known = new Set((types ?? []).map((type) => type.name));
  const aliasOf = new Map<string, string[]>();
  for (const type of types ?? []) {
    for (const alias of type.aliases) aliasOf.set(alias, [...(aliasOf.get(alias) ?? []), type.name]);
  }
  // What an endpoint stored before the API checked its names may hold: an alias (saved as its
  // types) or a name the catalogue does not know (refused on save). Either stays visible here.
  const unknown = value.filter(
    (v) => v !== '*' && !known.has(v) && !(v.endsWith('.*') && families.has(v.slice(0, -2))),
  );
  const shown = [...families].map(([family, list]) => [family, list.filter(matches)] as const);
  const nothingShown = types !== undefined && needle !== '' && shown.every(([, list]) => list.length === 0);

  return (
    <fieldset
      class={error ? 'event-picker has-error' : 'event-picker'}
      id={id}
      aria-describedby={error ? errorIdOf(id) : undefined}
    >
      <legend>{legend}</legend>
      <FieldError id={id} message={error} />
      <div class="field event-search">
        <label for={`${id}-search`}>{t('search')}</label>
        <input
          type="search"
          id={`${id}-search`}
          value={query}
          autoComplete="off"
          spellcheck={false}
          onInput={(event) => setQuery(event.currentTarget.value)}
        />
      </div>
      <p class="hint" aria-live="polite">
        {t('selected', { count: value.length })}
        {value.length > 0 ? `: ${value.join(', ')}` : ''}
      </p>
      {loadError ? (
        <div class="form-alert" role="alert">
          {t('loadFailed', { detail: problem(loadError) })}{' '}
          <button type="button" class="link" onClick={retry}>
            {t('retry')}
          </button>
        </div>
      ) : null}
      <div class="event-families" ref={box}>
        <Checkbox
          id={`${id}-all`}
          label={t('allEvents')}
          hint={t('allEventsHint')}
          checked={all}
          onChecked={(on) => toggle('*', on)}
        />
        {types === undefined && !loadError ? <p class="hint">…</p> : null}
        {nothingShown ? <p class="empty">{t('noMatch', { query: query.trim() })}</p> : null}
        {shown.map(([family, list]) => {
          if (list.length === 0) return null;
          const wildcard = `${family}.*`;
          const familyChosen = all || chosen.has(wildcard);
          return (
            <fieldset class="event-family" key={family}>
              <legend>{family}</legend>
              <Checkbox
                id={`${id}-family-${slug(family)}`}
                label={t('allOfFamily', { family })}
                hint={t('allOfFamilyHint', { family, wildcard })}
                checked={familyChosen}
                disabled={all}
                onChecked={(on) => toggle(wildcard, on)}
              />
              {list.map((type) => (
                <Checkbox
                  key={type.name}
                  id={`${id}-type-${slug(type.name)}`}
                  label={type.name}
                  hint={
                    aliasFound(type) === undefined
                      ? type.description
                      : t('alsoCalled', { description: type.description, alias: aliasFound(type) ?? '' })
                  }
                  checked={familyChosen || chosen.has(type.name)}
                  disabled={familyChosen}
                  onChecked={(on) => toggle(type.name, on)}
                />
              ))}
            </fieldset>
          );
        })}
        {unknown.length > 0 ? (
          <fieldset class="event-family">
            <legend>{t('other')}</legend>
            {unknown.map((name) => (
              <Checkbox
                key={name}
                id={`${id}-type-${slug(name)}`}
                label={name}
                hint={
                  aliasOf.has(name)
                    ? t('savedAs', { names: (aliasOf.get(name) ?? []).join(', ') })
                    : t('notInCatalogue')
                }
                checked={true}
                onChecked={(on) => toggle(name, on)}
              />
            ))}
          </fieldset>
        ) : null}
      </div>
    </fieldset>
  );
}
