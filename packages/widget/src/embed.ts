/**
 * Entry of the script-tag bundle `porchlight.js`. It registers the elements and, when the script
 * tag has `data-room`, adds a floating "Talk now" button to the page:
 *
 * ```html
 * <script src="https://cdn.example.org/porchlight.js" data-room="dr-lee"
 *   data-server="wss://relay.example.org" async></script>
 * ```
 *
 * The E2EE worker is loaded from `porchlight-e2ee-worker.js` beside this script.
 */
import { WORKER_FILE_NAME, setDefaultWorkerUrl } from './_config.js';
import { defineElements } from './_define.js';

// `document.currentScript` is only set while this script first runs, async scripts included,
// so it is read once at the top level.
const script = document.currentScript instanceof HTMLScriptElement ? document.currentScript : null;

// The default must be set before the elements are defined: defining upgrades elements already in
// the page, and their connectedCallback resolves the worker URL at once.
const workerUrl = script?.src ? new URL(WORKER_FILE_NAME, script.src) : null;
if (workerUrl) setDefaultWorkerUrl(workerUrl);

defineElements();

const room = script?.dataset['room'];
if (room) {
  const server = script?.dataset['server'];
  const mount = (): void => {
    const button = document.createElement('porchlight-button');
    button.floating = true;
    button.setAttribute('room', room);
    if (server) button.setAttribute('server', server);
    if (workerUrl) button.setAttribute('worker-url', workerUrl.href);
    document.body.append(button);
  };

  if (document.body) mount();
  else document.addEventListener('DOMContentLoaded', mount, { once: true });
}
