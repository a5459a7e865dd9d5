import { x25519 } from '@noble/curves/ed25519.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { assertBytes, concatBytes, describeType, equalBytesConstantTime } from './_bytes.js';
import type { KeyEntry, MediaKind, TransformOperation } from './worker-protocol.js';

/** End of the call that this side is on. */
export type CallRole = 'host' | 'visitor';

/** An X25519 key pair, 32 bytes each. */
export interface KeyShare {
  privateKey: Uint8Array;
  publicKey: Uint8Array;
}

/** Arguments of {@link deriveCallKeys}. */
export interface DeriveCallKeysParams {
  role: CallRole;
  /** This side's X25519 private key from {@link generateKeyShare}. */
  privateKey: Uint8Array;
  /** This side's X25519 public key, sent to the peer. */
  publicKey: Uint8Array;
  /** The peer's X25519 public key as received over signaling. */
  peerPublicKey: Uint8Array;
  /** Room id, bound into the keys so keys from one room never decrypt another. */
  room: string;
  /** Signaling protocol version, bound into the keys. */
  protocolVersion: number;
}

/**
 * Fixed SFrame KIDs of the four media streams. Each stream has its own base key, so no two
 * streams share a (key, nonce) pair and the KID only selects the key.
 */
export const CALL_KIDS = {
  'visitor-to-host': { audio: 0, video: 1 },
  'host-to-visitor': { audio: 2, video: 3 },
} as const satisfies Record<string, Record<MediaKind, number>>;

type Direction = keyof typeof CALL_KIDS;

const DOMAIN_LABEL = 'porchlight/e2ee/call-keys/v1';
const BASE_KEY_LENGTH = 32;
const X25519_KEY_LENGTH = 32;

const encoder = new TextEncoder();

/**
 * Generates an ephemeral X25519 key pair for one call.
 *
 * @example Share the public key
 * ```ts
 * const share = generateKeyShare();
 * send({ type: 'key-share', x25519: toBase64Url(share.publicKey) });
 * ```
 */
export function generateKeyShare(): KeyShare {
  const { secretKey, publicKey } = x25519.keygen();
  return { privateKey: secretKey, publicKey };
}

/** Encodes each field as a 4-byte big-endian length followed by its bytes. */
function lengthPrefixed(fields: Uint8Array[]): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const field of fields) {
    const length = new Uint8Array(4);
    new DataView(length.buffer).setUint32(0, field.length);
    parts.push(length, field);
  }
  return concatBytes(...parts);
}

function validate(params: DeriveCallKeysParams): void {
  const { role, room, protocolVersion } = params;
  if (typeof role !== 'string') {
    throw new TypeError(`Expected "role" to be a string: got ${describeType(role)}`);
  }
  if (role !== 'host' && role !== 'visitor') {
    throw new RangeError(`Expected "role" to be 'host' or 'visitor': got '${role}'`);
  }
  assertBytes(params.privateKey, 'privateKey', X25519_KEY_LENGTH);
  assertBytes(params.publicKey, 'publicKey', X25519_KEY_LENGTH);
  assertBytes(params.peerPublicKey, 'peerPublicKey', X25519_KEY_LENGTH);
  if (typeof room !== 'string') {
    throw new TypeError(`Expected "room" to be a string: got ${describeType(room)}`);
  }
  if (room.length === 0) throw new RangeError('Expected "room" to be non-empty: got ""');
  if (typeof protocolVersion !== 'number') {
    throw new TypeError(
      `Expected "protocolVersion" to be a number: got ${describeType(protocolVersion)}`,
    );
  }
  if (!Number.isInteger(protocolVersion) || protocolVersion < 0 || protocolVersion > 0xffffffff) {
    throw new RangeError(
      `Expected "protocolVersion" to be an integer in 0..2^32-1: got ${protocolVersion}`,
    );
  }
}

function computeSharedSecret(privateKey: Uint8Array, peerPublicKey: Uint8Array): Uint8Array {
  let shared: Uint8Array;
  try {
    shared = x25519.getSharedSecret(privateKey, peerPublicKey);
  } catch {
    // noble-curves 2.4 raises here when the result is all zeros (RFC 7748 section 6.1).
    shared = new Uint8Array(X25519_KEY_LENGTH);
  }
  if (equalBytesConstantTime(shared, new Uint8Array(X25519_KEY_LENGTH))) {
    throw new RangeError(
      'Failed to derive call keys: "peerPublicKey" is a low-order point (all-zero shared secret)',
    );
  }
  return shared;
}

/**
 * Derives this side's four SFrame base keys from an X25519 exchange.
 *
 * Each base key is HKDF-SHA256 with IKM = the X25519 shared secret, salt = SHA-256 of the
 * transcript, and info = `<domain label>/<direction>/<kind>`. The transcript is the
 * length-prefixed (4-byte big-endian) domain label, protocol version (4-byte big-endian), room
 * id (UTF-8), visitor public key and host public key, so both sides hash the same bytes whatever
 * their role. The visitor's encrypt keys equal the host's decrypt keys and the other way round.
 *
 * @returns Four entries: encrypt audio, encrypt video, decrypt audio, decrypt video.
 * @throws {TypeError} if an argument has the wrong type.
 * @throws {RangeError} if a key is not 32 bytes, `room` is empty, `protocolVersion` is out of
 *   range, or the shared secret is all zeros.
 * @throws {Error} if `publicKey` does not belong to `privateKey`.
 *
 * @example Derive the visitor's keys
 * ```ts
 * const keys = deriveCallKeys({
 *   role: 'visitor',
 *   ...share,
 *   peerPublicKey: fromBase64Url(hostShare),
 *   room,
 *   protocolVersion: PROTOCOL_VERSION,
 * });
 * worker.postMessage({ type: 'set-keys', keys });
 * ```
 */
export function deriveCallKeys(params: DeriveCallKeysParams): KeyEntry[] {
  validate(params);
  const { role, privateKey, publicKey, peerPublicKey, room, protocolVersion } = params;
  if (!equalBytesConstantTime(x25519.getPublicKey(privateKey), publicKey)) {
    throw new Error('Failed to derive call keys: "publicKey" does not match "privateKey"');
  }

  const shared = computeSharedSecret(privateKey, peerPublicKey);
  const visitorKey = role === 'visitor' ? publicKey : peerPublicKey;
  const hostKey = role === 'host' ? publicKey : peerPublicKey;
  const version = new Uint8Array(4);
  new DataView(version.buffer).setUint32(0, protocolVersion);
  const transcript = lengthPrefixed([
    encoder.encode(DOMAIN_LABEL),
    version,
    encoder.encode(room),
    visitorKey,
    hostKey,
  ]);
  const salt = sha256(transcript);

  const outgoing: Direction = role === 'visitor' ? 'visitor-to-host' : 'host-to-visitor';
  const incoming: Direction = role === 'visitor' ? 'host-to-visitor' : 'visitor-to-host';
  const entry = (operation: TransformOperation, direction: Direction, kind: MediaKind) => ({
    operation,
    kind,
    kid: CALL_KIDS[direction][kind],
    baseKey: hkdf(
      sha256,
      shared,
      salt,
      encoder.encode(`${DOMAIN_LABEL}/${direction}/${kind}`),
      BASE_KEY_LENGTH,
    ),
  });

  const keys: KeyEntry[] = [
    entry('encrypt', outgoing, 'audio'),
    entry('encrypt', outgoing, 'video'),
    entry('decrypt', incoming, 'audio'),
    entry('decrypt', incoming, 'video'),
  ];
  shared.fill(0);
  return keys;
}
