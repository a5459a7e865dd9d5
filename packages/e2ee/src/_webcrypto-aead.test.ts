import { describe, expect, it } from 'vitest';
import { WebCryptoSFrameContext } from './_sframe-webcrypto.js';
import { SFrameError } from './errors.js';
import {
  AES_128_CTR_HMAC_SHA256_32,
  AES_128_CTR_HMAC_SHA256_64,
  AES_128_CTR_HMAC_SHA256_80,
  AES_128_GCM_SHA256_128,
  AES_256_GCM_SHA512_128,
  SFrameContext,
} from './sframe.js';

const SUITES = [
  AES_128_CTR_HMAC_SHA256_80,
  AES_128_CTR_HMAC_SHA256_64,
  AES_128_CTR_HMAC_SHA256_32,
  AES_128_GCM_SHA256_128,
  AES_256_GCM_SHA512_128,
];
// Lengths around AES block and counter boundaries, and frame sizes of audio and video.
const LENGTHS = [0, 1, 15, 16, 17, 100, 1200, 10_000];
const BASE_KEY = Uint8Array.from({ length: 32 }, (_, i) => (i * 7 + 3) & 0xff);
const METADATA = Uint8Array.of(0x9d, 0x01, 0x2a);

function bytes(length: number, seed: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * 31 + seed) & 0xff);
}

function contextFor(cipherSuite: number): SFrameContext {
  return new SFrameContext({ cipherSuite, baseKey: BASE_KEY, kid: 0x23n });
}

describe('SFrameContext WebCrypto path', () => {
  it('encryptAsync output equals encrypt output', async () => {
    for (const suite of SUITES) {
      const context = contextFor(suite);
      for (const length of LENGTHS) {
        const params = {
          ctr: BigInt(length) * 977n,
          metadata: METADATA,
          plaintext: bytes(length, suite),
        };
        const noble = context.encrypt(params);
        const webCrypto = await context.encryptAsync(params);
        expect(webCrypto, `suite ${suite}, ${length} bytes`).toEqual(noble);
      }
    }
  });

  it('each path decrypts the other path output', async () => {
    for (const suite of SUITES) {
      const sender = contextFor(suite);
      const receiver = contextFor(suite);
      for (const length of LENGTHS) {
        const plaintext = bytes(length, length);
        const fromNoble = sender.encrypt({ ctr: 5n, metadata: METADATA, plaintext });
        const fromWebCrypto = await sender.encryptAsync({ ctr: 6n, metadata: METADATA, plaintext });
        const viaWebCrypto = await receiver.decryptAsync({
          metadata: METADATA,
          ciphertext: fromNoble,
        });
        const viaNoble = receiver.decrypt({ metadata: METADATA, ciphertext: fromWebCrypto });
        expect(viaWebCrypto.plaintext, `suite ${suite}, ${length} bytes`).toEqual(plaintext);
        expect(viaNoble.plaintext, `suite ${suite}, ${length} bytes`).toEqual(plaintext);
        expect(viaNoble.ctr).toBe(6n);
      }
    }
  });

  it('decryptAsync rejects a changed byte', async () => {
    for (const suite of SUITES) {
      const context = contextFor(suite);
      const frame = context.encrypt({ ctr: 1n, metadata: METADATA, plaintext: bytes(300, 1) });
      for (const index of [2, 150, frame.length - 1]) {
        const tampered = frame.slice();
        tampered[index] = (tampered[index] as number) ^ 0x01;
        const result = context.decryptAsync({ metadata: METADATA, ciphertext: tampered });
        await expect(result, `suite ${suite}, byte ${index}`).rejects.toMatchObject({
          code: 'PORCHLIGHT_SFRAME_AUTH_FAILED',
        });
      }
    }
  });

  it('decryptAsync rejects other metadata', async () => {
    const context = contextFor(AES_128_GCM_SHA256_128);
    const frame = context.encrypt({ ctr: 1n, metadata: METADATA, plaintext: bytes(64, 1) });
    const result = context.decryptAsync({ metadata: Uint8Array.of(1), ciphertext: frame });
    await expect(result).rejects.toBeInstanceOf(SFrameError);
  });

  it('encryptAsync rejects an invalid CTR', async () => {
    const context = contextFor(AES_128_GCM_SHA256_128);
    const result = context.encryptAsync({ ctr: -1n, metadata: METADATA, plaintext: bytes(4, 1) });
    await expect(result).rejects.toBeInstanceOf(RangeError);
  });
});

describe('WebCryptoSFrameContext', () => {
  it('gives the bytes of SFrameContext for the SHA-256 suites', async () => {
    for (const suite of SUITES.filter((id) => id !== AES_256_GCM_SHA512_128)) {
      const reference = contextFor(suite);
      const context = new WebCryptoSFrameContext({
        cipherSuite: suite,
        baseKey: BASE_KEY,
        kid: 0x23n,
      });
      const params = { ctr: 77n, metadata: METADATA, plaintext: bytes(1200, suite) };
      const sealed = await context.encryptAsync(params);
      expect(sealed, `suite ${suite}`).toEqual(reference.encrypt(params));
      const opened = await context.decryptAsync({ metadata: METADATA, ciphertext: sealed });
      expect(opened.plaintext, `suite ${suite}`).toEqual(params.plaintext);
    }
  });

  it('rejects the SHA-512 suite, whose hash it leaves out', () => {
    expect(
      () =>
        new WebCryptoSFrameContext({
          cipherSuite: AES_256_GCM_SHA512_128,
          baseKey: BASE_KEY,
          kid: 0n,
        }),
    ).toThrow(/AES_256_GCM_SHA512_128 needs SHA-512/);
  });
});
