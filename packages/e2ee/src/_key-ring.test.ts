import { hkdfSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FrameCryptor, type EncodedFrameLike } from './_frame-cryptor.js';
import { decodeSFrameHeader } from './_header.js';
import {
  EPOCH_BITS,
  FRAMES_PER_EPOCH,
  KeyRing,
  MAX_EPOCH_STEP,
  PREVIOUS_EPOCH_GRACE_MS,
  ratchetBaseKey,
  wireKid,
} from './_key-ring.js';
import type { TransformCounters } from './worker-protocol.js';

const KEY = Uint8Array.from({ length: 32 }, (_, i) => (i * 5 + 1) & 0xff);

function counters(): TransformCounters {
  return { frames: 0, dropped: 0, empty: 0 };
}

function audioFrame(seed: number): EncodedFrameLike {
  const bytes = Uint8Array.from({ length: 40 }, (_, i) => (i * 3 + seed) & 0xff);
  return { data: bytes.buffer, getMetadata: () => ({ mimeType: 'audio/opus' }) };
}

function headerOf(frame: EncodedFrameLike) {
  return decodeSFrameHeader(new Uint8Array(frame.data).subarray(1));
}

function makePair() {
  let clock = 0;
  const sendKeys = new KeyRing();
  sendKeys.setKeys([{ operation: 'encrypt', kind: 'audio', kid: 2, baseKey: KEY }]);
  const receiveKeys = new KeyRing();
  receiveKeys.setKeys([{ operation: 'decrypt', kind: 'audio', kid: 2, baseKey: KEY }]);
  const sender = new FrameCryptor({
    operation: 'encrypt',
    kind: 'audio',
    keys: sendKeys,
    counters: counters(),
  });
  const receiver = new FrameCryptor({
    operation: 'decrypt',
    kind: 'audio',
    keys: receiveKeys,
    counters: counters(),
    now: () => clock,
  });
  const advance = (ms: number) => {
    clock += ms;
  };
  return { sender, receiver, sendKeys, receiveKeys, advance };
}

async function encryptFrames(sender: FrameCryptor, count: number, seed: number) {
  const frames: { frame: EncodedFrameLike; original: Uint8Array }[] = [];
  for (let i = 0; i < count; i++) {
    const frame = audioFrame(seed + i);
    const original = new Uint8Array(frame.data.slice(0));
    expect(await sender.process(frame)).toEqual({ status: 'processed' });
    frames.push({ frame, original });
  }
  return frames;
}

describe('ratchetBaseKey', () => {
  it('matches HKDF-SHA256 with the ratchet label', () => {
    const expected = new Uint8Array(
      hkdfSync('sha256', KEY, new Uint8Array(0), 'SFrame 1.0 Ratchet', 32),
    );
    expect(ratchetBaseKey(KEY)).toEqual(expected);
  });
});

describe('wireKid', () => {
  it('puts the epoch in the low 4 bits', () => {
    expect(wireKid(2n, 0)).toBe(32n);
    expect(wireKid(2n, 3)).toBe(35n);
    expect(wireKid(2n, 17)).toBe(33n);
  });
});

describe('KeyRing ratchet', () => {
  it('rotation mid-stream loses no frame', async () => {
    const { sender, receiver, sendKeys } = makePair();
    const before = await encryptFrames(sender, 6, 0);
    expect(sendKeys.ratchet('audio')).toBe(1);
    const after = await encryptFrames(sender, 6, 50);

    // The newer epoch arrives first and two frames of the old epoch are still in flight.
    const arrival = [
      ...before.slice(0, 4),
      after[0],
      before[4],
      after[1],
      before[5],
      ...after.slice(2),
    ];
    for (const entry of arrival) {
      if (entry === undefined) throw new Error('Missing frame');
      expect(await receiver.process(entry.frame)).toEqual({ status: 'processed' });
      expect(new Uint8Array(entry.frame.data)).toEqual(entry.original);
    }
  });

  it('counters restart per epoch with a new key', async () => {
    const { sender, sendKeys } = makePair();
    const [first] = await encryptFrames(sender, 1, 9);
    sendKeys.ratchet();
    const [second] = await encryptFrames(sender, 1, 9);
    if (first === undefined || second === undefined) throw new Error('Missing frame');

    expect(headerOf(first.frame)).toMatchObject({ kid: wireKid(2n, 0), ctr: 0n });
    expect(headerOf(second.frame)).toMatchObject({ kid: wireKid(2n, 1), ctr: 0n });
    // Same plaintext and CTR: the ciphertexts differ only if key or nonce changed.
    const ciphertext = (frame: EncodedFrameLike) => new Uint8Array(frame.data).subarray(3, 3 + 39);
    expect(ciphertext(second.frame)).not.toEqual(ciphertext(first.frame));
  });

  it('old epoch rejected after the window', async () => {
    const { sender, receiver, sendKeys, advance } = makePair();
    const old = await encryptFrames(sender, 3, 0);
    sendKeys.ratchet();
    const [newer] = await encryptFrames(sender, 1, 20);
    if (newer === undefined) throw new Error('Missing frame');

    expect(await receiver.process(newer.frame)).toEqual({ status: 'processed' });
    advance(PREVIOUS_EPOCH_GRACE_MS - 1);
    expect(await receiver.process(old[0]!.frame)).toEqual({ status: 'processed' });
    advance(1);
    expect(await receiver.process(old[1]!.frame)).toMatchObject({
      status: 'dropped',
      reason: 'unknown-kid',
    });
  });

  it('receiver follows several epochs at once', async () => {
    const { sender, receiver, sendKeys } = makePair();
    for (let i = 0; i < MAX_EPOCH_STEP; i++) sendKeys.ratchet();
    const [frame] = await encryptFrames(sender, 1, 1);
    if (frame === undefined) throw new Error('Missing frame');
    expect(headerOf(frame.frame).kid).toBe(wireKid(2n, MAX_EPOCH_STEP));
    expect(await receiver.process(frame.frame)).toEqual({ status: 'processed' });
  });

  it('receiver drops frames too many epochs ahead', async () => {
    const { sender, receiver, sendKeys } = makePair();
    for (let i = 0; i <= MAX_EPOCH_STEP; i++) sendKeys.ratchet();
    const [frame] = await encryptFrames(sender, 1, 1);
    expect(await receiver.process(frame!.frame)).toMatchObject({
      status: 'dropped',
      reason: 'unknown-kid',
    });
  });

  it('forged newer epoch does not move the receiver', async () => {
    const { sender, receiver, sendKeys } = makePair();
    const [current] = await encryptFrames(sender, 1, 0);
    sendKeys.ratchet();
    const [newer] = await encryptFrames(sender, 1, 5);
    if (current === undefined || newer === undefined) throw new Error('Missing frame');
    const forged = new Uint8Array(newer.frame.data.slice(0));
    forged[forged.length - 1] = (forged.at(-1) as number) ^ 1;

    expect(await receiver.process({ ...newer.frame, data: forged.buffer })).toMatchObject({
      status: 'dropped',
      reason: 'auth-failed',
    });
    // Still in epoch 0, so its frames decrypt with no grace period involved.
    expect(await receiver.process(current.frame)).toEqual({ status: 'processed' });
  });

  it('sender ratchets on its own after FRAMES_PER_EPOCH frames', async () => {
    const { sender, receiver, sendKeys } = makePair();
    const key = sendKeys.encryptKey('audio');
    if (key === undefined) throw new Error('Missing key');
    key.nextCtr = FRAMES_PER_EPOCH - 1n;
    const frames = await encryptFrames(sender, 2, 0);
    expect(headerOf(frames[1]!.frame)).toMatchObject({ kid: wireKid(2n, 1), ctr: 0n });
    expect(await receiver.process(frames[1]!.frame)).toEqual({ status: 'processed' });
  });
});

describe('KeyRing ratchet onlyIfUsed', () => {
  it('leaves a key without frames in its epoch in place', async () => {
    const { sender, sendKeys } = makePair();
    expect(sendKeys.ratchet('audio', { onlyIfUsed: true })).toBe(0);
    await encryptFrames(sender, 1, 0);
    expect(sendKeys.ratchet('audio', { onlyIfUsed: true })).toBe(1);
    expect(sendKeys.ratchet('audio', { onlyIfUsed: true })).toBe(0);

    expect(sendKeys.epochState('encrypt', 'audio')).toEqual({ epoch: 1, ratchets: 1 });
  });
});

describe('KeyRing epochState', () => {
  it('is null before set-keys', () => {
    expect(new KeyRing().epochState('encrypt', 'audio')).toBeNull();
  });

  it('counts requested and frame-count ratchets of a sender', async () => {
    const { sender, sendKeys } = makePair();
    sendKeys.ratchet('audio');
    sendKeys.ratchet();
    const key = sendKeys.encryptKey('audio');
    if (key === undefined) throw new Error('Missing key');
    key.nextCtr = FRAMES_PER_EPOCH;
    await encryptFrames(sender, 1, 0);

    expect(sendKeys.epochState('encrypt', 'audio')).toEqual({ epoch: 3, ratchets: 3 });
    expect(sendKeys.epochState('encrypt', 'video')).toBeNull();
  });

  it('follows and counts every epoch past three wraps', async () => {
    const { sender, receiver, sendKeys, receiveKeys } = makePair();
    const epochs = 3 * 2 ** EPOCH_BITS + 2;
    for (let epoch = 1; epoch <= epochs; epoch++) {
      sendKeys.ratchet('audio');
      const [frame] = await encryptFrames(sender, 1, epoch);
      expect(await receiver.process(frame!.frame)).toEqual({ status: 'processed' });
    }

    expect(receiveKeys.epochState('decrypt', 'audio')).toEqual({ epoch: epochs, ratchets: epochs });
  });

  it('counts one move when a receiver skips epochs', async () => {
    const { sender, receiver, sendKeys, receiveKeys } = makePair();
    for (let i = 0; i < 3; i++) sendKeys.ratchet('audio');
    const [frame] = await encryptFrames(sender, 1, 0);
    await receiver.process(frame!.frame);

    expect(receiveKeys.epochState('decrypt', 'audio')).toEqual({ epoch: 3, ratchets: 1 });
  });

  it('leaves the receiver in place on a forged newer epoch', async () => {
    const { sender, receiver, sendKeys, receiveKeys } = makePair();
    sendKeys.ratchet('audio');
    const [newer] = await encryptFrames(sender, 1, 5);
    const forged = new Uint8Array(newer!.frame.data.slice(0));
    forged[forged.length - 1] = (forged.at(-1) as number) ^ 1;
    await receiver.process({ ...newer!.frame, data: forged.buffer });

    expect(receiveKeys.epochState('decrypt', 'audio')).toEqual({ epoch: 0, ratchets: 0 });
  });
});
