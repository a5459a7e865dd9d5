import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { createAead, type KeyedAead } from './_aead.js';
import { assertBytes, concatBytes } from './_bytes.js';
import { decodeSFrameHeader } from './_header.js';
import {
  assertBaseKey,
  WebCryptoSFrameContext,
  type HkdfHashOf,
  type SFrameContextParams,
  type SFrameDecrypted,
} from './_sframe-webcrypto.js';
import { lookUpSuite } from './_suites.js';

export {
  AES_128_CTR_HMAC_SHA256_32,
  AES_128_CTR_HMAC_SHA256_64,
  AES_128_CTR_HMAC_SHA256_80,
  AES_128_GCM_SHA256_128,
  AES_256_GCM_SHA512_128,
} from './_suites.js';
export type { SFrameDecrypted } from './_sframe-webcrypto.js';

/** Arguments of {@link sframeEncrypt}. */
export interface SFrameEncryptParams {
  /** Cipher suite id, 0x0001 to 0x0005. */
  cipherSuite: number;
  /** Base key shared by sender and receivers (any non-empty length). */
  baseKey: Uint8Array;
  /** Key id, 0..2^64-1. */
  kid: bigint;
  /** Frame counter, 0..2^64-1. Never reuse one with the same key. */
  ctr: bigint;
  /** Bytes authenticated with the frame but not included in the output. */
  metadata: Uint8Array;
  plaintext: Uint8Array;
}

/** Arguments of {@link sframeDecrypt}. */
export interface SFrameDecryptParams {
  cipherSuite: number;
  baseKey: Uint8Array;
  /** The same metadata the sender authenticated. */
  metadata: Uint8Array;
  /** Header || ciphertext || tag, as returned by {@link sframeEncrypt}. */
  ciphertext: Uint8Array;
}

const hkdfHashOf: HkdfHashOf = (suite) => (suite.hash === 'SHA-512' ? sha512 : sha256);

/**
 * SFrame state for one base key and KID: derives the key and salt once, so encrypting or
 * decrypting a frame costs one AEAD call. Output is byte-identical to {@link sframeEncrypt}.
 * `encrypt` and `decrypt` run `@noble/ciphers`; `encryptAsync` and `decryptAsync` run WebCrypto
 * (`crypto.subtle`) and give the same bytes. Every cipher suite works on both.
 *
 * The context does not track counters: the caller must never encrypt two frames with the same
 * `ctr`, and must run its own replay check on decrypted frames.
 *
 * @example Encrypt and decrypt with a cached key
 * ```ts
 * const sender = new SFrameContext({ cipherSuite: AES_128_GCM_SHA256_128, baseKey, kid: 0n });
 * const frame = sender.encrypt({ ctr: 0n, metadata, plaintext });
 * const receiver = new SFrameContext({ cipherSuite: AES_128_GCM_SHA256_128, baseKey, kid: 0n });
 * receiver.decrypt({ metadata, ciphertext: frame }).plaintext; // equals plaintext
 * ```
 */
export class SFrameContext extends WebCryptoSFrameContext {
  private readonly aead: KeyedAead;

  /**
   * @throws {TypeError} if an argument has the wrong type.
   * @throws {RangeError} if `cipherSuite` is unknown, `baseKey` is empty or `kid` is out of range.
   */
  constructor(params: SFrameContextParams) {
    super(params, hkdfHashOf);
    this.aead = createAead(this.suite, this.pendingKey as Uint8Array);
  }

  /**
   * Encrypts one frame as header || ciphertext || tag.
   *
   * @throws {TypeError} if `ctr` is not a bigint or a byte argument is not a Uint8Array.
   * @throws {RangeError} if `ctr` is outside 0..2^64-1.
   */
  encrypt(params: { ctr: bigint; metadata: Uint8Array; plaintext: Uint8Array }): Uint8Array {
    const { header, nonce, aad, plaintext } = this.prepareEncrypt(params);
    return concatBytes(header, this.aead.seal(nonce, aad, plaintext));
  }

  /**
   * Decrypts one frame produced with this context's base key and KID.
   *
   * @throws {TypeError} if a byte argument is not a Uint8Array.
   * @throws {SFrameError} `PORCHLIGHT_SFRAME_MALFORMED`, `PORCHLIGHT_SFRAME_KID_MISMATCH` or
   *   `PORCHLIGHT_SFRAME_AUTH_FAILED`.
   */
  decrypt(params: { metadata: Uint8Array; ciphertext: Uint8Array }): SFrameDecrypted {
    const { header, nonce, aad, sealed } = this.prepareDecrypt(params);
    return this.finishDecrypt(header, this.aead.open(nonce, aad, sealed));
  }
}

/**
 * Encrypts one frame with SFrame (RFC 9605), deriving the key from `baseKey` on every call. For
 * many frames under one key use {@link SFrameContext}, which caches the derived key.
 *
 * @returns header || ciphertext || tag.
 * @throws {TypeError} if an argument has the wrong type.
 * @throws {RangeError} if `cipherSuite` is unknown, `baseKey` is empty, or `kid` or `ctr` is
 *   outside 0..2^64-1.
 *
 * @example Encrypt with AES-128-GCM
 * ```ts
 * const frame = sframeEncrypt({
 *   cipherSuite: AES_128_GCM_SHA256_128,
 *   baseKey,
 *   kid: 1n,
 *   ctr: 0n,
 *   metadata: new Uint8Array(0),
 *   plaintext,
 * });
 * ```
 */
export function sframeEncrypt(params: SFrameEncryptParams): Uint8Array {
  const { cipherSuite, baseKey, kid, ctr, metadata, plaintext } = params;
  return new SFrameContext({ cipherSuite, baseKey, kid }).encrypt({ ctr, metadata, plaintext });
}

/**
 * Decrypts one SFrame (RFC 9605), using the KID and CTR from its header.
 *
 * @throws {TypeError} if an argument has the wrong type.
 * @throws {RangeError} if `cipherSuite` is unknown or `baseKey` is empty.
 * @throws {SFrameError} `PORCHLIGHT_SFRAME_MALFORMED` if the frame is too short or its header is
 *   invalid, `PORCHLIGHT_SFRAME_AUTH_FAILED` if the tag does not verify.
 *
 * @example Decrypt a frame
 * ```ts
 * const { kid, ctr, plaintext } = sframeDecrypt({
 *   cipherSuite: AES_128_GCM_SHA256_128,
 *   baseKey,
 *   metadata: new Uint8Array(0),
 *   ciphertext: frame,
 * });
 * ```
 */
export function sframeDecrypt(params: SFrameDecryptParams): SFrameDecrypted {
  const { cipherSuite, baseKey, metadata, ciphertext } = params;
  lookUpSuite(cipherSuite);
  assertBaseKey(baseKey);
  assertBytes(metadata, 'metadata');
  const { kid } = decodeSFrameHeader(assertBytes(ciphertext, 'ciphertext'));
  return new SFrameContext({ cipherSuite, baseKey, kid }).decrypt({ metadata, ciphertext });
}
