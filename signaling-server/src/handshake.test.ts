import { CloseCode, ID_PATTERN, PROTOCOL_VERSION } from '@porchlight/protocol';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ed25519 } from '@noble/curves/ed25519.js';
import {
  randomRoom,
  signChallenge,
  startRelayProcess,
  TestClient,
  type RelayProcess,
} from './_test-client.js';

let relay: RelayProcess;

beforeAll(async () => {
  relay = await startRelayProcess();
});

afterAll(async () => {
  await relay?.stop();
});

describe('hello', () => {
  test('welcome carries a random connection id', async () => {
    const room = randomRoom();
    const first = await TestClient.connect(relay.url);
    const second = await TestClient.connect(relay.url);
    first.send({ type: 'hello', version: PROTOCOL_VERSION, role: 'visitor', room });
    second.send({ type: 'hello', version: PROTOCOL_VERSION, role: 'host', room });

    const welcomeA = await first.next('welcome');
    const welcomeB = await second.next('welcome');
    expect(welcomeA.challenge).toBeUndefined();
    expect(welcomeB.challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(welcomeA.version).toBe(PROTOCOL_VERSION);
    expect(welcomeA.connectionId).toMatch(ID_PATTERN);
    expect(welcomeB.connectionId).toMatch(ID_PATTERN);
    expect(welcomeA.connectionId).not.toBe(welcomeB.connectionId);
    await first.close();
    await second.close();
  });

  test('other first message closes with 4001', async () => {
    const client = await TestClient.connect(relay.url);
    client.send({ type: 'knock' });

    const error = await client.next('error');
    expect(error.code).toBe('hello-required');
    expect((await client.closed).code).toBe(CloseCode.helloRequired);
  });

  test('invalid JSON first closes with 4001', async () => {
    const client = await TestClient.connect(relay.url);
    client.sendRaw('{"type":"hello"');

    expect((await client.next('error')).code).toBe('hello-required');
    expect((await client.closed).code).toBe(4001);
  });

  test('malformed hello closes with 4001 and names the field', async () => {
    const client = await TestClient.connect(relay.url);
    client.send({ type: 'hello', version: PROTOCOL_VERSION, role: 'visitor', room: 42 });

    const error = await client.next('error');
    expect(error.code).toBe('hello-required');
    expect(error.message).toContain('"room"');
    expect((await client.closed).code).toBe(4001);
  });

  test('room that is no room id closes with 4004', async () => {
    // The last three are 43 canonical base64url characters, but not all decode to a curve point.
    const rooms = [
      '',
      'no spaces',
      'OPEN-THIS-PAGE-FROM-THE-CONSOLE',
      ` ${randomRoom()}`,
      `${randomRoom()}=`,
      'x'.repeat(5000),
      Buffer.alloc(24).toString('base64url'),
      `${randomRoom().slice(0, 42)}B`,
      findRoomOffCurve(),
    ];
    for (const role of ['host', 'visitor'] as const) {
      for (const room of rooms) {
        const client = await TestClient.connect(relay.url);
        client.send({ type: 'hello', version: PROTOCOL_VERSION, role, room });
        const error = await client.next('error');
        expect(error.code, room).toBe('room-unknown');
        expect(error.message, room).toContain('"room" is not a room id');
        const closed = await client.closed;
        expect(closed.code, room).toBe(CloseCode.roomUnknown);
        expect(closed.reason, room).toBe('room unknown');
      }
    }
  });

  test('binary first frame closes with 4001', async () => {
    const client = await TestClient.connect(relay.url);
    client.sendRaw(Buffer.from('{"type":"hello"}'), true);

    expect((await client.next('error')).code).toBe('hello-required');
    expect((await client.closed).code).toBe(4001);
  });

  test('other version closes with 4002', async () => {
    const client = await TestClient.connect(relay.url);
    client.send({ type: 'hello', version: PROTOCOL_VERSION + 1, role: 'host', room: randomRoom() });

    const error = await client.next('error');
    expect(error.code).toBe('unsupported-version');
    expect(error.message).toContain(String(PROTOCOL_VERSION + 1));
    expect((await client.closed).code).toBe(CloseCode.unsupportedVersion);
  });

  test('other version with a new shape closes with 4002', async () => {
    const client = await TestClient.connect(relay.url);
    client.send({ type: 'hello', version: 7, role: 'therapist', rooms: ['a', 'b'] });

    expect((await client.next('error')).code).toBe('unsupported-version');
    expect((await client.closed).code).toBe(4002);
  });

  test('second hello is rejected and the connection stays usable', async () => {
    const room = randomRoom();
    const client = await TestClient.join(relay.url, 'visitor', room);
    await client.next('presence');
    client.send({ type: 'hello', version: PROTOCOL_VERSION, role: 'host', room });

    const error = await client.next('error');
    expect(error.code).toBe('hello-required');
    expect(await client.sync()).toEqual([]);

    // Still a visitor: the second hello did not turn it into a host.
    client.send({ type: 'set-presence', status: 'available' });
    expect((await client.next('error')).code).toBe('not-allowed');
    await client.close();
  });
});

/** Returns a canonical 43-character room id that is not an Ed25519 point. */
function findRoomOffCurve(): string {
  for (let i = 0; ; i++) {
    const bytes = Buffer.alloc(32);
    bytes.writeUInt32BE(i);
    try {
      ed25519.Point.fromBytes(bytes);
    } catch {
      return bytes.toString('base64url');
    }
  }
}

/** Opens a host connection for `room` and returns it with its challenge. */
async function helloAsHost(room: string): Promise<{ client: TestClient; challenge: string }> {
  const client = await TestClient.connect(relay.url);
  client.send({ type: 'hello', version: PROTOCOL_VERSION, role: 'host', room });
  const { challenge } = await client.next('welcome');
  if (challenge === undefined) throw new Error('Host welcome carried no challenge');
  return { client, challenge };
}

async function expectAuthFailed(client: TestClient): Promise<void> {
  expect((await client.next('error')).code).toBe('auth-failed');
  expect((await client.closed).code).toBe(CloseCode.authFailed);
}

describe('host authentication', () => {
  test('signed challenge joins the room', async () => {
    const { secretKey, publicKey } = ed25519.keygen();
    const room = Buffer.from(publicKey).toString('base64url');
    const { client, challenge } = await helloAsHost(room);
    client.send({ type: 'authenticate', signature: signChallenge(secretKey, challenge, room) });
    await client.next('authenticated');

    client.send({ type: 'set-presence', status: 'available' });
    const visitor = await TestClient.join(relay.url, 'visitor', room);
    expect((await visitor.next('presence')).status).toBe('available');
    await visitor.close();
    await client.close();
  });

  test('signature by another key fails', async () => {
    const room = randomRoom();
    const { client, challenge } = await helloAsHost(room);
    const stranger = ed25519.keygen().secretKey;
    client.send({ type: 'authenticate', signature: signChallenge(stranger, challenge, room) });
    await expectAuthFailed(client);
  });

  test('replayed signature fails', async () => {
    const { secretKey, publicKey } = ed25519.keygen();
    const room = Buffer.from(publicKey).toString('base64url');
    const first = await helloAsHost(room);
    const second = await helloAsHost(room);
    expect(second.challenge).not.toBe(first.challenge);

    // A signature made for the first connection's challenge is replayed on the second.
    const signature = signChallenge(secretKey, first.challenge, room);
    second.client.send({ type: 'authenticate', signature });
    await expectAuthFailed(second.client);
    first.client.send({ type: 'authenticate', signature });
    await first.client.next('authenticated');
    await first.client.close();
  });

  test('signature for another room fails', async () => {
    const { secretKey, publicKey } = ed25519.keygen();
    const room = Buffer.from(publicKey).toString('base64url');
    const { client, challenge } = await helloAsHost(room);
    client.send({ type: 'authenticate', signature: signChallenge(secretKey, challenge, 'x') });
    await expectAuthFailed(client);
  });

  test('message before authenticate fails', async () => {
    const room = randomRoom();
    const { client } = await helloAsHost(room);
    client.send({ type: 'set-presence', status: 'available' });
    await expectAuthFailed(client);

    // The unauthenticated host never reached the room, so visitors still see it offline.
    const visitor = await TestClient.join(relay.url, 'visitor', room);
    expect((await visitor.next('presence')).status).toBe('offline');
    await visitor.close();
  });

  test('malformed signature fails', async () => {
    const { client } = await helloAsHost(randomRoom());
    client.send({ type: 'authenticate', signature: 'AAAA' });
    await expectAuthFailed(client);
  });
});

describe('HTTP', () => {
  test('GET /healthz returns 200 ok', async () => {
    const response = await fetch(`${relay.httpUrl}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('ok');
  });

  test('other paths return 404', async () => {
    for (const path of ['/', '/health', '/healthz/x', '/rooms']) {
      const response = await fetch(`${relay.httpUrl}${path}`);
      expect(response.status, path).toBe(404);
      await response.text();
    }
  });

  test('POST /healthz returns 404', async () => {
    const response = await fetch(`${relay.httpUrl}/healthz`, { method: 'POST', body: 'x' });
    expect(response.status).toBe(404);
    await response.text();
  });
});
