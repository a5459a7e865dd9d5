export { createRelay } from './relay.js';
export type { Relay, RelayAddress, RelayOptions } from './relay.js';
export { stderrLogger } from './log.js';
export type { CallEndCause, RelayLogEntry, RelayLogger } from './log.js';
