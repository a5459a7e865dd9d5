import { afterEach, describe, expect, it, vi } from 'vitest';
import { DROP_NOTICE_INTERVAL_MS, DropNotifier } from './_drop-notifier.js';
import type { EncodedFrameLike } from './_frame-cryptor.js';
import { decodeSFrameHeader } from './_header.js';
import { WorkerRuntime } from './_worker-runtime.js';
import type { KeyEntry, WorkerRequest, WorkerResponse } from './worker-protocol.js';

const KEY = Uint8Array.from({ length: 32 }, (_, i) => i * 3);

function fakeClock() {
  let now = 0;
  const timers: { at: number; callback: () => void }[] = [];
  return {
    now: () => now,
    setTimeout: (callback: () => void, delayMs: number) => {
      timers.push({ at: now + delayMs, callback });
      return timers.length;
    },
    advance(ms: number) {
      now += ms;
      for (const timer of timers.splice(0)) {
        if (timer.at <= now) timer.callback();
        else timers.push(timer);
      }
    },
  };
}

/** Pushes frames through `runtime.attach` and returns the frames that came out. */
async function runFrames(
  runtime: WorkerRuntime,
  options: { operation: 'encrypt' | 'decrypt'; kind: 'audio' | 'video' },
  frames: EncodedFrameLike[],
): Promise<EncodedFrameLike[]> {
  const output: EncodedFrameLike[] = [];
  const readable = new ReadableStream<EncodedFrameLike>({
    start(controller) {
      for (const frame of frames) controller.enqueue(frame);
      controller.close();
    },
  });
  const writable = new WritableStream<EncodedFrameLike>({
    write(frame) {
      output.push(frame);
    },
  });
  await runtime.attach(readable, writable, options);
  return output;
}

function opusFrame(seed: number): EncodedFrameLike {
  const bytes = Uint8Array.from({ length: 24 }, (_, i) => (i + seed) & 0xff);
  return { data: bytes.buffer };
}

const keysFor = (operation: KeyEntry['operation']): KeyEntry[] => [
  { operation, kind: 'audio', kid: 0, baseKey: KEY },
];

describe('WorkerRuntime', () => {
  it('drops every frame until set-keys arrives', async () => {
    const posted: WorkerResponse[] = [];
    const runtime = new WorkerRuntime((message) => posted.push(message), fakeClock());
    const output = await runFrames(runtime, { operation: 'encrypt', kind: 'audio' }, [
      opusFrame(1),
      opusFrame(2),
    ]);
    expect(output).toHaveLength(0);
    expect(runtime.stats.encrypt.audio).toEqual({ frames: 0, dropped: 2, empty: 0 });
    expect(posted).toEqual([
      { type: 'frames-dropped', operation: 'encrypt', kind: 'audio', reason: 'no-key', count: 1 },
    ]);
  });

  it('round trip works through two runtimes', async () => {
    const sender = new WorkerRuntime(() => undefined, fakeClock());
    const receiver = new WorkerRuntime(() => undefined, fakeClock());
    sender.handleMessage({ type: 'set-keys', keys: keysFor('encrypt') });
    receiver.handleMessage({ type: 'set-keys', keys: keysFor('decrypt') });

    const originals = [opusFrame(1), opusFrame(2), { data: new ArrayBuffer(0) }];
    const expected = originals.map((frame) => new Uint8Array(frame.data.slice(0)));
    const encrypted = await runFrames(sender, { operation: 'encrypt', kind: 'audio' }, originals);
    const decrypted = await runFrames(receiver, { operation: 'decrypt', kind: 'audio' }, encrypted);

    expect(decrypted.map((frame) => new Uint8Array(frame.data))).toEqual(expected);
    expect(receiver.stats.decrypt.audio).toEqual({ frames: 2, dropped: 0, empty: 1 });
  });

  it('keeps frame order across frame sizes', async () => {
    // WebCrypto calls of different sizes take different times, and frames must not overtake.
    const sender = new WorkerRuntime(() => undefined, fakeClock());
    const receiver = new WorkerRuntime(() => undefined, fakeClock());
    const videoKeys = (operation: KeyEntry['operation']): KeyEntry[] => [
      { operation, kind: 'video', kid: 1, baseKey: KEY },
    ];
    sender.handleMessage({ type: 'set-keys', keys: videoKeys('encrypt') });
    receiver.handleMessage({ type: 'set-keys', keys: videoKeys('decrypt') });

    const sizes = [8000, 100, 30_000, 60, 2000, 300, 50_000, 10];
    const originals = sizes.map((length, index) => {
      const bytes = Uint8Array.from({ length }, (_, i) => (i + index) & 0xff);
      return { data: bytes.buffer, type: 'delta', getMetadata: () => ({ mimeType: 'video/VP8' }) };
    });
    const expected = originals.map((frame) => new Uint8Array(frame.data.slice(0)));
    const encrypted = await runFrames(sender, { operation: 'encrypt', kind: 'video' }, originals);
    const ctrs = encrypted.map(
      (frame) => decodeSFrameHeader(new Uint8Array(frame.data).subarray(3)).ctr,
    );
    const decrypted = await runFrames(receiver, { operation: 'decrypt', kind: 'video' }, encrypted);

    expect(ctrs).toEqual(sizes.map((_, index) => BigInt(index)));
    expect(decrypted.map((frame) => new Uint8Array(frame.data))).toEqual(expected);
  });

  it('ratchet request moves encrypt keys to the next epoch', async () => {
    const runtime = new WorkerRuntime(() => undefined, fakeClock());
    runtime.handleMessage({ type: 'set-keys', keys: keysFor('encrypt') });
    const [before] = await runFrames(runtime, { operation: 'encrypt', kind: 'audio' }, [
      opusFrame(1),
    ]);
    runtime.handleMessage({ type: 'ratchet', kind: 'audio' });
    const [after] = await runFrames(runtime, { operation: 'encrypt', kind: 'audio' }, [
      opusFrame(2),
    ]);
    if (before === undefined || after === undefined) throw new Error('Missing frame');

    // Opus keeps its first byte in clear, and the SFrame header follows it.
    expect(decodeSFrameHeader(new Uint8Array(before.data).subarray(1)).kid).toBe(0n);
    expect(decodeSFrameHeader(new Uint8Array(after.data).subarray(1))).toMatchObject({
      kid: 1n,
      ctr: 0n,
    });
  });

  describe('without crypto.subtle', () => {
    afterEach(() => {
      vi.unstubAllGlobals();
    });

    it('drops every frame, counts it and reports no-webcrypto', async () => {
      const posted: WorkerResponse[] = [];
      const runtime = new WorkerRuntime((message) => posted.push(message), fakeClock());
      runtime.handleMessage({ type: 'set-keys', keys: keysFor('encrypt') });
      // A worker outside a secure context has `crypto` without `subtle`.
      vi.stubGlobal('crypto', { getRandomValues: crypto.getRandomValues.bind(crypto) });
      const originals = [opusFrame(1), opusFrame(2), { data: new ArrayBuffer(0) }];

      const output = await runFrames(runtime, { operation: 'encrypt', kind: 'audio' }, originals);

      // Only the empty frame passes, so nothing goes out in clear.
      expect(output.map((frame) => frame.data.byteLength)).toEqual([0]);
      expect(runtime.stats.encrypt.audio).toEqual({ frames: 0, dropped: 2, empty: 1 });
      expect(runtime.snapshot().drops.encrypt.audio).toEqual({ 'no-webcrypto': 2 });
      expect(posted).toContainEqual(
        expect.objectContaining({ type: 'frames-dropped', reason: 'no-webcrypto' }),
      );
    });
  });

  it('get-stats reports the epochs of encrypt and decrypt keys', async () => {
    const posted: WorkerResponse[] = [];
    const runtime = new WorkerRuntime((message) => posted.push(message), fakeClock());
    runtime.handleMessage({ type: 'get-stats', requestId: 1 });
    const keys = [...keysFor('encrypt'), ...keysFor('decrypt')];
    runtime.handleMessage({ type: 'set-keys', keys });
    runtime.handleMessage({ type: 'ratchet' });
    runtime.handleMessage({ type: 'ratchet', kind: 'audio' });
    const [encrypted] = await runFrames(runtime, { operation: 'encrypt', kind: 'audio' }, [
      opusFrame(1),
    ]);
    await runFrames(runtime, { operation: 'decrypt', kind: 'audio' }, [encrypted!]);
    runtime.handleMessage({ type: 'get-stats', requestId: 2 });

    const [before, after] = posted.filter((reply) => reply.type === 'stats');
    expect(before?.stats.epochs).toEqual({
      encrypt: { audio: null, video: null },
      decrypt: { audio: null, video: null },
    });
    expect(after?.stats.epochs).toEqual({
      encrypt: { audio: { epoch: 2, ratchets: 2 }, video: null },
      decrypt: { audio: { epoch: 2, ratchets: 1 }, video: null },
    });
    expect(after?.stats.encrypt.audio).toEqual({ frames: 1, dropped: 0, empty: 0 });
    expect(after?.stats.decrypt.audio).toEqual({ frames: 1, dropped: 0, empty: 0 });
  });

  it('get-stats counts redelivered frames as duplicates', async () => {
    const runtime = new WorkerRuntime(() => undefined, fakeClock());
    const keys = [...keysFor('encrypt'), ...keysFor('decrypt')];
    runtime.handleMessage({ type: 'set-keys', keys });
    const [encrypted] = await runFrames(runtime, { operation: 'encrypt', kind: 'audio' }, [
      opusFrame(1),
    ]);
    const copy = () => ({ data: encrypted!.data.slice(0) });
    await runFrames(runtime, { operation: 'decrypt', kind: 'audio' }, [copy(), copy(), copy()]);

    const stats = runtime.snapshot();
    expect(stats.decrypt.audio).toEqual({ frames: 1, dropped: 2, empty: 0 });
    expect(stats.drops.decrypt.audio).toEqual({ duplicate: 2 });
  });

  it('timed ratchet request skips keys without frames', async () => {
    const posted: WorkerResponse[] = [];
    const runtime = new WorkerRuntime((message) => posted.push(message), fakeClock());
    runtime.handleMessage({ type: 'set-keys', keys: keysFor('encrypt') });
    runtime.handleMessage({ type: 'ratchet', onlyIfUsed: true });
    await runFrames(runtime, { operation: 'encrypt', kind: 'audio' }, [opusFrame(1)]);
    runtime.handleMessage({ type: 'ratchet', onlyIfUsed: true });
    runtime.handleMessage({ type: 'ratchet', onlyIfUsed: true });
    runtime.handleMessage({ type: 'get-stats', requestId: 1 });

    const reply = posted.find((message) => message.type === 'stats');
    expect(reply?.stats.epochs.encrypt.audio).toEqual({ epoch: 1, ratchets: 1 });
  });

  it('get-stats returns a counters copy', () => {
    const posted: WorkerResponse[] = [];
    const runtime = new WorkerRuntime((message) => posted.push(message), fakeClock());
    runtime.stats.decrypt.video.frames = 7;
    runtime.handleMessage({ type: 'get-stats', requestId: 42 });
    const reply = posted[0];
    expect(reply?.type).toBe('stats');
    if (reply?.type !== 'stats') return;
    expect(reply.requestId).toBe(42);
    expect(reply.stats.decrypt.video.frames).toBe(7);
    expect(reply.stats).not.toBe(runtime.stats);
  });

  it('video drops request key frames', async () => {
    const runtime = new WorkerRuntime(() => undefined, fakeClock());
    let requests = 0;
    const frame: EncodedFrameLike = { data: new ArrayBuffer(40), type: 'delta' };
    const readable = new ReadableStream<EncodedFrameLike>({
      start(controller) {
        controller.enqueue(frame);
        controller.close();
      },
    });
    runtime.handleTransformer({
      readable,
      writable: new WritableStream(),
      options: { operation: 'decrypt', kind: 'video' },
      sendKeyFrameRequest: () => {
        requests++;
        return Promise.reject(new Error('no frame yet'));
      },
    });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(requests).toBe(1);
    expect(runtime.stats.decrypt.video.dropped).toBe(1);
  });

  it('new video key generates key frames', () => {
    const runtime = new WorkerRuntime(() => undefined, fakeClock());
    const calls: string[] = [];
    const transformer = (operation: 'encrypt' | 'decrypt', kind: 'audio' | 'video') => ({
      readable: new ReadableStream(),
      writable: new WritableStream(),
      options: { operation, kind },
      generateKeyFrame: () => {
        calls.push(`${operation} ${kind}`);
        return Promise.reject(new Error('encoder not started'));
      },
    });
    runtime.handleTransformer(transformer('encrypt', 'video'));
    runtime.handleTransformer(transformer('encrypt', 'audio'));
    runtime.handleTransformer(transformer('decrypt', 'video'));
    // A sender without generateKeyFrame, as in Chromium 156, is skipped.
    runtime.handleTransformer({
      readable: new ReadableStream(),
      writable: new WritableStream(),
      options: { operation: 'encrypt', kind: 'video' },
    });

    runtime.handleMessage({ type: 'set-keys', keys: keysFor('encrypt') });
    expect(calls).toEqual([]);

    const videoKey: KeyEntry = { operation: 'encrypt', kind: 'video', kid: 1, baseKey: KEY };
    runtime.handleMessage({ type: 'set-keys', keys: [videoKey] });
    expect(calls).toEqual(['encrypt video']);
  });

  it('rejects invalid transform options and requests', () => {
    const runtime = new WorkerRuntime(() => undefined, fakeClock());
    expect(() =>
      runtime.attach(new ReadableStream(), new WritableStream(), { operation: 'encrypt' }),
    ).toThrow(/"kind"/);
    expect(() =>
      runtime.handleMessage({ type: 'reset' } as unknown as WorkerRequest),
    ).toThrow(/Unknown worker request type/);
  });
});

describe('DropNotifier', () => {
  it('one notice per interval', () => {
    const clock = fakeClock();
    const notices: unknown[] = [];
    const notifier = new DropNotifier((notice) => notices.push(notice), clock);
    notifier.record('decrypt', 'video', 'auth-failed');
    notifier.record('decrypt', 'video', 'auth-failed');
    notifier.record('decrypt', 'video', 'auth-failed');
    expect(notices).toHaveLength(1);
    clock.advance(DROP_NOTICE_INTERVAL_MS);
    const notice = { type: 'frames-dropped', operation: 'decrypt', kind: 'video' };
    expect(notices).toEqual([
      { ...notice, reason: 'auth-failed', count: 1 },
      { ...notice, reason: 'auth-failed', count: 2 },
    ]);
  });

  it('keeps reasons and kinds apart', () => {
    const notices: unknown[] = [];
    const notifier = new DropNotifier((notice) => notices.push(notice), fakeClock());
    notifier.record('decrypt', 'video', 'auth-failed');
    notifier.record('decrypt', 'video', 'replay');
    notifier.record('decrypt', 'audio', 'auth-failed');
    expect(notices).toHaveLength(3);
  });
});
