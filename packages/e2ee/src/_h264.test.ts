import { describe, expect, it } from 'vitest';
import { FrameCryptor, type EncodedFrameLike } from './_frame-cryptor.js';
import {
  clearNalLength,
  escapeSegment,
  splitAnnexB,
  splitH264ForEncrypt,
  unescapeSegment,
} from './_h264.js';
import { KeyRing, MEDIA_CIPHER_SUITE, wireKid } from './_key-ring.js';
import { SFrameContext } from './sframe.js';
import type { TransformCounters } from './worker-protocol.js';

const KEY = Uint8Array.from({ length: 32 }, (_, i) => (i * 11) & 0xff);
const START_4 = [0, 0, 0, 1];
const START_3 = [0, 0, 1];

// SPS and PPS bytes shaped like a constrained baseline stream's. The worker does not parse them.
const SPS = [
  0x67, 0x42, 0xc0, 0x1e, 0xda, 0x02, 0x80, 0xf6, 0xc0, 0x44, 0x00, 0x00, 0x03, 0x00, 0x04, 0x80,
];
const PPS = [0x68, 0xce, 0x3c, 0x80];
// IDR slice: first_mb_in_slice 0 (1), slice_type 7 (0001000), pps_id 0 (1): 9 bits.
const IDR_HEADER = [0x65, 0x88, 0x84];
// Non-IDR slice: first_mb_in_slice 0 (1), slice_type 5 (00110), pps_id 0 (1): 7 bits.
const P_HEADER = [0x41, 0x9a];
const SEI = [0x06, 0x05, 0x01, 0x42, 0x80];

/** Slice data without start-code patterns, so the original frame is valid Annex B. */
function sliceData(length: number, seed: number): number[] {
  return Array.from({ length }, (_, i) => ((i * 37 + seed) % 251) + 4);
}

function annexB(units: number[][], startCodes: number[][] = []): Uint8Array {
  return Uint8Array.from(units.flatMap((unit, i) => [...(startCodes[i] ?? START_4), ...unit]));
}

function h264Frame(data: Uint8Array, type: 'key' | 'delta'): EncodedFrameLike {
  return { data: data.slice().buffer, type, getMetadata: () => ({ mimeType: 'video/H264' }) };
}

function counters(): TransformCounters {
  return { frames: 0, dropped: 0, empty: 0 };
}

function cryptor(operation: 'encrypt' | 'decrypt') {
  const keys = new KeyRing();
  keys.setKeys([{ operation, kind: 'video', kid: 1, baseKey: KEY }]);
  return new FrameCryptor({ operation, kind: 'video', keys, counters: counters() });
}

/** Start codes found the way a packetizer finds them: every 00 00 01. */
function countStartCodes(bytes: Uint8Array): number {
  let count = 0;
  for (let i = 0; i + 2 < bytes.length; i++) {
    if (bytes[i] === 0 && bytes[i + 1] === 0 && bytes[i + 2] === 1) count++;
  }
  return count;
}

function hasEmulation(bytes: Uint8Array): boolean {
  for (let i = 0; i + 2 < bytes.length; i++) {
    if (bytes[i] === 0 && bytes[i + 1] === 0 && (bytes[i + 2] as number) <= 2) return true;
  }
  return false;
}

describe('escapeSegment', () => {
  it('inserts 03 after 00 00 before 00 to 03', () => {
    for (const next of [0, 1, 2, 3]) {
      expect(escapeSegment(Uint8Array.of(7, 0, 0, next, 9))).toEqual(
        Uint8Array.of(7, 0, 0, 3, next, 9),
      );
    }
  });

  it('leaves 00 00 04 alone', () => {
    expect(escapeSegment(Uint8Array.of(0, 0, 4))).toEqual(Uint8Array.of(0, 0, 4));
  });

  it('restarts the zero count after an inserted byte', () => {
    expect(escapeSegment(Uint8Array.of(0, 0, 0, 0, 0))).toEqual(Uint8Array.of(0, 0, 3, 0, 0, 3, 0));
  });

  it('counts zeros that precede the segment', () => {
    expect(escapeSegment(Uint8Array.of(0, 1), 1)).toEqual(Uint8Array.of(0, 3, 1));
    expect(escapeSegment(Uint8Array.of(1), 2)).toEqual(Uint8Array.of(3, 1));
    expect(escapeSegment(Uint8Array.of(0, 1), 0)).toEqual(Uint8Array.of(0, 1));
  });

  it('round trips zero-heavy bytes', () => {
    for (let seed = 0; seed < 200; seed++) {
      const input = Uint8Array.from({ length: 64 }, (_, i) =>
        (i * seed + seed) % 7 < 4 ? 0 : (i + seed) % 5,
      );
      for (const zeros of [0, 1, 2]) {
        const escaped = escapeSegment(input, zeros);
        expect(hasEmulation(Uint8Array.of(...new Array<number>(zeros).fill(0), ...escaped))).toBe(
          false,
        );
        expect(unescapeSegment(escaped, zeros)).toEqual(input);
      }
    }
  });
});

describe('splitAnnexB', () => {
  it('splits 3- and 4-byte start codes', () => {
    const data = annexB([SPS, PPS, IDR_HEADER], [START_4, START_3, START_4]);
    const units = splitAnnexB(data);
    expect(units?.map((unit) => Array.from(unit))).toEqual([SPS, PPS, IDR_HEADER]);
  });

  it('returns null without a leading start code', () => {
    expect(splitAnnexB(Uint8Array.of(0x65, 0, 0, 1, 0x41))).toBeNull();
  });

  it('returns null for an empty NAL unit', () => {
    expect(splitAnnexB(Uint8Array.of(0, 0, 1, 0, 0, 1, 0x41))).toBeNull();
  });
});

describe('clearNalLength', () => {
  it('keeps SPS and PPS whole', () => {
    expect(clearNalLength(Uint8Array.from(SPS))).toBe(SPS.length);
    expect(clearNalLength(Uint8Array.from(PPS))).toBe(PPS.length);
  });

  it('keeps slice headers through pps_id', () => {
    expect(clearNalLength(Uint8Array.from([...IDR_HEADER, 1, 2, 3]))).toBe(3);
    expect(clearNalLength(Uint8Array.from([...P_HEADER, 1, 2, 3]))).toBe(2);
  });

  it('keeps only the header of other types', () => {
    expect(clearNalLength(Uint8Array.from(SEI))).toBe(1);
  });

  it('returns null for a truncated slice header', () => {
    expect(clearNalLength(Uint8Array.of(0x65, 0x80))).toBeNull();
    expect(clearNalLength(Uint8Array.of(0x41))).toBeNull();
  });
});

describe('FrameCryptor with H.264', () => {
  const keyFrame = annexB(
    [SEI, SPS, PPS, [...IDR_HEADER, ...sliceData(900, 1)]],
    [START_4, START_3, START_4, START_3],
  );
  const deltaFrame = annexB([[...P_HEADER, ...sliceData(300, 2)]], [START_3]);
  const twoSlices = annexB([
    [...IDR_HEADER, ...sliceData(400, 3)],
    [0x65, 0xb8, 0x84, ...sliceData(200, 4)],
  ]);
  /** The frame with every start code written as 00 00 00 01, as a receiver gets it. */
  const normalised = (data: Uint8Array) =>
    annexB((splitAnnexB(data) ?? []).map((u) => Array.from(u)));

  it('round trip restores key, delta and multi-slice frames', async () => {
    for (const [data, type] of [
      [keyFrame, 'key'],
      [deltaFrame, 'delta'],
      [twoSlices, 'key'],
    ] as const) {
      const sender = cryptor('encrypt');
      const receiver = cryptor('decrypt');
      const frame = h264Frame(data, type);
      expect(await sender.process(frame)).toEqual({ status: 'processed' });
      expect(await receiver.process(frame)).toEqual({ status: 'processed' });
      expect(new Uint8Array(frame.data)).toEqual(normalised(data));
    }
  });

  it('keeps NAL and slice headers in clear', async () => {
    const frame = h264Frame(keyFrame, 'key');
    await cryptor('encrypt').process(frame);
    const units = splitAnnexB(new Uint8Array(frame.data));
    if (units === null) throw new Error('Encrypted frame is not Annex B');
    expect(units).toHaveLength(4);
    expect(units[0]?.[0]).toBe(SEI[0]);
    expect(Array.from(units[1] ?? [])).toEqual(SPS);
    expect(Array.from(units[2] ?? [])).toEqual(PPS);
    expect(Array.from(units[3]?.subarray(0, 3) ?? [])).toEqual(IDR_HEADER);
    expect(Array.from(units[3]?.subarray(3, 40) ?? [])).not.toEqual(sliceData(900, 1).slice(0, 37));
  });

  it('escapes start codes forced into the ciphertext', async () => {
    const plaintext = Uint8Array.from(sliceData(120, 5));
    // GCM is a stream cipher, so encrypting zeros under the same key, KID and CTR gives the
    // keystream, and plaintext bytes equal to it encrypt to zeros.
    const context = new SFrameContext({
      cipherSuite: MEDIA_CIPHER_SUITE,
      baseKey: KEY,
      kid: wireKid(1n, 0),
    });
    const zeros = context.encrypt({
      ctr: 0n,
      metadata: new Uint8Array(0),
      plaintext: new Uint8Array(120),
    });
    const keystream = zeros.subarray(2, 122); // after the 2-byte header (wire KID 16, CTR 0)
    const forced = [
      [10, [0, 0, 1]],
      [40, [0, 0, 0]],
      [70, [0, 0, 3]],
      [100, [0, 0, 2]],
    ] as const;
    for (const [at, pattern] of forced) {
      pattern.forEach((value, i) => {
        plaintext[at + i] = (keystream[at + i] as number) ^ value;
      });
    }
    const data = annexB([[...P_HEADER, ...plaintext]]);
    const frame = h264Frame(data, 'delta');
    await cryptor('encrypt').process(frame);
    const output = new Uint8Array(frame.data);

    // 4-byte start code, 2 clear bytes, 2-byte SFrame header, 120 bytes, tag, four inserted 03s.
    expect(output.length).toBe(4 + 2 + 2 + 120 + 16 + 4);
    expect(countStartCodes(output)).toBe(1);
    expect(hasEmulation(output.subarray(4))).toBe(false);

    const receiver = cryptor('decrypt');
    expect(await receiver.process(frame)).toEqual({ status: 'processed' });
    expect(new Uint8Array(frame.data)).toEqual(data);
  });

  it('WebCrypto output equals the noble SFrameContext bytes, and those decrypt', async () => {
    for (const data of [keyFrame, deltaFrame, twoSlices]) {
      const split = splitH264ForEncrypt(data);
      if (split === null) throw new Error('Test frame has no slice');
      const noble = new SFrameContext({
        cipherSuite: MEDIA_CIPHER_SUITE,
        baseKey: KEY,
        kid: wireKid(1n, 0),
      });
      const sframe = noble.encrypt({
        ctr: 0n,
        metadata: split.metadata,
        plaintext: split.plaintext,
      });
      const viaNoble = h264Frame(split.assemble(sframe, noble.tagLength), 'key');
      const viaWebCrypto = h264Frame(data, 'key');
      await cryptor('encrypt').process(viaWebCrypto);
      expect(new Uint8Array(viaWebCrypto.data)).toEqual(new Uint8Array(viaNoble.data));
      expect(await cryptor('decrypt').process(viaNoble)).toEqual({ status: 'processed' });
      expect(new Uint8Array(viaNoble.data)).toEqual(normalised(data));
    }
  });

  it('rejects bytes moved between segments', async () => {
    const frame = h264Frame(twoSlices, 'key');
    await cryptor('encrypt').process(frame);
    const units = splitAnnexB(new Uint8Array(frame.data));
    if (units === null) throw new Error('Encrypted frame is not Annex B');
    // Move the last byte of the first slice to the start of the second slice's segment.
    const [first, second] = units as [Uint8Array, Uint8Array];
    const moved = annexB([
      Array.from(first.subarray(0, -1)),
      [...second.subarray(0, 3), first.at(-1) as number, ...second.subarray(3)],
    ]);
    const received = h264Frame(moved, 'key');
    expect(await cryptor('decrypt').process(received)).toMatchObject({
      status: 'dropped',
      reason: 'auth-failed',
    });
  });

  it('drops frames without a slice', async () => {
    const frame = h264Frame(annexB([SPS, PPS]), 'key');
    expect(await cryptor('encrypt').process(frame)).toMatchObject({
      status: 'dropped',
      reason: 'malformed',
    });
    expect(splitH264ForEncrypt(Uint8Array.of(0x41, 0x9a))).toBeNull();
  });
});
