import { decodeSFrameHeader } from './_header.js';
import { takeCtr, type KeyRing } from './_key-ring.js';
import { concatBytes } from './_bytes.js';
import { isPassThroughFrame, splitClearPrefix } from './media.js';
import { SFrameError } from './errors.js';
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
  /** Milliseconds clock for rate limits, `Date.now` unless a test injects one. */
  now?: () => number;
}

/** Minimum time between two key frame requests from one cryptor. */
export const KEY_FRAME_REQUEST_INTERVAL_MS = 1000;

/*
 * Frame layout on the wire (the clear prefix comes from media.ts):
 *
 *   +----------------------+-------------------+----------------------------+------------+
 *   | clear prefix (0-10)  | SFrame header     | encrypted payload          | tag (16)   |
 *   +----------------------+-------------------+----------------------------+------------+
 *   |<-- SFrame metadata ->|<------------ sframeEncrypt output, suite 0x0004 ------------>|
 */

/**
 * Encrypts or decrypts encoded media frames in place for one transform. `process` catches every
 * failure and returns a `dropped` outcome. The caller must not pass such a frame on, because a
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

  /** Processes one frame, replacing `frame.data` when it was encrypted or decrypted. */
  process(frame: EncodedFrameLike): FrameOutcome {
    let outcome: FrameOutcome;
    try {
      outcome = this.processUnchecked(frame);
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

  private processUnchecked(frame: EncodedFrameLike): FrameOutcome {
    const data = new Uint8Array(frame.data);
    if (isPassThroughFrame(data.length)) return { status: 'empty' };

    const mimeType = readMimeType(frame);
    const parts = splitClearPrefix(data, this.kind, frame.type, mimeType);
    if (parts === null) return drop('malformed');

    return this.operation === 'encrypt'
      ? this.encrypt(frame, parts.prefix, parts.payload)
      : this.decrypt(frame, parts.prefix, parts.payload);
  }

  private encrypt(frame: EncodedFrameLike, prefix: Uint8Array, payload: Uint8Array): FrameOutcome {
    const key = this.keys.encryptKey(this.kind);
    if (key === undefined) return drop('no-key');
    const ctr = takeCtr(key);
    if (ctr === null) return drop('counter-exhausted');

    const sframe = key.context.encrypt({ ctr, metadata: prefix, plaintext: payload });
    frame.data = toArrayBuffer(concatBytes(prefix, sframe));
    return { status: 'processed' };
  }

  private decrypt(frame: EncodedFrameLike, prefix: Uint8Array, sframe: Uint8Array): FrameOutcome {
    if (!this.keys.has('decrypt', this.kind)) return drop('no-key');

    let header;
    try {
      header = decodeSFrameHeader(sframe);
    } catch {
      return drop('malformed');
    }
    const key = this.keys.decryptKey(this.kind, header.kid);
    if (key === undefined) return drop('unknown-kid');

    const tagLength = key.context.tagLength;
    if (sframe.length < header.length + tagLength) return drop('malformed');
    const tag = sframe.subarray(sframe.length - tagLength);
    const verdict = key.replay.check(header.ctr, tag);
    if (verdict === 'duplicate') return { status: 'dropped', reason: 'replay', quiet: true };
    if (verdict === 'replay') return drop('replay');

    let plaintext: Uint8Array;
    try {
      plaintext = key.context.decrypt({ metadata: prefix, ciphertext: sframe }).plaintext;
    } catch (error) {
      if (error instanceof SFrameError && error.code === 'PORCHLIGHT_SFRAME_AUTH_FAILED') {
        return drop('auth-failed');
      }
      return drop('malformed');
    }

    key.replay.accept(header.ctr, tag);
    frame.data = toArrayBuffer(concatBytes(prefix, plaintext));
    return { status: 'processed' };
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
