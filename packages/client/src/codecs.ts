/**
 * Codec policy while frames are encrypted.
 *
 * The E2EE worker keeps a codec-specific prefix of each frame in clear so that the receiving
 * depacketizer can still parse it. That prefix is defined for VP8 video and Opus audio, so the
 * call offers VP8 only (plus its retransmission codec) and Opus without RED: a RED packet
 * bundles several Opus frames, and the encrypted payload would break that framing.
 */
const ALLOWED_VIDEO = new Set(['video/vp8', 'video/rtx']);
const BLOCKED_AUDIO = new Set(['audio/red']);

function filterCodecs(kind: 'audio' | 'video'): RTCRtpCodec[] | null {
  const capabilities = globalThis.RTCRtpReceiver?.getCapabilities?.(kind);
  if (!capabilities) return null;
  const codecs = capabilities.codecs.filter((codec) => {
    const mimeType = codec.mimeType.toLowerCase();
    return kind === 'video' ? ALLOWED_VIDEO.has(mimeType) : !BLOCKED_AUDIO.has(mimeType);
  });
  return codecs.length > 0 ? codecs : null;
}

/**
 * Restricts every transceiver of the connection to the codecs the E2EE worker handles. Must run
 * before the offer or answer is created. Browsers without `setCodecPreferences` keep their
 * defaults.
 */
export function applyCodecPolicy(connection: RTCPeerConnection): void {
  for (const transceiver of connection.getTransceivers()) {
    if (typeof transceiver.setCodecPreferences !== 'function') continue;
    const kind = transceiver.receiver.track.kind as 'audio' | 'video';
    const codecs = filterCodecs(kind);
    if (codecs === null) continue;
    transceiver.setCodecPreferences(codecs);
  }
}
