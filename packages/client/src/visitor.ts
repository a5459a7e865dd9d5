import type { ServerMessage } from '@porchlight/protocol';
import { backoffDelay } from './backoff.js';
import { Call } from './call.js';
import {
  CallStartEvent,
  ClientErrorEvent,
  EventQueue,
  PresenceChangeEvent,
  StateChangeEvent,
  TypedEventTarget,
  type VisitorClientEventMap,
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
  type ClientOptions,
  type PresenceDetail,
  type VisitorState,
} from './types.js';

/** Reconnect attempts after the relay connection drops, before the visitor is told. */
const MAX_RECONNECT_ATTEMPTS = 6;
/** First and largest reconnect delay windows, in milliseconds. */
const RECONNECT_BACKOFF = { baseMs: 500, maxMs: 15_000 };
/**
 * Milliseconds a waiting visitor back on the relay waits for the therapist to be back too before
 * being told the therapist is offline. The therapist's console reconnects with the same backoff,
 * so it may come back some seconds later.
 */
const REKNOCK_GRACE_MS = 30_000;

/** Options of {@link VisitorClient.startCall}. */
export interface StartCallOptions {
  /** Display name shown to the therapist. Untrusted on their side. */
  name?: string;
  /** Joins with the microphone only; the therapist's video is still received. */
  audioOnly?: boolean;
  /**
   * Camera and microphone already opened, for example by a pre-call preview. The client takes
   * them over and stops them when the call ends.
   */
  media?: MediaStream;
}

/**
 * The visitor's side: watches the therapist's presence, knocks, waits and runs the call.
 *
 * Dispatches `change` whenever a readable property changes, and the typed events of
 * {@link VisitorClientEventMap}: `statechange`, `presencechange`, `callstart` and `error`.
 *
 * @example Start a call from a custom button
 * ```ts
 * const client = new VisitorClient({ server: 'wss://relay.example.org', room, workerUrl });
 * client.addEventListener('presencechange', (event) => showPresence(event.presence));
 * client.addEventListener('callstart', (event) => showCall(event.call));
 * client.addEventListener('error', (event) => showError(event.error.code));
 * client.connect();
 * button.onclick = () => client.startCall({ name: 'Sam' });
 * ```
 */
export class VisitorClient extends TypedEventTarget<VisitorClientEventMap> {
  readonly #options: ClientOptions;
  #signaling: SignalingConnection | null = null;
  #state: VisitorState = 'idle';
  #error: PorchlightError | null = null;
  #presence: PresenceDetail | null = null;
  #queuePosition: number | null = null;
  #callId: string | null = null;
  #call: Call | null = null;
  #media: MediaStream | null = null;
  #knockName: string | undefined;
  #waitMessage: string | null = null;
  #reconnectAttempt = 0;
  #reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  /** Least delay before the next reconnect, from the relay's `going-away`; 0 otherwise. */
  #retryAfterMs = 0;
  /** Set while back on the relay and waiting for the room to be online to knock again. */
  #reknockTimer: ReturnType<typeof setTimeout> | null = null;
  /** The state to return to once a reconnect succeeds: `ready`, or `waiting` to knock again. */
  #resumeState: 'ready' | 'waiting' = 'ready';
  readonly #events = new EventQueue(this);
  /** State, presence and call as the last events reported them. */
  #reported: { state: VisitorState; presence: PresenceDetail | null; call: Call | null } = {
    state: 'idle',
    presence: null,
    call: null,
  };

  constructor(options: ClientOptions) {
    super();
    this.#options = options;
  }

  get state(): VisitorState {
    return this.#state;
  }

  get error(): PorchlightError | null {
    return this.#error;
  }

  get presence(): PresenceDetail | null {
    return this.#presence;
  }

  get queuePosition(): number | null {
    return this.#queuePosition;
  }

  get call(): Call | null {
    return this.#call;
  }

  /** The therapist's "please wait" message for the waiting knock, or null. Untrusted text. */
  get waitMessage(): string | null {
    return this.#waitMessage;
  }

  /** Opens the signaling connection; presence updates follow. */
  connect(): void {
    if (this.#signaling !== null) return;
    void this.#ensureConnected().catch(() => {});
  }

  /**
   * Asks for camera and microphone, then knocks. Failures end in state `error` with
   * {@link error} set; the promise itself never rejects.
   */
  async startCall(options: StartCallOptions = {}): Promise<void> {
    if (
      this.#state === 'requesting-media' ||
      this.#state === 'waiting' ||
      this.#state === 'in-call' ||
      this.#state === 'reconnecting'
    ) {
      return;
    }
    try {
      requireTransformApi();
      this.#setState('requesting-media');
      this.#media =
        options.media ?? (await requestCallMedia({ audioOnly: options.audioOnly === true }));
      const signaling = await this.#ensureConnected();
      if (this.#presence?.status === 'offline') {
        throw new PorchlightError('host-offline', 'The therapist is offline');
      }
      this.#knockName = options.name || undefined;
      this.#knock(signaling);
    } catch (error) {
      stopStream(options.media ?? null);
      this.#fail(error);
    }
  }

  /** Withdraws the knock while waiting. */
  cancel(): void {
    if (this.#state === 'reconnecting' && this.#resumeState === 'waiting') {
      this.#resumeState = 'ready';
      if (this.#reknockTimer !== null) {
        this.#stopReconnecting();
        this.#releaseMedia();
        this.#setState('ready');
        return;
      }
      this.#releaseMedia();
      this.#callId = null;
      this.#changed();
      return;
    }
    if (this.#state !== 'waiting' && this.#state !== 'requesting-media') return;
    this.#signaling?.send({ type: 'cancel' });
    this.#releaseMedia();
    this.#callId = null;
    this.#setState('ready');
  }

  /** Hangs up the running call. */
  hangUp(): void {
    this.#call?.hangUp();
  }

  /** Disconnects from the relay and ends any call. */
  close(): void {
    this.#stopReconnecting();
    this.#call?.hangUp();
    this.#releaseMedia();
    this.#signaling?.close();
    this.#signaling = null;
    this.#setState('idle');
  }

  async #ensureConnected(): Promise<SignalingConnection> {
    if (this.#signaling?.open) return this.#signaling;
    const signaling = new SignalingConnection(this.#options.server, 'visitor', this.#options.room);
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
    if (this.#state === 'connecting') this.#setState('ready');
    return signaling;
  }

  #onSignalingClosed(signaling: SignalingConnection): void {
    if (this.#signaling !== signaling) return;
    this.#signaling = null;
    this.#presence = null;
    // The call itself is peer to peer and goes on without the relay.
    if (this.#state === 'in-call') return this.#changed();
    if (this.#state !== 'ready' && this.#state !== 'waiting') {
      this.#fail(new PorchlightError('relay-unreachable', 'Lost the connection to the relay'));
      return;
    }
    this.#resumeState = this.#state;
    this.#callId = null;
    this.#queuePosition = null;
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

  async #reconnect(): Promise<void> {
    const signaling = new SignalingConnection(this.#options.server, 'visitor', this.#options.room);
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
    if (this.#resumeState === 'waiting' && this.#media !== null) {
      // The relay forgot the old knock with the old connection. The room's presence arrives
      // next; the knock goes out once it is not offline.
      this.#reknockTimer = setTimeout(() => {
        this.#reknockTimer = null;
        this.#fail(new PorchlightError('host-offline', 'The therapist is offline'));
      }, REKNOCK_GRACE_MS);
    } else {
      this.#setState('ready');
    }
  }

  #reknockIfOnline(): void {
    const signaling = this.#signaling;
    if (this.#reknockTimer === null || signaling === null) return;
    if (this.#presence?.status === 'offline') return;
    clearTimeout(this.#reknockTimer);
    this.#reknockTimer = null;
    this.#knock(signaling);
  }

  /** The relay is shutting down: drop the connection now and reconnect after `retryAfterMs`. */
  #onGoingAway(retryAfterMs: number): void {
    const signaling = this.#signaling;
    if (signaling === null) return;
    signaling.close();
    this.#retryAfterMs = retryAfterMs;
    this.#onSignalingClosed(signaling);
  }

  #stopReconnecting(): void {
    if (this.#reconnectTimer !== null) clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = null;
    if (this.#reknockTimer !== null) clearTimeout(this.#reknockTimer);
    this.#reknockTimer = null;
  }

  #knock(signaling: SignalingConnection): void {
    this.#queuePosition = null;
    this.#waitMessage = null;
    this.#setState('waiting');
    const name = this.#knockName;
    signaling.send(name ? { type: 'knock', name } : { type: 'knock' });
  }

  #onMessage(message: ServerMessage): void {
    switch (message.type) {
      case 'presence':
        this.#presence = message.message === undefined
          ? { status: message.status }
          : { status: message.status, message: message.message };
        this.#changed();
        this.#reknockIfOnline();
        break;
      case 'waiting':
        this.#callId = message.callId;
        this.#queuePosition = message.position;
        this.#changed();
        break;
      case 'admitted':
        if (message.callId === this.#callId) {
          this.#startCall(message.callId, message.iceServers ?? []);
        }
        break;
      case 'asked-to-wait':
        if (message.callId !== this.#callId) break;
        this.#waitMessage = message.message ?? '';
        this.#changed();
        break;
      case 'declined':
        if (message.callId !== this.#callId) break;
        this.#fail(declinedError(message.reason, message.message));
        break;
      case 'going-away':
        this.#onGoingAway(message.retryAfterMs);
        break;
      case 'signal':
        if (message.callId === this.#call?.callId) this.#call.receiveSignal(message.data);
        break;
      case 'call-ended':
        if (message.callId === this.#call?.callId) this.#call.remoteEnded(message.reason);
        break;
      case 'error':
        if (message.code === 'not-allowed' && this.#state === 'waiting' && this.#callId === null) {
          break; // A second knock after a reconnect raced the first: the first one stands.
        }
        if (message.code === 'room-offline' && this.#state === 'waiting') {
          this.#fail(new PorchlightError('host-offline', 'The therapist is offline'));
        }
        break;
      default:
        break;
    }
  }

  /** Starts the admitted call; `relayIceServers` are the relay's TURN servers for this call. */
  #startCall(callId: string, relayIceServers: RTCIceServer[]): void {
    const signaling = this.#signaling;
    const media = this.#media;
    if (signaling === null || media === null) return;
    const call = new Call({
      callId,
      receiveVideo: media.getVideoTracks().length === 0,
      role: 'visitor',
      room: this.#options.room,
      identity: null,
      localStream: media,
      transformApi: requireTransformApi(),
      workerUrl: this.#options.workerUrl,
      iceServers: [...(this.#options.iceServers ?? []), ...relayIceServers],
      sendSignal: (data) => signaling.send({ type: 'signal', callId, data }),
      sendHangUp: () => signaling.send({ type: 'hang-up', callId }),
    });
    call.addEventListener('change', () => {
      if (call.state === 'ended' && this.#call === call && this.#state === 'in-call') {
        this.#media = null;
        this.#callId = null;
        if (call.endReason === 'identity-mismatch') {
          const text = 'The other side could not prove it is the therapist of this room';
          this.#error = new PorchlightError('identity-mismatch', text);
          this.#setState('error');
        } else if (call.endReason === 'failed') {
          const text = 'The connection to the therapist could not be made or was lost';
          this.#error = new PorchlightError('call-failed', text);
          this.#setState('error');
        } else if (call.endReason === 'no-common-codec') {
          this.#error = noCommonCodecError();
          this.#setState('error');
        } else {
          this.#setState('ended');
        }
        return;
      }
      this.#changed();
    });
    this.#call = call;
    this.#queuePosition = null;
    this.#setState('in-call');
  }

  #fail(error: unknown): void {
    this.#stopReconnecting();
    this.#releaseMedia();
    this.#callId = null;
    this.#error = error instanceof PorchlightError
      ? error
      : new PorchlightError('call-failed', 'Something went wrong while starting the call', { cause: error });
    this.#setState('error');
  }

  #releaseMedia(): void {
    if (this.#call === null || this.#call.state === 'ended') stopStream(this.#media);
    this.#media = null;
  }

  #setState(state: VisitorState): void {
    if (state !== 'error') this.#error = null;
    if (state !== 'waiting') this.#waitMessage = null;
    this.#state = state;
    this.#changed();
  }

  /** Dispatches `change`, then a typed event for each reported value that changed. */
  #changed(): void {
    const reported = this.#reported;
    const current = { state: this.#state, presence: this.#presence, call: this.#call };
    this.#reported = current;
    const events = [new Event('change')];
    if (current.presence !== reported.presence) {
      events.push(new PresenceChangeEvent(current.presence));
    }
    if (current.state !== reported.state) {
      events.push(new StateChangeEvent(current.state, reported.state));
      if (current.state === 'error' && this.#error) events.push(new ClientErrorEvent(this.#error));
    }
    if (current.call !== reported.call && current.call !== null) {
      events.push(new CallStartEvent(current.call));
    }
    this.#events.emit(...events);
  }
}

/** Maps a relay `declined` reason to the error the visitor is shown. */
function declinedError(reason: 'declined' | 'host-offline' | 'timeout', text?: string) {
  if (reason === 'host-offline') {
    return new PorchlightError('host-offline', 'The therapist went offline');
  }
  if (reason === 'timeout') {
    return new PorchlightError('knock-timeout', 'Nobody answered the knock in time');
  }
  return new PorchlightError('declined', text ?? 'The therapist cannot take the call now');
}
