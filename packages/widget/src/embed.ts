/**
 * Entry of the script-tag loader `porchlight.js`, a small classic script:
 *
 * ```html
 * <script src="https://cdn.example.org/porchlight.js" data-room="ROOM-ID"
 *   data-server="wss://relay.example.org" async></script>
 * ```
 *
 * With `data-room` it adds a floating `<porchlight-button>`, with `data-fallback-url` as its
 * `fallback-url`: a page such as a booking form, offered when no call can take place. Every
 * `<porchlight-button>` in the page first gets a light preview (`_preview.ts`) with the room's live presence. The call code
 * (`porchlight-call.js`, an ES module) is fetched with `<link rel="modulepreload">` when the
 * pointer or focus reaches a button or the browser is idle, and imported when the visitor
 * presses "Talk now". Pages with a bare `<porchlight-call-view>` import it at once. Pages with a
 * `<porchlight-console>` import the console chunk `porchlight-console.js` at once instead, which
 * visitors never download. The chunks and the E2EE worker `porchlight-e2ee-worker.js` load from
 * the folder of this script.
 */
import type { PorchlightButton } from './button.js';
import { WORKER_FILE_NAME } from './_config.js';
import { ButtonPreview, type PreviewHandlers } from './_preview.js';

/** File name of the visitor's call chunk, which the build places beside the loader. */
const CALL_CHUNK_FILE_NAME = 'porchlight-call.js';
/** File name of the therapist's console chunk, which the build places beside the loader. */
const CONSOLE_CHUNK_FILE_NAME = 'porchlight-console.js';

/** Milliseconds to wait for idle time before prefetching anyway. */
const IDLE_PREFETCH_TIMEOUT_MS = 5_000;

/** The exports of each chunk, as `embed-call.ts` and `embed-console.ts` define them. */
interface CallChunk {
  start(workerUrl: URL | null): void;
}

// `document.currentScript` is only set while this script first runs, async scripts included,
// so it is read once at the top level.
const script = document.currentScript instanceof HTMLScriptElement ? document.currentScript : null;
const assetBase = script?.src || document.baseURI;
const workerUrl = script?.src ? new URL(WORKER_FILE_NAME, script.src) : null;
const chunkUrl = new URL(CALL_CHUNK_FILE_NAME, assetBase);
const consoleChunkUrl = new URL(CONSOLE_CHUNK_FILE_NAME, assetBase);

const previews = new Map<Element, ButtonPreview>();
let chunk: Promise<CallChunk> | null = null;
let consoleChunk: Promise<CallChunk> | null = null;
let started = false;
let prefetched = false;

/** Adds `<link rel="modulepreload">` for the call chunk, once. It fetches without running. */
function prefetch(): void {
  if (prefetched || chunk) return;
  prefetched = true;
  const link = document.createElement('link');
  link.rel = 'modulepreload';
  link.href = chunkUrl.href;
  document.head.append(link);
}

/** Imports the call chunk once. A failed import is forgotten, so the next call retries it. */
function loadChunk(): Promise<CallChunk> {
  chunk ??= (import(chunkUrl.href) as Promise<CallChunk>).catch((error: unknown) => {
    chunk = null;
    reportLoadFailure(chunkUrl, error);
    throw error;
  });
  return chunk;
}

/**
 * Logs for the site's developer why a chunk did not load. The button shows the visitor a plain
 * message, and the likely causes are on the site's side: a missing file or missing CORS headers.
 */
function reportLoadFailure(url: URL, error: unknown): void {
  console.error(
    `Porchlight could not load ${url.href}. Serve it from the folder of porchlight.js, with ` +
      'CORS headers (Access-Control-Allow-Origin) when that folder is on another origin.',
    error,
  );
}

/** Imports the console chunk once and defines its elements. A failed import is retried later. */
function startConsole(): void {
  consoleChunk ??= (import(consoleChunkUrl.href) as Promise<CallChunk>).then(
    (module) => {
      module.start(workerUrl);
      return module;
    },
    (error: unknown) => {
      consoleChunk = null;
      reportLoadFailure(consoleChunkUrl, error);
      throw error;
    },
  );
  consoleChunk.catch(() => undefined);
}

/** Imports the call chunk, hands every preview's shadow root over and defines the elements. */
async function start(): Promise<void> {
  const module = await loadChunk();
  if (started) return;
  started = true;
  for (const preview of previews.values()) preview.dispose();
  previews.clear();
  module.start(workerUrl);
}

const handlers: PreviewHandlers = {
  talk(preview) {
    preview.setLoading(true);
    start().then(
      () => {
        // The upgraded element made its own client in connectedCallback. Opening its device
        // check is what the element's own "Talk now" click does.
        const button = preview.host as PorchlightButton;
        button.showDeviceCheck();
      },
      () => preview.setLoading(false, true),
    );
  },
  prefetch,
  fail(preview) {
    // The full element shows the failure with its usual text and a "Try again" button.
    start().catch(() => preview.setLoading(false, true));
  },
};

/** Gives every not yet upgraded `<porchlight-button>` under `root` a preview. */
function scan(root: ParentNode): void {
  if (started && consoleChunk) return;
  if (!consoleChunk && root.querySelector('porchlight-console')) startConsole();
  if (started) return;
  if (root.querySelector('porchlight-call-view')) {
    void start().catch(() => undefined);
    return;
  }
  for (const host of root.querySelectorAll<HTMLElement>('porchlight-button')) {
    if (!previews.has(host) && !host.shadowRoot) {
      previews.set(host, new ButtonPreview(host, handlers));
    }
  }
}

const observer = new MutationObserver((records) => {
  for (const record of records) {
    for (const node of record.addedNodes) {
      if (node instanceof Element) scan(node.parentNode ?? node);
    }
  }
});

function mountFloatingButton(room: string): void {
  const button = document.createElement('porchlight-button');
  button.setAttribute('floating', '');
  button.setAttribute('room', room);
  const server = script?.dataset['server'];
  if (server) button.setAttribute('server', server);
  const fallbackUrl = script?.dataset['fallbackUrl'];
  if (fallbackUrl) button.setAttribute('fallback-url', fallbackUrl);
  if (workerUrl) button.setAttribute('worker-url', workerUrl.href);
  document.body.append(button);
}

function boot(): void {
  if (customElements.get('porchlight-button')) {
    // Another copy of the elements is already defined, so they need no preview.
    void start().catch(() => undefined);
  }
  const room = script?.dataset['room'];
  if (room) mountFloatingButton(room);
  scan(document);
  // The observer stays on after the call chunk loads, because a console added later still needs
  // its own chunk.
  observer.observe(document.documentElement, { childList: true, subtree: true });

  if ('requestIdleCallback' in window) {
    requestIdleCallback(prefetch, { timeout: IDLE_PREFETCH_TIMEOUT_MS });
  } else {
    setTimeout(prefetch, IDLE_PREFETCH_TIMEOUT_MS);
  }
}

if (document.body) boot();
else document.addEventListener('DOMContentLoaded', boot, { once: true });
