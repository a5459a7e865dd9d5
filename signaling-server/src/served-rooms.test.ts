// Tests of the served-room list (`--rooms`, `--rooms-file`) against the built relay process, and
// of the `rooms` option of createRelay.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloseCode, PROTOCOL_VERSION, type Role } from '@porchlight/protocol';
import { afterAll, describe, expect, test } from 'vitest';
import {
  randomRoom,
  runRelayCli,
  startRelayProcess,
  TestClient,
  type RelayProcess,
} from './_test-client.js';
import { createRelay } from './relay.js';

const folder = mkdtempSync(join(tmpdir(), 'porchlight-served-rooms-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** Sends a `hello` for `room` and returns the relay's error and close. */
async function helloRejected(url: string, role: Role, room: string) {
  const client = await TestClient.connect(url);
  client.send({ type: 'hello', version: PROTOCOL_VERSION, role, room });
  const error = await client.next('error');
  const closed = await client.closed;
  return { error, closed };
}

/** Reads the relay's count of `room-unknown` rejections from /metrics. */
async function roomUnknownCount(relay: RelayProcess): Promise<number> {
  const text = await (await fetch(`${relay.httpUrl}/metrics`)).text();
  const match = /^porchlight_relay_rejections_total\{reason="room-unknown"\} (\d+)$/m.exec(text);
  return match === null ? 0 : Number(match[1]);
}

describe('relay with --rooms', () => {
  test('listed room gets welcome and presence', async () => {
    const [listed, other] = [randomRoom(), randomRoom()];
    const relay = await startRelayProcess(['--port', '0', `--rooms=${other},${listed}`]);
    try {
      const host = await TestClient.join(relay.url, 'host', listed);
      const visitor = await TestClient.join(relay.url, 'visitor', listed);
      expect(await visitor.next('presence')).toEqual({ type: 'presence', status: 'offline' });
      host.send({ type: 'set-presence', status: 'available' });
      expect(await visitor.next('presence')).toEqual({ type: 'presence', status: 'available' });
      await Promise.all([host.close(), visitor.close()]);
      expect(await roomUnknownCount(relay)).toBe(0);
    } finally {
      await relay.stop();
    }
  });

  test('unlisted room closes hosts and visitors with 4004', async () => {
    const [listed, unlisted] = [randomRoom(), randomRoom()];
    const relay = await startRelayProcess(['--port', '0'], { PORCHLIGHT_ROOMS: listed });
    try {
      for (const role of ['host', 'visitor'] as const) {
        const { error, closed } = await helloRejected(relay.url, role, unlisted);
        expect(error, role).toEqual({
          type: 'error',
          code: 'room-unknown',
          message: 'Room unknown: this relay does not serve the room',
        });
        expect(closed, role).toEqual({ code: CloseCode.roomUnknown, reason: 'room unknown' });
      }
      expect(await roomUnknownCount(relay)).toBe(2);
    } finally {
      await relay.stop();
    }
  });

  test('malformed room id closes with 4004 before the list is read', async () => {
    const relay = await startRelayProcess(['--port', '0', `--rooms=${randomRoom()}`]);
    try {
      const { error, closed } = await helloRejected(relay.url, 'visitor', 'not-a-room');
      expect(error.code).toBe('room-unknown');
      expect(error.message).toContain('"room" is not a room id');
      expect(closed.code).toBe(CloseCode.roomUnknown);
      expect(await roomUnknownCount(relay)).toBe(1);
    } finally {
      await relay.stop();
    }
  });

  test('log names no listed or unlisted room', async () => {
    const [listed, unlisted] = [randomRoom(), randomRoom()];
    const args = ['--port', '0', '--log-level', 'debug', `--rooms=${listed}`];
    const relay = await startRelayProcess(args);
    const visitor = await TestClient.join(relay.url, 'visitor', listed);
    await visitor.next('presence');
    await helloRejected(relay.url, 'host', unlisted);
    await visitor.close();
    expect(await relay.stop()).toBe(0);

    const log = relay.stderr();
    expect(log).toContain('"code":4004');
    expect(log).not.toContain(listed);
    expect(log).not.toContain(unlisted);
  });
});

describe('relay with --rooms-file', () => {
  test('rooms of the file are served, others are not', async () => {
    const [fromFile, fromFlag, unlisted] = [randomRoom(), randomRoom(), randomRoom()];
    const path = join(folder, 'rooms.txt');
    writeFileSync(path, `# Rooms of this practice\n${fromFile}\n`);
    const relay = await startRelayProcess(['--port', '0', `--rooms=${fromFlag}`], {
      PORCHLIGHT_ROOMS_FILE: path,
    });
    try {
      for (const room of [fromFile, fromFlag]) {
        const visitor = await TestClient.join(relay.url, 'visitor', room);
        expect((await visitor.next('presence')).status, room).toBe('offline');
        await visitor.close();
      }
      const { error } = await helloRejected(relay.url, 'visitor', unlisted);
      expect(error.code).toBe('room-unknown');
    } finally {
      await relay.stop();
    }
  });

  test('bad entry stops the start with exit code 2', async () => {
    const path = join(folder, 'bad-rooms.txt');
    writeFileSync(path, `${randomRoom()}\nOPEN-THIS-PAGE-FROM-THE-CONSOLE\n`);
    const { code, stdout, stderr } = await runRelayCli(['--port', '0', '--rooms-file', path]);

    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(
      `Invalid --rooms-file "${path}" line 2 "OPEN-THIS-PAGE-FROM-THE-CONSOLE": expected a room id`,
    );
  });

  test('bad --rooms entry stops the start with exit code 2', async () => {
    const { code, stderr } = await runRelayCli(['--port', '0'], {
      PORCHLIGHT_ROOMS: `${randomRoom()},abc`,
    });

    expect(code).toBe(2);
    expect(stderr).toContain('Invalid PORCHLIGHT_ROOMS entry "abc": expected a room id');
  });
});

describe('createRelay rooms option', () => {
  test('rejects a list with an entry that is no room id', () => {
    expect(() => createRelay({ rooms: [randomRoom(), 'abc'] })).toThrow(
      'Invalid option "rooms": "abc" is not a room id',
    );
    expect(() => createRelay({ rooms: [7 as unknown as string] })).toThrow(
      'Invalid option "rooms": number is not a room id',
    );
  });

  test('rejects an empty list', () => {
    expect(() => createRelay({ rooms: [] })).toThrow(TypeError);
    expect(() => createRelay({ rooms: 'abc' as unknown as string[] })).toThrow(TypeError);
  });

  test('serves only the listed rooms', async () => {
    const [listed, unlisted] = [randomRoom(), randomRoom()];
    const relay = createRelay({ port: 0, log: () => {}, rooms: [listed] });
    const { host, port } = await relay.listen();
    const url = `ws://${host}:${port}`;
    try {
      const visitor = await TestClient.join(url, 'visitor', listed);
      expect((await visitor.next('presence')).status).toBe('offline');
      await visitor.close();
      const { error, closed } = await helloRejected(url, 'host', unlisted);
      expect(error.code).toBe('room-unknown');
      expect(closed.code).toBe(CloseCode.roomUnknown);
    } finally {
      await relay.close();
    }
  });
});
