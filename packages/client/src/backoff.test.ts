import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff.js';

describe('backoffDelay', () => {
  const options = { baseMs: 500, maxMs: 30_000 };

  it('doubles the window per attempt', () => {
    const highest = (attempt: number) => backoffDelay(attempt, { ...options, random: () => 1 });
    expect(highest(0)).toBe(500);
    expect(highest(1)).toBe(1_000);
    expect(highest(2)).toBe(2_000);
    expect(highest(5)).toBe(16_000);
  });

  it('never exceeds maxMs', () => {
    expect(backoffDelay(6, { ...options, random: () => 1 })).toBe(30_000);
    expect(backoffDelay(1_000, { ...options, random: () => 0.999 })).toBeLessThanOrEqual(30_000);
  });

  it('jitters within half to all of the window', () => {
    expect(backoffDelay(3, { ...options, random: () => 0 })).toBe(2_000);
    const delays = new Set<number>();
    for (let i = 0; i < 50; i++) delays.add(backoffDelay(3, options));
    for (const delay of delays) {
      expect(delay).toBeGreaterThanOrEqual(2_000);
      expect(delay).toBeLessThanOrEqual(4_000);
    }
    expect(delays.size).toBeGreaterThan(1);
  });

  it('rejects a negative attempt', () => {
    expect(() => backoffDelay(-1, options)).toThrow(RangeError);
  });
});
