import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { randomRoom } from './_test-client.js';
import { envName, formatWebSocketUrl, parseCommandLine, UsageError } from './cli-options.js';

describe('parseCommandLine', () => {
  const defaults = {
    host: '127.0.0.1',
    port: 8787,
    maxPayload: 65_536,
    helloTimeoutMs: 10_000,
    heartbeatIntervalMs: 30_000,
    knockTimeoutMs: 600_000,
    maxWaitingPerRoom: 20,
    rateLimitPerSecond: 20,
    rateLimitBurst: 100,
    maxRateLimitedMessages: 100,
    maxConnectionsPerAddress: 50,
    maxBufferedBytes: 1_048_576,
    allowedOrigins: [],
    trustProxy: false,
    shutdownGraceMs: 2000,
    redisHeartbeatMs: 1000,
    logLevel: 'info',
  };

  test('defaults without flags or environment', () => {
    expect(parseCommandLine([], {})).toEqual({ kind: 'run', options: defaults });
  });

  test('flags win over environment variables', () => {
    const env = { PORCHLIGHT_PORT: '1234', PORCHLIGHT_HOST: '0.0.0.0' };
    expect(parseCommandLine(['--port=0', '--host', '::1'], env)).toEqual({
      kind: 'run',
      options: { ...defaults, host: '::1', port: 0 },
    });
    expect(parseCommandLine([], env)).toEqual({
      kind: 'run',
      options: { ...defaults, host: '0.0.0.0', port: 1234 },
    });
  });

  test('every setting has a flag and a matching environment variable', () => {
    const settings: Array<[string, string, string, unknown]> = [
      ['max-message-bytes', 'maxPayload', '1000', 1000],
      ['hello-timeout-ms', 'helloTimeoutMs', '5', 5],
      ['heartbeat-interval-ms', 'heartbeatIntervalMs', '0', 0],
      ['knock-timeout-ms', 'knockTimeoutMs', '250', 250],
      ['max-waiting-per-room', 'maxWaitingPerRoom', '3', 3],
      ['rate-limit', 'rateLimitPerSecond', '7', 7],
      ['rate-burst', 'rateLimitBurst', '9', 9],
      ['rate-limit-close-after', 'maxRateLimitedMessages', '11', 11],
      ['max-connections-per-address', 'maxConnectionsPerAddress', '2', 2],
      ['max-buffered-bytes', 'maxBufferedBytes', '4096', 4096],
      ['shutdown-grace-ms', 'shutdownGraceMs', '100', 100],
      [
        'allowed-origins',
        'allowedOrigins',
        'https://a.test, https://b.test',
        ['https://a.test', 'https://b.test'],
      ],
      ['log-level', 'logLevel', 'warn', 'warn'],
      ['redis-url', 'redisUrl', 'redis://127.0.0.1:6380/1', 'redis://127.0.0.1:6380/1'],
      ['redis-heartbeat-ms', 'redisHeartbeatMs', '250', 250],
    ];
    for (const [flag, key, text, value] of settings) {
      const fromFlag = parseCommandLine([`--${flag}`, text], {});
      const fromEnv = parseCommandLine([], { [envName(flag)]: text });
      expect(fromFlag.kind === 'run' && fromFlag.options[key as 'port'], flag).toEqual(value);
      expect(fromEnv.kind === 'run' && fromEnv.options[key as 'port'], envName(flag)).toEqual(
        value,
      );
    }
  });

  test('invalid Redis settings are rejected', () => {
    for (const url of ['127.0.0.1:6379', 'http://127.0.0.1:6379', 'redis://']) {
      expect(() => parseCommandLine(['--redis-url', url], {}), url).toThrow(UsageError);
    }
    for (const interval of ['49', '60001', 'x']) {
      const args = ['--redis-heartbeat-ms', interval];
      expect(() => parseCommandLine(args, {}), interval).toThrow(UsageError);
    }
  });

  test('Redis URL error hides the URL', () => {
    const url = 'http://user:hunter2@127.0.0.1:6379';
    expect(() => parseCommandLine(['--redis-url', url], {})).toThrow(/^Invalid --redis-url:/);
    expect(() => parseCommandLine(['--redis-url', url], {})).not.toThrow(/hunter2/);
  });

  test('trust proxy from flag or environment', () => {
    const fromFlag = parseCommandLine(['--trust-proxy'], {});
    const fromEnv = parseCommandLine([], { PORCHLIGHT_TRUST_PROXY: '1' });
    expect(fromFlag.kind === 'run' && fromFlag.options.trustProxy).toBe(true);
    expect(fromEnv.kind === 'run' && fromEnv.options.trustProxy).toBe(true);
  });

  test('TURN needs both secret and URLs', () => {
    const args = ['--turn-urls', 'turn:127.0.0.1:3478', '--turn-ttl-seconds', '120'];
    const command = parseCommandLine(args, { PORCHLIGHT_TURN_SECRET: 's3cret' });
    expect(command.kind === 'run' && command.options.turn).toEqual({
      secret: 's3cret',
      urls: ['turn:127.0.0.1:3478'],
      ttlSeconds: 120,
    });
    expect(() => parseCommandLine(['--turn-secret', 'x'], {})).toThrow(UsageError);
    expect(() => parseCommandLine(['--turn-urls', 'turn:a'], {})).toThrow(UsageError);
    expect(() => parseCommandLine(['--turn-urls', 'http://a', '--turn-secret', 'x'], {})).toThrow(
      UsageError,
    );
  });

  test('help wins over other flags', () => {
    expect(parseCommandLine(['--port', 'x', '-h'], {})).toEqual({ kind: 'help' });
  });

  test('rejects bad input with UsageError', () => {
    const bad: Array<[string[], Record<string, string>]> = [
      [['--nope'], {}],
      [['extra'], {}],
      [['--port'], {}],
      [['--port', '1e3'], {}],
      [['--port', '65536'], {}],
      [['--host', ' '], {}],
      [[], { PORCHLIGHT_PORT: '-5' }],
      [['--rate-limit', '0'], {}],
      [['--log-level', 'loud'], {}],
      [[], { PORCHLIGHT_TRUST_PROXY: 'yes' }],
      [['--turn-ttl-seconds', '5', '--turn-secret', 'x', '--turn-urls', 'turn:a'], {}],
    ];
    for (const [args, env] of bad) {
      expect(() => parseCommandLine(args, env), args.join(' ')).toThrow(UsageError);
    }
  });
});

describe('parseCommandLine served rooms', () => {
  const folder = mkdtempSync(join(tmpdir(), 'porchlight-rooms-'));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  /** Writes `text` to a new file in the test folder and returns its path. */
  function roomsFile(name: string, text: string): string {
    const path = join(folder, name);
    writeFileSync(path, text);
    return path;
  }

  /** Returns the served rooms of a command line, or 'help' when it printed help. */
  function servedRooms(args: string[], env: Record<string, string> = {}) {
    const command = parseCommandLine(args, env);
    return command.kind === 'run' ? command.options.rooms : 'help';
  }

  test('rooms are unset without flag or environment', () => {
    expect(servedRooms([])).toBeUndefined();
    expect(servedRooms(['--rooms='])).toBeUndefined();
    expect(servedRooms([], { PORCHLIGHT_ROOMS: ' ' })).toBeUndefined();
  });

  test('rooms from flag or environment', () => {
    const [a, b] = [randomRoom(), randomRoom()];
    expect(servedRooms([`--rooms=${a}, ${b}`])).toEqual([a, b]);
    expect(servedRooms([], { PORCHLIGHT_ROOMS: `${a},${b},${a}` })).toEqual([a, b]);
  });

  test('rooms file skips blank and comment lines', () => {
    const [a, b, c] = [randomRoom(), randomRoom(), randomRoom()];
    const path = roomsFile('good.txt', `# Practice rooms\r\n${a}\n\n  ${b}  \n# ${c}\n`);
    expect(servedRooms(['--rooms-file', path])).toEqual([a, b]);
    expect(servedRooms([], { PORCHLIGHT_ROOMS_FILE: path })).toEqual([a, b]);
    expect(servedRooms([`--rooms=${c}`, '--rooms-file', path])).toEqual([c, a, b]);
  });

  test('room id starting with a dash', () => {
    // About one room id in 64 starts with "-", which parseArgs reads as a flag after a space.
    let room = randomRoom();
    while (!room.startsWith('-')) room = randomRoom();
    expect(servedRooms([`--rooms=${room}`])).toEqual([room]);
    expect(() => parseCommandLine(['--rooms', room], {})).toThrow("use '--rooms=-XYZ'");
  });

  test('rooms of only commas are rejected', () => {
    for (const value of [',', ' , ,']) {
      expect(() => parseCommandLine([`--rooms=${value}`], {}), value).toThrow('lists no room id');
      const environment = { PORCHLIGHT_ROOMS: value };
      expect(() => parseCommandLine([], environment), value).toThrow('PORCHLIGHT_ROOMS');
    }
  });

  test('bad rooms entry is named in the error', () => {
    const good = randomRoom();
    const offCurve = Buffer.alloc(32, 0xff).toString('base64url');
    for (const bad of ['not-a-room', `${good}=`, offCurve, good.slice(1)]) {
      const parse = () => parseCommandLine([`--rooms=${good},${bad}`], {});
      expect(parse, bad).toThrow(UsageError);
      expect(parse, bad).toThrow(`Invalid --rooms entry "${bad}": expected a room id`);
    }
    const fromEnv = () => parseCommandLine([], { PORCHLIGHT_ROOMS: 'x' });
    expect(fromEnv).toThrow('Invalid PORCHLIGHT_ROOMS entry "x"');
  });

  test('bad rooms file line is named in the error', () => {
    const path = roomsFile('bad.txt', `${randomRoom()}\n# comment\nsomething else\n`);
    const parse = () => parseCommandLine(['--rooms-file', path], {});
    expect(parse).toThrow(UsageError);
    expect(parse).toThrow(`Invalid --rooms-file "${path}" line 3 "something else"`);
  });

  test('long bad entry is cut in the error', () => {
    const parse = () => parseCommandLine([`--rooms=${'y'.repeat(500)}`], {});
    expect(parse).toThrow(`"${'y'.repeat(60)}…"`);
    expect(parse).not.toThrow('y'.repeat(61));
  });

  test('missing or empty rooms file is rejected', () => {
    const missing = join(folder, 'missing.txt');
    expect(() => parseCommandLine(['--rooms-file', missing], {})).toThrow(
      `Invalid --rooms-file "${missing}": cannot read the file (ENOENT)`,
    );
    const empty = roomsFile('empty.txt', '# no rooms yet\n\n');
    expect(() => parseCommandLine([], { PORCHLIGHT_ROOMS_FILE: empty })).toThrow(
      `Invalid PORCHLIGHT_ROOMS_FILE "${empty}": the file lists no room id`,
    );
  });
});

describe('formatWebSocketUrl', () => {
  test('brackets IPv6 addresses only', () => {
    expect(formatWebSocketUrl('127.0.0.1', 8787)).toBe('ws://127.0.0.1:8787');
    expect(formatWebSocketUrl('::1', 8787)).toBe('ws://[::1]:8787');
  });
});
