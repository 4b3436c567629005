/**
 * "Select data to include": the dot paths of the chosen event types' data as checkboxes (the
 * endpoint's `fields`). Nothing ticked sends all the data. Ticking an object takes all of it, so the
 * paths under it show as included and are not sent separately.
 */
import { useMemo, useState } from 'preact/hooks';
import { useEventTypes } from '../components/event-picker.tsx';
import { Checkbox, errorIdOf, FieldError } from '../components/form.tsx';
import { useMessages } from '../i18n.ts';
import { filterTakes, mergedSchemaPaths, type SchemaPath } from '../schema-paths.ts';
import { webhookFormMessages as messages } from './webhook-form.messages.ts';

interface DataFieldsPickerProps {
  readonly id: string;
  /** The endpoint's `eventTypes`: whose data is offered. */
  readonly eventTypes: readonly string[];
  readonly value: readonly string[];
  readonly onChange: (fields: string[]) => void;
  readonly error?: string | undefined;
}

/** An id fragment for a path. */
const slug = (path: string) => path.replace(/[^A-Za-z0-9_-]+/g, '-');

/** The paths of the data a webhook may select, as a fieldset of checkboxes. */
export function DataFieldsPicker({ id, eventTypes, value, onChange, error }: DataFieldsPickerProps) {
  const t = useMessages(messages);
  const { types } = useEventTypes();
  const [query, setQuery] = useState('');

  const typesKey = eventTypes.join(' ');
  // `typesKey` stands for `eventTypes`, a new array at each render.
  const offered = useMemo<SchemaPath[]>(() => {
    const schemas = (types ?? [])
      .filter((type) => eventTypes.some((filter) => filterTakes(filter, type.name)))
      .map((type) => type.schema);
    return mergedSchemaPaths(schemas);
  }, [types, typesKey]);

  const offeredPaths = new Set(offered.map((entry) => entry.path));
  // A path stored before (or typed through the API) that the chosen events do not describe stays
  // visible and ticked, so saving never drops it unseen.
  const extra: SchemaPath[] = value
    .filter((path) => !offeredPaths.has(path))
    .map((path) => ({ path, description: t('dataNotOffered'), hasChildren: false }));
  const all = [...offered, ...extra];

  const chosen = new Set(value);
  const parentOf = (path: string) => value.find((other) => path.startsWith(`${other}.`));
  const toggle = (path: string, on: boolean) => {
    const rest = value.filter((other) => other !== path && !(on && other.startsWith(`${path}.`)));
    onChange(on ? [...rest, path] : rest);
  };

  const needle = query.trim().toLowerCase();
  const shown = all.filter(
    (entry) =>
      needle === '' ||
      entry.path.toLowerCase().includes(needle) ||
      (entry.description ?? '').toLowerCase().includes(needle),
  );

  return (
    <fieldset
      id={id}
      class="data-fields"
      aria-describedby={[`${id}-hint`, error ? errorIdOf(id) : ''].filter((s) => s !== '').join(' ')}
    >
      <legend>{t('data')}</legend>
      <p class="hint" id={`${id}-hint`}>
        {all.length === 0 ? t('dataChooseEvents') : t('dataHint')}
      </p>
      <FieldError id={id} message={error} />
      {all.length > 0 ? (
        <>
          <div class="field">
            <label for={`${id}-search`}>{t('dataSearch')}</label>
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
            {t('dataChosen', { count: value.length })}
          </p>
          <div class="data-field-list">
            {shown.length === 0 ? <p class="empty">{t('dataNoMatch', { query: query.trim() })}</p> : null}
            {shown.map((entry) => {
              const parent = parentOf(entry.path);
              const depth = Math.min(entry.path.split('.').length, 4);
              return (
                <div class={`data-field depth-${depth}`} key={entry.path}>
                  <Checkbox
                    id={`${id}-${slug(entry.path)}`}
                    label={<code>{entry.path}</code>}
                    checked={chosen.has(entry.path) || parent !== undefined}
                    disabled={parent !== undefined}
                    {...(parent !== undefined
                      ? { hint: t('dataCovered', { parent }) }
                      : entry.description
                        ? { hint: entry.description }
                        : {})}
                    onChecked={(on) => toggle(entry.path, on)}
                  />
                </div>
              );
            })}
          </div>
        </>
      ) : null}
    </fieldset>
  );
}
