/**
 * Entry of the call chunk `porchlight-call.js`: Lit, the elements, the call client, simple-peer
 * and the key agreement. The script-tag loader `porchlight.js` imports it when a visitor is about
 * to call or when the page contains an element that needs it at once, such as the console.
 */
import { setDefaultWorkerUrl } from './_config.js';
import { defineElements } from './_define.js';

/**
 * Registers the Porchlight elements, which upgrades every one already in the page. `workerUrl`
 * becomes the default E2EE worker URL first, because upgraded elements resolve it at once.
 */
export function start(workerUrl: URL | null): void {
  if (workerUrl) setDefaultWorkerUrl(workerUrl);
  defineElements();
}
