import { ed25519 } from '@noble/curves/ed25519.js';
import { assertBytes } from './_bytes.js';
import type { CallIdentity } from './identity.js';

// Signing in JavaScript lives apart from identity.ts, so that a browser bundle that only checks
// room ids and signatures does not pull @noble/curves in.

/**
 * Creates an identity that signs in JavaScript with `secretKey` (32-byte Ed25519 seed). Browsers
 * should prefer a non-extractable WebCrypto key; this form serves tests and Node programs.
 *
 * @throws {TypeError} if `secretKey` is not a Uint8Array.
 * @throws {RangeError} if `secretKey` is not 32 bytes.
 */
export function identityFromSecretKey(secretKey: Uint8Array): CallIdentity {
  assertBytes(secretKey, 'secretKey', 32);
  const seed = secretKey.slice();
  return {
    publicKey: ed25519.getPublicKey(seed),
    sign: (message) => ed25519.sign(message, seed),
  };
}

/** Generates a fresh Ed25519 key pair for a therapist identity. */
export function generateIdentityKeyPair(): { secretKey: Uint8Array; publicKey: Uint8Array } {
  return ed25519.keygen();
}
