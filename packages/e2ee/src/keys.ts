import { ml_kem768 } from '@noble/post-quantum/ml-kem.js';
import { x25519 } from './_curves.js';
import { assertBytes, concatBytes, describeType, equalBytesConstantTime } from './_bytes.js';
import { verifyWithRoomId, type CallIdentity } from './identity.js';
import { hkdfSha256, sha256Digest } from './_webcrypto-hkdf.js';
import type { KeyEntry, MediaKind, TransformOperation } from './worker-protocol.js';

/** End of the call that this side is on. */
export type CallRole = 'host' | 'visitor';

/** An X25519 key pair, 32 bytes each. */
export interface KeyShare {
  privateKey: Uint8Array;
  publicKey: Uint8Array;
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

const DOMAIN_LABEL = 'porchlight/e2ee/call-keys/v2';
const SIGNATURE_LABEL = 'porchlight/e2ee/transcript-signature/v2';
const BASE_KEY_LENGTH = 32;
const X25519_KEY_LENGTH = 32;

const encoder = new TextEncoder();

/** Generates an ephemeral X25519 key pair for one call, on WebCrypto where the runtime has it. */
export async function generateKeyShare(): Promise<KeyShare> {
  return (await x25519()).keygen();
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

/** ML-KEM-768 (FIPS 203) sizes in bytes. */
export const MLKEM768_ENCAPSULATION_KEY_LENGTH = 1184;
export const MLKEM768_CIPHERTEXT_LENGTH = 1088;

/** The visitor's ephemeral secrets for one call and the public values it sends first. */
export interface VisitorKeyShare {
  x25519: KeyShare;
  mlkem: { encapsulationKey: Uint8Array; decapsulationKey: Uint8Array };
}

/** Values both sides bind into the transcript besides the exchanged keys. */
export interface TranscriptContext {
  /** Room id, which is also the therapist's Ed25519 public key. */
  room: string;
  /** Signaling protocol version. */
  protocolVersion: number;
  /** DTLS fingerprints of the visitor's peer connection, from {@link fingerprintsFromSdp}. */
  visitorFingerprints: string;
  /** DTLS fingerprints of the host's peer connection. */
  hostFingerprints: string;
}

/** Arguments of {@link agreeAsHost}. */
export interface HostAgreementParams extends TranscriptContext {
  /** The visitor's X25519 public key. */
  visitorX25519: Uint8Array;
  /** The visitor's ML-KEM-768 encapsulation key. */
  mlkemEncapsulationKey: Uint8Array;
}

/** Arguments of {@link agreeAsVisitor}. */
export interface VisitorAgreementParams extends TranscriptContext {
  /** This side's secrets from {@link generateVisitorKeyShare}. */
  share: VisitorKeyShare;
  /** The host's X25519 public key. */
  hostX25519: Uint8Array;
  /** The host's ML-KEM-768 ciphertext. */
  mlkemCiphertext: Uint8Array;
}

/** Everything one side derives from the key agreement. */
export interface CallSecrets {
  /** Four SFrame keys: encrypt audio, encrypt video, decrypt audio, decrypt video. */
  keys: KeyEntry[];
  /** 32-byte key for the call's text chat, the same on both sides. */
  chat: Uint8Array;
  /** Short authentication string: six digits grouped `123 456`, the same on both sides. */
  sas: string;
  /** SHA-256 of the transcript; the host signs it with its identity key. */
  transcriptHash: Uint8Array;
}

/** The host's derived secrets and the public values it sends back to the visitor. */
export interface HostAgreement {
  /** The host's ephemeral X25519 public key, to send. */
  x25519PublicKey: Uint8Array;
  /** The ML-KEM-768 ciphertext, to send. */
  mlkemCiphertext: Uint8Array;
  secrets: CallSecrets;
}

/**
 * Generates the visitor's ephemeral X25519 key pair and ML-KEM-768 key pair for one call.
 *
 * @example Send the first key share
 * ```ts
 * const share = await generateVisitorKeyShare();
 * send({
 *   type: 'key-share',
 *   x25519: toBase64Url(share.x25519.publicKey),
 *   mlkem: toBase64Url(share.mlkem.encapsulationKey),
 * });
 * ```
 */
export async function generateVisitorKeyShare(): Promise<VisitorKeyShare> {
  const { publicKey, secretKey } = ml_kem768.keygen();
  return {
    x25519: await generateKeyShare(),
    mlkem: { encapsulationKey: publicKey, decapsulationKey: secretKey },
  };
}

/**
 * Runs the host's half of the hybrid key agreement: a fresh X25519 key pair, an ML-KEM-768
 * encapsulation to the visitor's key, and the derivation of {@link CallSecrets}. The caller then
 * signs `secrets.transcriptHash` with {@link signTranscript} and sends the public values.
 *
 * @throws {TypeError} if an argument has the wrong type.
 * @throws {RangeError} if a key has the wrong length, the X25519 shared secret is all zeros,
 *   or a context field is out of range.
 */
export async function agreeAsHost(params: HostAgreementParams): Promise<HostAgreement> {
  validateContext(params);
  assertBytes(params.visitorX25519, 'visitorX25519', X25519_KEY_LENGTH);
  assertBytes(
    params.mlkemEncapsulationKey,
    'mlkemEncapsulationKey',
    MLKEM768_ENCAPSULATION_KEY_LENGTH,
  );
  const own = await generateKeyShare();
  const classical = await computeSharedSecret(
    own.privateKey,
    params.visitorX25519,
    'visitorX25519',
  );
  // ml_kem768.encapsulate checks the key's modulus (FIPS 203 section 7.2) and throws on failure.
  const { cipherText, sharedSecret } = ml_kem768.encapsulate(params.mlkemEncapsulationKey);
  const secrets = await deriveSecrets('host', classical, sharedSecret, params, {
    visitorX25519: params.visitorX25519,
    hostX25519: own.publicKey,
    encapsulationKey: params.mlkemEncapsulationKey,
    ciphertext: cipherText,
  });
  own.privateKey.fill(0);
  return { x25519PublicKey: own.publicKey, mlkemCiphertext: cipherText, secrets };
}

/**
 * Runs the visitor's half of the hybrid key agreement. The result is only trustworthy once
 * {@link verifyTranscript} accepts the host's signature of `transcriptHash`: install no key before.
 *
 * @throws {TypeError} if an argument has the wrong type.
 * @throws {RangeError} if a key has the wrong length, the X25519 shared secret is all zeros,
 *   or a context field is out of range.
 */
export async function agreeAsVisitor(params: VisitorAgreementParams): Promise<CallSecrets> {
  validateContext(params);
  const { share } = params;
  assertBytes(params.hostX25519, 'hostX25519', X25519_KEY_LENGTH);
  assertBytes(params.mlkemCiphertext, 'mlkemCiphertext', MLKEM768_CIPHERTEXT_LENGTH);
  const classical = await computeSharedSecret(
    share.x25519.privateKey,
    params.hostX25519,
    'hostX25519',
  );
  // A tampered ciphertext yields an unrelated secret (implicit rejection), never an exception.
  const postQuantum = ml_kem768.decapsulate(params.mlkemCiphertext, share.mlkem.decapsulationKey);
  return deriveSecrets('visitor', classical, postQuantum, params, {
    visitorX25519: share.x25519.publicKey,
    hostX25519: params.hostX25519,
    encapsulationKey: share.mlkem.encapsulationKey,
    ciphertext: params.mlkemCiphertext,
  });
}

/** Signs a transcript hash with the therapist's identity key. */
export async function signTranscript(
  identity: CallIdentity,
  transcriptHash: Uint8Array,
): Promise<Uint8Array> {
  assertBytes(transcriptHash, 'transcriptHash', 32);
  return identity.sign(signedTranscript(transcriptHash));
}

/**
 * Resolves to whether `signature` is the room's identity key signing `transcriptHash`: false for
 * any malformed input, a signature by another key, or a hash of another transcript.
 *
 * @throws {TypeError} if `transcriptHash` is not a Uint8Array.
 * @throws {RangeError} if `transcriptHash` is not 32 bytes.
 */
export function verifyTranscript(
  room: string,
  transcriptHash: Uint8Array,
  signature: Uint8Array,
): Promise<boolean> {
  assertBytes(transcriptHash, 'transcriptHash', 32);
  return verifyWithRoomId(room, signedTranscript(transcriptHash), signature);
}

/**
 * Returns the DTLS certificate fingerprints of an SDP (its `a=fingerprint:` lines), normalised
 * (lower-case hash name, upper-case hex), de-duplicated, sorted and joined by newlines, so that
 * both sides compute the same text from the same description.
 *
 * @throws {RangeError} if the SDP has no fingerprint line.
 */
export function fingerprintsFromSdp(sdp: string): string {
  if (typeof sdp !== 'string') {
    throw new TypeError(`Expected "sdp" to be a string: got ${describeType(sdp)}`);
  }
  const found = new Set<string>();
  for (const line of sdp.split(/\r?\n/)) {
    const match = /^a=fingerprint:(\S+) ([0-9A-Fa-f:]+)\s*$/.exec(line);
    if (match === null) continue;
    found.add(`${(match[1] as string).toLowerCase()} ${(match[2] as string).toUpperCase()}`);
  }
  if (found.size === 0) throw new RangeError('Invalid SDP: no a=fingerprint line found');
  return [...found].sort().join('\n');
}

interface ExchangedKeys {
  visitorX25519: Uint8Array;
  hostX25519: Uint8Array;
  encapsulationKey: Uint8Array;
  ciphertext: Uint8Array;
}

function signedTranscript(transcriptHash: Uint8Array): Uint8Array {
  return concatBytes(encoder.encode(SIGNATURE_LABEL), transcriptHash);
}

/**
 * Derives {@link CallSecrets}. IKM is the X25519 secret followed by the ML-KEM secret, so the
 * keys stay secret while either problem stays hard. Salt is SHA-256 of the transcript: the
 * length-prefixed (4-byte big-endian) domain label, protocol version, room id, both X25519 keys,
 * the ML-KEM key and ciphertext, and both DTLS fingerprint texts, in a fixed visitor-then-host
 * order. Each output uses its own HKDF-SHA256 info string. Hashing and HKDF run on WebCrypto.
 */
async function deriveSecrets(
  role: CallRole,
  classical: Uint8Array,
  postQuantum: Uint8Array,
  context: TranscriptContext,
  exchanged: ExchangedKeys,
): Promise<CallSecrets> {
  const version = new Uint8Array(4);
  new DataView(version.buffer).setUint32(0, context.protocolVersion);
  const transcriptHash = await sha256Digest(
    lengthPrefixed([
      encoder.encode(DOMAIN_LABEL),
      version,
      encoder.encode(context.room),
      exchanged.visitorX25519,
      exchanged.hostX25519,
      exchanged.encapsulationKey,
      exchanged.ciphertext,
      encoder.encode(context.visitorFingerprints),
      encoder.encode(context.hostFingerprints),
    ]),
  );
  const ikm = concatBytes(classical, postQuantum);
  const expand = (label: string, length: number) =>
    hkdfSha256(ikm, transcriptHash, encoder.encode(`${DOMAIN_LABEL}/${label}`), length);

  const outgoing: Direction = role === 'visitor' ? 'visitor-to-host' : 'host-to-visitor';
  const incoming: Direction = role === 'visitor' ? 'host-to-visitor' : 'visitor-to-host';
  const entry = async (operation: TransformOperation, direction: Direction, kind: MediaKind) => ({
    operation,
    kind,
    kid: CALL_KIDS[direction][kind],
    baseKey: await expand(`${direction}/${kind}`, BASE_KEY_LENGTH),
  });
  const keys: KeyEntry[] = await Promise.all([
    entry('encrypt', outgoing, 'audio'),
    entry('encrypt', outgoing, 'video'),
    entry('decrypt', incoming, 'audio'),
    entry('decrypt', incoming, 'video'),
  ]);
  const chat = await expand('chat', 32);
  const sas = formatSas(await expand('sas', 4));
  ikm.fill(0);
  classical.fill(0);
  postQuantum.fill(0);
  return { keys, chat, sas, transcriptHash };
}

/** Turns 4 bytes into six decimal digits grouped `123 456`. The modulo bias is below 0.03 %. */
function formatSas(bytes: Uint8Array): string {
  const value = new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0) % 1_000_000;
  const digits = String(value).padStart(6, '0');
  return `${digits.slice(0, 3)} ${digits.slice(3)}`;
}

function validateContext(context: TranscriptContext): void {
  const { room, protocolVersion } = context;
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
  for (const field of ['visitorFingerprints', 'hostFingerprints'] as const) {
    const value = context[field];
    if (typeof value !== 'string') {
      throw new TypeError(`Expected "${field}" to be a string: got ${describeType(value)}`);
    }
    if (value.length === 0) throw new RangeError(`Expected "${field}" to be non-empty: got ""`);
  }
}

async function computeSharedSecret(
  privateKey: Uint8Array,
  peerPublicKey: Uint8Array,
  name: string,
): Promise<Uint8Array> {
  // Both implementations give 32 zero bytes for a low-order peer key (RFC 7748 section 6.1).
  const shared = await (await x25519()).sharedSecret(privateKey, peerPublicKey);
  if (equalBytesConstantTime(shared, new Uint8Array(X25519_KEY_LENGTH))) {
    throw new RangeError(
      `Failed to derive call keys: "${name}" is a low-order point (all-zero shared secret)`,
    );
  }
  return shared;
}
