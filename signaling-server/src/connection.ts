import { randomBytes } from 'node:crypto';
import { CloseCode, type ErrorCode, type ServerMessage } from '@porchlight/protocol';
import { WebSocket } from 'ws';
import { TokenBucket } from './limits.js';
import type { RelayLogger } from './log.js';
import type { RejectionReason, RelayMetrics } from './metrics.js';
import type { RoomHandle } from './room-directory.js';
import type { Peer } from './rooms.js';

/** Returns 128 random bits as 32 lowercase hex digits, the format of connection and call ids. */
export function createId(): string {
  return randomBytes(16).toString('hex');
}

/** Limits that apply to each connection, and where a connection reports what it rejected. */
export interface ConnectionLimits {
  /** Messages per second that refill the token bucket. */
  rateLimitPerSecond: number;
  /** Size of the token bucket: the burst a connection may send at once. */
  rateLimitBurst: number;
  /** Messages dropped in a row for the rate limit before the connection is closed with 4008. */
  maxRateLimitedMessages: number;
  /** Bytes that may wait in the send buffer before the connection is closed with 1013. */
  maxBufferedBytes: number;
  metrics: RelayMetrics;
  log: RelayLogger;
}

/** Time a closing slow consumer gets to read its close frame before its socket is destroyed. */
const SLOW_CONSUMER_GRACE_MS = 5000;

/** One WebSocket client of the relay, from upgrade to close. */
export class Connection implements Peer {
  readonly id = createId();
  readonly openedAt = Date.now();
  /** The room joined by a valid `hello`; undefined until then. */
  room: RoomHandle | undefined;
  /** The id of {@link room}; kept only to find the room again and never logged in clear. */
  roomId: string | undefined;
  /** Cleared on every heartbeat ping and set again by the pong. */
  alive = true;
  /** Set once the relay has decided to close, so later frames are ignored. */
  closing = false;
  helloTimer: NodeJS.Timeout | undefined;
  /** Client address used for the per-address connection cap; never logged. */
  address: string | undefined;
  private readonly bucket: TokenBucket;
  private rateLimitedInARow = 0;
  /** A host's unanswered `welcome.challenge`; the host joins its room once it signs it. */
  authChallenge: Buffer | undefined;

  constructor(
    readonly socket: WebSocket,
    private readonly limits: ConnectionLimits,
  ) {
    this.bucket = new TokenBucket(limits.rateLimitPerSecond, limits.rateLimitBurst);
  }

  /**
   * Sends one message, unless the connection is closing. A client whose send buffer is already
   * over the limit is closed with 1013 and gets nothing more.
   */
  send(message: ServerMessage): void {
    if (this.closing || this.socket.readyState !== WebSocket.OPEN) return;

    const bufferedBytes = this.socket.bufferedAmount;
    if (bufferedBytes > this.limits.maxBufferedBytes) {
      this.limits.log({ event: 'slow-consumer', connectionId: this.id, bufferedBytes });
      this.count('slow-consumer');
      this.close(CloseCode.tryAgainLater, 'slow consumer');
      // The close frame waits behind the full buffer; a client that still does not read is
      // dropped after the grace period.
      setTimeout(() => this.socket.terminate(), SLOW_CONSUMER_GRACE_MS).unref();
      return;
    }
    this.socket.send(JSON.stringify(message));
  }

  /** Sends an `error` and counts it in the rejection metrics; the connection stays open. */
  reject(code: ErrorCode, message: string): void {
    this.count(code);
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

  /**
   * Takes one message from the rate limit. Returns false when the message must be dropped: the
   * first drop in a row gets a `rate-limited` error, and the connection is closed with 4008 once
   * {@link ConnectionLimits.maxRateLimitedMessages} messages in a row were dropped.
   */
  admitMessage(): boolean {
    if (this.bucket.take()) {
      this.rateLimitedInARow = 0;
      return true;
    }

    this.rateLimitedInARow += 1;
    if (this.rateLimitedInARow === 1) {
      this.limits.log({ event: 'rate-limited', connectionId: this.id });
      const rate = this.limits.rateLimitPerSecond;
      this.reject('rate-limited', `Message dropped: rate limit of ${rate} messages per second`);
    } else if (this.rateLimitedInARow > this.limits.maxRateLimitedMessages) {
      this.count('rate-limit-close');
      this.close(CloseCode.rateLimited, 'rate limited');
    }
    return false;
  }

  close(closeCode: number, closeReason: string): void {
    this.closing = true;
    clearTimeout(this.helloTimer);
    if (this.socket.readyState === WebSocket.OPEN) this.socket.close(closeCode, closeReason);
  }

  /** Counts one rejection of this connection under `reason`. */
  count(reason: RejectionReason): void {
    this.limits.metrics.rejections.inc({ reason });
  }
}
