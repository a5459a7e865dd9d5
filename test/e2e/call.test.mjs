// End to end: a therapist console and a visitor on the demo website, each in its own Chromium,
// call each other through the real relay. Nothing is mocked. Encryption works when inbound video
// keeps decoding (framesDecoded grows) while the E2EE transforms count every frame. With
// mismatched keys the receiver must decode nothing.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  assertMediaFlows,
  Diagnostics,
  GROWTH_WINDOW_MS,
  HOST_TAG,
  placeCall,
  readCallIdentity,
  readCallStats,
  sampleBothSides,
  saveScreenshot,
  useServersAndBrowsers,
  VISITOR_TAG,
  waitUntil,
} from './_harness.mjs';

const TEST_TIMEOUT_MS = 60_000;

describe('call between two browsers', () => {
  const diagnostics = new Diagnostics();
  const setup = useServersAndBrowsers(diagnostics);

  it('decodes encrypted audio and video both ways', { timeout: TEST_TIMEOUT_MS }, async () => {
    await diagnostics.explainFailure(async () => {
      const { hostPage, visitorPage } = await placeCall({ ...setup, diagnostics });
      const [first, second] = await sampleBothSides(hostPage, visitorPage, diagnostics);

      await saveScreenshot(hostPage, 'call-host');
      await saveScreenshot(visitorPage, 'call-visitor');

      assertMediaFlows(first[0], second[0], 'host');
      assertMediaFlows(first[1], second[1], 'visitor');

      const hostIdentity = await readCallIdentity(hostPage, HOST_TAG);
      const visitorIdentity = await readCallIdentity(visitorPage, VISITOR_TAG);
      assert.match(hostIdentity?.sas ?? '', /^\d{3} \d{3}$/, 'host SAS');
      assert.equal(visitorIdentity?.sas, hostIdentity?.sas, 'visitor and host SAS differ');
      assert.equal(visitorIdentity?.identityVerified, true, 'visitor did not verify the host');
      assert.equal(hostIdentity?.identityVerified, false, 'host claims a verified visitor');
      assert.deepEqual(diagnostics.uncaughtErrors, [], 'pages threw uncaught errors');
    });
  });
});

describe('call with mismatched keys', () => {
  const diagnostics = new Diagnostics();
  const setup = useServersAndBrowsers(diagnostics);

  it('host decodes no video from the visitor', { timeout: TEST_TIMEOUT_MS }, async () => {
    await diagnostics.explainFailure(async () => {
      const { hostPage, visitorPage } = await placeCall({
        ...setup,
        diagnostics,
        visitorHooks: { mismatchKeys: true },
      });

      await waitUntil(
        () => readCallStats(hostPage, HOST_TAG),
        (stats) => stats.inbound?.video.packetsReceived > 0,
        { description: 'host to receive video packets' },
      );
      const first = await readCallStats(hostPage, HOST_TAG);
      await sleep(2 * GROWTH_WINDOW_MS);
      const second = await readCallStats(hostPage, HOST_TAG);
      diagnostics.add('host stats', JSON.stringify(first));
      diagnostics.add('host stats', JSON.stringify(second));

      await saveScreenshot(hostPage, 'mismatch-host');
      await saveScreenshot(visitorPage, 'mismatch-visitor');

      assert.equal(second.error, undefined, `host: ${second.error}`);
      assert.ok(
        second.inbound.video.packetsReceived > first.inbound.video.packetsReceived,
        `host video packetsReceived did not grow: ${first.inbound.video.packetsReceived} then ` +
          `${second.inbound.video.packetsReceived}`,
      );
      assert.equal(second.inbound.video.framesDecoded, 0, 'host decoded video frames');
      assert.equal(second.e2ee.decrypt.video.frames, 0, 'host decrypted video frames');
      assert.ok(
        second.e2ee.decrypt.video.dropped > first.e2ee.decrypt.video.dropped,
        `host decrypt.video.dropped did not grow: ${first.e2ee.decrypt.video.dropped} then ` +
          `${second.e2ee.decrypt.video.dropped}`,
      );
      assert.deepEqual(diagnostics.uncaughtErrors, [], 'pages threw uncaught errors');
    });
  });
});

describe('call forced onto H.264', () => {
  const diagnostics = new Diagnostics();
  const setup = useServersAndBrowsers(diagnostics);

  it('decodes encrypted H.264 both ways', { timeout: TEST_TIMEOUT_MS }, async () => {
    await diagnostics.explainFailure(async () => {
      // The visitor offers H.264 only, as a browser that prefers it would; the host's policy
      // allows it, so the call runs on H.264 with its start codes escaped in every frame.
      const { hostPage, visitorPage } = await placeCall({
        ...setup,
        diagnostics,
        visitorHooks: { videoCodecs: ['h264'] },
      });

      const [first, second] = await sampleBothSides(hostPage, visitorPage, diagnostics);
      for (const [index, side] of ['host', 'visitor'].entries()) {
        assert.ok(
          second[index].codecs.includes('video/H264'),
          `${side} codecs ${second[index].codecs.join(', ')} lack video/H264`,
        );
      }
      assertMediaFlows(first[0], second[0], 'host');
      assertMediaFlows(first[1], second[1], 'visitor');
      assert.deepEqual(diagnostics.uncaughtErrors, [], 'pages threw uncaught errors');
    });
  });
});

/**
 * Makes WebCrypto in `page` reject X25519 and Ed25519 as a browser without Secure Curves does
 * (Safari before 17, Firefox before 130), and records the URLs the page requests into `requests`.
 */
async function withoutSecureCurves(page, requests) {
  page.on('request', (request) => requests.push(request.url()));
  await page.evaluateOnNewDocument(() => {
    const subtle = globalThis.crypto.subtle;
    const unsupported = (algorithm) => {
      const name = typeof algorithm === 'string' ? algorithm : algorithm?.name;
      return typeof name === 'string' && /^(x25519|ed25519)$/i.test(name);
    };
    for (const method of ['generateKey', 'importKey', 'deriveBits', 'sign', 'verify']) {
      const original = subtle[method].bind(subtle);
      subtle[method] = (...args) => {
        const algorithm = method === 'importKey' ? args[2] : args[0];
        if (unsupported(algorithm)) {
          const error = new DOMException('Algorithm: Unrecognized name', 'NotSupportedError');
          return Promise.reject(error);
        }
        return original(...args);
      };
    }
  });
}

describe('call without WebCrypto X25519 and Ed25519', () => {
  const diagnostics = new Diagnostics();
  const setup = useServersAndBrowsers(diagnostics);

  it('loads the curves fallback and verifies', { timeout: TEST_TIMEOUT_MS }, async () => {
    await diagnostics.explainFailure(async () => {
      const requests = [];
      const { hostPage, visitorPage } = await placeCall({
        ...setup,
        diagnostics,
        visitorPrepare: (page) => withoutSecureCurves(page, requests),
      });
      const [first, second] = await sampleBothSides(hostPage, visitorPage, diagnostics);
      assertMediaFlows(first[0], second[0], 'host');
      assertMediaFlows(first[1], second[1], 'visitor');

      const fallbackRequests = requests.filter((url) => url.endsWith('/porchlight-curves.js'));
      assert.equal(fallbackRequests.length, 1, `curves fallback requests: ${requests.join(' ')}`);
      const hostIdentity = await readCallIdentity(hostPage, HOST_TAG);
      const visitorIdentity = await readCallIdentity(visitorPage, VISITOR_TAG);
      assert.match(hostIdentity?.sas ?? '', /^\d{3} \d{3}$/, 'host SAS');
      assert.equal(visitorIdentity?.sas, hostIdentity?.sas, 'visitor and host SAS differ');
      assert.equal(visitorIdentity?.identityVerified, true, 'visitor did not verify the host');
      assert.deepEqual(diagnostics.uncaughtErrors, [], 'pages threw uncaught errors');
    });
  });
});
