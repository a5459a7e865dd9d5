import { describe, expect, it } from 'vitest';
import { consoleLocales, englishConsole } from './_console-strings.js';
import { locales, stringsForLanguage } from './_i18n.js';
import { english } from './_strings.js';

/** One leaf of a strings table: its dotted key path and value. */
interface Leaf {
  path: string;
  value: unknown;
}

function leaves(table: object, prefix = ''): Leaf[] {
  return Object.entries(table).flatMap(([key, value]): Leaf[] => {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'object' && value !== null) return leaves(value, path);
    return [{ path, value }];
  });
}

/** Each family of tables: the English source and every language's table by subtag. */
const families: [string, object, Readonly<Record<string, object>>][] = [
  ['locale tables', english, locales],
  ['console locale tables', englishConsole, consoleLocales],
];

for (const [family, source, tables] of families) describe(family, () => {
  const englishLeaves = leaves(source);
  const translations = Object.entries(tables).filter(([language]) => language !== 'en');

  it('ship at least one language besides English', () => {
    expect(translations.length).toBeGreaterThan(0);
  });

  it('ship the same languages in every family', () => {
    expect(Object.keys(tables).sort()).toEqual(Object.keys(locales).sort());
  });

  for (const [language, table] of translations) {
    describe(language, () => {
      const translated = new Map(leaves(table).map((leaf) => [leaf.path, leaf.value]));

      it('has every English key', () => {
        const missing = englishLeaves
          .map((leaf) => leaf.path)
          .filter((path) => !translated.has(path));
        expect(missing).toEqual([]);
      });

      it('has no key that English lacks', () => {
        const known = new Set(englishLeaves.map((leaf) => leaf.path));
        const extra = [...translated.keys()].filter((path) => !known.has(path));
        expect(extra).toEqual([]);
      });

      it('matches the kind of every English value', () => {
        for (const { path, value } of englishLeaves) {
          const other = translated.get(path);
          expect(typeof other, path).toBe(typeof value);
          if (typeof value === 'function' && typeof other === 'function') {
            expect(other.length, `${path} parameters`).toBe(value.length);
          }
          if (typeof other === 'string') expect(other.trim(), path).not.toBe('');
        }
      });

      it('keeps the arguments of every message function', () => {
        for (const { path, value } of englishLeaves) {
          if (typeof value !== 'function') continue;
          // Every message function puts its one argument into the text, so 7 must show up.
          const other = translated.get(path) as (argument: number) => string;
          expect(other(7), path).toContain('7');
        }
      });
    });
  }
});

describe('stringsForLanguage', () => {
  it('picks German for de and its regions', () => {
    expect(stringsForLanguage('de')).toBe(locales['de']);
    expect(stringsForLanguage('de-AT')).toBe(locales['de']);
    expect(stringsForLanguage(' DE-ch ')).toBe(locales['de']);
  });

  it('falls back to English', () => {
    expect(stringsForLanguage('fr')).toBe(english);
    expect(stringsForLanguage('')).toBe(english);
    expect(stringsForLanguage('en-GB')).toBe(english);
  });
});
