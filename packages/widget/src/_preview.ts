import { MAX_TEXT_LENGTH, PROTOCOL_VERSION, type PresenceStatus } from '@porchlight/protocol';
import { baseCss } from './_base-css.js';
import { previewStringsFor } from './_preview-strings.js';
import { safeLink } from './_safe-link.js';
import type { ButtonPresence } from './button.js';

/**
 * Rules for the preview's own markup. They repeat the panel and floating rules of
 * `<porchlight-button>` so that the button looks the same before and after the call code loads.
 */
const previewRules = `
  :host { display: inline-block; }
  :host([floating]) {
    position: fixed;
    right: 1rem;
    bottom: 1rem;
    z-index: var(--porchlight-z-index, 2147483000);
    max-width: calc(100vw - 2rem);
  }
  .panel { display: flex; flex-direction: column; gap: 0.5rem; align-items: flex-start; }
  :host([floating]) .panel {
    padding: 0.75rem;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_surface);
    box-shadow: 0 0.5rem 1.5rem rgb(0 0 0 / 18%);
  }
  a { color: var(--_accent); font-weight: 600; }
  a:focus-visible { outline: 3px solid var(--_focus); outline-offset: 2px; }
`;

let sharedSheet: CSSStyleSheet | null = null;

/**
 * Returns the stylesheet every preview adopts. A constructed stylesheet passes a
 * Content-Security-Policy without 'unsafe-inline', where a `<style>` element would not.
 */
function previewSheet(): CSSStyleSheet {
  if (!sharedSheet) {
    sharedSheet = new CSSStyleSheet();
    sharedSheet.replaceSync(baseCss + previewRules);
  }
  return sharedSheet;
}

/** Callbacks through which a preview hands work to the loader. */
export interface PreviewHandlers {
  /** The visitor pressed "Talk now". */
  talk(preview: ButtonPreview): void;
  /** The pointer or focus reached the button, so the call code is likely needed soon. */
  prefetch(): void;
  /** The relay could not be reached or rejected the greeting: the full element must take over. */
  fail(preview: ButtonPreview): void;
}

/**
 * A stand-in for `<porchlight-button>` until the call code loads. It attaches the element's open
 * shadow root, shows the "Talk now" button with the room's live presence from its own
 * connection to the relay, and reflects `presence` as the full element does. `dispose()` empties
 * the shadow root, which Lit then renders into when the element upgrades.
 */
export class ButtonPreview {
  readonly host: HTMLElement;
  readonly #root: ShadowRoot;
  readonly #handlers: PreviewHandlers;
  readonly #button: HTMLButtonElement;
  readonly #status: HTMLDivElement;
  #socket: WebSocket | null = null;
  #presence: { status: PresenceStatus; message?: string } | null = null;
  #busyLoading = false;
  #disposed = false;

  constructor(host: HTMLElement, handlers: PreviewHandlers) {
    this.host = host;
    this.#handlers = handlers;
    this.#root = host.attachShadow({ mode: 'open' });
    this.#root.adoptedStyleSheets = [previewSheet()];

    const panel = document.createElement('div');
    panel.className = 'panel';
    panel.setAttribute('part', 'panel');
    this.#button = document.createElement('button');
    this.#button.className = 'primary';
    this.#button.type = 'button';
    this.#button.setAttribute('part', 'talk-button');
    this.#button.addEventListener('click', () => this.#handlers.talk(this));
    this.#status = document.createElement('div');
    this.#status.setAttribute('role', 'status');
    this.#status.setAttribute('aria-live', 'polite');
    panel.append(this.#button, this.#status);
    this.#root.append(panel);

    host.addEventListener('pointerenter', this.#handleIntent);
    host.addEventListener('focusin', this.#handleIntent);
    this.#connect();
    this.render();
  }

  /** Shows that the call code is loading after a click, or that it failed to load. */
  setLoading(loading: boolean, failed = false): void {
    this.#busyLoading = loading;
    this.render(failed);
  }

  /** Draws the button and status for the current presence, in the element's language. */
  render(loadFailed = false): void {
    if (this.#disposed) return;
    const text = previewStringsFor(this.host);
    const status = this.#presence?.status;
    const room = this.host.getAttribute('room');
    const server = this.host.getAttribute('server');

    let label = text.button.checking;
    if (!room || !server) label = text.button.notConfigured;
    else if (status === 'available') label = text.button.talkNow;
    else if (status === 'busy') label = text.button.busy;
    else if (status === 'offline') label = text.button.offline;
    this.#button.textContent = label;
    this.#button.disabled = status !== 'available' || this.#busyLoading;

    let hint: string | null = null;
    if (loadFailed) hint = `${text.unknownError.message} ${text.unknownError.action}`;
    else if (status !== 'available' && this.#presence?.message) hint = this.#presence.message;
    const content: HTMLElement[] = [];
    if (hint !== null) {
      const paragraph = document.createElement('p');
      paragraph.className = 'hint';
      paragraph.setAttribute('part', 'status');
      paragraph.textContent = hint;
      content.push(paragraph);
    }
    // When no call can start, the fallback page is the visitor's way on, as in the full element.
    const fallbackUrl = safeLink(this.host.getAttribute('fallback-url'));
    const blocked = loadFailed || status === 'busy' || status === 'offline';
    if (blocked && fallbackUrl !== null) {
      const link = document.createElement('a');
      link.setAttribute('part', 'fallback');
      link.href = fallbackUrl;
      link.target = '_top';
      link.textContent = text.button.fallbackLink;
      content.push(link);
    }
    this.#status.replaceChildren(...content);

    const presence: ButtonPresence = status ?? 'unknown';
    if (this.host.getAttribute('presence') !== presence) {
      this.host.setAttribute('presence', presence);
    }
  }

  /** Closes the relay connection and empties the shadow root for the full element. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.host.removeEventListener('pointerenter', this.#handleIntent);
    this.host.removeEventListener('focusin', this.#handleIntent);
    const socket = this.#socket;
    this.#socket = null;
    socket?.close(1000);
    this.#root.replaceChildren();
    this.#root.adoptedStyleSheets = [];
  }

  readonly #handleIntent = (): void => {
    this.#handlers.prefetch();
  };

  /** Opens the presence connection: the same `hello` as the visitor client, then `presence`. */
  #connect(): void {
    const room = this.host.getAttribute('room');
    const server = this.host.getAttribute('server');
    if (!room || !server) return;

    let socket: WebSocket;
    try {
      socket = new WebSocket(server);
    } catch {
      // An invalid relay URL: the full element reports it with the usual error text.
      queueMicrotask(() => this.#handlers.fail(this));
      return;
    }
    this.#socket = socket;
    socket.addEventListener('open', () => {
      const hello = { type: 'hello', version: PROTOCOL_VERSION, role: 'visitor', room };
      socket.send(JSON.stringify(hello));
    });
    socket.addEventListener('message', (event) => {
      const message = parsePresenceFrame(event.data);
      if (message === 'error') {
        socket.close();
      } else if (message) {
        this.#presence = message;
        this.render();
      }
    });
    socket.addEventListener('close', () => {
      if (this.#socket !== socket) return;
      this.#socket = null;
      this.#handlers.fail(this);
    });
  }
}

const PRESENCE_STATUSES: readonly unknown[] = [
  'available',
  'busy',
  'offline',
] satisfies PresenceStatus[];

/**
 * Reads one relay frame for the preview: a `presence` message, `'error'` for an `error` message,
 * or null for anything else. The checks match those of `parseServerMessage` for these two types,
 * which the loader does not bundle because of its size.
 */
function parsePresenceFrame(
  data: unknown,
): { status: PresenceStatus; message?: string } | 'error' | null {
  if (typeof data !== 'string') return null;
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const frame = value as Record<string, unknown>;
  if (frame['type'] === 'error') return 'error';
  if (frame['type'] !== 'presence' || !PRESENCE_STATUSES.includes(frame['status'])) return null;

  const status = frame['status'] as PresenceStatus;
  const message = frame['message'];
  if (message === undefined) return { status };
  if (typeof message !== 'string' || message.length > MAX_TEXT_LENGTH) return null;
  return { status, message };
}
