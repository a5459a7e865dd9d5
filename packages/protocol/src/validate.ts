import {
  MAX_MESSAGE_BYTES,
  MAX_NAME_LENGTH,
  MAX_SDP_LENGTH,
  MAX_TEXT_LENGTH,
  type ClientMessage,
  type ErrorCode,
  type IceServer,
  type ServerMessage,
  type SignalPayload,
} from './messages.js';

/** Outcome of parsing one frame: the typed message, or why it was rejected. */
export type ParseResult<T> =
  | { ok: true; message: T }
  | { ok: false; code: ErrorCode; error: string };

/**
 * Room ids: an Ed25519 public key (32 bytes) in canonical unpadded base64url, so 43 characters
 * whose last one leaves the two unused bits zero. Whether it is a point on the curve is checked
 * where a curve implementation is at hand (the relay, the client).
 */
export const ROOM_ID_PATTERN = /^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$/;

/** Call and connection ids: 128 random bits as 32 lowercase hex digits. */
export const ID_PATTERN = /^[0-9a-f]{32}$/;

const BASE64URL_32_BYTES = /^[A-Za-z0-9_-]{43}$/;
const BASE64URL_64_BYTES = /^[A-Za-z0-9_-]{86}$/;
/** ML-KEM-768 encapsulation key (1184 bytes) and ciphertext (1088 bytes) in unpadded base64url. */
const MLKEM_KEY_CHARS = 1579;
const MLKEM_CIPHERTEXT_CHARS = 1451;
const BASE64URL = /^[A-Za-z0-9_-]*$/;

class InvalidMessage extends Error {}

type Json = Record<string, unknown>;

function fail(error: string): never {
  throw new InvalidMessage(error);
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function requireString(object: Json, field: string, maxLength: number, where = ''): string {
  const value = object[field];
  if (typeof value !== 'string') {
    fail(`Missing or non-string field "${where}${field}": got ${describe(value)}`);
  }
  if (value.length > maxLength) {
    fail(`Field "${where}${field}" is too long: ${value.length} > ${maxLength} characters`);
  }
  return value;
}

function optionalString(object: Json, field: string, maxLength: number): string | undefined {
  if (object[field] === undefined) return undefined;
  return requireString(object, field, maxLength);
}

function requireId(object: Json, field: string): string {
  const value = requireString(object, field, 32);
  if (!ID_PATTERN.test(value)) fail(`Field "${field}" must be 32 lowercase hex digits`);
  return value;
}

function requireOneOf<T extends string>(object: Json, field: string, allowed: readonly T[]): T {
  const value = object[field];
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    fail(`Field "${field}" must be one of ${allowed.join(', ')}: got ${describe(value)}`);
  }
  return value as T;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'string') return `string of length ${value.length}`;
  return typeof value;
}

/** Reads an optional base64url field of `data` that must be exactly `length` characters. */
function optionalBase64Url(data: Json, field: string, length: number): string | undefined {
  if (data[field] === undefined) return undefined;
  const value = requireString(data, field, length, 'data.');
  if (value.length !== length || !BASE64URL.test(value)) {
    fail(`Field "data.${field}" must be ${length} unpadded base64url characters`);
  }
  return value;
}

/** Checks a peer-to-peer payload and returns a copy that holds only the known fields. */
function parseSignalPayload(data: unknown): SignalPayload {
  if (!isObject(data)) fail(`Field "data" must be an object: got ${describe(data)}`);
  const kind = requireOneOf(data, 'type', [
    'offer',
    'answer',
    'candidate',
    'renegotiate',
    'transceiverRequest',
    'key-share',
    'call-error',
  ] as const);
  switch (kind) {
    case 'offer':
    case 'answer':
      return { type: kind, sdp: requireString(data, 'sdp', MAX_SDP_LENGTH, 'data.') };
    case 'candidate': {
      const candidate = data.candidate;
      if (!isObject(candidate)) fail('Field "data.candidate" must be an object');
      const parsed: SignalPayload = {
        type: 'candidate',
        candidate: { candidate: requireString(candidate, 'candidate', 2048, 'data.candidate.') },
      };
      const index = candidate.sdpMLineIndex;
      if (index !== undefined && index !== null) {
        if (!Number.isInteger(index) || (index as number) < 0 || (index as number) > 1024) {
          fail('Field "data.candidate.sdpMLineIndex" must be an integer from 0 to 1024');
        }
        parsed.candidate.sdpMLineIndex = index as number;
      }
      for (const field of ['sdpMid', 'usernameFragment'] as const) {
        if (candidate[field] !== undefined && candidate[field] !== null) {
          parsed.candidate[field] = requireString(candidate, field, 256, 'data.candidate.');
        }
      }
      return parsed;
    }
    case 'renegotiate':
      return { type: 'renegotiate', renegotiate: true };
    case 'transceiverRequest': {
      const request = data.transceiverRequest;
      if (!isObject(request)) fail('Field "data.transceiverRequest" must be an object');
      return {
        type: 'transceiverRequest',
        transceiverRequest: { kind: requireOneOf(request, 'kind', ['audio', 'video'] as const) },
      };
    }
    case 'key-share': {
      const x25519 = requireString(data, 'x25519', 43, 'data.');
      if (!BASE64URL_32_BYTES.test(x25519)) {
        fail('Field "data.x25519" must be 32 bytes in unpadded base64url');
      }
      const share: SignalPayload = { type: 'key-share', x25519 };
      const mlkem = optionalBase64Url(data, 'mlkem', MLKEM_KEY_CHARS);
      if (mlkem !== undefined) share.mlkem = mlkem;
      const ciphertext = optionalBase64Url(data, 'mlkemCiphertext', MLKEM_CIPHERTEXT_CHARS);
      if (ciphertext !== undefined) share.mlkemCiphertext = ciphertext;
      const signature = optionalBase64Url(data, 'signature', 86);
      if (signature !== undefined) share.signature = signature;
      return share;
    }
    case 'call-error':
      return {
        type: 'call-error',
        code: requireOneOf(data, 'code', ['no-common-codec', 'connect-timeout'] as const),
      };
  }
}

function parseClientObject(object: Json): ClientMessage {
  const type = object.type;
  switch (type) {
    case 'hello': {
      const version = object.version;
      if (!Number.isInteger(version)) fail(`Field "version" must be an integer: got ${describe(version)}`);
      // Any text is a well-formed room. The relay decides whether it names a room it serves,
      // and rejects any other with `room-unknown` rather than as a malformed hello.
      const room = requireString(object, 'room', MAX_MESSAGE_BYTES);
      return { type, version: version as number, role: requireOneOf(object, 'role', ['host', 'visitor'] as const), room };
    }
    case 'authenticate': {
      const signature = requireString(object, 'signature', 86);
      if (!BASE64URL_64_BYTES.test(signature)) {
        fail('Field "signature" must be 64 bytes in unpadded base64url');
      }
      return { type, signature };
    }
    case 'set-presence': {
      const message: ClientMessage = {
        type,
        status: requireOneOf(object, 'status', ['available', 'busy', 'offline'] as const),
      };
      const text = optionalString(object, 'message', MAX_TEXT_LENGTH);
      if (text !== undefined) message.message = text;
      return message;
    }
    case 'knock': {
      const name = optionalString(object, 'name', MAX_NAME_LENGTH);
      return name === undefined ? { type } : { type, name };
    }
    case 'cancel':
      return { type };
    case 'admit':
      return { type, callId: requireId(object, 'callId') };
    case 'decline': {
      const text = optionalString(object, 'message', MAX_TEXT_LENGTH);
      const message: ClientMessage = { type, callId: requireId(object, 'callId') };
      if (text !== undefined) message.message = text;
      return message;
    }
    case 'signal':
      return { type, callId: requireId(object, 'callId'), data: parseSignalPayload(object.data) };
    case 'hang-up':
      return { type, callId: requireId(object, 'callId') };
    case 'ask-to-wait': {
      const text = optionalString(object, 'message', MAX_TEXT_LENGTH);
      const message: ClientMessage = { type, callId: requireId(object, 'callId') };
      if (text !== undefined) message.message = text;
      return message;
    }
    default:
      fail(typeof type === 'string' ? `Unknown message type "${type.slice(0, 40)}"` : 'Missing field "type"');
  }
}

/** Checks the optional `iceServers` list of `admitted`: at most 8 servers of 8 URLs each. */
function parseIceServers(value: unknown): IceServer[] {
  if (!Array.isArray(value) || value.length > 8) {
    fail(`Field "iceServers" must be an array of at most 8 servers: got ${describe(value)}`);
  }
  return value.map((server: unknown) => {
    if (!isObject(server)) fail('Field "iceServers[]" must be an object');
    const urls = server.urls;
    if (!Array.isArray(urls) || urls.length === 0 || urls.length > 8) {
      fail('Field "iceServers[].urls" must be an array of 1 to 8 URLs');
    }
    const parsed: IceServer = {
      urls: urls.map((url: unknown) => {
        if (typeof url !== 'string' || url.length > 512 || !/^(stun|stuns|turn|turns):/.test(url)) {
          fail('Field "iceServers[].urls[]" must be a stun:, stuns:, turn: or turns: URL');
        }
        return url;
      }),
    };
    const username = optionalString(server, 'username', 512);
    if (username !== undefined) parsed.username = username;
    const credential = optionalString(server, 'credential', 512);
    if (credential !== undefined) parsed.credential = credential;
    return parsed;
  });
}

function parseServerObject(object: Json): ServerMessage {
  const type = object.type;
  switch (type) {
    case 'welcome': {
      const version = object.version;
      if (!Number.isInteger(version)) fail('Field "version" must be an integer');
      const welcome: ServerMessage = {
        type,
        version: version as number,
        connectionId: requireId(object, 'connectionId'),
      };
      if (object.challenge !== undefined) {
        const challenge = requireString(object, 'challenge', 43);
        if (!BASE64URL_32_BYTES.test(challenge)) {
          fail('Field "challenge" must be 32 bytes in unpadded base64url');
        }
        welcome.challenge = challenge;
      }
      return welcome;
    }
    case 'authenticated':
      return { type };
    case 'presence': {
      const message: ServerMessage = {
        type,
        status: requireOneOf(object, 'status', ['available', 'busy', 'offline'] as const),
      };
      const text = optionalString(object, 'message', MAX_TEXT_LENGTH);
      if (text !== undefined) message.message = text;
      return message;
    }
    case 'knock-received': {
      const name = optionalString(object, 'name', MAX_NAME_LENGTH);
      const message: ServerMessage = { type, callId: requireId(object, 'callId') };
      if (name !== undefined) message.name = name;
      return message;
    }
    case 'knock-ended':
      return {
        type,
        callId: requireId(object, 'callId'),
        reason: requireOneOf(object, 'reason', [
          'cancelled',
          'disconnected',
          'admitted-elsewhere',
          'declined',
          'timeout',
        ] as const),
      };
    case 'waiting': {
      const position = object.position;
      if (!Number.isInteger(position) || (position as number) < 1) {
        fail('Field "position" must be a positive integer');
      }
      return { type, callId: requireId(object, 'callId'), position: position as number };
    }
    case 'admitted': {
      const message: ServerMessage = { type, callId: requireId(object, 'callId') };
      if (object.iceServers !== undefined) message.iceServers = parseIceServers(object.iceServers);
      return message;
    }
    case 'asked-to-wait': {
      const text = optionalString(object, 'message', MAX_TEXT_LENGTH);
      const message: ServerMessage = { type, callId: requireId(object, 'callId') };
      if (text !== undefined) message.message = text;
      return message;
    }
    case 'going-away': {
      const retryAfterMs = object.retryAfterMs;
      if (!Number.isInteger(retryAfterMs) || (retryAfterMs as number) < 0) {
        fail('Field "retryAfterMs" must be a non-negative integer');
      }
      return { type, retryAfterMs: retryAfterMs as number };
    }
    case 'declined': {
      const text = optionalString(object, 'message', MAX_TEXT_LENGTH);
      const message: ServerMessage = {
        type,
        callId: requireId(object, 'callId'),
        reason: requireOneOf(object, 'reason', ['declined', 'host-offline', 'timeout'] as const),
      };
      if (text !== undefined) message.message = text;
      return message;
    }
    case 'signal':
      return { type, callId: requireId(object, 'callId'), data: parseSignalPayload(object.data) };
    case 'call-ended':
      return {
        type,
        callId: requireId(object, 'callId'),
        reason: requireOneOf(object, 'reason', ['hang-up', 'disconnected'] as const),
      };
    case 'error':
      return {
        type,
        code: requireString(object, 'code', 64) as ErrorCode,
        message: requireString(object, 'message', 1024),
      };
    default:
      fail(typeof type === 'string' ? `Unknown message type "${type.slice(0, 40)}"` : 'Missing field "type"');
  }
}

function parseWith<T>(text: unknown, parseObject: (object: Json) => T): ParseResult<T> {
  if (typeof text !== 'string') {
    return { ok: false, code: 'invalid-message', error: 'Expected a text frame' };
  }
  if (text.length > MAX_MESSAGE_BYTES) {
    return { ok: false, code: 'message-too-large', error: `Message exceeds ${MAX_MESSAGE_BYTES} bytes` };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, code: 'invalid-json', error: 'Message is not valid JSON' };
  }
  if (!isObject(value)) {
    return { ok: false, code: 'invalid-message', error: `Message must be a JSON object: got ${describe(value)}` };
  }
  try {
    return { ok: true, message: parseObject(value) };
  } catch (error) {
    if (error instanceof InvalidMessage) return { ok: false, code: 'invalid-message', error: error.message };
    throw error;
  }
}

/**
 * Parses and validates one frame sent by a client. The returned message holds only known fields,
 * so forwarding it cannot smuggle extra data to the peer.
 *
 * @example
 * ```ts
 * const result = parseClientMessage('{"type":"knock","name":"Sam"}');
 * if (result.ok) console.assert(result.message.type === 'knock');
 * ```
 */
export function parseClientMessage(text: unknown): ParseResult<ClientMessage> {
  return parseWith(text, parseClientObject);
}

/** Parses and validates one frame sent by the relay. */
export function parseServerMessage(text: unknown): ParseResult<ServerMessage> {
  return parseWith(text, parseServerObject);
}
