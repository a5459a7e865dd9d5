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
import { Connection, createId } from './connection.js';
import { checkHello } from './hello.js';
import { createRoomHasher, stderrLogger, type RelayLogger } from './log.js';
import { Room } from './rooms.js';

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
  /** Receives one entry per lifecycle event. Default: one JSON line per entry on stderr. */
  log?: RelayLogger;
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

/** Time that clients get to reply to the 1001 close frame before their sockets are destroyed. */
const CLOSE_GRACE_MS = 2000;

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

  if (typeof host !== 'string' || host === '') {
    throw new TypeError(`Invalid option "host": expected a non-empty string`);
  }
  checkInteger('port', port, 0, 65_535);
  checkInteger('maxPayload', maxPayload, 1, 2 ** 31 - 1);
  checkInteger('helloTimeoutMs', helloTimeoutMs, 1, 2 ** 31 - 1);
  checkInteger('heartbeatIntervalMs', heartbeatIntervalMs, 0, 2 ** 31 - 1);
  if (typeof log !== 'function') throw new TypeError('Invalid option "log": expected a function');
  const safeLog = ignoreLoggerErrors(log);

  const connections = new Set<Connection>();
  const rooms = new Map<string, Room>();
  const hashRoom = createRoomHasher();
  const httpServer = createServer(handleHttpRequest);
  // perMessageDeflate is off, as in the ws 8 server default, because compression costs memory
  // on every connection and signaling messages are small.
  const wss = new WebSocketServer({ noServer: true, maxPayload, perMessageDeflate: false });
  let heartbeat: NodeJS.Timeout | undefined;
  let closing: Promise<void> | undefined;

  httpServer.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (closing !== undefined) {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => onConnection(ws));
  });
  httpServer.on('clientError', (_error, socket: Duplex) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });

  function onConnection(ws: WebSocket): void {
    const connection = new Connection(ws);
    connections.add(connection);
    safeLog({ event: 'connection-opened', connectionId: connection.id });

    connection.helloTimer = setTimeout(() => {
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
      safeLog({ event: 'socket-error', connectionId: connection.id, errorCode });
    });
    ws.on('close', (code: number) => {
      guard(connection, () => onClose(connection, code));
    });
  }

  // NOTE: there is no rate limit per connection yet, so a client may send messages as fast as
  // its socket allows, and each may cost up to one message per connection of its room.
  function onMessage(connection: Connection, data: RawData, isBinary: boolean): void {
    if (connection.closing) return;
    const frame = isBinary ? undefined : rawDataToText(data);

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
    const result = checkHello(frame);
    if (!result.ok) {
      connection.rejectAndClose(result.code, result.message, result.closeCode, result.closeReason);
      return;
    }

    clearTimeout(connection.helloTimer);
    const { role, room: roomId } = result.hello;
    let room = rooms.get(roomId);
    if (room === undefined) {
      room = new Room(createId, safeLog);
      rooms.set(roomId, room);
    }
    connection.room = room;
    connection.roomId = roomId;

    connection.send({ type: 'welcome', version: PROTOCOL_VERSION, connectionId: connection.id });
    const roomHash = hashRoom(roomId);
    safeLog({ event: 'hello-accepted', connectionId: connection.id, role, roomHash });
    room.join(connection, role);
  }

  function onClose(connection: Connection, code: number): void {
    connection.closing = true;
    clearTimeout(connection.helloTimer);
    connections.delete(connection);
    safeLog({
      event: 'connection-closed',
      connectionId: connection.id,
      code,
      durationMs: Date.now() - connection.openedAt,
    });

    const room = connection.room;
    if (room === undefined) return;
    room.leave(connection);
    if (room.isEmpty && connection.roomId !== undefined) rooms.delete(connection.roomId);
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
        connection.socket.terminate();
        continue;
      }
      connection.alive = false;
      connection.socket.ping();
    }
  }

  function listen(): Promise<RelayAddress> {
    return new Promise((resolve, reject) => {
      const onError = (error: Error): void => reject(error);
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

  async function shutDown(): Promise<void> {
    clearInterval(heartbeat);
    safeLog({ event: 'closing', connections: connections.size });

    const closed = Array.from(connections, (connection) => {
      return new Promise<void>((resolve) => {
        connection.socket.once('close', () => resolve());
        connection.close(CloseCode.goingAway, 'relay shutting down');
      });
    });
    const grace = setTimeout(() => {
      for (const connection of connections) connection.socket.terminate();
    }, CLOSE_GRACE_MS);
    await Promise.all(closed);
    clearTimeout(grace);

    await new Promise<void>((resolve) => wss.close(() => resolve()));
    if (httpServer.listening) {
      const stopped = new Promise<void>((resolve) => httpServer.close(() => resolve()));
      httpServer.closeAllConnections();
      await stopped;
    }
    safeLog({ event: 'closed' });
  }

  return {
    listen,
    close() {
      closing ??= shutDown();
      return closing;
    },
  };
}

function handleHttpRequest(request: IncomingMessage, response: ServerResponse): void {
  const path = (request.url ?? '/').split('?')[0];
  const method = request.method ?? 'GET';
  const found = path === '/healthz' && (method === 'GET' || method === 'HEAD');

  response.writeHead(found ? 200 : 404, {
    'content-type': 'text/plain; charset=utf-8',
    'cache-control': 'no-store',
  });
  response.end(found ? 'ok' : 'not found');
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
