/**
 * API errors on the operator console's screens. The console's routes answer 403 to anyone but the
 * operator; someone who reaches a console path with an account key or a portal link is told what the
 * screen needs, rather than only that something is not allowed.
 */
import { ApiError } from './api-client.ts';
import { defineMessages, useMessages } from './i18n.ts';
import { useProblemMessage } from './problem-message.ts';

const messages = defineMessages(
  {
    adminOnly: 'This screen belongs to the operator console: sign in with the admin token to see it.',
  },
  {
    adminOnly: 'Dit scherm hoort bij de beheerconsole: meld je aan met het beheertoken om het te zien.',
  },
);

/** Turns a caught error on a console screen into the sentence to show. */
export function useConsoleProblemMessage(): (error: unknown) => string {
  const t = useMessages(messages);
  const problem = useProblemMessage();
  return (error) => (error instanceof ApiError && error.status === 403 ? t('adminOnly') : problem(error));
}
