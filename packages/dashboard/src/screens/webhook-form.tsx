/**
 * The webhook form, for adding one (`POST …/endpoints`) and editing one (`PATCH …/endpoints/{id}`):
 * URL(s), name, events, plugs, the data to include, format, User-Agent and custom headers. The
 * inputs keep what the user typed whatever the API answers, and each problem shows beside the input
 * it names. A new webhook's signing secret is shown once, right after it is added.
 */
import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../api-client.ts';
import type { Endpoint, EndpointCreated } from '../api-types.ts';
import { EventPicker } from '../components/event-picker.tsx';
import { Checkbox, errorIdOf, FieldError, FormAlert, TextField, useFormErrors } from '../components/form.tsx';
import { ShownOnceKey } from '../components/shown-once-key.tsx';
import { useMessages } from '../i18n.ts';
import { common } from '../messages.ts';
import { useSession } from '../session.ts';
import {
  bodyOf,
  type DraftProblem,
  draftOf,
  draftProblem,
  INPUT,
  inputOfField,
  type WebhookDraft,
} from '../webhook-draft.ts';
import { DataFieldsPicker } from './webhook-data-fields.tsx';
import { webhookFormMessages as messages } from './webhook-form.messages.ts';
import { HeadersEditor } from './webhook-headers.tsx';

interface WebhookFormProps {
  readonly accountId: string;
  /** The webhook to edit, or `null` to add one. */
  readonly endpoint: Endpoint | null;
  /** After a save; `created` says a new webhook was added (the form then shows its secret). */
  readonly onSaved: (endpoint: Endpoint, created: boolean) => void;
  /** Cancel, or done after reading the new secret. */
  readonly onClose: () => void;
}

/**
 * Moves focus to the input a message is about, so a keyboard or screen reader user lands on it; a
 * group (the event picker, the header rows) gives focus to its first input.
 */
function focusInput(id: string): void {
  requestAnimationFrame(() => {
    const element = document.getElementById(id);
    if (!element) return;
    const target =
      element instanceof HTMLInputElement || element instanceof HTMLTextAreaElement
        ? element
        : element.querySelector<HTMLElement>('input:not([disabled]), textarea, select, button');
    target?.focus();
  });
}

/** The part of the draft an input holds (the header rows are all `headers`). */
function draftKeyOf(input: string): keyof WebhookDraft {
  switch (input) {
    case INPUT.url:
      return 'url';
    case INPUT.name:
      return 'name';
    case INPUT.events:
      return 'eventTypes';
    case INPUT.plugs:
      return 'plugs';
    case INPUT.fields:
      return 'fields';
    case INPUT.format:
      return 'format';
    case INPUT.ordered:
      return 'ordered';
    case INPUT.userAgent:
      return 'userAgent';
    default:
      return 'headers';
  }
}

/** The add or edit form, as the body of a dialog. */
export function WebhookForm({ accountId, endpoint, onSaved, onClose }: WebhookFormProps) {
  const t = useMessages(messages);
  const tc = useMessages(common);
  const { api } = useSession();
  const [draft, setDraft] = useState<WebhookDraft>(() => draftOf(endpoint));
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<EndpointCreated | null>(null);
  const { errors, clear, show } = useFormErrors();
  // The parts of the form changed since the last save attempt: their messages are out of date, so
  // they are hidden until the next save says again what is wrong.
  const [edited, setEdited] = useState<ReadonlySet<keyof WebhookDraft>>(new Set());
  const change = (patch: Partial<WebhookDraft>) => {
    setDraft((current) => ({ ...current, ...patch }));
    setEdited((current) => new Set([...current, ...(Object.keys(patch) as (keyof WebhookDraft)[])]));
  };
  // The dialog opens on its close button; the form starts at its first field instead.
  useEffect(() => focusInput(INPUT.url), []);

  const showDraftProblem = (problem: DraftProblem) => {
    const text = { required: t('url'), noEvents: t('noEvents'), headerName: t('headerNameMissing') }[
      problem.problem
    ];
    // The shared error display reads API problems; a problem found before asking the API is one too.
    const code = problem.problem === 'required' ? 'missing_field' : 'invalid_field';
    show(new ApiError({ status: 0, code, detail: text, field: problem.input }), (field) => field);
    focusInput(problem.input);
  };

  const submit = async (event: Event) => {
    event.preventDefault();
    clear();
    setEdited(new Set());
    const problem = draftProblem(draft);
    if (problem) {
      showDraftProblem(problem);
      return;
    }
    setBusy(true);
    const base = `/v1/accounts/${encodeURIComponent(accountId)}/endpoints`;
    try {
      if (endpoint === null) {
        const saved = await api.post<EndpointCreated>(base, bodyOf(draft));
        setCreated(saved);
        onSaved(saved, true);
      } else {
        const saved = await api.patch<Endpoint>(`${base}/${encodeURIComponent(endpoint.id)}`, bodyOf(draft));
        onSaved(saved, false);
      }
    } catch (failure) {
      const fieldOf = (field: string) => inputOfField(field, draft);
      show(failure, fieldOf);
      const field =
        failure instanceof ApiError && failure.field !== undefined ? fieldOf(failure.field) : undefined;
      if (field !== undefined) focusInput(field);
    } finally {
      setBusy(false);
    }
  };

  if (created) {
    return (
      <div class="webhook-created">
        <div class="notice success" role="status">
          {t('createdTitle')}
        </div>
        <p>{t('createdIntro')}</p>
        <ShownOnceKey
          id="webhook-new-secret"
          label={t('secret')}
          value={created.secret}
          note={t('secretNote')}
        />
        <div class="actions">
          <button type="button" onClick={onClose}>
            {t('done')}
          </button>
        </div>
      </div>
    );
  }

  const fieldErrors = Object.fromEntries(
    Object.entries(errors.fields).filter(([input]) => !edited.has(draftKeyOf(input))),
  );
  return (
    <form class="webhook-form" onSubmit={submit} noValidate>
      <TextField
        id={INPUT.url}
        label={t('url')}
        value={draft.url}
        onValue={(url) => change({ url })}
        error={fieldErrors[INPUT.url]}
        hint={t('urlHint')}
        inputMode="url"
        placeholder="https://"
        required
      />
      <TextField
        id={INPUT.name}
        label={t('name')}
        value={draft.name}
        onValue={(name) => change({ name })}
        error={fieldErrors[INPUT.name]}
        hint={t('nameHint')}
      />
      <EventPicker
        id={INPUT.events}
        legend={t('events')}
        value={[...draft.eventTypes]}
        onChange={(eventTypes) => change({ eventTypes })}
        error={fieldErrors[INPUT.events]}
      />
      <TextField
        id={INPUT.plugs}
        label={t('plugs')}
        value={draft.plugs}
        onValue={(plugs) => change({ plugs })}
        error={fieldErrors[INPUT.plugs]}
        hint={t('plugsHint')}
      />
      <DataFieldsPicker
        id={INPUT.fields}
        eventTypes={draft.eventTypes}
        value={draft.fields}
        onChange={(fields) => change({ fields })}
        error={fieldErrors[INPUT.fields]}
      />
      <FormatChoice
        value={draft.format}
        onChange={(format) => change({ format })}
        error={fieldErrors[INPUT.format]}
      />
      <Checkbox
        id={INPUT.ordered}
        label={t('ordered')}
        hint={t('orderedHint')}
        checked={draft.ordered}
        onChecked={(ordered) => change({ ordered })}
        error={fieldErrors[INPUT.ordered]}
      />
      <TextField
        id={INPUT.userAgent}
        label={t('userAgent')}
        value={draft.userAgent}
        onValue={(userAgent) => change({ userAgent })}
        error={fieldErrors[INPUT.userAgent]}
        hint={t('userAgentHint')}
      />
      <HeadersEditor
        id={INPUT.headers}
        rows={draft.headers}
        onChange={(headers) => change({ headers })}
        errors={fieldErrors}
      />
      <FormAlert message={errors.form} />
      <div class="actions">
        <button type="submit" disabled={busy}>
          {busy ? t('saving') : t('save')}
        </button>
        <button type="button" class="secondary" onClick={onClose}>
          {tc('cancel')}
        </button>
      </div>
    </form>
  );
}

/** JSON or form body, as a radio group. */
function FormatChoice({
  value,
  onChange,
  error,
}: {
  value: 'json' | 'form';
  onChange: (format: 'json' | 'form') => void;
  error: string | undefined;
}) {
  const t = useMessages(messages);
  const id = INPUT.format;
  const options = [
    { format: 'json', label: t('formatJson'), hint: t('formatJsonHint') },
    { format: 'form', label: t('formatForm'), hint: t('formatFormHint') },
  ] as const;
  return (
    <fieldset id={id} class="format-choice" aria-describedby={error ? errorIdOf(id) : undefined}>
      <legend>{t('format')}</legend>
      {options.map((option) => (
        <div class="checkbox" key={option.format}>
          <input
            type="radio"
            id={`${id}-${option.format}`}
            name={id}
            value={option.format}
            checked={value === option.format}
            aria-describedby={`${id}-${option.format}-hint`}
            onChange={() => onChange(option.format)}
          />
          <label for={`${id}-${option.format}`}>{option.label}</label>
          <p class="hint" id={`${id}-${option.format}-hint`}>
            {option.hint}
          </p>
        </div>
      ))}
      <FieldError id={id} message={error} />
    </fieldset>
  );
}
