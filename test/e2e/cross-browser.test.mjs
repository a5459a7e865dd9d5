// End to end across browser engines: the therapist console and the visitor's demo website in
// Chromium and Firefox ESR, both ways round, with either side making the offer. Nothing is mocked:
// the real relay, the demo pages and the built widget. One Chromium and one Firefox serve every
// call, and each call gets fresh browser contexts, so no page, storage or permission carries over.
//
// Encryption works when remote video keeps decoding while the E2EE counters show that every
// decoded frame was decrypted and that the frames one side encrypted reached the other side's
// decrypt transform. Decoding is read from inbound-rtp framesDecoded, because Firefox reports 0
// from getVideoPlaybackQuality for a MediaStream. With mismatched keys nothing may decode.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  admitCall,
  Diagnostics,
  HOST_TAG,
  launchBrowser,
  placeCall,
  readAlertText,
  readBothSides,
  readCallStats,
  requireFirefox,
  requireWidgetBuild,
  saveScreenshot,
  startServers,
  VISITOR_TAG,
  waitUntil,
} from './_harness.mjs';

const TEST_TIMEOUT_MS = 60_000;
const HOOK_TIMEOUT_MS = 30_000;

/** Pause between two samples of the counters that must keep growing. */
const GROWTH_WINDOW_MS = 2_000;

/**
 * How far the frames one side encrypted may differ from the frames the other side decrypted or
 * dropped: frames still in flight in the pipeline, and the gap between reading the two sides. On
 * a loaded 2-core machine the pipeline may lag a few hundred milliseconds, which is up to about
 * 15 Opus frames of 20 ms. The allowance is this many frames or this share of the frames,
 * whichever is larger.
 */
const FRAME_SLACK = 15;
const FRAME_SLACK_SHARE = 0.1;

/** Drop reasons that would mean tampering or a broken transform, never normal start-up. */
const ATTACK_REASONS = new Set(['auth-failed', 'replay', 'unknown-kid', 'malformed']);

/** The error text each person reads when no codec can be encrypted (from the widget strings). */
const NO_COMMON_CODEC_TEXT = 'cannot agree on a private, encrypted video format';

function assertGrows(first, second, label) {
  assert.ok(first > 0, `${label} is ${first} at the first sample, expected more than 0`);
  assert.ok(second > first, `${label} did not grow: ${first} then ${second}`);
}

/** Checks what one side receives: remote video decodes, remote audio arrives, all decrypted. */
function assertReceives(first, second, side) {
  assertGrows(
    first.inbound.video.framesDecoded,
    second.inbound.video.framesDecoded,
    `${side} remote video framesDecoded`,
  );
  assertGrows(
    first.inbound.audio.packetsReceived,
    second.inbound.audio.packetsReceived,
    `${side} remote audio packetsReceived`,
  );
  assertGrows(
    first.inbound.audio.bytesReceived,
    second.inbound.audio.bytesReceived,
    `${side} remote audio bytesReceived`,
  );
  for (const kind of ['audio', 'video']) {
    assertGrows(
      first.e2ee.decrypt[kind].frames,
      second.e2ee.decrypt[kind].frames,
      `${side} e2ee decrypt.${kind}.frames`,
    );
  }
  // getStats is read before the worker's counters, so a decoded frame counted there was
  // decrypted before the counters were read: the decoder got nothing that bypassed the worker.
  assert.ok(
    second.inbound.video.framesDecoded <= second.e2ee.decrypt.video.frames,
    `${side} decoded ${second.inbound.video.framesDecoded} video frames but decrypted only ` +
      `${second.e2ee.decrypt.video.frames}`,
  );
  const attacks = second.dropNotices.filter((notice) => ATTACK_REASONS.has(notice.reason));
  assert.deepEqual(attacks, [], `${side} E2EE worker reported dropped frames`);
}

/**
 * Checks that every frame `sender` encrypted so far reached `receiver`'s decrypt transform: the
 * receiver decrypted at most as many frames as were encrypted, and the rest were dropped (before
 * the keys arrived, or as duplicates) or are still in flight.
 */
function assertEncryptedFramesArrive(sender, receiver, label) {
  for (const kind of ['audio', 'video']) {
    const encrypted = sender.e2ee.encrypt[kind].frames;
    const { frames: decrypted, dropped } = receiver.e2ee.decrypt[kind];
    const allowance = Math.max(FRAME_SLACK, Math.ceil(FRAME_SLACK_SHARE * encrypted));
    assert.ok(
      decrypted <= encrypted + allowance,
      `${label} ${kind}: receiver decrypted ${decrypted} frames, sender encrypted only ${encrypted}`,
    );
    assert.ok(
      encrypted - decrypted - dropped <= allowance,
      `${label} ${kind}: sender encrypted ${encrypted} frames, receiver decrypted ${decrypted} ` +
        `and dropped ${dropped}`,
    );
  }
}

/**
 * Checks a running call on both sides: remote video decodes on `codec`, remote audio arrives,
 * every frame each side sends is encrypted and reaches the other side decrypted, and no E2EE
 * worker reports dropped frames that look like an attack.
 */
async function assertEncryptedCall({ hostPage, visitorPage, codec, diagnostics }) {
  for (const [side, page, tag] of [
    ['host', hostPage, HOST_TAG],
    ['visitor', visitorPage, VISITOR_TAG],
  ]) {
    await waitUntil(
      () => readCallStats(page, tag),
      (stats) => stats.inbound?.video.framesDecoded > 0,
      { description: `${side} to decode its first remote video frame` },
    );
  }

  const first = await readBothSides(hostPage, visitorPage);
  await sleep(GROWTH_WINDOW_MS);
  // A loaded machine can stall a decoder for a moment (for example while it waits for a key
  // frame), so the second sample waits, within a bound, until video decoding has advanced on both
  // sides; every assertion below still compares the two samples.
  const second = await waitUntil(
    () => readBothSides(hostPage, visitorPage),
    (sample) =>
      ['host', 'visitor'].every(
        (side) => sample[side].inbound.video.framesDecoded > first[side].inbound.video.framesDecoded,
      ),
    { description: 'remote video framesDecoded to grow on both sides', timeoutMs: 10_000 },
  ).catch(() => readBothSides(hostPage, visitorPage));
  diagnostics.add('stats', JSON.stringify({ first, second }));

  for (const side of ['host', 'visitor']) {
    assert.equal(second[side].connectionState, 'connected', `${side} connection state`);
    assert.ok(
      second[side].codecs.includes(codec),
      `${side} codecs ${second[side].codecs.join(', ')} lack ${codec}`,
    );
    assertReceives(first[side], second[side], side);
    for (const kind of ['audio', 'video']) {
      assertGrows(
        first[side].e2ee.encrypt[kind].frames,
        second[side].e2ee.encrypt[kind].frames,
        `${side} e2ee encrypt.${kind}.frames`,
      );
    }
  }
  assertEncryptedFramesArrive(second.visitor, second.host, 'visitor to host');
  assertEncryptedFramesArrive(second.host, second.visitor, 'host to visitor');
  assert.deepEqual(diagnostics.uncaughtErrors, [], 'pages threw uncaught errors');
}

describe('calls between Chromium and Firefox', () => {
  const diagnostics = new Diagnostics();
  let servers;
  const browsers = {};

  before(
    async () => {
      requireWidgetBuild();
      requireFirefox();
      servers = await startServers(diagnostics);
      [browsers.chromium, browsers.firefox] = await Promise.all([
        launchBrowser('chromium', diagnostics),
        launchBrowser('firefox', diagnostics, { engine: 'firefox' }),
      ]);
    },
    { timeout: HOOK_TIMEOUT_MS },
  );

  after(
    async () => {
      await Promise.allSettled(Object.values(browsers).map((browser) => browser.close()));
      await servers?.close();
    },
    { timeout: HOOK_TIMEOUT_MS },
  );

  /**
   * Runs `body` with the host in one engine and the visitor in the other, each in a fresh
   * browser context that is closed afterwards, whatever the outcome.
   */
  async function withPair(hostEngine, visitorEngine, body) {
    const host = browsers[hostEngine];
    const visitor = browsers[visitorEngine];
    const hostContext = await host.browser.createBrowserContext();
    const visitorContext = await visitor.browser.createBrowserContext();
    try {
      await diagnostics.explainFailure(() =>
        body({ host, visitor, hostContext, visitorContext }),
      );
    } finally {
      await Promise.allSettled([hostContext.close(), visitorContext.close()]);
      diagnostics.lines = [];
      diagnostics.uncaughtErrors = [];
    }
  }

  const pairings = [
    { host: 'chromium', visitor: 'firefox' },
    { host: 'firefox', visitor: 'chromium' },
  ];

  for (const pairing of pairings) {
    for (const offerer of ['visitor', 'host']) {
      const name = `${pairing.host} host, ${pairing.visitor} visitor, ${offerer} offers`;
      it(name, { timeout: TEST_TIMEOUT_MS }, async () => {
        await withPair(pairing.host, pairing.visitor, async (pair) => {
          const hooks = { hostOffers: offerer === 'host' };
          const { hostPage, visitorPage } = await placeCall({
            servers,
            diagnostics,
            ...pair,
            hostHooks: hooks,
            visitorHooks: hooks,
          });

          await assertEncryptedCall({ hostPage, visitorPage, codec: 'video/VP8', diagnostics });
          await saveScreenshot(hostPage, `cross-${pairing.host}-host-${offerer}-offers`);
          await saveScreenshot(visitorPage, `cross-${pairing.visitor}-visitor-${offerer}-offers`);
        });
      });
    }
  }

  for (const pairing of pairings) {
    const name = `${pairing.host} host, ${pairing.visitor} visitor, mismatched keys decode nothing`;
    it(name, { timeout: TEST_TIMEOUT_MS }, async () => {
      await withPair(pairing.host, pairing.visitor, async (pair) => {
        const { hostPage, visitorPage } = await placeCall({
          servers,
          diagnostics,
          ...pair,
          visitorHooks: { mismatchKeys: true },
        });
        for (const [side, page, tag] of [
          ['host', hostPage, HOST_TAG],
          ['visitor', visitorPage, VISITOR_TAG],
        ]) {
          await waitUntil(
            () => readCallStats(page, tag),
            (stats) => stats.inbound?.video.packetsReceived > 0,
            { description: `${side} to receive video packets` },
          );
        }

        const first = await readBothSides(hostPage, visitorPage);
        await sleep(2 * GROWTH_WINDOW_MS);
        const second = await readBothSides(hostPage, visitorPage);
        diagnostics.add('stats', JSON.stringify({ first, second }));

        for (const side of ['host', 'visitor']) {
          const stats = second[side];
          assert.ok(
            stats.inbound.video.packetsReceived > first[side].inbound.video.packetsReceived,
            `${side} video packetsReceived did not grow`,
          );
          assert.equal(stats.inbound.video.framesDecoded, 0, `${side} decoded video frames`);
          assert.equal(stats.e2ee.decrypt.video.frames, 0, `${side} decrypted video frames`);
          assert.equal(stats.e2ee.decrypt.audio.frames, 0, `${side} decrypted audio frames`);
          assert.ok(
            stats.e2ee.decrypt.video.dropped > first[side].e2ee.decrypt.video.dropped,
            `${side} decrypt.video.dropped did not grow`,
          );
          assert.ok(
            stats.dropNotices.some((notice) => notice.reason === 'auth-failed'),
            `${side} E2EE worker did not report failed authentication`,
          );
        }
      });
    });
  }

  it('offer without an allowed video codec ends the call for both', { timeout: TEST_TIMEOUT_MS }, async () => {
    await withPair('firefox', 'chromium', async (pair) => {
      // Chromium offers VP9 only, which both browsers can decode but the codec policy leaves out.
      const { hostPage, visitorPage } = await admitCall({
        servers,
        diagnostics,
        ...pair,
        visitorHooks: { videoCodecs: ['vp9'] },
      });

      for (const [side, page, tag] of [
        ['host', hostPage, HOST_TAG],
        ['visitor', visitorPage, VISITOR_TAG],
      ]) {
        const text = await waitUntil(
          () => readAlertText(page, tag),
          (alert) => alert !== null,
          { description: `${side} to show an error` },
        );
        assert.ok(text.includes(NO_COMMON_CODEC_TEXT), `${side} error text: ${text}`);
      }
      await saveScreenshot(hostPage, 'no-common-codec-host');
      await saveScreenshot(visitorPage, 'no-common-codec-visitor');

      const codes = await Promise.all([
        hostPage.evaluate((tag) => document.querySelector(tag).call?.endReason, HOST_TAG),
        visitorPage.evaluate((tag) => document.querySelector(tag).call?.endReason, VISITOR_TAG),
      ]);
      assert.deepEqual(codes, ['no-common-codec', 'no-common-codec']);
    });
  });
});
