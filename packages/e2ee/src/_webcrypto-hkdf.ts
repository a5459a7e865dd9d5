/**
 * SHA-256 and HKDF-SHA256 (RFC 5869) on WebCrypto, for the key agreement. The call bundle then
 * carries no SHA-256 code of its own.
 */

/** Copies `bytes` into a fresh ArrayBuffer, the buffer type WebCrypto's typings accept. */
function buffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.slice().buffer;
}

/** Resolves to the SHA-256 digest of `data`. */
export async function sha256Digest(data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', buffer(data)));
}

/** Resolves to `length` bytes of HKDF-SHA256 output (extract, then expand) of `ikm`. */
export async function hkdfSha256(
  ikm: Uint8Array,
  salt: Uint8Array,
  info: Uint8Array,
  length: number,
): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey('raw', buffer(ikm), 'HKDF', false, ['deriveBits']);
  const params = { name: 'HKDF', hash: 'SHA-256', salt: buffer(salt), info: buffer(info) };
  return new Uint8Array(await crypto.subtle.deriveBits(params, key, length * 8));
}
