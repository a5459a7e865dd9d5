/**
 * Codec policy while frames are encrypted. docs/codecs.md gives the reason for each codec.
 *
 * The E2EE worker keeps a codec-specific prefix of each frame in clear so that the receiving
 * depacketizer and decoder can still parse it. That prefix is defined and tested for VP8 and
 * H.264 video and Opus audio only, so a call negotiates nothing else:
 *
 * - VP8, with its retransmission codec `rtx`, for video. VP9 is left out because it is not
 *   proven. With the VP8 clear prefix, forced VP9 calls decoded in most runs between Chromium 156
 *   and Firefox ESR 153 and between two Chromium 156. But one Chromium-to-Chromium run stopped
 *   decoding after two frames while every frame still decrypted.
 * - AV1 is left out because the sender's frame carries a 2-byte temporal delimiter that the
 *   receiver's frame lacks, so sender and receiver would disagree on the clear prefix.
 * - H.264 after VP8, so that a browser that prefers it (Safari) still meets one it can decode.
 *   The worker keeps its NAL headers and the start of each slice header in clear and escapes
 *   start codes in the encrypted part; test/e2e/call.test.mjs runs a call forced onto H.264.
 * - Opus for audio, without RED: a RED packet bundles several Opus frames, and the encrypted
 *   payload would break that framing.
 *
 * Codecs are compared by MIME subtype in lower case (`vp8`, `opus`), never by RTP payload type,
 * because payload type numbers depend on which browser makes the offer.
 */

/** Media codecs a call may use, as lower-case MIME subtypes, in order of preference. */
export interface CodecPolicy {
  video: readonly string[];
  audio: readonly string[];
}

/** The codecs every call is limited to. */
export const DEFAULT_CODEC_POLICY: CodecPolicy = { video: ['vp8', 'h264'], audio: ['opus'] };

/**
 * Codecs that only repair or retransmit packets of a media codec. They are kept beside an
 * allowed media codec in preferences but never count as the call's media codec.
 */
const VIDEO_REPAIR_CODECS = new Set(['rtx']);

function subtypeOf(mimeType: string): string {
  return mimeType.toLowerCase().split('/')[1] ?? '';
}

function filterCodecs(kind: 'audio' | 'video', policy: CodecPolicy): RTCRtpCodec[] | null {
  const capabilities = globalThis.RTCRtpReceiver?.getCapabilities?.(kind);
  if (!capabilities) return null;
  const allowed = policy[kind];
  const media = capabilities.codecs
    .filter((codec) => allowed.includes(subtypeOf(codec.mimeType)))
    .sort(
      (a, b) => allowed.indexOf(subtypeOf(a.mimeType)) - allowed.indexOf(subtypeOf(b.mimeType)),
    );
  if (media.length === 0) return null;
  const repair =
    kind === 'video'
      ? capabilities.codecs.filter((codec) => VIDEO_REPAIR_CODECS.has(subtypeOf(codec.mimeType)))
      : [];
  return [...media, ...repair];
}

/**
 * Restricts every transceiver of the connection to the codecs of `policy`. Must run before the
 * offer or answer is created. Where the browser lacks `setCodecPreferences` or has none of the
 * allowed codecs, the transceiver keeps its defaults and {@link findMediaWithoutAllowedCodec}
 * catches the result in the SDP.
 */
export function applyCodecPolicy(
  connection: RTCPeerConnection,
  policy: CodecPolicy = DEFAULT_CODEC_POLICY,
): void {
  for (const transceiver of connection.getTransceivers()) {
    if (typeof transceiver.setCodecPreferences !== 'function') continue;
    const kind = transceiver.receiver.track.kind as 'audio' | 'video';
    const codecs = filterCodecs(kind, policy);
    if (codecs === null) continue;
    transceiver.setCodecPreferences(codecs);
  }
}

/**
 * Lists the media kinds whose active SDP media sections name no codec of `policy`, so the call
 * cannot use an encrypted codec for them. A section rejected with port 0 (and not marked
 * `bundle-only`) counts as such a kind too, because every call sends both audio and video.
 * Data channel sections are ignored.
 *
 * @example Detect an offer without VP8
 * ```ts
 * findMediaWithoutAllowedCodec(offer.sdp); // ['video'] when the offer lists only H.264
 * ```
 */
export function findMediaWithoutAllowedCodec(
  sdp: string,
  policy: CodecPolicy = DEFAULT_CODEC_POLICY,
): ('audio' | 'video')[] {
  const missing = new Set<'audio' | 'video'>();
  for (const section of sdp.split(/\r?\n(?=m=)/).slice(1)) {
    const lines = section.split(/\r?\n/);
    const [media, port, , ...formats] = lines[0]!.slice('m='.length).trim().split(/\s+/);
    if (media !== 'audio' && media !== 'video') continue;

    const rejected = port === '0' && !lines.includes('a=bundle-only');
    const names = new Map<string, string>();
    for (const line of lines) {
      const match = /^a=rtpmap:(\d+) ([^/\s]+)/.exec(line);
      if (match) names.set(match[1]!, match[2]!.toLowerCase());
    }
    const allowed = policy[media];
    const hasAllowed = formats.some((format) => allowed.includes(names.get(format) ?? ''));
    if (rejected || !hasAllowed) missing.add(media);
  }
  return [...missing];
}

/** Codec attribute lines of SDP that name one payload type. */
const PAYLOAD_TYPE_ATTRIBUTE = /^a=(?:rtpmap|fmtp|rtcp-fb):(\d+)[\s]/;

/**
 * Removes `rtpmap`, `fmtp` and `rtcp-fb` lines whose payload type the media section's `m=` line
 * does not list. Such lines describe nothing that can be sent, because each refers to a format
 * that the `m=` line would have to list. Firefox ESR 153 leaves `rtcp-fb` lines of the codecs that
 * `setCodecPreferences` filtered out, and Chromium 156 rejects such a description with "Failed
 * to parse codecs correctly". Line endings are kept.
 */
export function removeUnlistedPayloadTypes(sdp: string): string {
  const lines = sdp.split('\n');
  const keptLines: string[] = [];
  let listed: Set<string> | null = null;
  for (const line of lines) {
    if (line.startsWith('m=')) {
      listed = new Set(line.trim().split(/\s+/).slice(3));
    }
    const match = listed === null ? null : PAYLOAD_TYPE_ATTRIBUTE.exec(line);
    if (match && !listed!.has(match[1]!)) continue;
    keptLines.push(line);
  }
  return keptLines.join('\n');
}
