/**
 * Porchlight end-to-end media encryption: SFrame (RFC 9605), call key agreement and the frame
 * layout helpers. The transform worker is a separate entry, `@porchlight/e2ee/worker`.
 *
 * @module
 */
export {
  AES_128_CTR_HMAC_SHA256_32,
  AES_128_CTR_HMAC_SHA256_64,
  AES_128_CTR_HMAC_SHA256_80,
  AES_128_GCM_SHA256_128,
  AES_256_GCM_SHA512_128,
  SFrameContext,
  sframeDecrypt,
  sframeEncrypt,
  type SFrameDecrypted,
  type SFrameDecryptParams,
  type SFrameEncryptParams,
} from './sframe.js';
export { decodeSFrameHeader, encodeSFrameHeader, type SFrameHeader } from './_header.js';
export { SFrameError, type SFrameErrorCode } from './errors.js';
export {
  agreeAsHost,
  agreeAsVisitor,
  CALL_KIDS,
  fingerprintsFromSdp,
  generateKeyShare,
  generateVisitorKeyShare,
  MLKEM768_CIPHERTEXT_LENGTH,
  MLKEM768_ENCAPSULATION_KEY_LENGTH,
  signTranscript,
  verifyTranscript,
  type CallRole,
  type CallSecrets,
  type HostAgreement,
  type HostAgreementParams,
  type KeyShare,
  type TranscriptContext,
  type VisitorAgreementParams,
  type VisitorKeyShare,
} from './keys.js';
export { generateIdentityKeyPair, identityFromSecretKey } from './identity-keys.js';
export {
  isRoomId,
  publicKeyFromRoomId,
  ROOM_ID_LENGTH,
  roomIdFromPublicKey,
  SIGNATURE_LENGTH,
  verifyWithRoomId,
  type CallIdentity,
} from './identity.js';
export { fromBase64Url, toBase64Url } from './base64url.js';
export {
  clearPrefixLength,
  codecOf,
  isPassThroughFrame,
  OPUS_CLEAR_BYTES,
  splitClearPrefix,
  SUPPORTED_AUDIO_CODECS,
  SUPPORTED_VIDEO_CODECS,
  VP8_DELTA_FRAME_CLEAR_BYTES,
  VP8_KEY_FRAME_CLEAR_BYTES,
  type ClearPrefixCodec,
} from './media.js';
export { MEDIA_CIPHER_SUITE } from './_key-ring.js';
export { WEBCRYPTO_MIN_BYTES } from './_frame-cryptor.js';
export type * from './worker-protocol.js';
