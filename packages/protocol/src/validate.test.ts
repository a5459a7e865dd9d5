import { describe, expect, it } from 'vitest';
import { parseClientMessage, parseServerMessage } from './validate.js';

const callId = 'a'.repeat(32);

describe('ask-to-wait messages', () => {
  it('parses ask-to-wait with a message', () => {
    const text = JSON.stringify({ type: 'ask-to-wait', callId, message: 'Five minutes' });
    expect(parseClientMessage(text)).toEqual({
      ok: true,
      message: { type: 'ask-to-wait', callId, message: 'Five minutes' },
    });
  });

  it('drops unknown fields of ask-to-wait', () => {
    const text = JSON.stringify({ type: 'ask-to-wait', callId, extra: 1 });
    expect(parseClientMessage(text)).toEqual({
      ok: true,
      message: { type: 'ask-to-wait', callId },
    });
  });

  it('rejects ask-to-wait with a bad call id', () => {
    const result = parseClientMessage(JSON.stringify({ type: 'ask-to-wait', callId: 'x' }));
    expect(result.ok).toBe(false);
  });

  it('rejects an over-long wait message', () => {
    const message = 'w'.repeat(281);
    const result = parseServerMessage(JSON.stringify({ type: 'asked-to-wait', callId, message }));
    expect(result).toMatchObject({ ok: false, code: 'invalid-message' });
  });

  it('parses asked-to-wait without a message', () => {
    expect(parseServerMessage(JSON.stringify({ type: 'asked-to-wait', callId }))).toEqual({
      ok: true,
      message: { type: 'asked-to-wait', callId },
    });
  });
});

describe('relay notices', () => {
  it('parses going-away with its delay', () => {
    expect(parseServerMessage('{"type":"going-away","retryAfterMs":500}')).toEqual({
      ok: true,
      message: { type: 'going-away', retryAfterMs: 500 },
    });
  });

  it('parses declined with reason timeout', () => {
    const text = JSON.stringify({ type: 'declined', callId, reason: 'timeout' });
    expect(parseServerMessage(text)).toEqual({
      ok: true,
      message: { type: 'declined', callId, reason: 'timeout' },
    });
  });

  it('rejects an unknown declined reason', () => {
    const text = JSON.stringify({ type: 'declined', callId, reason: 'bored' });
    expect(parseServerMessage(text).ok).toBe(false);
  });
});

describe('hello messages', () => {
  const hello = { type: 'hello', version: 1, role: 'visitor' };

  it('parses a hello whose room is not a room id', () => {
    // The relay, not the parser, rejects such a room with room-unknown.
    for (const room of ['', 'OPEN-THIS-PAGE', 'A'.repeat(200)]) {
      expect(parseClientMessage(JSON.stringify({ ...hello, room })), room).toEqual({
        ok: true,
        message: { ...hello, room },
      });
    }
  });

  it('rejects a hello whose room is not text', () => {
    for (const room of [undefined, null, 42, ['a'], { id: 'a' }]) {
      const result = parseClientMessage(JSON.stringify({ ...hello, room }));
      expect(result, String(room)).toMatchObject({ ok: false, code: 'invalid-message' });
    }
  });
});
