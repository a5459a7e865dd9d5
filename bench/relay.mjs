#!/usr/bin/env node
// Benchmarks the signaling relay on loopback and prints one table: idle connections and resident
// memory per connection, then signal messages per second and relay latency between admitted
// pairs. Each measurement also runs against peerjs-server (npm package `peer`) doing the same
// work in its own message format, and against two relay processes sharing rooms on Redis.
//
// Usage: npm run bench:relay [-- --connections 10000,19900 --pairs 200 --seconds 10]
//
// Everything listens on 127.0.0.1. Load comes from worker processes (this file with --worker),
// each holding at most WORKER_CONNECTIONS sockets from its own 127.0.0.x source address so that
// neither the per-process file descriptor limit nor the ephemeral port range runs out. The run
// stops itself after RUN_TIMEOUT_MS.
import { fork, spawn } from 'node:child_process';
import { generateKeyPairSync, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus } from 'node:os';
import process from 'node:process';
import { parseArgs } from 'node:util';
import { createRequire } from 'node:module';
import { hostAuthMessage, PROTOCOL_VERSION } from '@porchlight/protocol';
import { startRelay } from '../scripts/_relay-process.mjs';
import { startRedisServer } from '../scripts/_redis-server.mjs';

// ws 8 as the relay resolves it. The root node_modules contains ws 7 for other tools.
const WS_PATH = createRequire(new URL('../signaling-server/package.json', import.meta.url)).resolve(
  'ws',
);
const { WebSocket } = createRequire(import.meta.url)(WS_PATH);

const WORKER_CONNECTIONS = 10_000;
const RUN_TIMEOUT_MS = 15 * 60_000;
const OPEN_CONCURRENCY = 200;
const SETTLE_MS = 3000;
const CANDIDATE = {
  type: 'candidate',
  candidate: {
    candidate: 'candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host generation 0',
    sdpMid: '0',
    sdpMLineIndex: 0,
  },
};

// ---------------------------------------------------------------------------------------------
// Servers under test
// ---------------------------------------------------------------------------------------------

/** Relay settings for the benchmark: limits meant for abuse are raised out of the way. */
const RELAY_ENV = {
  PORCHLIGHT_LOG_LEVEL: 'silent',
  PORCHLIGHT_MAX_CONNECTIONS_PER_ADDRESS: '1000000',
  PORCHLIGHT_RATE_LIMIT: '1000000',
  PORCHLIGHT_RATE_BURST: '1000000',
  PORCHLIGHT_HELLO_TIMEOUT_MS: '120000',
};

async function startPorchlight(redisUrl) {
  const env = { ...RELAY_ENV };
  if (redisUrl !== undefined) env.PORCHLIGHT_REDIS_URL = redisUrl;
  return startRelay({ env });
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Starts peerjs-server with its connection cap lifted, as a child process. */
async function startPeerjs() {
  const port = await freePort();
  // peer 1.0.2 gets ws 7 from npm's hoisting but calls ws 8's WebSocketServer export, so it is
  // handed ws 8 through its createWebSocketServer option.
  const source = `
    const { PeerServer } = require('peer');
    const { WebSocketServer } = require(${JSON.stringify(WS_PATH)});
    PeerServer({ port: ${port}, host: '127.0.0.1', path: '/', concurrent_limit: 1e7,
      alive_timeout: 600000, createWebSocketServer: (options) => new WebSocketServer(options) },
      () => process.stdout.write('listening\\n'));
  `;
  const child = spawn(process.execPath, ['-e', source], {
    cwd: new URL('..', import.meta.url),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  await new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      if (chunk.toString('utf8').includes('listening')) resolve();
    });
    void exited.then((code) => reject(new Error(`peerjs-server exited with ${code}`)));
  });
  return {
    url: `ws://127.0.0.1:${port}`,
    pid: child.pid,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Returns the resident set size of a process in bytes, from /proc. */
function residentBytes(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  if (match === null) throw new Error(`VmRSS not found in /proc/${pid}/status`);
  return Number(match[1]) * 1024;
}

// ---------------------------------------------------------------------------------------------
// Main process: scenarios and the table
// ---------------------------------------------------------------------------------------------

async function runMain() {
  const { values } = parseArgs({
    options: {
      connections: { type: 'string', default: '10000,19900' },
      pairs: { type: 'string', default: '200' },
      seconds: { type: 'string', default: '10' },
      'skip-idle': { type: 'boolean', default: false },
    },
  });
  const connectionSteps = values.connections.split(',').map(Number);
  const pairs = Number(values.pairs);
  const seconds = Number(values.seconds);
  const deadline = setTimeout(() => {
    process.stderr.write(`bench-relay: stopped after ${RUN_TIMEOUT_MS / 60_000} minutes\n`);
    process.exit(1);
  }, RUN_TIMEOUT_MS);
  deadline.unref();

  process.stderr.write(
    `bench-relay: Node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), ` +
      `load average ${loadAverage()}\n`,
  );
  const redis = await startRedisServer();
  const rows = [];
  try {
    if (!values['skip-idle']) {
      rows.push(...(await idleScenario('porchlight, 1 node', connectionSteps, 1, redis)));
      rows.push(...(await idleScenario('peerjs-server', connectionSteps, 0, redis)));
      const total = connectionSteps.at(-1) >= 19_000 ? 20_000 : connectionSteps.at(-1);
      rows.push(...(await idleScenario('porchlight, 2 nodes + Redis', [total], 2, redis)));
    }
    rows.push(await pingPongScenario('porchlight, 1 node', 1, pairs, seconds, redis));
    rows.push(await pingPongScenario('peerjs-server', 0, pairs, seconds, redis));
    rows.push(await pingPongScenario('porchlight, 2 nodes + Redis', 2, pairs, seconds, redis));
  } finally {
    await redis.stop();
  }
  printTable(rows);
  process.stderr.write(`bench-relay: load average at the end ${loadAverage()}\n`);
}

/** Returns the 1-minute load average, so a reader can tell whether other work shared the CPU. */
function loadAverage() {
  return readFileSync('/proc/loadavg', 'utf8').split(' ')[0];
}

/** Starts the servers of one configuration: 0 is peerjs-server, 1 or 2 relay nodes. */
async function startServers(nodes, redis) {
  if (nodes === 0) return [await startPeerjs()];
  if (nodes === 1) return [await startPorchlight()];
  return [await startPorchlight(redis.url), await startPorchlight(redis.url)];
}

/**
 * Opens idle connections in steps and records the servers' resident memory at each step. New
 * workers start whenever the current one holds WORKER_CONNECTIONS sockets.
 */
async function idleScenario(name, steps, nodes, redis) {
  process.stderr.write(`bench-relay: ${name}, idle connections\n`);
  const servers = await startServers(nodes, redis);
  const urls = servers.map((server) => server.url);
  const protocol = nodes === 0 ? 'peerjs' : 'porchlight';
  await sleep(SETTLE_MS);
  const baseline = servers.map((server) => residentBytes(server.pid));
  const redisBaseline = nodes === 2 ? residentBytes(redis.pid) : 0;
  const workers = [];
  const rows = [];
  let opened = 0;
  let failed = 0;
  try {
    for (const target of steps) {
      while (opened + failed < target) {
        let worker = workers.at(-1);
        if (worker === undefined || worker.held >= WORKER_CONNECTIONS) {
          worker = startWorker(workers.length);
          workers.push(worker);
        }
        const count = Math.min(target - opened - failed, WORKER_CONNECTIONS - worker.held);
        const result = await worker.request({
          command: 'idle',
          protocol,
          urls,
          count,
          first: worker.held,
        });
        worker.held += count;
        opened += result.opened;
        failed += result.failed;
      }
      await sleep(SETTLE_MS);
      const grown = servers.map((server, index) => residentBytes(server.pid) - baseline[index]);
      const redisGrown = nodes === 2 ? residentBytes(redis.pid) - redisBaseline : 0;
      const serverBytes = grown.reduce((sum, bytes) => sum + bytes, 0);
      rows.push({
        name,
        work: `${opened} idle connections${failed > 0 ? ` (${failed} failed)` : ''}`,
        result:
          `${formatKiB(serverBytes / opened)} per connection, ` +
          `${formatMiB(servers.map((server) => residentBytes(server.pid)).reduce((a, b) => a + b, 0))} resident` +
          (nodes === 2 ? `; Redis +${formatMiB(redisGrown)}` : ''),
      });
    }
  } finally {
    await Promise.all(workers.map((worker) => worker.stop()));
    await Promise.all(servers.map((server) => server.stop()));
  }
  return rows;
}

/** Runs admitted pairs that bounce a signal back and forth and reports rate and latency. */
async function pingPongScenario(name, nodes, pairs, seconds, redis) {
  process.stderr.write(`bench-relay: ${name}, ${pairs} pairs ping-ponging\n`);
  const servers = await startServers(nodes, redis);
  await sleep(SETTLE_MS);
  const urls = servers.map((server) => server.url);
  const protocol = nodes === 0 ? 'peerjs' : 'porchlight';
  const workers = [startWorker(0), startWorker(1)];
  try {
    const half = Math.ceil(pairs / workers.length);
    const results = await Promise.all(
      workers.map((worker, index) =>
        worker.request({
          command: 'ping-pong',
          protocol,
          urls,
          pairs: Math.min(half, pairs - index * half),
          first: index * half,
          seconds,
        }),
      ),
    );
    const messages = results.reduce((sum, result) => sum + result.messages, 0);
    const latencies = results.flatMap((result) => result.latencies).sort((a, b) => a - b);
    return {
      name,
      work: `${pairs} pairs, ${seconds} s of signal ping-pong`,
      result:
        `${Math.round(messages / seconds)} messages/s, ` +
        `p50 ${percentile(latencies, 0.5).toFixed(2)} ms, p99 ${percentile(latencies, 0.99).toFixed(2)} ms`,
    };
  } finally {
    await Promise.all(workers.map((worker) => worker.stop()));
    await Promise.all(servers.map((server) => server.stop()));
  }
}

function startWorker(index) {
  const child = fork(new URL(import.meta.url), ['--worker', String(index)], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return {
    held: 0,
    request(message) {
      return new Promise((resolve, reject) => {
        const onExit = (code) => reject(new Error(`Load worker ${index} exited with ${code}`));
        child.once('exit', onExit);
        child.once('message', (reply) => {
          child.off('exit', onExit);
          if (reply.error !== undefined) reject(new Error(reply.error));
          else resolve(reply);
        });
        child.send(message);
      });
    },
    async stop() {
      if (child.exitCode === null) child.send({ command: 'exit' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

function printTable(rows) {
  const header = ['Server', 'Work', 'Result'];
  const lines = [header, ['---', '---', '---'], ...rows.map((row) => [row.name, row.work, row.result])];
  process.stdout.write(lines.map((cells) => `| ${cells.join(' | ')} |`).join('\n') + '\n');
}

// ---------------------------------------------------------------------------------------------
// Worker process: keeps sockets open and drives the load
// ---------------------------------------------------------------------------------------------

function runWorker() {
  const index = Number(process.argv[process.argv.indexOf('--worker') + 1]);
  // Each worker connects from its own loopback address, so each has its own ephemeral ports.
  const localAddress = `127.0.0.${index + 2}`;
  const sockets = [];

  process.on('message', (message) => {
    const handlers = { idle: openIdle, 'ping-pong': pingPong };
    if (message.command === 'exit') {
      for (const socket of sockets) socket.terminate();
      process.disconnect();
      return;
    }
    handlers[message.command](message).then(
      (reply) => process.send(reply),
      (error) => process.send({ error: error instanceof Error ? error.message : String(error) }),
    );
  });

  /**
   * Opens a connection and resolves once the server has accepted it: `OPEN` from peerjs-server,
   * `welcome` from the relay, and for a relay host `authenticated` after it signed the challenge.
   */
  function connect(protocol, url, id, role, room) {
    return new Promise((resolve, reject) => {
      const target =
        protocol === 'peerjs' ? `${url}/peerjs?key=peerjs&id=${id}&token=t${id}` : url;
      const socket = new WebSocket(target, { localAddress, perMessageDeflate: false });
      sockets.push(socket);
      const timer = setTimeout(() => reject(new Error(`No accept from ${url} within 30 s`)), 30_000);
      const finish = (error) => {
        clearTimeout(timer);
        socket.off('message', onMessage);
        if (error === undefined) resolve(socket);
        else reject(error);
      };
      const onMessage = (data) => {
        const message = JSON.parse(data.toString('utf8'));
        if (message.type === 'OPEN' || message.type === 'authenticated') return finish();
        if (message.type !== 'welcome') {
          return finish(new Error(`Expected an accept message from ${url}, got "${message.type}"`));
        }
        if (role !== 'host') return finish();
        const challenge = Buffer.from(message.challenge, 'base64url');
        const signature = sign(null, hostAuthMessage(challenge, room.id), room.privateKey);
        socket.send(
          JSON.stringify({ type: 'authenticate', signature: signature.toString('base64url') }),
        );
      };
      socket.once('error', (error) => finish(error));
      socket.once('open', () => {
        if (protocol !== 'porchlight') return;
        const hello = { type: 'hello', version: PROTOCOL_VERSION, role, room: room.id };
        socket.send(JSON.stringify(hello));
      });
      socket.on('message', onMessage);
    });
  }

  /** Returns a new room: its id is an Ed25519 public key, whose private key signs for hosts. */
  function createRoom() {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    return { id: publicKey.export({ format: 'jwk' }).x, privateKey };
  }

  const idleRooms = new Map();

  /** Connection `n` of this worker: hosts and visitors alternate, two to a room. */
  function idleTarget(message, n) {
    const pair = Math.floor(n / 2);
    const role = n % 2 === 0 ? 'host' : 'visitor';
    let room = idleRooms.get(pair);
    if (room === undefined) {
      room = createRoom();
      idleRooms.set(pair, room);
    }
    return {
      url: message.urls[n % message.urls.length],
      id: `w${index}-${role}-${pair}`,
      role,
      room,
    };
  }

  async function openIdle(message) {
    let opened = 0;
    let failed = 0;
    let next = message.first;
    const end = message.first + message.count;
    const lane = async () => {
      while (next < end) {
        const target = idleTarget(message, next++);
        try {
          await connect(message.protocol, target.url, target.id, target.role, target.room);
          opened += 1;
        } catch {
          failed += 1;
        }
      }
    };
    await Promise.all(Array.from({ length: OPEN_CONCURRENCY }, lane));
    return { opened, failed };
  }

  /**
   * Admits `pairs` calls, then lets each pair bounce one signal back and forth for `seconds`.
   * Latency is the time from one side's send to the other side's receipt, in this process.
   */
  async function pingPong(message) {
    const { protocol, urls, pairs, first, seconds } = message;
    const links = [];
    for (let n = first; n < first + pairs; n++) {
      links.push(await openPair(protocol, urls, n));
    }

    const latencies = [];
    let messages = 0;
    let measuring = false;
    let running = true;
    for (const link of links) {
      // Returns the handler for a signal that arrived at `from`: it records the latency and
      // sends the signal back to the peer `toId`.
      const bounce = (from, toId) => () => {
        const now = performance.now();
        if (measuring) {
          messages += 1;
          latencies.push(now - link.sentAt);
        }
        if (!running) return;
        link.sentAt = now;
        from.send(link.outgoing(toId));
      };
      const onA = bounce(link.a, link.idB);
      const onB = bounce(link.b, link.idA);
      link.a.on('message', (data) => link.isSignal(data) && onA());
      link.b.on('message', (data) => link.isSignal(data) && onB());
      link.sentAt = performance.now();
      link.a.send(link.outgoing(link.idB));
    }

    await sleep(1000);
    measuring = true;
    await sleep(seconds * 1000);
    measuring = false;
    running = false;
    await sleep(200);
    for (const link of links) {
      link.a.terminate();
      link.b.terminate();
    }
    return { messages, latencies: sample(latencies, 20_000) };
  }

  /** Opens both sides of pair `n` and, for the relay, knocks and admits the call. */
  async function openPair(protocol, urls, n) {
    const urlA = urls[0];
    const urlB = urls[urls.length - 1];
    if (protocol === 'peerjs') {
      const idA = `p${index}a${n}`;
      const idB = `p${index}b${n}`;
      const a = await connect(protocol, urlA, idA);
      const b = await connect(protocol, urlB, idB);
      const outgoing = (dst) => JSON.stringify({ type: 'CANDIDATE', dst, payload: CANDIDATE });
      return {
        a,
        b,
        idA,
        idB,
        outgoing,
        isSignal: (data) => data.toString('utf8').startsWith('{"type":"CANDIDATE"'),
      };
    }

    const room = createRoom();
    const a = await connect(protocol, urlA, undefined, 'host', room);
    const b = await connect(protocol, urlB, undefined, 'visitor', room);
    const nextOf = (socket, type, status) =>
      new Promise((resolve) => {
        const onMessage = (data) => {
          const parsed = JSON.parse(data.toString('utf8'));
          if (parsed.type !== type) return;
          if (status !== undefined && parsed.status !== status) return;
          socket.off('message', onMessage);
          resolve(parsed);
        };
        socket.on('message', onMessage);
      });
    const available = nextOf(b, 'presence', 'available');
    a.send(JSON.stringify({ type: 'set-presence', status: 'available' }));
    await available;
    const knocked = nextOf(a, 'knock-received');
    b.send(JSON.stringify({ type: 'knock' }));
    const { callId } = await knocked;
    const admitted = nextOf(b, 'admitted');
    a.send(JSON.stringify({ type: 'admit', callId }));
    await admitted;
    const outgoing = () => JSON.stringify({ type: 'signal', callId, data: CANDIDATE });
    return {
      a,
      b,
      outgoing,
      isSignal: (data) => data.toString('utf8').startsWith('{"type":"signal"'),
    };
  }
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Returns at most `count` evenly spaced values, so workers send a bounded reply. */
function sample(values, count) {
  if (values.length <= count) return values;
  const step = values.length / count;
  return Array.from({ length: count }, (_, i) => values[Math.floor(i * step)]);
}

function percentile(sorted, fraction) {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))];
}

function formatKiB(bytes) {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

function formatMiB(bytes) {
  return `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
}

if (process.argv.includes('--worker')) runWorker();
else await runMain();
