import { createHash, randomBytes } from 'node:crypto';
import type { Role } from '@porchlight/protocol';

/** Cause of the end of an admitted call, as logged by the relay. */
export type CallEndCause = 'hang-up' | 'disconnected';

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
  | { event: 'closing'; connections: number }
  | { event: 'closed' };

/** Receives every lifecycle event of the relay. */
export type RelayLogger = (entry: RelayLogEntry) => void;

/** Writes each entry as one JSON line with an ISO 8601 `time` field to stderr. */
export const stderrLogger: RelayLogger = (entry) => {
  process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), ...entry })}\n`);
};

/**
 * Creates a function that maps room ids to short salted hashes. The salt is random per relay,
 * so log lines of one run can be grouped by room, but a room id (which may be a therapist's
 * public key) cannot be recovered or matched against another run's logs.
 */
export function createRoomHasher(): (room: string) => string {
  const salt = randomBytes(16);
  return (room) => createHash('sha256').update(salt).update(room).digest('hex').slice(0, 16);
}
