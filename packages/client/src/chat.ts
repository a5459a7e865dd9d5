/**
 * End-to-end encrypted text chat over the call's data channel.
 *
 * A message is UTF-8 encoded and split into chunks of at most {@link CHAT_CHUNK_BYTES}. Each
 * chunk travels as one data-channel message, sealed on its own with AES-256-GCM under the call's
 * chat key:
 *
 * ```
 * +---------+--------------+------------------------------------------------+
 * | version | nonce        | AES-GCM ciphertext and 16-byte tag of:         |
 * | 1 byte  | 12 bytes     |   message id (4) | index (2) | count (2) | text |
 * +---------+--------------+------------------------------------------------+
 * ```
 *
 * The chunk header sits inside the ciphertext, so a relay or TURN server learns only sizes. The
 * nonce is random: one key serves both directions, and a call sends far fewer than the 2^32
 * messages after which random 96-bit nonces risk a repeat.
 */

/** Wire-format version byte. */
const CHAT_VERSION = 1;
/** Largest text slice in one chunk: 16 KiB, which every browser's data channel delivers whole. */
export const CHAT_CHUNK_BYTES = 16 * 1024;
/** Largest message, in UTF-8 bytes. Longer text is refused before sending. */
export const MAX_CHAT_MESSAGE_BYTES = 64 * 1024;
/** Messages that may be half received at once; the oldest is dropped beyond this. */
const MAX_PENDING_MESSAGES = 8;
const NONCE_BYTES = 12;
const HEADER_BYTES = 8;
const MAX_CHUNKS = Math.ceil(MAX_CHAT_MESSAGE_BYTES / CHAT_CHUNK_BYTES);

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** Seals and opens chat chunks under one AES-256-GCM key, and reassembles messages. */
export class ChatCipher {
  readonly #key: Promise<CryptoKey>;
  readonly #pending = new Map<number, { count: number; parts: (Uint8Array | undefined)[] }>();
  #nextId = crypto.getRandomValues(new Uint32Array(1))[0]!;

  /** @param rawKey 32-byte chat key; the bytes are copied into a non-extractable CryptoKey. */
  constructor(rawKey: Uint8Array) {
    if (rawKey.length !== 32) {
      throw new RangeError(`Invalid chat key length ${rawKey.length}: expected 32 bytes`);
    }
    this.#key = crypto.subtle.importKey('raw', new Uint8Array(rawKey), 'AES-GCM', false, [
      'encrypt',
      'decrypt',
    ]);
  }

  /**
   * Encrypts `text` into one or more data-channel messages, in order.
   *
   * @throws {RangeError} if the text is empty or longer than {@link MAX_CHAT_MESSAGE_BYTES}.
   */
  async seal(text: string): Promise<Uint8Array[]> {
    const bytes = encoder.encode(text);
    if (bytes.length === 0) throw new RangeError('Invalid chat message: the text is empty');
    if (bytes.length > MAX_CHAT_MESSAGE_BYTES) {
      throw new RangeError(
        `Chat message too long: ${bytes.length} > ${MAX_CHAT_MESSAGE_BYTES} bytes`,
      );
    }
    const id = this.#nextId;
    this.#nextId = (this.#nextId + 1) >>> 0;
    const count = Math.ceil(bytes.length / CHAT_CHUNK_BYTES);
    const key = await this.#key;
    const chunks: Uint8Array[] = [];
    for (let index = 0; index < count; index++) {
      const slice = bytes.subarray(index * CHAT_CHUNK_BYTES, (index + 1) * CHAT_CHUNK_BYTES);
      const plain = new Uint8Array(HEADER_BYTES + slice.length);
      const view = new DataView(plain.buffer);
      view.setUint32(0, id);
      view.setUint16(4, index);
      view.setUint16(6, count);
      plain.set(slice, HEADER_BYTES);
      const nonce = crypto.getRandomValues(new Uint8Array(NONCE_BYTES));
      const sealed = await crypto.subtle.encrypt({ name: 'AES-GCM', iv: nonce }, key, plain);
      const chunk = new Uint8Array(1 + NONCE_BYTES + sealed.byteLength);
      chunk[0] = CHAT_VERSION;
      chunk.set(nonce, 1);
      chunk.set(new Uint8Array(sealed), 1 + NONCE_BYTES);
      chunks.push(chunk);
    }
    return chunks;
  }

  /**
   * Decrypts one received chunk. Returns the whole message once its last missing chunk arrived,
   * otherwise null.
   *
   * @throws {Error} if the chunk has an unknown version, fails authentication or has an invalid
   *   header. The caller drops the chunk; other messages are unaffected.
   */
  async open(received: Uint8Array): Promise<string | null> {
    const chunk = new Uint8Array(received);
    if (chunk.length < 1 + NONCE_BYTES + 16 + HEADER_BYTES || chunk[0] !== CHAT_VERSION) {
      throw new Error(`Invalid chat chunk: version ${chunk[0]}, ${chunk.length} bytes`);
    }
    const nonce = chunk.subarray(1, 1 + NONCE_BYTES);
    let plain: Uint8Array;
    try {
      const opened = await crypto.subtle.decrypt(
        { name: 'AES-GCM', iv: nonce },
        await this.#key,
        chunk.subarray(1 + NONCE_BYTES),
      );
      plain = new Uint8Array(opened);
    } catch (cause) {
      throw new Error('Failed to decrypt a chat chunk: authentication failed', { cause });
    }
    const view = new DataView(plain.buffer, plain.byteOffset, plain.byteLength);
    const id = view.getUint32(0);
    const index = view.getUint16(4);
    const count = view.getUint16(6);
    if (count === 0 || count > MAX_CHUNKS || index >= count) {
      throw new Error(`Invalid chat chunk header: index ${index} of ${count}`);
    }
    const body = plain.subarray(HEADER_BYTES);
    if (count === 1) return decoder.decode(body);

    let entry = this.#pending.get(id);
    if (entry === undefined || entry.count !== count) {
      entry = { count, parts: new Array<Uint8Array | undefined>(count).fill(undefined) };
      this.#pending.set(id, entry);
      if (this.#pending.size > MAX_PENDING_MESSAGES) {
        this.#pending.delete(this.#pending.keys().next().value as number);
      }
    }
    entry.parts[index] = body;
    if (entry.parts.some((part) => part === undefined)) return null;

    this.#pending.delete(id);
    const parts = entry.parts as Uint8Array[];
    const joined = new Uint8Array(parts.reduce((total, part) => total + part.length, 0));
    let offset = 0;
    for (const part of parts) {
      joined.set(part, offset);
      offset += part.length;
    }
    return decoder.decode(joined);
  }
}
