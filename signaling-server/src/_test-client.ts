// Test helpers: start the built relay as a child process and talk to it with queued clients.
// Only *.test.ts files import this module.
import { spawn, type ChildProcess } from 'node:child_process';
import { ed25519 } from '@noble/curves/ed25519.js';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  hostAuthMessage,
  PROTOCOL_VERSION,
  parseServerMessage,
  type ClientMessage,
  type Role,
  type ServerMessage,
} from '@porchlight/protocol';
import { WebSocket, type ClientOptions } from 'ws';

const BIN = fileURLToPath(new URL('../bin/porchlight-signaling.js', import.meta.url));
const BUILT_CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const LISTENING_LINE = /^porchlight-signaling listening on ws:\/\/(.+):(\d+)$/m;

/** Default time to wait for one message, in milliseconds. */
export const MESSAGE_TIMEOUT_MS = 3000;

/** A relay running as a child process of the test. */
export interface RelayProcess {
  child: ChildProcess;
  port: number;
  url: string;
  httpUrl: string;
  /** Everything the relay wrote to stdout so far. */
  stdout(): string;
  /** Everything the relay wrote to stderr so far. */
  stderr(): string;
  /** Resolves with the exit code once the process has exited. */
  exited: Promise<number | null>;
  /** Sends a signal (SIGTERM by default) and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Fails with a clear message when the relay has not been built. */
export function requireBuiltRelay(): void {
  if (!existsSync(BUILT_CLI)) {
    throw new Error(
      `Relay build missing: ${BUILT_CLI} not found. Run "npm run build" in /work/main first`,
    );
  }
}

/** Runs the relay CLI with the given flags and collects its output until it exits. */
export function runRelayCli(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  requireBuiltRelay();
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  return new Promise((resolve) => {
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * Starts `bin/porchlight-signaling.js --port 0` and waits for its listening line.
 */
export async function startRelayProcess(
  args: string[] = ['--port', '0'],
  env: Record<string, string> = {},
): Promise<RelayProcess> {
  requireBuiltRelay();
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

  const address = await new Promise<{ host: string; port: number }>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`Relay did not print its listening line within 10 s: stderr ${stderr}`));
    }, 10_000);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      const match = LISTENING_LINE.exec(stdout);
      if (match === null) return;
      clearTimeout(timer);
      resolve({ host: match[1] as string, port: Number(match[2]) });
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`Relay exited with ${code} before listening: stderr ${stderr}`));
    });
  });

  return {
    child,
    port: address.port,
    url: `ws://${address.host}:${address.port}`,
    httpUrl: `http://${address.host}:${address.port}`,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Identity secret keys of the rooms made by {@link randomRoom}, by room id. */
const roomSecretKeys = new Map<string, Uint8Array>();

/**
 * Returns a fresh room id, the public half of a new Ed25519 key pair, so that tests sharing one
 * relay never meet. {@link TestClient.join} signs with the secret half when joining as host.
 */
export function randomRoom(): string {
  const { secretKey, publicKey } = ed25519.keygen();
  const room = Buffer.from(publicKey).toString('base64url');
  roomSecretKeys.set(room, secretKey);
  return room;
}

/** Signs a host's `welcome.challenge` for `room` with `secretKey`, in unpadded base64url. */
export function signChallenge(secretKey: Uint8Array, challenge: string, room: string): string {
  const message = hostAuthMessage(Buffer.from(challenge, 'base64url'), room);
  return Buffer.from(ed25519.sign(message, secretKey)).toString('base64url');
}

type MessageOf<T extends ServerMessage['type']> = Extract<ServerMessage, { type: T }>;

interface Waiter {
  type: ServerMessage['type'];
  resolve: (message: ServerMessage) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * A WebSocket client that queues what the relay sends and lets a test await the next message of
 * a given type. Every received frame is checked with `parseServerMessage`, so a relay message
 * outside the protocol fails the waiting test.
 */
export class TestClient {
  /** Messages received and not yet taken by {@link next} or {@link sync}. */
  readonly received: ServerMessage[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private readonly waiters: Waiter[] = [];
  private protocolViolation: string | undefined;
  private probeCount = 0;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data: Buffer, isBinary: boolean) => this.onFrame(data, isBinary));
    socket.on('error', () => {});
    this.closed = new Promise((resolve) => {
      socket.on('close', (code: number, reason: Buffer) => {
        for (const waiter of this.waiters.splice(0)) {
          clearTimeout(waiter.timer);
          const message = `Connection closed with ${code} while waiting for "${waiter.type}"`;
          waiter.reject(new Error(message));
        }
        resolve({ code, reason: reason.toString('utf8') });
      });
    });
  }

  /** Opens a connection without sending anything. */
  static connect(url: string, options: ClientOptions = {}): Promise<TestClient> {
    const socket = new WebSocket(url, options);
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(new TestClient(socket)));
      socket.once('error', reject);
    });
  }

  /**
   * Opens a connection, sends a v1 `hello` and waits for `welcome`. A host then signs the
   * challenge with the key {@link randomRoom} made for `room` and waits for `authenticated`.
   */
  static async join(
    url: string,
    role: Role,
    room: string,
    options: ClientOptions = {},
  ): Promise<TestClient> {
    const client = await TestClient.connect(url, options);
    client.send({ type: 'hello', version: PROTOCOL_VERSION, role, room });
    const welcome = await client.next('welcome');
    if (role === 'host') {
      const secretKey = roomSecretKeys.get(room);
      if (secretKey === undefined || welcome.challenge === undefined) {
        throw new Error(`Cannot authenticate as host of ${room}: no key or no challenge`);
      }
      client.send({ type: 'authenticate', signature: signChallenge(secretKey, welcome.challenge, room) });
      await client.next('authenticated');
    }
    return client;
  }

  // Two overloads, because TypeScript checks an object literal with a known `type` against that
  // message alone when the target is one union of both, and tests send malformed messages too.
  send(message: ClientMessage): void;
  send(message: Record<string, unknown>): void;
  send(message: ClientMessage | Record<string, unknown>): void {
    this.socket.send(JSON.stringify(message));
  }

  sendRaw(data: string | Buffer, binary = false): void {
    this.socket.send(data, { binary });
  }

  /** Takes the oldest queued message of this type, or waits for one. */
  next<T extends ServerMessage['type']>(
    type: T,
    timeoutMs = MESSAGE_TIMEOUT_MS,
  ): Promise<MessageOf<T>> {
    if (this.protocolViolation !== undefined) {
      return Promise.reject(new Error(this.protocolViolation));
    }
    const index = this.received.findIndex((message) => message.type === type);
    if (index >= 0) return Promise.resolve(this.received.splice(index, 1)[0] as MessageOf<T>);
    if (this.socket.readyState !== WebSocket.OPEN) {
      return Promise.reject(new Error(`Connection is closed, so no "${type}" can arrive`));
    }

    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        type,
        resolve: (message) => resolve(message as MessageOf<T>),
        reject,
        timer: setTimeout(() => {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          const queued = this.received.map((message) => message.type).join(', ') || 'nothing';
          const message = `Timed out after ${timeoutMs} ms waiting for "${type}": queued ${queued}`;
          reject(new Error(message));
        }, timeoutMs),
      };
      this.waiters.push(waiter);
    });
  }

  /**
   * Waits until the relay has handled everything sent before, then returns and clears all
   * messages queued so far. It sends an unknown message type and waits for the relay's
   * `invalid-message` error, which the relay writes after any message it sent this client
   * earlier, so an empty result proves nothing else arrived in between. Only valid after
   * `welcome`.
   */
  async sync(): Promise<ServerMessage[]> {
    this.probeCount += 1;
    const probe = `sync-probe-${this.probeCount}`;
    this.send({ type: probe });
    const otherErrors: ServerMessage[] = [];
    for (;;) {
      const error = await this.next('error');
      if (error.code === 'invalid-message' && error.message.includes(`"${probe}"`)) break;
      otherErrors.push(error);
    }
    return [...this.received.splice(0), ...otherErrors];
  }

  close(): Promise<{ code: number; reason: string }> {
    this.socket.close(1000);
    return this.closed;
  }

  private onFrame(data: Buffer, isBinary: boolean): void {
    const result = parseServerMessage(isBinary ? undefined : data.toString('utf8'));
    if (!result.ok) {
      this.protocolViolation = `Relay sent a message outside the protocol: ${result.error}`;
      for (const waiter of this.waiters.splice(0)) {
        clearTimeout(waiter.timer);
        waiter.reject(new Error(this.protocolViolation));
      }
      return;
    }

    const message = result.message;
    const index = this.waiters.findIndex((waiter) => waiter.type === message.type);
    if (index < 0) {
      this.received.push(message);
      return;
    }
    const [waiter] = this.waiters.splice(index, 1) as [Waiter];
    clearTimeout(waiter.timer);
    waiter.resolve(message);
  }
}
