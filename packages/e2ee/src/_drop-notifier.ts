import type {
  DropReason,
  MediaKind,
  TransformOperation,
  WorkerResponse,
} from './worker-protocol.js';

/** Minimum time between two `frames-dropped` notices of one operation, kind and reason. */
export const DROP_NOTICE_INTERVAL_MS = 5000;

type DropNotice = Extract<WorkerResponse, { type: 'frames-dropped' }>;

interface PendingDrops {
  count: number;
  lastSent: number;
  timer: unknown;
}

/** Timer functions, injectable so tests control time. */
export interface NotifierClock {
  now(): number;
  setTimeout(callback: () => void, delayMs: number): unknown;
}

/**
 * Batches dropped frames into `frames-dropped` notices, at most one per operation, kind and
 * reason every {@link DROP_NOTICE_INTERVAL_MS}. Drops inside the interval are counted and sent
 * together when it ends, so the counts add up to every reported drop.
 */
export class DropNotifier {
  private readonly pending = new Map<string, PendingDrops>();

  constructor(
    private readonly post: (notice: DropNotice) => void,
    private readonly clock: NotifierClock = {
      now: Date.now,
      setTimeout: (callback, delayMs) => setTimeout(callback, delayMs),
    },
  ) {}

  /** Counts one dropped frame. */
  record(operation: TransformOperation, kind: MediaKind, reason: DropReason): void {
    const id = `${operation}:${kind}:${reason}`;
    let entry = this.pending.get(id);
    if (entry === undefined) {
      entry = { count: 0, lastSent: -Infinity, timer: undefined };
      this.pending.set(id, entry);
    }
    entry.count++;

    const state = entry;
    const flush = (): void => {
      state.timer = undefined;
      if (state.count === 0) return;
      state.lastSent = this.clock.now();
      const count = state.count;
      state.count = 0;
      this.post({ type: 'frames-dropped', operation, kind, reason, count });
    };

    const wait = state.lastSent + DROP_NOTICE_INTERVAL_MS - this.clock.now();
    if (wait <= 0) flush();
    else if (state.timer === undefined) state.timer = this.clock.setTimeout(flush, wait);
  }
}
