import type { CallIdentity } from '@porchlight/e2ee';
import type { PresenceStatus } from '@porchlight/protocol';

export type { CallIdentity } from '@porchlight/e2ee';

/** Settings shared by the visitor and host clients. */
export interface ClientOptions {
  /** WebSocket URL of the Porchlight relay, for example `wss://relay.example.org`. */
  server: string;
  /** Room id: the therapist's room, as given in the embed snippet. */
  room: string;
  /**
   * URL of the E2EE worker script (`porchlight-e2ee-worker.js` from `@porchlight/widget/dist`).
   * The script-tag bundle finds it beside itself.
   */
  workerUrl: string | URL;
  /** ICE servers for the peer connection. Defaults to none: host candidates only. */
  iceServers?: RTCIceServer[];
}

/** Settings of the host client. The room id follows from the identity. */
export interface HostClientOptions extends Omit<ClientOptions, 'room'> {
  /** The therapist's long-term Ed25519 identity; the room id is its public key. */
  identity: CallIdentity;
  /** Room id the caller expects. When given, it must equal the identity's room id. */
  room?: string;
}

/** Stable codes for every failure a person may need to be told about. */
export type PorchlightErrorCode =
  /** The relay could not be reached or closed the connection. */
  | 'relay-unreachable'
  /** The relay rejected a message (a bug or a version mismatch). */
  | 'relay-error'
  /** The person denied camera or microphone permission. */
  | 'media-denied'
  /** No camera or microphone was found. */
  | 'media-not-found'
  /** The camera or microphone is in use by another application. */
  | 'media-in-use'
  /** Camera and microphone are unavailable for another reason (for example an insecure page). */
  | 'media-failed'
  /** This browser cannot encrypt media frames, so no call is started. */
  | 'e2ee-unsupported'
  /** The therapist declined the knock. */
  | 'declined'
  /** Nobody answered the knock in time, and the relay took it out of the waiting room. */
  | 'knock-timeout'
  /**
   * The room id is not valid, or the relay does not serve this room. Final: the client does not
   * reconnect, because the room will not appear by retrying.
   */
  | 'room-unknown'
  /** The therapist went offline while the visitor waited, or was offline on knock. */
  | 'host-offline'
  /** The peer-to-peer connection could not be made or was lost. */
  | 'call-failed'
  /**
   * The other side could not prove it holds the therapist's key named by the room id, so
   * someone may be in the middle and no call is started. On the host's side: the identity does
   * not match the room.
   */
  | 'identity-mismatch'
  /**
   * The two browsers share no video or audio codec that Porchlight can encrypt, so the call was
   * ended before any media was sent.
   */
  | 'no-common-codec';

/** A failure with a stable code for programs and a plain-language message for people. */
export class PorchlightError extends Error {
  override name = 'PorchlightError';
  readonly code: PorchlightErrorCode;

  constructor(code: PorchlightErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** Creates the error both people see when their browsers share no codec that can be encrypted. */
export function noCommonCodecError(): PorchlightError {
  return new PorchlightError(
    'no-common-codec',
    'The two browsers share no video or audio codec that can be encrypted end to end, so the ' +
      'call was ended',
  );
}

/** State of the visitor's side. */
export type VisitorState =
  /** Not connected to the relay yet. */
  | 'idle'
  /** Opening the signaling connection. */
  | 'connecting'
  /** Connected; presence is known and a call can start. */
  | 'ready'
  /** Waiting for camera and microphone permission. */
  | 'requesting-media'
  /** Knocked; waiting for the therapist. */
  | 'waiting'
  /** Lost the relay and trying again with backoff; a waiting knock is sent again after. */
  | 'reconnecting'
  /** Admitted; the call is connecting or running. */
  | 'in-call'
  /** The call ended normally. */
  | 'ended'
  /** Something failed: see `error`. */
  | 'error';

/** State of the host's side. */
export type HostState = 'idle' | 'connecting' | 'online' | 'in-call' | 'reconnecting' | 'error';

/** A visitor waiting in the host's waiting room. */
export interface Knock {
  callId: string;
  /** Display name the visitor gave, if any. Untrusted text. */
  name?: string;
  /** Milliseconds since the epoch when the knock arrived. */
  receivedAt: number;
}

/**
 * Where one call stands. `reconnecting`: the connection dropped and ICE is being restarted; the
 * call ends as `failed` when it does not come back within 30 seconds.
 */
export type CallState = 'connecting' | 'connected' | 'reconnecting' | 'ended';

/** One text message of a call's chat. */
export interface ChatMessage {
  /** Author: this side or the other person. */
  from: 'local' | 'remote';
  /** The text. Untrusted when `from` is `remote`: render it as text, never as HTML. */
  text: string;
  /** Milliseconds since the epoch when it was sent or received. */
  at: number;
}

/** Reason a call ended. */
export type CallEndReason =
  | 'local-hang-up'
  | 'remote-hang-up'
  | 'remote-disconnected'
  | 'failed'
  /** The host's signature of the key agreement did not verify with the room id. */
  | 'identity-mismatch'
  /** One side found no codec it can encrypt in an offer or answer. */
  | 'no-common-codec';

export interface PresenceDetail {
  status: PresenceStatus;
  message?: string;
}
