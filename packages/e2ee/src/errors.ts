/**
 * Stable codes of {@link SFrameError}:
 *
 * - `PORCHLIGHT_SFRAME_MALFORMED`: the SFrame is shorter than header plus tag, or its header is
 *   truncated or not minimally encoded.
 * - `PORCHLIGHT_SFRAME_AUTH_FAILED`: the tag did not verify, because the key is wrong or the
 *   header, metadata, ciphertext or tag changed.
 * - `PORCHLIGHT_SFRAME_KID_MISMATCH`: an `SFrameContext` received a frame whose KID is not
 *   its own.
 */
export type SFrameErrorCode =
  | 'PORCHLIGHT_SFRAME_MALFORMED'
  | 'PORCHLIGHT_SFRAME_AUTH_FAILED'
  | 'PORCHLIGHT_SFRAME_KID_MISMATCH';

/**
 * Error raised when an SFrame received from a peer cannot be decrypted. Wrong argument types and
 * lengths raise TypeError or RangeError instead, because those are caller mistakes.
 *
 * @example Branch on the code
 * ```ts
 * try {
 *   sframeDecrypt({ cipherSuite, baseKey, metadata, ciphertext });
 * } catch (error) {
 *   if (!(error instanceof SFrameError)) throw error;
 *   if (error.code === 'PORCHLIGHT_SFRAME_AUTH_FAILED') countForgedFrame();
 * }
 * ```
 */
export class SFrameError extends Error {
  /** Stable identifier of the failure. */
  readonly code: SFrameErrorCode;

  constructor(code: SFrameErrorCode, message: string) {
    super(message);
    this.name = 'SFrameError';
    this.code = code;
  }
}
