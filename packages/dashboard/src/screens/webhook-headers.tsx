/**
 * The custom headers of a webhook: rows of a name and a value, added and removed one by one. Each
 * row is a group named "Header 1", "Header 2"…, so its two labelled inputs and its remove button are
 * read in context, and an API problem about `headers.X-Shop` shows under the row that holds X-Shop.
 */
import { useEffect, useRef } from 'preact/hooks';
import { errorIdOf, FieldError } from '../components/form.tsx';
import { useMessages } from '../i18n.ts';
import { emptyHeaderRow, type HeaderRow, headerRowId } from '../webhook-draft.ts';
import { webhookFormMessages as messages } from './webhook-form.messages.ts';

interface HeadersEditorProps {
  readonly id: string;
  readonly rows: readonly HeaderRow[];
  readonly onChange: (rows: HeaderRow[]) => void;
  /** Messages by input id: `id` for the whole list, `headerRowId(i)` for a row. */
  readonly errors: Readonly<Record<string, string>>;
}

/** The header rows with their add and remove buttons. */
export function HeadersEditor({ id, rows, onChange, errors }: HeadersEditorProps) {
  const t = useMessages(messages);
  const addButton = useRef<HTMLButtonElement>(null);
  // Where focus goes after the rows changed: into a new row, or back to "Add header" after a removal
  // (the button that was pressed is gone).
  const focusNext = useRef<'last-row' | 'add' | null>(null);
  const list = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (focusNext.current === 'last-row') {
      const inputs = list.current?.querySelectorAll<HTMLInputElement>('input[data-header-name]');
      inputs?.[inputs.length - 1]?.focus();
    } else if (focusNext.current === 'add') addButton.current?.focus();
    focusNext.current = null;
  }, [rows.length]);

  const update = (index: number, change: Partial<Pick<HeaderRow, 'name' | 'value'>>) =>
    onChange(rows.map((row, i) => (i === index ? { ...row, ...change } : row)));
  const error = errors[id];

  return (
    <fieldset
      id={id}
      class="headers-editor"
      aria-describedby={[`${id}-hint`, error ? errorIdOf(id) : ''].filter((s) => s !== '').join(' ')}
    >
      <legend>{t('headers')}</legend>
      <p class="hint" id={`${id}-hint`}>
        {t('headersHint')}
      </p>
      <FieldError id={id} message={error} />
      <div ref={list}>
        {rows.map((row, index) => {
          const rowId = headerRowId(index);
          const rowError = errors[rowId];
          const describedBy = rowError ? errorIdOf(rowId) : undefined;
          const number = index + 1;
          return (
            <fieldset class={rowError ? 'header-row has-error' : 'header-row'} key={row.key} id={rowId}>
              <legend class="visually-hidden">{t('headerRow', { number })}</legend>
              <div class="field">
                <label for={`${rowId}-name`}>{t('headerName')}</label>
                <input
                  type="text"
                  id={`${rowId}-name`}
                  data-header-name=""
                  value={row.name}
                  autoComplete="off"
                  spellcheck={false}
                  aria-invalid={rowError ? true : undefined}
                  aria-describedby={describedBy}
                  onInput={(event) => update(index, { name: event.currentTarget.value })}
                />
              </div>
              <div class="field">
                <label for={`${rowId}-value`}>{t('headerValue')}</label>
                <input
                  type="text"
                  id={`${rowId}-value`}
                  value={row.value}
                  autoComplete="off"
                  spellcheck={false}
                  aria-invalid={rowError ? true : undefined}
                  aria-describedby={describedBy}
                  onInput={(event) => update(index, { value: event.currentTarget.value })}
                />
              </div>
              <button
                type="button"
                class="secondary"
                onClick={() => {
                  focusNext.current = 'add';
                  onChange(rows.filter((_, i) => i !== index));
                }}
              >
                {t('removeHeader', { number })}
              </button>
              <FieldError id={rowId} message={rowError} />
            </fieldset>
          );
        })}
      </div>
      <button
        ref={addButton}
        type="button"
        class="secondary"
        onClick={() => {
          focusNext.current = 'last-row';
          onChange([...rows, emptyHeaderRow()]);
        }}
      >
        {t('addHeader')}
      </button>
    </fieldset>
  );
}
