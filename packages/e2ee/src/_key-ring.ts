import { describeType, equalBytesConstantTime, MAX_UINT64 } from './_bytes.js';
import { ReplayWindow } from './_replay-window.js';
import { AES_128_GCM_SHA256_128, SFrameContext } from './sframe.js';
import type { KeyEntry, MediaKind, TransformOperation } from './worker-protocol.js';

/** Cipher suite of all media frames. */
export const MEDIA_CIPHER_SUITE = AES_128_GCM_SHA256_128;

/** Keys kept per operation and kind; older ones are forgotten so late frames under them drop. */
export const MAX_KEYS_PER_SLOT = 4;

const BASE_KEY_LENGTH = 32;

/** State of one installed key. */
export interface InstalledKey {
  kid: bigint;
  context: SFrameContext;
  /** Next CTR to send (encrypt keys only); above 2^64-1 the key is exhausted. */
  nextCtr: bigint;
  /** Replay window (decrypt keys only). */
  replay: ReplayWindow;
  baseKey: Uint8Array;
}

type Slot = `${TransformOperation}:${MediaKind}`;

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
   * Installs keys, each becoming the newest of its operation and kind. Re-installing the same KID
   * with the same bytes keeps its CTR and replay state, because resetting the CTR would reuse
   * nonces. All entries are checked before any is installed.
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
      const kid = BigInt(entry.kid);
      const keys = this.slots.get(slot) ?? [];
      const index = keys.findIndex((key) => key.kid === kid);
      const existing = index >= 0 ? keys.splice(index, 1)[0] : undefined;

      const unchanged =
        existing !== undefined && equalBytesConstantTime(existing.baseKey, entry.baseKey);
      keys.push(
        unchanged
          ? existing
          : {
              kid,
              context: new SFrameContext({
                cipherSuite: MEDIA_CIPHER_SUITE,
                baseKey: entry.baseKey,
                kid,
              }),
              nextCtr: 0n,
              replay: new ReplayWindow(),
              baseKey: entry.baseKey.slice(),
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

  /** Returns the decrypt key of `kind` with `kid`. */
  decryptKey(kind: MediaKind, kid: bigint): InstalledKey | undefined {
    return this.slots.get(`decrypt:${kind}`)?.find((key) => key.kid === kid);
  }

  /** Tells whether any key of `operation` and `kind` is installed. */
  has(operation: TransformOperation, kind: MediaKind): boolean {
    return (this.slots.get(`${operation}:${kind}`)?.length ?? 0) > 0;
  }
}

/** Takes the next CTR of an encrypt key, or returns null when the key has used all 2^64. */
export function takeCtr(key: InstalledKey): bigint | null {
  if (key.nextCtr > MAX_UINT64) return null;
  const ctr = key.nextCtr;
  key.nextCtr = ctr + 1n;
  return ctr;
}
