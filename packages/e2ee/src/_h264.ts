import { concatBytes } from './_bytes.js';
import { decodeSFrameHeader } from './_header.js';

/*
 * H.264 (Annex B) frames under SFrame. The receiving depacketizer parses SPS, PPS and the start of
 * each slice header (first_mb_in_slice, slice_type, pic_parameter_set_id), so those stay in clear:
 *
 *   NAL type                 clear bytes                               encrypted segment
 *   7 SPS, 8 PPS             the whole NAL unit                        none
 *   1 non-IDR, 5 IDR slice   NAL header + slice header through pps_id  the rest of the NAL unit
 *   any other type           NAL header                                the rest of the NAL unit
 *
 * The segments' plaintexts, concatenated in order, are one SFrame plaintext. The SFrame header
 * goes at the start of the first segment and the tag at the end of the last one. Each segment is
 * escaped against start-code emulation, and the output uses 4-byte start codes, because a zero
 * at the end of a segment would be taken into a 3-byte start code that follows it:
 *
 *   00 00 00 01 | SPS | 00 00 00 01 | PPS | 00 00 00 01 | IDR hdr, slice hdr | escape(SFrame hdr ||
 *   ciphertext of NAL 3 || tag)
 *
 * The SFrame metadata (authenticated, not sent) is, for each NAL unit in order, the clear length
 * as 4 big-endian bytes, the clear bytes and the segment's plaintext length as 4 big-endian bytes,
 * so moving bytes between segments fails authentication.
 */

const START_CODE = Uint8Array.of(0, 0, 0, 1);
const NAL_TYPE_SLICE = 1;
const NAL_TYPE_IDR = 5;
const NAL_TYPE_SPS = 7;
const NAL_TYPE_PPS = 8;

/** One NAL unit of an Annex B frame, without its start code. */
type NalUnit = Uint8Array;

/** Tells whether a NAL unit has an encrypted segment: every type but SPS and PPS. */
function hasSegment(nal: NalUnit): boolean {
  const type = (nal[0] as number) & 0x1f;
  return type !== NAL_TYPE_SPS && type !== NAL_TYPE_PPS;
}

/**
 * Splits an Annex B byte stream into NAL units. A 00 00 01 preceded by a zero byte is a 4-byte
 * start code, as WebRTC's H.264 packetizer reads it. Returns null when the frame does not begin
 * with a start code or contains an empty NAL unit.
 */
export function splitAnnexB(data: Uint8Array): NalUnit[] | null {
  const starts: { codeStart: number; payloadStart: number }[] = [];
  let i = 0;
  while (i + 2 < data.length) {
    const third = data[i + 2] as number;
    if (third > 1) {
      i += 3;
    } else if (third === 1 && data[i] === 0 && data[i + 1] === 0) {
      const codeStart = i > 0 && data[i - 1] === 0 ? i - 1 : i;
      starts.push({ codeStart, payloadStart: i + 3 });
      i += 3;
    } else {
      i++;
    }
  }
  if (starts.length === 0 || (starts[0] as { codeStart: number }).codeStart !== 0) return null;

  const units: NalUnit[] = [];
  for (let index = 0; index < starts.length; index++) {
    const start = (starts[index] as { payloadStart: number }).payloadStart;
    const end = starts[index + 1]?.codeStart ?? data.length;
    if (end <= start) return null;
    units.push(data.subarray(start, end));
  }
  return units;
}

/**
 * Returns how many leading bytes of a NAL unit stay in clear, or null when a slice header is
 * too short to hold first_mb_in_slice, slice_type and pic_parameter_set_id.
 */
export function clearNalLength(nal: NalUnit): number | null {
  const type = (nal[0] as number) & 0x1f;
  if (type === NAL_TYPE_SPS || type === NAL_TYPE_PPS) return nal.length;
  if (type !== NAL_TYPE_SLICE && type !== NAL_TYPE_IDR) return 1;

  // Three Exp-Golomb ue(v) fields, read from the raw bytes after the NAL header. Emulation
  // prevention bytes could only appear after 16 zero bits, which these first fields never have
  // in a slice header a conforming encoder writes. The parse is the same on both sides.
  let bit = 8;
  const readBit = (): number | null => {
    const byte = nal[bit >> 3];
    if (byte === undefined) return null;
    const value = (byte >> (7 - (bit & 7))) & 1;
    bit++;
    return value;
  };
  for (let field = 0; field < 3; field++) {
    let leadingZeros = 0;
    for (;;) {
      const value = readBit();
      if (value === null || leadingZeros > 31) return null;
      if (value === 1) break;
      leadingZeros++;
    }
    for (let skip = 0; skip < leadingZeros; skip++) {
      if (readBit() === null) return null;
    }
  }
  return Math.ceil(bit / 8);
}

/** Counts the zero bytes at the end of `bytes`, at most 2. */
function trailingZeros(bytes: Uint8Array): number {
  let count = 0;
  for (let i = bytes.length - 1; i >= 0 && count < 2 && bytes[i] === 0; i--) count++;
  return count;
}

/**
 * Inserts 0x03 after every two zero bytes that the next byte (0x00 to 0x03) would turn into a
 * start code or an emulation prevention pattern, as H.264 does in NAL units (ITU-T H.264
 * section 7.4.1). `zeros` is how many zero bytes directly precede `bytes` in the NAL unit.
 */
export function escapeSegment(bytes: Uint8Array, zeros = 0): Uint8Array {
  const out = new Uint8Array(bytes.length + Math.ceil(bytes.length / 2) + 1);
  let length = 0;
  let run = zeros;
  for (const byte of bytes) {
    if (run >= 2 && byte <= 3) {
      out[length++] = 3;
      run = 0;
    }
    out[length++] = byte;
    run = byte === 0 ? run + 1 : 0;
  }
  return out.slice(0, length);
}

/** Removes the bytes {@link escapeSegment} inserted: each 0x03 that follows two zero bytes. */
export function unescapeSegment(bytes: Uint8Array, zeros = 0): Uint8Array {
  const out = new Uint8Array(bytes.length);
  let length = 0;
  let run = zeros;
  for (const byte of bytes) {
    if (run >= 2 && byte === 3) {
      run = 0;
      continue;
    }
    out[length++] = byte;
    run = byte === 0 ? run + 1 : 0;
  }
  return out.slice(0, length);
}

function lengthBytes(value: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, value);
  return out;
}

function buildMetadata(clear: Uint8Array[], segmentLengths: number[]): Uint8Array {
  const parts: Uint8Array[] = [];
  clear.forEach((bytes, index) => {
    parts.push(lengthBytes(bytes.length), bytes, lengthBytes(segmentLengths[index] as number));
  });
  return concatBytes(...parts);
}

/** Clear parts, SFrame metadata and plaintext of an H.264 frame to encrypt. */
export interface H264Plain {
  metadata: Uint8Array;
  plaintext: Uint8Array;
  /** Builds the output frame from `sframe` (header || ciphertext || tag). */
  assemble(sframe: Uint8Array, tagLength: number): Uint8Array;
}

/** Clear parts, SFrame metadata and SFrame of a received H.264 frame. */
export interface H264Sealed {
  metadata: Uint8Array;
  sframe: Uint8Array;
  /** Builds the decrypted frame from the SFrame plaintext. */
  assemble(plaintext: Uint8Array): Uint8Array;
}

/**
 * Splits an H.264 frame for encryption, or returns null when it is not Annex B, has a slice
 * header too short to parse, or has no NAL unit to carry the SFrame (only SPS and PPS).
 */
export function splitH264ForEncrypt(data: Uint8Array): H264Plain | null {
  const units = splitAnnexB(data);
  if (units === null) return null;

  const clear: Uint8Array[] = [];
  const segments: Uint8Array[] = [];
  for (const nal of units) {
    const clearLength = clearNalLength(nal);
    if (clearLength === null) return null;
    clear.push(nal.subarray(0, clearLength));
    segments.push(nal.subarray(clearLength));
  }
  const carriers = units.flatMap((nal, index) => (hasSegment(nal) ? [index] : []));
  if (carriers.length === 0) return null;
  const segmentLengths = segments.map((segment) => segment.length);

  return {
    metadata: buildMetadata(clear, segmentLengths),
    plaintext: concatBytes(...segments),
    assemble: (sframe, tagLength) => {
      const headerLength = sframe.length - tagLength - segmentLengths.reduce((a, b) => a + b, 0);
      const first = carriers[0] as number;
      const last = carriers.at(-1) as number;
      const parts: Uint8Array[] = [];
      let offset = 0;
      units.forEach((nal, index) => {
        const clearBytes = clear[index] as Uint8Array;
        parts.push(START_CODE, clearBytes);
        if (!hasSegment(nal)) return;
        let length = segmentLengths[index] as number;
        if (index === first) length += headerLength;
        if (index === last) length += tagLength;
        const piece = sframe.subarray(offset, offset + length);
        offset += length;
        parts.push(escapeSegment(piece, trailingZeros(clearBytes)));
      });
      return concatBytes(...parts);
    },
  };
}

/**
 * Splits a received H.264 frame for decryption, or returns null when it is malformed: not
 * Annex B, a slice header too short, no segment, or segments too short for header and tag.
 *
 * @throws {SFrameError} `PORCHLIGHT_SFRAME_MALFORMED` when the SFrame header is invalid.
 */
export function splitH264ForDecrypt(data: Uint8Array, tagLength: number): H264Sealed | null {
  const units = splitAnnexB(data);
  if (units === null) return null;

  const clear: Uint8Array[] = [];
  const pieces: Uint8Array[] = [];
  for (const nal of units) {
    const clearLength = clearNalLength(nal);
    if (clearLength === null) return null;
    const clearBytes = nal.subarray(0, clearLength);
    clear.push(clearBytes);
    pieces.push(unescapeSegment(nal.subarray(clearLength), trailingZeros(clearBytes)));
  }
  const carriers = units.flatMap((nal, index) => (hasSegment(nal) ? [index] : []));
  if (carriers.length === 0) return null;

  const sframe = concatBytes(...pieces);
  const headerLength = decodeSFrameHeader(sframe).length;
  const segmentLengths = pieces.map((piece, index) => {
    let length = piece.length;
    if (index === carriers[0]) length -= headerLength;
    if (index === carriers.at(-1)) length -= tagLength;
    return length;
  });
  if (segmentLengths.some((length) => length < 0)) return null;

  return {
    metadata: buildMetadata(clear, segmentLengths),
    sframe,
    assemble: (plaintext) => {
      const parts: Uint8Array[] = [];
      let offset = 0;
      units.forEach((nal, index) => {
        const clearBytes = clear[index] as Uint8Array;
        parts.push(START_CODE, clearBytes);
        if (!hasSegment(nal)) return;
        const length = segmentLengths[index] as number;
        parts.push(plaintext.subarray(offset, offset + length));
        offset += length;
      });
      return concatBytes(...parts);
    },
  };
}
