import { assertBytes, describeType } from './_bytes.js';
import { ed25519Verify } from './_curves.js';
import { isEd25519Point } from './_ed25519-point.js';
import { fromBase64Url, toBase64Url } from './base64url.js';

/**
 * A therapist's long-term Ed25519 identity. The room id is its public key, so the embed snippet
 * pins it. `sign` may be backed by a non-extractable WebCrypto key, hence the optional promise.
 */
export interface CallIdentity {
  /** Ed25519 public key, 32 bytes. */
  readonly publicKey: Uint8Array;
  /** Returns the 64-byte Ed25519 signature (RFC 8032) of `message`. */
  sign(message: Uint8Array): Uint8Array | Promise<Uint8Array>;
}

/** Length of a room id: 32 bytes in unpadded base64url. */
export const ROOM_ID_LENGTH = 43;

/** Length of an Ed25519 signature in bytes. */
export const SIGNATURE_LENGTH = 64;

/** Returns the room id of an Ed25519 public key: the key in unpadded base64url. */
export function roomIdFromPublicKey(publicKey: Uint8Array): string {
  assertBytes(publicKey, 'publicKey', 32);
  return toBase64Url(publicKey);
}

/**
 * Decodes a room id into the Ed25519 public key it names.
 *
 * @throws {TypeError} if `room` is not a string.
 * @throws {RangeError} if `room` is not 43 canonical base64url characters or does not decode to
 *   a point on the Ed25519 curve.
 */
export function publicKeyFromRoomId(room: string): Uint8Array {
  if (typeof room !== 'string') {
    throw new TypeError(`Expected "room" to be a string: got ${describeType(room)}`);
  }
  if (room.length !== ROOM_ID_LENGTH) {
    throw new RangeError(
      `Invalid room id: expected ${ROOM_ID_LENGTH} base64url characters, got ${room.length}`,
    );
  }
  const publicKey = fromBase64Url(room);
  if (!isEd25519Point(publicKey)) {
    throw new RangeError('Invalid room id: it is not an Ed25519 public key');
  }
  return publicKey;
}

/** Returns whether `room` is a valid room id: an Ed25519 public key in unpadded base64url. */
export function isRoomId(room: unknown): room is string {
  if (typeof room !== 'string') return false;
  try {
    publicKeyFromRoomId(room);
    return true;
  } catch {
    return false;
  }
}

/**
 * Checks an Ed25519 signature (RFC 8032, strict: no non-canonical encodings) against the public
 * key that `room` names, on WebCrypto where the runtime has Ed25519. Resolves to false for any
 * malformed input instead of rejecting.
 */
export async function verifyWithRoomId(
  room: string,
  message: Uint8Array,
  signature: Uint8Array,
): Promise<boolean> {
  if (!(signature instanceof Uint8Array) || signature.length !== SIGNATURE_LENGTH) return false;
  if (!(message instanceof Uint8Array) || !isRoomId(room)) return false;
  const verify = await ed25519Verify();
  return verify(signature, message, publicKeyFromRoomId(room));
}
