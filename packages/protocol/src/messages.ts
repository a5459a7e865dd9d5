/**
 * Porchlight signaling messages, version 1.
 *
 * Every message is one JSON object in one WebSocket text frame, keyed on `type`:
 *
 * ```
 * +--------------------------------------------------------------+
 * | { "type": "<message type>", ...fields of that type }         |
 * +--------------------------------------------------------------+
 * ```
 *
 * The first message a client sends is `hello`, which names the protocol version, the role and
 * the room. The relay replies `welcome` or an `error` followed by a close. The room id is the
 * therapist's Ed25519 public key, so a host then proves it holds the matching private key: it
 * signs the `welcome.challenge` ({@link hostAuthMessage}) and sends `authenticate` before anything
 * else, and the relay answers `authenticated` or `auth-failed` followed by close 4003.
 */

/** The protocol version this package speaks. */
export const PROTOCOL_VERSION = 1;

/** Largest message, in UTF-8 bytes, that a client or the relay may send. */
export const MAX_MESSAGE_BYTES = 64 * 1024;

/** Maximum length of a visitor's display name, in characters. */
export const MAX_NAME_LENGTH = 64;

/** Maximum length of a free-text message (host status, decline reason), in characters. */
export const MAX_TEXT_LENGTH = 280;

/** Longest SDP blob forwarded, in characters. */
export const MAX_SDP_LENGTH = 32 * 1024;

export type Role = 'host' | 'visitor';

/** Therapist status shown on a visitor's button. */
export type PresenceStatus = 'available' | 'busy' | 'offline';

// ---------------------------------------------------------------------------------------------
// Peer-to-peer payloads carried inside `signal` messages. The relay checks their shape and
// size and forwards them unchanged to the admitted peer.
// ---------------------------------------------------------------------------------------------

/** An SDP offer or answer, as simple-peer emits it. */
export interface SdpSignal {
  type: 'offer' | 'answer';
  sdp: string;
}

/** One trickled ICE candidate. */
export interface CandidateSignal {
  type: 'candidate';
  candidate: {
    candidate: string;
    sdpMLineIndex?: number | null;
    sdpMid?: string | null;
    usernameFragment?: string | null;
  };
}

/** simple-peer's request that the initiator renegotiate. */
export interface RenegotiateSignal {
  type: 'renegotiate';
  renegotiate: true;
}

/** simple-peer's request that the initiator add a transceiver. */
export interface TransceiverRequestSignal {
  type: 'transceiverRequest';
  transceiverRequest: { kind: 'audio' | 'video'; init?: Record<string, unknown> };
}

/**
 * One step of the end-to-end key agreement. Values are base64url strings. The relay sees these
 * public values but cannot derive the media keys from them, and the host's signature stops it
 * from replacing them unnoticed.
 *
 * The visitor sends `x25519` and `mlkem`; the host replies with `x25519`, `mlkemCiphertext` and
 * `signature`.
 */
export interface KeyShareSignal {
  type: 'key-share';
  /** Ephemeral X25519 public key, 32 bytes. */
  x25519: string;
  /** Visitor only: ML-KEM-768 encapsulation key, 1184 bytes. */
  mlkem?: string;
  /** Host only: ML-KEM-768 ciphertext, 1088 bytes. */
  mlkemCiphertext?: string;
  /** Host only: Ed25519 signature of the transcript hash by the room's identity key, 64 bytes. */
  signature?: string;
}

/** Why one side ended the call before media could flow. */
export type CallErrorCode =
  /** The two browsers share no codec that can be end-to-end encrypted. */
  | 'no-common-codec'
  /** The peer-to-peer connection did not come up within the sender's connect budget. */
  | 'connect-timeout';

/**
 * Tells the peer why this side ends the call, so that both people see the same reason. The
 * sender follows it with `hang-up`.
 */
export interface CallErrorSignal {
  type: 'call-error';
  code: CallErrorCode;
}

export type SignalPayload =
  | SdpSignal
  | CandidateSignal
  | RenegotiateSignal
  | TransceiverRequestSignal
  | KeyShareSignal
  | CallErrorSignal;

// ---------------------------------------------------------------------------------------------
// Client to relay
// ---------------------------------------------------------------------------------------------

/** First message on every connection. */
export interface HelloMessage {
  type: 'hello';
  version: number;
  role: Role;
  /**
   * Room id: the therapist's Ed25519 public key in canonical unpadded base64url (see
   * `ROOM_ID_PATTERN`). The relay rejects any other text with `room-unknown`.
   */
  room: string;
}

/** Host proves it holds the room's private key; must follow `welcome` before anything else. */
export interface AuthenticateMessage {
  type: 'authenticate';
  /** Ed25519 signature of {@link hostAuthMessage}, 64 bytes in unpadded base64url. */
  signature: string;
}

/** Host sets the status shown on every visitor's button. */
export interface SetPresenceMessage {
  type: 'set-presence';
  status: PresenceStatus;
  message?: string;
}

/** Visitor's request to be let in. */
export interface KnockMessage {
  type: 'knock';
  name?: string;
}

/** Visitor withdraws its knock while waiting. */
export interface CancelMessage {
  type: 'cancel';
}

/** Host lets a waiting visitor in. */
export interface AdmitMessage {
  type: 'admit';
  callId: string;
}

/** Host turns a waiting visitor away. */
export interface DeclineMessage {
  type: 'decline';
  callId: string;
  message?: string;
}

/** Either side of an admitted call sends a payload to the other. */
export interface SignalMessage {
  type: 'signal';
  callId: string;
  data: SignalPayload;
}

/** Either side ends an admitted call. */
export interface HangUpMessage {
  type: 'hang-up';
  callId: string;
}

/** Host tells a waiting visitor to keep waiting, with an optional note. */
export interface AskToWaitMessage {
  type: 'ask-to-wait';
  callId: string;
  message?: string;
}

export type ClientMessage =
  | HelloMessage
  | AuthenticateMessage
  | SetPresenceMessage
  | KnockMessage
  | CancelMessage
  | AdmitMessage
  | DeclineMessage
  | SignalMessage
  | HangUpMessage
  | AskToWaitMessage;

// ---------------------------------------------------------------------------------------------
// Relay to client
// ---------------------------------------------------------------------------------------------

/** Reply to a valid `hello`. */
export interface WelcomeMessage {
  type: 'welcome';
  version: number;
  connectionId: string;
  /** Hosts only: 32 random bytes in unpadded base64url, to sign for `authenticate`. */
  challenge?: string;
}

/** The relay accepted the host's `authenticate`. */
export interface AuthenticatedMessage {
  type: 'authenticated';
}

/** The room's status, pushed to visitors on connect and on every change. */
export interface PresenceMessage {
  type: 'presence';
  status: PresenceStatus;
  message?: string;
}

/** A visitor knocked; sent to every host connection of the room. */
export interface KnockReceivedMessage {
  type: 'knock-received';
  callId: string;
  name?: string;
}

/** Why a knock left the waiting room without being admitted by this host connection. */
export type KnockEndReason =
  | 'cancelled'
  | 'disconnected'
  | 'admitted-elsewhere'
  | 'declined'
  /** The knock waited longer than the relay's knock timeout. */
  | 'timeout';

/** A knock left the waiting room; sent to hosts. */
export interface KnockEndedMessage {
  type: 'knock-ended';
  callId: string;
  reason: KnockEndReason;
}

/** The visitor's knock is queued; sent on knock and whenever its place changes. */
export interface WaitingMessage {
  type: 'waiting';
  callId: string;
  /** 1 is next in line. */
  position: number;
}

/**
 * One ICE server for the peer connection, in the shape of the WebRTC `RTCIceServer` dictionary.
 * The relay sends only TURN servers with time-limited credentials.
 */
export interface IceServer {
  urls: string[];
  username?: string;
  credential?: string;
}

/** The host admitted the call; sent to the visitor and to the admitting host. */
export interface AdmittedMessage {
  type: 'admitted';
  callId: string;
  /**
   * TURN servers with credentials for this call only, present when the relay is configured
   * with a TURN secret. Clients add them to their peer connection configuration.
   */
  iceServers?: IceServer[];
}

/**
 * The host declined the knock, went offline while the visitor waited, or the knock waited longer
 * than the relay's knock timeout (`timeout`).
 */
export interface DeclinedMessage {
  type: 'declined';
  callId: string;
  reason: 'declined' | 'host-offline' | 'timeout';
  message?: string;
}

/** A host asked the waiting visitor to keep waiting; sent to that visitor only. */
export interface AskedToWaitMessage {
  type: 'asked-to-wait';
  callId: string;
  message?: string;
}

/**
 * The relay is shutting down. The client should reconnect after `retryAfterMs` milliseconds;
 * the relay closes the connection with 1001 right after this message.
 */
export interface GoingAwayMessage {
  type: 'going-away';
  retryAfterMs: number;
}

/** A payload from the admitted peer. */
export interface SignalReceivedMessage {
  type: 'signal';
  callId: string;
  data: SignalPayload;
}

/** The call ended on the other side. */
export interface CallEndedMessage {
  type: 'call-ended';
  callId: string;
  reason: 'hang-up' | 'disconnected';
}

export type ErrorCode =
  /** The frame was not valid JSON text. */
  | 'invalid-json'
  /** The JSON was valid but not a well-formed message: the text says which field. */
  | 'invalid-message'
  /** `hello.version` is not one the relay speaks. */
  | 'unsupported-version'
  /** The first message was not `hello`, or `hello` came twice. */
  | 'hello-required'
  /** The message is not allowed for this role or in this state. */
  | 'not-allowed'
  /** The call id names no call of this connection. */
  | 'unknown-call'
  /** The room has no host online, so a knock cannot be queued. */
  | 'room-offline'
  /** The message is larger than {@link MAX_MESSAGE_BYTES}. */
  | 'message-too-large'
  /** The room's waiting queue holds the relay's maximum of waiting visitors. */
  | 'room-full'
  /**
   * The connection sent messages faster than the relay's rate limit. The message was dropped;
   * a connection that keeps sending is closed with 4008.
   */
  | 'rate-limited'
  /** A host's `authenticate` was missing, malformed or not signed by the room's key. */
  | 'auth-failed'
  /**
   * `hello.room` is not a valid room id, or the relay serves a fixed list of rooms and this room
   * is not on it. Close 4004 follows. The room will not appear by retrying.
   */
  | 'room-unknown';

/** The relay rejected a message. The connection stays open unless a close follows. */
export interface ErrorMessage {
  type: 'error';
  code: ErrorCode;
  message: string;
}

export type ServerMessage =
  | WelcomeMessage
  | AuthenticatedMessage
  | PresenceMessage
  | KnockReceivedMessage
  | KnockEndedMessage
  | WaitingMessage
  | AdmittedMessage
  | DeclinedMessage
  | SignalReceivedMessage
  | CallEndedMessage
  | ErrorMessage
  | AskedToWaitMessage
  | GoingAwayMessage;

/** WebSocket close codes the relay uses for application reasons. */
export const CloseCode = {
  /** The first message was not a valid `hello`. */
  helloRequired: 4001,
  /** `hello.version` is not supported. */
  unsupportedVersion: 4002,
  /** A host did not prove that it holds the room's private key. */
  authFailed: 4003,
  /** `hello.room` is not a valid room id, or not one of the rooms this relay serves. */
  roomUnknown: 4004,
  /** The relay is shutting down; reconnect after a short delay. */
  goingAway: 1001,
  /** A message exceeded {@link MAX_MESSAGE_BYTES}. */
  messageTooBig: 1009,
  /** The relay hit an unexpected error while handling this connection's message. */
  internalError: 1011,
  /**
   * The client read too slowly: the relay's send buffer for it grew over the relay's limit.
   * Try again later.
   */
  tryAgainLater: 1013,
  /** The connection kept sending after `rate-limited` errors. */
  rateLimited: 4008,
} as const;

/** Domain label that starts every signed host authentication message. */
export const HOST_AUTH_LABEL = 'porchlight/relay/host-auth/v1';

/**
 * Returns the bytes a host signs to authenticate: the UTF-8 {@link HOST_AUTH_LABEL}, the 32
 * challenge bytes from `welcome`, then the UTF-8 room id. Label and challenge have fixed lengths,
 * so the concatenation is unambiguous.
 */
export function hostAuthMessage(challenge: Uint8Array, room: string): Uint8Array {
  const encoder = new TextEncoder();
  const label = encoder.encode(HOST_AUTH_LABEL);
  const roomBytes = encoder.encode(room);
  const message = new Uint8Array(label.length + challenge.length + roomBytes.length);
  message.set(label, 0);
  message.set(challenge, label.length);
  message.set(roomBytes, label.length + challenge.length);
  return message;
}
