import { describe, expect, it } from 'vitest';
import {
  DEFAULT_CODEC_POLICY,
  findMediaWithoutAllowedCodec,
  removeUnlistedPayloadTypes,
} from './codecs.js';

/** Builds an SDP with one session part and the given media sections. */
function sdp(...sections: string[][]): string {
  const session = ['v=0', 'o=- 1 2 IN IP4 127.0.0.1', 's=-', 't=0 0', 'a=group:BUNDLE 0 1'];
  return [...session, ...sections.flat(), ''].join('\r\n');
}

// Payload types as Chromium 156 offers them.
const CHROMIUM_OPUS = [
  'm=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126',
  'a=mid:0',
  'a=rtpmap:111 opus/48000/2',
  'a=rtpmap:63 red/48000/2',
  'a=rtpmap:9 G722/8000',
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:8 PCMA/8000',
  'a=rtpmap:13 CN/8000',
  'a=rtpmap:110 telephone-event/48000',
  'a=rtpmap:126 telephone-event/8000',
];
const CHROMIUM_VP8 = [
  'm=video 9 UDP/TLS/RTP/SAVPF 96 97',
  'a=mid:1',
  'a=rtpmap:96 VP8/90000',
  'a=rtpmap:97 rtx/90000',
  'a=fmtp:97 apt=96',
];
// Payload types as Firefox ESR 153 offers them: the same codecs under other numbers.
const FIREFOX_OPUS = [
  'm=audio 9 UDP/TLS/RTP/SAVPF 109 9 0 8 101',
  'a=mid:0',
  'a=rtpmap:109 opus/48000/2',
  'a=rtpmap:9 G722/8000/1',
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:8 PCMA/8000',
  'a=rtpmap:101 telephone-event/8000',
];
const FIREFOX_VP8 = [
  'm=video 9 UDP/TLS/RTP/SAVPF 120 124',
  'a=mid:1',
  'a=rtpmap:120 VP8/90000',
  'a=rtpmap:124 rtx/90000',
  'a=fmtp:124 apt=120',
];
const H264_ONLY = [
  'm=video 9 UDP/TLS/RTP/SAVPF 102 103',
  'a=mid:1',
  'a=rtpmap:102 H264/90000',
  'a=rtpmap:103 rtx/90000',
  'a=fmtp:103 apt=102',
];
const DATA_CHANNEL = ['m=application 9 UDP/DTLS/SCTP webrtc-datachannel', 'a=mid:2'];

describe('findMediaWithoutAllowedCodec', () => {
  it('accepts VP8 and Opus under either payload type', () => {
    expect(findMediaWithoutAllowedCodec(sdp(CHROMIUM_OPUS, CHROMIUM_VP8, DATA_CHANNEL))).toEqual(
      [],
    );
    expect(findMediaWithoutAllowedCodec(sdp(FIREFOX_OPUS, FIREFOX_VP8))).toEqual([]);
  });

  it('accepts video offered only as H.264', () => {
    expect(findMediaWithoutAllowedCodec(sdp(CHROMIUM_OPUS, H264_ONLY))).toEqual([]);
  });

  it('reports video offered only as AV1', () => {
    const av1Only = ['m=video 9 UDP/TLS/RTP/SAVPF 45', 'a=mid:1', 'a=rtpmap:45 AV1/90000'];
    expect(findMediaWithoutAllowedCodec(sdp(CHROMIUM_OPUS, av1Only))).toEqual(['video']);
  });

  it('reports video offered only as VP9', () => {
    const vp9Only = ['m=video 9 UDP/TLS/RTP/SAVPF 98', 'a=mid:1', 'a=rtpmap:98 VP9/90000'];
    expect(findMediaWithoutAllowedCodec(sdp(CHROMIUM_OPUS, vp9Only))).toEqual(['video']);
  });

  it('reports video offered only as AV1', () => {
    const av1Only = ['m=video 9 UDP/TLS/RTP/SAVPF 45', 'a=mid:1', 'a=rtpmap:45 AV1/90000'];
    expect(findMediaWithoutAllowedCodec(sdp(CHROMIUM_OPUS, av1Only))).toEqual(['video']);
  });

  it('does not count rtx as a media codec', () => {
    const rtxOnly = ['m=video 9 UDP/TLS/RTP/SAVPF 97', 'a=mid:1', 'a=rtpmap:97 rtx/90000'];
    expect(findMediaWithoutAllowedCodec(sdp(CHROMIUM_OPUS, rtxOnly))).toEqual(['video']);
  });

  it('reports audio offered only as RED and PCMU', () => {
    const noOpus = [
      'm=audio 9 UDP/TLS/RTP/SAVPF 63 0',
      'a=mid:0',
      'a=rtpmap:63 red/48000/2',
      'a=rtpmap:0 PCMU/8000',
    ];
    expect(findMediaWithoutAllowedCodec(sdp(noOpus, CHROMIUM_VP8))).toEqual(['audio']);
  });

  it('reports a payload type listed without its rtpmap', () => {
    // The rtpmap names VP8 under 96, but the m-line offers only 98.
    const mismatched = ['m=video 9 UDP/TLS/RTP/SAVPF 98', 'a=mid:1', 'a=rtpmap:96 VP8/90000'];
    expect(findMediaWithoutAllowedCodec(sdp(CHROMIUM_OPUS, mismatched))).toEqual(['video']);
  });

  it('reports a rejected video section', () => {
    const rejected = ['m=video 0 UDP/TLS/RTP/SAVPF 96', 'a=mid:1', 'a=rtpmap:96 VP8/90000'];
    expect(findMediaWithoutAllowedCodec(sdp(CHROMIUM_OPUS, rejected))).toEqual(['video']);
  });

  it('accepts a bundle-only section with port 0', () => {
    const bundleOnly = [
      'm=video 0 UDP/TLS/RTP/SAVPF 96',
      'a=bundle-only',
      'a=mid:1',
      'a=rtpmap:96 VP8/90000',
    ];
    expect(findMediaWithoutAllowedCodec(sdp(CHROMIUM_OPUS, bundleOnly))).toEqual([]);
  });

  it('reports both kinds when neither has an allowed codec', () => {
    const pcmuOnly = ['m=audio 9 UDP/TLS/RTP/SAVPF 0', 'a=mid:0', 'a=rtpmap:0 PCMU/8000'];
    const vp9Only = ['m=video 9 UDP/TLS/RTP/SAVPF 98', 'a=mid:1', 'a=rtpmap:98 VP9/90000'];
    expect(findMediaWithoutAllowedCodec(sdp(pcmuOnly, vp9Only))).toEqual(['audio', 'video']);
  });

  it('follows a replaced video policy', () => {
    const policy = { ...DEFAULT_CODEC_POLICY, video: ['h264'] };
    expect(findMediaWithoutAllowedCodec(sdp(CHROMIUM_OPUS, H264_ONLY), policy)).toEqual([]);
    expect(findMediaWithoutAllowedCodec(sdp(CHROMIUM_OPUS, CHROMIUM_VP8), policy)).toEqual([
      'video',
    ]);
  });

  it('accepts LF line endings', () => {
    const text = sdp(FIREFOX_OPUS, FIREFOX_VP8).replaceAll('\r\n', '\n');
    expect(findMediaWithoutAllowedCodec(text)).toEqual([]);
  });
});

describe('DEFAULT_CODEC_POLICY', () => {
  it('allows VP8, then H.264, and Opus only', () => {
    expect(DEFAULT_CODEC_POLICY).toEqual({ video: ['vp8', 'h264'], audio: ['opus'] });
  });
});

describe('removeUnlistedPayloadTypes', () => {
  // Video section as Firefox ESR 153 offers it after setCodecPreferences([VP8, rtx]): the
  // rtcp-fb lines of the filtered-out codecs 121 and 99 remain.
  const firefoxVideo = [
    'm=video 9 UDP/TLS/RTP/SAVPF 120 124',
    'a=fmtp:120 max-fs=12288;max-fr=60',
    'a=fmtp:124 apt=120',
    'a=mid:1',
    'a=rtcp-fb:120 nack',
    'a=rtcp-fb:120 nack pli',
    'a=rtcp-fb:121 nack',
    'a=rtcp-fb:121 ccm fir',
    'a=rtcp-fb:99 transport-cc',
    'a=rtcp-fb:* trr-int 100',
    'a=rtpmap:120 VP8/90000',
    'a=rtpmap:124 rtx/90000',
  ];

  it('drops attribute lines of unlisted payload types only', () => {
    const cleaned = removeUnlistedPayloadTypes(sdp(FIREFOX_OPUS, firefoxVideo));
    const expected = sdp(
      FIREFOX_OPUS,
      firefoxVideo.filter((line) => !/^a=rtcp-fb:(121|99) /.test(line)),
    );
    expect(cleaned).toBe(expected);
  });

  it('leaves a clean description unchanged', () => {
    const text = sdp(CHROMIUM_OPUS, CHROMIUM_VP8, DATA_CHANNEL);
    expect(removeUnlistedPayloadTypes(text)).toBe(text);
  });

  it('judges each section by its own m-line', () => {
    // 109 is listed for audio only, so its rtpmap inside the video section goes.
    const video = ['m=video 9 UDP/TLS/RTP/SAVPF 120', 'a=rtpmap:120 VP8/90000', 'a=rtpmap:109 opus/48000/2'];
    const cleaned = removeUnlistedPayloadTypes(sdp(FIREFOX_OPUS, video));
    expect(cleaned).toBe(sdp(FIREFOX_OPUS, video.slice(0, 2)));
  });
});
