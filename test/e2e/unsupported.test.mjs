// End to end: a visitor whose browser cannot encrypt media frames gets a plain message from the
// Talk now button before the camera is requested, and no call starts. The test turns Chromium
// into such a browser by deleting `RTCRtpScriptTransform` and `createEncodedStreams` before any
// script of the page runs.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  clickWhenPresent,
  Diagnostics,
  HOST_TAG,
  launchBrowser,
  openPage,
  readAlertText,
  readConsoleRoomId,
  requireWidgetBuild,
  saveScreenshot,
  startServers,
  VISITOR_TAG,
  waitUntil,
} from './_harness.mjs';

const TEST_TIMEOUT_MS = 60_000;
const HOOK_TIMEOUT_MS = 30_000;

/** The start of the e2ee-unsupported text in the widget strings. */
const UNSUPPORTED_TEXT = 'This browser cannot make a private, encrypted call.';

describe('browser without encoded transforms', () => {
  const diagnostics = new Diagnostics();
  let servers;
  let browser;

  before(
    async () => {
      requireWidgetBuild();
      servers = await startServers(diagnostics);
      browser = await launchBrowser('chromium', diagnostics);
    },
    { timeout: HOOK_TIMEOUT_MS },
  );

  after(
    async () => {
      await browser?.close();
      await servers?.close();
    },
    { timeout: HOOK_TIMEOUT_MS },
  );

  it('button explains before asking for the camera', { timeout: TEST_TIMEOUT_MS }, async () => {
    await diagnostics.explainFailure(async () => {
      const hostPage = await openPage(browser, `${servers.baseUrl}/console/`, diagnostics);
      const roomId = await readConsoleRoomId(hostPage);
      await clickWhenPresent(hostPage, `${HOST_TAG} >>> [part~="go-online"]`);

      const visitorContext = await browser.browser.createBrowserContext();
      const visitorPage = await visitorContext.newPage();
      await visitorPage.evaluateOnNewDocument(() => {
        delete globalThis.RTCRtpScriptTransform;
        delete globalThis.RTCRtpSender.prototype.createEncodedStreams;
        delete globalThis.RTCRtpReceiver.prototype.createEncodedStreams;
        // Counts camera requests without changing what getUserMedia does.
        globalThis.__cameraRequests = 0;
        const original = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
        navigator.mediaDevices.getUserMedia = (constraints) => {
          globalThis.__cameraRequests++;
          return original(constraints);
        };
      });
      await visitorPage.goto(`${servers.baseUrl}/site/?room=${roomId}`, { waitUntil: 'load' });

      const apis = await visitorPage.evaluate(() => ({
        scriptTransform: typeof globalThis.RTCRtpScriptTransform,
        encodedStreams: typeof RTCRtpSender.prototype.createEncodedStreams,
      }));
      assert.deepEqual(apis, { scriptTransform: 'undefined', encodedStreams: 'undefined' });

      await visitorPage.waitForSelector(`${VISITOR_TAG}[presence="available"]`, {
        timeout: 15_000,
      });
      await clickWhenPresent(visitorPage, `${VISITOR_TAG} >>> [part~="talk-button"]`);
      const text = await waitUntil(
        () => readAlertText(visitorPage, VISITOR_TAG),
        (alert) => alert !== null,
        { description: 'the button to show an error' },
      );
      await saveScreenshot(visitorPage, 'e2ee-unsupported-visitor');

      assert.ok(text.includes(UNSUPPORTED_TEXT), `error text: ${text}`);
      const cameraRequests = await visitorPage.evaluate(() => globalThis.__cameraRequests);
      assert.equal(cameraRequests, 0, 'camera was requested');
      const knocks = await hostPage.evaluate(
        (tag) => document.querySelector(tag).shadowRoot.querySelectorAll('[part~="admit"]').length,
        HOST_TAG,
      );
      assert.equal(knocks, 0, 'the host got a knock');
      await visitorContext.close();
    });
  });
});
