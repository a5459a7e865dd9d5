import type { ErrorCode } from '@porchlight/protocol';
import { Counter, Gauge, Registry } from 'prom-client';

/**
 * Why the relay turned an upgrade, connection or message away: the `reason` label of
 * `porchlight_relay_rejections_total`. Error codes sent in `error` messages count under their own
 * name; the others are rejected upgrades (`origin`, `connections-per-address`, `shutting-down`)
 * and closes (`rate-limit-close`, `protocol-error`, `slow-consumer`, `heartbeat-timeout`).
 */
export type RejectionReason =
  | ErrorCode
  | 'origin'
  | 'connections-per-address'
  | 'shutting-down'
  | 'rate-limit-close'
  | 'protocol-error'
  | 'slow-consumer'
  | 'heartbeat-timeout';

/** The relay's Prometheus metrics, in a registry of its own so that two relays never mix. */
export interface RelayMetrics {
  registry: Registry;
  connections: Gauge;
  rooms: Gauge;
  waitingKnocks: Gauge;
  activeCalls: Gauge;
  knocks: Counter;
  admittedCalls: Counter;
  messagesRelayed: Counter;
  rejections: Counter<'reason'>;
}

/** Creates the metrics of one relay. Metric names start with `porchlight_relay_`. */
export function createRelayMetrics(): RelayMetrics {
  const registry = new Registry();
  const registers = [registry];
  return {
    registry,
    connections: new Gauge({
      name: 'porchlight_relay_connections',
      help: 'Open WebSocket connections',
      registers,
    }),
    rooms: new Gauge({
      name: 'porchlight_relay_rooms',
      help: 'Rooms with at least one connection',
      registers,
    }),
    waitingKnocks: new Gauge({
      name: 'porchlight_relay_waiting_knocks',
      help: 'Knocks waiting in a queue',
      registers,
    }),
    activeCalls: new Gauge({
      name: 'porchlight_relay_active_calls',
      help: 'Admitted calls that have not ended',
      registers,
    }),
    knocks: new Counter({
      name: 'porchlight_relay_knocks_total',
      help: 'Knocks queued',
      registers,
    }),
    admittedCalls: new Counter({
      name: 'porchlight_relay_admitted_calls_total',
      help: 'Calls admitted by a host',
      registers,
    }),
    messagesRelayed: new Counter({
      name: 'porchlight_relay_messages_relayed_total',
      help: 'Signal messages forwarded from one call member to the other',
      registers,
    }),
    rejections: new Counter({
      name: 'porchlight_relay_rejections_total',
      help: 'Upgrades, connections and messages rejected, by reason',
      labelNames: ['reason'],
      registers,
    }),
  };
}
