import type { CallIdentity } from '@porchlight/client';

// The identity is stored in IndexedDB, not localStorage, because IndexedDB can store a WebCrypto
// CryptoKey created non-extractable. A script on the console page can then make the key sign
// while it runs, but it cannot read the private key bytes and carry them away. localStorage
// stores only strings, which would put the private key itself within reach of such a script.
const DB_NAME = 'porchlight';
const STORE_NAME = 'identity';
const RECORD_KEY = 'therapist';

interface StoredIdentity {
  privateKey: CryptoKey;
  publicKey: Uint8Array;
}

/**
 * Returns the therapist identity kept in this browser profile, creating and storing an Ed25519
 * key pair on first use.
 *
 * @throws {Error} when IndexedDB or WebCrypto Ed25519 is unavailable (for example in a private
 *   window of some browsers).
 */
export async function loadOrCreateIdentity(): Promise<CallIdentity> {
  const db = await openDatabase();
  try {
    const stored = await request<StoredIdentity | undefined>(
      db.transaction(STORE_NAME, 'readonly').objectStore(STORE_NAME).get(RECORD_KEY),
    );
    if (stored !== undefined) return toIdentity(stored);

    const pair = (await crypto.subtle.generateKey('Ed25519', false, [
      'sign',
      'verify',
    ])) as CryptoKeyPair;
    const publicKey = new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey));
    const record: StoredIdentity = { privateKey: pair.privateKey, publicKey };
    // `add` fails if another tab stored an identity in the meantime; that one then wins.
    try {
      await request(db.transaction(STORE_NAME, 'readwrite').objectStore(STORE_NAME).add(record, RECORD_KEY));
      return toIdentity(record);
    } catch {
      const winner = await request<StoredIdentity | undefined>(
        db.transaction(STORE_NAME, 'readonly').objectStore(STORE_NAME).get(RECORD_KEY),
      );
      if (winner === undefined) throw new Error('Failed to store the therapist identity');
      return toIdentity(winner);
    }
  } finally {
    db.close();
  }
}

function toIdentity(stored: StoredIdentity): CallIdentity {
  return {
    publicKey: stored.publicKey,
    async sign(message) {
      const data = new Uint8Array(message);
      return new Uint8Array(await crypto.subtle.sign('Ed25519', stored.privateKey, data));
    },
  };
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
