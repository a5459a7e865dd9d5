import { describe, expect, it } from 'vitest';
import { locales } from './_i18n.js';
import { previewLocales } from './_preview-strings.js';

describe('previewLocales', () => {
  it('has a table for every shipped language and no other', () => {
    expect(Object.keys(previewLocales).sort()).toEqual(Object.keys(locales).sort());
  });

  it('copies each string from the full table of its language', () => {
    for (const [language, preview] of Object.entries(previewLocales)) {
      const full = locales[language];
      for (const [key, text] of Object.entries(preview.button)) {
        expect(text, `${language} button.${key}`).toBe(full?.button[key as keyof typeof preview.button]);
      }
      expect(preview.unknownError, `${language} unknownError`).toEqual(full?.unknownError);
    }
  });
});
