import { describe, expect, it } from 'vitest';
import {
  FrameCryptor,
  KEY_FRAME_REQUEST_INTERVAL_MS,
  type EncodedFrameLike,
} from './_frame-cryptor.js';
import { FRAMES_PER_EPOCH, KeyRing } from './_key-ring.js';
import { decodeSFrameHeader } from './_header.js';
import type { KeyEntry, MediaKind, TransformCounters } from './worker-protocol.js';

const KEY_A = Uint8Array.from({ length: 32 }, (_, i) => i);
const KEY_B = Uint8Array.from({ length: 32 }, (_, i) => 255 - i);

function counters(): TransformCounters {
  return { frames: 0, dropped: 0, empty: 0 };
}

function ringWith(entries: KeyEntry[]): KeyRing {
  const ring = new KeyRing();
  ring.setKeys(entries);
  return ring;
}

function plainCryptor(operation: 'encrypt' | 'decrypt', kind: MediaKind, keys: KeyRing) {
  return new FrameCryptor({ operation, kind, keys, counters: counters() });
}

function makePair(kind: MediaKind, sendKey = KEY_A, receiveKey = KEY_A, kid = 1) {
  const senderCounters = counters();
  const receiverCounters = counters();
  const requests: number[] = [];
  let clock = 0;
  const sender = new FrameCryptor({
    operation: 'encrypt',
    kind,
    keys: ringWith([{ operation: 'encrypt', kind, kid, baseKey: sendKey }]),
    counters: senderCounters,
  });
  const receiver = new FrameCryptor({
    operation: 'decrypt',
    kind,
    keys: ringWith([{ operation: 'decrypt', kind, kid, baseKey: receiveKey }]),
    counters: receiverCounters,
    requestKeyFrame: () => requests.push(clock),
    now: () => clock,
  });
  const advance = (ms: number) => {
    clock += ms;
  };
  return { sender, receiver, senderCounters, receiverCounters, requests, advance };
}

function videoFrame(type: 'key' | 'delta', length: number, seed = 7): EncodedFrameLike {
  const bytes = Uint8Array.from({ length }, (_, i) => (i * 13 + seed) & 0xff);
  return { data: bytes.buffer, type, getMetadata: () => ({ mimeType: 'video/VP8' }) };
}

function audioFrame(length: number): EncodedFrameLike {
  const bytes = Uint8Array.from({ length }, (_, i) => (i * 5 + 1) & 0xff);
  return { data: bytes.buffer, getMetadata: () => ({ mimeType: 'audio/opus' }) };
}

function copyFrame(frame: EncodedFrameLike): EncodedFrameLike {
  return { ...frame, data: frame.data.slice(0) };
}

describe('FrameCryptor', () => {
  it('round trip restores video and audio frames', async () => {
    for (const [kind, original] of [
      ['video', videoFrame('key', 500)],
      ['video', videoFrame('delta', 120)],
      ['audio', audioFrame(60)],
    ] as const) {
      const { sender, receiver, receiverCounters } = makePair(kind);
      const expected = new Uint8Array(original.data.slice(0));
      const frame = copyFrame(original);
      expect(await sender.process(frame)).toEqual({ status: 'processed' });
      expect(new Uint8Array(frame.data)).not.toEqual(expected);
      expect(await receiver.process(frame)).toEqual({ status: 'processed' });
      expect(new Uint8Array(frame.data)).toEqual(expected);
      expect(receiverCounters.frames).toBe(1);
    }
  });

  it('keeps the clear prefix unchanged in the output', async () => {
    const cases = [
      { kind: 'video', frame: videoFrame('key', 300), prefix: 10 },
      { kind: 'video', frame: videoFrame('delta', 300), prefix: 3 },
      { kind: 'audio', frame: audioFrame(40), prefix: 1 },
    ] as const;
    for (const { kind, frame, prefix } of cases) {
      const { sender } = makePair(kind);
      const original = new Uint8Array(frame.data.slice(0));
      await sender.process(frame);
      const output = new Uint8Array(frame.data);
      expect(output.subarray(0, prefix)).toEqual(original.subarray(0, prefix));
      // 2-byte header for wire KID 16 (KID 1, epoch 0) and CTR 0, then the encrypted payload
      // and a 16-byte tag.
      expect(output.length).toBe(original.length + 2 + 16);
      expect(decodeSFrameHeader(output.subarray(prefix))).toEqual({ kid: 16n, ctr: 0n, length: 2 });
    }
  });

  it('counters start at 0 and increase by one per frame', async () => {
    const { sender } = makePair('video');
    for (let i = 0; i < 10; i++) {
      const frame = videoFrame('delta', 50, i);
      await sender.process(frame);
      expect(decodeSFrameHeader(new Uint8Array(frame.data).subarray(3)).ctr).toBe(BigInt(i));
    }
  });

  it('passes empty frames untouched', async () => {
    const { sender, receiver, senderCounters, receiverCounters } = makePair('audio');
    const frame: EncodedFrameLike = { data: new ArrayBuffer(0) };
    const before = frame.data;
    expect(await sender.process(frame)).toEqual({ status: 'empty' });
    expect(await receiver.process(frame)).toEqual({ status: 'empty' });
    expect(frame.data).toBe(before);
    expect(senderCounters).toEqual({ frames: 0, dropped: 0, empty: 1 });
    expect(receiverCounters).toEqual({ frames: 0, dropped: 0, empty: 1 });
  });

  it('drops every frame without keys', async () => {
    for (const operation of ['encrypt', 'decrypt'] as const) {
      const frameCounters = counters();
      const cryptor = new FrameCryptor({
        operation,
        kind: 'video',
        keys: new KeyRing(),
        counters: frameCounters,
      });
      const frame = videoFrame('key', 100);
      const before = frame.data;
      expect(await cryptor.process(frame)).toEqual({
        status: 'dropped',
        reason: 'no-key',
        quiet: false,
      });
      expect(frame.data).toBe(before);
      expect(frameCounters.dropped).toBe(1);
    }
  });

  it('drops and counts frames under a wrong key', async () => {
    const { sender, receiver, receiverCounters } = makePair('video', KEY_A, KEY_B);
    const frame = videoFrame('key', 200);
    await sender.process(frame);
    const encrypted = new Uint8Array(frame.data.slice(0));
    expect(await receiver.process(frame)).toMatchObject({
      status: 'dropped',
      reason: 'auth-failed',
    });
    expect(new Uint8Array(frame.data)).toEqual(encrypted);
    expect(receiverCounters).toEqual({ frames: 0, dropped: 1, empty: 0 });
  });

  it('drops frames with an unknown KID', async () => {
    const { sender } = makePair('audio', KEY_A, KEY_A, 5);
    const receiver = new FrameCryptor({
      operation: 'decrypt',
      kind: 'audio',
      keys: ringWith([{ operation: 'decrypt', kind: 'audio', kid: 6, baseKey: KEY_A }]),
      counters: counters(),
    });
    const frame = audioFrame(30);
    await sender.process(frame);
    expect(await receiver.process(frame)).toMatchObject({
      status: 'dropped',
      reason: 'unknown-kid',
    });
  });

  it('drops a tampered clear prefix', async () => {
    const { sender, receiver } = makePair('video');
    const frame = videoFrame('delta', 80);
    await sender.process(frame);
    const bytes = new Uint8Array(frame.data);
    bytes[1] = (bytes[1] as number) ^ 0x01;
    expect(await receiver.process(frame)).toMatchObject({
      status: 'dropped',
      reason: 'auth-failed',
    });
  });

  it('drops an identical duplicate quietly', async () => {
    const { sender, receiver, receiverCounters } = makePair('video');
    const frame = videoFrame('key', 100);
    await sender.process(frame);
    const duplicate = copyFrame(frame);
    expect((await receiver.process(frame)).status).toBe('processed');
    expect(await receiver.process(duplicate)).toEqual({
      status: 'dropped',
      reason: 'replay',
      quiet: true,
    });
    expect(receiverCounters).toEqual({ frames: 1, dropped: 1, empty: 0 });
  });

  it('drops frames older than the replay window', async () => {
    const { sender, receiver } = makePair('audio');
    const frames: EncodedFrameLike[] = [];
    for (let i = 0; i < 200; i++) {
      const frame = audioFrame(20);
      await sender.process(frame);
      frames.push(frame);
    }
    const oldest = frames[0] as EncodedFrameLike;
    const latest = frames[199] as EncodedFrameLike;
    expect((await receiver.process(latest)).status).toBe('processed');
    expect(await receiver.process(oldest)).toEqual({
      status: 'dropped',
      reason: 'replay',
      quiet: false,
    });
  });

  it('accepts reordered frames inside the window', async () => {
    const { sender, receiver } = makePair('audio');
    const first = audioFrame(20);
    const second = audioFrame(20);
    await sender.process(first);
    await sender.process(second);
    expect((await receiver.process(second)).status).toBe('processed');
    expect((await receiver.process(first)).status).toBe('processed');
  });

  it('drops frames shorter than prefix', async () => {
    const { sender } = makePair('video');
    expect(await sender.process(videoFrame('key', 5))).toMatchObject({
      status: 'dropped',
      reason: 'malformed',
    });
  });

  it('drops a truncated SFrame as malformed', async () => {
    const { sender, receiver } = makePair('video');
    const frame = videoFrame('delta', 40);
    await sender.process(frame);
    frame.data = frame.data.slice(0, 10);
    expect(await receiver.process(frame)).toMatchObject({ status: 'dropped', reason: 'malformed' });
  });

  it('drops frame when getMetadata throws', async () => {
    const { sender } = makePair('video');
    const frame: EncodedFrameLike = {
      data: new ArrayBuffer(40),
      type: 'delta',
      getMetadata: () => {
        throw new Error('detached');
      },
    };
    expect(await sender.process(frame)).toMatchObject({ status: 'dropped', reason: 'malformed' });
  });

  it('ratchets instead of passing the epoch CTR limit', async () => {
    const ring = ringWith([{ operation: 'encrypt', kind: 'audio', kid: 0, baseKey: KEY_A }]);
    const key = ring.encryptKey('audio');
    if (key === undefined) throw new Error('Missing key');
    key.nextCtr = FRAMES_PER_EPOCH - 1n;
    const cryptor = plainCryptor('encrypt', 'audio', ring);
    const last = audioFrame(10);
    const next = audioFrame(10);
    expect(await cryptor.process(last)).toEqual({ status: 'processed' });
    expect(await cryptor.process(next)).toEqual({ status: 'processed' });
    const lastHeader = decodeSFrameHeader(new Uint8Array(last.data).subarray(1));
    const nextHeader = decodeSFrameHeader(new Uint8Array(next.data).subarray(1));
    expect(lastHeader).toMatchObject({ kid: 0n, ctr: FRAMES_PER_EPOCH - 1n });
    expect(nextHeader).toMatchObject({ kid: 1n, ctr: 0n });
  });

  it('drops a frame when the CTR is past 2^64-1', async () => {
    const ring = ringWith([{ operation: 'encrypt', kind: 'audio', kid: 0, baseKey: KEY_A }]);
    const key = ring.encryptKey('audio');
    if (key === undefined) throw new Error('Missing key');
    key.nextCtr = 1n << 64n;
    const cryptor = plainCryptor('encrypt', 'audio', ring);
    expect(await cryptor.process(audioFrame(10))).toMatchObject({
      status: 'dropped',
      reason: 'counter-exhausted',
    });
  });

  it('newest key encrypts, older ones decrypt', async () => {
    const sendRing = ringWith([{ operation: 'encrypt', kind: 'audio', kid: 0, baseKey: KEY_A }]);
    const receiveRing = ringWith([
      { operation: 'decrypt', kind: 'audio', kid: 0, baseKey: KEY_A },
      { operation: 'decrypt', kind: 'audio', kid: 4, baseKey: KEY_B },
    ]);
    const sender = plainCryptor('encrypt', 'audio', sendRing);
    const receiver = plainCryptor('decrypt', 'audio', receiveRing);
    const before = audioFrame(30);
    await sender.process(before);
    sendRing.setKeys([{ operation: 'encrypt', kind: 'audio', kid: 4, baseKey: KEY_B }]);
    const after = audioFrame(30);
    await sender.process(after);
    // KID 4 in epoch 0 is wire KID 4 << 4.
    expect(decodeSFrameHeader(new Uint8Array(after.data).subarray(1)).kid).toBe(64n);
    expect((await receiver.process(after)).status).toBe('processed');
    expect((await receiver.process(before)).status).toBe('processed');
  });

  it('reinstalled key keeps its counter', async () => {
    const ring = ringWith([{ operation: 'encrypt', kind: 'audio', kid: 0, baseKey: KEY_A }]);
    const cryptor = plainCryptor('encrypt', 'audio', ring);
    await cryptor.process(audioFrame(10));
    ring.setKeys([{ operation: 'encrypt', kind: 'audio', kid: 0, baseKey: KEY_A.slice() }]);
    const frame = audioFrame(10);
    await cryptor.process(frame);
    expect(decodeSFrameHeader(new Uint8Array(frame.data).subarray(1)).ctr).toBe(1n);
  });

  it('rate-limits key frame requests', async () => {
    const { sender, receiver, requests, advance } = makePair('video', KEY_A, KEY_B);
    for (let i = 0; i < 5; i++) {
      const frame = videoFrame('delta', 50, i);
      await sender.process(frame);
      await receiver.process(frame);
      advance(100);
    }
    expect(requests).toEqual([0]);
    advance(KEY_FRAME_REQUEST_INTERVAL_MS);
    const frame = videoFrame('delta', 50);
    await sender.process(frame);
    await receiver.process(frame);
    expect(requests).toHaveLength(2);
  });

  it('key frame ends key frame requests', async () => {
    const { sender, receiver, requests, advance } = makePair('video');
    const lost = videoFrame('delta', 50);
    await sender.process(lost);
    lost.data = lost.data.slice(0, 8);
    await receiver.process(lost);
    expect(requests).toHaveLength(1);
    advance(KEY_FRAME_REQUEST_INTERVAL_MS);
    const key = videoFrame('key', 50);
    await sender.process(key);
    await receiver.process(key);
    advance(KEY_FRAME_REQUEST_INTERVAL_MS);
    const delta = videoFrame('delta', 50);
    await sender.process(delta);
    await receiver.process(delta);
    expect(requests).toHaveLength(1);
  });

  it('survives a throwing key frame request', async () => {
    const receiver = new FrameCryptor({
      operation: 'decrypt',
      kind: 'video',
      keys: new KeyRing(),
      counters: counters(),
      requestKeyFrame: () => {
        throw new Error('not supported');
      },
    });
    expect(await receiver.process(videoFrame('key', 50))).toMatchObject({
      status: 'dropped',
      reason: 'no-key',
    });
  });
});

describe('KeyRing', () => {
  it('rejects invalid entries before installing any', async () => {
    const ring = new KeyRing();
    expect(() =>
      ring.setKeys([
        { operation: 'encrypt', kind: 'audio', kid: 0, baseKey: KEY_A },
        { operation: 'encrypt', kind: 'audio', kid: 1, baseKey: new Uint8Array(16) },
      ]),
    ).toThrow(/"keys\[1\]\.baseKey"/);
    expect(ring.has('encrypt', 'audio')).toBe(false);
    expect(() => ring.setKeys('keys')).toThrow(TypeError);
    expect(() =>
      ring.setKeys([{ operation: 'sign', kind: 'audio', kid: 0, baseKey: KEY_A }]),
    ).toThrow(/operation/);
    expect(() =>
      ring.setKeys([{ operation: 'encrypt', kind: 'audio', kid: -1, baseKey: KEY_A }]),
    ).toThrow(RangeError);
  });
});
