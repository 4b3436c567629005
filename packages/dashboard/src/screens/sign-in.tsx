/**
 * Sign-in at `/`: one field, `Token`, for the operator's admin token (the console) or a merchant's
 * API key (that account's screens). The token is checked by asking the API who it belongs to.
 */
import { useState } from 'preact/hooks';
import { ApiError } from '../api-client.ts';
import { FormAlert, TextField } from '../components/form.tsx';
import { defineMessages, LOCALES, type Locale, useLocale, useMessages } from '../i18n.ts';
import { common } from '../messages.ts';

const messages = defineMessages(
  {
    title: 'Sign in to Hookline',
    intro:
      'Use the admin token for the operator console, or an account’s API key for that account’s webhooks.',
    token: 'Token',
    tokenHint: 'The admin token is printed when Hookline starts and saved in data/admin-token.',
    signIn: 'Sign in',
    signingIn: 'Signing in…',
    invalid: 'This token is not valid. Check that you copied all of it.',
    required: 'Enter a token.',
  },
  {
    title: 'Aanmelden bij Hookline',
    intro:
      'Gebruik het beheertoken voor de beheerconsole, of de API-sleutel van een account voor de webhooks van dat account.',
    token: 'Token',
    tokenHint: 'Het beheertoken verschijnt bij het starten van Hookline en staat in data/admin-token.',
    signIn: 'Aanmelden',
    signingIn: 'Aanmelden…',
    invalid: 'Dit token is niet geldig. Controleer of je het helemaal hebt gekopieerd.',
    required: 'Vul een token in.',
  },
);

/** The sign-in page; `ended` says a session ran out (an expired portal link or a revoked key). */
export function SignIn({ ended, onToken }: { ended: boolean; onToken: (token: string) => Promise<void> }) {
  const t = useMessages(messages);
  const tc = useMessages(common);
  const { locale, setLocale } = useLocale();
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    if (token.trim() === '') {
      setError(t('required'));
      return;
    }
    setBusy(true);
    setError(undefined);
    setFormError(null);
    try {
      await onToken(token.trim());
    } catch (failure) {
      if (failure instanceof ApiError && failure.status === 401) setError(t('invalid'));
      else setFormError(failure instanceof ApiError ? failure.message : String(failure));
      setBusy(false);
    }
  };

  return (
    <main class="sign-in" id="content">
      <div class="sign-in-language">
        <label for="language">{tc('language')}</label>
        <select id="language" value={locale} onChange={(e) => setLocale(e.currentTarget.value as Locale)}>
          {LOCALES.map((code) => (
            <option key={code} value={code}>
              {code === 'en' ? 'English' : 'Nederlands'}
            </option>
          ))}
        </select>
      </div>
      <h1>{t('title')}</h1>
      {ended ? (
        <div class="notice" role="status">
          {tc('sessionEnded')}
        </div>
      ) : null}
      <p>{t('intro')}</p>
      <form onSubmit={submit} noValidate>
        <FormAlert message={formError} />
        <TextField
          id="token"
          label={t('token')}
          type="password"
          value={token}
          onValue={setToken}
          error={error}
          hint={t('tokenHint')}
          autoComplete="current-password"
          required
        />
        <div class="actions">
          <button type="submit" disabled={busy}>
            {busy ? t('signingIn') : t('signIn')}
          </button>
        </div>
      </form>
    </main>
  );
}
