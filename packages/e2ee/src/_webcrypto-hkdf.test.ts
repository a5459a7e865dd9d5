import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import { hkdfSha256, sha256Digest } from './_webcrypto-hkdf.js';

describe('hkdfSha256', () => {
  it('matches RFC 5869 test case 1', async () => {
    const okm = await hkdfSha256(
      hexToBytes('0b'.repeat(22)),
      hexToBytes('000102030405060708090a0b0c'),
      hexToBytes('f0f1f2f3f4f5f6f7f8f9'),
      42,
    );
    expect(bytesToHex(okm)).toBe(
      '3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865',
    );
  });

  it('matches noble HKDF-SHA256 for the lengths the key agreement uses', async () => {
    const ikm = new Uint8Array(64).map((_, index) => index * 7);
    const salt = sha256(new Uint8Array([1, 2, 3]));
    const info = new TextEncoder().encode('porchlight test label');
    for (const length of [4, 16, 32]) {
      expect(bytesToHex(await hkdfSha256(ikm, salt, info, length))).toBe(
        bytesToHex(hkdf(sha256, ikm, salt, info, length)),
      );
    }
  });
});

describe('sha256Digest', () => {
  it('matches noble SHA-256', async () => {
    const data = new TextEncoder().encode('transcript bytes');
    expect(bytesToHex(await sha256Digest(data))).toBe(bytesToHex(sha256(data)));
  });
});
