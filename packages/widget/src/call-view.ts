import type { Call } from '@porchlight/client';
import { LitElement, css, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
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

  constructor() {
    super();
    this.call = null;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('call')) this.#changes.target = this.call;
  }

  /** Renders in the language of the nearest `lang` attribute, or English. */
  protected override update(changed: PropertyValues<this>): void {
    renderInLanguage(this, () => super.update(changed));
  }

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
        </div>
        ${this.#renderControls(call)}
      </section>
    `;
  }

  #renderControls(call: Call): TemplateResult {
    const ended = call.state === 'ended';
    return html`
      <div class="controls" part="controls">
        <button
          part="mute"
          type="button"
          aria-label=${strings.call.muteLabel}
          aria-pressed=${call.microphoneEnabled ? 'false' : 'true'}
          ?disabled=${ended}
          @click=${this.#handleMuteClick}
        >
          ${strings.call.mute}
        </button>
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

  #handleHangUpClick(): void {
    const call = this.call;
    if (!call) return;

    const request = new PorchlightHangUpRequestEvent();
    this.dispatchEvent(request);
    if (request.defaultPrevented) return;
    call.hangUp();
  }
}
