import { equalBytesConstantTime } from './_bytes.js';

/** How far behind the highest accepted CTR a frame may arrive and still be accepted. */
export const REPLAY_WINDOW_SIZE = 128n;

/**
 * Result of a replay check. A `fresh` frame may be decrypted. A `duplicate` has the CTR and tag of
 * an accepted frame, as when a browser redelivers a frame near the start of a call. A `replay`
 * reuses an accepted CTR with another tag, or is older than the window.
 */
export type ReplayVerdict = 'fresh' | 'duplicate' | 'replay';

/**
 * Replay window for one KID. It stores the tag of each accepted CTR within the window, so an
 * identical redelivery is distinguished from a different frame that reuses a CTR.
 */
export class ReplayWindow {
  private highest = -1n;
  private readonly accepted = new Map<bigint, Uint8Array>();

  /** Classifies a frame by CTR before decryption; `tag` is the frame's trailing tag bytes. */
  check(ctr: bigint, tag: Uint8Array): ReplayVerdict {
    if (this.highest >= 0n && ctr <= this.highest - REPLAY_WINDOW_SIZE) return 'replay';
    const seenTag = this.accepted.get(ctr);
    if (seenTag === undefined) return 'fresh';
    return equalBytesConstantTime(seenTag, tag) ? 'duplicate' : 'replay';
  }

  /** Records a CTR whose frame passed authentication. */
  accept(ctr: bigint, tag: Uint8Array): void {
    this.accepted.set(ctr, tag.slice());
    if (ctr <= this.highest) return;

    this.highest = ctr;
    // Pruning is amortised, because it runs only once the map contains twice the window.
    if (BigInt(this.accepted.size) > 2n * REPLAY_WINDOW_SIZE) {
      for (const seen of this.accepted.keys()) {
        if (seen <= this.highest - REPLAY_WINDOW_SIZE) this.accepted.delete(seen);
      }
    }
  }
}
