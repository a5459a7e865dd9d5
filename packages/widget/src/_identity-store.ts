import type { CallIdentity } from '@porchlight/client';
import {
  checkPassphrase,
  decryptIdentityBackup,
  encryptIdentityBackup,
  type IdentityBackup,
} from './_identity-backup.js';

// The identity is stored in IndexedDB, not localStorage, because IndexedDB can store a WebCrypto
// CryptoKey created non-extractable. A script on the console page can then make the key sign
// while it runs, but it cannot read the private key bytes and carry them away. localStorage
// stores only strings, which would put the private key itself within reach of such a script.
const DB_NAME = 'porchlight';
const STORE_NAME = 'identity';
const RECORD_KEY = 'therapist';

/**
 * One stored identity: the non-extractable private key and, for keys made or restored since
 * backups exist, the passphrase-encrypted backup of the same key. The raw key is never stored.
 */
interface StoredIdentity {
  privateKey: CryptoKey;
  publicKey: Uint8Array;
  backup?: IdentityBackup;
}

/** The therapist identity of this browser profile and its encrypted backup, if it has one. */
export interface IdentityRecord {
  identity: CallIdentity;
  /** Null for keys created before backups existed: those can never be backed up. */
  backup: IdentityBackup | null;
}

/**
 * Returns the therapist identity kept in this browser profile, or null when there is none yet.
 *
 * @throws {Error} when IndexedDB is unavailable (for example in a private window of some
 *   browsers).
 */
export async function loadIdentity(): Promise<IdentityRecord | null> {
  const db = await openDatabase();
  try {
    const stored = await readStored(db);
    return stored ? toRecord(stored) : null;
  } finally {
    db.close();
  }
}

/**
 * Creates an Ed25519 key pair and stores it with its backup encrypted under `passphrase`. The
 * pair is generated extractable only so the private key can be exported once for the backup.
 * The stored key is a non-extractable re-import, and the exported bytes are dropped.
 *
 * With `replace` false, a key stored by another tab in the meantime wins and is returned. With
 * `replace` true, the new key replaces the stored one, which changes the room id.
 *
 * @throws {IdentityBackupError} when the passphrase is too short.
 * @throws {Error} when IndexedDB or WebCrypto Ed25519 is unavailable.
 */
export async function createIdentity(passphrase: string, replace = false): Promise<IdentityRecord> {
  checkPassphrase(passphrase);
  const pair = (await crypto.subtle.generateKey('Ed25519', true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
  const publicKey = new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey));
  const pkcs8 = new Uint8Array(await crypto.subtle.exportKey('pkcs8', pair.privateKey));
  let record: StoredIdentity;
  try {
    const backup = await encryptIdentityBackup(pkcs8, publicKey, passphrase);
    const privateKey = await crypto.subtle.importKey('pkcs8', pkcs8, 'Ed25519', false, ['sign']);
    record = { privateKey, publicKey, backup };
  } finally {
    // NOTE: this clears only this copy. Copies inside the WebCrypto implementation and the
    // extractable key object stay in memory until they are garbage-collected.
    pkcs8.fill(0);
  }
  return storeIdentity(record, replace);
}

/**
 * Decrypts `backup` with `passphrase`, checks that its private key matches its room id, and
 * stores it non-extractable with the backup, replacing any stored identity. When a check fails
 * nothing is stored.
 *
 * @throws {IdentityBackupError} for a wrong passphrase, a changed file or a mismatched key.
 */
export async function restoreIdentity(
  backup: IdentityBackup,
  passphrase: string,
): Promise<IdentityRecord> {
  const restored = await decryptIdentityBackup(backup, passphrase, false);
  return storeIdentity({ ...restored, backup }, true);
}

async function storeIdentity(record: StoredIdentity, replace: boolean): Promise<IdentityRecord> {
  const db = await openDatabase();
  try {
    const store = db.transaction(STORE_NAME, 'readwrite').objectStore(STORE_NAME);
    if (replace) {
      await request(store.put(record, RECORD_KEY));
      return toRecord(record);
    }
    // `add` fails if another tab stored an identity in the meantime; that one then wins.
    try {
      await request(store.add(record, RECORD_KEY));
      return toRecord(record);
    } catch {
      const winner = await readStored(db);
      if (winner === undefined) throw new Error('Failed to store the therapist identity');
      return toRecord(winner);
    }
  } finally {
    db.close();
  }
}

function readStored(db: IDBDatabase): Promise<StoredIdentity | undefined> {
  return request<StoredIdentity | undefined>(
    db.transaction(STORE_NAME, 'readonly').objectStore(STORE_NAME).get(RECORD_KEY),
  );
}

function toRecord(stored: StoredIdentity): IdentityRecord {
  const identity: CallIdentity = {
    publicKey: stored.publicKey,
    async sign(message) {
      const data = new Uint8Array(message);
      return new Uint8Array(await crypto.subtle.sign('Ed25519', stored.privateKey, data));
    },
  };
  return { identity, backup: stored.backup ?? null };
}

function openDatabase(): Promise<IDBDatabase> {
  const open = indexedDB.open(DB_NAME, 1);
  open.onupgradeneeded = () => open.result.createObjectStore(STORE_NAME);
  return request(open);
}

function request<T>(req: IDBRequest<T>): Promise<T>;
function request(req: IDBRequest): Promise<unknown>;
function request(req: IDBRequest): Promise<unknown> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
  });
}
