import { x25519 } from '@noble/curves/ed25519.js';
import { bytesToHex } from '@noble/ciphers/utils.js';
import { describe, expect, it } from 'vitest';
import { fromBase64Url, toBase64Url } from './base64url.js';
import {
  CALL_KIDS,
  deriveCallKeys,
  generateKeyShare,
  type CallRole,
  type KeyShare,
} from './keys.js';
import type { KeyEntry } from './worker-protocol.js';

function deriveAs(role: CallRole, own: KeyShare, peer: KeyShare, room = 'r', version = 1) {
  const peerPublicKey = peer.publicKey;
  return deriveCallKeys({ role, ...own, peerPublicKey, room, protocolVersion: version });
}

function derivePair(room = 'room-1', protocolVersion = 1) {
  const visitor = generateKeyShare();
  const host = generateKeyShare();
  const visitorKeys = deriveCallKeys({
    role: 'visitor',
    ...visitor,
    peerPublicKey: host.publicKey,
    room,
    protocolVersion,
  });
  const hostKeys = deriveCallKeys({
    role: 'host',
    ...host,
    peerPublicKey: visitor.publicKey,
    room,
    protocolVersion,
  });
  return { visitor, host, visitorKeys, hostKeys };
}

function find(keys: KeyEntry[], operation: KeyEntry['operation'], kind: KeyEntry['kind']) {
  const entry = keys.find((key) => key.operation === operation && key.kind === kind);
  if (entry === undefined) throw new Error(`Missing ${operation} ${kind} key`);
  return entry;
}

describe('generateKeyShare', () => {
  it('returns a matching 32-byte X25519 pair', () => {
    const share = generateKeyShare();
    expect(share.privateKey).toHaveLength(32);
    expect(share.publicKey).toEqual(x25519.getPublicKey(share.privateKey));
  });

  it('returns a new pair on each call', () => {
    expect(bytesToHex(generateKeyShare().privateKey)).not.toBe(
      bytesToHex(generateKeyShare().privateKey),
    );
  });
});

describe('deriveCallKeys', () => {
  it('both sides derive matching pairs', () => {
    const { visitorKeys, hostKeys } = derivePair();
    for (const kind of ['audio', 'video'] as const) {
      expect(find(visitorKeys, 'encrypt', kind).baseKey).toEqual(
        find(hostKeys, 'decrypt', kind).baseKey,
      );
      expect(find(hostKeys, 'encrypt', kind).baseKey).toEqual(
        find(visitorKeys, 'decrypt', kind).baseKey,
      );
    }
  });

  it('fixed KIDs per direction', () => {
    const { visitorKeys, hostKeys } = derivePair();
    expect(find(visitorKeys, 'encrypt', 'audio').kid).toBe(0);
    expect(find(visitorKeys, 'encrypt', 'video').kid).toBe(1);
    expect(find(hostKeys, 'encrypt', 'audio').kid).toBe(2);
    expect(find(hostKeys, 'encrypt', 'video').kid).toBe(3);
    expect(find(hostKeys, 'decrypt', 'video').kid).toBe(CALL_KIDS['visitor-to-host'].video);
    expect(find(visitorKeys, 'decrypt', 'audio').kid).toBe(CALL_KIDS['host-to-visitor'].audio);
  });

  it('gives four distinct 32-byte keys per side', () => {
    const { visitorKeys } = derivePair();
    expect(visitorKeys).toHaveLength(4);
    const hexKeys = new Set(visitorKeys.map((key) => bytesToHex(key.baseKey)));
    expect(hexKeys.size).toBe(4);
    for (const key of visitorKeys) expect(key.baseKey).toHaveLength(32);
  });

  it('different rooms give different keys', () => {
    const visitor = generateKeyShare();
    const host = generateKeyShare();
    const derive = (room: string) => deriveAs('visitor', visitor, host, room);
    expect(bytesToHex(find(derive('a'), 'encrypt', 'audio').baseKey)).not.toBe(
      bytesToHex(find(derive('b'), 'encrypt', 'audio').baseKey),
    );
  });

  it('different protocol versions give different keys', () => {
    const visitor = generateKeyShare();
    const host = generateKeyShare();
    const derive = (version: number) => deriveAs('visitor', visitor, host, 'r', version);
    expect(bytesToHex(find(derive(1), 'encrypt', 'video').baseKey)).not.toBe(
      bytesToHex(find(derive(2), 'encrypt', 'video').baseKey),
    );
  });

  it('different key shares give different keys', () => {
    const first = derivePair();
    const second = derivePair();
    expect(bytesToHex(find(first.visitorKeys, 'encrypt', 'audio').baseKey)).not.toBe(
      bytesToHex(find(second.visitorKeys, 'encrypt', 'audio').baseKey),
    );
  });

  it('swapped roles do not match', () => {
    const visitor = generateKeyShare();
    const host = generateKeyShare();
    const asVisitor = deriveAs('visitor', visitor, host);
    const alsoVisitor = deriveAs('visitor', host, visitor);
    expect(bytesToHex(find(asVisitor, 'encrypt', 'audio').baseKey)).not.toBe(
      bytesToHex(find(alsoVisitor, 'decrypt', 'audio').baseKey),
    );
  });

  it('rejects an all-zero shared secret', () => {
    const share = generateKeyShare();
    // The all-zero point and the point of order 2 (u = 1) give an all-zero X25519 output.
    const orderTwoPoint = new Uint8Array(32);
    orderTwoPoint[0] = 1;
    const lowOrderPoints = [new Uint8Array(32), orderTwoPoint];
    for (const peerPublicKey of lowOrderPoints) {
      expect(() =>
        deriveCallKeys({ role: 'host', ...share, peerPublicKey, room: 'r', protocolVersion: 1 }),
      ).toThrow(/all-zero shared secret/);
    }
  });

  it('rejects mismatched public key', () => {
    const share = generateKeyShare();
    const other = generateKeyShare();
    expect(() =>
      deriveCallKeys({
        role: 'host',
        privateKey: share.privateKey,
        publicKey: other.publicKey,
        peerPublicKey: other.publicKey,
        room: 'r',
        protocolVersion: 1,
      }),
    ).toThrow(/"publicKey" does not match/);
  });

  it('rejects invalid parameters by name', () => {
    const share = generateKeyShare();
    const valid = {
      role: 'host' as CallRole,
      ...share,
      peerPublicKey: generateKeyShare().publicKey,
      room: 'r',
      protocolVersion: 1,
    };
    expect(() => deriveCallKeys({ ...valid, role: 'guest' as CallRole })).toThrow(RangeError);
    const notBytes = 'x' as unknown as Uint8Array;
    expect(() => deriveCallKeys({ ...valid, peerPublicKey: new Uint8Array(31) })).toThrow(
      /"peerPublicKey"/,
    );
    expect(() => deriveCallKeys({ ...valid, privateKey: notBytes })).toThrow(TypeError);
    expect(() => deriveCallKeys({ ...valid, room: '' })).toThrow(/"room"/);
    expect(() => deriveCallKeys({ ...valid, protocolVersion: 1.5 })).toThrow(/"protocolVersion"/);
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
