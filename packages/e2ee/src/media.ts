import type { MediaKind } from './worker-protocol.js';

/** Codec family that decides how many bytes of a frame stay in clear. */
export type ClearPrefixCodec = 'vp8' | 'opus' | 'other-video' | 'other-audio';

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
    case 'vp8':
    case 'other-video':
      // NOTE: VP9, H.264 and AV1 get the VP8 prefix for now. H.264 needs its NAL headers and
      // the start of the slice header in clear, and AV1 frames differ between sender and
      // receiver, so calls on those codecs may fail to decode until each has its own rule.
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
