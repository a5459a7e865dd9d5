import { describe, expect, it } from 'vitest';
import { browserFamily, type BrowserFamily } from './_browser.js';
import { english } from './_strings.js';

// User-agent strings as these browsers send them. Safari itself cannot run here, so these
// strings are the only check that Safari users get the Safari help text.
const userAgents: Array<[string, string, BrowserFamily]> = [
  [
    'Safari 17 on macOS',
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) ' +
      'Version/17.4.1 Safari/605.1.15',
    'safari',
  ],
  [
    'Safari on iPhone',
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 ' +
      '(KHTML, like Gecko) Version/17.4.1 Mobile/15E148 Safari/604.1',
    'safari',
  ],
  [
    // iPadOS asks for desktop sites by default and then sends the macOS string.
    'Safari on iPad in desktop mode',
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) ' +
      'Version/18.1 Safari/605.1.15',
    'safari',
  ],
  [
    'Safari on iPad in mobile mode',
    'Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) ' +
      'Version/17.4 Mobile/15E148 Safari/604.1',
    'safari',
  ],
  [
    // Firefox and Edge on iOS use WebKit and Safari's settings do not apply to them.
    'Firefox on iPhone',
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 ' +
      '(KHTML, like Gecko) FxiOS/125.0 Mobile/15E148 Safari/605.1.15',
    'other',
  ],
  [
    'Edge on iPhone',
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 ' +
      '(KHTML, like Gecko) Version/17.0 EdgiOS/124.0.2478.89 Mobile/15E148 Safari/605.1.15',
    'other',
  ],
  [
    'an app web view on iPhone',
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 ' +
      '(KHTML, like Gecko) Mobile/15E148',
    'other',
  ],
  [
    'Chrome on iPhone',
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 ' +
      '(KHTML, like Gecko) CriOS/124.0.6367.88 Mobile/15E148 Safari/604.1',
    'chromium',
  ],
  [
    'Chrome on Windows',
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) ' +
      'Chrome/124.0.0.0 Safari/537.36',
    'chromium',
  ],
  [
    'Edge on Windows',
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) ' +
      'Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.80',
    'chromium',
  ],
  [
    'Chrome on Android',
    'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) ' +
      'Chrome/124.0.0.0 Mobile Safari/537.36',
    'chromium',
  ],
  [
    'Firefox on Linux',
    'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
    'firefox',
  ],
  [
    'Firefox on Android',
    'Mozilla/5.0 (Android 14; Mobile; rv:125.0) Gecko/125.0 Firefox/125.0',
    'firefox',
  ],
  ['an empty string', '', 'other'],
];

describe('browserFamily', () => {
  it.each(userAgents)('recognises %s', (_name, userAgent, family) => {
    expect(browserFamily(userAgent)).toBe(family);
  });
});

describe('mediaFix texts', () => {
  it('gives Safari users the Safari texts', () => {
    for (const [name, userAgent, family] of userAgents) {
      if (family !== 'safari') continue;
      for (const problem of ['denied', 'in-use', 'not-found'] as const) {
        const text = english.mediaFix[problem][browserFamily(userAgent)];
        expect(text, `${name}, ${problem}`).not.toBe(english.mediaFix[problem].other);
        expect(text, `${name}, ${problem}`).toMatch(/Safari|FaceTime|Mac/);
      }
    }
  });
});
