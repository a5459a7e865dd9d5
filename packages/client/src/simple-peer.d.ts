// Type declarations for the parts of @thaunknown/simple-peer 10 that the call uses. The package
// ships no types of its own.
declare module '@thaunknown/simple-peer' {
  export interface SimplePeerOptions {
    initiator?: boolean;
    stream?: MediaStream;
    config?: RTCConfiguration & { encodedInsertableStreams?: boolean };
    trickle?: boolean;
    sdpTransform?: (sdp: string) => string;
    channelName?: string;
  }

  export type SimplePeerSignal = Record<string, unknown> & { type: string };

  export default class Peer {
    constructor(options?: SimplePeerOptions);
    readonly _pc: RTCPeerConnection;
    readonly destroyed: boolean;
    readonly connected: boolean;
    signal(data: SimplePeerSignal): void;
    send(data: string | Uint8Array): void;
    destroy(error?: Error): void;
    /** Starts a renegotiation: an offer on the initiator, a `renegotiate` request otherwise. */
    negotiate(): void;
    on(event: 'signal', listener: (data: SimplePeerSignal) => void): this;
    on(event: 'connect' | 'close', listener: () => void): this;
    on(event: 'stream', listener: (stream: MediaStream) => void): this;
    on(event: 'track', listener: (track: MediaStreamTrack, stream: MediaStream) => void): this;
    on(event: 'error', listener: (error: Error & { code?: string }) => void): this;
    on(event: 'data', listener: (data: Uint8Array) => void): this;
    on(event: 'iceStateChange', listener: (ice: RTCIceConnectionState, gathering: RTCIceGatheringState) => void): this;
    removeAllListeners(event?: string): this;
  }
}
