/** How the connection looks to the person: enough for video, strained, or too weak. */
export type NetworkQuality = 'good' | 'fair' | 'poor';

/** Measurements the rating is made from. A null value was not reported by the browser. */
export interface NetworkSample {
  /** Round-trip time of the selected candidate pair, in milliseconds. */
  rttMs: number | null;
  /** Share of inbound packets lost since the previous sample, from 0 to 1. */
  packetLoss: number | null;
  /** Estimated bitrate available for sending, in bits per second. */
  availableBitrate: number | null;
}

/** Limits of a good connection: below 150 ms, under 2 % loss, at least 300 kbit/s. */
const GOOD = { rttMs: 150, packetLoss: 0.02, bitrate: 300_000 };
/** Limits past which the connection is poor: 400 ms, 8 % loss, 100 kbit/s. */
const POOR = { rttMs: 400, packetLoss: 0.08, bitrate: 100_000 };

/**
 * Rates one sample. Any measurement past the poor limit makes it poor; every known measurement
 * within the good limits makes it good; anything between is fair. A sample with no known
 * measurement is good, as nothing points to a problem yet.
 */
export function rateNetwork(sample: NetworkSample): NetworkQuality {
  const { rttMs, packetLoss, availableBitrate } = sample;
  if (
    (rttMs !== null && rttMs > POOR.rttMs) ||
    (packetLoss !== null && packetLoss > POOR.packetLoss) ||
    (availableBitrate !== null && availableBitrate < POOR.bitrate)
  ) {
    return 'poor';
  }
  if (
    (rttMs !== null && rttMs >= GOOD.rttMs) ||
    (packetLoss !== null && packetLoss >= GOOD.packetLoss) ||
    (availableBitrate !== null && availableBitrate < GOOD.bitrate)
  ) {
    return 'fair';
  }
  return 'good';
}

/** Inbound packet totals, kept between samples to compute loss over the last interval. */
export interface PacketTotals {
  received: number;
  lost: number;
}

/**
 * Reads one sample from a peer connection's statistics: the nominated candidate pair's RTT and
 * available outgoing bitrate, and inbound packet loss since `previous`.
 */
export async function sampleNetwork(
  connection: RTCPeerConnection,
  previous: PacketTotals,
): Promise<{ sample: NetworkSample; totals: PacketTotals }> {
  const report = await connection.getStats();
  let rttMs: number | null = null;
  let availableBitrate: number | null = null;
  const totals: PacketTotals = { received: 0, lost: 0 };
  report.forEach((entry: Record<string, unknown>) => {
    const selectedPair =
      entry.type === 'candidate-pair' && entry.nominated === true && entry.state === 'succeeded';
    if (selectedPair) {
      if (typeof entry.currentRoundTripTime === 'number') rttMs = entry.currentRoundTripTime * 1000;
      if (typeof entry.availableOutgoingBitrate === 'number') {
        availableBitrate = entry.availableOutgoingBitrate;
      }
    }
    if (entry.type === 'inbound-rtp') {
      totals.received += typeof entry.packetsReceived === 'number' ? entry.packetsReceived : 0;
      totals.lost += typeof entry.packetsLost === 'number' ? Math.max(0, entry.packetsLost) : 0;
    }
  });
  const received = totals.received - previous.received;
  const lost = totals.lost - previous.lost;
  const packetLoss = received + lost > 0 ? Math.max(0, lost) / (received + lost) : null;
  return { sample: { rttMs, packetLoss, availableBitrate }, totals };
}
