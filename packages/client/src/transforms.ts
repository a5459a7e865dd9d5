import type { MediaKind, TransformOperation, TransformOptions, WorkerRequest } from '@porchlight/e2ee';
import { PorchlightError } from './types.js';

/** Which encoded-transform API this browser offers. */
export type TransformApi = 'script-transform' | 'encoded-streams';

interface LegacyEncodedStreams {
  readable: ReadableStream;
  writable: WritableStream;
}

type LegacySender = RTCRtpSender & { createEncodedStreams?: () => LegacyEncodedStreams };
type LegacyReceiver = RTCRtpReceiver & { createEncodedStreams?: () => LegacyEncodedStreams };

/**
 * Detects the encoded-transform API. `RTCRtpScriptTransform` (the W3C standard, in Chromium,
 * Firefox and Safari) comes first; Chromium's older `createEncodedStreams()` is the fallback.
 * Returns null where neither exists, and then no call may start.
 */
export function detectTransformApi(): TransformApi | null {
  if (typeof globalThis.RTCRtpScriptTransform === 'function') return 'script-transform';
  const sender = globalThis.RTCRtpSender?.prototype as LegacySender | undefined;
  if (sender && typeof sender.createEncodedStreams === 'function') return 'encoded-streams';
  return null;
}

/** Throws the person-facing error for a browser without encoded transforms. */
export function requireTransformApi(): TransformApi {
  const api = detectTransformApi();
  if (api === null) {
    throw new PorchlightError(
      'e2ee-unsupported',
      'This browser cannot encrypt video calls end to end, so the call was not started',
    );
  }
  return api;
}

/**
 * Attaches E2EE transforms in one worker to the senders and receivers of a peer connection.
 *
 * Timing matters with `RTCRtpScriptTransform`: a receiver transform set in `ontrack` (or after
 * `setRemoteDescription`) on a transceiver that already sends is silently ignored in Chromium,
 * so {@link attachAll} must run right after the tracks are added, before any negotiation.
 * Receivers of transceivers that the remote offer creates are handled by {@link attachReceiver}
 * from the `track` event.
 */
export class TransformAttacher {
  readonly #api: TransformApi;
  readonly #worker: Worker;
  readonly #attached = new WeakSet<RTCRtpSender | RTCRtpReceiver>();

  constructor(api: TransformApi, worker: Worker) {
    this.#api = api;
    this.#worker = worker;
  }

  /** Attaches transforms to every sender with a track and every receiver of the connection. */
  attachAll(connection: RTCPeerConnection): void {
    for (const transceiver of connection.getTransceivers()) {
      const kind = transceiver.receiver.track.kind as MediaKind;
      if (transceiver.sender.track) this.attachSender(transceiver.sender, kind);
      // With the legacy API the receiver streams can only be created from `track`.
      if (this.#api === 'script-transform') this.attachReceiver(transceiver.receiver);
    }
  }

  attachSender(sender: RTCRtpSender, kind: MediaKind): void {
    this.#attach(sender, { operation: 'encrypt', kind });
  }

  attachReceiver(receiver: RTCRtpReceiver): void {
    this.#attach(receiver, { operation: 'decrypt', kind: receiver.track.kind as MediaKind });
  }

  #attach(endpoint: RTCRtpSender | RTCRtpReceiver, options: TransformOptions): void {
    if (this.#attached.has(endpoint)) return;
    this.#attached.add(endpoint);

    if (this.#api === 'script-transform') {
      endpoint.transform = new RTCRtpScriptTransform(this.#worker, options);
      return;
    }
    const streams = (endpoint as LegacySender | LegacyReceiver).createEncodedStreams!();
    const request: WorkerRequest = {
      type: 'attach-streams',
      operation: options.operation as TransformOperation,
      kind: options.kind,
      readable: streams.readable,
      writable: streams.writable,
    };
    this.#worker.postMessage(request, [streams.readable, streams.writable] as unknown as Transferable[]);
  }
}

/**
 * Starts the E2EE worker. A worker script on another origin than the page (the embed script
 * served from a CDN) cannot be started directly, so it is loaded through a same-origin
 * `blob:` bootstrap that imports it.
 */
export function startWorker(url: string | URL): Worker {
  const resolved = new URL(url, globalThis.location?.href);
  if (globalThis.location === undefined || resolved.origin === globalThis.location.origin) {
    return new Worker(resolved, { name: 'porchlight-e2ee' });
  }
  const bootstrap = new Blob([`importScripts(${JSON.stringify(resolved.href)});`], {
    type: 'text/javascript',
  });
  return new Worker(URL.createObjectURL(bootstrap), { name: 'porchlight-e2ee' });
}
