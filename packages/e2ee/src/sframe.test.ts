import { readFileSync } from 'node:fs';
import { bytesToHex, hexToBytes } from '@noble/ciphers/utils.js';
import { describe, expect, it } from 'vitest';
import { createAead } from './_aead.js';
import { NONCE_LENGTH, SUITES } from './_suites.js';
import { decodeSFrameHeader, encodeSFrameHeader } from './_header.js';
import { SFrameError } from './errors.js';
import {
  AES_128_CTR_HMAC_SHA256_32,
  AES_128_CTR_HMAC_SHA256_64,
  AES_128_CTR_HMAC_SHA256_80,
  AES_128_GCM_SHA256_128,
  AES_256_GCM_SHA512_128,
  SFrameContext,
  sframeDecrypt,
  sframeEncrypt,
} from './sframe.js';

interface Vectors {
  header: { kid: string; ctr: string; header: string }[];
  aes_ctr_hmac: {
    cipher_suite: string;
    key: string;
    nonce: string;
    aad: string;
    plaintext: string;
    expected: { ciphertext: string };
  }[];
  sframe: {
    cipher_suite: string;
    kid: string;
    ctr: string;
    base_key: string;
    metadata: string;
    plaintext: string;
    expected: { ciphertext: string };
  }[];
}

const vectors = JSON.parse(
  readFileSync(new URL('../test/vectors/sframe-rfc9605.json', import.meta.url), 'utf8'),
) as Vectors;

const ALL_SUITES = [
  AES_128_CTR_HMAC_SHA256_80,
  AES_128_CTR_HMAC_SHA256_64,
  AES_128_CTR_HMAC_SHA256_32,
  AES_128_GCM_SHA256_128,
  AES_256_GCM_SHA512_128,
];

function expectSFrameError(run: () => unknown, code: SFrameError['code']): void {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(SFrameError);
  expect((caught as SFrameError).code).toBe(code);
}

function sampleFrame(cipherSuite: number) {
  return {
    cipherSuite,
    baseKey: hexToBytes('00112233445566778899aabbccddeeff'),
    kid: 0x1234n,
    ctr: 0x42n,
    metadata: hexToBytes('a1a2a3'),
    plaintext: hexToBytes('0102030405060708090a'),
  };
}

describe('RFC 9605 Appendix C vectors', () => {
  it('vector file has all cases', () => {
    expect(vectors.header).toHaveLength(289);
    expect(vectors.aes_ctr_hmac).toHaveLength(3);
    expect(vectors.sframe).toHaveLength(5);
  });

  it('encodeSFrameHeader matches every header case', () => {
    for (const { kid, ctr, header } of vectors.header) {
      expect(bytesToHex(encodeSFrameHeader(BigInt(kid), BigInt(ctr))), `${kid} ${ctr}`).toBe(
        header,
      );
    }
  });

  it('decodeSFrameHeader reads every header case', () => {
    for (const { kid, ctr, header } of vectors.header) {
      const bytes = hexToBytes(header);
      const decoded = decodeSFrameHeader(bytes);
      expect(decoded.kid, header).toBe(BigInt(kid));
      expect(decoded.ctr, header).toBe(BigInt(ctr));
      expect(decoded.length, header).toBe(bytes.length);
    }
  });

  it('AES-CTR+HMAC matches the AEAD cases', () => {
    for (const v of vectors.aes_ctr_hmac) {
      const suite = SUITES.get(Number(v.cipher_suite));
      if (suite === undefined) throw new Error(`Unknown suite ${v.cipher_suite}`);
      const aead = createAead(suite, hexToBytes(v.key));
      const nonce = hexToBytes(v.nonce);
      const aad = hexToBytes(v.aad);
      const sealed = aead.seal(nonce, aad, hexToBytes(v.plaintext));
      expect(bytesToHex(sealed), v.cipher_suite).toBe(v.expected.ciphertext);
      const opened = aead.open(nonce, aad, sealed);
      expect(opened, v.cipher_suite).not.toBeNull();
      expect(bytesToHex(opened ?? new Uint8Array(0)), v.cipher_suite).toBe(v.plaintext);
    }
  });

  it('sframeEncrypt matches the five full encryptions', () => {
    for (const v of vectors.sframe) {
      const frame = sframeEncrypt({
        cipherSuite: Number(v.cipher_suite),
        baseKey: hexToBytes(v.base_key),
        kid: BigInt(v.kid),
        ctr: BigInt(v.ctr),
        metadata: hexToBytes(v.metadata),
        plaintext: hexToBytes(v.plaintext),
      });
      expect(bytesToHex(frame), v.cipher_suite).toBe(v.expected.ciphertext);
    }
  });

  it('sframeDecrypt recovers the five full encryptions', () => {
    for (const v of vectors.sframe) {
      const result = sframeDecrypt({
        cipherSuite: Number(v.cipher_suite),
        baseKey: hexToBytes(v.base_key),
        metadata: hexToBytes(v.metadata),
        ciphertext: hexToBytes(v.expected.ciphertext),
      });
      expect(result.kid, v.cipher_suite).toBe(BigInt(v.kid));
      expect(result.ctr, v.cipher_suite).toBe(BigInt(v.ctr));
      expect(bytesToHex(result.plaintext), v.cipher_suite).toBe(v.plaintext);
    }
  });

  it('SFrameContext output equals sframeEncrypt', () => {
    for (const v of vectors.sframe) {
      const context = new SFrameContext({
        cipherSuite: Number(v.cipher_suite),
        baseKey: hexToBytes(v.base_key),
        kid: BigInt(v.kid),
      });
      const frame = context.encrypt({
        ctr: BigInt(v.ctr),
        metadata: hexToBytes(v.metadata),
        plaintext: hexToBytes(v.plaintext),
      });
      expect(bytesToHex(frame), v.cipher_suite).toBe(v.expected.ciphertext);
    }
  });
});

/** One way to run SFrame: the one-shot functions or a keyed context per frame. */
interface SFrameImplementation {
  name: string;
  encrypt(params: ReturnType<typeof sampleFrame>): Uint8Array;
  decrypt(params: {
    cipherSuite: number;
    baseKey: Uint8Array;
    kid: bigint;
    metadata: Uint8Array;
    ciphertext: Uint8Array;
  }): { kid: bigint; ctr: bigint; plaintext: Uint8Array };
}

const IMPLEMENTATIONS: SFrameImplementation[] = [
  { name: 'sframeEncrypt/sframeDecrypt', encrypt: sframeEncrypt, decrypt: sframeDecrypt },
  {
    name: 'SFrameContext',
    encrypt: ({ cipherSuite, baseKey, kid, ...frame }) =>
      new SFrameContext({ cipherSuite, baseKey, kid }).encrypt(frame),
    decrypt: ({ cipherSuite, baseKey, kid, ...frame }) =>
      new SFrameContext({ cipherSuite, baseKey, kid }).decrypt(frame),
  },
];

describe.each(IMPLEMENTATIONS)('$name', (implementation) => {
  it('round trip works for every suite', () => {
    for (const cipherSuite of ALL_SUITES) {
      const params = sampleFrame(cipherSuite);
      const frame = implementation.encrypt(params);
      const result = implementation.decrypt({ ...params, ciphertext: frame });
      expect(result.kid).toBe(params.kid);
      expect(result.ctr).toBe(params.ctr);
      expect(result.plaintext).toEqual(params.plaintext);
    }
  });

  it('round trip at extreme values', () => {
    const params = { ...sampleFrame(AES_128_GCM_SHA256_128), plaintext: new Uint8Array(0) };
    for (const value of [0n, 7n, 8n, (1n << 64n) - 1n]) {
      const frame = implementation.encrypt({ ...params, kid: value, ctr: value });
      const result = implementation.decrypt({ ...params, kid: value, ciphertext: frame });
      expect(result.kid).toBe(value);
      expect(result.ctr).toBe(value);
      expect(result.plaintext).toHaveLength(0);
    }
  });

  it('rejects every flipped bit', () => {
    for (const cipherSuite of ALL_SUITES) {
      const params = sampleFrame(cipherSuite);
      const frame = implementation.encrypt(params);
      for (let i = 0; i < frame.length; i++) {
        for (let bit = 0; bit < 8; bit++) {
          const tampered = frame.slice();
          tampered[i] = (tampered[i] as number) ^ (1 << bit);
          expect(
            () => implementation.decrypt({ ...params, ciphertext: tampered }),
            `suite ${cipherSuite} byte ${i} bit ${bit}`,
          ).toThrow(SFrameError);
        }
      }
    }
  });

  it('tampered metadata is rejected', () => {
    for (const cipherSuite of ALL_SUITES) {
      const params = sampleFrame(cipherSuite);
      const frame = implementation.encrypt(params);
      const metadata = params.metadata.slice();
      metadata[0] = (metadata[0] as number) ^ 1;
      expectSFrameError(
        () => implementation.decrypt({ ...params, metadata, ciphertext: frame }),
        'PORCHLIGHT_SFRAME_AUTH_FAILED',
      );
    }
  });

  it('wrong base key is rejected', () => {
    for (const cipherSuite of ALL_SUITES) {
      const params = sampleFrame(cipherSuite);
      const frame = implementation.encrypt(params);
      const baseKey = params.baseKey.slice();
      baseKey[5] = (baseKey[5] as number) ^ 0x80;
      expectSFrameError(
        () => implementation.decrypt({ ...params, baseKey, ciphertext: frame }),
        'PORCHLIGHT_SFRAME_AUTH_FAILED',
      );
    }
  });

});

describe('sframeEncrypt and sframeDecrypt', () => {
  it('wrong cipher suite is rejected', () => {
    const params = sampleFrame(AES_128_GCM_SHA256_128);
    const frame = sframeEncrypt(params);
    expectSFrameError(
      () =>
        sframeDecrypt({ ...params, cipherSuite: AES_256_GCM_SHA512_128, ciphertext: frame }),
      'PORCHLIGHT_SFRAME_AUTH_FAILED',
    );
  });

  it('truncated frames are rejected as malformed', () => {
    const params = sampleFrame(AES_128_GCM_SHA256_128);
    const frame = sframeEncrypt(params);
    // Header 0x9 0x2 ... is 4 bytes (KID 0x1234 in 2 bytes, CTR 0x42 in 1), tag 16 bytes.
    for (const length of [0, 1, 2, 3, 4, 19]) {
      expectSFrameError(
        () => sframeDecrypt({ ...params, ciphertext: frame.subarray(0, length) }),
        'PORCHLIGHT_SFRAME_MALFORMED',
      );
    }
  });

  it('non-minimal headers are rejected', () => {
    const params = sampleFrame(AES_128_GCM_SHA256_128);
    const filler = new Uint8Array(32);
    const cases = [
      '8805', // KID 5 in an extension byte
      '0803', // CTR 3 in an extension byte
      'a0001234', // KID 0x1234 in three bytes with a leading zero
      '090042', // CTR 0x42 in two bytes with a leading zero
    ];
    for (const header of cases) {
      expectSFrameError(
        () => decodeSFrameHeader(hexToBytes(header)),
        'PORCHLIGHT_SFRAME_MALFORMED',
      );
      expectSFrameError(
        () =>
          sframeDecrypt({
            ...params,
            ciphertext: new Uint8Array([...hexToBytes(header), ...filler]),
          }),
        'PORCHLIGHT_SFRAME_MALFORMED',
      );
    }
  });

  it('SFrameContext rejects another KID', () => {
    const params = sampleFrame(AES_128_GCM_SHA256_128);
    const frame = sframeEncrypt(params);
    const context = new SFrameContext({ ...params, kid: params.kid + 1n });
    expectSFrameError(
      () => context.decrypt({ metadata: params.metadata, ciphertext: frame }),
      'PORCHLIGHT_SFRAME_KID_MISMATCH',
    );
  });

  it('nonce changes with the counter', () => {
    const params = sampleFrame(AES_128_GCM_SHA256_128);
    const first = sframeEncrypt({ ...params, ctr: 1n });
    const second = sframeEncrypt({ ...params, ctr: 2n });
    expect(bytesToHex(first.subarray(3))).not.toBe(bytesToHex(second.subarray(3)));
    expect(NONCE_LENGTH).toBe(12);
  });
});

describe('parameter validation', () => {
  const valid = sampleFrame(AES_128_GCM_SHA256_128);

  it('rejects unknown or mistyped cipher suites', () => {
    expect(() => sframeEncrypt({ ...valid, cipherSuite: 0 })).toThrow(RangeError);
    expect(() => sframeEncrypt({ ...valid, cipherSuite: 6 })).toThrow(/"cipherSuite"/);
    expect(() =>
      sframeEncrypt({ ...valid, cipherSuite: '4' as unknown as number }),
    ).toThrow(TypeError);
  });

  it('rejects kid and ctr outside 0..2^64-1', () => {
    expect(() => sframeEncrypt({ ...valid, kid: -1n })).toThrow(RangeError);
    expect(() => sframeEncrypt({ ...valid, kid: 1n << 64n })).toThrow(/"kid"/);
    expect(() => sframeEncrypt({ ...valid, ctr: 1n << 64n })).toThrow(/"ctr"/);
    expect(() => sframeEncrypt({ ...valid, ctr: 1 as unknown as bigint })).toThrow(TypeError);
  });

  it('rejects non-byte and empty keys', () => {
    expect(() => sframeEncrypt({ ...valid, baseKey: new Uint8Array(0) })).toThrow(RangeError);
    expect(() =>
      sframeEncrypt({ ...valid, baseKey: [1, 2] as unknown as Uint8Array }),
    ).toThrow(/"baseKey"/);
  });

  it('rejects non-byte metadata, plaintext and ciphertext', () => {
    expect(() =>
      sframeEncrypt({ ...valid, metadata: 'x' as unknown as Uint8Array }),
    ).toThrow(/"metadata"/);
    expect(() =>
      sframeEncrypt({ ...valid, plaintext: null as unknown as Uint8Array }),
    ).toThrow(/"plaintext"/);
    expect(() =>
      sframeDecrypt({ ...valid, ciphertext: new ArrayBuffer(8) as unknown as Uint8Array }),
    ).toThrow(TypeError);
  });

  it('error messages contain no key bytes', () => {
    try {
      sframeDecrypt({ ...valid, ciphertext: sframeEncrypt({ ...valid, ctr: 9n }).fill(1, 5) });
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).not.toContain(bytesToHex(valid.baseKey));
      expect((error as Error).message).toMatch(/^[A-Z][^\n]*[^.]$/);
    }
  });
});
