import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import {
  CloseCode,
  MAX_MESSAGE_BYTES,
  PROTOCOL_VERSION,
  parseClientMessage,
} from '@porchlight/protocol';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { Connection, createId, type ConnectionLimits } from './connection.js';
import {
  checkAuthenticate,
  checkHello,
  createChallenge,
  isRoomId,
  quoteRoomEntry,
} from './hello.js';
import { AddressCounter, clientAddress } from './limits.js';
import { createRoomHasher, stderrLogger, type RelayLogger } from './log.js';
import { createRelayMetrics, type RejectionReason } from './metrics.js';
import { RedisRoomDirectory } from './cluster.js';
import { MemoryRoomDirectory, type RoomDirectory } from './room-directory.js';
import type { RoomContext } from './rooms.js';
import { createTurnServer, type TurnSettings } from './turn.js';

/** Options of {@link createRelay}. Every field is optional. */
export interface RelayOptions {
  /** Address to bind. Default `127.0.0.1`. */
  host?: string;
  /** TCP port; 0 picks a free port. Default 8787. */
  port?: number;
  /** Largest accepted frame, in bytes. A larger frame closes with 1009. Default 64 KiB. */
  maxPayload?: number;
  /** Time a new connection has to send `hello`, in milliseconds. Default 10 000. */
  helloTimeoutMs?: number;
  /**
   * Interval between pings, in milliseconds. A connection that has not sent a pong for the
   * previous ping is dropped. Default 30 000, and 0 turns heartbeats off.
   */
  heartbeatIntervalMs?: number;
  /** Receives one entry per lifecycle event. Default: pino JSON lines on stderr. */
  log?: RelayLogger;
  /**
   * Time a knock may wait before it is declined with `timeout`, in milliseconds; 0 is no limit.
   * Default 600 000 (10 minutes).
   */
  knockTimeoutMs?: number;
  /** Knocks that may wait in one room; a further knock gets `room-full`. Default 20. */
  maxWaitingPerRoom?: number;
  /** Messages per second each connection may send on average. Default 20. */
  rateLimitPerSecond?: number;
  /** Messages a connection may send in one burst. Default 100. */
  rateLimitBurst?: number;
  /** Messages dropped in a row for the rate limit before close 4008. Default 100. */
  maxRateLimitedMessages?: number;
  /** Open connections per client address; more get HTTP 429. Default 50. */
  maxConnectionsPerAddress?: number;
  /**
   * Origins (such as `https://therapist.example`) allowed to connect. An upgrade with another
   * or no `Origin` header gets HTTP 403. Default: empty, which allows any origin.
   */
  allowedOrigins?: string[];
  /** Take the client address from the right-most `X-Forwarded-For` entry. Default false. */
  trustProxy?: boolean;
  /** Bytes that may wait in a connection's send buffer before close 1013. Default 1 MiB. */
  maxBufferedBytes?: number;
  /** TURN servers and shared secret; admitted pairs then get credentials. Default: no TURN. */
  turn?: TurnSettings;
  /** Time clients get to close after `going-away` before they are dropped, in ms. Default 2000. */
  shutdownGraceMs?: number;
  /**
   * Room ids this relay serves. A `hello` for any other room gets `room-unknown` and close 4004,
   * from hosts and visitors alike. Default: every valid room id. With `redisUrl`, each relay
   * checks its own list.
   */
  rooms?: string[];
  /**
   * Redis URL, such as `redis://127.0.0.1:6379`. With it, relay processes on the same Redis
   * share rooms, so a host and a visitor may connect to different processes. Default: none,
   * and rooms live in this process only.
   */
  redisUrl?: string;
  /**
   * Interval of the Redis liveness heartbeat, in milliseconds. Another node sees this one gone,
   * and its hosts offline, at most four intervals after its last heartbeat. Default 1000.
   */
  redisHeartbeatMs?: number;
}

/** The address the relay listens on. */
export interface RelayAddress {
  host: string;
  port: number;
}

/** A signaling relay created by {@link createRelay}. */
export interface Relay {
  /** Starts listening. Rejects when the address cannot be bound. */
  listen(): Promise<RelayAddress>;
  /** Closes every connection with 1001, then stops listening. Safe to call more than once. */
  close(): Promise<void>;
}

/** Bounds of `going-away.retryAfterMs`, spread so that clients do not all reconnect at once. */
const RETRY_AFTER_MIN_MS = 1000;
const RETRY_AFTER_MAX_MS = 5000;

/**
 * Creates a Porchlight signaling relay: a WebSocket server that lets visitors knock on a room,
 * lets the room's hosts admit or decline them, and forwards validated `signal` payloads between
 * the two members of each admitted call. `GET /healthz` returns 200 `ok`.
 *
 * @throws {TypeError} When an option has the wrong type.
 * @throws {RangeError} When a port, size or interval is out of range.
 *
 * @example Run a relay on a free loopback port
 * ```ts
 * const relay = createRelay({ port: 0 });
 * const { host, port } = await relay.listen();
 * // Clients connect to ws://host:port
 * await relay.close();
 * ```
 */
export function createRelay(options: RelayOptions = {}): Relay {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 8787;
  const maxPayload = options.maxPayload ?? MAX_MESSAGE_BYTES;
  const helloTimeoutMs = options.helloTimeoutMs ?? 10_000;
  const heartbeatIntervalMs = options.heartbeatIntervalMs ?? 30_000;
  const log = options.log ?? stderrLogger;
  const knockTimeoutMs = options.knockTimeoutMs ?? 600_000;
  const maxWaitingPerRoom = options.maxWaitingPerRoom ?? 20;
  const rateLimitPerSecond = options.rateLimitPerSecond ?? 20;
  const rateLimitBurst = options.rateLimitBurst ?? 100;
  const maxRateLimitedMessages = options.maxRateLimitedMessages ?? 100;
  const maxConnectionsPerAddress = options.maxConnectionsPerAddress ?? 50;
  const allowedOrigins = new Set(options.allowedOrigins ?? []);
  const trustProxy = options.trustProxy ?? false;
  const maxBufferedBytes = options.maxBufferedBytes ?? 1024 * 1024;
  const turn = options.turn;
  const shutdownGraceMs = options.shutdownGraceMs ?? 2000;
  const redisUrl = options.redisUrl;
  const redisHeartbeatMs = options.redisHeartbeatMs ?? 1000;
  const servedRooms = options.rooms === undefined ? undefined : checkRooms(options.rooms);

  if (typeof host !== 'string' || host === '') {
    throw new TypeError(`Invalid option "host": expected a non-empty string`);
  }
  checkInteger('port', port, 0, 65_535);
  checkInteger('maxPayload', maxPayload, 1, 2 ** 31 - 1);
  checkInteger('helloTimeoutMs', helloTimeoutMs, 1, 2 ** 31 - 1);
  checkInteger('heartbeatIntervalMs', heartbeatIntervalMs, 0, 2 ** 31 - 1);
  if (typeof log !== 'function') throw new TypeError('Invalid option "log": expected a function');
  checkInteger('knockTimeoutMs', knockTimeoutMs, 0, 2 ** 31 - 1);
  checkInteger('maxWaitingPerRoom', maxWaitingPerRoom, 1, 1_000_000);
  checkInteger('rateLimitPerSecond', rateLimitPerSecond, 1, 1_000_000);
  checkInteger('rateLimitBurst', rateLimitBurst, 1, 1_000_000);
  checkInteger('maxRateLimitedMessages', maxRateLimitedMessages, 1, 1_000_000);
  checkInteger('maxConnectionsPerAddress', maxConnectionsPerAddress, 1, 1_000_000);
  checkInteger('maxBufferedBytes', maxBufferedBytes, 1, 2 ** 31 - 1);
  checkInteger('shutdownGraceMs', shutdownGraceMs, 0, 2 ** 31 - 1);
  if (redisUrl !== undefined && !/^rediss?:\/\//.test(redisUrl)) {
    throw new TypeError('Invalid option "redisUrl": expected a redis:// or rediss:// URL');
  }
  checkInteger('redisHeartbeatMs', redisHeartbeatMs, 50, 60_000);
  if (turn !== undefined) checkTurn(turn);
  const safeLog = ignoreLoggerErrors(log);
  const metrics = createRelayMetrics();
  const limits: ConnectionLimits = {
    rateLimitPerSecond,
    rateLimitBurst,
    maxRateLimitedMessages,
    maxBufferedBytes,
    metrics,
    log: safeLog,
  };
  const roomContext: RoomContext = {
    createId,
    log: safeLog,
    metrics,
    knockTimeoutMs,
    maxWaiting: maxWaitingPerRoom,
  };
  if (turn !== undefined) roomContext.iceServersFor = () => [createTurnServer(turn)];
  const addresses = new AddressCounter();

  const connections = new Set<Connection>();
  const rooms: RoomDirectory =
    redisUrl === undefined
      ? new MemoryRoomDirectory(roomContext)
      : new RedisRoomDirectory({
          redisUrl,
          heartbeatMs: redisHeartbeatMs,
          context: roomContext,
          log: safeLog,
        });
  const hashRoom = createRoomHasher();
  const httpServer = createServer(handleHttpRequest);
  // perMessageDeflate is off, as in the ws 8 server default, because compression costs memory
  // on every connection and signaling messages are small.
  const wss = new WebSocketServer({ noServer: true, maxPayload, perMessageDeflate: false });
  let heartbeat: NodeJS.Timeout | undefined;
  let closing: Promise<void> | undefined;

  httpServer.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (closing !== undefined) {
      rejectUpgrade(socket, 503, 'shutting-down');
      return;
    }
    const origin = request.headers.origin;
    if (allowedOrigins.size > 0 && (origin === undefined || !allowedOrigins.has(origin))) {
      rejectUpgrade(socket, 403, 'origin');
      return;
    }
    const address = clientAddress(
      request.socket.remoteAddress,
      request.headers['x-forwarded-for'],
      trustProxy,
    );
    if (!addresses.tryAdd(address, maxConnectionsPerAddress)) {
      rejectUpgrade(socket, 429, 'connections-per-address');
      return;
    }
    // The address is counted from here on and released when the socket closes, whether or
    // not the handshake completes.
    socket.once('close', () => addresses.remove(address));
    wss.handleUpgrade(request, socket, head, (ws) => onConnection(ws));
  });

  function rejectUpgrade(socket: Duplex, status: 403 | 429 | 503, reason: RejectionReason): void {
    metrics.rejections.inc({ reason });
    safeLog({ event: 'upgrade-rejected', reason, status });
    const text = STATUS_TEXT[status];
    if (socket.writable) {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    }
    socket.destroy();
  }
  httpServer.on('clientError', (_error, socket: Duplex) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });

  function onConnection(ws: WebSocket): void {
    const connection = new Connection(ws, limits);
    connections.add(connection);
    metrics.connections.inc();
    safeLog({ event: 'connection-opened', connectionId: connection.id });

    connection.helloTimer = setTimeout(() => {
      if (connection.authChallenge !== undefined) {
        const text = `No authenticate received within ${helloTimeoutMs} ms`;
        connection.rejectAndClose('auth-failed', text, CloseCode.authFailed, 'auth timeout');
        return;
      }
      connection.rejectAndClose(
        'hello-required',
        `No hello received within ${helloTimeoutMs} ms`,
        CloseCode.helloRequired,
        'hello timeout',
      );
    }, helloTimeoutMs);

    ws.on('message', (data: RawData, isBinary: boolean) => {
      guard(connection, () => onMessage(connection, data, isBinary));
    });
    ws.on('pong', () => {
      connection.alive = true;
    });
    // Protocol errors (oversized or malformed frames) arrive here. ws then closes the socket
    // with the matching code, and the close handler below cleans up.
    ws.on('error', (error: Error & { code?: unknown }) => {
      const errorCode = typeof error.code === 'string' ? error.code : error.name;
      const tooLarge = errorCode === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH';
      connection.count(tooLarge ? 'message-too-large' : 'protocol-error');
      safeLog({ event: 'socket-error', connectionId: connection.id, errorCode });
    });
    ws.on('close', (code: number) => {
      guard(connection, () => onClose(connection, code));
    });
  }

  function onMessage(connection: Connection, data: RawData, isBinary: boolean): void {
    if (connection.closing) return;
    if (!connection.admitMessage()) return;
    const frame = isBinary ? undefined : rawDataToText(data);

    if (connection.authChallenge !== undefined) {
      onAuthMessage(connection, frame);
      return;
    }
    const room = connection.room;
    if (room === undefined) {
      onFirstMessage(connection, frame);
      return;
    }

    const result = parseClientMessage(frame);
    if (!result.ok) {
      connection.reject(result.code, result.error);
      return;
    }
    if (result.message.type === 'hello') {
      // The protocol names `hello-required` for a hello that comes twice. The connection
      // stays in its room and stays open.
      connection.reject('hello-required', 'Hello failed: this connection already sent hello');
      return;
    }
    room.handle(connection, result.message);
  }

  function onFirstMessage(connection: Connection, frame: string | undefined): void {
    const result = checkHello(frame, servedRooms);
    if (!result.ok) {
      connection.rejectAndClose(result.code, result.message, result.closeCode, result.closeReason);
      return;
    }

    const { role, room: roomId } = result.hello;
    connection.roomId = roomId;
    if (role === 'host') {
      // The hello timer keeps running: a host must also authenticate within that time.
      connection.authChallenge = createChallenge();
      const challenge = connection.authChallenge.toString('base64url');
      const connectionId = connection.id;
      connection.send({ type: 'welcome', version: PROTOCOL_VERSION, connectionId, challenge });
      return;
    }
    clearTimeout(connection.helloTimer);
    connection.send({ type: 'welcome', version: PROTOCOL_VERSION, connectionId: connection.id });
    joinRoom(connection, roomId, role);
  }

  function onAuthMessage(connection: Connection, frame: string | undefined): void {
    const { authChallenge, roomId } = connection;
    if (authChallenge === undefined || roomId === undefined) return;
    const result = checkAuthenticate(frame, authChallenge, roomId);
    if (!result.ok) {
      connection.rejectAndClose(result.code, result.message, result.closeCode, result.closeReason);
      return;
    }
    clearTimeout(connection.helloTimer);
    connection.authChallenge = undefined;
    connection.send({ type: 'authenticated' });
    joinRoom(connection, roomId, 'host');
  }

  function joinRoom(connection: Connection, roomId: string, role: 'host' | 'visitor'): void {
    const room = rooms.open(roomId);
    metrics.rooms.set(rooms.size);
    connection.room = room;
    const roomHash = hashRoom(roomId);
    safeLog({ event: 'hello-accepted', connectionId: connection.id, role, roomHash });
    room.join(connection, role);
  }

  function onClose(connection: Connection, code: number): void {
    connection.closing = true;
    clearTimeout(connection.helloTimer);
    connections.delete(connection);
    metrics.connections.dec();
    safeLog({
      event: 'connection-closed',
      connectionId: connection.id,
      code,
      durationMs: Date.now() - connection.openedAt,
    });

    const room = connection.room;
    if (room === undefined) return;
    room.leave(connection);
    if (connection.roomId !== undefined) rooms.release(connection.roomId);
    metrics.rooms.set(rooms.size);
  }

  /**
   * Runs one handler so that a bug triggered by one connection cannot crash the relay. The
   * connection is closed with 1011 because its room state may no longer be consistent.
   */
  function guard(connection: Connection, handler: () => void): void {
    try {
      handler();
    } catch (error) {
      const errorName = error instanceof Error ? error.name : typeof error;
      safeLog({ event: 'handler-failed', connectionId: connection.id, errorName });
      connection.close(1011, 'internal error');
    }
  }

  function checkHeartbeats(): void {
    for (const connection of connections) {
      if (!connection.alive) {
        safeLog({ event: 'heartbeat-timeout', connectionId: connection.id });
        connection.count('heartbeat-timeout');
        connection.socket.terminate();
        continue;
      }
      connection.alive = false;
      connection.socket.ping();
    }
  }

  async function listen(): Promise<RelayAddress> {
    await rooms.start();
    return new Promise((resolve, reject) => {
      const onError = (error: Error): void => {
        rooms.close().then(
          () => reject(error),
          () => reject(error),
        );
      };
      httpServer.once('error', onError);
      httpServer.listen(port, host, () => {
        httpServer.off('error', onError);
        const address = httpServer.address() as AddressInfo;
        if (heartbeatIntervalMs > 0) {
          heartbeat = setInterval(checkHeartbeats, heartbeatIntervalMs);
          heartbeat.unref();
        }
        safeLog({ event: 'listening', host: address.address, port: address.port });
        resolve({ host: address.address, port: address.port });
      });
    });
  }

  /**
   * Stops accepting upgrades (they get 503 from here on) and sends every client `going-away`
   * with a reconnect delay. Then it closes each connection with 1001 and waits up to
   * `shutdownGraceMs` for the close handshakes before it destroys the remaining sockets.
   */
  async function shutDown(): Promise<void> {
    clearInterval(heartbeat);
    safeLog({ event: 'closing', connections: connections.size });
    const stopped = httpServer.listening
      ? new Promise<void>((resolve) => httpServer.close(() => resolve()))
      : Promise.resolve();

    safeLog({ event: 'going-away', connections: connections.size });
    const closed = Array.from(connections, (connection) => {
      return new Promise<void>((resolve) => {
        connection.socket.once('close', () => resolve());
        const spread = RETRY_AFTER_MAX_MS - RETRY_AFTER_MIN_MS;
        const retryAfterMs = RETRY_AFTER_MIN_MS + Math.floor(Math.random() * spread);
        connection.send({ type: 'going-away', retryAfterMs });
        connection.close(CloseCode.goingAway, 'relay shutting down');
      });
    });
    const grace = setTimeout(() => {
      for (const connection of connections) connection.socket.terminate();
    }, shutdownGraceMs);
    await Promise.all(closed);
    clearTimeout(grace);

    await new Promise<void>((resolve) => wss.close(() => resolve()));
    httpServer.closeAllConnections();
    await stopped;
    await rooms.close();
    safeLog({ event: 'closed' });
  }

  function handleHttpRequest(request: IncomingMessage, response: ServerResponse): void {
    const path = (request.url ?? '/').split('?')[0];
    const method = request.method ?? 'GET';
    const readable = method === 'GET' || method === 'HEAD';

    if (readable && path === '/metrics') {
      metrics.registry.metrics().then(
        (text) => {
          response.writeHead(200, {
            'content-type': metrics.registry.contentType,
            'cache-control': 'no-store',
          });
          response.end(method === 'HEAD' ? undefined : text);
        },
        () => {
          response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
          response.end('metrics failed');
        },
      );
      return;
    }

    let status = 404;
    let body = 'not found';
    if (readable && path === '/healthz') {
      // Once shutdown starts, /healthz fails so that a load balancer stops routing here.
      const healthy = closing === undefined;
      status = healthy ? 200 : 503;
      body = healthy ? 'ok' : 'shutting down';
    }
    response.writeHead(status, {
      'content-type': 'text/plain; charset=utf-8',
      'cache-control': 'no-store',
    });
    response.end(body);
  }

  return {
    listen,
    close() {
      closing ??= shutDown();
      return closing;
    },
  };
}

const STATUS_TEXT = { 403: 'Forbidden', 429: 'Too Many Requests', 503: 'Service Unavailable' };

function checkTurn(turn: TurnSettings): void {
  if (typeof turn.secret !== 'string' || turn.secret === '') {
    throw new TypeError('Invalid option "turn.secret": expected a non-empty string');
  }
  if (!Array.isArray(turn.urls) || turn.urls.length === 0) {
    throw new TypeError('Invalid option "turn.urls": expected at least one turn: or turns: URL');
  }
  for (const url of turn.urls) {
    if (typeof url !== 'string' || !/^turns?:/.test(url)) {
      throw new TypeError(`Invalid option "turn.urls": "${String(url)}" is not a turn: URL`);
    }
  }
  checkInteger('turn.ttlSeconds', turn.ttlSeconds, 60, 7 * 24 * 3600);
}

function checkRooms(rooms: unknown): Set<string> {
  if (!Array.isArray(rooms) || rooms.length === 0) {
    throw new TypeError(
      'Invalid option "rooms": expected a non-empty array of room ids. Leave it out to serve ' +
        'every room',
    );
  }
  for (const room of rooms) {
    if (typeof room !== 'string' || !isRoomId(room)) {
      throw new TypeError(`Invalid option "rooms": ${quoteRoomEntry(room)} is not a room id`);
    }
  }
  return new Set(rooms);
}

function rawDataToText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}

/** Wraps an injected logger so that an exception thrown by it cannot reach the relay's handlers. */
function ignoreLoggerErrors(log: RelayLogger): RelayLogger {
  return (entry) => {
    try {
      log(entry);
    } catch {
      // A broken logger must not take connections down with it, and there is nowhere left to
      // report its failure.
    }
  };
}

function checkInteger(name: string, value: unknown, min: number, max: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new TypeError(`Invalid option "${name}": expected an integer, got ${typeof value}`);
  }
  if (value < min || value > max) {
    throw new RangeError(`Invalid option "${name}": ${value} is outside ${min} to ${max}`);
  }
}
