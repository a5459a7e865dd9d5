import { concatBytes, equalBytesConstantTime, writeUintBE } from './_bytes.js';
import type { SuiteParams } from './_suites.js';

/**
 * The same AEAD as `createAead` in `_aead.ts`, run by WebCrypto (`crypto.subtle`). Each call
 * returns a promise, and the output is byte-identical to the noble path for the same key, nonce,
 * AAD and plaintext.
 */
export interface AsyncKeyedAead {
  /** Returns ciphertext || tag. */
  seal(nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Promise<Uint8Array>;
  /** Returns the plaintext, or null when the tag does not verify. */
  open(nonce: Uint8Array, aad: Uint8Array, sealed: Uint8Array): Promise<Uint8Array | null>;
}

/** Tells whether this global scope has WebCrypto's `crypto.subtle` (secure contexts and workers). */
export function hasWebCrypto(): boolean {
  return typeof globalThis.crypto?.subtle?.encrypt === 'function';
}

// WebCrypto's TypeScript types want ArrayBuffer-backed views, which every Uint8Array here is.
type Buffer = Uint8Array<ArrayBuffer>;
const asBuffer = (bytes: Uint8Array): Buffer => bytes as Buffer;

/**
 * Builds the suite's AEAD on WebCrypto for `key`, which must be Nk bytes long. The key is
 * imported as non-extractable once, on the first call.
 */
export function createWebCryptoAead(suite: SuiteParams, key: Uint8Array): AsyncKeyedAead {
  return suite.encKeyLength === 0 ? createGcm(key) : createCtrHmac(suite, key);
}

function createGcm(key: Uint8Array): AsyncKeyedAead {
  const imported = crypto.subtle.importKey('raw', asBuffer(key.slice()), 'AES-GCM', false, [
    'encrypt',
    'decrypt',
  ]);
  // A failed import surfaces in seal and open. This only keeps it from being reported unhandled.
  imported.catch(() => undefined);
  const params = (nonce: Uint8Array, aad: Uint8Array): AesGcmParams => ({
    name: 'AES-GCM',
    iv: asBuffer(nonce),
    additionalData: asBuffer(aad),
    tagLength: 128,
  });

  return {
    seal: async (nonce, aad, plaintext) => {
      const sealed = await crypto.subtle.encrypt(
        params(nonce, aad),
        await imported,
        asBuffer(plaintext),
      );
      return new Uint8Array(sealed);
    },
    open: async (nonce, aad, sealed) => {
      try {
        const opened = await crypto.subtle.decrypt(
          params(nonce, aad),
          await imported,
          asBuffer(sealed),
        );
        return new Uint8Array(opened);
      } catch {
        // WebCrypto rejects with an OperationError on a tag mismatch, and callers need only that.
        return null;
      }
    },
  };
}

/**
 * AES-CTR with a truncated HMAC (RFC 9605 section 4.5.1), as in `_aead.ts`: the counter block is
 * the nonce followed by four zero bytes, and WebCrypto increments its last 32 bits.
 */
function createCtrHmac(suite: SuiteParams, key: Uint8Array): AsyncKeyedAead {
  const encKey = crypto.subtle.importKey(
    'raw',
    asBuffer(key.slice(0, suite.encKeyLength)),
    'AES-CTR',
    false,
    ['encrypt', 'decrypt'],
  );
  const authKey = crypto.subtle.importKey(
    'raw',
    asBuffer(key.slice(suite.encKeyLength)),
    { name: 'HMAC', hash: suite.hash },
    false,
    ['sign'],
  );
  encKey.catch(() => undefined);
  authKey.catch(() => undefined);

  const ctrParams = (nonce: Uint8Array): AesCtrParams => {
    const counter = new Uint8Array(16);
    counter.set(nonce);
    return { name: 'AES-CTR', counter, length: 32 };
  };

  const computeTag = async (
    nonce: Uint8Array,
    aad: Uint8Array,
    ciphertext: Uint8Array,
  ): Promise<Uint8Array> => {
    const lengths = new Uint8Array(24);
    writeUintBE(BigInt(aad.length), lengths.subarray(0, 8));
    writeUintBE(BigInt(ciphertext.length), lengths.subarray(8, 16));
    writeUintBE(BigInt(suite.tagLength), lengths.subarray(16, 24));
    const input = concatBytes(lengths, nonce, aad, ciphertext);
    const mac = await crypto.subtle.sign('HMAC', await authKey, asBuffer(input));
    return new Uint8Array(mac, 0, suite.tagLength);
  };

  return {
    seal: async (nonce, aad, plaintext) => {
      const encrypted = await crypto.subtle.encrypt(
        ctrParams(nonce),
        await encKey,
        asBuffer(plaintext),
      );
      const ciphertext = new Uint8Array(encrypted);
      return concatBytes(ciphertext, await computeTag(nonce, aad, ciphertext));
    },
    open: async (nonce, aad, sealed) => {
      const ciphertext = sealed.subarray(0, sealed.length - suite.tagLength);
      const tag = sealed.subarray(sealed.length - suite.tagLength);
      if (!equalBytesConstantTime(tag, await computeTag(nonce, aad, ciphertext))) return null;
      const decrypted = await crypto.subtle.decrypt(
        ctrParams(nonce),
        await encKey,
        asBuffer(ciphertext),
      );
      return new Uint8Array(decrypted);
    },
  };
}
