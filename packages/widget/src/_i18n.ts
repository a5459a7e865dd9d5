import { german } from './_locales.js';
import { english, swapStrings, type Strings } from './_strings.js';

/** Every shipped language by its primary language subtag (BCP 47), English first. */
export const locales: Readonly<Record<string, Strings>> = { en: english, de: german };

/**
 * Returns the language that applies to `element`: the `lang` attribute of the element or its
 * nearest ancestor, looking through shadow roots to their hosts, else the document's.
 */
export function languageOf(element: Element): string {
  let current: Element | null = element;
  while (current) {
    const withLang = current.closest('[lang]');
    if (withLang) return withLang.getAttribute('lang') ?? '';
    const root = current.getRootNode();
    current = root instanceof ShadowRoot ? root.host : null;
  }
  return document.documentElement.lang;
}

/** Returns the table for a BCP 47 language tag, by its primary subtag, or English. */
export function stringsForLanguage(language: string): Strings {
  const primary = language.trim().toLowerCase().split('-')[0] ?? '';
  return locales[primary] ?? english;
}

/** Returns the table for the language that applies to `element`. */
export function stringsFor(element: Element): Strings {
  return stringsForLanguage(languageOf(element));
}

/**
 * Runs one synchronous render of `element` with `strings` from `_strings.ts` set to the
 * element's language, and restores the previous table afterwards, also when `render` throws.
 *
 * NOTE: a later change of a `lang` attribute shows only at the element's next update, because
 * nothing observes the attribute.
 */
export function renderInLanguage(element: Element, render: () => void): void {
  const previous = swapStrings(stringsFor(element));
  try {
    render();
  } finally {
    swapStrings(previous);
  }
}
