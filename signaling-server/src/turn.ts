import { createHmac, randomBytes } from 'node:crypto';
import type { IceServer } from '@porchlight/protocol';

/** TURN settings of the relay: coturn's shared secret, the server URLs and the credential TTL. */
export interface TurnSettings {
  secret: string;
  urls: string[];
  /** Lifetime of each credential, in seconds. */
  ttlSeconds: number;
}

/**
 * Creates one time-limited TURN credential in the TURN REST scheme that coturn checks with
 * `use-auth-secret`: the username is `EXPIRY:RANDOMID` (expiry in Unix seconds) and the password
 * is the base64 HMAC-SHA1 of the username under the shared secret. Each call gets a new random id,
 * so two credentials never share a username.
 *
 * @param nowMs The current time in milliseconds, for tests.
 */
export function createTurnServer(turn: TurnSettings, nowMs = Date.now()): IceServer {
  const expiry = Math.floor(nowMs / 1000) + turn.ttlSeconds;
  const username = `${expiry}:${randomBytes(9).toString('base64url')}`;
  const credential = createHmac('sha1', turn.secret).update(username).digest('base64');
  return { urls: [...turn.urls], username, credential };
}
