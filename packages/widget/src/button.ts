import {
  PorchlightError,
  VisitorClient,
  detectTransformApi,
  requestCallMedia,
  stopStream,
  type Call,
  type PresenceDetail,
  type VisitorState,
} from '@porchlight/client';
import { LitElement, css, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { browserFamily } from './_browser.js';
import { ChangeController } from './_change-controller.js';
import { renderInLanguage } from './_i18n.js';
import { resolveWorkerUrl } from './_config.js';
import { safeLink } from './_safe-link.js';
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
 * @attr fallback-url - A page to offer instead of a call (a booking page, say) when the
 *   therapist is offline or busy, this browser cannot encrypt calls, or a failure ends the visit
 *   that "Try again" cannot fix (a decline, an unknown room). Optional.
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
 * @csspart fallback - The link to the `fallback-url` page.
 * @csspart precheck - The camera and microphone check before joining.
 * @csspart name - The optional name field of the check.
 * @csspart preview - The camera preview of the check.
 * @csspart join - The button that knocks with camera and microphone.
 * @csspart join-audio-only - The button that knocks with the microphone only.
 * @csspart announcer - The visually hidden live region that announces status changes.
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
    fallbackUrl: { type: String, attribute: 'fallback-url' },
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

      /* A panel taller than the screen (a call on a phone) scrolls inside itself, so that its
         top stays reachable above the fixed bottom edge. */
      :host([floating]) .panel {
        max-height: calc(100vh - 2rem);
        max-height: calc(100dvh - 2rem);
        overflow-y: auto;
        overscroll-behavior: contain;
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

      .precheck {
        display: flex;
        flex-direction: column;
        gap: 0.5rem;
        width: min(22rem, calc(100vw - 2rem));
      }

      .precheck h2 {
        margin: 0;
        font-size: 1.05rem;
      }

      .precheck video {
        width: 100%;
        aspect-ratio: 4 / 3;
        border-radius: var(--_radius);
        background: var(--porchlight-video-background, #111418);
        object-fit: cover;
        transform: scaleX(-1);
      }

      label {
        font-weight: 600;
      }

      input {
        min-height: 2.75rem;
        padding: 0.5rem 0.75rem;
        border: 1px solid var(--_muted-text);
        border-radius: calc(var(--_radius) / 2);
        font: inherit;
      }

      input:focus-visible,
      a:focus-visible,
      [tabindex='-1']:focus-visible {
        outline: 3px solid var(--_focus);
        outline-offset: 2px;
      }

      a {
        color: var(--_accent);
        font-weight: 600;
      }

      .waiting-dot {
        display: inline-block;
        width: 0.6rem;
        height: 0.6rem;
        margin-right: 0.4rem;
        border-radius: 50%;
        background: var(--_accent);
        animation: porchlight-pulse 1.6s ease-in-out infinite;
      }

      @keyframes porchlight-pulse {
        50% {
          opacity: 0.3;
        }
      }

      @media (prefers-reduced-motion: reduce) {
        .waiting-dot {
          animation: none;
        }
      }

      @media (max-width: 30rem) {
        :host([floating]) {
          right: 0.5rem;
          bottom: 0.5rem;
          left: 0.5rem;
          max-width: none;
        }

        :host([floating]) .panel {
          max-height: calc(100vh - 1rem);
          max-height: calc(100dvh - 1rem);
        }

        .in-call,
        .precheck {
          width: 100%;
        }
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
  /** Page offered instead of a call when none can take place, or null. */
  declare fallbackUrl: string | null;

  #client: VisitorClient | null = null;
  #ownsClient = false;
  /** Room, server and worker URL the owned client was made with, to notice when they change. */
  #clientKey: string | null = null;
  #lastState: VisitorState | null = null;
  /** True once the visitor closed the "Call ended" or error notice of the current state. */
  #dismissed = false;
  /** The camera and microphone check before knocking, or null when it is not shown. */
  #precheck: { media: MediaStream | null; error: PorchlightError | null; audioOnly: boolean } | null =
    null;
  /** Focus target for the next render: the `data-focus` value of the element to focus. */
  #focusTarget: string | null = null;
  readonly #changes = new ChangeController(this, () => this.#handleClientChange());

  constructor() {
    super();
    this.room = null;
    this.server = null;
    this.workerUrl = null;
    this.floating = false;
    this.fallbackUrl = null;
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

  /**
   * Opens the camera and microphone check that comes before knocking, as a click on "Talk now"
   * does. The visitor knocks from there.
   */
  showDeviceCheck(): void {
    this.#openPrecheck(false);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // Changes of a set client while detached were not heard, so they fire no events now.
    this.#lastState = this.#client?.state ?? null;
    this.#syncOwnedClient();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#closePrecheck();
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
    this.#applyFocus();
  }

  /** Moves focus to the element marked `data-focus` for the pending target, once rendered. */
  #applyFocus(): void {
    const target = this.#focusTarget;
    if (target === null) return;
    const root = this.shadowRoot;
    const element = root?.querySelector<HTMLElement>(`[data-focus~="${target}"]`);
    if (!element) return;
    this.#focusTarget = null;
    if (target === 'call') {
      // The call view renders its own controls a frame later.
      const view = element as HTMLElement & { updateComplete?: Promise<boolean> };
      void (view.updateComplete ?? Promise.resolve(true)).then(() => {
        view.shadowRoot?.querySelector<HTMLElement>('[data-focus~="call"]')?.focus();
      });
      return;
    }
    element.focus();
  }

  /** Renders in the language of the nearest `lang` attribute, or English. */
  protected override update(changed: PropertyValues<this>): void {
    renderInLanguage(this, () => super.update(changed));
  }

  protected override render(): TemplateResult {
    const state = this.#client?.state ?? 'idle';
    const inCall = state === 'in-call';
    return html`
      <div class="panel ${inCall ? 'in-call' : ''}" part="panel">
        <div class="visually-hidden" part="announcer" role="status" aria-live="polite">
          ${this.#announcement(state)}
        </div>
        ${this.#renderState(state)}
      </div>
    `;
  }

  #renderState(state: VisitorState): TemplateResult {
    const busy = state === 'requesting-media' || state === 'waiting' || state === 'in-call';
    if (this.#precheck !== null && !busy && state !== 'reconnecting') {
      return this.#renderPrecheck();
    }
    if (state === 'requesting-media') return this.#renderStatus(strings.button.requestingMedia);
    if (state === 'waiting') return this.#renderWaiting();
    if (state === 'reconnecting') return this.#renderReconnecting();
    if (state === 'in-call') {
      return html`
        <porchlight-call-view data-focus="call" .call=${this.call}></porchlight-call-view>
      `;
    }
    if (state === 'ended' && !this.#dismissed) return this.#renderEnded();
    if (state === 'error' && !this.#dismissed) return this.#renderError();
    return this.#renderPresence();
  }

  /** The sentence the live region announces for the current state. */
  #announcement(state: VisitorState): string {
    if (this.#precheck !== null && this.#precheck.error !== null) {
      return strings.errors[this.#precheck.error.code].message;
    }
    switch (state) {
      case 'requesting-media':
        return strings.button.requestingMedia;
      case 'waiting':
        return this.#client?.waitMessage !== null && this.#client?.waitMessage !== undefined
          ? strings.button.askedToWait
          : strings.button.waiting;
      case 'reconnecting':
        return strings.button.reconnecting;
      case 'in-call':
        return strings.call.connecting;
      case 'ended':
        return strings.button.endedHeading;
      case 'error': {
        const error = this.#client?.error;
        return error ? strings.errors[error.code].message : strings.unknownError.message;
      }
      default:
        return '';
    }
  }

  #renderPresence(): TemplateResult {
    const client = this.#client;
    const presence = client?.presence ?? null;
    const available = presence?.status === 'available';
    let label: string = strings.button.checking;
    if (!client || client.error?.code === 'room-unknown') label = strings.button.notConfigured;
    else if (presence?.status === 'available') label = strings.button.talkNow;
    else if (presence?.status === 'busy') label = strings.button.busy;
    else if (presence?.status === 'offline') label = strings.button.offline;

    const canEncrypt = detectTransformApi() !== null;
    const message = !available && presence?.message ? presence.message : null;
    const offerFallback =
      presence?.status === 'busy' || presence?.status === 'offline' || (available && !canEncrypt);
    return html`
      <button
        class="primary"
        part="talk-button"
        type="button"
        data-focus="talk"
        ?disabled=${!available || !canEncrypt}
        @click=${this.#handleTalkClick}
      >
        ${label}
      </button>
      <div role="status" aria-live="polite">
        ${message ? html`<p class="hint" part="status">${message}</p>` : ''}
        ${available && !canEncrypt
          ? html`<p class="hint">${strings.errors['e2ee-unsupported'].message}</p>`
          : ''}
      </div>
      ${offerFallback ? this.#renderFallback() : nothing}
    `;
  }

  #renderFallback(): TemplateResult | typeof nothing {
    const url = safeLink(this.fallbackUrl);
    if (url === null) return nothing;
    return html`<a part="fallback" href=${url} target="_top">${strings.button.fallbackLink}</a>`;
  }

  #renderPrecheck(): TemplateResult {
    const check = this.#precheck!;
    const error = check.error;
    const family = browserFamily();
    let fix: string | null = null;
    if (error?.code === 'media-denied') fix = strings.mediaFix.denied[family];
    else if (error?.code === 'media-in-use') fix = strings.mediaFix['in-use'][family];
    else if (error?.code === 'media-not-found') fix = strings.mediaFix['not-found'][family];
    else if (error) fix = strings.errors[error.code].action;
    const ready = check.media !== null;
    return html`
      <section class="precheck" part="precheck" aria-labelledby="precheck-heading">
        <h2 id="precheck-heading" tabindex="-1" data-focus="precheck">
          ${strings.button.precheckHeading}
        </h2>
        <p class="hint">${strings.button.precheckIntro}</p>
        <label for="visitor-name">${strings.button.nameLabel}</label>
        <input
          id="visitor-name"
          part="name"
          type="text"
          autocomplete="name"
          maxlength="64"
          aria-describedby="name-hint"
        />
        <p class="hint" id="name-hint">${strings.button.nameHint}</p>
        ${check.audioOnly
          ? html`<p class="hint">${strings.button.audioOnlyPreview}</p>`
          : html`
              <video
                part="preview"
                aria-label=${strings.button.previewLabel}
                autoplay
                playsinline
                muted
                .muted=${true}
                .srcObject=${check.media}
              ></video>
            `}
        ${error
          ? html`
              <div role="alert">
                <p class="status">${strings.errors[error.code].message}</p>
                <p class="hint">${fix}</p>
              </div>
            `
          : ready
            ? nothing
            : html`<p class="hint">${strings.button.checkingDevices}</p>`}
        <div class="actions">
          ${ready
            ? html`
                <button class="primary" part="join" type="button" @click=${this.#handleJoinClick}>
                  ${strings.button.join}
                </button>
              `
            : nothing}
          ${error
            ? html`
                <button part="retry" type="button" @click=${() => this.#openPrecheck(false)}>
                  ${strings.button.tryAgain}
                </button>
              `
            : nothing}
          ${check.audioOnly
            ? html`
                <button part="use-camera" type="button" @click=${() => this.#openPrecheck(false)}>
                  ${strings.button.useCamera}
                </button>
              `
            : html`
                <button
                  part="join-audio-only"
                  type="button"
                  @click=${() => this.#openPrecheck(true)}
                >
                  ${strings.button.joinAudioOnly}
                </button>
              `}
          <button part="cancel" type="button" @click=${this.#handlePrecheckCancel}>
            ${strings.button.cancel}
          </button>
        </div>
      </section>
    `;
  }

  #renderStatus(text: string): TemplateResult {
    return html`
      <div role="status" aria-live="polite"><p class="status" part="status">${text}</p></div>
    `;
  }

  #renderWaiting(): TemplateResult {
    const position = this.#client?.queuePosition ?? null;
    const waitMessage = this.#client?.waitMessage ?? null;
    return html`
      <div role="status" aria-live="polite">
        <p class="status" part="status">
          <span class="waiting-dot" aria-hidden="true"></span>${strings.button.waiting}
        </p>
        ${position === null
          ? ''
          : html`<p class="hint">${strings.button.queuePosition(position)}</p>`}
        ${waitMessage === null
          ? ''
          : html`
              <p class="hint" part="wait-message">${strings.button.askedToWait}</p>
              ${waitMessage ? html`<p class="hint">${waitMessage}</p>` : ''}
            `}
      </div>
      <button part="cancel" type="button" data-focus="waiting" @click=${this.#handleCancelClick}>
        ${strings.button.cancel}
      </button>
    `;
  }

  #renderReconnecting(): TemplateResult {
    return html`
      ${this.#renderStatus(strings.button.reconnecting)}
      <button part="cancel" type="button" @click=${this.#handleCancelClick}>
        ${strings.button.cancel}
      </button>
    `;
  }

  #renderEnded(): TemplateResult {
    return html`
      <div role="status" aria-live="polite">
        <p class="status" part="status">${strings.button.callEnded}</p>
        <p class="hint">${strings.button.endedBody}</p>
      </div>
      <button part="close" type="button" data-focus="ended" @click=${this.#handleDismissClick}>
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
      ${retry === 'dismiss' ? this.#renderFallback() : nothing}
      <div class="actions">
        ${retry === 'dismiss'
          ? ''
          : html`
              <button class="primary" part="retry" type="button" @click=${this.#handleRetryClick}>
                ${strings.button.tryAgain}
              </button>
            `}
        <button part="close" type="button" data-focus="error" @click=${this.#handleDismissClick}>
          ${strings.button.close}
        </button>
      </div>
    `;
  }

  /** Makes, replaces or drops the element's own client to match room, server and worker URL. */
  #syncOwnedClient(): void {
    if (!this.isConnected) return;
    if (this.#client && !this.#ownsClient) return;

    // A room that is no room id still goes to the relay, which rejects it with room-unknown,
    // so the visitor learns that this button leads to no therapist.
    const room = this.room;
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
      if (state === 'waiting' || state === 'in-call' || state === 'ended' || state === 'error') {
        this.#closePrecheck(); // A joined check handed its media to the client already.
      }
      if (state === 'waiting') this.#focusTarget = 'waiting';
      else if (state === 'in-call') this.#focusTarget = 'call';
      else if (state === 'ended') this.#focusTarget = 'ended';
      else if (state === 'error') this.#focusTarget = 'error';
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
    this.#openPrecheck(false);
  }

  #handleCancelClick(): void {
    this.#client?.cancel();
    this.#focusTarget = 'talk';
  }

  #handleDismissClick(): void {
    this.#dismissed = true;
    this.#focusTarget = 'talk';
    this.requestUpdate();
  }

  /** Opens the camera and microphone check, or opens it again with other settings. */
  #openPrecheck(audioOnly: boolean): void {
    stopStream(this.#precheck?.media ?? null);
    const check = { media: null as MediaStream | null, error: null as PorchlightError | null, audioOnly };
    this.#precheck = check;
    this.#dismissed = true;
    this.#focusTarget = 'precheck';
    this.requestUpdate();
    if (detectTransformApi() === null) {
      // No call can be encrypted here, so the camera is not even asked for.
      check.error = new PorchlightError(
        'e2ee-unsupported',
        'This browser cannot encrypt video calls end to end, so the call was not started',
      );
      return;
    }
    requestCallMedia({ audioOnly }).then(
      (media) => {
        if (this.#precheck !== check) return stopStream(media);
        check.media = media;
        this.requestUpdate();
      },
      (error: unknown) => {
        if (this.#precheck !== check) return;
        check.error =
          error instanceof PorchlightError
            ? error
            : new PorchlightError('media-failed', 'Could not start camera and microphone');
        this.requestUpdate();
      },
    );
  }

  #closePrecheck(): void {
    stopStream(this.#precheck?.media ?? null);
    this.#precheck = null;
  }

  #handlePrecheckCancel(): void {
    this.#closePrecheck();
    this.#focusTarget = 'talk';
    this.requestUpdate();
  }

  #handleJoinClick(): void {
    const check = this.#precheck;
    if (check === null || check.media === null) return;
    const input = this.shadowRoot?.querySelector<HTMLInputElement>('[part~="name"]');
    const name = input?.value.trim() || undefined;
    // The client takes the media over; the check must not stop it any more.
    this.#precheck = null;
    this.#startCall({ media: check.media, audioOnly: check.audioOnly, name });
  }

  #handleRetryClick(): void {
    const action = retryAction(this.#client?.error ?? null);
    if (action === 'reconnect') this.#reconnect();
    else if (action === 'call') this.#openPrecheck(false);
  }

  #startCall(options: { media: MediaStream; audioOnly: boolean; name: string | undefined }): void {
    const { media, audioOnly, name } = options;
    // The client reports every failure of startCall through `state` and `error`, which the
    // change listener renders, so the rejection carries nothing new.
    this.#client
      ?.startCall(name === undefined ? { media, audioOnly } : { media, audioOnly, name })
      .catch(() => undefined);
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
    case 'knock-timeout':
    case 'room-unknown':
    case 'identity-mismatch':
    case 'host-offline':
    case 'e2ee-unsupported':
    case 'no-common-codec':
      return 'dismiss';
  }
}
