import { roomIdFromPublicKey } from '@porchlight/client';
import { describe, expect, it } from 'vitest';
import {
  BACKUP_ITERATIONS,
  IdentityBackupError,
  decryptIdentityBackup,
  encryptIdentityBackup,
  keysMatch,
  parseIdentityBackup,
  type IdentityBackup,
} from './_identity-backup.js';

const passphrase = 'correct horse battery staple';

interface KeyPair {
  pkcs8: Uint8Array;
  publicKey: Uint8Array;
}

async function generatePair(): Promise<KeyPair> {
  const pair = (await crypto.subtle.generateKey('Ed25519', true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
  return {
    pkcs8: new Uint8Array(await crypto.subtle.exportKey('pkcs8', pair.privateKey)),
    publicKey: new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey)),
  };
}

async function reasonOf(promise: Promise<unknown>): Promise<string> {
  const error: unknown = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(IdentityBackupError);
  return (error as IdentityBackupError).reason;
}

/** Returns `text` (base64) with one bit of its first decoded byte flipped. */
function flipFirstBit(text: string): string {
  const bytes = Uint8Array.from(atob(text), (char) => char.charCodeAt(0));
  bytes[0] = (bytes[0] ?? 0) ^ 1;
  return btoa(String.fromCharCode(...bytes));
}

describe('encryptIdentityBackup', () => {
  it('writes a versioned file with the room in clear', async () => {
    const pair = await generatePair();
    const backup = await encryptIdentityBackup(pair.pkcs8, pair.publicKey, passphrase);
    expect(backup.format).toBe('porchlight-identity-backup');
    expect(backup.version).toBe(1);
    expect(backup.room).toBe(roomIdFromPublicKey(pair.publicKey));
    expect(backup.kdf).toMatchObject({ name: 'PBKDF2', hash: 'SHA-256' });
    expect(backup.kdf.iterations).toBe(BACKUP_ITERATIONS);
    expect(atob(backup.kdf.salt)).toHaveLength(16);
    expect(atob(backup.cipher.iv)).toHaveLength(12);
  });

  it('uses a fresh salt and IV each time', async () => {
    const pair = await generatePair();
    const first = await encryptIdentityBackup(pair.pkcs8, pair.publicKey, passphrase);
    const second = await encryptIdentityBackup(pair.pkcs8, pair.publicKey, passphrase);
    expect(second.kdf.salt).not.toBe(first.kdf.salt);
    expect(second.cipher.iv).not.toBe(first.cipher.iv);
    expect(second.ciphertext).not.toBe(first.ciphertext);
  });

  it('rejects a short passphrase', async () => {
    const pair = await generatePair();
    const reason = await reasonOf(encryptIdentityBackup(pair.pkcs8, pair.publicKey, 'short'));
    expect(reason).toBe('passphrase-too-short');
  });

  it('counts characters, not bytes, in the passphrase', async () => {
    const pair = await generatePair();
    // Eleven characters that take more than twelve bytes in UTF-8.
    const reason = await reasonOf(
      encryptIdentityBackup(pair.pkcs8, pair.publicKey, 'äöüäöüäöüäö'),
    );
    expect(reason).toBe('passphrase-too-short');
  });
});

describe('decryptIdentityBackup', () => {
  it('round-trips through the JSON file', async () => {
    const pair = await generatePair();
    const backup = await encryptIdentityBackup(pair.pkcs8, pair.publicKey, passphrase);
    const parsed = parseIdentityBackup(JSON.stringify(backup));
    const restored = await decryptIdentityBackup(parsed, passphrase, true);
    expect(restored.publicKey).toEqual(pair.publicKey);
    const pkcs8 = new Uint8Array(await crypto.subtle.exportKey('pkcs8', restored.privateKey));
    expect(pkcs8).toEqual(pair.pkcs8);
    expect(await keysMatch(restored.privateKey, pair.publicKey)).toBe(true);
  });

  it('imports the key non-extractable by default', async () => {
    const pair = await generatePair();
    const backup = await encryptIdentityBackup(pair.pkcs8, pair.publicKey, passphrase);
    const restored = await decryptIdentityBackup(backup, passphrase);
    expect(restored.privateKey.extractable).toBe(false);
    expect(restored.privateKey.usages).toEqual(['sign']);
  });

  it('rejects a wrong passphrase', async () => {
    const pair = await generatePair();
    const backup = await encryptIdentityBackup(pair.pkcs8, pair.publicKey, passphrase);
    const reason = await reasonOf(decryptIdentityBackup(backup, `${passphrase}!`));
    expect(reason).toBe('decrypt-failed');
  });

  it('rejects a changed ciphertext, salt or IV', async () => {
    const pair = await generatePair();
    const backup = await encryptIdentityBackup(pair.pkcs8, pair.publicKey, passphrase);
    const tampered: IdentityBackup[] = [
      { ...backup, ciphertext: flipFirstBit(backup.ciphertext) },
      { ...backup, kdf: { ...backup.kdf, salt: flipFirstBit(backup.kdf.salt) } },
      { ...backup, cipher: { ...backup.cipher, iv: flipFirstBit(backup.cipher.iv) } },
    ];
    for (const file of tampered) {
      expect(await reasonOf(decryptIdentityBackup(file, passphrase))).toBe('decrypt-failed');
    }
  });

  it('rejects a file whose room was swapped', async () => {
    const pair = await generatePair();
    const other = await generatePair();
    const backup = await encryptIdentityBackup(pair.pkcs8, pair.publicKey, passphrase);
    const swapped = { ...backup, room: roomIdFromPublicKey(other.publicKey) };
    // The room is authenticated data of AES-GCM, so the swap already fails to decrypt.
    expect(await reasonOf(decryptIdentityBackup(swapped, passphrase))).toBe('decrypt-failed');
  });

  it('rejects a private key of another public key', async () => {
    const pair = await generatePair();
    const other = await generatePair();
    const mismatched = await encryptIdentityBackup(pair.pkcs8, other.publicKey, passphrase);
    expect(await reasonOf(decryptIdentityBackup(mismatched, passphrase))).toBe('key-mismatch');
  });
});

describe('parseIdentityBackup', () => {
  async function validFile(): Promise<Record<string, unknown>> {
    const pair = await generatePair();
    const backup = await encryptIdentityBackup(pair.pkcs8, pair.publicKey, passphrase);
    return JSON.parse(JSON.stringify(backup)) as Record<string, unknown>;
  }

  function reasonOfParse(file: unknown): string {
    try {
      parseIdentityBackup(typeof file === 'string' ? file : JSON.stringify(file));
    } catch (error) {
      expect(error).toBeInstanceOf(IdentityBackupError);
      return (error as IdentityBackupError).reason;
    }
    return 'accepted';
  }

  it('rejects an unsupported version', async () => {
    const file = await validFile();
    expect(reasonOfParse({ ...file, version: 2 })).toBe('unsupported-version');
    expect(reasonOfParse({ ...file, version: '1' })).toBe('unsupported-version');
  });

  it('rejects files that are not backups', async () => {
    const file = await validFile();
    const kdf = file['kdf'] as Record<string, unknown>;
    const cipher = file['cipher'] as Record<string, unknown>;
    const cases: [string, unknown][] = [
      ['not JSON', '{"format":'],
      ['array', [file]],
      ['other format', { ...file, format: 'something-else' }],
      ['bad room', { ...file, room: 'not-a-room' }],
      ['other hash', { ...file, kdf: { ...kdf, hash: 'SHA-1' } }],
      ['few iterations', { ...file, kdf: { ...kdf, iterations: 1000 } }],
      ['huge iterations', { ...file, kdf: { ...kdf, iterations: 1e9 } }],
      ['short salt', { ...file, kdf: { ...kdf, salt: btoa('short') } }],
      ['bad IV', { ...file, cipher: { ...cipher, iv: '***' } }],
      ['other cipher', { ...file, cipher: { ...cipher, name: 'AES-CBC' } }],
      ['empty ciphertext', { ...file, ciphertext: '' }],
    ];
    for (const [label, value] of cases) {
      expect(reasonOfParse(value), label).toBe('invalid-file');
    }
  });

  it('accepts a file it wrote', async () => {
    const file = await validFile();
    expect(reasonOfParse(file)).toBe('accepted');
  });
});
