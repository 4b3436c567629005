/** Copies a text with one click, and says so. */
import { useState } from 'preact/hooks';
import { useMessages } from '../i18n.ts';
import { common } from '../messages.ts';

/** A button that copies `text`; `label` names what is copied for screen readers. */
export function CopyButton({ text, label }: { text: string; label: string }) {
  const t = useMessages(common);
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      // Clipboard access can be refused (an iframe without clipboard-write): select the text instead,
      // so Ctrl+C finishes the job.
      const field = document.querySelector<HTMLInputElement>(`[data-copy-source="${label}"]`);
      field?.select();
    }
    setCopied(true);
    setTimeout(() => setCopied(false), 2000);
  };
  return (
    <button
      type="button"
      class="secondary"
      aria-label={`${copied ? t('copied') : t('copy')}: ${label}`}
      onClick={copy}
    >
      {copied ? t('copied') : t('copy')}
      <span class="visually-hidden" aria-live="polite">
        {copied ? t('copied') : ''}
      </span>
    </button>
  );
}
