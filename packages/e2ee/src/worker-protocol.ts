/**
 * Messages between the page and the E2EE transform worker.
 *
 * The page creates one worker per call. Each sender and receiver gets a transform in that worker:
 * with `RTCRtpScriptTransform`, the options below arrive as `event.transformer.options`; with the
 * legacy `createEncodedStreams()`, the page posts an `attach-streams` request.
 */

export type MediaKind = 'audio' | 'video';
export type TransformOperation = 'encrypt' | 'decrypt';

/** Options of one `RTCRtpScriptTransform`. */
export interface TransformOptions {
  operation: TransformOperation;
  kind: MediaKind;
}

/** One SFrame base key for one direction and media kind. */
export interface KeyEntry {
  operation: TransformOperation;
  kind: MediaKind;
  /**
   * Key id, a safe integer of at least 0. The frame header carries it shifted left by 4 bits,
   * with the ratchet epoch (modulo 16) in the low bits.
   */
  kid: number;
  /** SFrame base key, 32 bytes. */
  baseKey: Uint8Array;
}

export type WorkerRequest =
  /** Legacy insertable streams (Chromium's `createEncodedStreams`). */
  | ({ type: 'attach-streams'; readable: ReadableStream; writable: WritableStream } & TransformOptions)
  /**
   * Installs the call's keys. Frames are dropped, never sent in clear, until this arrives. Each
   * key becomes the newest of its operation and kind, and encrypt transforms switch to it. The
   * worker keeps the four newest keys per operation and kind, so late frames under an older
   * decrypt key still decrypt. Sending a KID again with the same bytes keeps its CTR.
   */
  | { type: 'set-keys'; keys: KeyEntry[] }
  /**
   * Moves the encrypt key of `kind` (both kinds when absent) to its next ratchet epoch. The base
   * key ratchets with HKDF, the epoch in the low 4 bits of the KID goes up by one and the CTR
   * restarts at 0. Receivers follow when they see the new epoch and keep the previous one for
   * 2 s. The worker also ratchets on its own every 2^16 frames of a key. With `onlyIfUsed`, a key
   * that has encrypted no frame in its current epoch does not move. A receiver follows at most 7
   * epochs at once, and a sender that ratchets on a timer while it sends nothing (a stalled
   * camera) would otherwise leave the receiver unable to decrypt its next frames.
   */
  | { type: 'ratchet'; kind?: MediaKind; onlyIfUsed?: boolean }
  /** Asks for a `stats` reply with the same `requestId`. */
  | { type: 'get-stats'; requestId: number };

/** Counters of one transform kind and direction since the worker started. */
export interface TransformCounters {
  /** Frames encrypted or decrypted and passed on. */
  frames: number;
  /**
   * Frames dropped: no key yet, failed authentication, unknown key id, replay, malformed, or no
   * WebCrypto.
   */
  dropped: number;
  /** Empty frames (for example Opus DTX) passed on untouched. */
  empty: number;
}

/** Frame counters of every transform kind and direction. */
export type TransformStats = Record<TransformOperation, Record<MediaKind, TransformCounters>>;

/** Ratchet state of the newest key of one kind and direction. */
export interface KeyEpochState {
  /**
   * Epoch of the key, counted from 0 at `set-keys` and never wrapping. The wire KID carries it
   * modulo 16.
   */
  epoch: number;
  /**
   * Moves of the key to a later epoch: ratchets made (encrypt), or epochs followed when a frame
   * of a newer epoch decrypted (decrypt). A decrypt key that followed every epoch one at a time
   * has `ratchets` equal to `epoch`. A smaller count means that it skipped epochs, because none
   * of their frames reached it.
   */
  ratchets: number;
}

/**
 * Dropped frames of one kind and direction by reason. Identical redeliveries, which the replay
 * check drops without a `frames-dropped` notice, count as `duplicate` instead of `replay`.
 */
export type DropCounts = Partial<Record<DropReason | 'duplicate', number>>;

/**
 * Frame counters, dropped frames by reason, and the ratchet state of each kind and direction
 * (null before `set-keys`).
 */
export interface E2eeStats extends TransformStats {
  drops: Record<TransformOperation, Record<MediaKind, DropCounts>>;
  epochs: Record<TransformOperation, Record<MediaKind, KeyEpochState | null>>;
}

/**
 * Why the worker dropped a frame. `no-webcrypto`: the worker has no `crypto.subtle`, which only
 * happens outside a secure context.
 */
export type DropReason =
  | 'no-key'
  | 'unknown-kid'
  | 'auth-failed'
  | 'replay'
  | 'malformed'
  | 'counter-exhausted'
  | 'no-webcrypto';

export type WorkerResponse =
  | { type: 'stats'; requestId: number; stats: E2eeStats }
  /** Rate-limited notice that frames were dropped: at most one per reason and kind every 5 s. */
  | { type: 'frames-dropped'; operation: TransformOperation; kind: MediaKind; reason: DropReason; count: number };
