import { createHash, randomBytes } from 'node:crypto';
import type { Role } from '@porchlight/protocol';
import { pino } from 'pino';
import type { RejectionReason } from './metrics.js';

/** Cause of the end of an admitted call, as logged by the relay. */
export type CallEndCause = 'hang-up' | 'disconnected';

/** Cause of a knock leaving the queue without an admit, as logged by the relay. */
export type KnockEndCause = 'cancelled' | 'disconnected' | 'declined' | 'timeout' | 'host-offline';

/**
 * One lifecycle event of the relay. Only allow-listed fields exist: the event name, random
 * connection and call ids, salted room hashes, roles, counts, close and error codes, durations,
 * and the relay's own bound address. The types leave no field for IP addresses, headers, names,
 * SDP, ICE candidates or message bodies.
 */
export type RelayLogEntry =
  | { event: 'listening'; host: string; port: number }
  | { event: 'connection-opened'; connectionId: string }
  | { event: 'hello-accepted'; connectionId: string; role: Role; roomHash: string }
  | { event: 'connection-closed'; connectionId: string; code: number; durationMs: number }
  | {
      event: 'call-admitted';
      callId: string;
      hostConnectionId: string;
      visitorConnectionId: string;
    }
  | { event: 'call-ended'; callId: string; cause: CallEndCause; durationMs: number }
  | { event: 'heartbeat-timeout'; connectionId: string }
  /** `errorCode` is the `WS_ERR_*` code that ws attaches, such as a frame over `maxPayload`. */
  | { event: 'socket-error'; connectionId: string; errorCode: string }
  | { event: 'handler-failed'; connectionId: string; errorName: string }
  | { event: 'knock-ended'; callId: string; cause: KnockEndCause; durationMs: number }
  /** An HTTP upgrade turned away before it became a connection, with the HTTP status sent. */
  | { event: 'upgrade-rejected'; reason: RejectionReason; status: number }
  /** A connection exceeded its rate limit: logged once per run of dropped messages. */
  | { event: 'rate-limited'; connectionId: string }
  | { event: 'slow-consumer'; connectionId: string; bufferedBytes: number }
  | { event: 'going-away'; connections: number }
  | { event: 'closing'; connections: number }
  | { event: 'closed' }
  /** This process joined the Redis cluster under a random node id. */
  | { event: 'cluster-joined'; nodeId: string }
  /** Another node's liveness key expired, so its connections were removed from shared rooms. */
  | { event: 'cluster-node-lost'; nodeId: string }
  | { event: 'redis-error'; errorName: string };

/** Receives every lifecycle event of the relay. */
export type RelayLogger = (entry: RelayLogEntry) => void;

/** Log levels the relay writes at, from the most to the least detailed. */
export type RelayLogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

/** Every field name a {@link RelayLogEntry} may carry; anything else is dropped before writing. */
const ALLOWED_FIELDS: ReadonlySet<string> = new Set([
  'event',
  'host',
  'port',
  'connectionId',
  'role',
  'roomHash',
  'code',
  'durationMs',
  'callId',
  'hostConnectionId',
  'visitorConnectionId',
  'cause',
  'errorCode',
  'errorName',
  'connections',
  'reason',
  'status',
  'bufferedBytes',
  'nodeId',
]);

const LEVEL_OF_EVENT: Partial<Record<RelayLogEntry['event'], 'debug' | 'warn' | 'error'>> = {
  'socket-error': 'warn',
  'heartbeat-timeout': 'warn',
  'slow-consumer': 'warn',
  'rate-limited': 'warn',
  'upgrade-rejected': 'debug',
  'handler-failed': 'error',
  'cluster-node-lost': 'warn',
  'redis-error': 'error',
};

/**
 * Creates the default logger: pino writing one JSON line per entry to stderr, with `level` as a
 * name and `time` in ISO 8601. Only {@link ALLOWED_FIELDS} are written, so a field added to an
 * entry by mistake never reaches the log. Warnings are socket errors, heartbeat timeouts, rate
 * limits and slow consumers; handler failures are errors; rejected upgrades are debug.
 */
export function createPinoLogger(level: RelayLogLevel = 'info'): RelayLogger {
  const logger = pino(
    {
      level,
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    // Synchronous writes keep the order of lines and lose none when the process exits.
    pino.destination({ fd: 2, sync: true }),
  );
  return (entry) => {
    const fields: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(entry)) {
      if (ALLOWED_FIELDS.has(key)) fields[key] = value;
    }
    logger[LEVEL_OF_EVENT[entry.event] ?? 'info'](fields);
  };
}

/** Writes each entry with a pino logger at level `info` as one JSON line on stderr. */
export const stderrLogger: RelayLogger = (entry) => {
  defaultLogger ??= createPinoLogger('info');
  defaultLogger(entry);
};
let defaultLogger: RelayLogger | undefined;

/**
 * Creates a function that maps room ids to short salted hashes. The salt is random per relay,
 * so log lines of one run can be grouped by room, but a room id (which may be a therapist's
 * public key) cannot be recovered or matched against another run's logs.
 */
export function createRoomHasher(): (room: string) => string {
  const salt = randomBytes(16);
  return (room) => createHash('sha256').update(salt).update(room).digest('hex').slice(0, 16);
}
