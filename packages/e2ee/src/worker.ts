/**
 * Entry point of the E2EE transform worker. It uses only worker globals, so it can be bundled as a
 * classic worker script. Messages follow `worker-protocol.ts`.
 *
 * @module
 */
import { WorkerRuntime, type ScriptTransformerLike } from './_worker-runtime.js';
import type { WorkerRequest, WorkerResponse } from './worker-protocol.js';

/** The worker global scope, typed here because the package builds against the DOM library. */
interface E2eeWorkerScope {
  postMessage(message: WorkerResponse): void;
  onmessage: ((event: MessageEvent<WorkerRequest>) => void) | null;
  onrtctransform?: ((event: { transformer: ScriptTransformerLike }) => void) | null;
}

const scope = globalThis as unknown as E2eeWorkerScope;
const runtime = new WorkerRuntime((response) => scope.postMessage(response));

scope.onmessage = (event) => runtime.handleMessage(event.data);
scope.onrtctransform = (event) => runtime.handleTransformer(event.transformer);
