import type { PresenceMessage, PresenceStatus } from '@porchlight/protocol';

/** The presence a host connection has set, and whether it is in an admitted call. */
export interface HostPresence {
  status: PresenceStatus;
  message?: string;
  inCall: boolean;
}

const RANK: Record<PresenceStatus, number> = { offline: 0, busy: 1, available: 2 };

/** Returns the status a host connection shows: `busy` while in a call, unless it set `offline`. */
export function effectiveStatus(host: HostPresence): PresenceStatus {
  if (host.status === 'offline') return 'offline';
  return host.inCall ? 'busy' : host.status;
}

/**
 * Computes the presence of a room from its host connections: the best status any host shows
 * (available, then busy, then offline), and `offline` when there is no host connection.
 *
 * The message is the first one found among hosts that show the best status because they set it
 * themselves. A host that set `available` and is busy only because of a call adds no message,
 * since its text was written for the other status.
 */
export function roomPresence(hosts: Iterable<HostPresence>): PresenceMessage {
  let best: PresenceStatus = 'offline';
  let message: string | undefined;

  for (const host of hosts) {
    const status = effectiveStatus(host);
    const ownMessage = status === host.status ? host.message : undefined;
    if (RANK[status] > RANK[best]) {
      best = status;
      message = ownMessage;
    } else if (status === best && message === undefined) {
      message = ownMessage;
    }
  }

  return message === undefined
    ? { type: 'presence', status: best }
    : { type: 'presence', status: best, message };
}

/** Returns whether two presence messages would look the same to a visitor. */
export function samePresence(a: PresenceMessage, b: PresenceMessage): boolean {
  return a.status === b.status && a.message === b.message;
}
