import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ScriptTransformerLike } from './_worker-runtime.js';
import type { WorkerRequest, WorkerResponse } from './worker-protocol.js';

interface InstalledScope {
  onmessage: ((event: { data: WorkerRequest }) => void) | null;
  onrtctransform: ((event: { transformer: ScriptTransformerLike }) => void) | null;
}

afterEach(() => {
  vi.unstubAllGlobals();
  vi.resetModules();
});

describe('worker entry', () => {
  it('installs message and rtctransform handlers', async () => {
    const posted: WorkerResponse[] = [];
    vi.stubGlobal('postMessage', (message: WorkerResponse) => posted.push(message));
    vi.stubGlobal('onmessage', null);
    vi.stubGlobal('onrtctransform', null);
    await import('./worker.js');
    const scope = globalThis as unknown as InstalledScope;

    expect(typeof scope.onmessage).toBe('function');
    expect(typeof scope.onrtctransform).toBe('function');

    scope.onmessage?.({ data: { type: 'get-stats', requestId: 3 } });
    expect(posted).toHaveLength(1);
    expect(posted[0]).toMatchObject({ type: 'stats', requestId: 3 });
  });

  it('rtctransform encrypts after set-keys', async () => {
    vi.stubGlobal('postMessage', () => undefined);
    vi.stubGlobal('onmessage', null);
    vi.stubGlobal('onrtctransform', null);
    await import('./worker.js');
    const scope = globalThis as unknown as InstalledScope;

    const baseKey = new Uint8Array(32).fill(9);
    scope.onmessage?.({
      data: { type: 'set-keys', keys: [{ operation: 'encrypt', kind: 'audio', kid: 0, baseKey }] },
    });

    const input = new Uint8Array([0xfc, 1, 2, 3, 4]);
    const output: { data: ArrayBuffer }[] = [];
    const done = new Promise<void>((resolve) => {
      scope.onrtctransform?.({
        transformer: {
          readable: new ReadableStream({
            start(controller) {
              controller.enqueue({ data: input.slice().buffer });
              controller.close();
            },
          }),
          writable: new WritableStream({
            write: (frame: { data: ArrayBuffer }) => {
              output.push(frame);
            },
            close: () => resolve(),
          }),
          options: { operation: 'encrypt', kind: 'audio' },
        },
      });
    });
    await done;

    expect(output).toHaveLength(1);
    const encrypted = new Uint8Array(output[0]?.data ?? new ArrayBuffer(0));
    // Opus TOC byte in clear, 1-byte SFrame header (KID 0, CTR 0), 4 encrypted bytes, 16-byte tag.
    expect(encrypted).toHaveLength(1 + 1 + 4 + 16);
    expect(encrypted[0]).toBe(0xfc);
    expect(encrypted[1]).toBe(0x00);
  });
});
