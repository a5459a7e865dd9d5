/**
 * A token bucket: holds up to `burst` tokens and gains `ratePerSecond` tokens per second. Each
 * message takes one token.
 */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    now = performance.now(),
  ) {
    this.tokens = burst;
    this.updatedAt = now;
  }

  /** Takes one token and returns true, or returns false when the bucket is empty. */
  take(now = performance.now()): boolean {
    const elapsedSeconds = Math.max(0, now - this.updatedAt) / 1000;
    this.tokens = Math.min(this.burst, this.tokens + elapsedSeconds * this.ratePerSecond);
    this.updatedAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/** Counts open connections per client address, to cap them. */
export class AddressCounter {
  private readonly counts = new Map<string, number>();

  /** Adds one connection for the address unless it already has `max`; returns whether it did. */
  tryAdd(address: string, max: number): boolean {
    const count = this.counts.get(address) ?? 0;
    if (count >= max) return false;
    this.counts.set(address, count + 1);
    return true;
  }

  remove(address: string): void {
    const count = this.counts.get(address) ?? 0;
    if (count <= 1) this.counts.delete(address);
    else this.counts.set(address, count - 1);
  }
}

/**
 * Reads the client address of an upgrade request: the socket's peer address, or with
 * `trustProxy` the right-most `X-Forwarded-For` entry, which the reverse proxy in front of the
 * relay appended. The address is used only to count connections and is never logged.
 */
export function clientAddress(
  remoteAddress: string | undefined,
  forwardedFor: string | string[] | undefined,
  trustProxy: boolean,
): string {
  if (trustProxy && forwardedFor !== undefined) {
    const header = Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor;
    const last = header.split(',').at(-1)?.trim();
    if (last !== undefined && last !== '') return last;
  }
  return remoteAddress ?? 'unknown';
}
