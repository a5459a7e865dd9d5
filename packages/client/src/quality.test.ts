import { describe, expect, it } from 'vitest';
import { rateNetwork } from './quality.js';

describe('rateNetwork', () => {
  const good = { rttMs: 40, packetLoss: 0, availableBitrate: 2_000_000 };

  it('rates a fast clean link good', () => {
    expect(rateNetwork(good)).toBe('good');
  });

  it('rates an unknown sample good', () => {
    expect(rateNetwork({ rttMs: null, packetLoss: null, availableBitrate: null })).toBe('good');
  });

  it.each([
    ['rttMs', 200],
    ['packetLoss', 0.03],
    ['availableBitrate', 200_000],
  ] as const)('rates %s = %d fair', (field, value) => {
    expect(rateNetwork({ ...good, [field]: value })).toBe('fair');
  });

  it.each([
    ['rttMs', 450],
    ['packetLoss', 0.1],
    ['availableBitrate', 50_000],
  ] as const)('rates %s = %d poor', (field, value) => {
    expect(rateNetwork({ ...good, [field]: value })).toBe('poor');
  });

  it('lets the worst measurement decide', () => {
    expect(rateNetwork({ rttMs: 20, packetLoss: 0.2, availableBitrate: 5_000_000 })).toBe('poor');
  });
});
