/**
 * An API error as a sentence in the screen's language: the codes a merchant meets while filling a
 * form have their own words; any other shows the API's `detail`, which is written for people too.
 */
import { ApiError } from './api-client.ts';
import { useMessages } from './i18n.ts';
import { common } from './messages.ts';

/** Turns a caught error into the sentence to show. */
export function useProblemMessage(): (error: unknown) => string {
  const t = useMessages(common);
  return (error) => {
    if (!(error instanceof ApiError)) return t('errorFallback', { detail: String(error) });
    switch (error.code) {
      case 'network_error':
        return t('errorNetwork');
      case 'not_found':
        return t('errorNotFound');
      case 'forbidden':
        return t('errorForbidden');
      case 'active_url_limit':
        return t('errorActiveUrlLimit', { limit: Number(error.problem['limit'] ?? 10) });
      case 'invalid_url':
        return `${t('errorInvalidUrl')} (${error.message})`;
      case 'endpoint_url_blocked':
        return t('errorBlockedUrl');
      case 'scope_forbidden':
        return t('errorScopeForbidden');
      case 'missing_field':
        return t('errorRequired');
      case 'unknown_event_type': {
        const suggestions = error.problem['suggestions'];
        const names = Array.isArray(suggestions) ? suggestions.join(', ') : '';
        const unknown = t('errorUnknownEventType');
        return names === '' ? unknown : `${unknown} ${t('errorDidYouMean', { names })}`;
      }
      default:
        return error.message;
    }
  };
}
