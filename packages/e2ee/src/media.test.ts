import { describe, expect, it } from 'vitest';
import { clearPrefixLength, codecOf, isPassThroughFrame, splitClearPrefix } from './media.js';

describe('codecOf', () => {
  it('reads the codec from the MIME type', () => {
    expect(codecOf('video', 'video/VP8')).toBe('vp8');
    expect(codecOf('audio', 'audio/opus')).toBe('opus');
    expect(codecOf('video', 'video/H264')).toBe('h264');
    expect(codecOf('video', 'video/VP9')).toBe('vp9');
    expect(codecOf('video', 'video/AV1')).toBe('other-video');
    expect(codecOf('audio', 'audio/PCMU')).toBe('other-audio');
  });

  it('falls back to the media kind without a MIME type', () => {
    expect(codecOf('video')).toBe('vp8');
    expect(codecOf('audio')).toBe('opus');
    expect(codecOf('video', '')).toBe('vp8');
  });
});

describe('clearPrefixLength', () => {
  it('keeps 10 bytes of VP8 key frames', () => {
    expect(clearPrefixLength('video', 'key', 'video/VP8')).toBe(10);
    expect(clearPrefixLength('video', 'key')).toBe(10);
  });

  it('keeps 3 bytes of VP8 delta frames', () => {
    expect(clearPrefixLength('video', 'delta', 'video/VP8')).toBe(3);
    expect(clearPrefixLength('video', undefined, 'video/vp8')).toBe(3);
  });

  it('keeps 1 byte of Opus frames', () => {
    expect(clearPrefixLength('audio', undefined, 'audio/opus')).toBe(1);
    expect(clearPrefixLength('audio')).toBe(1);
  });

  it('treats other video codecs as VP8', () => {
    expect(clearPrefixLength('video', 'key', 'video/VP9')).toBe(10);
    expect(clearPrefixLength('video', 'delta', 'video/AV1')).toBe(3);
  });

  it('keeps nothing of other audio codecs', () => {
    expect(clearPrefixLength('audio', undefined, 'audio/G722')).toBe(0);
  });
});

describe('splitClearPrefix', () => {
  it('splits at the clear prefix', () => {
    const data = Uint8Array.from({ length: 20 }, (_, i) => i);
    const parts = splitClearPrefix(data, 'video', 'key', 'video/VP8');
    expect(parts?.prefix).toEqual(data.subarray(0, 10));
    expect(parts?.payload).toEqual(data.subarray(10));
  });

  it('returns null for frames shorter than the prefix', () => {
    expect(splitClearPrefix(new Uint8Array(9), 'video', 'key')).toBeNull();
    expect(splitClearPrefix(new Uint8Array(0), 'audio')).toBeNull();
  });

  it('accepts a frame exactly as long as the prefix', () => {
    expect(splitClearPrefix(new Uint8Array(3), 'video', 'delta')?.payload).toHaveLength(0);
  });
});

describe('isPassThroughFrame', () => {
  it('passes only empty frames', () => {
    expect(isPassThroughFrame(0)).toBe(true);
    expect(isPassThroughFrame(1)).toBe(false);
  });
});
