import { describe, expect, it } from 'vitest';
import { identityKeyEnglish, identityKeyLocales } from './_identity-key-strings.js';

const englishKeys = Object.keys(identityKeyEnglish).sort();

describe('key panel texts', () => {
  for (const [language, table] of Object.entries(identityKeyLocales)) {
    if (language === 'en') continue;

    it(`${language} has exactly the English keys`, () => {
      expect(Object.keys(table).sort()).toEqual(englishKeys);
    });

    it(`${language} translates every text`, () => {
      const untranslated = englishKeys.filter((key) => {
        const english = identityKeyEnglish[key as keyof typeof identityKeyEnglish];
        const translated = table[key as keyof typeof table];
        const sample = (text: unknown): unknown =>
          typeof text === 'function' ? (text as (value: number | string) => string)(12) : text;
        return sample(english) === sample(translated) && key !== 'passphrase';
      });
      expect(untranslated).toEqual([]);
    });
  }
});
