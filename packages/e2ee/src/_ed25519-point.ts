/** Field prime of Curve25519: 2^255 - 19. */
const P = (1n << 255n) - 19n;
/** Edwards curve constant d = -121665/121666 mod p (RFC 8032 section 5.1). */
const D = 37095705934669439343138083508754565189542113879843219016388785533085940283555n;

/** Returns `base` raised to `exponent`, modulo p. */
function powModP(base: bigint, exponent: bigint): bigint {
  let result = 1n;
  let square = base % P;
  for (let rest = exponent; rest > 0n; rest >>= 1n) {
    if (rest & 1n) result = (result * square) % P;
    square = (square * square) % P;
  }
  return result;
}

/**
 * Returns whether 32 bytes decode to a point of Ed25519 (RFC 8032 section 5.1.3): the
 * y-coordinate is below p, and x^2 = (y^2 - 1) / (d y^2 + 1) has a root, with x = 0 only when
 * the sign bit is clear. Only the decision is computed, not x itself. Not constant time: its
 * input is always a public key.
 */
export function isEd25519Point(bytes: Uint8Array): boolean {
  if (bytes.length !== 32) return false;
  let y = 0n;
  for (let index = 31; index >= 0; index--) y = (y << 8n) | BigInt(bytes[index] as number);
  const sign = y >> 255n;
  y &= (1n << 255n) - 1n;
  if (y >= P) return false;
  const ySquared = (y * y) % P;
  const numerator = (ySquared - 1n + P) % P;
  const denominator = (D * ySquared + 1n) % P;
  const xSquared = (numerator * powModP(denominator, P - 2n)) % P;
  if (xSquared === 0n) return sign === 0n;
  // Euler's criterion: a non-zero value is a square modulo p exactly when this power is 1.
  return powModP(xSquared, (P - 1n) / 2n) === 1n;
}
