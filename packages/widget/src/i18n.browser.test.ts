import { expect } from 'chai';
import './define.js';
import { languageOf } from './_i18n.js';
import { germanConsole } from './_console-strings.js';
import { german } from './_locales.js';
import { english } from './_strings.js';
import { getPart, mount } from './_test-helpers.js';

function talkButtonText(button: HTMLElement): string {
  return getPart(button, 'talk-button').textContent?.trim() ?? '';
}

describe('element language', () => {
  const documentLanguage = document.documentElement.lang;

  afterEach(() => {
    document.body.replaceChildren();
    document.documentElement.lang = documentLanguage;
  });

  it('follows the lang of an ancestor', async () => {
    const wrapper = document.createElement('div');
    wrapper.lang = 'de';
    const button = document.createElement('porchlight-button');
    wrapper.append(button);
    document.body.append(wrapper);
    await button.updateComplete;
    expect(talkButtonText(button)).to.equal(german.button.notConfigured);
  });

  it('prefers its own lang over the document', async () => {
    document.documentElement.lang = 'de';
    const button = document.createElement('porchlight-button');
    button.lang = 'en';
    await mount(button);
    expect(talkButtonText(button)).to.equal(english.button.notConfigured);
  });

  it('follows the document lang', async () => {
    document.documentElement.lang = 'de-AT';
    const console = await mount(document.createElement('porchlight-console'));
    expect(getPart(console, 'go-online').textContent?.trim()).to.equal(germanConsole.goOnline);
  });

  it('falls back to English for other languages', async () => {
    const button = document.createElement('porchlight-button');
    button.lang = 'fr';
    await mount(button);
    expect(talkButtonText(button)).to.equal(english.button.notConfigured);
  });

  it('reads lang through shadow roots', () => {
    const host = document.createElement('div');
    host.lang = 'de';
    const inner = document.createElement('span');
    host.attachShadow({ mode: 'open' }).append(inner);
    document.body.append(host);
    expect(languageOf(inner)).to.equal('de');
  });
});
