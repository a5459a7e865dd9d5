import { fromBase64Url, toBase64Url, type CallIdentity } from '@porchlight/e2ee';
import {
  hostAuthMessage,
  PROTOCOL_VERSION,
  parseServerMessage,
  type ClientMessage,
  type Role,
  type ServerMessage,
  type WelcomeMessage,
} from '@porchlight/protocol';
import { PorchlightError, type PorchlightErrorCode } from './types.js';

/** Milliseconds to wait for the relay's `welcome` before giving up. */
const OPEN_TIMEOUT_MS = 10_000;

/**
 * Returns whether a failed {@link SignalingConnection.connect} is final: the relay does not serve
 * the room, so a reconnect would fail the same way.
 */
export function isFinalConnectError(error: unknown): boolean {
  return error instanceof PorchlightError && error.code === 'room-unknown';
}

/** Event carrying one validated message from the relay. */
export class SignalingMessageEvent extends Event {
  readonly message: ServerMessage;

  constructor(message: ServerMessage) {
    super('message');
    this.message = message;
  }
}

/**
 * One WebSocket connection to the relay, speaking protocol v1. Dispatches `message`
 * ({@link SignalingMessageEvent}) for each valid relay message and `close` once when the
 * connection ends for any reason after it opened.
 */
export class SignalingConnection extends EventTarget {
  readonly #url: string;
  readonly #role: Role;
  readonly #room: string;
  readonly #identity: CallIdentity | null;
  #socket: WebSocket | null = null;
  #closed = false;

  /** Creates a connection. A host must pass `identity`, which signs the relay's challenge. */
  constructor(url: string, role: Role, room: string, identity: CallIdentity | null = null) {
    super();
    this.#url = url;
    this.#role = role;
    this.#room = room;
    this.#identity = identity;
  }

  /** Whether the connection is open and greeted. */
  get open(): boolean {
    return this.#socket?.readyState === WebSocket.OPEN && !this.#closed;
  }

  /**
   * Connects and sends `hello`; a host then signs the relay's challenge and waits for
   * `authenticated`. Resolves with the relay's `welcome`.
   *
   * @throws {PorchlightError} `relay-unreachable` when the relay cannot be reached or does not
   * respond in time, `room-unknown` when it does not serve the room, `relay-error` when it rejects
   * the greeting for another reason, `identity-mismatch` when it rejects the host's signature.
   */
  connect(): Promise<WelcomeMessage> {
    if (this.#socket !== null) throw new Error('Cannot connect twice: create a new connection');

    return new Promise((resolve, reject) => {
      let socket: WebSocket;
      try {
        socket = new WebSocket(this.#url);
      } catch (cause) {
        reject(new PorchlightError('relay-unreachable', `Invalid relay URL "${this.#url}"`, { cause }));
        return;
      }
      this.#socket = socket;
      let welcomed = false;
      let welcome: WelcomeMessage | null = null;
      const timer = setTimeout(() => {
        reject(new PorchlightError('relay-unreachable', 'Timed out waiting for the relay to answer'));
        socket.close();
      }, OPEN_TIMEOUT_MS);

      socket.addEventListener('open', () => {
        this.#sendRaw({ type: 'hello', version: PROTOCOL_VERSION, role: this.#role, room: this.#room });
      });

      socket.addEventListener('message', (event) => {
        const result = parseServerMessage(event.data);
        if (!result.ok) return; // A relay newer than this client may add messages: ignore them.
        const message = result.message;
        if (!welcomed) {
          const finish = (accepted: WelcomeMessage) => {
            welcomed = true;
            clearTimeout(timer);
            resolve(accepted);
          };
          if (message.type === 'welcome' && welcome === null) {
            welcome = message;
            if (this.#role !== 'host') finish(message);
            else this.#authenticate(message, reject);
          } else if (message.type === 'authenticated' && welcome !== null) {
            finish(welcome);
          } else if (message.type === 'error') {
            clearTimeout(timer);
            let code: PorchlightErrorCode = 'relay-error';
            if (message.code === 'auth-failed') code = 'identity-mismatch';
            else if (message.code === 'room-unknown') code = 'room-unknown';
            reject(new PorchlightError(code, `The relay rejected the connection: ${message.code}`));
          }
          return;
        }
        this.dispatchEvent(new SignalingMessageEvent(message));
      });

      socket.addEventListener('close', () => {
        clearTimeout(timer);
        if (!welcomed) {
          reject(new PorchlightError('relay-unreachable', `Could not connect to the relay at ${this.#url}`));
          return;
        }
        if (this.#closed) return;
        this.#closed = true;
        this.dispatchEvent(new Event('close'));
      });
    });
  }

  /** Signs the challenge of a host's `welcome` and sends `authenticate`. */
  #authenticate(welcome: WelcomeMessage, reject: (error: PorchlightError) => void): void {
    const identity = this.#identity;
    if (identity === null || welcome.challenge === undefined) {
      reject(new PorchlightError('relay-error', 'Cannot authenticate as host: no identity or challenge'));
      this.#socket?.close();
      return;
    }
    const message = hostAuthMessage(fromBase64Url(welcome.challenge), this.#room);
    Promise.resolve(identity.sign(message)).then(
      (signature) => this.#sendRaw({ type: 'authenticate', signature: toBase64Url(signature) }),
      (cause: unknown) => {
        reject(new PorchlightError('identity-mismatch', 'Could not sign the relay challenge', { cause }));
        this.#socket?.close();
      },
    );
  }

  /** Sends one message. Messages sent while the connection is not open are dropped. */
  send(message: Exclude<ClientMessage, { type: 'hello' | 'authenticate' }>): void {
    this.#sendRaw(message);
  }

  /** Closes the connection without dispatching `close`. */
  close(): void {
    this.#closed = true;
    this.#socket?.close(1000);
  }

  #sendRaw(message: ClientMessage): void {
    if (this.#socket?.readyState !== WebSocket.OPEN) return;
    this.#socket.send(JSON.stringify(message));
  }
}
