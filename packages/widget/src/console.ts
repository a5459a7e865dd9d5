import {
  HostClient,
  roomIdFromPublicKey,
  type Call,
  type CallIdentity,
  type HostState,
  type Knock,
} from '@porchlight/client';
import { LitElement, css, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { ChangeController } from './_change-controller.js';
import { consoleStrings, renderConsoleInLanguage } from './_console-strings.js';
import { renderInLanguage } from './_i18n.js';
import { resolveWorkerUrl } from './_config.js';
import { loadIdentity, type IdentityRecord } from './_identity-store.js';
import { defineIdentityKey } from './identity-key.js';
import { playKnockTone } from './_ring.js';
import { strings } from './_strings.js';
import { baseStyles } from './_styles.js';
import {
  PorchlightCallEndEvent,
  PorchlightCallStartEvent,
  PorchlightKnockEvent,
} from './events.js';
import type { PorchlightIdentityChangeEvent } from './identity-key.js';

/** Value of the reflected `status` attribute. */
export type ConsoleStatus = 'offline' | 'online' | 'in-call';

/**
 * The therapist's console: go online or offline, see who is waiting, admit or decline them, and
 * hold the call. On first use it asks for a backup passphrase, then creates the therapist's
 * Ed25519 identity and keeps it in this browser profile with its encrypted backup. The room id
 * is its public key, and the console shows the embed snippet that carries it. The
 * `<porchlight-identity-key>` panel inside downloads the backup and restores a key from one.
 *
 * @tag porchlight-console
 *
 * @attr room - Expected room id. Optional: when given and not the stored identity's room id,
 *   the console shows an error and does not go online.
 * @attr demo-site - URL of a demo page that reads the room id from `?room=`. Optional: when
 *   given, the console links to it.
 * @attr server - WebSocket URL of the relay.
 * @attr worker-url - URL of `porchlight-e2ee-worker.js`. Optional.
 * @attr status - Reflected, read-only: `offline`, `online` or `in-call`.
 *
 * @event porchlight-knock - A new visitor is waiting.
 * @event porchlight-call-start - The therapist admitted a visitor and the call begins.
 * @event porchlight-call-end - The call is over, normally or because of a failure.
 *
 * @csspart status - The status text.
 * @csspart go-online - The "Go online" button.
 * @csspart go-offline - The "Go offline" button.
 * @csspart knocks - The list of waiting visitors.
 * @csspart knock - One waiting visitor.
 * @csspart admit - The button that lets a visitor in.
 * @csspart decline - The button that turns a visitor away.
 * @csspart snippet - The embed snippet that carries the room id.
 * @csspart copy - The button that copies the snippet.
 * @csspart demo-site - The link to the demo website.
 * @csspart ask-to-wait - The button that asks a visitor to keep waiting.
 * @csspart reply - The message field sent with Decline or Ask to wait.
 * @csspart presence-message - The field for the message visitors see.
 * @csspart set-busy - The "Set busy" button.
 * @csspart set-offline-message - The "Offline with message" button.
 * @csspart call-failed - The notice that the last call could not be connected or was interrupted.
 * @csspart announcer - The visually hidden live region that announces knocks and status.
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
 */
export class PorchlightConsole extends LitElement {
  static override properties = {
    room: { type: String },
    server: { type: String },
    workerUrl: { type: String, attribute: 'worker-url' },
    demoSite: { type: String, attribute: 'demo-site' },
    identity: { attribute: false },
  };

  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
      }

      section {
        display: flex;
        flex-direction: column;
        gap: 0.75rem;
      }

      .status {
        margin: 0;
        font-weight: 600;
      }

      h2 {
        margin: 0;
        font-size: 1.1rem;
      }

      ul {
        display: flex;
        flex-direction: column;
        gap: 0.5rem;
        margin: 0;
        padding: 0;
        list-style: none;
      }

      li {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
        align-items: center;
        padding: 0.5rem 0.75rem;
        border: 1px solid var(--_border);
        border-radius: var(--_radius);
        background: var(--_surface);
      }

      .name {
        font-weight: 600;
      }

      .time {
        flex: 1;
        color: var(--_muted-text);
      }

      pre {
        margin: 0;
        padding: 0.5rem;
        overflow-x: auto;
        border: 1px solid var(--_border);
        border-radius: var(--_radius);
        background: var(--_surface);
        white-space: pre-wrap;
        word-break: break-all;
      .presence {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
        align-items: end;
      }

      label {
        display: flex;
        flex-direction: column;
        font-size: 0.9rem;
        font-weight: 600;
      }

      input {
        min-height: 2.75rem;
        padding: 0.4rem 0.6rem;
        border: 1px solid var(--_muted-text);
        border-radius: calc(var(--_radius) / 2);
        font: inherit;
      }

      input:focus-visible,
      [tabindex='-1']:focus-visible {
        outline: 3px solid var(--_focus);
        outline-offset: 2px;
      }

      li label {
        flex-basis: 100%;
      }
    `,
  ];

  /** Expected room id, or null to take whatever the stored identity names. */
  declare room: string | null;
  /** URL of a demo page that takes the room id as `?room=`, or null. */
  declare demoSite: string | null;
  /**
   * The therapist's identity. Loaded from IndexedDB when the element connects and none was set,
   * or created or restored in the key panel. Set it to use a key kept elsewhere.
   */
  declare identity: CallIdentity | null;
  /** WebSocket URL of the relay. */
  declare server: string | null;
  /** URL of the E2EE worker script. When null, the embed's or the package's default is used. */
  declare workerUrl: string | null;

  #client: HostClient | null = null;
  #ownsClient = false;
  /** Room, server and worker URL the owned client was made with, to notice when they change. */
  #clientKey: string | null = null;
  #lastState: HostState | null = null;
  #identityFailed = false;
  /** The stored identity and its backup; null until loaded, or when none is stored. */
  #identityRecord: IdentityRecord | null = null;
  /** Whether loading found no stored identity, so the console asks to create or restore one. */
  #identityMissing = false;
  #copied = false;
  #knownKnocks = new Set<string>();
  #announcement = '';
  /**
   * Replies typed per waiting visitor. List items are reused by position, so each input takes
   * its text from here and a reply stays with its visitor when another one leaves the list.
   */
  readonly #replies = new Map<string, string>();
  /** The page title before knocks changed it, or null while it is unchanged. */
  #originalTitle: string | null = null;
  /** Open system notifications by the call id of the knock they announce. */
  readonly #notifications = new Map<string, Notification>();
  #focusAfterCall = false;
  /** Whether the last call ended as failed and the state has not changed since. */
  #lastCallFailed = false;
  readonly #changes = new ChangeController(this, () => this.#handleClientChange());
  readonly #timeFormat = new Intl.DateTimeFormat(undefined, { timeStyle: 'short' });

  constructor() {
    super();
    this.room = null;
    this.server = null;
    this.workerUrl = null;
    this.demoSite = null;
    this.identity = null;
  }

  /** Room id of the identity, the therapist's public key; null until the identity is loaded. */
  get roomId(): string | null {
    return this.identity ? roomIdFromPublicKey(this.identity.publicKey) : null;
  }

  /** Whether a `room` is given that is not the identity's room id. */
  get #roomMismatch(): boolean {
    return Boolean(this.room && this.roomId && this.room !== this.roomId);
  }

  /**
   * The host client behind the element. The element makes and closes its own client from
   * `room` and `server`. A client set here instead is used as it is and never closed by the
   * element.
   */
  get client(): HostClient | null {
    return this.#client;
  }

  set client(client: HostClient | null) {
    if (this.#ownsClient) this.#client?.close();
    this.#useClient(client, false);
    if (!client) this.#syncOwnedClient();
  }

  /** The current or last call, or null before the first call. */
  get call(): Call | null {
    return this.#client?.call ?? null;
  }

  /** Whether the therapist is offline, online or in a call. */
  get status(): ConsoleStatus {
    const state = this.#client?.state;
    if (state === 'online') return 'online';
    if (state === 'in-call') return 'in-call';
    return 'offline';
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // Changes of a set client while detached were not heard, so they fire no events now.
    this.#rememberState();
    this.#loadIdentity();
    this.#syncOwnedClient();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#updateAttention([]);
    if (!this.#ownsClient) return;

    this.#client?.close();
    this.#useClient(null, false);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    // Syncing here, before render, folds the client change into this update.
    const inputs = ['room', 'server', 'workerUrl', 'identity'] as const;
    if (inputs.some((name) => changed.has(name))) {
      this.#syncOwnedClient();
    }
  }

  protected override updated(): void {
    if (this.getAttribute('status') !== this.status) this.setAttribute('status', this.status);
    if (this.#focusAfterCall) {
      this.#focusAfterCall = false;
      this.shadowRoot?.querySelector<HTMLElement>('#console-status')?.focus();
    }
  }

  /** Renders in the language of the nearest `lang` attribute, or English. */
  protected override update(changed: PropertyValues<this>): void {
    renderInLanguage(this, () => renderConsoleInLanguage(this, () => super.update(changed)));
  }

  protected override render(): TemplateResult {
    const state = this.#client?.state ?? 'idle';
    if (this.#ownsClient || !this.#client) {
      const problem = this.#renderIdentityProblem();
      if (problem) return html`<section aria-label=${consoleStrings.label}>${problem}</section>`;
    }
    return html`
      <section aria-label=${consoleStrings.label}>
        <div class="visually-hidden" part="announcer" role="status" aria-live="polite">
          ${this.#announcement}
        </div>
        ${this.#renderStatus(state)} ${this.#renderPresenceButton(state)}
        ${state === 'in-call'
          ? html`<porchlight-call-view .call=${this.call}></porchlight-call-view>`
          : nothing}
        ${this.#renderKnocks(state)} ${this.#renderEmbed()} ${this.#renderIdentityKey()}
      </section>
    `;
  }

  #renderIdentityProblem(): TemplateResult | null {
    if (this.#identityFailed) {
      return html`
        <div role="alert">
          <p class="status" part="status">${consoleStrings.identityFailed}</p>
          <p class="hint">${consoleStrings.identityFailedAction}</p>
        </div>
      `;
    }
    if (this.#roomMismatch) {
      return html`
        <div role="alert">
          <p class="status" part="status">
            ${consoleStrings.roomMismatch(this.room ?? '', this.roomId ?? '')}
          </p>
        </div>
      `;
    }
    if (!this.identity && this.server && this.#identityMissing) return this.#renderKeyPanel(null);
    if (!this.identity && this.server) {
      return html`<p class="status" part="status">${consoleStrings.loadingIdentity}</p>`;
    }
    return null;
  }

  #renderEmbed(): TemplateResult | typeof nothing {
    const snippet = this.#snippet();
    if (!snippet) return nothing;
    const roomId = this.roomId ?? '';
    const demo = this.demoSite ? new URL(this.demoSite, document.baseURI) : null;
    demo?.searchParams.set('room', roomId);
    return html`
      <h2 id="embed">${consoleStrings.embedHeading}</h2>
      <p class="hint">${consoleStrings.embedHint}</p>
      <pre part="snippet" aria-labelledby="embed">${snippet}</pre>
      <div>
        <button part="copy" type="button" @click=${this.#handleCopyClick}>
          ${this.#copied ? consoleStrings.copied : consoleStrings.copy}
        </button>
        ${demo
          ? html`<a part="demo-site" href=${demo.href} target="_blank" rel="noopener"
              >${consoleStrings.openDemoSite}</a
            >`
          : nothing}
      </div>
    `;
  }

  /** The one-line embed for the therapist's website, or null before room and server are known. */
  #snippet(): string | null {
    const roomId = this.roomId;
    if (!roomId || !this.server) return null;
    // porchlight.js is served from the folder that holds the worker script.
    const script = new URL('porchlight.js', resolveWorkerUrl(this.workerUrl)).href;
    return (
      `<script src="${script}" data-room="${roomId}" ` +
      `data-server="${this.server}" async></script>`
    );
  }

  #handleCopyClick(): void {
    const snippet = this.#snippet();
    if (!snippet) return;
    navigator.clipboard.writeText(snippet).then(
      () => {
        this.#copied = true;
        this.requestUpdate();
      },
      // Copying needs a focused, secure page; the snippet stays selectable to copy by hand.
      () => undefined,
    );
  }

  /**
   * Renders the key panel while the identity is the stored one, or while none is stored. An
   * identity set from outside has no stored backup, so it gets no panel.
   */
  #renderIdentityKey(): TemplateResult | typeof nothing {
    const record = this.#identityRecord;
    const stored = record !== null && record.identity === this.identity;
    if (stored) return this.#renderKeyPanel(record);
    if (this.#identityMissing && !this.identity) return this.#renderKeyPanel(null);
    return nothing;
  }

  #renderKeyPanel(record: IdentityRecord | null): TemplateResult {
    return html`
      <porchlight-identity-key
        .record=${record}
        @porchlight-identity-change=${this.#handleIdentityChange}
      ></porchlight-identity-key>
    `;
  }

  /** Switches to an identity the key panel created or restored, and so to its room. */
  #handleIdentityChange(event: PorchlightIdentityChangeEvent): void {
    this.#identityRecord = event.record;
    this.#identityMissing = false;
    this.identity = event.record.identity;
  }

  #loadIdentity(): void {
    if (this.identity || this.#identityFailed) return;
    // The console has its own entry chunk, which visitors never download, so the key store and
    // the key panel are bundled with it rather than split into more chunks.
    defineIdentityKey();
    loadIdentity()
      .then(
        (record) => {
          if (record) {
            this.#identityRecord = record;
            this.identity ??= record.identity;
          } else {
            this.#identityMissing = true;
          }
          this.requestUpdate();
        },
        () => {
          this.#identityFailed = true;
          this.requestUpdate();
        },
      );
  }

  #renderStatus(state: HostState): TemplateResult {
    if (state === 'error') {
      const error = this.#client?.error ?? null;
      let text = error ? strings.errors[error.code] : strings.unknownError;
      // The visitor's text speaks of a link to a therapist, but the therapist needs the fix.
      if (error?.code === 'room-unknown') text = consoleStrings.roomUnknown;
      return html`
        <div role="alert">
          <p class="status" part="status">${text.message}</p>
          <p class="hint">${text.action}</p>
        </div>
      `;
    }

    const presence = this.#client?.presence.status;
    let text: string = consoleStrings.statusOffline;
    if (state === 'connecting') text = consoleStrings.statusConnecting;
    else if (state === 'reconnecting') text = consoleStrings.statusReconnecting;
    else if (state === 'online' && presence === 'busy') text = consoleStrings.statusBusy;
    else if (state === 'online' && presence === 'offline') {
      text = consoleStrings.statusOfflineConnected;
    } else if (state === 'online') text = consoleStrings.statusOnline;
    else if (state === 'in-call') text = consoleStrings.statusInCall;
    const failure = this.#lastCallFailed && state === 'online' ? consoleStrings.callFailed : null;
    return html`
      <div role="status" aria-live="polite">
        <p class="status" part="status" id="console-status" tabindex="-1">${text}</p>
      </div>
      ${failure
        ? html`
            <div role="alert">
              <p class="status" part="call-failed">${failure.message}</p>
              <p class="hint">${failure.action}</p>
            </div>
          `
        : nothing}
    `;
  }

  #renderPresenceButton(state: HostState): TemplateResult {
    const connected = state === 'online' || state === 'in-call' || state === 'reconnecting';
    const available = connected && this.#client?.presence.status === 'available';
    return html`
      <div class="presence">
        <label>
          ${consoleStrings.presenceMessageLabel}
          <input
            part="presence-message"
            type="text"
            maxlength="280"
          />
        </label>
        ${available
          ? nothing
          : html`
              <button
                class="primary"
                part="go-online"
                type="button"
                ?disabled=${!this.#client || state === 'connecting'}
                @click=${this.#handleGoOnlineClick}
              >
                ${consoleStrings.goOnline}
              </button>
            `}
        <button
          part="set-busy"
          type="button"
          ?disabled=${!this.#client || state === 'connecting'}
          @click=${() => this.#setPresence('busy')}
        >
          ${consoleStrings.setBusy}
        </button>
        <button
          part="set-offline-message"
          type="button"
          ?disabled=${!this.#client || state === 'connecting'}
          @click=${() => this.#setPresence('offline')}
        >
          ${consoleStrings.setOfflineWithMessage}
        </button>
        ${connected
          ? html`
              <button part="go-offline" type="button" @click=${this.#handleGoOfflineClick}>
                ${consoleStrings.goOffline}
              </button>
            `
          : nothing}
      </div>
    `;
  }

  #renderKnocks(state: HostState): TemplateResult {
    const knocks = this.#client?.knocks ?? [];
    return html`
      <h2 id="waiting-room">${consoleStrings.waitingRoom}</h2>
      ${knocks.length === 0
        ? html`<p class="hint">${consoleStrings.noKnocks}</p>`
        : html`
            <ul part="knocks" aria-labelledby="waiting-room">
              ${knocks.map((knock) => this.#renderKnock(knock, state === 'online'))}
            </ul>
          `}
    `;
  }

  #renderKnock(knock: Knock, canAdmit: boolean): TemplateResult {
    const name = knock.name || consoleStrings.visitor;
    const receivedAt = new Date(knock.receivedAt);
    const replyId = `reply-${knock.callId}`;
    return html`
      <li part="knock" data-call-id=${knock.callId}>
        <span class="name">${name}</span>
        <time class="time" datetime=${receivedAt.toISOString()}>
          ${consoleStrings.knockedAt(this.#timeFormat.format(receivedAt))}
        </time>
        <button
          class="primary"
          part="admit"
          type="button"
          aria-label=${consoleStrings.admitLabel(name)}
          ?disabled=${!canAdmit}
          @click=${() => this.#admit(knock.callId)}
        >
          ${consoleStrings.admit}
        </button>
        <button
          part="ask-to-wait"
          type="button"
          aria-label=${consoleStrings.askToWaitLabel(name)}
          @click=${() => this.#client?.askToWait(knock.callId, this.#reply(knock.callId))}
        >
          ${consoleStrings.askToWait}
        </button>
        <button
          part="decline"
          type="button"
          aria-label=${consoleStrings.declineLabel(name)}
          @click=${() => this.#client?.decline(knock.callId, this.#reply(knock.callId))}
        >
          ${consoleStrings.decline}
        </button>
        <label>
          ${consoleStrings.replyLabel(name)}
          <input
            id=${replyId}
            part="reply"
            type="text"
            maxlength="280"
            .value=${this.#replies.get(knock.callId) ?? ''}
            @input=${(event: Event) => {
              this.#replies.set(knock.callId, (event.target as HTMLInputElement).value);
            }}
          />
        </label>
      </li>
    `;
  }

  /** Makes, replaces or drops the element's own client to match identity, server and worker. */
  #syncOwnedClient(): void {
    if (!this.isConnected) return;
    if (this.#client && !this.#ownsClient) return;

    const roomId = this.#roomMismatch ? null : this.roomId;
    const key = roomId && this.server ? `${roomId}\n${this.server}\n${this.workerUrl}` : null;
    if (key === this.#clientKey && this.#client) return;
    if (!key && !this.#client) return;

    this.#client?.close();
    if (!key || !this.identity || !this.server) {
      this.#useClient(null, false);
      return;
    }

    const client = new HostClient({
      identity: this.identity,
      server: this.server,
      workerUrl: resolveWorkerUrl(this.workerUrl),
    });
    this.#useClient(client, true);
    this.#clientKey = key;
  }

  #useClient(client: HostClient | null, owned: boolean): void {
    this.#client = client;
    this.#ownsClient = client !== null && owned;
    this.#clientKey = null;
    // Adopting a client is a change made in code, so its current state fires no event.
    this.#rememberState();
    this.#changes.target = client;
    this.requestUpdate();
  }

  #rememberState(): void {
    this.#lastState = this.#client?.state ?? null;
    this.#knownKnocks = new Set(this.#client?.knocks.map((knock) => knock.callId));
  }

  #handleClientChange(): void {
    const client = this.#client;
    if (!client) return;

    const state = client.state;
    const previous = this.#lastState;
    this.#lastState = state;
    if (state !== previous && previous === 'in-call') this.#focusAfterCall = true;
    if (state !== previous) {
      this.#lastCallFailed = previous === 'in-call' && client.call?.endReason === 'failed';
    }
    if (state !== previous && state === 'in-call') {
      this.dispatchEvent(new PorchlightCallStartEvent({ callId: client.call?.callId ?? null }));
    } else if (state !== previous && previous === 'in-call') {
      this.dispatchEvent(
        new PorchlightCallEndEvent({
          callId: client.call?.callId ?? null,
          reason: client.call?.endReason ?? null,
          errorCode: state === 'error' ? (client.error?.code ?? null) : null,
        }),
      );
    }

    const knocks = new Set<string>();
    const fresh: Knock[] = [];
    for (const knock of client.knocks) {
      knocks.add(knock.callId);
      if (!this.#knownKnocks.has(knock.callId)) {
        fresh.push(knock);
        this.dispatchEvent(new PorchlightKnockEvent({ callId: knock.callId }));
      }
    }
    this.#knownKnocks = knocks;
    for (const callId of this.#replies.keys()) {
      if (!knocks.has(callId)) this.#replies.delete(callId);
    }
    for (const [callId, notification] of this.#notifications) {
      if (knocks.has(callId)) continue;
      notification.close();
      this.#notifications.delete(callId);
    }
    if (fresh.length > 0) this.#alert(fresh);
    this.#updateAttention(client.knocks);
    this.requestUpdate();
  }

  /**
   * Announces new knocks, and rings and notifies too unless the therapist is in a call. The
   * system notification leaves the visitor's name out: the system may show it on a locked or
   * shared screen and keep it in its notification history after the console closed.
   */
  #alert(fresh: Knock[]): void {
    const knock = fresh[0]!;
    const name = knock.name || consoleStrings.visitor;
    this.#announcement = consoleStrings.knockAnnouncement(name);
    if (this.#client?.state === 'in-call') return;
    playKnockTone();
    if (typeof Notification === 'function' && Notification.permission === 'granted') {
      try {
        // No tag: with a shared tag a later knock's notification replaces the earlier one, so a
        // notification could no longer be closed together with its own knock.
        const notification = new Notification(consoleStrings.notificationTitle, {
          body: consoleStrings.notificationBody,
        });
        notification.addEventListener('click', () => {
          globalThis.focus?.();
          notification.close();
        });
        this.#notifications.set(knock.callId, notification);
      } catch {
        // Some browsers (Chrome on Android) allow notifications only from a service worker.
      }
    }
  }

  /** Puts the number of waiting visitors into the tab title, and clears it when none wait. */
  #updateAttention(knocks: readonly Knock[]): void {
    if (typeof document === 'undefined') return;
    if (knocks.length === 0) {
      if (this.#originalTitle !== null) document.title = this.#originalTitle;
      this.#originalTitle = null;
      return;
    }
    this.#originalTitle ??= document.title;
    document.title = `${consoleStrings.knockTitle(knocks.length)} · ${this.#originalTitle}`;
  }

  #reply(callId: string): string | undefined {
    return this.#replies.get(callId)?.trim() || undefined;
  }

  #presenceMessage(): string | undefined {
    const input = this.shadowRoot?.querySelector<HTMLInputElement>('[part~="presence-message"]');
    return input?.value.trim() || undefined;
  }

  #setPresence(status: 'busy' | 'offline'): void {
    this.#client?.setPresence(status, this.#presenceMessage());
  }

  #handleGoOnlineClick(): void {
    // Asked here because browsers allow the permission prompt only after a click.
    if (typeof Notification === 'function' && Notification.permission === 'default') {
      Notification.requestPermission().catch(() => undefined);
    }
    this.#client?.goOnline(this.#presenceMessage());
  }

  #handleGoOfflineClick(): void {
    this.#client?.goOffline();
  }

  #admit(callId: string): void {
    // The client reports every failure of admit through `state` and `error`, which the change
    // listener renders, so the rejection carries nothing new.
    this.#client?.admit(callId).catch(() => undefined);
  }
}
