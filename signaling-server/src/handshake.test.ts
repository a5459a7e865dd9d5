import { CloseCode, ID_PATTERN, PROTOCOL_VERSION } from '@porchlight/protocol';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { randomRoom, startRelayProcess, TestClient, type RelayProcess } from './_test-client.js';

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
    client.send({ type: 'hello', version: PROTOCOL_VERSION, role: 'visitor', room: 'no spaces' });

    const error = await client.next('error');
    expect(error.code).toBe('hello-required');
    expect(error.message).toContain('"room"');
    expect((await client.closed).code).toBe(4001);
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
