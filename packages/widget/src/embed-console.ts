/**
 * Entry of the console chunk `porchlight-console.js`: `<porchlight-console>` with the host
 * client, the stored identity and the knock tone, and `<porchlight-call-view>`, which the console
 * shows during a call. The script-tag loader `porchlight.js` imports it only when the page
 * contains a `<porchlight-console>`. Code it shares with the visitor's `porchlight-call.js` lands
 * in shared chunks, so a page with both downloads it once.
 */
import { PorchlightCallView } from './call-view.js';
import { PorchlightConsole } from './console.js';
import { setDefaultWorkerUrl } from './_config.js';

/**
 * Registers the console's elements that are not registered yet, which upgrades every one already
 * in the page. `workerUrl` becomes the default E2EE worker URL first, because upgraded elements
 * resolve it at once.
 */
export function start(workerUrl: URL | null): void {
  if (workerUrl) setDefaultWorkerUrl(workerUrl);
  if (!customElements.get('porchlight-call-view')) {
    customElements.define('porchlight-call-view', PorchlightCallView);
  }
  if (!customElements.get('porchlight-console')) {
    customElements.define('porchlight-console', PorchlightConsole);
  }
}
