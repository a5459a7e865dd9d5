/** Byte and integer checks shared by the package's public functions. */

/** Largest value of an unsigned 64-bit integer, the range of SFrame KID and CTR values. */
export const MAX_UINT64 = (1n << 64n) - 1n;

/** Throws a TypeError unless `value` is a Uint8Array, and a RangeError unless it is `length` long. */
export function assertBytes(value: unknown, name: string, length?: number): Uint8Array {
  if (!(value instanceof Uint8Array)) {
    throw new TypeError(`Expected "${name}" to be a Uint8Array: got ${describeType(value)}`);
  }
  if (length !== undefined && value.length !== length) {
    throw new RangeError(
      `Expected "${name}" to be ${length} bytes long: got ${value.length} bytes`,
    );
  }
  return value;
}

/** Throws unless `value` is a bigint in 0..2^64-1. */
export function assertUint64(value: unknown, name: string): bigint {
  if (typeof value !== 'bigint') {
    throw new TypeError(`Expected "${name}" to be a bigint: got ${describeType(value)}`);
  }
  if (value < 0n || value > MAX_UINT64) {
    throw new RangeError(`Expected "${name}" to be in 0..2^64-1: got ${value}`);
  }
  return value;
}

/** Names the type of `value` for error messages without showing its contents. */
export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return value.constructor?.name ?? 'object';
  return typeof value;
}

/** Joins byte strings into one new array. */
export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/**
 * Compares two byte strings in time that depends only on their lengths, so a forged tag learns
 * nothing from how long the comparison took.
 */
export function equalBytesConstantTime(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= (a[i] as number) ^ (b[i] as number);
  return difference === 0;
}

/** Writes `value` as a big-endian unsigned integer into all of `out`. */
export function writeUintBE(value: bigint, out: Uint8Array): Uint8Array {
  let rest = value;
  for (let i = out.length - 1; i >= 0; i--) {
    out[i] = Number(rest & 0xffn);
    rest >>= 8n;
  }
  return out;
}

/** Reads `bytes` as a big-endian unsigned integer. */
export function readUintBE(bytes: Uint8Array): bigint {
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  return value;
}
