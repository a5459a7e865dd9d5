import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { isRoomId, quoteRoomEntry } from './hello.js';
import type { RelayLogLevel } from './log.js';
import type { TurnSettings } from './turn.js';

/** Settings of the command-line relay after flags and environment variables are merged. */
export interface CliOptions {
  host: string;
  port: number;
  maxPayload: number;
  helloTimeoutMs: number;
  heartbeatIntervalMs: number;
  knockTimeoutMs: number;
  maxWaitingPerRoom: number;
  rateLimitPerSecond: number;
  rateLimitBurst: number;
  maxRateLimitedMessages: number;
  maxConnectionsPerAddress: number;
  maxBufferedBytes: number;
  allowedOrigins: string[];
  trustProxy: boolean;
  shutdownGraceMs: number;
  logLevel: RelayLogLevel;
  turn?: TurnSettings;
  /** Room ids the relay serves, from `--rooms` and `--rooms-file`. Undefined serves every room. */
  rooms?: string[];
  redisUrl?: string;
  redisHeartbeatMs: number;
}

/** The result of reading the command line: run the relay, or print help. */
export type CliCommand = { kind: 'run'; options: CliOptions } | { kind: 'help' };

export const DEFAULT_PORT = 8787;
export const DEFAULT_HOST = '127.0.0.1';

type IntegerKey = {
  [K in keyof CliOptions]-?: CliOptions[K] extends number ? K : never;
}[keyof CliOptions];

/** One integer setting: its flag, the option it sets, its range, default and help text. */
interface IntegerSetting {
  flag: string;
  key: IntegerKey;
  min: number;
  max: number;
  fallback: number;
  help: string;
}

const MAX_INT32 = 2 ** 31 - 1;

const INTEGER_SETTINGS: readonly IntegerSetting[] = [
  {
    flag: 'port',
    key: 'port',
    min: 0,
    max: 65_535,
    fallback: DEFAULT_PORT,
    help: 'TCP port to listen on, 0 picks a free port',
  },
  {
    flag: 'max-message-bytes',
    key: 'maxPayload',
    min: 1,
    max: MAX_INT32,
    fallback: 65_536,
    help: 'Largest message in bytes; a larger one closes with 1009',
  },
  {
    flag: 'hello-timeout-ms',
    key: 'helloTimeoutMs',
    min: 1,
    max: MAX_INT32,
    fallback: 10_000,
    help: 'Milliseconds a new connection has to send hello (close 4001)',
  },
  {
    flag: 'heartbeat-interval-ms',
    key: 'heartbeatIntervalMs',
    min: 0,
    max: MAX_INT32,
    fallback: 30_000,
    help: 'Milliseconds between pings; a peer silent for two is dropped; 0 is off',
  },
  {
    flag: 'knock-timeout-ms',
    key: 'knockTimeoutMs',
    min: 0,
    max: MAX_INT32,
    fallback: 600_000,
    help: 'Milliseconds a knock may wait before it is declined; 0 is no limit',
  },
  {
    flag: 'max-waiting-per-room',
    key: 'maxWaitingPerRoom',
    min: 1,
    max: 1_000_000,
    fallback: 20,
    help: 'Visitors that may wait in one room; more get room-full',
  },
  {
    flag: 'rate-limit',
    key: 'rateLimitPerSecond',
    min: 1,
    max: 1_000_000,
    fallback: 20,
    help: 'Messages per second each connection may send on average',
  },
  {
    flag: 'rate-burst',
    key: 'rateLimitBurst',
    min: 1,
    max: 1_000_000,
    fallback: 100,
    help: 'Messages each connection may send in one burst',
  },
  {
    flag: 'rate-limit-close-after',
    key: 'maxRateLimitedMessages',
    min: 1,
    max: 1_000_000,
    fallback: 100,
    help: 'Messages dropped in a row for the rate limit before close 4008',
  },
  {
    flag: 'max-connections-per-address',
    key: 'maxConnectionsPerAddress',
    min: 1,
    max: 1_000_000,
    fallback: 50,
    help: 'Open connections per client address; more get HTTP 429',
  },
  {
    flag: 'max-buffered-bytes',
    key: 'maxBufferedBytes',
    min: 1,
    max: MAX_INT32,
    fallback: 1_048_576,
    help: 'Bytes queued for a slow client before close 1013',
  },
  {
    flag: 'redis-heartbeat-ms',
    key: 'redisHeartbeatMs',
    min: 50,
    max: 60_000,
    fallback: 1000,
    help: 'Milliseconds between Redis liveness refreshes; a lost node is seen within four',
  },
  {
    flag: 'shutdown-grace-ms',
    key: 'shutdownGraceMs',
    min: 0,
    max: MAX_INT32,
    fallback: 2000,
    help: 'Milliseconds clients get to close on shutdown before they are dropped',
  },
];

const TURN_TTL_DEFAULT_SECONDS = 3600;
const LOG_LEVELS: readonly RelayLogLevel[] = ['debug', 'info', 'warn', 'error', 'silent'];

/** Returns the environment variable of a flag: `rate-limit` gives `PORCHLIGHT_RATE_LIMIT`. */
export function envName(flag: string): string {
  return `PORCHLIGHT_${flag.toUpperCase().replaceAll('-', '_')}`;
}

/** Formats one help entry: the flag, what it sets, its environment variable and default. */
function usageLine(flagText: string, help: string, flag: string, fallback: string): string {
  return `  ${flagText}\n      ${help}\n      (env ${envName(flag)}, default ${fallback})\n`;
}

const USAGE_LINES = [
  usageLine('--host <address>', 'Address to bind', 'host', DEFAULT_HOST),
  ...INTEGER_SETTINGS.map((setting) =>
    usageLine(`--${setting.flag} <integer>`, setting.help, setting.flag, String(setting.fallback)),
  ),
  usageLine(
    '--allowed-origins <list>',
    'Comma-separated origins allowed to connect; others get HTTP 403',
    'allowed-origins',
    'empty, which allows any origin',
  ),
  usageLine(
    '--trust-proxy',
    'Count connections by the right-most X-Forwarded-For address',
    'trust-proxy',
    'off; set the variable to 1 to turn it on',
  ),
  usageLine(
    '--turn-urls <list>',
    'Comma-separated turn: URLs handed to admitted calls',
    'turn-urls',
    'none',
  ),
  usageLine(
    '--turn-secret <text>',
    'coturn static-auth-secret; prefer the variable over the flag',
    'turn-secret',
    'none',
  ),
  usageLine(
    '--turn-ttl-seconds <integer>',
    'Seconds each TURN credential stays valid, 60 or more',
    'turn-ttl-seconds',
    String(TURN_TTL_DEFAULT_SECONDS),
  ),
  usageLine(
    '--rooms=<list>',
    'Comma-separated room ids to serve; others get room-unknown. Keep the =: ids may start with -',
    'rooms',
    'empty, which serves every valid room id',
  ),
  usageLine(
    '--rooms-file <path>',
    'File of room ids this relay serves, one per line; # starts a comment; adds to --rooms',
    'rooms-file',
    'none',
  ),
  usageLine(
    '--redis-url <url>',
    'Share rooms with the other relays on this Redis (redis:// or rediss:// URL)',
    'redis-url',
    'none, which keeps rooms in this process',
  ),
  usageLine('--log-level <level>', 'debug, info, warn, error or silent', 'log-level', 'info'),
];

export const USAGE = `Usage: porchlight-signaling [options]

Runs the Porchlight signaling relay. Every option can also be set with the environment variable
shown in brackets; flags override environment variables.

Options:
${USAGE_LINES.join('')}  -h, --help
      Print this help and exit
`;

/** A command line the relay cannot run with. The CLI prints the message and exits with 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/**
 * Reads flags and environment variables.
 *
 * @throws {UsageError} On an unknown flag, a missing value, a value out of range, only one of
 *   `--turn-secret` and `--turn-urls`, an entry of `--rooms` or `--rooms-file` that is not a room
 *   id, or a rooms file that cannot be read or lists no room.
 */
export function parseCommandLine(
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): CliCommand {
  const stringFlags = [
    'host',
    'allowed-origins',
    'turn-urls',
    'turn-secret',
    'turn-ttl-seconds',
    'log-level',
    'redis-url',
    'rooms',
    'rooms-file',
    ...INTEGER_SETTINGS.map((setting) => setting.flag),
  ];
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: {
        ...Object.fromEntries(stringFlags.map((flag) => [flag, { type: 'string' as const }])),
        'trust-proxy': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }

  if (values.help === true) return { kind: 'help' };

  /** Returns the flag's value, else its environment variable, with the name to quote in errors. */
  const read = (flag: string): { text: string | undefined; source: string } => {
    const value = values[flag];
    if (typeof value === 'string') return { text: value, source: `--${flag}` };
    return { text: env[envName(flag)], source: envName(flag) };
  };

  const host = read('host');
  const hostText = host.text ?? DEFAULT_HOST;
  if (hostText.trim() === '') throw new UsageError(`Invalid ${host.source}: expected an address`);

  const integers = {} as Record<IntegerKey, number>;
  for (const setting of INTEGER_SETTINGS) {
    const { text, source } = read(setting.flag);
    integers[setting.key] =
      text === undefined ? setting.fallback : parseInteger(text, source, setting.min, setting.max);
  }

  const level = read('log-level');
  const logLevel = (level.text ?? 'info') as RelayLogLevel;
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new UsageError(
      `Invalid ${level.source} "${level.text}": expected ${LOG_LEVELS.join(', ')}`,
    );
  }

  const options: CliOptions = {
    host: hostText,
    ...integers,
    allowedOrigins: parseList(read('allowed-origins').text),
    trustProxy: values['trust-proxy'] === true || parseBoolean(read('trust-proxy')),
    logLevel,
  };
  const redis = read('redis-url');
  if (redis.text !== undefined && redis.text !== '') {
    if (!/^rediss?:\/\/\S+$/.test(redis.text)) {
      throw new UsageError(`Invalid ${redis.source}: expected a redis:// or rediss:// URL`);
    }
    options.redisUrl = redis.text;
  }
  const turn = parseTurn(read);
  if (turn !== undefined) options.turn = turn;
  const rooms = parseRooms(read);
  if (rooms !== undefined) options.rooms = rooms;
  return { kind: 'run', options };
}

function parseInteger(text: string, source: string, min: number, max: number): number {
  const value = Number(text);
  if (!/^\d{1,10}$/.test(text) || value < min || value > max) {
    throw new UsageError(`Invalid ${source} "${text}": expected an integer from ${min} to ${max}`);
  }
  return value;
}

function parseList(text: string | undefined): string[] {
  if (text === undefined) return [];
  return text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

function parseBoolean({ text, source }: { text: string | undefined; source: string }): boolean {
  if (text === undefined || text === '' || text === '0' || text === 'false') return false;
  if (text === '1' || text === 'true') return true;
  throw new UsageError(`Invalid ${source} "${text}": expected 1, true, 0 or false`);
}

function parseTurn(
  read: (flag: string) => { text: string | undefined; source: string },
): TurnSettings | undefined {
  const secret = read('turn-secret');
  const urls = read('turn-urls');
  const ttl = read('turn-ttl-seconds');
  const urlList = parseList(urls.text);
  const hasSecret = secret.text !== undefined && secret.text !== '';

  if (!hasSecret && urlList.length === 0) return undefined;
  if (!hasSecret) throw new UsageError(`Invalid ${urls.source}: --turn-secret is missing`);
  if (urlList.length === 0)
    throw new UsageError(`Invalid ${secret.source}: --turn-urls is missing`);
  for (const url of urlList) {
    if (!/^turns?:/.test(url)) {
      throw new UsageError(`Invalid ${urls.source} "${url}": expected a turn: or turns: URL`);
    }
  }
  const ttlSeconds =
    ttl.text === undefined
      ? TURN_TTL_DEFAULT_SECONDS
      : parseInteger(ttl.text, ttl.source, 60, 7 * 24 * 3600);
  return { secret: secret.text as string, urls: urlList, ttlSeconds };
}

/**
 * Reads the served rooms from `--rooms` and `--rooms-file`, checking every entry. Returns
 * undefined when neither is set, which serves every room.
 */
function parseRooms(
  read: (flag: string) => { text: string | undefined; source: string },
): string[] | undefined {
  const list = read('rooms');
  const file = read('rooms-file');
  const rooms = new Set<string>();
  const listed = parseList(list.text);
  // An empty value counts as unset, but a value of only commas is a list that names no room,
  // which would otherwise serve every room while the operator meant to restrict them.
  if (list.text !== undefined && list.text.trim() !== '' && listed.length === 0) {
    throw new UsageError(`Invalid ${list.source} "${list.text}": it lists no room id`);
  }
  for (const room of listed) {
    if (!isRoomId(room)) {
      throw new UsageError(`Invalid ${list.source} entry ${quoteRoomEntry(room)}: ${ROOM_ID_HINT}`);
    }
    rooms.add(room);
  }
  if (file.text !== undefined && file.text !== '') {
    for (const room of readRoomsFile(file.text, file.source)) rooms.add(room);
  }
  return rooms.size === 0 ? undefined : [...rooms];
}

const ROOM_ID_HINT =
  'expected a room id, the 43-character Ed25519 public key that the therapist\'s console shows';

/** Reads a rooms file of one room id per line, skipping blank lines and lines that start with #. */
function readRoomsFile(path: string, source: string): string[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const reason = (error as { code?: unknown }).code ?? String(error);
    throw new UsageError(`Invalid ${source} "${path}": cannot read the file (${String(reason)})`);
  }
  const rooms: string[] = [];
  for (const [index, line] of text.split(/\r?\n/).entries()) {
    const entry = line.trim();
    if (entry === '' || entry.startsWith('#')) continue;
    if (!isRoomId(entry)) {
      const where = `${source} "${path}" line ${index + 1}`;
      throw new UsageError(`Invalid ${where} ${quoteRoomEntry(entry)}: ${ROOM_ID_HINT}`);
    }
    rooms.push(entry);
  }
  if (rooms.length === 0) {
    throw new UsageError(`Invalid ${source} "${path}": the file lists no room id`);
  }
  return rooms;
}

/** Formats the WebSocket URL of a listening address, with brackets around IPv6 addresses. */
export function formatWebSocketUrl(host: string, port: number): string {
  return host.includes(':') ? `ws://[${host}]:${port}` : `ws://${host}:${port}`;
}
