import { describe, expect, it } from 'vitest';
import { CHAT_CHUNK_BYTES, ChatCipher, MAX_CHAT_MESSAGE_BYTES } from './chat.js';

const key = () => crypto.getRandomValues(new Uint8Array(32));

async function deliver(receiver: ChatCipher, chunks: Uint8Array[]): Promise<(string | null)[]> {
  const results: (string | null)[] = [];
  for (const chunk of chunks) results.push(await receiver.open(chunk));
  return results;
}

describe('ChatCipher', () => {
  it('round-trips a short message in one chunk', async () => {
    const shared = key();
    const chunks = await new ChatCipher(shared).seal('Hello, can you hear me?');
    expect(chunks).toHaveLength(1);
    expect(await deliver(new ChatCipher(shared), chunks)).toEqual(['Hello, can you hear me?']);
  });

  it('hides the text in the chunk', async () => {
    const [chunk] = await new ChatCipher(key()).seal('secret words');
    const text = new TextDecoder().decode(chunk);
    expect(text).not.toContain('secret');
  });

  it('splits and reassembles a long message', async () => {
    const shared = key();
    const text = 'ü'.repeat(CHAT_CHUNK_BYTES); // 2 bytes each: splits inside characters
    const chunks = await new ChatCipher(shared).seal(text);
    expect(chunks).toHaveLength(2);
    const results = await deliver(new ChatCipher(shared), chunks);
    expect(results[0]).toBe(null);
    expect(results[1]).toBe(text);
  });

  it('reassembles chunks that arrive out of order', async () => {
    const shared = key();
    const text = 'x'.repeat(CHAT_CHUNK_BYTES * 3 + 5);
    const chunks = await new ChatCipher(shared).seal(text);
    expect(chunks).toHaveLength(4);
    const results = await deliver(new ChatCipher(shared), [...chunks].reverse());
    expect(results.slice(0, 3)).toEqual([null, null, null]);
    expect(results[3]).toBe(text);
  });

  it('keeps interleaved messages apart', async () => {
    const shared = key();
    const sender = new ChatCipher(shared);
    const first = await sender.seal('a'.repeat(CHAT_CHUNK_BYTES + 1));
    const second = await sender.seal('b'.repeat(CHAT_CHUNK_BYTES + 1));
    const results = await deliver(new ChatCipher(shared), [
      first[0]!,
      second[0]!,
      second[1]!,
      first[1]!,
    ]);
    expect(results[2]).toBe('b'.repeat(CHAT_CHUNK_BYTES + 1));
    expect(results[3]).toBe('a'.repeat(CHAT_CHUNK_BYTES + 1));
  });

  it('rejects a chunk sealed under another key', async () => {
    const [chunk] = await new ChatCipher(key()).seal('hi');
    await expect(new ChatCipher(key()).open(chunk!)).rejects.toThrow('authentication failed');
  });

  it('rejects a tampered chunk', async () => {
    const shared = key();
    const [chunk] = await new ChatCipher(shared).seal('hi');
    chunk![chunk!.length - 1]! ^= 1;
    await expect(new ChatCipher(shared).open(chunk!)).rejects.toThrow('authentication failed');
  });

  it('refuses empty and oversized messages', async () => {
    const cipher = new ChatCipher(key());
    await expect(cipher.seal('')).rejects.toThrow(RangeError);
    await expect(cipher.seal('y'.repeat(MAX_CHAT_MESSAGE_BYTES + 1))).rejects.toThrow(
      'Chat message too long',
    );
  });

  it('refuses a key of the wrong length', () => {
    expect(() => new ChatCipher(new Uint8Array(16))).toThrow('expected 32 bytes');
  });
});
