// End to end: changing what the visitor sends during a real encrypted call. The visitor shares a
// browser tab, stops from the button, shares again and ends it by closing the tab (the browser
// ends the capture track itself). A visitor who cancels the picker keeps the call, and the view
// explains it. A visitor on an emulated phone with three cameras switches between them. After
// each change the therapist's side must keep decoding frames from the new track, which its E2EE
// worker decrypted.
//
// Chromium's flags stand in for the person at the picker: --auto-select-tab-capture-source-by-title chooses a
// tab by its title, and --auto-reject-capture rejects the request as a cancelled picker does.
// Both work only without --use-fake-ui-for-media-stream, which would hand out a fake screen, so
// those browsers get camera and microphone permission over the DevTools protocol instead.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromiumArgs } from '../../scripts/_chromium.mjs';
import {
  clickWhenPresent,
  Diagnostics,
  HOST_TAG,
  placeCall,
  readCallStats,
  saveStateScreenshot,
  STATE_SCREENSHOT_VIEWPORT,
  useServersAndBrowsers,
  VISITOR_TAG,
  waitUntil,
} from './_harness.mjs';

const TEST_TIMEOUT_MS = 90_000;
/** Pause between two samples of the counters that must keep growing. */
const GROWTH_WINDOW_MS = 1_500;

const SHARED_TAB_TITLE = 'Porchlight shared slides';
/** A tab that is plain red, so that the therapist's decoded picture shows whether it arrived. */
const SHARED_TAB_URL =
  `data:text/html,<title>${encodeURIComponent(SHARED_TAB_TITLE)}</title>` +
  '<body style="margin:0;background:rgb(220,0,0)"></body>';

const SHARE_FAILED_HINT = 'Your screen is not shared. The call goes on with your camera.';

const DEVICE_FAILED_HINT = 'That device could not be started. Pick another one.';

const argsWithoutFakeUi = chromiumArgs.filter((arg) => arg !== '--use-fake-ui-for-media-stream');

/**
 * Grants camera and microphone to `origin` as a person answering the prompt would. Chromium
 * drops the grant when the DevTools session that set it detaches, so the session stays open.
 */
async function grantCameraAndMicrophone(browser, origin) {
  const session = await browser.browser.target().createCDPSession();
  for (const name of ['camera', 'microphone']) {
    await session.send('Browser.setPermission', { permission: { name }, setting: 'granted', origin });
  }
}

/**
 * Reads, in `page`, what the call of element `tag` shows and sends. That is the mean colour of
 * the remote video drawn into a small canvas, the sent video track (its label, and whether it is
 * the local stream's camera track), the screen-share button and the call view's hints.
 */
function readMediaState(page, tag) {
  return page.evaluate((tagName) => {
    const find = (root, selector) => {
      const match = root.querySelector(selector);
      if (match) return match;
      for (const element of root.querySelectorAll('*')) {
        const inner = element.shadowRoot && find(element.shadowRoot, selector);
        if (inner) return inner;
      }
      return null;
    };
    const element = document.querySelector(tagName);
    const call = element?.call;
    const video = find(document, '[part~="remote-video"]');
    const canvas = document.createElement('canvas');
    canvas.width = 32;
    canvas.height = 24;
    const context = canvas.getContext('2d', { willReadFrequently: true });
    context.drawImage(video, 0, 0, 32, 24);
    const pixels = context.getImageData(0, 0, 32, 24).data;
    const sum = [0, 0, 0];
    for (let index = 0; index < pixels.length; index += 4) {
      for (let channel = 0; channel < 3; channel++) sum[channel] += pixels[index + channel];
    }
    const sender = call?.peerConnection
      ?.getSenders()
      .find((candidate) => candidate.track?.kind === 'video');
    const view = find(document, 'porchlight-call-view');
    const share = view?.shadowRoot.querySelector('[part~="share-screen"]');
    return {
      remoteColour: sum.map((total) => Math.round(total / (pixels.length / 4))),
      sentLabel: sender?.track?.label ?? null,
      sendsCamera: sender?.track === call?.localStream.getVideoTracks()[0],
      screenSharing: call?.screenSharing ?? null,
      shareButton: share ? `${share.textContent.trim()} pressed=${share.ariaPressed}` : null,
      hints: [...(view?.shadowRoot.querySelectorAll('[role="status"] .hint') ?? [])].map(
        (hint) => hint.textContent.trim(),
      ),
    };
  }, tag);
}

function isRed([red, green, blue]) {
  return red > 150 && green < 60 && blue < 60;
}

/** Tells whether the picture is a camera frame: neither the red tab nor the black of no frame. */
function isCamera(colour) {
  return !isRed(colour) && colour[0] + colour[1] + colour[2] > 30;
}

/**
 * Samples the host's call twice, `GROWTH_WINDOW_MS` apart, and checks that remote video kept
 * decoding frames that the host's worker decrypted, and that the visitor's worker encrypted.
 */
async function assertStillDecoding(hostPage, visitorPage, label) {
  const host = [await readCallStats(hostPage, HOST_TAG)];
  const visitor = [await readCallStats(visitorPage, VISITOR_TAG)];
  await sleep(GROWTH_WINDOW_MS);
  host.push(await readCallStats(hostPage, HOST_TAG));
  visitor.push(await readCallStats(visitorPage, VISITOR_TAG));
  const grew = (values, read) => read(values[1]) > read(values[0]);
  assert.ok(grew(host, (s) => s.inbound.video.framesDecoded), `${label}: host framesDecoded`);
  assert.ok(grew(host, (s) => s.e2ee.decrypt.video.frames), `${label}: host decrypt.video`);
  assert.ok(grew(visitor, (s) => s.e2ee.encrypt.video.frames), `${label}: visitor encrypt.video`);
  assert.equal(host[1].connectionState, 'connected', `${label}: host connection`);
}

/** Waits until the host's decoded picture is the red shared tab (`tab` true) or the camera. */
function waitForHostPicture(hostPage, tab, description) {
  return waitUntil(
    () => readMediaState(hostPage, HOST_TAG),
    (state) => (tab ? isRed(state.remoteColour) : isCamera(state.remoteColour)),
    { description },
  );
}

/**
 * Adds the servers and both browsers to the enclosing `describe` (see `useServersAndBrowsers`),
 * the visitor's with `visitorArgs`. With `grantCamera` the visitor also gets camera and
 * microphone permission for the demo site.
 */
function useCallFixture({ visitorArgs, grantCamera = false }) {
  const diagnostics = new Diagnostics();
  const setup = useServersAndBrowsers(diagnostics, { visitorArgs });
  if (grantCamera) {
    before(() =>
      grantCameraAndMicrophone(setup.visitor, new URL(setup.servers.baseUrl).origin),
    );
  }
  return Object.assign(setup, { diagnostics });
}

describe('screen sharing during a call', () => {
  const fixture = useCallFixture({
    visitorArgs: [...argsWithoutFakeUi, `--auto-select-tab-capture-source-by-title=${SHARED_TAB_TITLE}`],
    grantCamera: true,
  });

  it('sends the tab and returns to the camera', { timeout: TEST_TIMEOUT_MS }, async () => {
    const { diagnostics, servers, host, visitor } = fixture;
    await diagnostics.explainFailure(async () => {
      let sharedTab = await visitor.browser.newPage();
      await sharedTab.goto(SHARED_TAB_URL);
      const { hostPage, visitorPage } = await placeCall({ servers, host, visitor, diagnostics });
      const sharePart = `${VISITOR_TAG} >>> [part~="share-screen"]`;

      const camera = await diagnostics.step('host decodes the camera', () =>
        waitForHostPicture(hostPage, false, 'a decoded camera picture'),
      );
      diagnostics.add('camera', JSON.stringify(camera));

      await clickWhenPresent(visitorPage, sharePart);
      const shared = await diagnostics.step('host decodes the shared tab', () =>
        waitForHostPicture(hostPage, true, 'the red shared tab in the host video'),
      );
      const visitorSharing = await readMediaState(visitorPage, VISITOR_TAG);
      diagnostics.add('sharing', JSON.stringify([shared, visitorSharing]));
      assert.match(visitorSharing.sentLabel, /^web-contents-media-stream:/);
      assert.equal(visitorSharing.screenSharing, true);
      assert.equal(visitorSharing.shareButton, 'Stop sharing pressed=true');
      await assertStillDecoding(hostPage, visitorPage, 'while sharing');
      // Chromium focuses the captured tab, as it does for a person who shares one, and a page in
      // the background never settles for a click or a screenshot.
      await visitorPage.bringToFront();
      await hostPage.setViewport(STATE_SCREENSHOT_VIEWPORT);
      await visitorPage.setViewport(STATE_SCREENSHOT_VIEWPORT);
      await saveStateScreenshot(hostPage, 'console-screen-share');
      await saveStateScreenshot(visitorPage, 'button-screen-share');

      await clickWhenPresent(visitorPage, sharePart);
      await diagnostics.step('host decodes the camera after Stop sharing', () =>
        waitForHostPicture(hostPage, false, 'the camera again after Stop sharing'),
      );
      const stopped = await readMediaState(visitorPage, VISITOR_TAG);
      assert.equal(stopped.sendsCamera, true, `visitor sends ${stopped.sentLabel}`);
      assert.equal(stopped.shareButton, 'Share screen pressed=false');
      await assertStillDecoding(hostPage, visitorPage, 'after Stop sharing');

      await clickWhenPresent(visitorPage, sharePart);
      await waitForHostPicture(hostPage, true, 'the red shared tab after sharing again');
      await visitorPage.bringToFront();
      // Closing the shared tab makes Chromium end the capture track, as its own Stop sharing
      // bar does: the track fires `ended` without the page calling stop().
      await sharedTab.close();
      sharedTab = null;
      await diagnostics.step('host decodes the camera after the shared tab closed', () =>
        waitForHostPicture(hostPage, false, 'the camera after the capture track ended'),
      );
      const ended = await readMediaState(visitorPage, VISITOR_TAG);
      assert.equal(ended.sendsCamera, true, `visitor sends ${ended.sentLabel}`);
      assert.equal(ended.screenSharing, false);
      assert.equal(ended.shareButton, 'Share screen pressed=false');
      await assertStillDecoding(hostPage, visitorPage, 'after the capture track ended');
      assert.deepEqual(diagnostics.uncaughtErrors, [], 'pages threw uncaught errors');
    });
  });
});

describe('screen sharing cancelled in the picker', () => {
  const fixture = useCallFixture({
    visitorArgs: [...argsWithoutFakeUi, '--auto-reject-capture'],
    grantCamera: true,
  });

  it('keeps the call and says so', { timeout: TEST_TIMEOUT_MS }, async () => {
    const { diagnostics, servers, host, visitor } = fixture;
    await diagnostics.explainFailure(async () => {
      const { hostPage, visitorPage } = await placeCall({ servers, host, visitor, diagnostics });
      await waitForHostPicture(hostPage, false, 'a decoded camera picture');

      await clickWhenPresent(visitorPage, `${VISITOR_TAG} >>> [part~="share-screen"]`);
      const state = await diagnostics.step('visitor view explains the cancelled share', () =>
        waitUntil(
          () => readMediaState(visitorPage, VISITOR_TAG),
          (read) => read.hints.includes(SHARE_FAILED_HINT),
          { description: `the hint "${SHARE_FAILED_HINT}" in the call view` },
        ),
      );
      assert.equal(state.sendsCamera, true, `visitor sends ${state.sentLabel}`);
      assert.equal(state.shareButton, 'Share screen pressed=false');
      await assertStillDecoding(hostPage, visitorPage, 'after the cancelled picker');
      assert.deepEqual(diagnostics.uncaughtErrors, [], 'pages threw uncaught errors');
    });
  });
});

/** Makes `page` a touch screen without a fine pointer, as a phone is, before it loads. */
async function emulatePhone(page) {
  const session = await page.createCDPSession();
  await session.send('Emulation.setTouchEmulationEnabled', { enabled: true, maxTouchPoints: 5 });
}

describe('camera switch during a call', () => {
  // device-count=3 gives three fake cameras, fake_device_0 to fake_device_2, none of which
  // reports a facingMode, so the switch must fall back to the next camera. Chromium 156
  // encodes no frame of fake_device_1 after replaceTrack (framesEncoded stops, measured in
  // a page with nothing but a loopback RTCPeerConnection), so the test does not send it.
  const fixture = useCallFixture({
    visitorArgs: chromiumArgs.map((arg) =>
      arg === '--use-fake-device-for-media-stream' ? `${arg}=device-count=3` : arg,
    ),
  });

  it('sends the other camera on a phone', { timeout: TEST_TIMEOUT_MS }, async () => {
    const { diagnostics, servers, host, visitor } = fixture;
    await diagnostics.explainFailure(async () => {
      const { hostPage, visitorPage } = await placeCall({
        servers,
        host,
        visitor,
        diagnostics,
        hostPrepare: emulatePhone,
        visitorPrepare: emulatePhone,
      });
      const switchPart = `${VISITOR_TAG} >>> [part~="switch-camera"]`;
      await waitForHostPicture(hostPage, false, 'a decoded camera picture');

      const first = await readMediaState(visitorPage, VISITOR_TAG);
      assert.equal(first.sentLabel, 'fake_device_0');
      assert.equal(first.shareButton, null, 'a phone offers screen sharing');
      const hostControls = await hostPage.$(`${HOST_TAG} >>> [part~="switch-camera"]`);
      assert.equal(hostControls, null, 'the host, with one camera, offers a camera switch');

      // The camera picker selects the last camera, and Switch camera then wraps round to the first.
      const lastCamera = await visitorPage.evaluate(async () => {
        const devices = await navigator.mediaDevices.enumerateDevices();
        return devices.find((device) => device.label === 'fake_device_2')?.deviceId;
      });
      const steps = [
        ['fake_device_2', () => visitorPage.select(`${VISITOR_TAG} >>> [part~="camera-select"]`, lastCamera)],
        ['fake_device_0', () => clickWhenPresent(visitorPage, switchPart)],
      ];
      for (const [expected, change] of steps) {
        await change();
        const switched = await diagnostics.step(`visitor sends ${expected}`, () =>
          waitUntil(
            () => readMediaState(visitorPage, VISITOR_TAG),
            (state) => state.sentLabel === expected,
            { description: `the visitor's sender to carry ${expected}` },
          ),
        );
        diagnostics.add('switched', JSON.stringify(switched));
        assert.equal(switched.sendsCamera, true, 'the sent track is not the local camera track');
        assert.ok(!switched.hints.includes(DEVICE_FAILED_HINT), 'the view reports a failure');
        await assertStillDecoding(hostPage, visitorPage, `after switching to ${expected}`);
      }
      assert.deepEqual(diagnostics.uncaughtErrors, [], 'pages threw uncaught errors');
    });
  });
});
