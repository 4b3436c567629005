/**
 * A modal dialog on the browser's own `<dialog>`: it traps focus, closes on Escape and returns focus
 * to the button that opened it, with no script of ours for any of that.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { useMessages } from '../i18n.ts';
import { common } from '../messages.ts';

interface DialogProps {
  readonly title: string;
  readonly open: boolean;
  readonly onClose: () => void;
  readonly children: ComponentChildren;
  /** A wider dialog for long forms. */
  readonly wide?: boolean;
}

/** A modal dialog, shown while `open`. */
export function Dialog({ title, open, onClose, children, wide }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const t = useMessages(common);
  const titleId = `dialog-${title.replace(/\W+/g, '-').toLowerCase()}`;
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return (
    <dialog
      ref={ref}
      class={wide ? 'dialog wide' : 'dialog'}
      aria-labelledby={titleId}
      onClose={() => {
        if (open) onClose();
      }}
    >
      <header class="dialog-header">
        <h2 id={titleId}>{title}</h2>
        <button type="button" class="icon-button" aria-label={t('close')} onClick={onClose}>
          ×
        </button>
      </header>
      {open ? children : null}
    </dialog>
  );
}

interface ConfirmProps {
  readonly title: string;
  readonly message: string;
  readonly confirmLabel: string;
  readonly open: boolean;
  readonly onConfirm: () => void;
  readonly onCancel: () => void;
  readonly busy?: boolean;
  readonly error?: string | null;
}

/** Asks before something that cannot be undone. */
export function ConfirmDialog(props: ConfirmProps) {
  const t = useMessages(common);
  return (
    <Dialog title={props.title} open={props.open} onClose={props.onCancel}>
      <p>{props.message}</p>
      {props.error ? (
        <div class="form-alert" role="alert">
          {props.error}
        </div>
      ) : null}
      <div class="actions">
        <button type="button" class="danger" disabled={props.busy} onClick={props.onConfirm}>
          {props.confirmLabel}
        </button>
        <button type="button" class="secondary" onClick={props.onCancel}>
          {t('cancel')}
        </button>
      </div>
    </Dialog>
  );
}
