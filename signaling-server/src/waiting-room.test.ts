import type { PresenceStatus } from '@porchlight/protocol';
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

/** Joins a host and waits until `observer`, a visitor of the room, receives the status it set. */
async function joinHost(room: string, status: PresenceStatus, observer: TestClient) {
  const host = await join('host', room);
  host.send({ type: 'set-presence', status });
  expect((await observer.next('presence')).status).toBe(status);
  return host;
}

/** Joins a visitor, takes its first presence and knocks. Returns the client and its call id. */
async function knock(room: string, name?: string) {
  const visitor = await join('visitor', room);
  await visitor.next('presence');
  visitor.send(name === undefined ? { type: 'knock' } : { type: 'knock', name });
  const waiting = await visitor.next('waiting');
  return { visitor, callId: waiting.callId, position: waiting.position };
}

describe('presence', () => {
  test('visitor sees offline before any host sets presence', async () => {
    const room = randomRoom();
    await join('host', room);
    const visitor = await join('visitor', room);

    expect(await visitor.next('presence')).toEqual({ type: 'presence', status: 'offline' });
  });

  test('visitor receives every status change with its message', async () => {
    const room = randomRoom();
    const visitor = await join('visitor', room);
    await visitor.next('presence');
    const host = await join('host', room);

    host.send({ type: 'set-presence', status: 'available', message: 'Free until 5 pm' });
    expect(await visitor.next('presence')).toEqual({
      type: 'presence',
      status: 'available',
      message: 'Free until 5 pm',
    });
    host.send({ type: 'set-presence', status: 'busy' });
    expect(await visitor.next('presence')).toEqual({ type: 'presence', status: 'busy' });
    host.send({ type: 'set-presence', status: 'offline', message: 'Back on Monday' });
    expect(await visitor.next('presence')).toEqual({
      type: 'presence',
      status: 'offline',
      message: 'Back on Monday',
    });
  });

  test('late visitor receives the current presence on welcome', async () => {
    const room = randomRoom();
    const first = await join('visitor', room);
    await first.next('presence');
    await joinHost(room, 'busy', first);

    const late = await join('visitor', room);
    expect((await late.next('presence')).status).toBe('busy');
  });

  test('unchanged presence is not sent again', async () => {
    const room = randomRoom();
    const visitor = await join('visitor', room);
    await visitor.next('presence');
    const host = await joinHost(room, 'available', visitor);

    host.send({ type: 'set-presence', status: 'available' });
    await host.sync();
    expect(await visitor.sync()).toEqual([]);
  });

  test('room shows the best status of several hosts', async () => {
    const room = randomRoom();
    const visitor = await join('visitor', room);
    await visitor.next('presence');
    const busyHost = await joinHost(room, 'busy', visitor);
    const availableHost = await joinHost(room, 'available', visitor);

    await availableHost.close();
    expect((await visitor.next('presence')).status).toBe('busy');
    await busyHost.close();
    expect((await visitor.next('presence')).status).toBe('offline');
  });
});

describe('knock', () => {
  test('every host connection receives the knock with the name', async () => {
    const room = randomRoom();
    const observer = await join('visitor', room);
    await observer.next('presence');
    const hostA = await joinHost(room, 'available', observer);
    const hostB = await join('host', room);

    const { callId, position } = await knock(room, 'Sam');
    expect(callId).toMatch(/^[0-9a-f]{32}$/);
    expect(position).toBe(1);
    expect(await hostA.next('knock-received')).toEqual({
      type: 'knock-received',
      callId,
      name: 'Sam',
    });
    expect(await hostB.next('knock-received')).toEqual({
      type: 'knock-received',
      callId,
      name: 'Sam',
    });
  });

  test('knock without a name reaches hosts without a name', async () => {
    const room = randomRoom();
    const observer = await join('visitor', room);
    await observer.next('presence');
    const host = await joinHost(room, 'available', observer);

    const { callId } = await knock(room);
    expect(await host.next('knock-received')).toEqual({ type: 'knock-received', callId });
  });

  test('queue positions count up and move on when someone leaves', async () => {
    const room = randomRoom();
    const observer = await join('visitor', room);
    await observer.next('presence');
    const host = await joinHost(room, 'available', observer);

    const first = await knock(room);
    const second = await knock(room);
    const third = await knock(room);
    expect([first.position, second.position, third.position]).toEqual([1, 2, 3]);

    first.visitor.send({ type: 'cancel' });
    expect(await host.next('knock-ended')).toEqual({
      type: 'knock-ended',
      callId: first.callId,
      reason: 'cancelled',
    });
    expect(await second.visitor.next('waiting')).toEqual({
      type: 'waiting',
      callId: second.callId,
      position: 1,
    });
    expect((await third.visitor.next('waiting')).position).toBe(2);

    await second.visitor.close();
    const ended = await host.next('knock-ended');
    expect(ended.callId).toBe(second.callId);
    expect(ended.reason).toBe('disconnected');
    expect((await third.visitor.next('waiting')).position).toBe(1);
  });

  test('offline room rejects a knock with room-offline', async () => {
    const room = randomRoom();
    await join('host', room);
    const visitor = await join('visitor', room);
    await visitor.next('presence');

    visitor.send({ type: 'knock', name: 'Sam' });
    expect((await visitor.next('error')).code).toBe('room-offline');
  });

  test('busy room queues a knock', async () => {
    const room = randomRoom();
    const observer = await join('visitor', room);
    await observer.next('presence');
    const host = await joinHost(room, 'busy', observer);

    const { callId, position } = await knock(room);
    expect(position).toBe(1);
    expect((await host.next('knock-received')).callId).toBe(callId);
  });

  test('second knock while waiting is not allowed', async () => {
    const room = randomRoom();
    const observer = await join('visitor', room);
    await observer.next('presence');
    await joinHost(room, 'available', observer);
    const { visitor } = await knock(room);

    visitor.send({ type: 'knock' });
    expect((await visitor.next('error')).code).toBe('not-allowed');
  });

  test('cancel without a knock is not allowed', async () => {
    const visitor = await join('visitor', randomRoom());
    visitor.send({ type: 'cancel' });
    expect((await visitor.next('error')).code).toBe('not-allowed');
  });

  test('host joining later receives the waiting knocks', async () => {
    const room = randomRoom();
    const observer = await join('visitor', room);
    await observer.next('presence');
    await joinHost(room, 'available', observer);
    const first = await knock(room, 'Ana');
    const second = await knock(room);

    const late = await join('host', room);
    expect(await late.next('knock-received')).toEqual({
      type: 'knock-received',
      callId: first.callId,
      name: 'Ana',
    });
    expect(await late.next('knock-received')).toEqual({
      type: 'knock-received',
      callId: second.callId,
    });
  });
});

describe('admit', () => {
  test('first admit wins and other hosts hear admitted-elsewhere', async () => {
    const room = randomRoom();
    const observer = await join('visitor', room);
    await observer.next('presence');
    const hostA = await joinHost(room, 'available', observer);
    const hostB = await join('host', room);
    const { visitor, callId } = await knock(room);
    await hostA.next('knock-received');
    await hostB.next('knock-received');

    hostA.send({ type: 'admit', callId });
    expect(await hostA.next('admitted')).toEqual({ type: 'admitted', callId });
    expect(await visitor.next('admitted')).toEqual({ type: 'admitted', callId });
    expect(await hostB.next('knock-ended')).toEqual({
      type: 'knock-ended',
      callId,
      reason: 'admitted-elsewhere',
    });

    hostB.send({ type: 'admit', callId });
    expect((await hostB.next('error')).code).toBe('unknown-call');
    expect(await hostB.sync()).toEqual([]);
    expect(await hostA.sync()).toEqual([]);
  });

  test('admit of an unknown call id is rejected', async () => {
    const host = await join('host', randomRoom());
    host.send({ type: 'admit', callId: 'a'.repeat(32) });
    expect((await host.next('error')).code).toBe('unknown-call');
  });

  test('admit of the next visitor moves the queue up', async () => {
    const room = randomRoom();
    const observer = await join('visitor', room);
    await observer.next('presence');
    const host = await joinHost(room, 'available', observer);
    const first = await knock(room);
    const second = await knock(room);

    host.send({ type: 'admit', callId: first.callId });
    await first.visitor.next('admitted');
    expect(await second.visitor.next('waiting')).toEqual({
      type: 'waiting',
      callId: second.callId,
      position: 1,
    });
  });

  test('host already in a call cannot admit another visitor', async () => {
    const room = randomRoom();
    const observer = await join('visitor', room);
    await observer.next('presence');
    const host = await joinHost(room, 'available', observer);
    const first = await knock(room);
    const second = await knock(room);

    host.send({ type: 'admit', callId: first.callId });
    await host.next('admitted');
    expect((await second.visitor.next('waiting')).position).toBe(1);
    expect((await second.visitor.next('presence')).status).toBe('busy');
    host.send({ type: 'admit', callId: second.callId });
    expect((await host.next('error')).code).toBe('not-allowed');
    expect(await second.visitor.sync()).toEqual([]);
  });
});

describe('decline', () => {
  test('visitor receives the message and hosts hear declined', async () => {
    const room = randomRoom();
    const observer = await join('visitor', room);
    await observer.next('presence');
    const hostA = await joinHost(room, 'available', observer);
    const hostB = await join('host', room);
    const { visitor, callId } = await knock(room);

    hostA.send({ type: 'decline', callId, message: 'Please book a session instead' });
    expect(await visitor.next('declined')).toEqual({
      type: 'declined',
      callId,
      reason: 'declined',
      message: 'Please book a session instead',
    });
    for (const host of [hostA, hostB]) {
      expect(await host.next('knock-ended')).toEqual({
        type: 'knock-ended',
        callId,
        reason: 'declined',
      });
    }
  });

  test('declined visitor may knock again', async () => {
    const room = randomRoom();
    const observer = await join('visitor', room);
    await observer.next('presence');
    const host = await joinHost(room, 'available', observer);
    const { visitor, callId } = await knock(room);

    host.send({ type: 'decline', callId });
    expect(await visitor.next('declined')).toEqual({
      type: 'declined',
      callId,
      reason: 'declined',
    });
    visitor.send({ type: 'knock' });
    const waiting = await visitor.next('waiting');
    expect(waiting.callId).not.toBe(callId);
    expect(waiting.position).toBe(1);
  });

  test('decline of an unknown call id is rejected', async () => {
    const host = await join('host', randomRoom());
    host.send({ type: 'decline', callId: 'b'.repeat(32) });
    expect((await host.next('error')).code).toBe('unknown-call');
  });
});

describe('host offline', () => {
  test('last host leaving declines waiting visitors with host-offline', async () => {
    const room = randomRoom();
    const observer = await join('visitor', room);
    await observer.next('presence');
    const host = await joinHost(room, 'available', observer);
    const first = await knock(room);
    const second = await knock(room);

    await host.close();
    for (const { visitor, callId } of [first, second]) {
      expect(await visitor.next('declined')).toEqual({
        type: 'declined',
        callId,
        reason: 'host-offline',
      });
      expect((await visitor.next('presence')).status).toBe('offline');
    }
    expect((await observer.next('presence')).status).toBe('offline');

    first.visitor.send({ type: 'knock' });
    expect((await first.visitor.next('error')).code).toBe('room-offline');
  });

  test('all hosts setting offline declines waiting visitors', async () => {
    const room = randomRoom();
    const observer = await join('visitor', room);
    await observer.next('presence');
    const hostA = await joinHost(room, 'available', observer);
    const hostB = await join('host', room);
    const { visitor, callId } = await knock(room);
    await hostB.next('knock-received');

    hostA.send({ type: 'set-presence', status: 'offline' });
    expect(await visitor.next('declined')).toEqual({
      type: 'declined',
      callId,
      reason: 'host-offline',
    });
    expect((await visitor.next('presence')).status).toBe('offline');
    expect(await hostB.next('knock-ended')).toEqual({
      type: 'knock-ended',
      callId,
      reason: 'declined',
    });
  });

  test('one host going offline keeps the queue while another is online', async () => {
    const room = randomRoom();
    const observer = await join('visitor', room);
    await observer.next('presence');
    const hostA = await joinHost(room, 'available', observer);
    const hostB = await join('host', room);
    hostB.send({ type: 'set-presence', status: 'busy' });
    await hostB.sync();
    const { visitor } = await knock(room);

    await hostA.close();
    expect((await visitor.next('presence')).status).toBe('busy');
    expect(await visitor.sync()).toEqual([]);
  });
});

describe('roles', () => {
  test('visitor cannot admit, decline or set presence', async () => {
    const visitor = await join('visitor', randomRoom());
    await visitor.next('presence');
    const messages = [
      { type: 'admit', callId: 'c'.repeat(32) },
      { type: 'decline', callId: 'c'.repeat(32) },
      { type: 'set-presence', status: 'available' },
    ];
    for (const message of messages) {
      visitor.send(message);
      const error = await visitor.next('error');
      expect(error.code, message.type).toBe('not-allowed');
      expect(error.message, message.type).toContain(message.type);
    }
  });

  test('host cannot knock or cancel', async () => {
    const host = await join('host', randomRoom());
    for (const type of ['knock', 'cancel']) {
      host.send({ type });
      expect((await host.next('error')).code, type).toBe('not-allowed');
    }
  });
});
