import { isRoomId, publicKeyFromRoomId, roomIdFromPublicKey } from '@porchlight/client';

/** Value of the `format` field, so a restore can tell a backup from any other JSON file. */
export const BACKUP_FORMAT = 'porchlight-identity-backup';
/** The only file version this code writes and reads. */
export const BACKUP_VERSION = 1;
/**
 * PBKDF2-HMAC-SHA-256 iterations for new backups. The OWASP Password Storage Cheat Sheet (2023
 * revision) asks for at least 600,000 for this hash, which makes each passphrase guess cost an
 * attacker who holds the file as much as 600,000 HMAC computations.
 */
export const BACKUP_ITERATIONS = 600_000;
/**
 * Bounds on the iteration count a file may ask for. The lower bound rejects files weakened by
 * hand, and the upper one stops a crafted file from keeping the browser busy for minutes.
 */
const MIN_ITERATIONS = 100_000;
const MAX_ITERATIONS = 10_000_000;
/** Shortest passphrase accepted, in characters (Unicode code points). */
export const MIN_PASSPHRASE_LENGTH = 12;

const SALT_BYTES = 16;
const IV_BYTES = 12;
/** AES-GCM tag length in bits. WebCrypto appends the tag to the ciphertext. */
const TAG_BITS = 128;

/**
 * The backup file: the Ed25519 private key (PKCS#8) encrypted with AES-256-GCM under a key
 * derived from the passphrase by PBKDF2-HMAC-SHA-256. The room id (the public key) stays in
 * clear, so a restore can show which room the file belongs to. It is also the additional
 * authenticated data of AES-GCM, so a file whose room id was changed does not decrypt. Binary
 * fields are standard base64.
 */
export interface IdentityBackup {
  format: typeof BACKUP_FORMAT;
  version: typeof BACKUP_VERSION;
  room: string;
  kdf: { name: 'PBKDF2'; hash: 'SHA-256'; iterations: number; salt: string };
  cipher: { name: 'AES-GCM'; iv: string };
  ciphertext: string;
}

/** Why a backup could not be made or read. */
export type IdentityBackupErrorReason =
  | 'passphrase-too-short'
  | 'invalid-file'
  | 'unsupported-version'
  | 'decrypt-failed'
  | 'key-mismatch';

/** A backup that could not be made or read, with a reason the console turns into text. */
export class IdentityBackupError extends Error {
  override name = 'IdentityBackupError';
  readonly reason: IdentityBackupErrorReason;

  constructor(reason: IdentityBackupErrorReason, message: string) {
    super(message);
    this.reason = reason;
  }
}

/** Throws when `passphrase` is shorter than {@link MIN_PASSPHRASE_LENGTH} characters. */
export function checkPassphrase(passphrase: string): void {
  const length = [...passphrase].length;
  if (length < MIN_PASSPHRASE_LENGTH) {
    throw new IdentityBackupError(
      'passphrase-too-short',
      `Passphrase must have at least ${MIN_PASSPHRASE_LENGTH} characters, got ${length}`,
    );
  }
}

/**
 * Encrypts an Ed25519 private key in PKCS#8 form under `passphrase` with a fresh salt and IV.
 *
 * @throws {IdentityBackupError} `passphrase-too-short` when the passphrase is too short.
 */
export async function encryptIdentityBackup(
  pkcs8: Uint8Array,
  publicKey: Uint8Array,
  passphrase: string,
): Promise<IdentityBackup> {
  checkPassphrase(passphrase);
  const room = roomIdFromPublicKey(publicKey);
  const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES));
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const key = await deriveKey(passphrase, salt, BACKUP_ITERATIONS);
  const ciphertext = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: new TextEncoder().encode(room), tagLength: TAG_BITS },
    key,
    new Uint8Array(pkcs8),
  );
  return {
    format: BACKUP_FORMAT,
    version: BACKUP_VERSION,
    room,
    kdf: { name: 'PBKDF2', hash: 'SHA-256', iterations: BACKUP_ITERATIONS, salt: toBase64(salt) },
    cipher: { name: 'AES-GCM', iv: toBase64(iv) },
    ciphertext: toBase64(new Uint8Array(ciphertext)),
  };
}

/** A decrypted backup: the private key, imported as `extractable` asks, and its public key. */
export interface RestoredIdentity {
  privateKey: CryptoKey;
  publicKey: Uint8Array;
}

/**
 * Decrypts `backup` with `passphrase`, imports the private key and checks by signing and
 * verifying a test message that it belongs to the public key named in the file.
 *
 * @throws {IdentityBackupError} `decrypt-failed` for a wrong passphrase or a changed file (AES-GCM
 *   cannot tell the two apart), `key-mismatch` when the key does not belong to the file's room.
 */
export async function decryptIdentityBackup(
  backup: IdentityBackup,
  passphrase: string,
  extractable = false,
): Promise<RestoredIdentity> {
  const salt = fromBase64(backup.kdf.salt, 'kdf.salt');
  const iv = fromBase64(backup.cipher.iv, 'cipher.iv');
  const ciphertext = fromBase64(backup.ciphertext, 'ciphertext');
  const key = await deriveKey(passphrase, salt, backup.kdf.iterations);
  let pkcs8: ArrayBuffer;
  try {
    pkcs8 = await crypto.subtle.decrypt(
      {
        name: 'AES-GCM',
        iv,
        additionalData: new TextEncoder().encode(backup.room),
        tagLength: TAG_BITS,
      },
      key,
      ciphertext,
    );
  } catch {
    throw new IdentityBackupError(
      'decrypt-failed',
      `Failed to decrypt the backup of room ${backup.room}: wrong passphrase or changed file`,
    );
  }

  let privateKey: CryptoKey;
  try {
    privateKey = await crypto.subtle.importKey('pkcs8', pkcs8, 'Ed25519', extractable, ['sign']);
  } catch {
    throw new IdentityBackupError(
      'invalid-file',
      `Backup of room ${backup.room} does not contain an Ed25519 private key`,
    );
  }
  const publicKey = publicKeyFromRoomId(backup.room);
  if (!(await keysMatch(privateKey, publicKey))) {
    throw new IdentityBackupError(
      'key-mismatch',
      `Private key in the backup does not belong to room ${backup.room}`,
    );
  }
  return { privateKey, publicKey };
}

/**
 * Parses the text of a backup file and checks every field's type and size.
 *
 * @throws {IdentityBackupError} `invalid-file` for anything but a backup file, and
 *   `unsupported-version` for a backup of another version.
 */
export function parseIdentityBackup(text: string): IdentityBackup {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw invalid('File is not JSON');
  }
  if (!isObject(data) || data['format'] !== BACKUP_FORMAT) {
    throw invalid(`Field "format" must be "${BACKUP_FORMAT}"`);
  }
  if (data['version'] !== BACKUP_VERSION) {
    throw new IdentityBackupError(
      'unsupported-version',
      `Backup version ${JSON.stringify(data['version'])} is not supported, ` +
        `expected ${BACKUP_VERSION}`,
    );
  }
  const { room, kdf, cipher, ciphertext } = data;
  if (typeof room !== 'string' || !isRoomId(room)) throw invalid('Field "room" is not a room id');
  if (!isObject(kdf) || kdf['name'] !== 'PBKDF2' || kdf['hash'] !== 'SHA-256') {
    throw invalid('Field "kdf" must name PBKDF2 with SHA-256');
  }
  const iterations = kdf['iterations'];
  if (
    typeof iterations !== 'number' ||
    !Number.isInteger(iterations) ||
    iterations < MIN_ITERATIONS ||
    iterations > MAX_ITERATIONS
  ) {
    throw invalid(
      `Field "kdf.iterations" must be an integer from ${MIN_ITERATIONS} to ${MAX_ITERATIONS}`,
    );
  }
  if (!isObject(cipher) || cipher['name'] !== 'AES-GCM') {
    throw invalid('Field "cipher" must name AES-GCM');
  }
  const salt = kdf['salt'];
  const iv = cipher['iv'];
  if (typeof salt !== 'string' || fromBase64(salt, 'kdf.salt').length !== SALT_BYTES) {
    throw invalid(`Field "kdf.salt" must be ${SALT_BYTES} bytes`);
  }
  if (typeof iv !== 'string' || fromBase64(iv, 'cipher.iv').length !== IV_BYTES) {
    throw invalid(`Field "cipher.iv" must be ${IV_BYTES} bytes`);
  }
  if (typeof ciphertext !== 'string' || fromBase64(ciphertext, 'ciphertext').length <= TAG_BITS / 8) {
    throw invalid('Field "ciphertext" is missing or too short');
  }
  return {
    format: BACKUP_FORMAT,
    version: BACKUP_VERSION,
    room,
    kdf: { name: 'PBKDF2', hash: 'SHA-256', iterations, salt },
    cipher: { name: 'AES-GCM', iv },
    ciphertext,
  };
}

/** Returns whether `privateKey` signs a test message that `publicKey` verifies. */
export async function keysMatch(privateKey: CryptoKey, publicKey: Uint8Array): Promise<boolean> {
  const message = new TextEncoder().encode('porchlight identity backup check');
  const signature = await crypto.subtle.sign('Ed25519', privateKey, message);
  let verifyKey: CryptoKey;
  try {
    verifyKey = await crypto.subtle.importKey('raw', new Uint8Array(publicKey), 'Ed25519', true, [
      'verify',
    ]);
  } catch {
    return false;
  }
  return crypto.subtle.verify('Ed25519', verifyKey, signature, message);
}

async function deriveKey(
  passphrase: string,
  salt: Uint8Array,
  iterations: number,
): Promise<CryptoKey> {
  const material = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(passphrase.normalize('NFC')),
    'PBKDF2',
    false,
    ['deriveKey'],
  );
  return crypto.subtle.deriveKey(
    { name: 'PBKDF2', hash: 'SHA-256', salt: new Uint8Array(salt), iterations },
    material,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
}

function invalid(message: string): IdentityBackupError {
  return new IdentityBackupError('invalid-file', message);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function fromBase64(text: string, field: string): Uint8Array<ArrayBuffer> {
  let binary: string;
  try {
    binary = atob(text);
  } catch {
    throw invalid(`Field "${field}" is not base64`);
  }
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}
