import Peer, { type SimplePeerSignal } from '@thaunknown/simple-peer';
import {
  agreeAsHost,
  agreeAsVisitor,
  fingerprintsFromSdp,
  fromBase64Url,
  generateVisitorKeyShare,
  signTranscript,
  toBase64Url,
  verifyTranscript,
  type CallIdentity,
  type CallSecrets,
  type E2eeStats,
  type TranscriptContext,
  type VisitorKeyShare,
  type WorkerRequest,
  type WorkerResponse,
} from '@porchlight/e2ee';
import {
  PROTOCOL_VERSION,
  type KeyShareSignal,
  type Role,
  type SignalPayload,
} from '@porchlight/protocol';
import { ChatCipher } from './chat.js';
import {
  CallEndEvent,
  CallSecuredEvent,
  ChatMessageEvent,
  EventQueue,
  QualityChangeEvent,
  RemoteStreamEvent,
  StateChangeEvent,
  TypedEventTarget,
  type CallEventMap,
} from './events.js';
import {
  applyCodecPolicy,
  DEFAULT_CODEC_POLICY,
  findMediaWithoutAllowedCodec,
  removeUnlistedPayloadTypes,
  type CodecPolicy,
} from './codecs.js';
import { listMediaDevices, stopStream } from './media.js';
import { rateNetwork, sampleNetwork, type NetworkQuality, type PacketTotals } from './quality.js';
import { TransformAttacher, startWorker, type TransformApi } from './transforms.js';
import type { CallEndReason, CallState, ChatMessage } from './types.js';

/** Milliseconds to wait for the worker's reply to a stats request. */
const STATS_TIMEOUT_MS = 5_000;
/** Milliseconds between two network-quality samples. */
const QUALITY_INTERVAL_MS = 2_000;
/** Milliseconds of `disconnected` ICE before the visitor restarts ICE. */
const ICE_RESTART_GRACE_MS = 1_500;
/** Milliseconds between ICE restart attempts while the connection stays down. */
const ICE_RESTART_RETRY_MS = 4_000;
/** Milliseconds the call may stay disconnected, restarts included, before it ends as failed. */
const ICE_RECOVERY_BUDGET_MS = 30_000;
/**
 * Milliseconds a new call may take to reach `connected` before it ends as failed. On loopback
 * Chromium 156 connects within a second, through TURN as well. Real networks add round trips
 * and STUN retransmissions, and 30 s is an estimate that leaves room for them. When no
 * candidate pair can work, the connection may never reach `failed` (with no candidates at all
 * it stays `new`), and without this limit both people would wait forever. It matches
 * ICE_RECOVERY_BUDGET_MS, so a person waits no longer for a new call than for a dropped one to
 * come back.
 */
const CONNECT_BUDGET_MS = 30_000;
/**
 * Milliseconds between two ratchets of this side's encrypt keys. A key taken from the memory of
 * either browser during the call then opens at most the last minute of the media recorded
 * before (docs/security.md explains the choice).
 */
const KEY_RATCHET_INTERVAL_MS = 60_000;

/** Parameters a {@link Call} takes from the client that owns it. */
export interface CallParams {
  callId: string;
  role: Role;
  room: string;
  localStream: MediaStream;
  transformApi: TransformApi;
  workerUrl: string | URL;
  iceServers: RTCIceServer[];
  /** The host's identity, which signs the key agreement. Null on the visitor's side. */
  identity: CallIdentity | null;
  /** Sends a payload to the peer through the relay. */
  sendSignal(data: SignalPayload): void;
  /** Tells the relay that this side hung up. */
  sendHangUp(): void;
  /**
   * Asks for a receive-only video transceiver: set when the local stream has no camera, so that
   * the peer's video still gets an m-line in the visitor's offer.
   */
  receiveVideo?: boolean;
}

/**
 * Switches for end-to-end tests, read from `globalThis.__PORCHLIGHT_TEST__` when a call starts.
 * Pages set them only in tests; a product page never has this global.
 */
interface TestHooks {
  /** Corrupts this side's keys so that no frame decrypts on either side. */
  mismatchKeys?: boolean;
  /**
   * Sets `iceTransportPolicy: 'relay'`, so the call connects only through TURN, as when both
   * sides sit behind firewalls that block direct UDP.
   */
  forceRelay?: boolean;
  /**
   * Makes the host, not the visitor, create the offer, so that tests cover both browsers in both
   * SDP roles. It is a test hook, not a client option, because who offers changes nothing a
   * product page could want.
   */
  hostOffers?: boolean;
  /**
   * Replaces this side's allowed video codecs (lower-case MIME subtypes such as `'vp9'`), to
   * force a codec the policy leaves out.
   */
  videoCodecs?: string[];
  /** Replaces {@link CONNECT_BUDGET_MS}, so a test of a call that cannot connect ends sooner. */
  connectBudgetMs?: number;
  /**
   * Replaces {@link KEY_RATCHET_INTERVAL_MS}, in milliseconds, so that a test crosses many key
   * epochs within seconds.
   */
  ratchetIntervalMs?: number;
}

function readTestHooks(): TestHooks {
  const hooks = (globalThis as { __PORCHLIGHT_TEST__?: unknown }).__PORCHLIGHT_TEST__;
  return typeof hooks === 'object' && hooks !== null ? (hooks as TestHooks) : {};
}

function ratchetIntervalFrom(hooks: TestHooks): number {
  const interval = hooks.ratchetIntervalMs;
  return typeof interval === 'number' && interval > 0 ? interval : KEY_RATCHET_INTERVAL_MS;
}

function codecPolicyFrom(hooks: TestHooks): CodecPolicy {
  const videoCodecs = hooks.videoCodecs;
  if (!Array.isArray(videoCodecs)) return DEFAULT_CODEC_POLICY;
  return { ...DEFAULT_CODEC_POLICY, video: videoCodecs.map((name) => String(name).toLowerCase()) };
}

/**
 * One end-to-end encrypted call between a visitor and a host.
 *
 * The visitor makes the offer (the host does under the `hostOffers` test hook) and sends its
 * X25519 key and ML-KEM-768 encapsulation key as soon as the call starts. Once offer and answer
 * are in place, the host encapsulates, derives the keys over a transcript that also holds both
 * DTLS fingerprints, signs the transcript hash with its identity and replies. The visitor
 * installs keys only after that signature verifies with the room id; otherwise it ends the call
 * with `identity-mismatch`. Every frame is dropped in the worker until keys are installed, so
 * media is never sent in clear.
 *
 * Each side checks every SDP offer and answer, its own and the peer's, against the codec policy.
 * When no codec can be encrypted, the side that notices sends `call-error` and both end with
 * `no-common-codec`, so no call ever runs on a codec the worker does not handle.
 *
 * A call that is not connected within {@link CONNECT_BUDGET_MS} ends as `failed`: the side whose
 * limit runs out first sends `call-error` with `connect-timeout` and hangs up, and the peer ends
 * as `failed` too.
 *
 * Dispatches `change` whenever a readable property changes, and the typed events of
 * {@link CallEventMap}: `statechange`, `remotestream`, `secured`, `chatmessage` for each new
 * message, `qualitychange` and, last of all, `end`.
 */
export class Call extends TypedEventTarget<CallEventMap> {
  readonly callId: string;
  readonly role: Role;
  readonly localStream: MediaStream;
  #remoteStream: MediaStream | null = null;
  #state: CallState = 'connecting';
  #endReason: CallEndReason | null = null;

  readonly #params: CallParams;
  /** The visitor's key share, generated on WebCrypto and so asynchronously; null for the host. */
  readonly #visitorShare: Promise<VisitorKeyShare> | null;
  #peerShare: KeyShareSignal | null = null;
  /** Set once this side started deriving keys, so that it happens once per call. */
  #agreementStarted = false;
  #sas: string | null = null;
  #identityVerified = false;
  #chatKey: Uint8Array | null = null;
  readonly #worker: Worker;
  readonly #peer: Peer;
  #statsRequestId = 0;
  readonly #pendingStats = new Map<number, (stats: E2eeStats) => void>();
  readonly #codecPolicy: CodecPolicy;
  #chat: ChatCipher | null = null;
  /** Chat sends wait on this chain so that chunks leave in the order the texts were given. */
  #chatQueue: Promise<void> = Promise.resolve();
  #messages: ChatMessage[] = [];
  #quality: NetworkQuality | null = null;
  #qualityTimer: ReturnType<typeof setInterval> | null = null;
  #packetTotals: PacketTotals = { received: 0, lost: 0 };
  #cameraTrack: MediaStreamTrack | null = null;
  #screenTrack: MediaStreamTrack | null = null;
  /** When ICE went down, or null while it is up. */
  #downSince: number | null = null;
  #restartTimer: ReturnType<typeof setTimeout> | null = null;
  #ratchetTimer: ReturnType<typeof setInterval> | null = null;
  #iceRestarts = 0;
  #connectTimer: ReturnType<typeof setTimeout> | null = null;
  readonly #events = new EventQueue(this);
  /** The values as the last events reported them. */
  #reported: ReportedCallValues = {
    state: 'connecting',
    remoteStream: null,
    sas: null,
    messageCount: 0,
    quality: null,
  };

  constructor(params: CallParams) {
    super();
    this.callId = params.callId;
    this.role = params.role;
    this.localStream = params.localStream;
    this.#params = params;
    this.#visitorShare = params.role === 'visitor' ? generateVisitorKeyShare() : null;

    this.#worker = startWorker(params.workerUrl);
    this.#worker.addEventListener('message', (event: MessageEvent<WorkerResponse>) => {
      this.#onWorkerMessage(event.data);
    });

    const hooks = readTestHooks();
    this.#codecPolicy = codecPolicyFrom(hooks);
    const offerer: Role = hooks.hostOffers === true ? 'host' : 'visitor';

    const transforms = new TransformAttacher(params.transformApi, this.#worker);
    this.#cameraTrack = params.localStream.getVideoTracks()[0] ?? null;
    this.#peer = new Peer({
      initiator: params.role === offerer,
      stream: params.localStream,
      trickle: true,
      config: {
        iceServers: params.iceServers,
        iceTransportPolicy: hooks.forceRelay === true ? 'relay' : 'all',
        encodedInsertableStreams: params.transformApi === 'encoded-streams',
      },
    });
    // simple-peer added the local tracks in its constructor and negotiates on a later tick, so
    // this is the moment to set transforms and codecs: before any description is created.
    const connection = this.#peer._pc;
    if (params.receiveVideo) connection.addTransceiver('video', { direction: 'recvonly' });
    applyCodecPolicy(connection, this.#codecPolicy);
    transforms.attachAll(connection);
    this.#watchIce(connection);
    connection.addEventListener('track', (event) => transforms.attachReceiver(event.receiver));
    // Both DTLS fingerprints are known once offer and answer are applied.
    connection.addEventListener('signalingstatechange', () => this.#tryAgreement());

    this.#peer.on('signal', (data) => {
      const payload = data as unknown as SignalPayload;
      if (!this.#hasAllowedCodecs(payload)) return;
      params.sendSignal(payload);
    });
    this.#peer.on('stream', (stream) => {
      this.#remoteStream = stream;
      this.#changed();
    });
    this.#peer.on('connect', () => {
      if (this.#state !== 'connecting') return;
      this.#clearConnectTimer();
      this.#state = 'connected';
      this.#startQualitySampling();
      this.#changed();
    });
    this.#peer.on('data', (data: Uint8Array) => this.#onChatChunk(data));
    this.#peer.on('close', () => this.#end('remote-disconnected'));
    this.#peer.on('error', () => this.#end('failed'));
    const budget = hooks.connectBudgetMs ?? CONNECT_BUDGET_MS;
    this.#connectTimer = setTimeout(() => this.#giveUpConnecting(), budget);

    this.#visitorShare?.then(
      (share) => {
        if (this.#state === 'ended') return;
        params.sendSignal({
          type: 'key-share',
          x25519: toBase64Url(share.x25519.publicKey),
          mlkem: toBase64Url(share.mlkem.encapsulationKey),
        });
      },
      () => this.#end('failed'),
    );
  }

  /**
   * Short authentication string, six digits grouped `123 456`, or null before keys are derived.
   * Both people see the same digits unless someone is in the middle, so reading them aloud
   * checks the call.
   */
  get sas(): string | null {
    return this.#sas;
  }

  /**
   * Whether the host proved it holds the therapist's key named by the room id. Only the visitor
   * checks this, so it stays false on the host's side.
   */
  get identityVerified(): boolean {
    return this.#identityVerified;
  }

  /** 32-byte key for the call's text chat, the same on both sides; null before keys exist. */
  get chatKey(): Uint8Array | null {
    return this.#chatKey;
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

  /** Text messages of this call, oldest first. */
  get messages(): readonly ChatMessage[] {
    return this.#messages;
  }

  /** Whether the chat is ready: the data channel is open and the chat key is known. */
  get chatReady(): boolean {
    return this.#chat !== null && this.#state === 'connected';
  }

  /** Latest network rating of the connection, or null before the first sample. */
  get networkQuality(): NetworkQuality | null {
    return this.#quality;
  }

  /** Whether the screen, not the camera, is being sent. */
  get screenSharing(): boolean {
    return this.#screenTrack !== null;
  }

  /** Number of ICE restarts this call made to recover its connection. */
  get iceRestarts(): number {
    return this.#iceRestarts;
  }

  /**
   * Sends a text message, encrypted end to end under the call's chat key.
   *
   * @throws {Error} if the chat is not ready or the text is empty or longer than 64 KiB.
   */
  async sendMessage(text: string): Promise<void> {
    const chat = this.#chat;
    if (chat === null || this.#state !== 'connected') {
      throw new Error(`Cannot send a chat message: the call is ${this.#state}`);
    }
    const chunks = await chat.seal(text);
    const sending = this.#chatQueue.then(() => {
      if (this.#state === 'ended') throw new Error('Cannot send a chat message: the call ended');
      for (const chunk of chunks) this.#peer.send(chunk);
    });
    this.#chatQueue = sending.catch(() => undefined);
    await sending;
    this.#messages = [...this.#messages, { from: 'local', text, at: Date.now() }];
    this.#changed();
  }

  /**
   * Switches the camera or microphone to the device `deviceId` from `enumerateDevices()`. The
   * new track replaces the old one in the same sender, so the encryption transform stays on it
   * and no renegotiation is needed.
   */
  async switchDevice(kind: 'audio' | 'video', deviceId: string): Promise<void> {
    const constraints: MediaTrackConstraints = { deviceId: { exact: deviceId } };
    await this.#replaceLocalTrack(kind, constraints);
  }

  /**
   * Switches to another camera. Where the camera reports its `facingMode`, as phone cameras do,
   * it requests the one facing the other way. Otherwise, or when no camera faces that way, it
   * takes the next camera in `enumerateDevices()` order.
   *
   * @throws {Error} if there is no other camera. Rejects with the `getUserMedia` error when the
   * other camera cannot start, and then the current camera stays on.
   */
  async switchCamera(): Promise<void> {
    const settings = this.#cameraTrack?.getSettings() ?? {};
    const facing = settings.facingMode;
    if (facing === 'user' || facing === 'environment') {
      try {
        const other = facing === 'user' ? 'environment' : 'user';
        return await this.#replaceLocalTrack('video', { facingMode: { exact: other } });
      } catch (error) {
        if ((error as Error).name !== 'OverconstrainedError') throw error;
      }
    }
    const { cameras } = await listMediaDevices();
    const current = cameras.findIndex((camera) => camera.deviceId === settings.deviceId);
    const next = cameras[(current + 1) % cameras.length];
    if (cameras.length < 2 || !next) throw new Error('Cannot switch the camera: no other camera');
    // NOTE: a phone that cannot open a second camera while one is open would reject here with
    // NotReadableError. No phone was tried.
    await this.switchDevice('video', next.deviceId);
  }

  /**
   * Sends the screen, or one window or tab, in place of the camera until
   * {@link stopScreenShare} or until the person stops sharing from the browser's own control.
   */
  async startScreenShare(): Promise<void> {
    if (this.#screenTrack !== null || this.#state === 'ended') return;
    const sender = this.#sender('video');
    if (sender === null) throw new Error('Cannot share the screen: this call sends no video');
    const display = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
    const track = display.getVideoTracks()[0];
    if (track === undefined) throw new Error('Cannot share the screen: no video track was given');
    if (this.#isEnded()) {
      track.stop();
      return;
    }
    // Asks the encoder to lower the frame rate before the resolution, so text stays readable.
    track.contentHint = 'detail';
    await sender.replaceTrack(track);
    this.#screenTrack = track;
    track.addEventListener('ended', () => void this.stopScreenShare());
    this.#changed();
  }

  /** Goes back from the shared screen to the camera. */
  async stopScreenShare(): Promise<void> {
    const track = this.#screenTrack;
    if (track === null) return;
    this.#screenTrack = null;
    track.stop();
    if (this.#state !== 'ended') await this.#sender('video')?.replaceTrack(this.#cameraTrack);
    this.#changed();
  }

  /**
   * Restarts ICE: gathers new candidates and renegotiates through the relay while the call's
   * media and transforms stay as they are. Only the visitor makes offers, so on the host's side
   * this does nothing. The call restarts by itself when the connection drops.
   */
  restartIce(): void {
    if (this.#state === 'ended' || this.role !== 'visitor') return;
    this.#iceRestarts++;
    this.#peer._pc.restartIce();
    this.#peer.negotiate();
  }

  /** Ends the call from this side and tells the peer. Safe to call more than once. */
  hangUp(): void {
    if (this.#state === 'ended') return;
    this.#params.sendHangUp();
    this.#end('local-hang-up');
  }

  /**
   * Frame counters of the E2EE worker (how many frames were encrypted, decrypted and dropped),
   * the dropped frames by reason, and the key epoch of each direction and kind.
   */
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
      this.#peerShare ??= data; // One key share per call; later ones are ignored.
      this.#tryAgreement();
      return;
    }
    if (data.type === 'call-error') {
      this.#end(data.code === 'no-common-codec' ? 'no-common-codec' : 'failed');
      return;
    }
    if (data.type === 'offer' || data.type === 'answer') {
      if (!this.#hasAllowedCodecs(data)) return;
      // Firefox ESR 153 leaves rtcp-fb lines of codecs that setCodecPreferences removed in its
      // SDP, and Chromium 156 rejects such a description ("Failed to parse codecs correctly").
      data = { type: data.type, sdp: removeUnlistedPayloadTypes(data.sdp) };
    }
    this.#peer.signal(data as unknown as SimplePeerSignal);
  }

  /** Ends the call because the relay reported the peer gone. Called by the owning client. */
  remoteEnded(reason: 'hang-up' | 'disconnected'): void {
    this.#end(reason === 'hang-up' ? 'remote-hang-up' : 'remote-disconnected');
  }

  /**
   * Checks an offer or answer against the codec policy. Without an allowed codec for audio or
   * video it sends `call-error` to the peer, hangs up and returns false, and the SDP is dropped.
   */
  #hasAllowedCodecs(payload: SignalPayload): boolean {
    if (payload.type !== 'offer' && payload.type !== 'answer') return true;
    if (findMediaWithoutAllowedCodec(payload.sdp, this.#codecPolicy).length === 0) return true;

    this.#params.sendSignal({ type: 'call-error', code: 'no-common-codec' });
    this.#params.sendHangUp();
    this.#end('no-common-codec');
    return false;
  }

  /** Derives keys once the peer's key share and both descriptions are in place. */
  #tryAgreement(): void {
    if (this.#agreementStarted || this.#state === 'ended' || this.#peerShare === null) return;
    const connection = this.#peer._pc;
    const local = connection.currentLocalDescription?.sdp;
    const remote = connection.currentRemoteDescription?.sdp;
    if (local === undefined || remote === undefined) return;
    this.#agreementStarted = true;

    const share = this.#peerShare;
    let context: TranscriptContext;
    try {
      const own = fingerprintsFromSdp(local);
      const peer = fingerprintsFromSdp(remote);
      const visitorFingerprints = this.role === 'visitor' ? own : peer;
      const hostFingerprints = this.role === 'host' ? own : peer;
      const room = this.#params.room;
      context = { room, protocolVersion: PROTOCOL_VERSION, visitorFingerprints, hostFingerprints };
    } catch {
      this.#end('failed');
      return;
    }
    if (this.role === 'host') void this.#agreeAsHost(share, context);
    else void this.#agreeAsVisitor(share, context);
  }

  async #agreeAsHost(share: KeyShareSignal, context: TranscriptContext): Promise<void> {
    const identity = this.#params.identity;
    try {
      if (identity === null) throw new Error('Cannot sign the key agreement: no host identity');
      if (share.mlkem === undefined) throw new Error('Visitor key share lacks an ML-KEM key');
      const agreement = await agreeAsHost({
        ...context,
        visitorX25519: fromBase64Url(share.x25519),
        mlkemEncapsulationKey: fromBase64Url(share.mlkem),
      });
      const signature = await signTranscript(identity, agreement.secrets.transcriptHash);
      if (this.#state === 'ended') return;
      this.#params.sendSignal({
        type: 'key-share',
        x25519: toBase64Url(agreement.x25519PublicKey),
        mlkemCiphertext: toBase64Url(agreement.mlkemCiphertext),
        signature: toBase64Url(signature),
      });
      this.#install(agreement.secrets);
    } catch {
      this.#end('failed');
    }
  }

  async #agreeAsVisitor(share: KeyShareSignal, context: TranscriptContext): Promise<void> {
    let secrets: CallSecrets;
    let verified: boolean;
    try {
      if (this.#visitorShare === null || share.mlkemCiphertext === undefined) {
        throw new Error('Host key share lacks an ML-KEM ciphertext');
      }
      secrets = await agreeAsVisitor({
        ...context,
        share: await this.#visitorShare,
        hostX25519: fromBase64Url(share.x25519),
        mlkemCiphertext: fromBase64Url(share.mlkemCiphertext),
      });
      const signature = share.signature === undefined ? null : fromBase64Url(share.signature);
      verified =
        signature !== null &&
        (await verifyTranscript(context.room, secrets.transcriptHash, signature));
    } catch {
      this.#end('failed');
      return;
    }
    if (this.#state === 'ended') return;
    if (!verified) {
      // Someone between the two sides changed the exchange, or the host is not the room's owner.
      this.#params.sendHangUp();
      this.#end('identity-mismatch');
      return;
    }
    this.#identityVerified = true;
    this.#install(secrets);
  }

  #install(secrets: CallSecrets): void {
    // The test hook runs after the identity check, so a call with it still starts.
    if (readTestHooks().mismatchKeys) {
      for (const key of secrets.keys) key.baseKey[0]! ^= 0xff;
    }
    this.#sas = secrets.sas;
    this.#chatKey = secrets.chat;
    this.#chat = new ChatCipher(secrets.chat);
    this.#postToWorker({ type: 'set-keys', keys: secrets.keys });
    this.#startKeyRatchet();
    this.#changed();
  }

  /**
   * Ratchets this side's encrypt keys on a fixed interval, for forward secrecy within the call.
   * The worker skips a key that sent no frame in its current epoch, so a paused camera never
   * leaves the receiver more epochs behind than it can follow.
   */
  #startKeyRatchet(): void {
    const interval = ratchetIntervalFrom(readTestHooks());
    this.#ratchetTimer = setInterval(() => {
      this.#postToWorker({ type: 'ratchet', onlyIfUsed: true });
    }, interval);
  }

  #onChatChunk(data: Uint8Array): void {
    const chat = this.#chat;
    if (chat === null) return;
    chat.open(new Uint8Array(data)).then(
      (text) => {
        if (text === null || this.#state === 'ended') return;
        this.#messages = [...this.#messages, { from: 'remote', text, at: Date.now() }];
        this.#changed();
      },
      // A chunk that fails authentication was not sealed under this call's key: drop it.
      () => undefined,
    );
  }

  /** Whether the call ended; for checks after an await, where the state may have changed. */
  #isEnded(): boolean {
    return this.#state === 'ended';
  }

  #sender(kind: 'audio' | 'video'): RTCRtpSender | null {
    if (this.#state === 'ended') return null;
    for (const transceiver of this.#peer._pc.getTransceivers()) {
      if (transceiver.sender.track?.kind === kind) return transceiver.sender;
      if (transceiver.receiver.track.kind === kind && transceiver.direction !== 'recvonly') {
        if (transceiver.sender.track === null) return transceiver.sender;
      }
    }
    return null;
  }

  async #replaceLocalTrack(kind: 'audio' | 'video', constraints: MediaTrackConstraints) {
    const sender = this.#sender(kind);
    if (sender === null) throw new Error(`Cannot switch the ${kind} device: this call sends none`);
    const media = await navigator.mediaDevices.getUserMedia({ [kind]: constraints });
    const track = media.getTracks()[0];
    if (track === undefined) throw new Error(`Cannot switch the ${kind} device: no track given`);
    if (this.#isEnded()) {
      track.stop();
      return;
    }
    const old = kind === 'audio' ? this.localStream.getAudioTracks()[0] : this.#cameraTrack;
    track.enabled = old?.enabled ?? true;
    if (kind === 'audio' || this.#screenTrack === null) await sender.replaceTrack(track);
    if (old) {
      this.localStream.removeTrack(old);
      old.stop();
    }
    this.localStream.addTrack(track);
    if (kind === 'video') this.#cameraTrack = track;
    this.#changed();
  }

  #startQualitySampling(): void {
    if (this.#qualityTimer !== null) return;
    const sample = () => {
      if (this.#state === 'ended') return;
      sampleNetwork(this.#peer._pc, this.#packetTotals).then(
        ({ sample: measured, totals }) => {
          this.#packetTotals = totals;
          const quality = rateNetwork(measured);
          if (quality === this.#quality || this.#state === 'ended') return;
          this.#quality = quality;
          this.#changed();
        },
        () => undefined, // getStats rejects once the connection closed; the call is ending.
      );
    };
    sample();
    this.#qualityTimer = setInterval(sample, QUALITY_INTERVAL_MS);
  }

  /**
   * Keeps the call alive through a network change. simple-peer destroys the peer when ICE or
   * the connection reaches `failed`, so those events are held back from it while recovery is
   * still within {@link ICE_RECOVERY_BUDGET_MS}, and the visitor restarts ICE meanwhile.
   */
  #watchIce(connection: RTCPeerConnection): void {
    const peerIceHandler = connection.oniceconnectionstatechange;
    const peerConnectionHandler = connection.onconnectionstatechange;
    connection.oniceconnectionstatechange = (event) => {
      const state = connection.iceConnectionState;
      this.#onIceState(state);
      if (state === 'failed' && this.#recovering()) return;
      peerIceHandler?.call(connection, event);
    };
    connection.onconnectionstatechange = (event) => {
      if (connection.connectionState === 'failed' && this.#recovering()) return;
      peerConnectionHandler?.call(connection, event);
    };
  }

  #recovering(): boolean {
    return this.#downSince !== null && Date.now() - this.#downSince < ICE_RECOVERY_BUDGET_MS;
  }

  #onIceState(state: RTCIceConnectionState): void {
    if (this.#state === 'ended') return;
    if (state === 'connected' || state === 'completed') {
      this.#downSince = null;
      this.#clearRestartTimer();
      if (this.#state === 'reconnecting') {
        this.#state = 'connected';
        this.#changed();
      }
      return;
    }
    if (state !== 'disconnected' && state !== 'failed') return;
    if (this.#state !== 'connected' && this.#state !== 'reconnecting') return;
    if (this.#downSince === null) this.#downSince = Date.now();
    if (this.#state === 'connected') {
      this.#state = 'reconnecting';
      this.#changed();
    }
    if (this.role === 'visitor' && this.#restartTimer === null) {
      this.#scheduleRestart(state === 'failed' ? 0 : ICE_RESTART_GRACE_MS);
    }
  }

  #scheduleRestart(delayMs: number): void {
    this.#restartTimer = setTimeout(() => {
      this.#restartTimer = null;
      if (this.#state !== 'reconnecting') return;
      if (!this.#recovering()) {
        this.#end('failed');
        return;
      }
      this.restartIce();
      this.#scheduleRestart(ICE_RESTART_RETRY_MS);
    }, delayMs);
  }

  /** Sends `call-error` with `connect-timeout`, hangs up and ends a call that did not connect. */
  #giveUpConnecting(): void {
    this.#connectTimer = null;
    if (this.#state !== 'connecting') return;
    this.#params.sendSignal({ type: 'call-error', code: 'connect-timeout' });
    this.#params.sendHangUp();
    this.#end('failed');
  }

  #clearConnectTimer(): void {
    if (this.#connectTimer !== null) clearTimeout(this.#connectTimer);
    this.#connectTimer = null;
  }

  #clearRestartTimer(): void {
    if (this.#restartTimer !== null) clearTimeout(this.#restartTimer);
    this.#restartTimer = null;
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
    this.#clearConnectTimer();
    this.#clearRestartTimer();
    if (this.#qualityTimer !== null) clearInterval(this.#qualityTimer);
    this.#qualityTimer = null;
    if (this.#ratchetTimer !== null) clearInterval(this.#ratchetTimer);
    this.#ratchetTimer = null;
    this.#screenTrack?.stop();
    this.#peer.removeAllListeners();
    this.#peer.on('error', () => {}); // simple-peer may still emit while tearing down.
    this.#peer.destroy();
    this.#worker.terminate();
    stopStream(this.localStream);
    this.#changed();
  }

  /** Dispatches `change`, then a typed event for each reported value that changed. */
  #changed(): void {
    const reported = this.#reported;
    const current: ReportedCallValues = {
      state: this.#state,
      remoteStream: this.#remoteStream,
      sas: this.#sas,
      messageCount: this.#messages.length,
      quality: this.#quality,
    };
    this.#reported = current;
    const events = [new Event('change')];
    if (current.state !== reported.state) {
      events.push(new StateChangeEvent(current.state, reported.state));
    }
    if (current.remoteStream !== reported.remoteStream && current.remoteStream !== null) {
      events.push(new RemoteStreamEvent(current.remoteStream));
    }
    if (current.sas !== reported.sas && current.sas !== null) {
      events.push(new CallSecuredEvent(current.sas, this.#identityVerified));
    }
    for (const message of this.#messages.slice(reported.messageCount)) {
      events.push(new ChatMessageEvent(message));
    }
    if (current.quality !== reported.quality && current.quality !== null) {
      events.push(new QualityChangeEvent(current.quality));
    }
    if (current.state === 'ended' && reported.state !== 'ended' && this.#endReason !== null) {
      events.push(new CallEndEvent(this.#endReason));
    }
    this.#events.emit(...events);
  }
}

/** The values of a call that have typed events, as {@link Call} last reported them. */
interface ReportedCallValues {
  state: CallState;
  remoteStream: MediaStream | null;
  sas: string | null;
  messageCount: number;
  quality: NetworkQuality | null;
}
