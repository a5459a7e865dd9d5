export { Call, type CallParams } from './call.js';
export { HostClient } from './host.js';
export { VisitorClient } from './visitor.js';
export {
  CallEndEvent,
  CallSecuredEvent,
  CallStartEvent,
  ChatMessageEvent,
  ClientErrorEvent,
  KnockEvent,
  PresenceChangeEvent,
  QualityChangeEvent,
  RemoteStreamEvent,
  StateChangeEvent,
  TypedEventTarget,
  type CallEventMap,
  type HostClientEventMap,
  type TypedListener,
  type VisitorClientEventMap,
} from './events.js';
export { ChatCipher, CHAT_CHUNK_BYTES, MAX_CHAT_MESSAGE_BYTES } from './chat.js';
export { backoffDelay, type BackoffOptions } from './backoff.js';
export { listMediaDevices, requestCallMedia, stopStream } from './media.js';
export { rateNetwork, type NetworkQuality, type NetworkSample } from './quality.js';
export { detectTransformApi, type TransformApi } from './transforms.js';
export { SignalingConnection, SignalingMessageEvent } from './signaling.js';
export * from './types.js';
export type { E2eeStats, KeyEpochState, TransformCounters } from '@porchlight/e2ee';
export { isRoomId, publicKeyFromRoomId, roomIdFromPublicKey } from '@porchlight/e2ee';
