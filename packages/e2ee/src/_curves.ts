/**
 * The curve operations of the key agreement and the identity check: X25519 (RFC 7748) and
 * Ed25519 verification (RFC 8032). Each runs on WebCrypto where the runtime has the algorithm
 * (Node 20, Firefox 130, Safari 17, current Chromium) and otherwise on @noble/curves, which is
 * then loaded through a dynamic import. So a browser bundle carries noble only in a separate
 * chunk that browsers with both algorithms never fetch.
 */
import { fromBase64Url } from './base64url.js';

/** X25519 key generation and key agreement. */
export interface X25519 {
  /** Returns a fresh key pair: 32-byte private scalar and 32-byte public u-coordinate. */
  keygen(): Promise<{ privateKey: Uint8Array; publicKey: Uint8Array }>;
  /** Returns the 32-byte shared secret, or 32 zero bytes when `publicKey` has low order. */
  sharedSecret(privateKey: Uint8Array, publicKey: Uint8Array): Promise<Uint8Array>;
}

/** Ed25519 signature check (RFC 8032, no non-canonical S); false on any failure. */
export type Ed25519Verify = (
  signature: Uint8Array,
  message: Uint8Array,
  publicKey: Uint8Array,
) => Promise<boolean>;

const X25519_LENGTH = 32;

/**
 * PKCS #8 wrapping of a raw X25519 private key (RFC 8410 section 7): SEQUENCE { version 0,
 * AlgorithmIdentifier { 1.3.101.110 }, OCTET STRING { OCTET STRING (32 bytes) } }.
 */
const X25519_PKCS8_PREFIX = Uint8Array.from([
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x04, 0x22, 0x04, 0x20,
]);

/** Copies into a fresh ArrayBuffer-backed array, the buffer type WebCrypto accepts. */
function buffer(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return new Uint8Array(bytes);
}

/** X25519 on WebCrypto. The private key travels as PKCS #8, the public key as raw bytes. */
export const webCryptoX25519: X25519 = {
  async keygen() {
    const pair = (await crypto.subtle.generateKey({ name: 'X25519' }, true, [
      'deriveBits',
    ])) as CryptoKeyPair;
    // The JWK of a private key holds both halves: `d` is the scalar, `x` the u-coordinate.
    const jwk = await crypto.subtle.exportKey('jwk', pair.privateKey);
    const privateKey = fromBase64Url(jwk.d ?? '');
    const publicKey = fromBase64Url(jwk.x ?? '');
    return { privateKey, publicKey };
  },
  async sharedSecret(privateKey, publicKey) {
    const pkcs8 = new Uint8Array(X25519_PKCS8_PREFIX.length + X25519_LENGTH);
    pkcs8.set(X25519_PKCS8_PREFIX);
    pkcs8.set(privateKey, X25519_PKCS8_PREFIX.length);
    try {
      const own = await crypto.subtle.importKey('pkcs8', pkcs8, { name: 'X25519' }, false, [
        'deriveBits',
      ]);
      const algorithm = { name: 'X25519' };
      const peer = await crypto.subtle.importKey('raw', buffer(publicKey), algorithm, true, []);
      const bits = await crypto.subtle.deriveBits({ name: 'X25519', public: peer }, own, 256);
      return new Uint8Array(bits);
    } catch {
      // Secure Curves in WebCrypto rejects an all-zero result (a low-order public key).
      return new Uint8Array(X25519_LENGTH);
    } finally {
      pkcs8.fill(0);
    }
  },
};

/** Ed25519 verification on WebCrypto. */
export const webCryptoEd25519Verify: Ed25519Verify = async (signature, message, publicKey) => {
  try {
    const algorithm = { name: 'Ed25519' };
    const raw = buffer(publicKey);
    const key = await crypto.subtle.importKey('raw', raw, algorithm, false, ['verify']);
    return await crypto.subtle.verify(algorithm, key, buffer(signature), buffer(message));
  } catch {
    return false;
  }
};

/** Loads @noble/curves and wraps it in the same shape as the WebCrypto functions. */
export async function loadNobleCurves(): Promise<{ x25519: X25519; verify: Ed25519Verify }> {
  const { ed25519, x25519 } = await import('@noble/curves/ed25519.js');
  return {
    x25519: {
      async keygen() {
        const { secretKey, publicKey } = x25519.keygen();
        return { privateKey: secretKey, publicKey };
      },
      async sharedSecret(privateKey, publicKey) {
        try {
          return x25519.getSharedSecret(privateKey, publicKey);
        } catch {
          // noble-curves 2.4 raises here when the result is all zeros (RFC 7748 section 6.1).
          return new Uint8Array(X25519_LENGTH);
        }
      },
    },
    async verify(signature, message, publicKey) {
      try {
        return ed25519.verify(signature, message, publicKey, { zip215: false });
      } catch {
        return false;
      }
    },
  };
}

/** Resolves to whether WebCrypto can generate a key of `algorithm`, asked once per algorithm. */
const support = new Map<string, Promise<boolean>>();
function webCryptoSupports(
  algorithm: 'X25519' | 'Ed25519',
  usages: KeyUsage[],
): Promise<boolean> {
  let supported = support.get(algorithm);
  if (supported === undefined) {
    supported = Promise.resolve()
      .then(() => crypto.subtle.generateKey({ name: algorithm }, false, usages))
      .then(
        () => true,
        () => false,
      );
    support.set(algorithm, supported);
  }
  return supported;
}

/** Returns the X25519 of this runtime: WebCrypto's, else noble's. */
export async function x25519(): Promise<X25519> {
  if (await webCryptoSupports('X25519', ['deriveBits'])) return webCryptoX25519;
  return (await loadNobleCurves()).x25519;
}

/** Returns the Ed25519 verification of this runtime: WebCrypto's, else noble's. */
export async function ed25519Verify(): Promise<Ed25519Verify> {
  if (await webCryptoSupports('Ed25519', ['sign', 'verify'])) return webCryptoEd25519Verify;
  return (await loadNobleCurves()).verify;
}
