import { decodeSFrameHeader } from './_header.js';
import { splitH264ForDecrypt, splitH264ForEncrypt } from './_h264.js';
import { takeCtr, type EpochKey, type KeyRing } from './_key-ring.js';
import { concatBytes } from './_bytes.js';
import { hasWebCrypto } from './_webcrypto-aead.js';
import { codecOf, isPassThroughFrame, splitClearPrefix } from './media.js';
import { SFrameError } from './errors.js';
import type { SFrameDecrypted } from './_sframe-webcrypto.js';
import type {
  DropReason,
  MediaKind,
  TransformCounters,
  TransformOperation,
} from './worker-protocol.js';

/** The parts of `RTCEncodedVideoFrame` and `RTCEncodedAudioFrame` the cryptor uses. */
export interface EncodedFrameLike {
  data: ArrayBuffer;
  /** `'key'`, `'delta'` or `'empty'` on video frames; absent on audio frames. */
  type?: string;
  getMetadata?(): { mimeType?: string };
}

/** Outcome of one frame. The caller passes on every frame except `dropped` ones. */
export type FrameOutcome =
  | { status: 'processed' }
  | { status: 'empty' }
  /** `quiet` drops (identical redeliveries) need no notice and no key frame request. */
  | { status: 'dropped'; reason: DropReason; quiet: boolean };

export interface FrameCryptorOptions {
  operation: TransformOperation;
  kind: MediaKind;
  keys: KeyRing;
  /** Counters to update; several cryptors of one operation and kind may share them. */
  counters: TransformCounters;
  /** Asks the remote sender for a key frame; only called on video decrypt transforms. */
  requestKeyFrame?: () => void;
  /** Milliseconds clock for rate limits and epoch grace, `Date.now` unless a test injects one. */
  now?: () => number;
}

/**
 * Smallest frame payload, in bytes, that the worker encrypts with WebCrypto: 0, so every frame
 * goes through WebCrypto. In a Chromium 156 worker, `npm run bench:e2ee` measured WebCrypto
 * AES-GCM faster than `@noble/ciphers` at every size from 16 bytes up, because noble expands the
 * key and builds its GHASH table on each call (docs/benchmarks.md). So the worker bundle contains
 * no AES code of its own.
 *
 * Without `crypto.subtle` the worker drops every frame as `no-webcrypto`, and never sends one in
 * clear. That cannot happen in a call. The Web Cryptography API exposes `crypto.subtle` only in
 * secure contexts (the `subtle` attribute of `Crypto` is `[SecureContext]`, and web-platform-tests
 * WebCryptoAPI/historical.any.js checks its absence in windows and dedicated workers of insecure
 * pages). Media Capture and Streams exposes `navigator.mediaDevices` only in secure contexts too
 * (web-platform-tests mediacapture-streams/MediaDevices-SecureContext.html), and the client gets
 * the camera and microphone through it before a call starts. A dedicated worker created by a
 * secure page is a secure context itself (secure-contexts/basic-dedicated-worker.https.html).
 */
export const WEBCRYPTO_MIN_BYTES = 0;

/** Minimum time between two key frame requests from one cryptor. */
export const KEY_FRAME_REQUEST_INTERVAL_MS = 1000;

/*
 * Frame layout on the wire for VP8, VP9 and Opus (the clear prefix comes from media.ts; H.264
 * keeps clear bytes in each NAL unit instead, see _h264.ts):
 *
 *   +----------------+--------+----------+-----------+-----------------------+----------+
 *   | clear prefix   | config | KID      | CTR       | ciphertext            | tag      |
 *   | VP8 key 10,    | 1 byte | 0-1 byte | 0-2 bytes | as long as the rest   | 16 bytes |
 *   | delta 3, Opus 1|        |          |           | of the frame          |          |
 *   +----------------+--------+----------+-----------+-----------------------+----------+
 *   |<- metadata --->|<--- SFrame header, 1-4 bytes -->|<--- AES-128-GCM output --------->|
 *
 * The KID byte is absent for wire KIDs 0 to 7 and the CTR bytes for CTRs 0 to 7. Wire KIDs stay
 * below 64 for the call KIDs 0 to 3 (see _key-ring.ts), and CTRs below 2^16 because a sender
 * ratchets to a new epoch every 2^16 frames, so a frame grows by 17 to 20 bytes.
 */

/** Frame parts to encrypt, and how to build the output frame from the SFrame. */
interface EncryptSplit {
  metadata: Uint8Array;
  plaintext: Uint8Array;
  assemble(sframe: Uint8Array, tagLength: number): Uint8Array;
}

/** Frame parts to decrypt, and how to build the output frame from the plaintext. */
interface DecryptSplit {
  metadata: Uint8Array;
  sframe: Uint8Array;
  assemble(plaintext: Uint8Array): Uint8Array;
}

/**
 * Encrypts or decrypts encoded media frames in place for one transform. `process` catches every
 * failure and resolves to a `dropped` outcome. The caller must not pass such a frame on, because a
 * frame that could not be encrypted would otherwise go out in clear.
 */
export class FrameCryptor {
  readonly operation: TransformOperation;
  readonly kind: MediaKind;
  private readonly keys: KeyRing;
  private readonly counters: TransformCounters;
  private readonly requestKeyFrame: (() => void) | undefined;
  private readonly now: () => number;
  private keyFrameWanted = false;
  private lastKeyFrameRequest = -Infinity;

  constructor(options: FrameCryptorOptions) {
    this.operation = options.operation;
    this.kind = options.kind;
    this.keys = options.keys;
    this.counters = options.counters;
    this.requestKeyFrame = options.requestKeyFrame;
    this.now = options.now ?? Date.now;
  }

  /**
   * Processes one frame, replacing `frame.data` when it was encrypted or decrypted. Never
   * rejects. Callers must await each frame before the next, because CTRs and replay state are
   * taken in call order.
   */
  async process(frame: EncodedFrameLike): Promise<FrameOutcome> {
    let outcome: FrameOutcome;
    try {
      outcome = await this.processUnchecked(frame);
    } catch {
      // Any unexpected failure (a detached buffer, a throwing getter) drops only this frame.
      outcome = { status: 'dropped', reason: 'malformed', quiet: false };
    }

    if (outcome.status === 'processed') this.counters.frames++;
    else if (outcome.status === 'empty') this.counters.empty++;
    else this.counters.dropped++;

    if (this.operation === 'decrypt' && this.kind === 'video') {
      this.trackKeyFrameNeed(frame, outcome);
    }
    return outcome;
  }

  private async processUnchecked(frame: EncodedFrameLike): Promise<FrameOutcome> {
    const data = new Uint8Array(frame.data);
    if (isPassThroughFrame(data.length)) return { status: 'empty' };
    // Checked on each frame, so a cryptor created too early still works once WebCrypto is there.
    if (!hasWebCrypto()) return drop('no-webcrypto');

    const h264 = this.kind === 'video' && codecOf(this.kind, readMimeType(frame)) === 'h264';
    return this.operation === 'encrypt'
      ? this.encrypt(frame, data, h264)
      : this.decrypt(frame, data, h264);
  }

  private async encrypt(
    frame: EncodedFrameLike,
    data: Uint8Array,
    h264: boolean,
  ): Promise<FrameOutcome> {
    const split = h264 ? splitH264ForEncrypt(data) : this.splitPrefix(frame, data, 'encrypt');
    if (split === null) return drop('malformed');

    const key = this.keys.encryptKey(this.kind);
    if (key === undefined) return drop('no-key');
    const taken = takeCtr(key);
    if (taken === null) return drop('counter-exhausted');
    const { context } = taken.epoch;

    const sframe = await context.encryptAsync({
      ctr: taken.ctr,
      metadata: split.metadata,
      plaintext: split.plaintext,
    });
    frame.data = toArrayBuffer(split.assemble(sframe, context.tagLength));
    return { status: 'processed' };
  }

  private async decrypt(
    frame: EncodedFrameLike,
    data: Uint8Array,
    h264: boolean,
  ): Promise<FrameOutcome> {
    if (!this.keys.has('decrypt', this.kind)) return drop('no-key');

    let split: DecryptSplit | null;
    let header;
    try {
      // Every media key uses AES-128-GCM, so the tag is 16 bytes before the key is known.
      split = h264 ? splitH264ForDecrypt(data, 16) : this.splitPrefix(frame, data, 'decrypt');
      if (split === null) return drop('malformed');
      header = decodeSFrameHeader(split.sframe);
    } catch {
      return drop('malformed');
    }
    const target = this.keys.decryptTarget(this.kind, header.kid, this.now());
    if (target === undefined) return drop('unknown-kid');
    const key: EpochKey = target.key;

    const tagLength = key.context.tagLength;
    const { sframe, metadata } = split;
    if (sframe.length < header.length + tagLength) return drop('malformed');
    const tag = sframe.subarray(sframe.length - tagLength);
    const verdict = key.replay.check(header.ctr, tag);
    if (verdict === 'duplicate') return { status: 'dropped', reason: 'replay', quiet: true };
    if (verdict === 'replay') return drop('replay');

    let decrypted: SFrameDecrypted;
    try {
      decrypted = await key.context.decryptAsync({ metadata, ciphertext: sframe });
    } catch (error) {
      if (error instanceof SFrameError && error.code === 'PORCHLIGHT_SFRAME_AUTH_FAILED') {
        return drop('auth-failed');
      }
      return drop('malformed');
    }

    target.commit();
    key.replay.accept(header.ctr, tag);
    frame.data = toArrayBuffer(split.assemble(decrypted.plaintext));
    return { status: 'processed' };
  }

  private splitPrefix(
    frame: EncodedFrameLike,
    data: Uint8Array,
    operation: 'encrypt',
  ): EncryptSplit | null;
  private splitPrefix(
    frame: EncodedFrameLike,
    data: Uint8Array,
    operation: 'decrypt',
  ): DecryptSplit | null;
  private splitPrefix(
    frame: EncodedFrameLike,
    data: Uint8Array,
    operation: TransformOperation,
  ): EncryptSplit | DecryptSplit | null {
    const parts = splitClearPrefix(data, this.kind, frame.type, readMimeType(frame));
    if (parts === null) return null;
    const { prefix, payload } = parts;
    const assemble = (rest: Uint8Array) => concatBytes(prefix, rest);
    return operation === 'encrypt'
      ? { metadata: prefix, plaintext: payload, assemble }
      : { metadata: prefix, sframe: payload, assemble };
  }

  /**
   * After dropped frames the remote decoder state is broken until the next key frame, so ask for
   * one right away and again (rate-limited) until a key frame decrypts.
   */
  private trackKeyFrameNeed(frame: EncodedFrameLike, outcome: FrameOutcome): void {
    if (outcome.status === 'dropped' && !outcome.quiet) this.keyFrameWanted = true;
    if (!this.keyFrameWanted) return;
    if (outcome.status === 'processed' && frame.type === 'key') {
      this.keyFrameWanted = false;
      return;
    }

    const now = this.now();
    if (this.requestKeyFrame === undefined) return;
    if (now - this.lastKeyFrameRequest < KEY_FRAME_REQUEST_INTERVAL_MS) return;
    this.lastKeyFrameRequest = now;
    try {
      this.requestKeyFrame();
    } catch {
      // Key frame requests are best effort, because the decoder also requests one on its own.
    }
  }
}

function drop(reason: DropReason): FrameOutcome {
  return { status: 'dropped', reason, quiet: false };
}

function readMimeType(frame: EncodedFrameLike): string | undefined {
  const mimeType = frame.getMetadata?.().mimeType;
  return typeof mimeType === 'string' ? mimeType : undefined;
}

function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  // concatBytes returns a fresh array that spans its whole buffer.
  return bytes.buffer as ArrayBuffer;
}
