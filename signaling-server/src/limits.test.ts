// In-process tests of the relay's limits, waiting-room timeouts, TURN credentials, metrics and
// shutdown, with real ws clients on loopback.
import { createHmac } from 'node:crypto';
import type { Socket } from 'node:net';
import type { SignalPayload } from '@porchlight/protocol';
import { afterEach, describe, expect, test } from 'vitest';
import { WebSocket } from 'ws';
import { randomRoom, TestClient } from './_test-client.js';
import type { RelayLogEntry } from './log.js';
import { createRelay, type Relay, type RelayOptions } from './relay.js';

const relays: Relay[] = [];

afterEach(async () => {
  await Promise.all(relays.splice(0).map((relay) => relay.close()));
});

async function startRelay(options: RelayOptions = {}) {
  const entries: RelayLogEntry[] = [];
  const relay = createRelay({ port: 0, log: (entry) => entries.push(entry), ...options });
  relays.push(relay);
  const address = await relay.listen();
  const url = `ws://${address.host}:${address.port}`;
  const httpUrl = `http://${address.host}:${address.port}`;
  return { relay, entries, url, httpUrl };
}

/** Joins an available host, and a visitor that knocked and waits. */
async function waitingVisitor(url: string, room = randomRoom()) {
  const host = await TestClient.join(url, 'host', room);
  host.send({ type: 'set-presence', status: 'available' });
  const visitor = await TestClient.join(url, 'visitor', room);
  await visitor.next('presence');
  visitor.send({ type: 'knock', name: 'Sam' });
  const waiting = await visitor.next('waiting');
  await host.next('knock-received');
  return { host, visitor, room, callId: waiting.callId };
}

async function admittedPair(url: string) {
  const pair = await waitingVisitor(url);
  pair.host.send({ type: 'admit', callId: pair.callId });
  const hostAdmitted = await pair.host.next('admitted');
  const visitorAdmitted = await pair.visitor.next('admitted');
  return { ...pair, hostAdmitted, visitorAdmitted };
}

/** Resolves with the HTTP status of a rejected upgrade, or 101 when the upgrade succeeds. */
function upgradeStatus(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers });
    socket.on('unexpected-response', (_request, response) => {
      resolve(response.statusCode ?? 0);
      socket.terminate();
    });
    socket.on('open', () => {
      resolve(101);
      socket.close();
    });
    socket.on('error', (error) => {
      if (!error.message.includes('Unexpected server response')) reject(error);
    });
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

describe('ask-to-wait', () => {
  test('reaches the waiting visitor with the message', async () => {
    const { url } = await startRelay();
    const { host, visitor, callId } = await waitingVisitor(url);

    host.send({ type: 'ask-to-wait', callId, message: 'Five more minutes' });
    expect(await visitor.next('asked-to-wait')).toEqual({
      type: 'asked-to-wait',
      callId,
      message: 'Five more minutes',
    });
    host.send({ type: 'ask-to-wait', callId });
    expect(await visitor.next('asked-to-wait')).toEqual({ type: 'asked-to-wait', callId });
    expect(await host.sync()).toEqual([]);
  });

  test('unknown call id gets unknown-call', async () => {
    const { url } = await startRelay();
    const { host } = await waitingVisitor(url);

    host.send({ type: 'ask-to-wait', callId: 'f'.repeat(32) });
    expect((await host.next('error')).code).toBe('unknown-call');
  });

  test('visitor may not send it', async () => {
    const { url } = await startRelay();
    const { visitor, callId } = await waitingVisitor(url);

    visitor.send({ type: 'ask-to-wait', callId });
    expect((await visitor.next('error')).code).toBe('not-allowed');
  });
});

describe('knock timeout', () => {
  test('declines the visitor and ends the knock for hosts', async () => {
    const { url, entries } = await startRelay({ knockTimeoutMs: 150 });
    const { host, visitor, callId } = await waitingVisitor(url);

    const declined = await visitor.next('declined', 2000);
    expect(declined).toEqual({ type: 'declined', callId, reason: 'timeout' });
    expect(await host.next('knock-ended', 2000)).toEqual({
      type: 'knock-ended',
      callId,
      reason: 'timeout',
    });
    const ended = entries.find((entry) => entry.event === 'knock-ended');
    expect(ended).toMatchObject({ event: 'knock-ended', callId, cause: 'timeout' });

    // The visitor may knock again after a timeout.
    visitor.send({ type: 'knock' });
    expect((await visitor.next('waiting')).position).toBe(1);
  });

  test('admitted knock does not time out', async () => {
    const { url } = await startRelay({ knockTimeoutMs: 150 });
    const { host, visitor } = await admittedPair(url);

    await sleep(300);
    const types = [...(await visitor.sync()), ...(await host.sync())].map(
      (message) => message.type,
    );
    expect(types).not.toContain('declined');
    expect(types).not.toContain('knock-ended');
  });
});

describe('room-full', () => {
  test('rejects a knock beyond the waiting cap', async () => {
    const { url } = await startRelay({ maxWaitingPerRoom: 2 });
    const { room } = await waitingVisitor(url);
    const second = await TestClient.join(url, 'visitor', room);
    second.send({ type: 'knock' });
    expect((await second.next('waiting')).position).toBe(2);

    const third = await TestClient.join(url, 'visitor', room);
    third.send({ type: 'knock' });
    const error = await third.next('error');
    expect(error.code).toBe('room-full');
    expect(error.message).toContain('2');

    // A place frees up when a visitor cancels.
    second.send({ type: 'cancel' });
    await second.sync();
    third.send({ type: 'knock' });
    expect((await third.next('waiting')).position).toBe(2);
  });
});

describe('rate limit', () => {
  test('drops messages over the burst with rate-limited', async () => {
    const { url } = await startRelay({ rateLimitPerSecond: 1, rateLimitBurst: 5 });
    const client = await TestClient.join(url, 'host', randomRoom());

    // hello and authenticate took one token each, so three unknown messages get invalid-message
    // and the rest is dropped.
    for (let index = 0; index < 8; index++) client.send({ type: `probe-${index}` });
    const codes: string[] = [];
    for (let index = 0; index < 4; index++) codes.push((await client.next('error')).code);
    expect(codes).toEqual(['invalid-message', 'invalid-message', 'invalid-message', 'rate-limited']);
    await sleep(200);
    expect(client.received).toEqual([]);
    expect(client.socket.readyState).toBe(WebSocket.OPEN);
  });

  test('closes with 4008 when the client keeps sending', async () => {
    const { url, httpUrl } = await startRelay({
      rateLimitPerSecond: 1,
      rateLimitBurst: 2,
      maxRateLimitedMessages: 10,
    });
    const client = await TestClient.join(url, 'host', randomRoom());

    for (let index = 0; index < 30; index++) client.send({ type: 'set-presence', status: 'busy' });
    expect((await client.closed).code).toBe(4008);
    const metrics = await (await fetch(`${httpUrl}/metrics`)).text();
    expect(metrics).toContain('porchlight_relay_rejections_total{reason="rate-limit-close"} 1');
    expect(metrics).toContain('porchlight_relay_rejections_total{reason="rate-limited"} 1');
  });
});

describe('upgrade limits', () => {
  test('caps connections per client address with 429', async () => {
    const { url } = await startRelay({ maxConnectionsPerAddress: 2 });
    const first = await TestClient.connect(url);
    await TestClient.connect(url);

    expect(await upgradeStatus(url)).toBe(429);
    await first.close();
    await sleep(50);
    expect(await upgradeStatus(url)).toBe(101);
  });

  test('trusted proxy counts the forwarded address', async () => {
    const { url } = await startRelay({ maxConnectionsPerAddress: 1, trustProxy: true });
    await TestClient.connect(url, { headers: { 'x-forwarded-for': '203.0.113.9, 10.0.0.1' } });

    expect(await upgradeStatus(url, { 'x-forwarded-for': '10.0.0.1' })).toBe(429);
    expect(await upgradeStatus(url, { 'x-forwarded-for': '10.0.0.2' })).toBe(101);
  });

  test('rejects origins outside the allow-list with 403', async () => {
    const allowed = 'https://therapist.example';
    const { url } = await startRelay({ allowedOrigins: [allowed] });

    expect(await upgradeStatus(url, { origin: allowed })).toBe(101);
    expect(await upgradeStatus(url, { origin: 'https://other.example' })).toBe(403);
    expect(await upgradeStatus(url)).toBe(403);
  });

  test('any origin connects without an allow-list', async () => {
    const { url } = await startRelay();
    expect(await upgradeStatus(url, { origin: 'https://other.example' })).toBe(101);
  });
});

describe('slow consumer', () => {
  test('client that stops reading is closed with 1013', async () => {
    const { url, entries } = await startRelay({
      maxBufferedBytes: 256 * 1024,
      rateLimitPerSecond: 100_000,
      rateLimitBurst: 100_000,
    });
    const { host, visitor, visitorAdmitted } = await admittedPair(url);
    const callId = visitorAdmitted.callId;
    const tcp = (host.socket as unknown as { _socket: Socket })._socket;
    tcp.pause();

    const sdp = 'v=0\r\n'.padEnd(30_000, 'a');
    const offer: SignalPayload = { type: 'offer', sdp };
    for (let round = 0; round < 100; round++) {
      if (entries.some((entry) => entry.event === 'slow-consumer')) break;
      for (let index = 0; index < 20; index++)
        visitor.send({ type: 'signal', callId, data: offer });
      await sleep(20);
    }
    expect(entries.some((entry) => entry.event === 'slow-consumer')).toBe(true);

    tcp.resume();
    expect((await host.closed).code).toBe(1013);
    expect(await visitor.next('call-ended', 5000)).toMatchObject({ reason: 'disconnected' });
  });
});

describe('heartbeat of a call', () => {
  test('dead peer is dropped within two intervals and the other side is told', async () => {
    const intervalMs = 300;
    const { url } = await startRelay({ heartbeatIntervalMs: intervalMs });
    const { host, visitor, callId } = await admittedPair(url);

    // A paused socket reads no ping and so sends no pong, as a peer whose network went away.
    const tcp = (host.socket as unknown as { _socket: Socket })._socket;
    const stoppedAt = Date.now();
    tcp.pause();

    const ended = await visitor.next('call-ended', 4 * intervalMs);
    const elapsedMs = Date.now() - stoppedAt;
    expect(ended).toEqual({ type: 'call-ended', callId, reason: 'disconnected' });
    // Two intervals, plus slack for timers on a busy machine.
    expect(elapsedMs).toBeLessThanOrEqual(2 * intervalMs + 150);
    tcp.resume();
  });
});

describe('TURN credentials', () => {
  const turn = { secret: 'test-secret', urls: ['turn:127.0.0.1:3478'], ttlSeconds: 600 };

  test('admitted pair gets its own time-limited credentials', async () => {
    const { url } = await startRelay({ turn });
    const before = Math.floor(Date.now() / 1000);
    const { hostAdmitted, visitorAdmitted } = await admittedPair(url);

    const servers = [hostAdmitted.iceServers?.[0], visitorAdmitted.iceServers?.[0]];
    for (const server of servers) {
      expect(server?.urls).toEqual(turn.urls);
      const [expiry, id] = (server?.username ?? '').split(':');
      expect(Number(expiry)).toBeGreaterThanOrEqual(before + turn.ttlSeconds);
      expect(Number(expiry)).toBeLessThanOrEqual(before + turn.ttlSeconds + 2);
      expect(id).toMatch(/^[A-Za-z0-9_-]{12}$/);
      const expected = createHmac('sha1', turn.secret)
        .update(server?.username ?? '')
        .digest('base64');
      expect(server?.credential).toBe(expected);
    }
    expect(servers[0]?.username).not.toBe(servers[1]?.username);
  });

  test('no credentials without a TURN secret', async () => {
    const { url } = await startRelay();
    const { hostAdmitted, visitorAdmitted } = await admittedPair(url);
    expect(hostAdmitted.iceServers).toBeUndefined();
    expect(visitorAdmitted.iceServers).toBeUndefined();
  });

  test('rejects invalid TURN settings', () => {
    expect(() => createRelay({ turn: { ...turn, secret: '' } })).toThrow(TypeError);
    expect(() => createRelay({ turn: { ...turn, urls: ['http://x'] } })).toThrow(TypeError);
    expect(() => createRelay({ turn: { ...turn, ttlSeconds: 1 } })).toThrow(RangeError);
  });
});

describe('metrics', () => {
  test('count connections, rooms, knocks, calls and relayed messages', async () => {
    const { url, httpUrl } = await startRelay();
    const { host, visitor, callId } = await admittedPair(url);
    visitor.send({ type: 'signal', callId, data: { type: 'renegotiate', renegotiate: true } });
    await host.next('signal');
    host.send({ type: 'knock' });
    await host.next('error');

    const response = await fetch(`${httpUrl}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    for (const line of [
      'porchlight_relay_connections 2',
      'porchlight_relay_rooms 1',
      'porchlight_relay_waiting_knocks 0',
      'porchlight_relay_active_calls 1',
      'porchlight_relay_knocks_total 1',
      'porchlight_relay_admitted_calls_total 1',
      'porchlight_relay_messages_relayed_total 1',
      'porchlight_relay_rejections_total{reason="not-allowed"} 1',
    ]) {
      expect(text, line).toContain(`\n${line}\n`);
    }
  });
});

describe('shutdown', () => {
  test('sends going-away, then closes with 1001', async () => {
    const { relay, url, httpUrl } = await startRelay();
    const client = await TestClient.join(url, 'visitor', randomRoom());

    const closing = relay.close();
    const goingAway = await client.next('going-away');
    expect(goingAway.retryAfterMs).toBeGreaterThanOrEqual(1000);
    expect(goingAway.retryAfterMs).toBeLessThanOrEqual(5000);
    expect((await client.closed).code).toBe(1001);
    await closing;
    await expect(fetch(`${httpUrl}/healthz`)).rejects.toThrow();
  });
});
