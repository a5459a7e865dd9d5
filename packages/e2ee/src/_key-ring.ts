import { expand, extract } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { describeType, equalBytesConstantTime, MAX_UINT64 } from './_bytes.js';
import { ReplayWindow } from './_replay-window.js';
import { WebCryptoSFrameContext } from './_sframe-webcrypto.js';
import { AES_128_GCM_SHA256_128 } from './_suites.js';
import type {
  KeyEntry,
  KeyEpochState,
  MediaKind,
  TransformOperation,
} from './worker-protocol.js';

/** Cipher suite of all media frames. */
export const MEDIA_CIPHER_SUITE = AES_128_GCM_SHA256_128;

/** Keys kept per operation and kind; older ones are forgotten so late frames under them drop. */
export const MAX_KEYS_PER_SLOT = 4;

const BASE_KEY_LENGTH = 32;

/*
 * Key ratchet in the style of RFC 9605 section 5.1. The KID on the wire carries the ratchet epoch
 * in its low EPOCH_BITS bits and the KID given to `set-keys` (the key generation) above them:
 *
 *   wire KID = (set-keys KID << 4) | (epoch mod 16)
 *
 * With the call KIDs 0 to 3, wire KIDs stay below 64, so the KID takes at most one byte after the
 * config byte. Each epoch's base key is HKDF-Expand(HKDF-Extract("", previous base key),
 * "SFrame 1.0 Ratchet", Nh), and its CTR starts again at 0. A new epoch has a new key and salt,
 * so restarting the CTR never reuses a nonce.
 */

/** Bits of the wire KID that carry the epoch. */
export const EPOCH_BITS = 4;
const EPOCH_MODULUS = 1 << EPOCH_BITS;

/**
 * Largest number of epochs a receiver moves forward on one frame. Larger differences (modulo 16)
 * are taken as late frames of old epochs and dropped.
 */
export const MAX_EPOCH_STEP = 7;

/**
 * Frames a sender encrypts per epoch before it ratchets on its own. 2^16 keeps every CTR within
 * two header bytes, so the SFrame header stays at most 4 bytes (config, KID, two CTR bytes).
 * That is about 36 minutes of 30 fps video or 22 minutes of 20 ms audio frames per key.
 */
export const FRAMES_PER_EPOCH = 1n << 16n;

/** How long a receiver still decrypts frames of the previous epoch after moving to a newer one. */
export const PREVIOUS_EPOCH_GRACE_MS = 2000;

const RATCHET_LABEL = new TextEncoder().encode('SFrame 1.0 Ratchet');

/** Key state of one epoch. */
export interface EpochKey {
  epoch: number;
  context: WebCryptoSFrameContext;
  /** Replay window (decrypt keys only). */
  replay: ReplayWindow;
  /** Base key of this epoch, kept to derive the next one and wiped when the epoch is left. */
  baseKey: Uint8Array;
}

/** State of one installed key. */
export interface InstalledKey {
  /** KID given to `set-keys`. */
  keyId: bigint;
  /** SHA-256 of the installed base key, to recognise a re-install of the same key. */
  fingerprint: Uint8Array;
  current: EpochKey;
  /** Next CTR to send in the current epoch (encrypt keys only). */
  nextCtr: bigint;
  /** Previous epoch of a decrypt key, accepted until `expiresAt` (milliseconds). */
  previous?: EpochKey & { expiresAt: number };
  /** Moves to a later epoch: ratchets (encrypt keys) or epochs followed (decrypt keys). */
  ratchets: number;
}

/** Epoch key chosen for an incoming frame, and how to record that it decrypted. */
export interface DecryptTarget {
  key: EpochKey;
  /** Makes a newer epoch current. Call it only after the frame authenticated. */
  commit(): void;
}

type Slot = `${TransformOperation}:${MediaKind}`;

/** Computes the wire KID of `keyId` in `epoch`. */
export function wireKid(keyId: bigint, epoch: number): bigint {
  return (keyId << BigInt(EPOCH_BITS)) | BigInt(epoch % EPOCH_MODULUS);
}

/** Derives the next epoch's base key, RFC 9605 section 5.1. */
export function ratchetBaseKey(baseKey: Uint8Array): Uint8Array {
  const secret = extract(sha256, baseKey, new Uint8Array(0));
  const next = expand(sha256, secret, RATCHET_LABEL, sha256.outputLen);
  secret.fill(0);
  return next;
}

function createEpoch(keyId: bigint, epoch: number, baseKey: Uint8Array): EpochKey {
  const context = new WebCryptoSFrameContext({
    cipherSuite: MEDIA_CIPHER_SUITE,
    baseKey,
    kid: wireKid(keyId, epoch),
  });
  return { epoch, context, replay: new ReplayWindow(), baseKey };
}

function nextEpoch(keyId: bigint, from: EpochKey, steps: number): EpochKey {
  let baseKey = from.baseKey;
  for (let step = 0; step < steps; step++) {
    const next = ratchetBaseKey(baseKey);
    if (baseKey !== from.baseKey) baseKey.fill(0);
    baseKey = next;
  }
  return createEpoch(keyId, from.epoch + steps, baseKey);
}

function validateEntry(entry: unknown, index: number): KeyEntry {
  const name = `keys[${index}]`;
  if (typeof entry !== 'object' || entry === null) {
    throw new TypeError(`Expected "${name}" to be an object: got ${describeType(entry)}`);
  }
  const { operation, kind, kid, baseKey } = entry as Partial<KeyEntry>;
  if (operation !== 'encrypt' && operation !== 'decrypt') {
    throw new TypeError(`Expected "${name}.operation" to be 'encrypt' or 'decrypt'`);
  }
  if (kind !== 'audio' && kind !== 'video') {
    throw new TypeError(`Expected "${name}.kind" to be 'audio' or 'video'`);
  }
  // Safe integers stay below 2^53, so shifted left by EPOCH_BITS they still fit in 64 bits.
  if (typeof kid !== 'number' || !Number.isSafeInteger(kid) || kid < 0) {
    throw new RangeError(`Expected "${name}.kid" to be a non-negative safe integer: got ${kid}`);
  }
  if (!(baseKey instanceof Uint8Array)) {
    throw new TypeError(
      `Expected "${name}.baseKey" to be a Uint8Array: got ${describeType(baseKey)}`,
    );
  }
  if (baseKey.length !== BASE_KEY_LENGTH) {
    throw new RangeError(
      `Expected "${name}.baseKey" to be ${BASE_KEY_LENGTH} bytes long: got ${baseKey.length} bytes`,
    );
  }
  return { operation, kind, kid, baseKey };
}

/**
 * The worker's keys, shared by all of its transforms so that two senders of one kind never reuse
 * a CTR under the same key.
 */
export class KeyRing {
  private readonly slots = new Map<Slot, InstalledKey[]>();

  /**
   * Installs keys, each becoming the newest of its operation and kind, in epoch 0. Re-installing
   * the same KID with the same bytes keeps its epoch, CTR and replay state, because resetting
   * the CTR would reuse nonces. All entries are checked before any is installed.
   *
   * @throws {TypeError} or {RangeError} naming the first invalid entry.
   */
  setKeys(entries: unknown): void {
    if (!Array.isArray(entries)) {
      throw new TypeError(`Expected "keys" to be an array: got ${describeType(entries)}`);
    }
    const valid = entries.map(validateEntry);

    for (const entry of valid) {
      const slot: Slot = `${entry.operation}:${entry.kind}`;
      const keyId = BigInt(entry.kid);
      const fingerprint = sha256(entry.baseKey);
      const keys = this.slots.get(slot) ?? [];
      const index = keys.findIndex((key) => key.keyId === keyId);
      const existing = index >= 0 ? keys.splice(index, 1)[0] : undefined;

      const unchanged =
        existing !== undefined && equalBytesConstantTime(existing.fingerprint, fingerprint);
      keys.push(
        unchanged
          ? existing
          : {
              keyId,
              fingerprint,
              current: createEpoch(keyId, 0, entry.baseKey.slice()),
              nextCtr: 0n,
              ratchets: 0,
            },
      );
      if (keys.length > MAX_KEYS_PER_SLOT) keys.shift();
      this.slots.set(slot, keys);
    }
  }

  /** Returns the newest encrypt key of `kind`. */
  encryptKey(kind: MediaKind): InstalledKey | undefined {
    return this.slots.get(`encrypt:${kind}`)?.at(-1);
  }

  /**
   * Moves the newest encrypt key of `kind` (or of both kinds) to its next epoch. With
   * `onlyIfUsed`, a key that has encrypted no frame in its current epoch stays where it is, so
   * that timed ratchets never take a sender more than one epoch past its last frame.
   *
   * @returns how many keys moved.
   */
  ratchet(kind?: MediaKind, { onlyIfUsed = false }: { onlyIfUsed?: boolean } = {}): number {
    let moved = 0;
    for (const each of kind === undefined ? (['audio', 'video'] as const) : [kind]) {
      const key = this.encryptKey(each);
      if (key === undefined) continue;
      if (onlyIfUsed && key.nextCtr === 0n) continue;
      advanceEncryptKey(key);
      moved++;
    }
    return moved;
  }

  /**
   * Chooses the epoch key for a frame with wire KID `kid`: the current epoch, a newer one (up to
   * {@link MAX_EPOCH_STEP} ratchets ahead), or the previous one within its grace period.
   */
  decryptTarget(kind: MediaKind, kid: bigint, now: number): DecryptTarget | undefined {
    const keyId = kid >> BigInt(EPOCH_BITS);
    const epochBits = Number(kid & BigInt(EPOCH_MODULUS - 1));
    const key = this.slots.get(`decrypt:${kind}`)?.find((each) => each.keyId === keyId);
    if (key === undefined) return undefined;

    if (key.previous !== undefined && now >= key.previous.expiresAt) {
      key.previous.baseKey.fill(0);
      delete key.previous;
    }

    // The current epoch counts on past 15, so reduce it first: the difference must not go negative.
    const step = (epochBits - (key.current.epoch % EPOCH_MODULUS) + EPOCH_MODULUS) % EPOCH_MODULUS;
    if (step === 0) return { key: key.current, commit: () => undefined };
    if (step <= MAX_EPOCH_STEP) {
      const candidate = nextEpoch(keyId, key.current, step);
      return {
        key: candidate,
        commit: () => {
          key.previous?.baseKey.fill(0);
          key.previous = { ...key.current, expiresAt: now + PREVIOUS_EPOCH_GRACE_MS };
          key.current = candidate;
          key.ratchets++;
        },
      };
    }
    const previous = key.previous;
    if (previous !== undefined && previous.epoch % EPOCH_MODULUS === epochBits) {
      return { key: previous, commit: () => undefined };
    }
    return undefined;
  }

  /** Tells whether any key of `operation` and `kind` is installed. */
  has(operation: TransformOperation, kind: MediaKind): boolean {
    return (this.slots.get(`${operation}:${kind}`)?.length ?? 0) > 0;
  }

  /** Returns the epoch and ratchet count of the newest key of `operation` and `kind`. */
  epochState(operation: TransformOperation, kind: MediaKind): KeyEpochState | null {
    const key = this.slots.get(`${operation}:${kind}`)?.at(-1);
    return key === undefined ? null : { epoch: key.current.epoch, ratchets: key.ratchets };
  }
}

function advanceEncryptKey(key: InstalledKey): void {
  const old = key.current;
  key.current = nextEpoch(key.keyId, old, 1);
  key.nextCtr = 0n;
  key.ratchets++;
  old.baseKey.fill(0);
}

/**
 * Takes the next CTR of an encrypt key and the epoch it belongs to. A key that has sent
 * {@link FRAMES_PER_EPOCH} frames ratchets to its next epoch first. Returns null only when the
 * CTR would pass 2^64-1, which the ratchet prevents unless `nextCtr` was set by hand.
 */
export function takeCtr(key: InstalledKey): { ctr: bigint; epoch: EpochKey } | null {
  if (key.nextCtr > MAX_UINT64) return null;
  if (key.nextCtr >= FRAMES_PER_EPOCH) advanceEncryptKey(key);
  const ctr = key.nextCtr;
  key.nextCtr = ctr + 1n;
  return { ctr, epoch: key.current };
}
