import {
  isRoomId,
  VisitorClient,
  type Call,
  type PorchlightError,
  type PresenceDetail,
  type VisitorState,
} from '@porchlight/client';
import { LitElement, css, html, type PropertyValues, type TemplateResult } from 'lit';
import { ChangeController } from './_change-controller.js';
import { renderInLanguage } from './_i18n.js';
import { resolveWorkerUrl } from './_config.js';
import { strings, type ErrorText } from './_strings.js';
import { baseStyles } from './_styles.js';
import { PorchlightCallEndEvent, PorchlightCallStartEvent } from './events.js';

/** Value of the reflected `presence` attribute: the room's status, or `unknown` until known. */
export type ButtonPresence = PresenceDetail['status'] | 'unknown';

/**
 * The visitor's "Talk now" button. It connects to the relay when added to the page, shows
 * whether the therapist is available, and walks the visitor through waiting, the call and its
 * end.
 *
 * @tag porchlight-button
 *
 * @attr room - Room id of the therapist.
 * @attr server - WebSocket URL of the relay.
 * @attr worker-url - URL of `porchlight-e2ee-worker.js`. Optional.
 * @attr floating - Pins the button to the bottom-right corner of the window.
 * @attr presence - Reflected, read-only: `available`, `busy`, `offline` or `unknown`.
 *
 * @event porchlight-call-start - The therapist admitted the visitor and the call begins.
 * @event porchlight-call-end - The call is over, normally or because of a failure.
 *
 * @csspart panel - The box around everything the element shows.
 * @csspart talk-button - The main "Talk now" button.
 * @csspart status - The status text.
 * @csspart cancel - The button that withdraws a waiting knock.
 * @csspart close - The button that closes the "Call ended" or error notice.
 * @csspart retry - The "Try again" button after a failure.
 *
 * @cssproperty --porchlight-accent - Background of the main buttons.
 * @cssproperty --porchlight-accent-text - Text colour of the main buttons.
 * @cssproperty --porchlight-danger - Background of the hang-up button.
 * @cssproperty --porchlight-danger-text - Text colour of the hang-up button.
 * @cssproperty --porchlight-surface - Background of panels and secondary buttons.
 * @cssproperty --porchlight-text - Text colour.
 * @cssproperty --porchlight-muted-text - Colour of hints under the status.
 * @cssproperty --porchlight-border - Colour of borders.
 * @cssproperty --porchlight-radius - Corner radius.
 * @cssproperty --porchlight-focus-ring - Colour of the keyboard focus outline.
 * @cssproperty --porchlight-font - Font family.
 * @cssproperty --porchlight-z-index - Stacking order in floating mode.
 */
export class PorchlightButton extends LitElement {
  static override properties = {
    room: { type: String },
    server: { type: String },
    workerUrl: { type: String, attribute: 'worker-url' },
    floating: { type: Boolean, reflect: true },
  };

  static override styles = [
    baseStyles,
    css`
      :host {
        display: inline-block;
      }

      :host([floating]) {
        position: fixed;
        right: 1rem;
        bottom: 1rem;
        z-index: var(--porchlight-z-index, 2147483000);
        max-width: calc(100vw - 2rem);
      }

      .panel {
        display: flex;
        flex-direction: column;
        gap: 0.5rem;
        align-items: flex-start;
      }

      :host([floating]) .panel {
        padding: 0.75rem;
        border: 1px solid var(--_border);
        border-radius: var(--_radius);
        background: var(--_surface);
        box-shadow: 0 0.5rem 1.5rem rgb(0 0 0 / 18%);
      }

      .in-call {
        width: min(26rem, calc(100vw - 2rem));
      }

      .in-call porchlight-call-view {
        width: 100%;
      }

      .status {
        margin: 0;
        font-weight: 600;
      }

      .actions {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
      }
    `,
  ];

  /** Room id of the therapist. */
  declare room: string | null;
  /** WebSocket URL of the relay. */
  declare server: string | null;
  /** URL of the E2EE worker script. When null, the embed's or the package's default is used. */
  declare workerUrl: string | null;
  /** Pins the element to the bottom-right corner of the window. */
  declare floating: boolean;

  #client: VisitorClient | null = null;
  #ownsClient = false;
  /** Room, server and worker URL the owned client was made with, to notice when they change. */
  #clientKey: string | null = null;
  #lastState: VisitorState | null = null;
  /** True once the visitor closed the "Call ended" or error notice of the current state. */
  #dismissed = false;
  readonly #changes = new ChangeController(this, () => this.#handleClientChange());

  constructor() {
    super();
    this.room = null;
    this.server = null;
    this.workerUrl = null;
    this.floating = false;
  }

  /**
   * The visitor client behind the element. The element makes and closes its own client from
   * `room` and `server`. A client set here instead is used as it is and never closed by the
   * element.
   */
  get client(): VisitorClient | null {
    return this.#client;
  }

  set client(client: VisitorClient | null) {
    if (this.#ownsClient) this.#client?.close();
    this.#useClient(client, false);
    if (!client) this.#syncOwnedClient();
  }

  /** The current or last call, or null before the first call. */
  get call(): Call | null {
    return this.#client?.call ?? null;
  }

  /** The room's status as the button shows it. */
  get presence(): ButtonPresence {
    return this.#client?.presence?.status ?? 'unknown';
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // Changes of a set client while detached were not heard, so they fire no events now.
    this.#lastState = this.#client?.state ?? null;
    this.#syncOwnedClient();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    if (!this.#ownsClient) return;

    this.#client?.close();
    this.#useClient(null, false);
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('room') || changed.has('server') || changed.has('workerUrl')) {
      this.#syncOwnedClient();
    }
    if (this.getAttribute('presence') !== this.presence) {
      this.setAttribute('presence', this.presence);
    }
  }

  /** Renders in the language of the nearest `lang` attribute, or English. */
  protected override update(changed: PropertyValues<this>): void {
    renderInLanguage(this, () => super.update(changed));
  }

  protected override render(): TemplateResult {
    const state = this.#client?.state ?? 'idle';
    const inCall = state === 'in-call';
    return html`
      <div class="panel ${inCall ? 'in-call' : ''}" part="panel">${this.#renderState(state)}</div>
    `;
  }

  #renderState(state: VisitorState): TemplateResult {
    if (state === 'requesting-media') return this.#renderStatus(strings.button.requestingMedia);
    if (state === 'waiting') return this.#renderWaiting();
    if (state === 'in-call') {
      return html`<porchlight-call-view .call=${this.call}></porchlight-call-view>`;
    }
    if (state === 'ended' && !this.#dismissed) return this.#renderEnded();
    if (state === 'error' && !this.#dismissed) return this.#renderError();
    return this.#renderPresence();
  }

  #renderPresence(): TemplateResult {
    const presence = this.#client?.presence ?? null;
    const available = presence?.status === 'available';
    let label: string = strings.button.checking;
    if (!this.#client) label = strings.button.notConfigured;
    else if (presence?.status === 'available') label = strings.button.talkNow;
    else if (presence?.status === 'busy') label = strings.button.busy;
    else if (presence?.status === 'offline') label = strings.button.offline;

    const message = !available && presence?.message ? presence.message : null;
    return html`
      <button
        class="primary"
        part="talk-button"
        type="button"
        ?disabled=${!available}
        @click=${this.#handleTalkClick}
      >
        ${label}
      </button>
      <div role="status" aria-live="polite">
        ${message ? html`<p class="hint" part="status">${message}</p>` : ''}
      </div>
    `;
  }

  #renderStatus(text: string): TemplateResult {
    return html`
      <div role="status" aria-live="polite"><p class="status" part="status">${text}</p></div>
    `;
  }

  #renderWaiting(): TemplateResult {
    const position = this.#client?.queuePosition ?? null;
    return html`
      <div role="status" aria-live="polite">
        <p class="status" part="status">${strings.button.waiting}</p>
        ${position === null
          ? ''
          : html`<p class="hint">${strings.button.queuePosition(position)}</p>`}
      </div>
      <button part="cancel" type="button" @click=${this.#handleCancelClick}>
        ${strings.button.cancel}
      </button>
    `;
  }

  #renderEnded(): TemplateResult {
    return html`
      ${this.#renderStatus(strings.button.callEnded)}
      <button part="close" type="button" @click=${this.#handleDismissClick}>
        ${strings.button.close}
      </button>
    `;
  }

  #renderError(): TemplateResult {
    const error = this.#client?.error ?? null;
    const text: ErrorText = error ? strings.errors[error.code] : strings.unknownError;
    const retry = retryAction(error);
    return html`
      <div role="alert">
        <p class="status" part="status">${text.message}</p>
        <p class="hint">${text.action}</p>
      </div>
      <div class="actions">
        ${retry === 'dismiss'
          ? ''
          : html`
              <button class="primary" part="retry" type="button" @click=${this.#handleRetryClick}>
                ${strings.button.tryAgain}
              </button>
            `}
        <button part="close" type="button" @click=${this.#handleDismissClick}>
          ${strings.button.close}
        </button>
      </div>
    `;
  }

  /** Makes, replaces or drops the element's own client to match room, server and worker URL. */
  #syncOwnedClient(): void {
    if (!this.isConnected) return;
    if (this.#client && !this.#ownsClient) return;

    // A room that is no Ed25519 public key can never be verified, so it counts as not set.
    const room = isRoomId(this.room) ? this.room : null;
    const key = room && this.server ? `${room}\n${this.server}\n${this.workerUrl}` : null;
    if (key === this.#clientKey && this.#client) return;
    if (!key && !this.#client) return;

    this.#client?.close();
    if (!key || !room || !this.server) {
      this.#useClient(null, false);
      return;
    }

    const client = new VisitorClient({
      room,
      server: this.server,
      workerUrl: resolveWorkerUrl(this.workerUrl),
    });
    this.#useClient(client, true);
    this.#clientKey = key;
    client.connect();
  }

  #useClient(client: VisitorClient | null, owned: boolean): void {
    this.#client = client;
    this.#ownsClient = client !== null && owned;
    this.#clientKey = null;
    // Adopting a client is a change made in code, so its current state fires no event.
    this.#lastState = client?.state ?? null;
    this.#dismissed = false;
    this.#changes.target = client;
    this.requestUpdate();
  }

  #handleClientChange(): void {
    const client = this.#client;
    if (!client) return;

    const state = client.state;
    const previous = this.#lastState;
    this.#lastState = state;
    if (state !== previous) {
      this.#dismissed = false;
      if (state === 'in-call') {
        this.dispatchEvent(new PorchlightCallStartEvent({ callId: client.call?.callId ?? null }));
      } else if (previous === 'in-call') {
        this.dispatchEvent(
          new PorchlightCallEndEvent({
            callId: client.call?.callId ?? null,
            reason: client.call?.endReason ?? null,
            errorCode: state === 'error' ? (client.error?.code ?? null) : null,
          }),
        );
      }
    }
    this.requestUpdate();
  }

  #handleTalkClick(): void {
    this.#startCall();
  }

  #handleCancelClick(): void {
    this.#client?.cancel();
  }

  #handleDismissClick(): void {
    this.#dismissed = true;
    this.requestUpdate();
  }

  #handleRetryClick(): void {
    const action = retryAction(this.#client?.error ?? null);
    if (action === 'reconnect') this.#reconnect();
    else if (action === 'call') this.#startCall();
  }

  #startCall(): void {
    // The client reports every failure of startCall through `state` and `error`, which the
    // change listener renders, so the rejection carries nothing new.
    this.#client?.startCall().catch(() => undefined);
  }

  #reconnect(): void {
    if (!this.#client) return;
    if (!this.#ownsClient) {
      this.#client.connect();
      return;
    }
    this.#client.close();
    this.#useClient(null, false);
    this.#syncOwnedClient();
  }
}

/** Chooses what "Try again" does after an error: reconnect, knock again, or nothing. */
function retryAction(error: PorchlightError | null): 'reconnect' | 'call' | 'dismiss' {
  if (!error) return 'reconnect';
  switch (error.code) {
    case 'relay-unreachable':
    case 'relay-error':
      return 'reconnect';
    case 'media-denied':
    case 'media-not-found':
    case 'media-in-use':
    case 'media-failed':
    case 'call-failed':
      return 'call';
    case 'declined':
    case 'host-offline':
    case 'e2ee-unsupported':
    case 'identity-mismatch':
    case 'no-common-codec':
      return 'dismiss';
  }
}
