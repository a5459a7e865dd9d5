import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { randomRoom, startRelayProcess, TestClient, type RelayProcess } from './_test-client.js';

let relay: RelayProcess;

beforeAll(async () => {
  relay = await startRelayProcess();
});

afterAll(async () => {
  await relay?.stop();
});

/** Joins a host and a visitor to an available room, so that a knock works as a liveness check. */
async function availableRoom() {
  const room = randomRoom();
  const visitor = await TestClient.join(relay.url, 'visitor', room);
  await visitor.next('presence');
  const host = await TestClient.join(relay.url, 'host', room);
  host.send({ type: 'set-presence', status: 'available' });
  await visitor.next('presence');
  return { host, visitor };
}

describe('invalid frames', () => {
  const cases: Array<{ name: string; frame: string | Buffer; binary?: boolean; code: string }> = [
    { name: 'invalid JSON', frame: '{"type":', code: 'invalid-json' },
    { name: 'JSON array', frame: '[1,2]', code: 'invalid-message' },
    { name: 'JSON string', frame: '"knock"', code: 'invalid-message' },
    { name: 'missing type', frame: '{"name":"Sam"}', code: 'invalid-message' },
    { name: 'unknown type', frame: '{"type":"teleport"}', code: 'invalid-message' },
    { name: 'numeric name', frame: '{"type":"knock","name":42}', code: 'invalid-message' },
    {
      name: 'name too long',
      frame: JSON.stringify({ type: 'knock', name: 'x'.repeat(65) }),
      code: 'invalid-message',
    },
    { name: 'call id not hex', frame: '{"type":"hang-up","callId":"X"}', code: 'invalid-message' },
    {
      name: 'signal without data',
      frame: `{"type":"signal","callId":"${'d'.repeat(32)}"}`,
      code: 'invalid-message',
    },
    {
      name: 'binary frame',
      frame: Buffer.from([0, 1, 2, 3]),
      binary: true,
      code: 'invalid-message',
    },
  ];

  for (const { name, frame, binary, code } of cases) {
    test(`${name} gets ${code} and the connection stays usable`, async () => {
      const { host, visitor } = await availableRoom();

      visitor.sendRaw(frame, binary);
      const error = await visitor.next('error');
      expect(error.code).toBe(code);
      expect(error.message.length).toBeGreaterThan(0);

      visitor.send({ type: 'knock' });
      expect((await visitor.next('waiting')).position).toBe(1);
      expect(await host.next('knock-received')).toBeDefined();
      await visitor.close();
      await host.close();
    });
  }

  test('error text does not echo the frame', async () => {
    const { host, visitor } = await availableRoom();

    visitor.sendRaw(JSON.stringify({ type: 'knock', name: 'Secret Person'.repeat(10) }));
    const error = await visitor.next('error');
    expect(error.code).toBe('invalid-message');
    expect(error.message).not.toContain('Secret');
    await visitor.close();
    await host.close();
  });
});

describe('frame size', () => {
  test('frame over 64 KiB closes the connection with 1009', async () => {
    const { host, visitor } = await availableRoom();

    visitor.sendRaw(JSON.stringify({ type: 'knock', name: 'x'.repeat(64 * 1024) }));
    expect((await visitor.closed).code).toBe(1009);

    // The host connection of the same room is unaffected.
    expect(await host.sync()).toEqual([]);
    await host.close();
  });

  test('frame just under 64 KiB is parsed normally', async () => {
    const { host, visitor } = await availableRoom();

    const padding = 'x'.repeat(60 * 1024);
    visitor.sendRaw(JSON.stringify({ type: 'knock', name: padding }));
    const error = await visitor.next('error');
    expect(error.code).toBe('invalid-message');
    expect(error.message).toContain('"name"');
    await visitor.close();
    await host.close();
  });
});

describe('after abuse', () => {
  test('relay still serves a new connection', async () => {
    // Runs after the tests above in this file, which sent invalid and oversized frames.
    const abuser = await TestClient.connect(relay.url);
    abuser.sendRaw(Buffer.alloc(70 * 1024), true);
    expect((await abuser.closed).code).toBe(1009);

    const { host, visitor } = await availableRoom();
    visitor.send({ type: 'knock', name: 'Sam' });
    const { callId } = await visitor.next('waiting');
    expect((await host.next('knock-received')).name).toBe('Sam');
    host.send({ type: 'admit', callId });
    expect((await visitor.next('admitted')).callId).toBe(callId);

    const health = await fetch(`${relay.httpUrl}/healthz`);
    expect(health.status).toBe(200);
    await health.text();
    expect(relay.child.exitCode).toBeNull();
    await visitor.close();
    await host.close();
  });
});
