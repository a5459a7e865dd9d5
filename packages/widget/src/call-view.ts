import { listMediaDevices, type Call } from '@porchlight/client';
import { LitElement, css, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { canShareScreen, isTouchDevice } from './_browser.js';
import { ChangeController } from './_change-controller.js';
import { renderInLanguage } from './_i18n.js';
import { strings } from './_strings.js';
import { baseStyles } from './_styles.js';
import { PorchlightHangUpRequestEvent } from './events.js';

/**
 * Shows one running call: the other person's video, a mirrored preview of the local camera, and
 * buttons to mute, turn the camera off and hang up.
 *
 * @tag porchlight-call-view
 *
 * @event porchlight-hang-up-request - Before the hang-up button ends the call. Cancelable.
 *
 * @csspart remote-video - The other person's video.
 * @csspart local-video - The local camera preview.
 * @csspart status - The line that says whether the call is connected and encrypted.
 * @csspart verified - The "Verified therapist" badge, shown when the therapist's key checked out.
 * @csspart sas - The security code both people can compare aloud.
 * @csspart controls - The row of call buttons.
 * @csspart mute - The microphone toggle.
 * @csspart camera - The camera toggle.
 * @csspart hang-up - The hang-up button.
 * @csspart camera-select - The camera picker.
 * @csspart microphone-select - The microphone picker.
 * @csspart share-screen - The screen-share toggle (desktop browsers).
 * @csspart switch-camera - The camera switch (phones and tablets with more than one camera).
 * @csspart quality - The network-quality indicator.
 * @csspart chat - The chat panel.
 * @csspart chat-log - The list of chat messages.
 * @csspart chat-input - The chat text field.
 * @csspart chat-send - The chat send button.
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
 * @cssproperty --porchlight-video-background - Colour behind the videos.
 * @cssproperty --porchlight-preview-width - Width of the local preview.
 */
export class PorchlightCallView extends LitElement {
  static override properties = {
    call: { attribute: false },
  };

  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
      }

      .stage {
        position: relative;
        overflow: hidden;
        border-radius: var(--_radius);
        background: var(--porchlight-video-background, #111418);
        aspect-ratio: 4 / 3;
      }

      video {
        display: block;
        width: 100%;
        height: 100%;
        object-fit: cover;
      }

      .local {
        position: absolute;
        right: 0.5rem;
        bottom: 0.5rem;
        width: var(--porchlight-preview-width, 28%);
        height: auto;
        aspect-ratio: 4 / 3;
        border: 2px solid var(--_surface);
        border-radius: calc(var(--_radius) / 2);
        transform: scaleX(-1);
      }

      .status {
        margin: 0.5rem 0;
        font-weight: 600;
      }

      .badge {
        display: inline-block;
        margin: 0 0 0.5rem;
        padding: 0.1rem 0.5rem;
        border: 1px solid currentColor;
        border-radius: var(--_radius);
        font-weight: 600;
      }

      [part='sas'] {
        margin: 0;
        font-variant-numeric: tabular-nums;
      }

      .controls {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
      }

      .devices {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
        margin-top: 0.5rem;
      }

      label {
        display: flex;
        flex-direction: column;
        font-size: 0.9rem;
        font-weight: 600;
      }

      select,
      input {
        min-height: 2.75rem;
        padding: 0.4rem 0.6rem;
        border: 1px solid var(--_muted-text);
        border-radius: calc(var(--_radius) / 2);
        background: var(--_surface);
        color: var(--_text);
        font: inherit;
      }

      select:focus-visible,
      input:focus-visible {
        outline: 3px solid var(--_focus);
        outline-offset: 2px;
      }

      .quality {
        margin: 0;
        font-size: 0.9rem;
      }

      .quality[data-quality='poor'] {
        color: var(--_danger);
      }

      .chat {
        margin-top: 0.75rem;
      }

      .chat h3 {
        margin: 0 0 0.25rem;
        font-size: 1rem;
      }

      .chat .log {
        min-height: 2.75rem;
        max-height: 10rem;
        margin: 0 0 0.5rem;
        padding: 0.25rem 0.5rem;
        overflow-y: auto;
        border: 1px solid var(--_border);
        border-radius: calc(var(--_radius) / 2);
        overflow-wrap: anywhere;
      }

      .chat .log:focus-visible {
        outline: 3px solid var(--_focus);
        outline-offset: 2px;
      }

      .chat ul {
        margin: 0;
        padding: 0;
        list-style: none;
        white-space: pre-wrap;
      }

      .chat form {
        display: flex;
        gap: 0.5rem;
      }

      .chat input {
        flex: 1;
        min-width: 0;
      }

      @media (max-width: 30rem) {
        .stage {
          aspect-ratio: 3 / 4;
        }
      }

      button[aria-pressed='true'] {
        border-color: var(--_text);
        background: var(--_text);
        color: var(--_surface);
      }
    `,
  ];

  /** The call to show. The element listens to its `change` events while connected. */
  declare call: Call | null;

  readonly #changes = new ChangeController(this, () => this.requestUpdate());
  #cameras: MediaDeviceInfo[] = [];
  #microphones: MediaDeviceInfo[] = [];
  #notice: string | null = null;

  constructor() {
    super();
    this.call = null;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    navigator.mediaDevices?.addEventListener?.('devicechange', this.#refreshDevices);
    this.#refreshDevices();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    navigator.mediaDevices?.removeEventListener?.('devicechange', this.#refreshDevices);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('call')) this.#changes.target = this.call;
  }

  /** Renders in the language of the nearest `lang` attribute, or English. */
  protected override update(changed: PropertyValues<this>): void {
    renderInLanguage(this, () => super.update(changed));
  }

  readonly #refreshDevices = (): void => {
    listMediaDevices().then(
      ({ cameras, microphones }) => {
        this.#cameras = cameras;
        this.#microphones = microphones;
        this.requestUpdate();
      },
      () => undefined, // Without enumerateDevices the pickers stay hidden.
    );
  };

  protected override render(): TemplateResult | typeof nothing {
    const call = this.call;
    if (!call) return nothing;

    return html`
      <section aria-label=${strings.call.label}>
        <div class="stage">
          <video
            part="remote-video"
            aria-label=${strings.call.remoteVideo}
            autoplay
            playsinline
            .srcObject=${call.remoteStream}
          ></video>
          <video
            class="local"
            part="local-video"
            aria-label=${strings.call.localVideo}
            autoplay
            playsinline
            muted
            .muted=${true}
            .srcObject=${call.localStream}
          ></video>
        </div>
        <div role="status" aria-live="polite">
          <p class="status" part="status">${this.#statusText(call)}</p>
          ${call.identityVerified
            ? html`<p class="badge" part="verified">${strings.call.verified}</p>`
            : nothing}
          ${call.sas && call.state !== 'ended'
            ? html`<p part="sas">${strings.call.sas(call.sas)}</p>
                <p class="hint">${strings.call.sasHint}</p>`
            : nothing}
          ${this.#mediaHints(call).map((hint) => html`<p class="hint">${hint}</p>`)}
          ${this.#notice ? html`<p class="hint">${this.#notice}</p>` : nothing}
        </div>
        ${this.#renderQuality(call)} ${this.#renderControls(call)} ${this.#renderDevices(call)}
        ${this.#renderChat(call)}
      </section>
    `;
  }

  #renderQuality(call: Call): TemplateResult | typeof nothing {
    const quality = call.networkQuality;
    if (quality === null || call.state === 'ended') return nothing;
    return html`
      <p class="quality" part="quality" data-quality=${quality}>${strings.call.quality[quality]}</p>
    `;
  }

  #renderDevices(call: Call): TemplateResult | typeof nothing {
    if (call.state === 'ended') return nothing;
    const hasVideo = call.localStream.getVideoTracks().length > 0;
    const audioId = call.localStream.getAudioTracks()[0]?.getSettings().deviceId;
    const videoId = call.localStream.getVideoTracks()[0]?.getSettings().deviceId;
    return html`
      <div class="devices">
        ${hasVideo && this.#cameras.length > 1
          ? html`
              <label>
                ${strings.call.cameraSelect}
                <select part="camera-select" @change=${this.#handleCameraSelect}>
                  ${this.#cameras.map(
                    (device, index) => html`
                      <option value=${device.deviceId} ?selected=${device.deviceId === videoId}>
                        ${device.label || `${strings.call.cameraSelect} ${index + 1}`}
                      </option>
                    `,
                  )}
                </select>
              </label>
            `
          : nothing}
        ${this.#microphones.length > 1
          ? html`
              <label>
                ${strings.call.microphoneSelect}
                <select part="microphone-select" @change=${this.#handleMicrophoneSelect}>
                  ${this.#microphones.map(
                    (device, index) => html`
                      <option value=${device.deviceId} ?selected=${device.deviceId === audioId}>
                        ${device.label || `${strings.call.microphoneSelect} ${index + 1}`}
                      </option>
                    `,
                  )}
                </select>
              </label>
            `
          : nothing}
      </div>
    `;
  }

  #renderChat(call: Call): TemplateResult {
    const ready = call.chatReady;
    return html`
      <section class="chat" part="chat" aria-labelledby="chat-heading">
        <h3 id="chat-heading">${strings.call.chatHeading}</h3>
        <div part="chat-log" class="log" role="log" aria-label=${strings.call.chatLog} tabindex="0">
          <ul>
            ${call.messages.map(
              (message) => html`
                <li>
                  <strong>
                    ${message.from === 'local' ? strings.call.chatYou : strings.call.chatThem}:
                  </strong>
                  ${message.text}
                </li>
              `,
            )}
          </ul>
        </div>
        <form @submit=${this.#handleChatSubmit}>
          <input
            part="chat-input"
            type="text"
            aria-label=${strings.call.chatInput}
            autocomplete="off"
            ?disabled=${!ready}
          />
          <button part="chat-send" type="submit" ?disabled=${!ready}>${strings.call.chatSend}</button>
        </form>
        ${ready || call.state === 'ended' ? nothing : html`<p class="hint">${strings.call.chatNotReady}</p>`}
      </section>
    `;
  }

  #renderControls(call: Call): TemplateResult {
    const ended = call.state === 'ended';
    const hasVideo = call.localStream.getVideoTracks().length > 0;
    return html`
      <div class="controls" part="controls">
        <button
          part="mute"
          data-focus="call"
          type="button"
          aria-label=${strings.call.muteLabel}
          aria-pressed=${call.microphoneEnabled ? 'false' : 'true'}
          ?disabled=${ended}
          @click=${this.#handleMuteClick}
        >
          ${strings.call.mute}
        </button>
        ${hasVideo
          ? html`
              <button
                part="camera"
                type="button"
                aria-label=${strings.call.cameraOffLabel}
                aria-pressed=${call.cameraEnabled ? 'false' : 'true'}
                ?disabled=${ended}
                @click=${this.#handleCameraClick}
              >
                ${strings.call.cameraOff}
              </button>
            `
          : nothing}
        ${hasVideo && canShareScreen()
          ? html`
              <button
                part="share-screen"
                type="button"
                aria-pressed=${call.screenSharing ? 'true' : 'false'}
                ?disabled=${ended}
                @click=${this.#handleShareClick}
              >
                ${call.screenSharing ? strings.call.stopSharing : strings.call.shareScreen}
              </button>
            `
          : nothing}
        ${hasVideo && isTouchDevice() && this.#cameras.length > 1
          ? html`
              <button
                part="switch-camera"
                type="button"
                aria-label=${strings.call.switchCameraLabel}
                ?disabled=${ended}
                @click=${this.#handleSwitchCameraClick}
              >
                ${strings.call.switchCamera}
              </button>
            `
          : nothing}
        <button
          class="danger"
          part="hang-up"
          type="button"
          aria-label=${strings.call.hangUpLabel}
          ?disabled=${ended}
          @click=${this.#handleHangUpClick}
        >
          ${strings.call.hangUp}
        </button>
      </div>
    `;
  }

  #statusText(call: Call): string {
    if (call.state === 'connecting') return strings.call.connecting;
    if (call.state === 'connected') return strings.call.connected;
    if (call.state === 'reconnecting') return strings.call.reconnecting;
    return strings.call.ended;
  }

  #mediaHints(call: Call): string[] {
    if (call.state === 'ended') return [];

    const hints: string[] = [];
    if (!call.microphoneEnabled) hints.push(strings.call.microphoneOff);
    if (!call.cameraEnabled) hints.push(strings.call.cameraIsOff);
    return hints;
  }

  #handleMuteClick(): void {
    this.call?.setMicrophoneEnabled(!this.call.microphoneEnabled);
  }

  #handleCameraClick(): void {
    this.call?.setCameraEnabled(!this.call.cameraEnabled);
  }

  #handleCameraSelect(event: Event): void {
    const deviceId = (event.target as HTMLSelectElement).value;
    this.#runDeviceChange(this.call?.switchDevice('video', deviceId));
  }

  #handleMicrophoneSelect(event: Event): void {
    const deviceId = (event.target as HTMLSelectElement).value;
    this.#runDeviceChange(this.call?.switchDevice('audio', deviceId));
  }

  #handleShareClick(): void {
    const call = this.call;
    if (!call) return;
    // A cancelled screen picker rejects with NotAllowedError; the call keeps sending the camera.
    if (call.screenSharing) this.#runDeviceChange(call.stopScreenShare());
    else this.#runDeviceChange(call.startScreenShare(), strings.call.shareFailed);
  }

  #handleSwitchCameraClick(): void {
    this.#runDeviceChange(this.call?.switchCamera());
  }

  #runDeviceChange(change: Promise<void> | undefined, failure = strings.call.deviceFailed): void {
    this.#notice = null;
    change?.catch(() => {
      this.#notice = failure;
      this.requestUpdate();
    });
  }

  #handleChatSubmit(event: SubmitEvent): void {
    event.preventDefault();
    const input = this.shadowRoot?.querySelector<HTMLInputElement>('[part~="chat-input"]');
    const call = this.call;
    if (!input || !call) return;
    const text = input.value.trim();
    if (!text) return;
    input.value = '';
    this.#notice = null;
    call.sendMessage(text).catch(() => {
      this.#notice = strings.call.chatFailed;
      this.requestUpdate();
    });
  }

  #handleHangUpClick(): void {
    const call = this.call;
    if (!call) return;

    const request = new PorchlightHangUpRequestEvent();
    this.dispatchEvent(request);
    if (request.defaultPrevented) return;
    call.hangUp();
  }
}
