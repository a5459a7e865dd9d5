import { assertBytes, assertUint64, readUintBE, writeUintBE } from './_bytes.js';
import { SFrameError } from './errors.js';

/*
 * SFrame header, RFC 9605 section 4.3:
 *
 *    0 1 2 3 4 5 6 7
 *   +-+-+-+-+-+-+-+-+---------------------------------+-------------------+
 *   |X|  K  |Y|  C  |   KID (0 or K+1 bytes)          | CTR (0 or C+1 bytes)
 *   +-+-+-+-+-+-+-+-+---------------------------------+-------------------+
 *
 * X = 0: K is the KID itself (0..7) and no KID bytes follow. X = 1: K+1 big-endian KID bytes
 * follow. Y and C do the same for CTR. Only the shortest encoding of each value is accepted.
 */

/** Values below this fit in the 3-bit field of the config byte. */
const INLINE_LIMIT = 8n;

/** KID and CTR of a decoded SFrame header, and how many bytes the header took. */
export interface SFrameHeader {
  kid: bigint;
  ctr: bigint;
  /** Header length in bytes (1 to 17). */
  length: number;
}

function byteLength(value: bigint): number {
  let length = 1;
  while (value >> BigInt(8 * length) > 0n) length++;
  return length;
}

/**
 * Encodes the SFrame header (RFC 9605 section 4.3) for `kid` and `ctr` with the shortest
 * encoding of each.
 *
 * @throws {TypeError} if `kid` or `ctr` is not a bigint.
 * @throws {RangeError} if `kid` or `ctr` is outside 0..2^64-1.
 *
 * @example Encode KID 0x123 and CTR 0x4567
 * ```ts
 * encodeSFrameHeader(0x123n, 0x4567n); // Uint8Array [0x99, 0x01, 0x23, 0x45, 0x67]
 * ```
 */
export function encodeSFrameHeader(kid: bigint, ctr: bigint): Uint8Array {
  assertUint64(kid, 'kid');
  assertUint64(ctr, 'ctr');

  const kidLength = kid < INLINE_LIMIT ? 0 : byteLength(kid);
  const ctrLength = ctr < INLINE_LIMIT ? 0 : byteLength(ctr);
  const header = new Uint8Array(1 + kidLength + ctrLength);

  const kidBits = kidLength === 0 ? Number(kid) : 0x8 | (kidLength - 1);
  const ctrBits = ctrLength === 0 ? Number(ctr) : 0x8 | (ctrLength - 1);
  header[0] = (kidBits << 4) | ctrBits;

  writeUintBE(kid, header.subarray(1, 1 + kidLength));
  writeUintBE(ctr, header.subarray(1 + kidLength));
  return header;
}

/**
 * Decodes the SFrame header at the start of `bytes`.
 *
 * @throws {TypeError} if `bytes` is not a Uint8Array.
 * @throws {SFrameError} `PORCHLIGHT_SFRAME_MALFORMED` if the header is truncated or a value is
 *   not in its shortest encoding.
 *
 * @example Read KID and CTR
 * ```ts
 * const { kid, ctr, length } = decodeSFrameHeader(frame);
 * ```
 */
export function decodeSFrameHeader(bytes: Uint8Array): SFrameHeader {
  assertBytes(bytes, 'bytes');
  const config = bytes[0];
  if (config === undefined) {
    throw new SFrameError(
      'PORCHLIGHT_SFRAME_MALFORMED',
      'Failed to decode SFrame header: input is empty',
    );
  }

  let offset = 1;
  const readField = (bits: number, name: 'KID' | 'CTR'): bigint => {
    if ((bits & 0x8) === 0) return BigInt(bits);

    const length = (bits & 0x7) + 1;
    const available = bytes.length - offset;
    if (length > available) {
      throw new SFrameError(
        'PORCHLIGHT_SFRAME_MALFORMED',
        `Failed to decode SFrame header: ${name} needs ${length} bytes, ${available} left`,
      );
    }
    const field = bytes.subarray(offset, offset + length);
    offset += length;

    // RFC 9605 section 4.3 requires the minimal encoding, so a value that fits in the config
    // byte or a leading zero byte means the header was not produced by a conforming sender.
    const value = readUintBE(field);
    if (value < INLINE_LIMIT || field[0] === 0) {
      throw new SFrameError(
        'PORCHLIGHT_SFRAME_MALFORMED',
        `Failed to decode SFrame header: ${name} is not minimally encoded`,
      );
    }
    return value;
  };

  const kid = readField(config >> 4, 'KID');
  const ctr = readField(config & 0xf, 'CTR');
  return { kid, ctr, length: offset };
}
