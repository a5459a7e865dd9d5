import { expand, extract } from '@noble/hashes/hkdf.js';
import { createAead, NONCE_LENGTH, SUITES, type KeyedAead, type SuiteParams } from './_aead.js';
import {
  assertBytes,
  assertUint64,
  concatBytes,
  describeType,
  writeUintBE,
} from './_bytes.js';
import { decodeSFrameHeader, encodeSFrameHeader, type SFrameHeader } from './_header.js';
import { createWebCryptoAead, type AsyncKeyedAead } from './_webcrypto-aead.js';
import { SFrameError } from './errors.js';

/*
 * SFrame ciphertext, RFC 9605 section 4.2:
 *
 *   +----------------+---------------------------------+-------------+
 *   | header (1-17)  | ciphertext (= plaintext length) | tag (Nt)    |
 *   +----------------+---------------------------------+-------------+
 *   |<- authenticated as AAD = header || metadata ->   |
 *
 * The metadata is authenticated but not sent: the receiver must supply the same bytes.
 */

/** `AES_128_CTR_HMAC_SHA256_80`: AES-128-CTR with an 80-bit HMAC-SHA256 tag. */
export const AES_128_CTR_HMAC_SHA256_80 = 0x0001;
/** `AES_128_CTR_HMAC_SHA256_64`: AES-128-CTR with a 64-bit HMAC-SHA256 tag. */
export const AES_128_CTR_HMAC_SHA256_64 = 0x0002;
/** `AES_128_CTR_HMAC_SHA256_32`: AES-128-CTR with a 32-bit HMAC-SHA256 tag. */
export const AES_128_CTR_HMAC_SHA256_32 = 0x0003;
/** `AES_128_GCM_SHA256_128`: AES-128-GCM, keys derived with HKDF-SHA256. Used for media. */
export const AES_128_GCM_SHA256_128 = 0x0004;
/** `AES_256_GCM_SHA512_128`: AES-256-GCM, keys derived with HKDF-SHA512. */
export const AES_256_GCM_SHA512_128 = 0x0005;

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

/** Result of decrypting one SFrame. */
export interface SFrameDecrypted {
  kid: bigint;
  ctr: bigint;
  plaintext: Uint8Array;
}

const KEY_LABEL = new TextEncoder().encode('SFrame 1.0 Secret key ');
const SALT_LABEL = new TextEncoder().encode('SFrame 1.0 Secret salt ');

function lookUpSuite(cipherSuite: unknown): SuiteParams {
  if (typeof cipherSuite !== 'number') {
    throw new TypeError(
      `Expected "cipherSuite" to be a number: got ${describeType(cipherSuite)}`,
    );
  }
  const suite = SUITES.get(cipherSuite);
  if (suite === undefined) {
    throw new RangeError(
      `Expected "cipherSuite" to be one of 0x0001 to 0x0005: got ${cipherSuite}`,
    );
  }
  return suite;
}

function assertBaseKey(baseKey: unknown): Uint8Array {
  const key = assertBytes(baseKey, 'baseKey');
  if (key.length === 0) throw new RangeError('Expected "baseKey" to be non-empty: got 0 bytes');
  return key;
}

/**
 * Derives `sframe_key` and `sframe_salt` for one KID, RFC 9605 section 4.4.2. The labels end with
 * the KID as 8 big-endian bytes and the cipher suite as 2 big-endian bytes.
 */
function deriveKeyAndSalt(
  suite: SuiteParams,
  baseKey: Uint8Array,
  kid: bigint,
): { key: Uint8Array; salt: Uint8Array } {
  const suffix = new Uint8Array(10);
  writeUintBE(kid, suffix.subarray(0, 8));
  writeUintBE(BigInt(suite.id), suffix.subarray(8));

  const secret = extract(suite.hash, baseKey, new Uint8Array(0));
  const key = expand(suite.hash, secret, concatBytes(KEY_LABEL, suffix), suite.keyLength);
  const salt = expand(suite.hash, secret, concatBytes(SALT_LABEL, suffix), NONCE_LENGTH);
  secret.fill(0);
  return { key, salt };
}

/**
 * SFrame state for one base key and KID: derives the key and salt once, so encrypting or
 * decrypting a frame costs one AEAD call. Output is byte-identical to {@link sframeEncrypt}.
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
export class SFrameContext {
  readonly cipherSuite: number;
  readonly kid: bigint;
  private readonly suite: SuiteParams;
  private readonly salt: Uint8Array;
  private readonly aead: KeyedAead;
  /** `sframe_key`, kept until the WebCrypto AEAD is built on first use. */
  private pendingKey: Uint8Array | null;
  private webCryptoAead: AsyncKeyedAead | null = null;

  /**
   * @throws {TypeError} if an argument has the wrong type.
   * @throws {RangeError} if `cipherSuite` is unknown, `baseKey` is empty or `kid` is out of range.
   */
  constructor(params: { cipherSuite: number; baseKey: Uint8Array; kid: bigint }) {
    this.suite = lookUpSuite(params.cipherSuite);
    this.cipherSuite = this.suite.id;
    this.kid = assertUint64(params.kid, 'kid');
    const { key, salt } = deriveKeyAndSalt(this.suite, assertBaseKey(params.baseKey), this.kid);
    this.salt = salt;
    this.aead = createAead(this.suite, key);
    this.pendingKey = key;
  }

  /** Tag length Nt of the cipher suite, in bytes. */
  get tagLength(): number {
    return this.suite.tagLength;
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
   * Encrypts one frame like {@link SFrameContext.encrypt}, with the AEAD run by WebCrypto
   * (`crypto.subtle`). The bytes are identical to those of `encrypt`.
   *
   * @throws {TypeError} or {RangeError} as `encrypt` does, as a rejected promise.
   */
  async encryptAsync(params: {
    ctr: bigint;
    metadata: Uint8Array;
    plaintext: Uint8Array;
  }): Promise<Uint8Array> {
    const { header, nonce, aad, plaintext } = this.prepareEncrypt(params);
    return concatBytes(header, await this.asyncAead().seal(nonce, aad, plaintext));
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

  /**
   * Decrypts one frame like {@link SFrameContext.decrypt}, with the AEAD run by WebCrypto.
   *
   * @throws {TypeError} or {SFrameError} as `decrypt` does, as a rejected promise.
   */
  async decryptAsync(params: {
    metadata: Uint8Array;
    ciphertext: Uint8Array;
  }): Promise<SFrameDecrypted> {
    const { header, nonce, aad, sealed } = this.prepareDecrypt(params);
    return this.finishDecrypt(header, await this.asyncAead().open(nonce, aad, sealed));
  }

  private prepareEncrypt(params: { ctr: bigint; metadata: Uint8Array; plaintext: Uint8Array }) {
    const ctr = assertUint64(params.ctr, 'ctr');
    const metadata = assertBytes(params.metadata, 'metadata');
    const plaintext = assertBytes(params.plaintext, 'plaintext');

    const header = encodeSFrameHeader(this.kid, ctr);
    return { header, nonce: this.nonce(ctr), aad: concatBytes(header, metadata), plaintext };
  }

  private prepareDecrypt(params: { metadata: Uint8Array; ciphertext: Uint8Array }) {
    const metadata = assertBytes(params.metadata, 'metadata');
    const ciphertext = assertBytes(params.ciphertext, 'ciphertext');

    const header = decodeSFrameHeader(ciphertext);
    if (ciphertext.length < header.length + this.suite.tagLength) {
      throw new SFrameError(
        'PORCHLIGHT_SFRAME_MALFORMED',
        `Failed to decrypt SFrame: ${ciphertext.length} bytes is shorter than the header ` +
          `and the ${this.suite.tagLength}-byte tag`,
      );
    }
    if (header.kid !== this.kid) {
      throw new SFrameError(
        'PORCHLIGHT_SFRAME_KID_MISMATCH',
        `Failed to decrypt SFrame: KID ${header.kid} does not match the context's KID ${this.kid}`,
      );
    }

    const headerBytes = ciphertext.subarray(0, header.length);
    return {
      header,
      nonce: this.nonce(header.ctr),
      aad: concatBytes(headerBytes, metadata),
      sealed: ciphertext.subarray(header.length),
    };
  }

  private finishDecrypt(header: SFrameHeader, plaintext: Uint8Array | null): SFrameDecrypted {
    if (plaintext === null) {
      throw new SFrameError(
        'PORCHLIGHT_SFRAME_AUTH_FAILED',
        `Failed to decrypt SFrame (KID ${header.kid}, CTR ${header.ctr}): authentication failed`,
      );
    }
    return { kid: header.kid, ctr: header.ctr, plaintext };
  }

  private asyncAead(): AsyncKeyedAead {
    if (this.webCryptoAead === null) {
      this.webCryptoAead = createWebCryptoAead(this.suite, this.pendingKey as Uint8Array);
      this.pendingKey = null;
    }
    return this.webCryptoAead;
  }

  /** Computes the nonce as `sframe_salt` XOR CTR (CTR as Nn big-endian bytes), section 4.4.3. */
  private nonce(ctr: bigint): Uint8Array {
    const nonce = writeUintBE(ctr, new Uint8Array(NONCE_LENGTH));
    for (let i = 0; i < NONCE_LENGTH; i++) {
      nonce[i] = (nonce[i] as number) ^ (this.salt[i] as number);
    }
    return nonce;
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
