// In-process tests for options the command line does not expose. Protocol behaviour is tested
// against the built relay process in the other test files.
import { createServer } from 'node:net';
import { PROTOCOL_VERSION } from '@porchlight/protocol';
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
  return { relay, entries, url: `ws://${address.host}:${address.port}`, address };
}

describe('createRelay', () => {
  test('rejects options of the wrong type or range', () => {
    expect(() => createRelay({ port: 70_000 })).toThrow(RangeError);
    expect(() => createRelay({ port: -1 })).toThrow(RangeError);
    expect(() => createRelay({ port: 1.5 })).toThrow(TypeError);
    expect(() => createRelay({ maxPayload: 0 })).toThrow(RangeError);
    expect(() => createRelay({ helloTimeoutMs: 0 })).toThrow(RangeError);
    expect(() => createRelay({ host: '' })).toThrow(TypeError);
    expect(() => createRelay({ log: 'stderr' as unknown as () => void })).toThrow(TypeError);
  });

  test('error names the option and its value', () => {
    expect(() => createRelay({ port: 70_000 })).toThrow(
      'Invalid option "port": 70000 is outside 0 to 65535',
    );
  });
});

describe('listen', () => {
  test('rejects when the port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as { port: number };

    const relay = createRelay({ port, log: () => {} });
    await expect(relay.listen()).rejects.toThrow(/EADDRINUSE/);
    await relay.close();
    await new Promise((resolve) => blocker.close(resolve));
  });

  test('logs the bound address', async () => {
    const { entries, address } = await startRelay();
    expect(entries[0]).toEqual({ event: 'listening', host: '127.0.0.1', port: address.port });
  });
});

describe('hello timeout', () => {
  test('silent connection is closed with 4001', async () => {
    const { url } = await startRelay({ helloTimeoutMs: 50 });
    const client = await TestClient.connect(url);

    const error = await client.next('error');
    expect(error.code).toBe('hello-required');
    expect(error.message).toContain('50 ms');
    expect((await client.closed).code).toBe(4001);
  });

  test('hello in time cancels the timeout', async () => {
    const { url } = await startRelay({ helloTimeoutMs: 500 });
    const client = await TestClient.join(url, 'host', randomRoom());

    // Waiting past the timeout is the point of this test, so it cannot avoid a real delay.
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(await client.sync()).toEqual([]);
    expect(client.socket.readyState).toBe(WebSocket.OPEN);
    await client.close();
  });
});

describe('heartbeat', () => {
  test('connection that stops answering pings is dropped', async () => {
    const { url, entries } = await startRelay({ heartbeatIntervalMs: 30 });
    const socket = new WebSocket(url, { autoPong: false });
    const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));

    expect(await closed).toBe(1006);
    expect(entries.some((entry) => entry.event === 'heartbeat-timeout')).toBe(true);
  });

  test('connection that answers pings stays open', async () => {
    const { url } = await startRelay({ heartbeatIntervalMs: 100 });
    const client = await TestClient.join(url, 'visitor', randomRoom());

    // Three ping rounds. The interval leaves room for a slow machine to answer each ping.
    await new Promise((resolve) => setTimeout(resolve, 350));
    expect(client.socket.readyState).toBe(WebSocket.OPEN);
    await client.close();
  });
});

describe('close', () => {
  test('closes with 1001 when called twice', async () => {
    const { relay, url, entries } = await startRelay();
    const client = await TestClient.join(url, 'visitor', randomRoom());

    await Promise.all([relay.close(), relay.close()]);
    expect((await client.closed).code).toBe(1001);
    expect(entries.at(-1)).toEqual({ event: 'closed' });
  });

  test('close before listen resolves', async () => {
    const relay = createRelay({ log: () => {} });
    await expect(relay.close()).resolves.toBeUndefined();
  });
});

describe('log', () => {
  test('entries omit room, name and payload', async () => {
    const { relay, url, entries } = await startRelay();
    const room = randomRoom();
    const host = await TestClient.join(url, 'host', room);
    const visitor = await TestClient.join(url, 'visitor', room);
    host.send({ type: 'set-presence', status: 'available' });
    await visitor.next('presence');
    await visitor.next('presence');
    visitor.send({ type: 'knock', name: 'Robin Private' });
    const { callId } = await visitor.next('waiting');
    host.send({ type: 'admit', callId });
    await visitor.next('admitted');
    visitor.send({ type: 'hang-up', callId });
    await host.next('call-ended');
    await visitor.close();
    await relay.close();

    const text = JSON.stringify(entries);
    expect(text).not.toContain(room);
    expect(text).not.toContain('Robin');
    const admitted = entries.find((entry) => entry.event === 'call-admitted');
    expect(admitted).toMatchObject({ event: 'call-admitted', callId });
    const ended = entries.find((entry) => entry.event === 'call-ended');
    expect(ended).toMatchObject({ event: 'call-ended', callId, cause: 'hang-up' });
    const hellos = entries.filter((entry) => entry.event === 'hello-accepted');
    expect(hellos).toHaveLength(2);
    const [first, second] = hellos as Array<{ roomHash: string }>;
    expect(first?.roomHash).toMatch(/^[0-9a-f]{16}$/);
    expect(first?.roomHash).toBe(second?.roomHash);
    const closes = entries.filter((entry) => entry.event === 'connection-closed');
    expect(closes.map((entry) => (entry as { code: number }).code).sort()).toEqual([1000, 1001]);
  });

  test('throwing logger does not break the relay', async () => {
    const relay = createRelay({
      port: 0,
      log: () => {
        throw new Error('Logger failed');
      },
    });
    relays.push(relay);
    const { host, port } = await relay.listen();
    const room = randomRoom();
    const hostClient = await TestClient.join(`ws://${host}:${port}`, 'host', room);
    const visitor = await TestClient.join(`ws://${host}:${port}`, 'visitor', room);
    hostClient.send({ type: 'set-presence', status: 'available' });
    await visitor.next('presence');

    expect((await visitor.next('presence')).status).toBe('available');
    visitor.send({ type: 'knock' });
    const { callId } = await visitor.next('waiting');
    hostClient.send({ type: 'admit', callId });
    expect((await visitor.next('admitted')).callId).toBe(callId);
    await visitor.close();
    await hostClient.close();
  });

  test('protocol version in welcome matches the package', async () => {
    const { url } = await startRelay();
    const client = await TestClient.connect(url);
    client.send({ type: 'hello', version: PROTOCOL_VERSION, role: 'visitor', room: randomRoom() });
    expect((await client.next('welcome')).version).toBe(PROTOCOL_VERSION);
    await client.close();
  });
});
