// End to end: the device check names the fix for the visitor's own browser when the camera
// cannot start. Each case sets up the browser so that getUserMedia really fails: Firefox with
// camera and microphone blocked by its permission preferences, and Chromium without its fake
// devices on this machine, which has no camera. (Firefox without fake devices shows its
// not-found text the same way, but it is the generic text and a second Firefox launch is slow.) The visitor presses Talk now and the
// alert must carry the text for that browser family. Safari is not available here; its texts
// are chosen by the user-agent tests in packages/widget/src/_browser.test.ts.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { chromiumArgs } from '../../scripts/_chromium.mjs';
import {
  clickWhenPresent,
  Diagnostics,
  launchBrowser,
  openPage,
  readAlertText,
  openOnlineConsole,
  requireFirefox,
  requireWidgetBuild,
  startServers,
  VISITOR_TAG,
  waitUntil,
} from './_harness.mjs';

const TEST_TIMEOUT_MS = 45_000;
const HOOK_TIMEOUT_MS = 30_000;

const cases = [
  {
    name: 'Firefox with the camera blocked',
    engine: 'firefox',
    prefs: {
      'media.navigator.streams.fake': true,
      'media.navigator.permission.disabled': false,
      'permissions.default.camera': 2,
      'permissions.default.microphone': 2,
    },
    message: 'Your browser is not allowing the camera and microphone.',
    fix: 'In Firefox, click the crossed-out camera icon in the address bar',
  },
  {
    name: 'Chromium without a camera',
    engine: 'chromium',
    args: chromiumArgs.filter((arg) => arg !== '--use-fake-device-for-media-stream'),
    message: 'We could not find a camera or microphone.',
    fix: 'In Chrome or Edge you can also pick a device under the site settings icon',
  },
];

describe('help text for camera failures', () => {
  const diagnostics = new Diagnostics();
  let servers;
  let host;
  let roomId;

  before(
    async () => {
      requireWidgetBuild();
      requireFirefox();
      servers = await startServers(diagnostics);
      host = await launchBrowser('host', diagnostics);
      ({ roomId } = await openOnlineConsole({ servers, host, diagnostics }));
    },
    { timeout: HOOK_TIMEOUT_MS },
  );

  after(
    async () => {
      await host?.close();
      await servers?.close();
    },
    { timeout: HOOK_TIMEOUT_MS },
  );

  for (const { name, engine, prefs, args, message, fix } of cases) {
    it(`names the fix in ${name}`, { timeout: TEST_TIMEOUT_MS }, async (context) => {
      if (engine === 'chromium' && existsSync('/dev/video0')) {
        context.skip('this machine has a camera, so Chromium finds one');
        return;
      }
      const visitor = await launchBrowser(`visitor-${engine}`, diagnostics, { engine, prefs, args });
      try {
        await diagnostics.explainFailure(async () => {
          const page = await openPage(visitor, `${servers.baseUrl}/site/?room=${roomId}`, diagnostics);
          await clickWhenPresent(page, `${VISITOR_TAG} >>> [part~="talk-button"]`);
          const alert = await waitUntil(
            () => readAlertText(page, VISITOR_TAG),
            (text) => text !== null,
            { description: 'an alert in the device check' },
          );
          assert.ok(alert.startsWith(message), `alert "${alert}" lacks "${message}"`);
          assert.ok(alert.includes(fix), `alert "${alert}" lacks "${fix}"`);
        });
      } finally {
        await visitor.close();
      }
    });
  }
});
