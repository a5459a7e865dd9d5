import { randomBytes } from 'node:crypto';
import type { ErrorCode, ServerMessage } from '@porchlight/protocol';
import { WebSocket } from 'ws';
import type { Peer, Room } from './rooms.js';

/** Returns 128 random bits as 32 lowercase hex digits, the format of connection and call ids. */
export function createId(): string {
  return randomBytes(16).toString('hex');
}

/** One WebSocket client of the relay, from upgrade to close. */
export class Connection implements Peer {
  readonly id = createId();
  readonly openedAt = Date.now();
  /** The room joined by a valid `hello`; undefined until then. */
  room: Room | undefined;
  /** The id of {@link room}; kept only to find the room again and never logged in clear. */
  roomId: string | undefined;
  /** Cleared on every heartbeat ping and set again by the pong. */
  alive = true;
  /** Set once the relay has decided to close, so later frames are ignored. */
  closing = false;
  helloTimer: NodeJS.Timeout | undefined;

  constructor(readonly socket: WebSocket) {}

  send(message: ServerMessage): void {
    if (this.socket.readyState !== WebSocket.OPEN) return;
    this.socket.send(JSON.stringify(message));
  }

  /** Sends an `error`; the connection stays open. */
  reject(code: ErrorCode, message: string): void {
    this.send({ type: 'error', code, message });
  }

  /**
   * Sends an `error`, then closes with a WebSocket close code. The close frame is queued behind
   * the error, so the client receives both in that order.
   */
  rejectAndClose(code: ErrorCode, message: string, closeCode: number, closeReason: string): void {
    this.reject(code, message);
    this.close(closeCode, closeReason);
  }

  close(closeCode: number, closeReason: string): void {
    this.closing = true;
    clearTimeout(this.helloTimer);
    if (this.socket.readyState === WebSocket.OPEN) this.socket.close(closeCode, closeReason);
  }
}
