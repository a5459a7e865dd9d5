import { roomIdFromPublicKey } from '@porchlight/e2ee';
import type { ServerMessage } from '@porchlight/protocol';
import { Call } from './call.js';
import { requestCallMedia, stopStream } from './media.js';
import { SignalingConnection, type SignalingMessageEvent } from './signaling.js';
import { requireTransformApi } from './transforms.js';
import {
  noCommonCodecError,
  PorchlightError,
  type HostClientOptions,
  type HostState,
  type Knock,
} from './types.js';

/**
 * The therapist's side: goes online, sees knocks, admits or declines, and runs the call.
 *
 * Dispatches `change` whenever a readable property changes.
 */
export class HostClient extends EventTarget {
  /** Room id: the identity's public key in unpadded base64url. */
  readonly room: string;
  readonly #options: HostClientOptions;
  #signaling: SignalingConnection | null = null;
  #state: HostState = 'idle';
  #error: PorchlightError | null = null;
  #knocks: Knock[] = [];
  #call: Call | null = null;
  #admitting: { callId: string; media: MediaStream } | null = null;

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

  /** Connects if needed and shows the therapist as available on every visitor's button. */
  goOnline(): void {
    void this.#ensureConnected()
      .then((signaling) => {
        signaling.send({ type: 'set-presence', status: 'available' });
        // After an error the connection may still be open, so going online again clears it.
        if (this.#state === 'connecting' || this.#state === 'error') this.#setState('online');
      })
      .catch(() => {});
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
    signaling.addEventListener('close', () => {
      if (this.#signaling !== signaling) return;
      this.#signaling = null;
      this.#knocks = [];
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
    return signaling;
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
        this.#setState(this.#signaling === null ? 'idle' : 'online');
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

  #changed(): void {
    this.dispatchEvent(new Event('change'));
  }
}
