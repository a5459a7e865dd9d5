import { roomIdFromPublicKey } from '@porchlight/e2ee';
import type { PresenceStatus, ServerMessage } from '@porchlight/protocol';
import { backoffDelay } from './backoff.js';
import { Call } from './call.js';
import {
  CallStartEvent,
  ClientErrorEvent,
  EventQueue,
  KnockEvent,
  StateChangeEvent,
  TypedEventTarget,
  type HostClientEventMap,
} from './events.js';
import { requestCallMedia, stopStream } from './media.js';
import {
  isFinalConnectError,
  SignalingConnection,
  type SignalingMessageEvent,
} from './signaling.js';
import { requireTransformApi } from './transforms.js';
import {
  noCommonCodecError,
  PorchlightError,
  type HostClientOptions,
  type HostState,
  type Knock,
  type PresenceDetail,
} from './types.js';

/** Reconnect attempts after the relay connection drops, before the therapist is told. */
const MAX_RECONNECT_ATTEMPTS = 8;
/** First and largest reconnect delay windows, in milliseconds. */
const RECONNECT_BACKOFF = { baseMs: 500, maxMs: 15_000 };

/**
 * The therapist's side: goes online, sees knocks, admits or declines, and runs the call.
 *
 * Dispatches `change` whenever a readable property changes, and the typed events of
 * {@link HostClientEventMap}: `statechange`, `knock` for each new knock, `callstart` and `error`.
 */
export class HostClient extends TypedEventTarget<HostClientEventMap> {
  /** Room id: the identity's public key in unpadded base64url. */
  readonly room: string;
  readonly #options: HostClientOptions;
  #signaling: SignalingConnection | null = null;
  #state: HostState = 'idle';
  #error: PorchlightError | null = null;
  #knocks: Knock[] = [];
  #call: Call | null = null;
  #admitting: { callId: string; media: MediaStream } | null = null;
  #presence: PresenceDetail = { status: 'offline' };
  #reconnectAttempt = 0;
  #reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  /** Least delay before the next reconnect, from the relay's `going-away`; 0 otherwise. */
  #retryAfterMs = 0;
  readonly #events = new EventQueue(this);
  /** State, knocks and call as the last events reported them. */
  #reported: { state: HostState; knocks: readonly Knock[]; call: Call | null } = {
    state: 'idle',
    knocks: [],
    call: null,
  };

  /**
   * @throws {PorchlightError} `identity-mismatch` when `options.room` is given and is not the
   *   room id of `options.identity`.
   */
  constructor(options: HostClientOptions) {
    super();
    this.#options = options;
    this.room = roomIdFromPublicKey(options.identity.publicKey);
    if (options.room !== undefined && options.room !== this.room) {
      throw new PorchlightError(
        'identity-mismatch',
        `Room "${options.room}" is not the room of this identity, "${this.room}"`,
      );
    }
  }

  get state(): HostState {
    return this.#state;
  }

  get error(): PorchlightError | null {
    return this.#error;
  }

  get knocks(): readonly Knock[] {
    return this.#knocks;
  }

  get call(): Call | null {
    return this.#call;
  }

  /** The status and message this side last set. */
  get presence(): PresenceDetail {
    return this.#presence;
  }

  /** Connects if needed and shows the therapist as available on every visitor's button. */
  goOnline(message?: string): void {
    this.setPresence('available', message);
  }

  /**
   * Connects if needed and sets the status, with an optional message, that every visitor's
   * button shows. `offline` keeps the connection, so the message reaches visitors; use
   * {@link goOffline} to disconnect.
   */
  setPresence(status: PresenceStatus, message?: string): void {
    this.#presence = message ? { status, message } : { status };
    this.#changed();
    void this.#ensureConnected()
      .then((signaling) => {
        this.#announcePresence(signaling);
        // After an error the connection may still be open, so going online again clears it.
        if (this.#state === 'connecting' || this.#state === 'error') this.#setState('online');
      })
      .catch(() => {});
  }

  /** Tells a waiting visitor to keep waiting, with an optional message shown to them. */
  askToWait(callId: string, message?: string): void {
    this.#signaling?.send(
      message ? { type: 'ask-to-wait', callId, message } : { type: 'ask-to-wait', callId },
    );
  }

  /** Shows the therapist as offline and disconnects. Waiting visitors are told. */
  goOffline(): void {
    this.#signaling?.send({ type: 'set-presence', status: 'offline' });
    this.close();
  }

  /**
   * Asks for camera and microphone, then admits the knock. Failures end in state `error` with
   * {@link error} set; the promise itself never rejects.
   */
  async admit(callId: string): Promise<void> {
    if (this.#call !== null && this.#call.state !== 'ended') return;
    if (this.#admitting !== null) return;
    try {
      requireTransformApi();
      const media = await requestCallMedia();
      if (this.#signaling === null || !this.#knocks.some((knock) => knock.callId === callId)) {
        stopStream(media); // The visitor left while the camera was starting.
        return;
      }
      this.#admitting = { callId, media };
      this.#signaling.send({ type: 'admit', callId });
    } catch (error) {
      this.#fail(error);
    }
  }

  /** Turns a waiting visitor away, with an optional message shown to them. */
  decline(callId: string, message?: string): void {
    this.#signaling?.send(message ? { type: 'decline', callId, message } : { type: 'decline', callId });
    this.#removeKnock(callId);
  }

  /** Hangs up the running call. */
  hangUp(): void {
    this.#call?.hangUp();
  }

  /** Disconnects from the relay and ends any call. */
  close(): void {
    this.#stopReconnecting();
    this.#presence = { status: 'offline' };
    this.#call?.hangUp();
    stopStream(this.#admitting?.media ?? null);
    this.#admitting = null;
    this.#signaling?.close();
    this.#signaling = null;
    this.#knocks = [];
    this.#setState('idle');
  }

  async #ensureConnected(): Promise<SignalingConnection> {
    if (this.#signaling?.open) return this.#signaling;
    const { server, identity } = this.#options;
    const signaling = new SignalingConnection(server, 'host', this.room, identity);
    this.#signaling = signaling;
    this.#setState('connecting');
    signaling.addEventListener('message', (event) => {
      this.#onMessage((event as SignalingMessageEvent).message);
    });
    signaling.addEventListener('close', () => this.#onSignalingClosed(signaling));
    try {
      await signaling.connect();
    } catch (error) {
      this.#signaling = null;
      this.#fail(error);
      throw error;
    }
    return signaling;
  }

  #announcePresence(signaling: SignalingConnection): void {
    const { status, message } = this.#presence;
    signaling.send(
      message ? { type: 'set-presence', status, message } : { type: 'set-presence', status },
    );
  }

  #onSignalingClosed(signaling: SignalingConnection): void {
    if (this.#signaling !== signaling) return;
    this.#signaling = null;
    this.#knocks = [];
    stopStream(this.#admitting?.media ?? null);
    this.#admitting = null;
    // A running call is peer to peer; the relay also ends it when this side's connection drops.
    if (this.#state === 'in-call') return this.#changed();
    if (this.#state !== 'online') {
      this.#fail(new PorchlightError('relay-unreachable', 'Lost the connection to the relay'));
      return;
    }
    this.#reconnectAttempt = 0;
    this.#setState('reconnecting');
    this.#scheduleReconnect();
  }

  #scheduleReconnect(): void {
    const delay = this.#retryAfterMs + backoffDelay(this.#reconnectAttempt, RECONNECT_BACKOFF);
    this.#retryAfterMs = 0;
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = null;
      void this.#reconnect();
    }, delay);
  }

  /** Opens a new connection and announces the presence again; the relay resends the queue. */
  async #reconnect(): Promise<void> {
    const { server, identity } = this.#options;
    const signaling = new SignalingConnection(server, 'host', this.room, identity);
    signaling.addEventListener('message', (event) => {
      this.#onMessage((event as SignalingMessageEvent).message);
    });
    signaling.addEventListener('close', () => this.#onSignalingClosed(signaling));
    this.#signaling = signaling;
    try {
      await signaling.connect();
    } catch (error) {
      if (this.#signaling !== signaling || this.#state !== 'reconnecting') return;
      this.#signaling = null;
      this.#reconnectAttempt++;
      if (this.#reconnectAttempt >= MAX_RECONNECT_ATTEMPTS || isFinalConnectError(error)) {
        this.#fail(error);
        return;
      }
      this.#scheduleReconnect();
      return;
    }
    if (this.#signaling !== signaling || this.#state !== 'reconnecting') return;
    this.#reconnectAttempt = 0;
    this.#announcePresence(signaling);
    this.#setState('online');
  }

  #stopReconnecting(): void {
    if (this.#reconnectTimer !== null) clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = null;
  }

  #onMessage(message: ServerMessage): void {
    switch (message.type) {
      case 'knock-received':
        this.#knocks = [
          ...this.#knocks,
          message.name === undefined
            ? { callId: message.callId, receivedAt: Date.now() }
            : { callId: message.callId, name: message.name, receivedAt: Date.now() },
        ];
        this.#changed();
        break;
      case 'knock-ended':
        this.#removeKnock(message.callId);
        break;
      case 'admitted':
        this.#startCall(message.callId, message.iceServers ?? []);
        break;
      case 'signal':
        if (message.callId === this.#call?.callId) this.#call.receiveSignal(message.data);
        break;
      case 'call-ended':
        if (message.callId === this.#call?.callId) this.#call.remoteEnded(message.reason);
        break;
      case 'going-away': {
        // The relay is shutting down: drop the connection now and reconnect after retryAfterMs.
        const signaling = this.#signaling;
        if (signaling === null) break;
        signaling.close();
        this.#retryAfterMs = message.retryAfterMs;
        this.#onSignalingClosed(signaling);
        break;
      }
      case 'error':
        if (this.#admitting !== null && message.code === 'unknown-call') {
          stopStream(this.#admitting.media);
          this.#removeKnock(this.#admitting.callId);
          this.#admitting = null;
        }
        break;
      default:
        break;
    }
  }

  /** Starts the admitted call; `relayIceServers` are the relay's TURN servers for this call. */
  #startCall(callId: string, relayIceServers: RTCIceServer[]): void {
    const signaling = this.#signaling;
    const admitting = this.#admitting;
    if (signaling === null || admitting === null || admitting.callId !== callId) return;
    this.#admitting = null;
    this.#removeKnock(callId);

    const call = new Call({
      callId,
      role: 'host',
      room: this.room,
      identity: this.#options.identity,
      localStream: admitting.media,
      transformApi: requireTransformApi(),
      workerUrl: this.#options.workerUrl,
      iceServers: [...(this.#options.iceServers ?? []), ...relayIceServers],
      sendSignal: (data) => signaling.send({ type: 'signal', callId, data }),
      sendHangUp: () => signaling.send({ type: 'hang-up', callId }),
    });
    call.addEventListener('change', () => {
      if (call.state === 'ended' && this.#call === call && this.#state === 'in-call') {
        if (call.endReason === 'no-common-codec') {
          this.#fail(noCommonCodecError());
          return;
        }
        if (this.#signaling !== null) {
          this.#setState('online');
          return;
        }
        // The relay dropped during the call: reconnect so that the therapist is online again.
        this.#reconnectAttempt = 0;
        this.#setState('reconnecting');
        this.#scheduleReconnect();
        return;
      }
      this.#changed();
    });
    this.#call = call;
    this.#setState('in-call');
  }

  #removeKnock(callId: string): void {
    const before = this.#knocks.length;
    this.#knocks = this.#knocks.filter((knock) => knock.callId !== callId);
    if (this.#knocks.length !== before) this.#changed();
  }

  #fail(error: unknown): void {
    this.#stopReconnecting();
    this.#error = error instanceof PorchlightError
      ? error
      : new PorchlightError('call-failed', 'Something went wrong', { cause: error });
    this.#state = 'error';
    this.#changed();
  }

  #setState(state: HostState): void {
    if (state !== 'error') this.#error = null;
    this.#state = state;
    this.#changed();
  }

  /** Dispatches `change`, then a typed event for each reported value that changed. */
  #changed(): void {
    const reported = this.#reported;
    const current = { state: this.#state, knocks: this.#knocks, call: this.#call };
    this.#reported = current;
    const events = [new Event('change')];
    if (current.state !== reported.state) {
      events.push(new StateChangeEvent(current.state, reported.state));
      if (current.state === 'error' && this.#error) events.push(new ClientErrorEvent(this.#error));
    }
    for (const knock of current.knocks) {
      if (!reported.knocks.includes(knock)) events.push(new KnockEvent(knock));
    }
    if (current.call !== reported.call && current.call !== null) {
      events.push(new CallStartEvent(current.call));
    }
    this.#events.emit(...events);
  }
}
