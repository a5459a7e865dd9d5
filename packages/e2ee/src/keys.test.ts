import { x25519 } from '@noble/curves/ed25519.js';
import { bytesToHex } from '@noble/ciphers/utils.js';
import { describe, expect, it } from 'vitest';
import { fromBase64Url, toBase64Url } from './base64url.js';
import { generateIdentityKeyPair, identityFromSecretKey } from './identity-keys.js';
import { roomIdFromPublicKey } from './identity.js';
import {
  agreeAsHost,
  agreeAsVisitor,
  CALL_KIDS,
  fingerprintsFromSdp,
  generateKeyShare,
  generateVisitorKeyShare,
  signTranscript,
  verifyTranscript,
  type TranscriptContext,
} from './keys.js';
import type { KeyEntry } from './worker-protocol.js';

const VISITOR_FINGERPRINTS = 'sha-256 AA:BB:CC';
const HOST_FINGERPRINTS = 'sha-256 DD:EE:FF';

function context(room: string, protocolVersion = 1): TranscriptContext {
  return {
    room,
    protocolVersion,
    visitorFingerprints: VISITOR_FINGERPRINTS,
    hostFingerprints: HOST_FINGERPRINTS,
  };
}

/** Runs both halves of the agreement honestly. */
async function agreePair(room = 'room-1', protocolVersion = 1) {
  const share = await generateVisitorKeyShare();
  const host = await agreeAsHost({
    ...context(room, protocolVersion),
    visitorX25519: share.x25519.publicKey,
    mlkemEncapsulationKey: share.mlkem.encapsulationKey,
  });
  const visitor = await agreeAsVisitor({
    ...context(room, protocolVersion),
    share,
    hostX25519: host.x25519PublicKey,
    mlkemCiphertext: host.mlkemCiphertext,
  });
  return { share, host, hostSecrets: host.secrets, visitorSecrets: visitor };
}

function find(keys: KeyEntry[], operation: KeyEntry['operation'], kind: KeyEntry['kind']) {
  const entry = keys.find((key) => key.operation === operation && key.kind === kind);
  if (entry === undefined) throw new Error(`Missing ${operation} ${kind} key`);
  return entry;
}

describe('generateKeyShare', () => {
  it('returns a matching 32-byte X25519 pair', async () => {
    const share = await generateKeyShare();
    expect(share.privateKey).toHaveLength(32);
    expect(share.publicKey).toEqual(x25519.getPublicKey(share.privateKey));
  });

  it('returns a new pair on each call', async () => {
    const first = await generateKeyShare();
    const second = await generateKeyShare();
    expect(bytesToHex(first.privateKey)).not.toBe(bytesToHex(second.privateKey));
  });
});

describe('generateVisitorKeyShare', () => {
  it('returns ML-KEM-768 and X25519 keys', async () => {
    const share = await generateVisitorKeyShare();
    expect(share.mlkem.encapsulationKey).toHaveLength(1184);
    expect(share.mlkem.decapsulationKey).toHaveLength(2400);
    expect(share.x25519.publicKey).toEqual(x25519.getPublicKey(share.x25519.privateKey));
  });
});

describe('hybrid agreement', () => {
  it('both sides derive matching pairs', async () => {
    const { visitorSecrets, hostSecrets } = await agreePair();
    for (const kind of ['audio', 'video'] as const) {
      expect(find(visitorSecrets.keys, 'encrypt', kind).baseKey).toEqual(
        find(hostSecrets.keys, 'decrypt', kind).baseKey,
      );
      expect(find(hostSecrets.keys, 'encrypt', kind).baseKey).toEqual(
        find(visitorSecrets.keys, 'decrypt', kind).baseKey,
      );
    }
  });

  it('both sides share chat key, SAS and transcript', async () => {
    const { visitorSecrets, hostSecrets } = await agreePair();
    expect(visitorSecrets.chat).toHaveLength(32);
    expect(visitorSecrets.chat).toEqual(hostSecrets.chat);
    expect(visitorSecrets.sas).toMatch(/^\d{3} \d{3}$/);
    expect(visitorSecrets.sas).toBe(hostSecrets.sas);
    expect(visitorSecrets.transcriptHash).toEqual(hostSecrets.transcriptHash);
  });

  it('fixed KIDs per direction', async () => {
    const { visitorSecrets, hostSecrets } = await agreePair();
    expect(find(visitorSecrets.keys, 'encrypt', 'audio').kid).toBe(0);
    expect(find(visitorSecrets.keys, 'encrypt', 'video').kid).toBe(1);
    expect(find(hostSecrets.keys, 'encrypt', 'audio').kid).toBe(2);
    expect(find(hostSecrets.keys, 'encrypt', 'video').kid).toBe(3);
    expect(find(hostSecrets.keys, 'decrypt', 'video').kid).toBe(CALL_KIDS['visitor-to-host'].video);
    expect(find(visitorSecrets.keys, 'decrypt', 'audio').kid).toBe(
      CALL_KIDS['host-to-visitor'].audio,
    );
  });

  it('gives distinct 32-byte keys per side', async () => {
    const { visitorSecrets } = await agreePair();
    expect(visitorSecrets.keys).toHaveLength(4);
    const hexKeys = new Set(visitorSecrets.keys.map((key) => bytesToHex(key.baseKey)));
    hexKeys.add(bytesToHex(visitorSecrets.chat));
    expect(hexKeys.size).toBe(5);
    for (const key of visitorSecrets.keys) expect(key.baseKey).toHaveLength(32);
  });

  it('binds room, version and fingerprints', async () => {
    const share = await generateVisitorKeyShare();
    const host = await agreeAsHost({
      ...context('a'),
      visitorX25519: share.x25519.publicKey,
      mlkemEncapsulationKey: share.mlkem.encapsulationKey,
    });
    const reply = { share, hostX25519: host.x25519PublicKey, mlkemCiphertext: host.mlkemCiphertext };
    const honest = await agreeAsVisitor({ ...context('a'), ...reply });
    const variants = await Promise.all([
      agreeAsVisitor({ ...context('b'), ...reply }),
      agreeAsVisitor({ ...context('a', 2), ...reply }),
      agreeAsVisitor({ ...context('a'), ...reply, visitorFingerprints: 'sha-256 00' }),
      agreeAsVisitor({ ...context('a'), ...reply, hostFingerprints: 'sha-256 00' }),
    ]);
    expect(bytesToHex(honest.transcriptHash)).toBe(bytesToHex(host.secrets.transcriptHash));
    for (const variant of variants) {
      expect(bytesToHex(variant.transcriptHash)).not.toBe(bytesToHex(honest.transcriptHash));
      expect(bytesToHex(variant.chat)).not.toBe(bytesToHex(honest.chat));
    }
  });

  it('different runs give different keys', async () => {
    const first = await agreePair();
    const second = await agreePair();
    expect(bytesToHex(find(first.visitorSecrets.keys, 'encrypt', 'audio').baseKey)).not.toBe(
      bytesToHex(find(second.visitorSecrets.keys, 'encrypt', 'audio').baseKey),
    );
  });

  it('rejects an all-zero shared secret', async () => {
    const share = await generateVisitorKeyShare();
    // The all-zero point and the point of order 2 (u = 1) give an all-zero X25519 output.
    const orderTwoPoint = new Uint8Array(32);
    orderTwoPoint[0] = 1;
    for (const visitorX25519 of [new Uint8Array(32), orderTwoPoint]) {
      await expect(
        agreeAsHost({
          ...context('r'),
          visitorX25519,
          mlkemEncapsulationKey: share.mlkem.encapsulationKey,
        }),
      ).rejects.toThrow(/all-zero shared secret/);
    }
  });

  it('rejects invalid parameters by name', async () => {
    const share = await generateVisitorKeyShare();
    const valid = {
      ...context('r'),
      visitorX25519: share.x25519.publicKey,
      mlkemEncapsulationKey: share.mlkem.encapsulationKey,
    };
    const notBytes = 'x' as unknown as Uint8Array;
    await expect(agreeAsHost({ ...valid, visitorX25519: new Uint8Array(31) })).rejects.toThrow(
      /"visitorX25519"/,
    );
    await expect(agreeAsHost({ ...valid, mlkemEncapsulationKey: notBytes })).rejects.toThrow(TypeError);
    await expect(agreeAsHost({ ...valid, mlkemEncapsulationKey: new Uint8Array(1183) })).rejects.toThrow(
      /"mlkemEncapsulationKey"/,
    );
    await expect(agreeAsHost({ ...valid, room: '' })).rejects.toThrow(/"room"/);
    await expect(agreeAsHost({ ...valid, protocolVersion: 1.5 })).rejects.toThrow(/"protocolVersion"/);
    await expect(agreeAsHost({ ...valid, hostFingerprints: '' })).rejects.toThrow(/"hostFingerprints"/);
    const reply = { hostX25519: share.x25519.publicKey, mlkemCiphertext: new Uint8Array(10) };
    await expect(agreeAsVisitor({ ...context('r'), share, ...reply })).rejects.toThrow(
      /"mlkemCiphertext"/,
    );
  });
});

describe('transcript signature', () => {
  it('verifies with the room id', async () => {
    const { secretKey, publicKey } = generateIdentityKeyPair();
    const room = roomIdFromPublicKey(publicKey);
    const { hostSecrets } = await agreePair(room);
    const signature = await signTranscript(identityFromSecretKey(secretKey), hostSecrets.transcriptHash);
    expect(await verifyTranscript(room, hostSecrets.transcriptHash, signature)).toBe(true);
  });

  it('fails for another key or hash', async () => {
    const owner = generateIdentityKeyPair();
    const stranger = generateIdentityKeyPair();
    const room = roomIdFromPublicKey(owner.publicKey);
    const { hostSecrets } = await agreePair(room);
    const hash = hostSecrets.transcriptHash;
    const byStranger = await signTranscript(identityFromSecretKey(stranger.secretKey), hash);
    expect(await verifyTranscript(room, hash, byStranger)).toBe(false);

    const byOwner = await signTranscript(identityFromSecretKey(owner.secretKey), hash);
    const otherHash = hash.slice();
    otherHash[0]! ^= 1;
    expect(await verifyTranscript(room, otherHash, byOwner)).toBe(false);
    expect(await verifyTranscript(room, hash, byOwner.subarray(0, 63))).toBe(false);
    expect(await verifyTranscript('not-a-room', hash, byOwner)).toBe(false);
  });
});

describe('fingerprintsFromSdp', () => {
  it('normalises, sorts and de-duplicates', () => {
    const sdp = [
      'v=0',
      'm=audio 9 UDP/TLS/RTP/SAVPF 111',
      'a=fingerprint:SHA-256 ab:cd:EF',
      'm=video 9 UDP/TLS/RTP/SAVPF 96',
      'a=fingerprint:sha-256 AB:CD:EF',
      'a=fingerprint:sha-1 01:02',
      '',
    ].join('\r\n');
    expect(fingerprintsFromSdp(sdp)).toBe('sha-1 01:02\nsha-256 AB:CD:EF');
  });

  it('rejects SDP without fingerprint', () => {
    expect(() => fingerprintsFromSdp('v=0\r\nm=audio 9 RTP/AVP 0\r\n')).toThrow(/fingerprint/);
  });
});

describe('base64url', () => {
  it('round trips lengths 0 to 40', () => {
    for (let length = 0; length <= 40; length++) {
      const bytes = Uint8Array.from({ length }, (_, i) => (i * 37 + length) & 0xff);
      const text = toBase64Url(bytes);
      expect(text).toBe(Buffer.from(bytes).toString('base64url'));
      expect(fromBase64Url(text)).toEqual(bytes);
    }
  });

  it('encodes the URL-safe characters', () => {
    expect(toBase64Url(new Uint8Array([0xfb, 0xff]))).toBe('-_8');
    expect(fromBase64Url('-_8')).toEqual(new Uint8Array([0xfb, 0xff]));
  });

  it('rejects padding and foreign characters', () => {
    for (const text of ['AA==', 'AB+/', 'AB/', 'A B', 'AÄ', 'AA\n']) {
      expect(() => fromBase64Url(text), JSON.stringify(text)).toThrow(RangeError);
    }
  });

  it('rejects impossible lengths', () => {
    for (const text of ['A', 'AAAAA']) {
      expect(() => fromBase64Url(text)).toThrow(/length/);
    }
  });

  it('rejects non-zero trailing bits', () => {
    expect(() => fromBase64Url('AB')).toThrow(/trailing bits/);
    expect(() => fromBase64Url('AAB')).toThrow(/trailing bits/);
    expect(fromBase64Url('AA')).toEqual(new Uint8Array([0]));
  });

  it('rejects wrong argument types', () => {
    expect(() => fromBase64Url(1 as unknown as string)).toThrow(TypeError);
    expect(() => toBase64Url('abc' as unknown as Uint8Array)).toThrow(TypeError);
  });
});
