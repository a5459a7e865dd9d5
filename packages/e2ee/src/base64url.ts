import { assertBytes, describeType } from './_bytes.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Maps a character code to its 6-bit value, or -1 for characters outside the alphabet. */
const DECODE_TABLE = (() => {
  const table = new Int16Array(128).fill(-1);
  for (let i = 0; i < ALPHABET.length; i++) table[ALPHABET.charCodeAt(i)] = i;
  return table;
})();

/**
 * Encodes bytes as unpadded base64url (RFC 4648 section 5).
 *
 * @throws {TypeError} if `bytes` is not a Uint8Array.
 *
 * @example Encode a public key
 * ```ts
 * toBase64Url(new Uint8Array([0xfb, 0xff])); // '-_8'
 * ```
 */
export function toBase64Url(bytes: Uint8Array): string {
  assertBytes(bytes, 'bytes');
  let text = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const chunk = bytes.subarray(i, i + 3);
    const value = ((chunk[0] ?? 0) << 16) | ((chunk[1] ?? 0) << 8) | (chunk[2] ?? 0);
    const characters = chunk.length + 1;
    for (let j = 0; j < characters; j++) text += ALPHABET[(value >> (18 - 6 * j)) & 0x3f];
  }
  return text;
}

/**
 * Decodes unpadded base64url strictly: no padding, whitespace or characters outside `A-Z a-z 0-9
 * - _`, no length that leaves a single trailing character, and unused trailing bits must be zero,
 * so every byte string has exactly one accepted text.
 *
 * @throws {TypeError} if `text` is not a string.
 * @throws {RangeError} if `text` is not canonical unpadded base64url.
 *
 * @example Decode a public key
 * ```ts
 * fromBase64Url('-_8'); // Uint8Array [0xfb, 0xff]
 * ```
 */
export function fromBase64Url(text: string): Uint8Array {
  if (typeof text !== 'string') {
    throw new TypeError(`Expected "text" to be a string: got ${describeType(text)}`);
  }
  if (text.length % 4 === 1) {
    throw new RangeError(`Invalid base64url in "text": length ${text.length} cannot be decoded`);
  }

  const bytes = new Uint8Array(Math.floor((text.length * 3) / 4));
  let bits = 0;
  let bitCount = 0;
  let offset = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const value = code < 128 ? (DECODE_TABLE[code] as number) : -1;
    if (value < 0) {
      throw new RangeError(`Invalid base64url in "text": unexpected character at index ${i}`);
    }
    bits = (bits << 6) | value;
    bitCount += 6;
    if (bitCount >= 8) {
      bitCount -= 8;
      bytes[offset++] = (bits >> bitCount) & 0xff;
      bits &= (1 << bitCount) - 1;
    }
  }

  if (bits !== 0) {
    throw new RangeError('Invalid base64url in "text": trailing bits are not zero');
  }
  return bytes;
}
