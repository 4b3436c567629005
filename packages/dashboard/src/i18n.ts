/**
 * The dashboard's languages: English and Dutch. Each screen keeps its own message catalogue beside
 * it (`defineMessages(en, nl)`), and the compiler refuses a Dutch catalogue that misses a key.
 */
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';

/** The languages the screens speak. */
export type Locale = 'en' | 'nl';
/** Every locale, in the order the language switch offers them. */
export const LOCALES: readonly Locale[] = ['en', 'nl'];

/** One catalogue: the English messages and their Dutch translations, key by key. */
export interface Catalogue<K extends string> {
  readonly en: Readonly<Record<K, string>>;
  readonly nl: Readonly<Record<K, string>>;
}

/** Declares a catalogue; `{name}` in a message is replaced by the parameter `name`. */
export function defineMessages<K extends string>(
  en: Readonly<Record<K, string>>,
  nl: Readonly<Record<K, string>>,
): Catalogue<K> {
  return { en, nl };
}

/** The locale in force and the way to change it. */
export interface LocaleState {
  readonly locale: Locale;
  readonly setLocale: (locale: Locale) => void;
}

/** Provided by the app shell. */
export const LocaleContext = createContext<LocaleState>({ locale: 'en', setLocale: () => {} });

/** Fills `{name}` placeholders. */
export function format(message: string, params: Readonly<Record<string, string | number>> = {}): string {
  return message.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

/** A translator for one catalogue in the current locale. */
export function useMessages<K extends string>(
  catalogue: Catalogue<K>,
): (key: K, params?: Readonly<Record<string, string | number>>) => string {
  const { locale } = useContext(LocaleContext);
  const messages = catalogue[locale];
  return (key, params) => format(messages[key], params);
}

/** The current locale. */
export function useLocale(): LocaleState {
  return useContext(LocaleContext);
}

const TAGS: Readonly<Record<Locale, string>> = { en: 'en-GB', nl: 'nl-NL' };

/** Dates and numbers as the locale writes them. */
export function useFormat() {
  const { locale } = useContext(LocaleContext);
  const tag = TAGS[locale];
  return {
    /** A date and time to the second, in the browser's time zone. */
    dateTime(iso: string | null): string {
      if (iso === null) return '–';
      return new Date(iso).toLocaleString(tag, { dateStyle: 'medium', timeStyle: 'medium' });
    },
    number(value: number, digits = 0): string {
      return value.toLocaleString(tag, { maximumFractionDigits: digits, minimumFractionDigits: digits });
    },
    percent(ratio: number): string {
      return ratio.toLocaleString(tag, { style: 'percent', maximumFractionDigits: 1 });
    },
  };
}

/** The locale a browser prefers, among ours. */
export function browserLocale(): Locale {
  return navigator.language.toLowerCase().startsWith('nl') ? 'nl' : 'en';
}
