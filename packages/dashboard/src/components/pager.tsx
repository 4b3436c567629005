/** Previous and next buttons under a paged list. */
import { useMessages } from '../i18n.ts';
import { common } from '../messages.ts';
import type { CursorList } from './cursor-list.ts';

/** The buttons that move a {@link CursorList}; nothing when the list fits one page. */
export function Pager({ list, label }: { list: CursorList<unknown>; label: string }) {
  const t = useMessages(common);
  if (!list.hasNext && !list.hasPrevious) return null;
  return (
    <nav class="pager" aria-label={label}>
      <button
        type="button"
        class="secondary"
        disabled={!list.hasPrevious || list.loading}
        onClick={list.previous}
      >
        {t('previousPage')}
      </button>
      <span aria-live="polite">{list.pageNumber}</span>
      <button type="button" class="secondary" disabled={!list.hasNext || list.loading} onClick={list.next}>
        {t('nextPage')}
      </button>
    </nav>
  );
}
