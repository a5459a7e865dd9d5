import type { MediaKind } from './worker-protocol.js';

/**
 * Codec family that decides which bytes of a frame stay in clear. H.264 keeps clear bytes in
 * every NAL unit instead of a prefix (see `_h264.ts`).
 */
export type ClearPrefixCodec = 'vp8' | 'vp9' | 'h264' | 'opus' | 'other-video' | 'other-audio';

/**
 * Video codecs whose frames the E2EE worker encrypts so that the receiver can still depacketize
 * and decode them, as `mimeType` values. AV1 is missing because the sender's AV1 frame carries a
 * 2-byte temporal delimiter that the receiver's frame lacks, so a byte-exact clear prefix breaks.
 */
export const SUPPORTED_VIDEO_CODECS: readonly string[] = ['video/VP8', 'video/VP9', 'video/H264'];

/**
 * Audio codecs the E2EE worker handles, as `mimeType` values. Any audio codec whose RTP
 * payload is the frame itself works, but RED does not: one RED packet bundles several encoded
 * frames, and the encrypted frame breaks that framing.
 */
export const SUPPORTED_AUDIO_CODECS: readonly string[] = ['audio/opus'];

/** Bytes of a VP8 key frame kept in clear: the 3-byte frame tag, start code and dimensions. */
export const VP8_KEY_FRAME_CLEAR_BYTES = 10;
/** Bytes of a VP8 delta frame kept in clear: the 3-byte frame tag. */
export const VP8_DELTA_FRAME_CLEAR_BYTES = 3;
/** Bytes of an Opus frame kept in clear: the TOC byte. */
export const OPUS_CLEAR_BYTES = 1;

/**
 * Picks the codec family from the frame's `mimeType` (for example `video/VP8`), or from the
 * transform's media kind when the browser gives none.
 */
export function codecOf(kind: MediaKind, mimeType?: string): ClearPrefixCodec {
  const subtype = mimeType?.toLowerCase().split('/')[1];
  if (subtype === 'vp8') return 'vp8';
  if (subtype === 'vp9') return 'vp9';
  if (subtype === 'h264') return 'h264';
  if (subtype === 'opus') return 'opus';
  if (subtype !== undefined && subtype !== '') {
    return kind === 'video' ? 'other-video' : 'other-audio';
  }
  // Without a MIME type, assume the codecs this project negotiates: VP8 and Opus.
  return kind === 'video' ? 'vp8' : 'opus';
}

/**
 * Returns how many leading bytes of an encoded frame stay in clear. Those bytes go out as SFrame
 * metadata: authenticated but not encrypted, so the receiving depacketizer and decoder can still
 * read the frame type and dimensions.
 *
 * @param kind - Media kind of the transform.
 * @param frameType - `RTCEncodedVideoFrame.type` (`'key'`, `'delta'`, `'empty'`), absent for audio.
 * @param mimeType - `getMetadata().mimeType` when the browser provides it.
 * @throws {RangeError} for H.264, whose clear bytes are not a prefix.
 *
 * @example Clear prefix of a VP8 key frame
 * ```ts
 * clearPrefixLength('video', 'key', 'video/VP8'); // 10
 * ```
 */
export function clearPrefixLength(kind: MediaKind, frameType?: string, mimeType?: string): number {
  switch (codecOf(kind, mimeType)) {
    case 'opus':
      return OPUS_CLEAR_BYTES;
    case 'other-audio':
      // Audio depacketizers do not parse the payload, so nothing needs to stay in clear.
      return 0;
    case 'h264':
      throw new RangeError(
        'Expected a codec with a clear prefix: got H.264, whose clear bytes are in each NAL unit',
      );
    case 'vp8':
    case 'vp9':
    case 'other-video':
      // VP9 is safe with the VP8 rule: its RTP payload descriptor is built from the encoder's
      // metadata, not read from the frame, and its frames arrive byte-identical, so any byte-exact
      // prefix works. AV1 gets this rule too but breaks (see SUPPORTED_VIDEO_CODECS).
      // NOTE: a VP9 frame shorter than the prefix, such as a 1-byte show_existing_frame frame,
      // is dropped as malformed.
      return frameType === 'key' ? VP8_KEY_FRAME_CLEAR_BYTES : VP8_DELTA_FRAME_CLEAR_BYTES;
  }
}

/**
 * Splits an encoded frame into its clear prefix and the rest, or returns null when the frame is
 * shorter than its clear prefix (sender and receiver would then disagree on the split).
 *
 * @example Split an Opus frame
 * ```ts
 * const parts = splitClearPrefix(data, 'audio', undefined, 'audio/opus');
 * // parts.prefix is the TOC byte, parts.payload the rest
 * ```
 */
export function splitClearPrefix(
  data: Uint8Array,
  kind: MediaKind,
  frameType?: string,
  mimeType?: string,
): { prefix: Uint8Array; payload: Uint8Array } | null {
  const length = clearPrefixLength(kind, frameType, mimeType);
  if (data.length < length) return null;
  return { prefix: data.subarray(0, length), payload: data.subarray(length) };
}

/**
 * Tells whether a frame passes through untouched: empty frames carry nothing to protect (for
 * example Opus DTX), and the receiver must get them as they are.
 */
export function isPassThroughFrame(dataLength: number): boolean {
  return dataLength === 0;
}
