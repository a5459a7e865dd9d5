import { expand, extract } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import type { CHash } from '@noble/hashes/utils.js';
import { assertBytes, assertUint64, concatBytes, writeUintBE } from './_bytes.js';
import { decodeSFrameHeader, encodeSFrameHeader, type SFrameHeader } from './_header.js';
import { lookUpSuite, NONCE_LENGTH, type SuiteParams } from './_suites.js';
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

/** Result of decrypting one SFrame. */
export interface SFrameDecrypted {
  kid: bigint;
  ctr: bigint;
  plaintext: Uint8Array;
}

/** Arguments of one context's constructor. */
export interface SFrameContextParams {
  cipherSuite: number;
  baseKey: Uint8Array;
  kid: bigint;
}

/** Picks the HKDF hash of a suite. */
export type HkdfHashOf = (suite: SuiteParams) => CHash;

const KEY_LABEL = new TextEncoder().encode('SFrame 1.0 Secret key ');
const SALT_LABEL = new TextEncoder().encode('SFrame 1.0 Secret salt ');

/**
 * Returns SHA-256 and rejects the other suites, so that a bundle built on
 * {@link WebCryptoSFrameContext} alone (the worker) leaves out SHA-512 and its 64-bit helpers.
 * Media uses `AES_128_GCM_SHA256_128`.
 */
const sha256Only: HkdfHashOf = (suite) => {
  if (suite.hash !== 'SHA-256') {
    throw new RangeError(
      `Failed to create the WebCrypto SFrame context: suite ${suite.name} needs ${suite.hash}, ` +
        'which only SFrameContext derives, so use SFrameContext',
    );
  }
  return sha256;
};

/** Checks that `baseKey` is a non-empty Uint8Array. */
export function assertBaseKey(baseKey: unknown): Uint8Array {
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
  hash: CHash,
  baseKey: Uint8Array,
  kid: bigint,
): { key: Uint8Array; salt: Uint8Array } {
  const suffix = new Uint8Array(10);
  writeUintBE(kid, suffix.subarray(0, 8));
  writeUintBE(BigInt(suite.id), suffix.subarray(8));

  const secret = extract(hash, baseKey, new Uint8Array(0));
  const key = expand(hash, secret, concatBytes(KEY_LABEL, suffix), suite.keyLength);
  const salt = expand(hash, secret, concatBytes(SALT_LABEL, suffix), NONCE_LENGTH);
  secret.fill(0);
  return { key, salt };
}

/**
 * SFrame state for one base key and KID whose AEAD runs only on WebCrypto (`crypto.subtle`), so
 * it imports no AES code: the E2EE worker uses it. It derives the key and salt once, and takes
 * the SHA-256 suites only unless a subclass passes another HKDF hash. `SFrameContext` extends it
 * with the synchronous `@noble/ciphers` path and every suite, and gives the same bytes.
 *
 * The context does not track counters: the caller must never encrypt two frames with the same
 * `ctr`, and must run its own replay check on decrypted frames.
 */
export class WebCryptoSFrameContext {
  readonly cipherSuite: number;
  readonly kid: bigint;
  protected readonly suite: SuiteParams;
  private readonly salt: Uint8Array;
  /** `sframe_key`, kept until the WebCrypto AEAD is built on first use. */
  protected pendingKey: Uint8Array | null;
  private webCryptoAead: AsyncKeyedAead | null = null;

  /**
   * @param hkdfHashOf - Picks the HKDF hash of the suite. The default accepts SHA-256 only.
   * @throws {TypeError} if an argument has the wrong type.
   * @throws {RangeError} if `cipherSuite` is unknown or its hash is not available, `baseKey` is
   *   empty or `kid` is out of range.
   */
  constructor(params: SFrameContextParams, hkdfHashOf: HkdfHashOf = sha256Only) {
    this.suite = lookUpSuite(params.cipherSuite);
    this.cipherSuite = this.suite.id;
    this.kid = assertUint64(params.kid, 'kid');
    const hash = hkdfHashOf(this.suite);
    const baseKey = assertBaseKey(params.baseKey);
    const { key, salt } = deriveKeyAndSalt(this.suite, hash, baseKey, this.kid);
    this.salt = salt;
    this.pendingKey = key;
  }

  /** Tag length Nt of the cipher suite, in bytes. */
  get tagLength(): number {
    return this.suite.tagLength;
  }

  /**
   * Encrypts one frame as header || ciphertext || tag, with the AEAD run by WebCrypto
   * (`crypto.subtle`). The bytes are identical to those of `SFrameContext.encrypt`.
   *
   * @throws {TypeError} if `ctr` is not a bigint or a byte argument is not a Uint8Array, as a
   *   rejected promise.
   * @throws {RangeError} if `ctr` is outside 0..2^64-1, as a rejected promise.
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
   * Decrypts one frame produced with this context's base key and KID, with the AEAD run by
   * WebCrypto.
   *
   * @throws {TypeError} if a byte argument is not a Uint8Array, as a rejected promise.
   * @throws {SFrameError} `PORCHLIGHT_SFRAME_MALFORMED`, `PORCHLIGHT_SFRAME_KID_MISMATCH` or
   *   `PORCHLIGHT_SFRAME_AUTH_FAILED`, as a rejected promise.
   */
  async decryptAsync(params: {
    metadata: Uint8Array;
    ciphertext: Uint8Array;
  }): Promise<SFrameDecrypted> {
    const { header, nonce, aad, sealed } = this.prepareDecrypt(params);
    return this.finishDecrypt(header, await this.asyncAead().open(nonce, aad, sealed));
  }

  protected prepareEncrypt(params: { ctr: bigint; metadata: Uint8Array; plaintext: Uint8Array }) {
    const ctr = assertUint64(params.ctr, 'ctr');
    const metadata = assertBytes(params.metadata, 'metadata');
    const plaintext = assertBytes(params.plaintext, 'plaintext');

    const header = encodeSFrameHeader(this.kid, ctr);
    return { header, nonce: this.nonce(ctr), aad: concatBytes(header, metadata), plaintext };
  }

  protected prepareDecrypt(params: { metadata: Uint8Array; ciphertext: Uint8Array }) {
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

  protected finishDecrypt(header: SFrameHeader, plaintext: Uint8Array | null): SFrameDecrypted {
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
