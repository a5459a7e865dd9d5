import { randomBytes } from 'node:crypto';
import { ed25519 } from '@noble/curves/ed25519.js';
import {
  CloseCode,
  hostAuthMessage,
  PROTOCOL_VERSION,
  parseClientMessage,
  type ErrorCode,
  type HelloMessage,
} from '@porchlight/protocol';

/** The outcome of a connection's first frame: a v1 `hello`, or how to reject the connection. */
export type HelloResult =
  | { ok: true; hello: HelloMessage }
  | { ok: false; code: ErrorCode; message: string; closeCode: number; closeReason: string };

/**
 * Checks the first frame of a connection. Anything but a valid `hello` for this protocol
 * version is rejected with `hello-required` (close 4001), or with `unsupported-version`
 * (close 4002) when the frame is a `hello` that names another version. A `hello` whose room is
 * not a room id, or not in `servedRooms`, is rejected with `room-unknown` (close 4004).
 *
 * @param frame The frame as text, or undefined for a binary frame.
 * @param servedRooms The rooms this relay serves, or undefined to serve every valid room id.
 */
export function checkHello(
  frame: string | undefined,
  servedRooms?: ReadonlySet<string>,
): HelloResult {
  if (frame === undefined) return helloRequired('Expected a hello message in a text frame');

  const result = parseClientMessage(frame);
  if (!result.ok) {
    // A client of a later version may send a hello that version 1 cannot parse, so the
    // version is read on its own before the shape error is reported.
    const version = peekHelloVersion(frame);
    if (version !== undefined && version !== PROTOCOL_VERSION) return unsupportedVersion(version);
    return helloRequired(`Expected a valid hello message: ${result.error}`);
  }

  const message = result.message;
  if (message.type !== 'hello') {
    return helloRequired(`Expected a hello message first: got "${message.type}"`);
  }
  if (message.version !== PROTOCOL_VERSION) return unsupportedVersion(message.version);
  // The room text is never quoted back: it may be anything a page put in its embed.
  if (!isRoomId(message.room)) {
    return roomUnknown('Room unknown: "room" is not a room id (an Ed25519 public key)');
  }
  if (servedRooms !== undefined && !servedRooms.has(message.room)) {
    return roomUnknown('Room unknown: this relay does not serve the room');
  }
  return { ok: true, hello: message };
}

/** Returns a fresh 32-byte challenge for a host's `authenticate`. */
export function createChallenge(): Buffer {
  return randomBytes(32);
}

/** The outcome of a host's first frame after `welcome`. */
export type AuthResult =
  | { ok: true }
  | { ok: false; code: 'auth-failed'; message: string; closeCode: number; closeReason: string };

/**
 * Checks that a host's frame after `welcome` is an `authenticate` whose signature verifies
 * (RFC 8032, strict encoding) over {@link hostAuthMessage} of this connection's challenge and
 * room, with the room id as the public key. Anything else fails with `auth-failed` (close 4003).
 */
export function checkAuthenticate(
  frame: string | undefined,
  challenge: Uint8Array,
  room: string,
): AuthResult {
  const result = parseClientMessage(frame);
  if (!result.ok || result.message.type !== 'authenticate') {
    const got = result.ok ? `"${result.message.type}"` : 'an invalid message';
    return authFailed(`Expected authenticate before anything else: got ${got}`);
  }
  const publicKey = decodeRoomKey(room);
  const signature = Buffer.from(result.message.signature, 'base64url');
  let valid = false;
  try {
    const message = hostAuthMessage(challenge, room);
    valid = publicKey !== undefined && ed25519.verify(signature, message, publicKey, { zip215: false });
  } catch {
    valid = false;
  }
  if (!valid) return authFailed('Authentication failed: the signature does not match the room');
  return { ok: true };
}

/**
 * Returns whether `room` is a room id: an Ed25519 public key (a point on the curve) in canonical
 * unpadded base64url.
 */
export function isRoomId(room: string): boolean {
  return decodeRoomKey(room) !== undefined;
}

/**
 * Quotes one entry of a configured room list for an error message, cut to 60 characters so that
 * a wrong file cannot flood the output.
 */
export function quoteRoomEntry(entry: unknown): string {
  if (typeof entry !== 'string') return typeof entry;
  return JSON.stringify(entry.length > 60 ? `${entry.slice(0, 60)}…` : entry);
}

/** Decodes a room id to its Ed25519 public key, or returns undefined when it is not a valid key. */
function decodeRoomKey(room: string): Uint8Array | undefined {
  const bytes = Buffer.from(room, 'base64url');
  // Buffer decoding is lenient, so the round trip rejects any text that is not canonical.
  if (bytes.length !== 32 || bytes.toString('base64url') !== room) return undefined;
  try {
    ed25519.Point.fromBytes(bytes);
  } catch {
    return undefined;
  }
  return new Uint8Array(bytes);
}

function authFailed(message: string): AuthResult {
  return {
    ok: false,
    code: 'auth-failed',
    message,
    closeCode: CloseCode.authFailed,
    closeReason: 'authentication failed',
  };
}

function peekHelloVersion(frame: string): number | undefined {
  let value: unknown;
  try {
    value = JSON.parse(frame);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;

  const { type, version } = value as { type?: unknown; version?: unknown };
  if (type !== 'hello' || typeof version !== 'number' || !Number.isInteger(version)) {
    return undefined;
  }
  return version;
}

function helloRequired(message: string): HelloResult {
  return {
    ok: false,
    code: 'hello-required',
    message,
    closeCode: CloseCode.helloRequired,
    closeReason: 'hello required',
  };
}

function roomUnknown(message: string): HelloResult {
  return {
    ok: false,
    code: 'room-unknown',
    message,
    closeCode: CloseCode.roomUnknown,
    closeReason: 'room unknown',
  };
}

function unsupportedVersion(version: number): HelloResult {
  return {
    ok: false,
    code: 'unsupported-version',
    message: `Unsupported protocol version ${version}: expected ${PROTOCOL_VERSION}`,
    closeCode: CloseCode.unsupportedVersion,
    closeReason: 'unsupported version',
  };
}
