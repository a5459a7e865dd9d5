import Peer, { type SimplePeerSignal } from '@thaunknown/simple-peer';
import {
  deriveCallKeys,
  fromBase64Url,
  generateKeyShare,
  toBase64Url,
  type E2eeStats,
  type KeyEntry,
  type WorkerRequest,
  type WorkerResponse,
} from '@porchlight/e2ee';
import { PROTOCOL_VERSION, type Role, type SignalPayload } from '@porchlight/protocol';
import { applyCodecPolicy } from './codecs.js';
import { stopStream } from './media.js';
import { TransformAttacher, startWorker, type TransformApi } from './transforms.js';
import type { CallEndReason, CallState } from './types.js';

/** Milliseconds to wait for the worker's reply to a stats request. */
const STATS_TIMEOUT_MS = 5_000;

/** What a {@link Call} needs from the client that owns it. */
export interface CallParams {
  callId: string;
  role: Role;
  room: string;
  localStream: MediaStream;
  transformApi: TransformApi;
  workerUrl: string | URL;
  iceServers: RTCIceServer[];
  /** Sends a payload to the peer through the relay. */
  sendSignal(data: SignalPayload): void;
  /** Tells the relay that this side hung up. */
  sendHangUp(): void;
}

interface TestHooks {
  /** Corrupts this side's keys so that no frame decrypts on either side. */
  mismatchKeys?: boolean;
  /**
   * Sets `iceTransportPolicy: 'relay'`, so the call connects only through TURN, as when both
   * sides sit behind firewalls that block direct UDP.
   */
  forceRelay?: boolean;
}

function readTestHooks(): TestHooks {
  const hooks = (globalThis as { __PORCHLIGHT_TEST__?: unknown }).__PORCHLIGHT_TEST__;
  return typeof hooks === 'object' && hooks !== null ? (hooks as TestHooks) : {};
}

/**
 * One end-to-end encrypted call between a visitor and a host.
 *
 * The visitor makes the offer. Both sides send an ephemeral X25519 key share through the relay
 * as soon as the call starts; every frame is dropped in the worker until both shares are known
 * and the SFrame keys are installed, so media is never sent in clear.
 *
 * Dispatches `change` whenever a readable property changes.
 */
export class Call extends EventTarget {
  readonly callId: string;
  readonly role: Role;
  readonly localStream: MediaStream;
  #remoteStream: MediaStream | null = null;
  #state: CallState = 'connecting';
  #endReason: CallEndReason | null = null;

  readonly #params: CallParams;
  readonly #keyShare = generateKeyShare();
  #peerPublicKey: Uint8Array | null = null;
  readonly #worker: Worker;
  readonly #peer: Peer;
  #statsRequestId = 0;
  readonly #pendingStats = new Map<number, (stats: E2eeStats) => void>();

  constructor(params: CallParams) {
    super();
    this.callId = params.callId;
    this.role = params.role;
    this.localStream = params.localStream;
    this.#params = params;

    this.#worker = startWorker(params.workerUrl);
    this.#worker.addEventListener('message', (event: MessageEvent<WorkerResponse>) => {
      this.#onWorkerMessage(event.data);
    });

    const transforms = new TransformAttacher(params.transformApi, this.#worker);
    this.#peer = new Peer({
      initiator: params.role === 'visitor',
      stream: params.localStream,
      trickle: true,
      config: {
        iceServers: params.iceServers,
        iceTransportPolicy: readTestHooks().forceRelay === true ? 'relay' : 'all',
        encodedInsertableStreams: params.transformApi === 'encoded-streams',
      },
    });
    // simple-peer added the local tracks in its constructor and negotiates on a later tick, so
    // this is the moment to set transforms and codecs: before any description is created.
    const connection = this.#peer._pc;
    applyCodecPolicy(connection);
    transforms.attachAll(connection);
    connection.addEventListener('track', (event) => transforms.attachReceiver(event.receiver));

    this.#peer.on('signal', (data) => params.sendSignal(data as unknown as SignalPayload));
    this.#peer.on('stream', (stream) => {
      this.#remoteStream = stream;
      this.#changed();
    });
    this.#peer.on('connect', () => {
      if (this.#state !== 'connecting') return;
      this.#state = 'connected';
      this.#changed();
    });
    this.#peer.on('close', () => this.#end('remote-disconnected'));
    this.#peer.on('error', () => this.#end('failed'));

    params.sendSignal({ type: 'key-share', x25519: toBase64Url(this.#keyShare.publicKey) });
  }

  get state(): CallState {
    return this.#state;
  }

  get endReason(): CallEndReason | null {
    return this.#endReason;
  }

  get remoteStream(): MediaStream | null {
    return this.#remoteStream;
  }

  /** The underlying peer connection, for `getStats()`; null once the call ended. */
  get peerConnection(): RTCPeerConnection | null {
    return this.#state === 'ended' ? null : this.#peer._pc;
  }

  get microphoneEnabled(): boolean {
    return this.localStream.getAudioTracks().some((track) => track.enabled);
  }

  get cameraEnabled(): boolean {
    return this.localStream.getVideoTracks().some((track) => track.enabled);
  }

  /** Mutes or unmutes the microphone. A muted track sends silence, still encrypted. */
  setMicrophoneEnabled(enabled: boolean): void {
    for (const track of this.localStream.getAudioTracks()) track.enabled = enabled;
    this.#changed();
  }

  /** Turns the camera picture off or on. An off track sends black frames, still encrypted. */
  setCameraEnabled(enabled: boolean): void {
    for (const track of this.localStream.getVideoTracks()) track.enabled = enabled;
    this.#changed();
  }

  /** Ends the call from this side and tells the peer. Safe to call more than once. */
  hangUp(): void {
    if (this.#state === 'ended') return;
    this.#params.sendHangUp();
    this.#end('local-hang-up');
  }

  /** Frame counters of the E2EE worker: how many frames were encrypted, decrypted and dropped. */
  getE2eeStats(): Promise<E2eeStats> {
    const requestId = ++this.#statsRequestId;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pendingStats.delete(requestId);
        reject(new Error('Timed out waiting for E2EE stats from the worker'));
      }, STATS_TIMEOUT_MS);
      this.#pendingStats.set(requestId, (stats) => {
        clearTimeout(timer);
        resolve(stats);
      });
      this.#postToWorker({ type: 'get-stats', requestId });
    });
  }

  /** Handles a payload from the peer. Called by the owning client. */
  receiveSignal(data: SignalPayload): void {
    if (this.#state === 'ended') return;
    if (data.type === 'key-share') {
      this.#onKeyShare(data.x25519);
      return;
    }
    this.#peer.signal(data as unknown as SimplePeerSignal);
  }

  /** Ends the call because the relay reported the peer gone. Called by the owning client. */
  remoteEnded(reason: 'hang-up' | 'disconnected'): void {
    this.#end(reason === 'hang-up' ? 'remote-hang-up' : 'remote-disconnected');
  }

  #onKeyShare(encoded: string): void {
    if (this.#peerPublicKey !== null) return; // One key share per call; later ones are ignored.
    let keys: KeyEntry[];
    try {
      this.#peerPublicKey = fromBase64Url(encoded);
      keys = deriveCallKeys({
        role: this.role,
        privateKey: this.#keyShare.privateKey,
        publicKey: this.#keyShare.publicKey,
        peerPublicKey: this.#peerPublicKey,
        room: this.#params.room,
        protocolVersion: PROTOCOL_VERSION,
      });
    } catch {
      this.#end('failed');
      return;
    }
    if (readTestHooks().mismatchKeys) {
      for (const key of keys) key.baseKey[0]! ^= 0xff;
    }
    this.#postToWorker({ type: 'set-keys', keys });
  }

  #onWorkerMessage(message: WorkerResponse): void {
    if (message.type === 'stats') {
      this.#pendingStats.get(message.requestId)?.(message.stats);
      this.#pendingStats.delete(message.requestId);
    }
  }

  #postToWorker(request: WorkerRequest): void {
    this.#worker.postMessage(request);
  }

  #end(reason: CallEndReason): void {
    if (this.#state === 'ended') return;
    this.#state = 'ended';
    this.#endReason = reason;
    this.#peer.removeAllListeners();
    this.#peer.on('error', () => {}); // simple-peer may still emit while tearing down.
    this.#peer.destroy();
    this.#worker.terminate();
    stopStream(this.localStream);
    this.#changed();
  }

  #changed(): void {
    this.dispatchEvent(new Event('change'));
  }
}
