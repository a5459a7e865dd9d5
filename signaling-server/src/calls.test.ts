import type { SignalPayload } from '@porchlight/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { randomRoom, startRelayProcess, TestClient, type RelayProcess } from './_test-client.js';

let relay: RelayProcess;
const clients: TestClient[] = [];

beforeAll(async () => {
  relay = await startRelayProcess();
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
});

afterAll(async () => {
  await relay?.stop();
});

async function join(role: 'host' | 'visitor', room: string): Promise<TestClient> {
  const client = await TestClient.join(relay.url, role, room);
  clients.push(client);
  return client;
}

/**
 * Builds a room with two available host connections, an admitted call between `host` and
 * `visitor`, and a second visitor still waiting. Every queue is drained before returning.
 */
async function admittedCall() {
  const room = randomRoom();
  const visitor = await join('visitor', room);
  await visitor.next('presence');
  const host = await join('host', room);
  const otherHost = await join('host', room);
  host.send({ type: 'set-presence', status: 'available' });
  otherHost.send({ type: 'set-presence', status: 'available' });
  await visitor.next('presence');

  visitor.send({ type: 'knock', name: 'Sam' });
  const { callId } = await visitor.next('waiting');
  const otherVisitor = await join('visitor', room);
  otherVisitor.send({ type: 'knock' });
  const other = await otherVisitor.next('waiting');
  host.send({ type: 'admit', callId });
  await visitor.next('admitted');
  await host.next('admitted');

  for (const client of [host, otherHost, visitor, otherVisitor]) await client.sync();
  return { room, callId, host, otherHost, visitor, otherVisitor, otherCallId: other.callId };
}

const OFFER: SignalPayload = { type: 'offer', sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n' };
const CANDIDATE: SignalPayload = {
  type: 'candidate',
  candidate: { candidate: 'candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host', sdpMid: '0' },
};
const KEY_SHARE: SignalPayload = { type: 'key-share', x25519: 'A'.repeat(43) };
const HYBRID_SHARES: SignalPayload[] = [
  { type: 'key-share', x25519: 'B'.repeat(43), mlkem: 'C'.repeat(1579) },
  {
    type: 'key-share',
    x25519: 'D'.repeat(43),
    mlkemCiphertext: 'E'.repeat(1451),
    signature: 'F'.repeat(86),
  },
];
const CALL_ERRORS: SignalPayload[] = [
  { type: 'call-error', code: 'no-common-codec' },
  { type: 'call-error', code: 'connect-timeout' },
];

describe('signal', () => {
  test('payloads reach only the other member of the call', async () => {
    const { callId, host, otherHost, visitor, otherVisitor } = await admittedCall();

    visitor.send({ type: 'signal', callId, data: OFFER });
    expect(await host.next('signal')).toEqual({ type: 'signal', callId, data: OFFER });
    host.send({ type: 'signal', callId, data: CANDIDATE });
    expect(await visitor.next('signal')).toEqual({ type: 'signal', callId, data: CANDIDATE });
    host.send({ type: 'signal', callId, data: KEY_SHARE });
    expect(await visitor.next('signal')).toEqual({ type: 'signal', callId, data: KEY_SHARE });
    for (const data of HYBRID_SHARES) {
      visitor.send({ type: 'signal', callId, data });
      expect(await host.next('signal')).toEqual({ type: 'signal', callId, data });
    }
    const shortKey = { type: 'key-share', x25519: 'A'.repeat(43), mlkem: 'C'.repeat(1578) };
    visitor.send({ type: 'signal', callId, data: shortKey });
    expect((await visitor.next('error')).message).toContain('"data.mlkem"');
    for (const data of CALL_ERRORS) {
      visitor.send({ type: 'signal', callId, data });
      expect(await host.next('signal')).toEqual({ type: 'signal', callId, data });
    }

    expect(await otherHost.sync()).toEqual([]);
    expect(await otherVisitor.sync()).toEqual([]);
    expect(await visitor.sync()).toEqual([]);
    expect(await host.sync()).toEqual([]);
  });

  test('unknown fields are stripped before forwarding', async () => {
    const { callId, host, visitor } = await admittedCall();

    visitor.send({
      type: 'signal',
      callId,
      extra: 'dropped',
      data: { ...OFFER, note: 'dropped', nested: { deep: true } },
    });
    expect(await host.next('signal')).toEqual({ type: 'signal', callId, data: OFFER });
  });

  test('other visitor cannot inject into the call', async () => {
    const { callId, host, visitor, otherVisitor, otherCallId } = await admittedCall();

    otherVisitor.send({ type: 'signal', callId, data: OFFER });
    expect((await otherVisitor.next('error')).code).toBe('unknown-call');
    otherVisitor.send({ type: 'signal', callId: otherCallId, data: OFFER });
    expect((await otherVisitor.next('error')).code).toBe('not-allowed');
    otherVisitor.send({ type: 'hang-up', callId });
    expect((await otherVisitor.next('error')).code).toBe('unknown-call');

    expect(await host.sync()).toEqual([]);
    expect(await visitor.sync()).toEqual([]);
  });

  test('other host cannot inject into the call', async () => {
    const { callId, host, otherHost, visitor } = await admittedCall();

    otherHost.send({ type: 'signal', callId, data: OFFER });
    expect((await otherHost.next('error')).code).toBe('unknown-call');
    otherHost.send({ type: 'hang-up', callId });
    expect((await otherHost.next('error')).code).toBe('unknown-call');

    expect(await host.sync()).toEqual([]);
    expect(await visitor.sync()).toEqual([]);
  });

  test('member of another room cannot reach the call', async () => {
    const { callId, host, visitor } = await admittedCall();
    const stranger = await join('host', randomRoom());

    stranger.send({ type: 'signal', callId, data: OFFER });
    expect((await stranger.next('error')).code).toBe('unknown-call');
    expect(await host.sync()).toEqual([]);
    expect(await visitor.sync()).toEqual([]);
  });

  test('invalid payload is rejected and not forwarded', async () => {
    const { callId, host, visitor } = await admittedCall();

    visitor.send({ type: 'signal', callId, data: { type: 'key-share', x25519: 'short' } });
    const error = await visitor.next('error');
    expect(error.code).toBe('invalid-message');
    expect(error.message).toContain('x25519');
    expect(await host.sync()).toEqual([]);
  });

  test('call-error with an unknown code is rejected', async () => {
    const { callId, host, visitor } = await admittedCall();

    visitor.send({ type: 'signal', callId, data: { type: 'call-error', code: 'bored' } });
    const error = await visitor.next('error');
    expect(error.code).toBe('invalid-message');
    expect(error.message).toContain('code');
    expect(await host.sync()).toEqual([]);
  });
});

describe('state checks', () => {
  test('visitor in a call cannot knock or cancel', async () => {
    const { visitor, host } = await admittedCall();

    visitor.send({ type: 'knock' });
    expect((await visitor.next('error')).code).toBe('not-allowed');
    visitor.send({ type: 'cancel' });
    expect((await visitor.next('error')).code).toBe('not-allowed');
    expect(await host.sync()).toEqual([]);
  });

  test('waiting visitor cannot hang up its knock', async () => {
    const { otherVisitor, otherCallId, host, otherHost } = await admittedCall();

    otherVisitor.send({ type: 'hang-up', callId: otherCallId });
    expect((await otherVisitor.next('error')).code).toBe('not-allowed');
    expect(await host.sync()).toEqual([]);
    expect(await otherHost.sync()).toEqual([]);
  });
});

describe('hang-up', () => {
  test('other member hears call-ended and the call is gone', async () => {
    const { callId, host, visitor } = await admittedCall();

    visitor.send({ type: 'hang-up', callId });
    expect(await host.next('call-ended')).toEqual({
      type: 'call-ended',
      callId,
      reason: 'hang-up',
    });
    expect(await visitor.sync()).toEqual([]);

    host.send({ type: 'signal', callId, data: OFFER });
    expect((await host.next('error')).code).toBe('unknown-call');
    expect(await visitor.sync()).toEqual([]);
  });

  test('host hanging up frees it to admit the next visitor', async () => {
    const { callId, host, visitor, otherVisitor, otherCallId } = await admittedCall();

    host.send({ type: 'hang-up', callId });
    expect(await visitor.next('call-ended')).toEqual({
      type: 'call-ended',
      callId,
      reason: 'hang-up',
    });
    host.send({ type: 'admit', callId: otherCallId });
    expect((await otherVisitor.next('admitted')).callId).toBe(otherCallId);
  });
});

describe('disconnect', () => {
  test('visitor leaving ends the call for the host', async () => {
    const { callId, host, visitor } = await admittedCall();

    await visitor.close();
    expect(await host.next('call-ended')).toEqual({
      type: 'call-ended',
      callId,
      reason: 'disconnected',
    });
  });

  test('host leaving ends the call for the visitor', async () => {
    const { callId, host, visitor } = await admittedCall();

    await host.close();
    expect(await visitor.next('call-ended')).toEqual({
      type: 'call-ended',
      callId,
      reason: 'disconnected',
    });
  });
});

describe('presence during a call', () => {
  test('room shows busy during its only call', async () => {
    const room = randomRoom();
    const observer = await join('visitor', room);
    await observer.next('presence');
    const host = await join('host', room);
    host.send({ type: 'set-presence', status: 'available', message: 'Walk in' });
    expect(await observer.next('presence')).toEqual({
      type: 'presence',
      status: 'available',
      message: 'Walk in',
    });

    const visitor = await join('visitor', room);
    visitor.send({ type: 'knock' });
    const { callId } = await visitor.next('waiting');
    host.send({ type: 'admit', callId });
    expect(await observer.next('presence')).toEqual({ type: 'presence', status: 'busy' });

    host.send({ type: 'hang-up', callId });
    expect(await observer.next('presence')).toEqual({
      type: 'presence',
      status: 'available',
      message: 'Walk in',
    });
  });

  test('room stays available while another host is free', async () => {
    const { room, otherVisitor } = await admittedCall();

    // admittedCall drained every queue after the admit, so an empty sync means no change.
    expect(await otherVisitor.sync()).toEqual([]);
    const late = await join('visitor', room);
    expect((await late.next('presence')).status).toBe('available');
  });
});
