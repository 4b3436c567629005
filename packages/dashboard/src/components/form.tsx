/**
 * Form building blocks: a label tied to its input, a message beside the field the API named, and a
 * message above the form for errors that name no field. Inputs are controlled, so nothing the user
 * typed is lost when the API refuses it.
 */
import type { ComponentChildren, JSX } from 'preact';
import { useState } from 'preact/hooks';
import { ApiError } from '../api-client.ts';
import { useProblemMessage } from '../problem-message.ts';

/** Messages per field (the API's `field`, e.g. `url`), and one for the whole form. */
export interface FormErrors {
  readonly fields: Readonly<Record<string, string>>;
  readonly form: string | null;
}

const NO_ERRORS: FormErrors = { fields: {}, form: null };

/**
 * The errors of one form. `show(error, fieldOf)` puts the message beside the field the problem names;
 * `fieldOf` maps the API's field (`urls[2]`, `eventTypes`) to the form's own inputs, and a field the
 * form has no input for shows above the form.
 */
export function useFormErrors() {
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const message = useProblemMessage();
  return {
    errors,
    clear: () => setErrors(NO_ERRORS),
    show(error: unknown, fieldOf: (apiField: string) => string | undefined = (f) => f) {
      const text = message(error);
      const field = error instanceof ApiError && error.field !== undefined ? fieldOf(error.field) : undefined;
      setErrors(field === undefined ? { fields: {}, form: text } : { fields: { [field]: text }, form: null });
    },
  };
}

/** The id of a field's error message, for `aria-describedby`. */
export const errorIdOf = (id: string) => `${id}-error`;

/** A field's error message, beside the field. */
export function FieldError({ id, message }: { id: string; message: string | undefined }) {
  if (!message) return null;
  return (
    <p class="field-error" id={errorIdOf(id)}>
      {message}
    </p>
  );
}

/** An error of the whole form, announced to screen readers. */
export function FormAlert({ message }: { message: string | null | undefined }) {
  if (!message) return null;
  return (
    <div class="form-alert" role="alert">
      {message}
    </div>
  );
}

interface TextFieldProps {
  readonly id: string;
  readonly label: string;
  readonly value: string;
  readonly onValue: (value: string) => void;
  readonly error?: string | undefined;
  readonly hint?: string | undefined;
  readonly type?: 'text' | 'url' | 'password' | 'search' | 'datetime-local' | 'number';
  readonly placeholder?: string;
  readonly required?: boolean;
  readonly autoComplete?: string;
  readonly multiline?: boolean;
  readonly inputMode?: 'url' | 'text' | 'numeric';
}

/** A labelled text input with its hint and its error. */
export function TextField(props: TextFieldProps) {
  const describedBy = [props.hint ? `${props.id}-hint` : '', props.error ? errorIdOf(props.id) : '']
    .filter((id) => id !== '')
    .join(' ');
  const common = {
    id: props.id,
    name: props.id,
    value: props.value,
    placeholder: props.placeholder,
    required: props.required,
    'aria-invalid': props.error ? true : undefined,
    'aria-describedby': describedBy || undefined,
    onInput: (event: JSX.TargetedEvent<HTMLInputElement | HTMLTextAreaElement>) =>
      props.onValue(event.currentTarget.value),
  };
  return (
    <div class={props.error ? 'field has-error' : 'field'}>
      <label for={props.id}>{props.label}</label>
      {props.hint ? (
        <p class="hint" id={`${props.id}-hint`}>
          {props.hint}
        </p>
      ) : null}
      {props.multiline ? (
        <textarea {...common} rows={3} />
      ) : (
        <input
          {...common}
          type={props.type ?? 'text'}
          autoComplete={props.autoComplete ?? 'off'}
          inputMode={props.inputMode}
          spellcheck={false}
        />
      )}
      <FieldError id={props.id} message={props.error} />
    </div>
  );
}

interface CheckboxProps {
  readonly id: string;
  readonly label: ComponentChildren;
  readonly checked: boolean;
  readonly onChecked: (checked: boolean) => void;
  readonly hint?: string;
  readonly error?: string | undefined;
  /** Shown but not changeable (e.g. a type a chosen wildcard already covers). */
  readonly disabled?: boolean;
}

/** A checkbox with its label after it. */
export function Checkbox(props: CheckboxProps) {
  return (
    <div class="checkbox">
      <input
        type="checkbox"
        id={props.id}
        name={props.id}
        checked={props.checked}
        disabled={props.disabled}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={props.error ? errorIdOf(props.id) : props.hint ? `${props.id}-hint` : undefined}
        onChange={(event) => props.onChecked(event.currentTarget.checked)}
      />
      <label for={props.id}>{props.label}</label>
      {props.hint ? (
        <p class="hint" id={`${props.id}-hint`}>
          {props.hint}
        </p>
      ) : null}
      <FieldError id={props.id} message={props.error} />
    </div>
  );
}
