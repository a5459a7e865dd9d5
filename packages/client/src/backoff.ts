/** Settings of {@link backoffDelay}. */
export interface BackoffOptions {
  /** Upper bound of the first delay, in milliseconds. */
  baseMs: number;
  /** Largest delay, in milliseconds, however many attempts failed. */
  maxMs: number;
  /** Source of uniform numbers in [0, 1). Defaults to `Math.random`. */
  random?: () => number;
}

/**
 * Returns how long to wait before reconnect attempt number `attempt` (0 for the first retry):
 * exponential backoff with full jitter, a uniform delay between half and all of
 * `min(maxMs, baseMs * 2^attempt)`. The jitter spreads out the clients that a relay restart
 * disconnected all at once; keeping half the window avoids retrying at once in a tight loop.
 *
 * @throws {RangeError} if `attempt` is negative or not an integer.
 */
export function backoffDelay(attempt: number, options: BackoffOptions): number {
  if (!Number.isInteger(attempt) || attempt < 0) {
    throw new RangeError(`Invalid backoff attempt ${attempt}: expected an integer from 0`);
  }
  const random = options.random ?? Math.random;
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
