import { languageOf } from './_i18n.js';
import type { Strings } from './_strings.js';

/** The strings the loader's button preview shows, in the shape of the full tables. */
export interface PreviewStrings {
  button: Pick<
    Strings['button'],
    'talkNow' | 'checking' | 'notConfigured' | 'busy' | 'offline' | 'fallbackLink'
  >;
  unknownError: Strings['unknownError'];
}

/**
 * The preview's strings per shipped language, copied from `_strings.ts` and `_locales.ts` so that
 * the loader does not carry the full tables. A unit test checks that the copies match.
 */
export const previewLocales: Readonly<Record<string, PreviewStrings>> = {
  en: {
    button: {
      talkNow: 'Talk now',
      checking: 'Checking if your therapist is available…',
      notConfigured: 'Video calls are not available on this page right now',
      busy: 'Therapist is busy',
      offline: 'Therapist is offline',
      fallbackLink: 'Book a time instead',
    },
    unknownError: { message: 'Something went wrong.', action: 'Please try again in a moment.' },
  },
  de: {
    button: {
      talkNow: 'Jetzt sprechen',
      checking: 'Wir prüfen, ob die Praxis gerade erreichbar ist…',
      notConfigured: 'Videogespräche sind auf dieser Seite gerade nicht verfügbar',
      busy: 'Gerade im Gespräch',
      offline: 'Gerade nicht erreichbar',
      fallbackLink: 'Stattdessen einen Termin buchen',
    },
    unknownError: {
      message: 'Etwas ist schiefgelaufen.',
      action: 'Bitte versuchen Sie es gleich noch einmal.',
    },
  },
};

/** Returns the preview's strings for the language that applies to `element`, or English. */
export function previewStringsFor(element: Element): PreviewStrings {
  const primary = languageOf(element).trim().toLowerCase().split('-')[0] ?? '';
  return previewLocales[primary] ?? (previewLocales['en'] as PreviewStrings);
}
