/**
 * A secret the API shows once (a new API key): in a read-only input the user can select, with a copy
 * button beside it and a note that it will not be shown again.
 */
import { useEffect, useRef } from 'preact/hooks';
import { CopyButton } from './copy-button.tsx';

interface ShownOnceKeyProps {
  readonly id: string;
  /** The input's label; the copy button names it too. */
  readonly label: string;
  readonly value: string;
  /** Says that the value is shown only this once. */
  readonly note: string;
}

/** A value to copy now or never. */
export function ShownOnceKey({ id, label, value, note }: ShownOnceKeyProps) {
  const input = useRef<HTMLInputElement>(null);
  // The key appears after a button press elsewhere on the page: focus moves to it, so a keyboard or
  // screen reader user lands on what they asked for, selected and ready to copy.
  useEffect(() => input.current?.focus(), [value]);
  return (
    <div class="field shown-once">
      <label for={id}>{label}</label>
      <div class="key-row">
        <input
          ref={input}
          id={id}
          type="text"
          readOnly
          value={value}
          data-copy-source={label}
          aria-describedby={`${id}-note`}
          autoComplete="off"
          spellcheck={false}
          // Selecting on focus makes Ctrl+C copy it all, for those who do not use the button.
          onFocus={(event) => event.currentTarget.select()}
        />
        <CopyButton text={value} label={label} />
      </div>
      <p class="hint" id={`${id}-note`}>
        {note}
      </p>
    </div>
  );
}
