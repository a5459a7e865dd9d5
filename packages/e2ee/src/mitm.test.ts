// A relay in the middle runs its own key agreement with each side, using the real handshake
// functions, and forwards whatever it can. The visitor must refuse every time, and the two
// sides' short authentication strings must differ.
import { bytesToHex } from '@noble/ciphers/utils.js';
import { describe, expect, it } from 'vitest';
import { generateIdentityKeyPair, identityFromSecretKey } from './identity-keys.js';
import { roomIdFromPublicKey } from './identity.js';
import {
  agreeAsHost,
  agreeAsVisitor,
  generateVisitorKeyShare,
  signTranscript,
  verifyTranscript,
  type CallSecrets,
  type VisitorKeyShare,
} from './keys.js';

const VISITOR_DTLS = 'sha-256 11:11:11';
const HOST_DTLS = 'sha-256 22:22:22';
const RELAY_DTLS = 'sha-256 66:66:66';

const therapist = generateIdentityKeyPair();
const room = roomIdFromPublicKey(therapist.publicKey);
const therapistIdentity = identityFromSecretKey(therapist.secretKey);

/** The public values of the visitor's first key share, as the relay sees them. */
interface VisitorHello {
  x25519: Uint8Array;
  mlkem: Uint8Array;
}

/** The public values of the host's reply. */
interface HostReply {
  x25519: Uint8Array;
  ciphertext: Uint8Array;
  signature: Uint8Array;
}

/** What each side's peer connection shows as its own and the peer's DTLS fingerprints. */
interface SeenFingerprints {
  visitor: { own: string; peer: string };
  host: { own: string; peer: string };
}

const HONEST_DTLS: SeenFingerprints = {
  visitor: { own: VISITOR_DTLS, peer: HOST_DTLS },
  host: { own: HOST_DTLS, peer: VISITOR_DTLS },
};

interface Relay {
  toHost(hello: VisitorHello): VisitorHello;
  toVisitor(reply: HostReply): Promise<HostReply>;
  fingerprints: SeenFingerprints;
}

interface Outcome {
  visitorAccepts: boolean;
  visitorSecrets: CallSecrets;
  hostSecrets: CallSecrets;
}

/** Runs one call through `relay`, with the host's real identity key and the real functions. */
async function runCall(relay: Relay): Promise<Outcome> {
  const share = await generateVisitorKeyShare();
  const hello = relay.toHost({ x25519: share.x25519.publicKey, mlkem: share.mlkem.encapsulationKey });

  const dtls = relay.fingerprints;
  const host = await agreeAsHost({
    room,
    protocolVersion: 1,
    visitorFingerprints: dtls.host.peer,
    hostFingerprints: dtls.host.own,
    visitorX25519: hello.x25519,
    mlkemEncapsulationKey: hello.mlkem,
  });
  const signature = await signTranscript(therapistIdentity, host.secrets.transcriptHash);
  const reply = await relay.toVisitor({
    x25519: host.x25519PublicKey,
    ciphertext: host.mlkemCiphertext,
    signature,
  });

  const visitorSecrets = await agreeAsVisitor({
    room,
    protocolVersion: 1,
    visitorFingerprints: dtls.visitor.own,
    hostFingerprints: dtls.visitor.peer,
    share,
    hostX25519: reply.x25519,
    mlkemCiphertext: reply.ciphertext,
  });
  const visitorAccepts = await verifyTranscript(room, visitorSecrets.transcriptHash, reply.signature);
  return { visitorAccepts, visitorSecrets, hostSecrets: host.secrets };
}

const passThrough: Relay = {
  toHost: (hello) => hello,
  toVisitor: async (reply) => reply,
  fingerprints: HONEST_DTLS,
};

/** A relay that answers the visitor as a host would, with its own ML-KEM and X25519 values. */
function impersonateHost(share: VisitorHello, signWith = therapistIdentity) {
  return async (reply: HostReply): Promise<HostReply> => {
    const fake = await agreeAsHost({
      room,
      protocolVersion: 1,
      visitorFingerprints: VISITOR_DTLS,
      hostFingerprints: HOST_DTLS,
      visitorX25519: share.x25519,
      mlkemEncapsulationKey: share.mlkem,
    });
    // It cannot produce the therapist's signature of its own transcript, so it either forwards
    // the real one or signs with a key it owns.
    const signature =
      signWith === therapistIdentity
        ? reply.signature
        : await signTranscript(signWith, fake.secrets.transcriptHash);
    return { x25519: fake.x25519PublicKey, ciphertext: fake.mlkemCiphertext, signature };
  };
}

function expectRejected(outcome: Outcome): void {
  expect(outcome.visitorAccepts).toBe(false);
  expect(outcome.visitorSecrets.sas).not.toBe(outcome.hostSecrets.sas);
  expect(bytesToHex(outcome.visitorSecrets.chat)).not.toBe(bytesToHex(outcome.hostSecrets.chat));
}

describe('relay in the middle', () => {
  it('honest relay: visitor accepts, SAS match', async () => {
    const outcome = await runCall(passThrough);
    expect(outcome.visitorAccepts).toBe(true);
    expect(outcome.visitorSecrets.sas).toBe(outcome.hostSecrets.sas);
    expect(outcome.visitorSecrets.keys[0]?.baseKey).toEqual(outcome.hostSecrets.keys[2]?.baseKey);
  });

  it('swapped X25519 keys are refused', async () => {
    const ownShare: VisitorKeyShare = await generateVisitorKeyShare();
    const relay: Relay = {
      toHost: (hello) => ({ x25519: ownShare.x25519.publicKey, mlkem: hello.mlkem }),
      toVisitor: async (reply) => ({ ...reply, x25519: ownShare.x25519.publicKey }),
      fingerprints: HONEST_DTLS,
    };
    expectRejected(await runCall(relay));
  });

  it('swapped ML-KEM ciphertext is refused', async () => {
    let visitorHello: VisitorHello | undefined;
    const ownShare = await generateVisitorKeyShare();
    const relay: Relay = {
      toHost: (hello) => {
        visitorHello = hello;
        return { x25519: hello.x25519, mlkem: ownShare.mlkem.encapsulationKey };
      },
      toVisitor: async (reply) => {
        const fake = await impersonateHost(visitorHello as VisitorHello)(reply);
        return { ...reply, ciphertext: fake.ciphertext };
      },
      fingerprints: HONEST_DTLS,
    };
    expectRejected(await runCall(relay));
  });

  it('full exchange with each side is refused', async () => {
    let visitorHello: VisitorHello | undefined;
    const ownShare = await generateVisitorKeyShare();
    const relay: Relay = {
      toHost: (hello) => {
        visitorHello = hello;
        return { x25519: ownShare.x25519.publicKey, mlkem: ownShare.mlkem.encapsulationKey };
      },
      toVisitor: (reply) => impersonateHost(visitorHello as VisitorHello)(reply),
      fingerprints: HONEST_DTLS,
    };
    expectRejected(await runCall(relay));
  });

  it('re-signing with the relay own key is refused', async () => {
    let visitorHello: VisitorHello | undefined;
    const relayIdentity = identityFromSecretKey(generateIdentityKeyPair().secretKey);
    const relay: Relay = {
      toHost: (hello) => {
        visitorHello = hello;
        return hello;
      },
      toVisitor: (reply) => impersonateHost(visitorHello as VisitorHello, relayIdentity)(reply),
      fingerprints: HONEST_DTLS,
    };
    expectRejected(await runCall(relay));
  });

  it('swapped DTLS fingerprints are refused', async () => {
    // The relay terminates DTLS itself: each side sees the relay's certificate as the peer's.
    const relay: Relay = {
      ...passThrough,
      fingerprints: {
        visitor: { own: VISITOR_DTLS, peer: RELAY_DTLS },
        host: { own: HOST_DTLS, peer: RELAY_DTLS },
      },
    };
    const outcome = await runCall(relay);
    expect(outcome.visitorAccepts).toBe(false);
    expect(outcome.visitorSecrets.sas).not.toBe(outcome.hostSecrets.sas);
  });
});
