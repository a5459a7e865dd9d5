import { ctr, gcm } from '@noble/ciphers/aes.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { concatBytes, equalBytesConstantTime, writeUintBE } from './_bytes.js';
import type { SuiteParams } from './_suites.js';

/** An AEAD keyed once with `sframe_key`, so per-frame work skips the key split. */
export interface KeyedAead {
  /** Returns ciphertext || tag. */
  seal(nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Uint8Array;
  /** Returns the plaintext, or null when the tag does not verify. */
  open(nonce: Uint8Array, aad: Uint8Array, sealed: Uint8Array): Uint8Array | null;
}

/** Builds the suite's AEAD for `key`, which must be Nk bytes long (the caller checks this). */
export function createAead(suite: SuiteParams, key: Uint8Array): KeyedAead {
  return suite.encKeyLength === 0 ? createGcm(key) : createCtrHmac(suite, key);
}

function createGcm(key: Uint8Array): KeyedAead {
  return {
    seal: (nonce, aad, plaintext) => gcm(key, nonce, aad).encrypt(plaintext),
    open: (nonce, aad, sealed) => {
      try {
        return gcm(key, nonce, aad).decrypt(sealed);
      } catch {
        // noble raises a plain Error on a tag mismatch, and callers only need the failure.
        return null;
      }
    },
  };
}

/**
 * AES-CTR with a truncated HMAC, RFC 9605 section 4.5.1: `sframe_key` splits into an AES key
 * (first Nka bytes) and an HMAC key (the rest), the counter block is the nonce followed by four
 * zero bytes, and the tag is HMAC(auth_key, len(aad) || len(ct) || Nt || nonce || aad || ct)
 * truncated to Nt bytes, each length an 8-byte big-endian integer.
 */
function createCtrHmac(suite: SuiteParams, key: Uint8Array): KeyedAead {
  const encKey = key.slice(0, suite.encKeyLength);
  const authKey = key.slice(suite.encKeyLength);

  const counterBlock = (nonce: Uint8Array): Uint8Array => {
    const block = new Uint8Array(16);
    block.set(nonce);
    return block;
  };

  const computeTag = (nonce: Uint8Array, aad: Uint8Array, ciphertext: Uint8Array): Uint8Array => {
    const lengths = new Uint8Array(24);
    writeUintBE(BigInt(aad.length), lengths.subarray(0, 8));
    writeUintBE(BigInt(ciphertext.length), lengths.subarray(8, 16));
    writeUintBE(BigInt(suite.tagLength), lengths.subarray(16, 24));
    const mac = hmac
      .create(suite.hash === 'SHA-512' ? sha512 : sha256, authKey)
      .update(lengths)
      .update(nonce)
      .update(aad)
      .update(ciphertext)
      .digest();
    return mac.subarray(0, suite.tagLength);
  };

  return {
    seal: (nonce, aad, plaintext) => {
      const ciphertext = ctr(encKey, counterBlock(nonce)).encrypt(plaintext);
      return concatBytes(ciphertext, computeTag(nonce, aad, ciphertext));
    },
    open: (nonce, aad, sealed) => {
      const ciphertext = sealed.subarray(0, sealed.length - suite.tagLength);
      const tag = sealed.subarray(sealed.length - suite.tagLength);
      if (!equalBytesConstantTime(tag, computeTag(nonce, aad, ciphertext))) return null;
      return ctr(encKey, counterBlock(nonce)).decrypt(ciphertext);
    },
  };
}
