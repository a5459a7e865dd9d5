import { describeType } from './_bytes.js';

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

/**
 * Parameters of one SFrame cipher suite, RFC 9605 section 4.5 (Table 2). The hash is named, not
 * imported, so that a bundle pulls in only the hash code of the suites it runs.
 */
export interface SuiteParams {
  id: number;
  name: string;
  /** Hash of HKDF (and of HMAC in the AES-CTR+HMAC suites), as WebCrypto names it. */
  hash: 'SHA-256' | 'SHA-512';
  /** `sframe_key` length Nk in bytes. */
  keyLength: number;
  /** AES-CTR key length Nka for the AES-CTR+HMAC suites, 0 for AES-GCM. */
  encKeyLength: number;
  /** Tag length Nt in bytes. */
  tagLength: number;
}

/** Nonce length Nn, 12 bytes in every RFC 9605 suite. */
export const NONCE_LENGTH = 12;

export const SUITES: ReadonlyMap<number, SuiteParams> = new Map(
  (
    [
      [AES_128_CTR_HMAC_SHA256_80, 'AES_128_CTR_HMAC_SHA256_80', 'SHA-256', 48, 16, 10],
      [AES_128_CTR_HMAC_SHA256_64, 'AES_128_CTR_HMAC_SHA256_64', 'SHA-256', 48, 16, 8],
      [AES_128_CTR_HMAC_SHA256_32, 'AES_128_CTR_HMAC_SHA256_32', 'SHA-256', 48, 16, 4],
      [AES_128_GCM_SHA256_128, 'AES_128_GCM_SHA256_128', 'SHA-256', 16, 0, 16],
      [AES_256_GCM_SHA512_128, 'AES_256_GCM_SHA512_128', 'SHA-512', 32, 0, 16],
    ] as const
  ).map(([id, name, hash, keyLength, encKeyLength, tagLength]) => [
    id,
    { id, name, hash, keyLength, encKeyLength, tagLength },
  ]),
);

/** Returns the parameters of `cipherSuite`, checking its type and value. */
export function lookUpSuite(cipherSuite: unknown): SuiteParams {
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
