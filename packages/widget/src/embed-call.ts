/**
 * Entry of the visitor's call chunk `porchlight-call.js`: Lit, `<porchlight-button>`,
 * `<porchlight-call-view>`, the visitor's call client, simple-peer and the key agreement. The
 * script-tag loader `porchlight.js` imports it when a visitor is about to call or when the page
 * contains a bare `<porchlight-call-view>`. The therapist's console has its own entry,
 * `embed-console.ts`, so that visitors do not download it.
 */
import { PorchlightButton } from './button.js';
import { PorchlightCallView } from './call-view.js';
import { setDefaultWorkerUrl } from './_config.js';

/**
 * Registers the visitor's elements that are not registered yet, which upgrades every one already
 * in the page. `workerUrl` becomes the default E2EE worker URL first, because upgraded elements
 * resolve it at once.
 */
export function start(workerUrl: URL | null): void {
  if (workerUrl) setDefaultWorkerUrl(workerUrl);
  if (!customElements.get('porchlight-call-view')) {
    customElements.define('porchlight-call-view', PorchlightCallView);
  }
  if (!customElements.get('porchlight-button')) {
    customElements.define('porchlight-button', PorchlightButton);
  }
}
