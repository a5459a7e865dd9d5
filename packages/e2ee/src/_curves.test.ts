import { ed25519, x25519 as nobleX25519 } from '@noble/curves/ed25519.js';
import { describe, expect, it } from 'vitest';
import { loadNobleCurves, webCryptoEd25519Verify, webCryptoX25519 } from './_curves.js';
import { isEd25519Point } from './_ed25519-point.js';

/** Order of the Ed25519 base point (RFC 8032 section 5.1), little-endian when encoded. */
const L = 2n ** 252n + 27742317777372353535851937790883648493n;

function randomBytes(length: number): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(length));
}

describe('X25519 on WebCrypto and on noble', () => {
  it('WebCrypto key pairs match noble public keys', async () => {
    for (let round = 0; round < 8; round++) {
      const pair = await webCryptoX25519.keygen();
      expect(pair.privateKey).toHaveLength(32);
      expect(pair.publicKey).toEqual(nobleX25519.getPublicKey(pair.privateKey));
    }
  });

  it('give the same shared secret, high bit of the peer key set or not', async () => {
    const noble = (await loadNobleCurves()).x25519;
    for (let round = 0; round < 16; round++) {
      const privateKey = randomBytes(32);
      const publicKey = randomBytes(32);
      publicKey[31] = round % 2 === 0 ? publicKey[31]! | 0x80 : publicKey[31]! & 0x7f;
      const fromWebCrypto = await webCryptoX25519.sharedSecret(privateKey, publicKey);
      expect(fromWebCrypto).toEqual(await noble.sharedSecret(privateKey, publicKey));
      expect(fromWebCrypto.some((byte) => byte !== 0)).toBe(true);
    }
  });

  it('both give zeros for low-order peer keys', async () => {
    const noble = (await loadNobleCurves()).x25519;
    const orderTwo = new Uint8Array(32);
    orderTwo[0] = 1;
    for (const publicKey of [new Uint8Array(32), orderTwo]) {
      const privateKey = randomBytes(32);
      expect(await webCryptoX25519.sharedSecret(privateKey, publicKey)).toEqual(new Uint8Array(32));
      expect(await noble.sharedSecret(privateKey, publicKey)).toEqual(new Uint8Array(32));
    }
  });
});

describe('Ed25519 verification on WebCrypto and on noble', () => {
  it('agree on valid, altered and foreign signatures', async () => {
    const { verify } = await loadNobleCurves();
    const owner = ed25519.keygen();
    const stranger = ed25519.keygen();
    const message = randomBytes(48);
    const signature = ed25519.sign(message, owner.secretKey);
    const alteredMessage = message.slice();
    alteredMessage[0]! ^= 1;
    const alteredSignature = signature.slice();
    alteredSignature[10]! ^= 1;
    // S + L encodes the same scalar non-canonically; strict RFC 8032 rejects it.
    let s = 0n;
    for (let index = 63; index >= 32; index--) s = (s << 8n) | BigInt(signature[index]!);
    const nonCanonical = signature.slice();
    let sPlusL = s + L;
    for (let index = 32; index < 64; index++) {
      nonCanonical[index] = Number(sPlusL & 0xffn);
      sPlusL >>= 8n;
    }
    const cases: [Uint8Array, Uint8Array, Uint8Array, boolean][] = [
      [signature, message, owner.publicKey, true],
      [signature, alteredMessage, owner.publicKey, false],
      [alteredSignature, message, owner.publicKey, false],
      [signature, message, stranger.publicKey, false],
      [nonCanonical, message, owner.publicKey, false],
      [new Uint8Array(64), message, owner.publicKey, false],
    ];
    for (const [sig, msg, key, expected] of cases) {
      expect(await webCryptoEd25519Verify(sig, msg, key)).toBe(expected);
      expect(await verify(sig, msg, key)).toBe(expected);
    }
  });
});

describe('isEd25519Point', () => {
  /** Whether noble decodes `bytes` as a point with strict (RFC 8032) rules. */
  function nobleAccepts(bytes: Uint8Array): boolean {
    try {
      ed25519.Point.fromBytes(bytes, false);
      return true;
    } catch {
      return false;
    }
  }

  it('agrees with noble on random bytes and real keys', () => {
    let accepted = 0;
    for (let round = 0; round < 300; round++) {
      const bytes = round % 3 === 0 ? ed25519.keygen().publicKey : randomBytes(32);
      const expected = nobleAccepts(bytes);
      expect(isEd25519Point(bytes)).toBe(expected);
      if (expected) accepted++;
    }
    expect(accepted).toBeGreaterThan(100);
    expect(accepted).toBeLessThan(300);
  });

  it('agrees with noble on y >= p and on x = 0 with the sign bit', () => {
    const yIsP = new Uint8Array(32).fill(0xff);
    yIsP[0] = 0xed;
    yIsP[31] = 0x7f;
    const yIsOne = new Uint8Array(32);
    yIsOne[0] = 1;
    const yIsOneNegativeZero = yIsOne.slice();
    yIsOneNegativeZero[31] = 0x80;
    for (const bytes of [yIsP, yIsOne, yIsOneNegativeZero, new Uint8Array(31)]) {
      expect(isEd25519Point(bytes)).toBe(bytes.length === 32 && nobleAccepts(bytes));
    }
    expect(isEd25519Point(yIsOne)).toBe(true);
    expect(isEd25519Point(yIsP)).toBe(false);
    expect(isEd25519Point(yIsOneNegativeZero)).toBe(false);
  });
});
