export { Call, type CallParams } from './call.js';
export { HostClient } from './host.js';
export { VisitorClient } from './visitor.js';
export { detectTransformApi, type TransformApi } from './transforms.js';
export { SignalingConnection, SignalingMessageEvent } from './signaling.js';
export * from './types.js';
export type { E2eeStats, TransformCounters } from '@porchlight/e2ee';
export { isRoomId, roomIdFromPublicKey } from '@porchlight/e2ee';
