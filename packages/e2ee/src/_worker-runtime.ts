import { DropNotifier, type NotifierClock } from './_drop-notifier.js';
import { FrameCryptor, type EncodedFrameLike } from './_frame-cryptor.js';
import { KeyRing } from './_key-ring.js';
import type {
  DropCounts,
  E2eeStats,
  KeyEpochState,
  MediaKind,
  TransformCounters,
  TransformOperation,
  TransformOptions,
  TransformStats,
  WorkerRequest,
  WorkerResponse,
} from './worker-protocol.js';

/** The parts of `RTCRtpScriptTransformer` the worker uses. */
export interface ScriptTransformerLike {
  readable: ReadableStream;
  writable: WritableStream;
  options?: unknown;
  /**
   * Asks the remote sender for a key frame (receivers). Chromium 156 and Firefox ESR 153 both
   * have it.
   */
  sendKeyFrameRequest?: () => Promise<void> | void;
  /** Makes the local encoder send a key frame (senders). Firefox ESR 153 has it, Chromium 156 not. */
  generateKeyFrame?: () => Promise<unknown> | void;
}

function emptyCounters(): TransformCounters {
  return { frames: 0, dropped: 0, empty: 0 };
}

function validateOptions(options: unknown): TransformOptions {
  const { operation, kind } = (options ?? {}) as Partial<TransformOptions>;
  if (operation !== 'encrypt' && operation !== 'decrypt') {
    throw new TypeError("Expected transform option \"operation\" to be 'encrypt' or 'decrypt'");
  }
  if (kind !== 'audio' && kind !== 'video') {
    throw new TypeError("Expected transform option \"kind\" to be 'audio' or 'video'");
  }
  return { operation, kind };
}

/**
 * State and message handling of one E2EE worker, independent of the worker globals so that it
 * runs in tests.
 */
export class WorkerRuntime {
  readonly keys = new KeyRing();
  readonly stats: TransformStats = {
    encrypt: { audio: emptyCounters(), video: emptyCounters() },
    decrypt: { audio: emptyCounters(), video: emptyCounters() },
  };
  private readonly drops: E2eeStats['drops'] = {
    encrypt: { audio: {}, video: {} },
    decrypt: { audio: {}, video: {} },
  };
  private readonly notifier: DropNotifier;
  /** Video encrypt transformers that can generate a key frame when a new key arrives. */
  private readonly videoSenders = new Set<ScriptTransformerLike>();

  /**
   * @param post - Sends a response to the page.
   * @param clock - Timer functions, injected by tests.
   */
  constructor(
    private readonly post: (response: WorkerResponse) => void,
    private readonly clock?: NotifierClock,
  ) {
    this.notifier = new DropNotifier(post, clock);
  }

  /**
   * Handles one request from the page. Invalid requests throw, so the page gets an `error` event
   * on the worker.
   */
  handleMessage(request: WorkerRequest): void {
    switch (request.type) {
      case 'set-keys':
        this.keys.setKeys(request.keys);
        if (request.keys.some((key) => key.operation === 'encrypt' && key.kind === 'video')) {
          this.generateKeyFrames();
        }
        return;
      case 'get-stats':
        this.post({ type: 'stats', requestId: request.requestId, stats: this.snapshot() });
        return;
      case 'ratchet':
        this.keys.ratchet(request.kind, { onlyIfUsed: request.onlyIfUsed === true });
        return;
      case 'attach-streams':
        this.attach(request.readable, request.writable, request);
        return;
      default:
        throw new TypeError(
          `Unknown worker request type: ${String((request as { type?: unknown }).type)}`,
        );
    }
  }

  /** Copies the frame and drop counters and adds the ratchet state of each kind and direction. */
  snapshot(): E2eeStats {
    const epochsOf = (operation: TransformOperation): Record<MediaKind, KeyEpochState | null> => ({
      audio: this.keys.epochState(operation, 'audio'),
      video: this.keys.epochState(operation, 'video'),
    });
    return {
      ...structuredClone(this.stats),
      drops: structuredClone(this.drops),
      epochs: { encrypt: epochsOf('encrypt'), decrypt: epochsOf('decrypt') },
    };
  }

  /** Handles an `rtctransform` event of `RTCRtpScriptTransform`. */
  handleTransformer(transformer: ScriptTransformerLike): void {
    this.attach(transformer.readable, transformer.writable, transformer.options, transformer);
    const { operation, kind } = validateOptions(transformer.options);
    if (operation === 'encrypt' && kind === 'video') this.videoSenders.add(transformer);
  }

  /**
   * Starts each video sender on a new key with a key frame, so the receiver decodes from the
   * first encrypted frame instead of waiting for its own key frame request. Where the browser
   * lacks `generateKeyFrame` (Chromium 156), the receiver's request does this job.
   */
  private generateKeyFrames(): void {
    for (const transformer of this.videoSenders) {
      if (typeof transformer.generateKeyFrame !== 'function') continue;
      try {
        const pending = transformer.generateKeyFrame();
        // It rejects when the encoder has not started yet, and the next key frame comes anyway.
        if (pending instanceof Promise) pending.catch(() => undefined);
      } catch {
        // Best effort, like the receiver's key frame request.
      }
    }
  }

  /**
   * Pipes `readable` through a cryptor into `writable`. Failed frames are dropped and counted,
   * and the transform callback does not throw (`FrameCryptor.process` catches every failure),
   * because an error would end the media stream.
   */
  attach(
    readable: ReadableStream,
    writable: WritableStream,
    options: unknown,
    transformer?: ScriptTransformerLike,
  ): Promise<void> {
    const { operation, kind } = validateOptions(options);
    const cryptor = this.createCryptor(operation, kind, transformer);
    const drops: DropCounts = this.drops[operation][kind];

    const transform = new TransformStream<EncodedFrameLike, EncodedFrameLike>({
      // The stream awaits each transform call before the next, so frames keep their order.
      transform: async (frame, controller) => {
        const outcome = await cryptor.process(frame);
        if (outcome.status !== 'dropped') {
          controller.enqueue(frame);
          return;
        }
        const reason = outcome.quiet ? 'duplicate' : outcome.reason;
        drops[reason] = (drops[reason] ?? 0) + 1;
        if (!outcome.quiet) this.notifier.record(operation, kind, outcome.reason);
      },
    });
    // The pipe ends when the sender or receiver goes away, and nothing is left to clean up then.
    return readable
      .pipeThrough(transform)
      .pipeTo(writable)
      .catch(() => undefined);
  }

  private createCryptor(
    operation: TransformOperation,
    kind: MediaKind,
    transformer: ScriptTransformerLike | undefined,
  ): FrameCryptor {
    const sendKeyFrameRequest = transformer?.sendKeyFrameRequest;
    const requestKeyFrame =
      operation === 'decrypt' && kind === 'video' && typeof sendKeyFrameRequest === 'function'
        ? () => {
            const pending = sendKeyFrameRequest.call(transformer);
            // The promise rejects when no frame has arrived yet, and a later request may succeed.
            if (pending instanceof Promise) pending.catch(() => undefined);
          }
        : undefined;

    const clock = this.clock;
    return new FrameCryptor({
      operation,
      kind,
      keys: this.keys,
      counters: this.stats[operation][kind],
      ...(requestKeyFrame ? { requestKeyFrame } : {}),
      ...(clock ? { now: () => clock.now() } : {}),
    });
  }
}
