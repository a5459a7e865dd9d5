import type { ServerMessage } from '@porchlight/protocol';
import { Call } from './call.js';
import { requestCallMedia, stopStream } from './media.js';
import { SignalingConnection, type SignalingMessageEvent } from './signaling.js';
import { requireTransformApi } from './transforms.js';
import {
  noCommonCodecError,
  PorchlightError,
  type ClientOptions,
  type PresenceDetail,
  type VisitorState,
} from './types.js';

/**
 * The visitor's side: watches the therapist's presence, knocks, waits and runs the call.
 *
 * Dispatches `change` whenever a readable property changes.
 *
 * @example Start a call from a custom button
 * ```ts
 * const client = new VisitorClient({ server: 'wss://relay.example.org', room, workerUrl });
 * client.addEventListener('change', () => render(client.state, client.presence));
 * client.connect();
 * button.onclick = () => client.startCall({ name: 'Sam' });
 * ```
 */
export class VisitorClient extends EventTarget {
  readonly #options: ClientOptions;
  #signaling: SignalingConnection | null = null;
  #state: VisitorState = 'idle';
  #error: PorchlightError | null = null;
  #presence: PresenceDetail | null = null;
  #queuePosition: number | null = null;
  #callId: string | null = null;
  #call: Call | null = null;
  #media: MediaStream | null = null;

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

  /** Opens the signaling connection; presence updates follow. */
  connect(): void {
    if (this.#signaling !== null) return;
    void this.#ensureConnected().catch(() => {});
  }

  /**
   * Asks for camera and microphone, then knocks. Failures end in state `error` with
   * {@link error} set; the promise itself never rejects.
   */
  async startCall(options: { name?: string } = {}): Promise<void> {
    if (this.#state === 'requesting-media' || this.#state === 'waiting' || this.#state === 'in-call') {
      return;
    }
    try {
      requireTransformApi();
      this.#setState('requesting-media');
      this.#media = await requestCallMedia();
      const signaling = await this.#ensureConnected();
      if (this.#presence?.status === 'offline') {
        throw new PorchlightError('host-offline', 'The therapist is offline');
      }
      this.#queuePosition = null;
      this.#setState('waiting');
      signaling.send(options.name ? { type: 'knock', name: options.name } : { type: 'knock' });
    } catch (error) {
      this.#fail(error);
    }
  }

  /** Withdraws the knock while waiting. */
  cancel(): void {
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
    signaling.addEventListener('close', () => {
      if (this.#signaling !== signaling) return;
      this.#signaling = null;
      this.#presence = null;
      // The call itself is peer to peer and goes on without the relay.
      if (this.#state === 'in-call') return this.#changed();
      this.#fail(new PorchlightError('relay-unreachable', 'Lost the connection to the relay'));
    });
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

  #onMessage(message: ServerMessage): void {
    switch (message.type) {
      case 'presence':
        this.#presence = message.message === undefined
          ? { status: message.status }
          : { status: message.status, message: message.message };
        this.#changed();
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
      case 'declined':
        if (message.callId !== this.#callId) break;
        this.#fail(
          message.reason === 'host-offline'
            ? new PorchlightError('host-offline', 'The therapist went offline')
            : new PorchlightError('declined', message.message ?? 'The therapist cannot take the call now'),
        );
        break;
      case 'signal':
        if (message.callId === this.#call?.callId) this.#call.receiveSignal(message.data);
        break;
      case 'call-ended':
        if (message.callId === this.#call?.callId) this.#call.remoteEnded(message.reason);
        break;
      case 'error':
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
          this.#error = new PorchlightError('call-failed', 'The connection to the therapist was lost');
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
    this.#state = state;
    this.#changed();
  }

  #changed(): void {
    this.dispatchEvent(new Event('change'));
  }
}
