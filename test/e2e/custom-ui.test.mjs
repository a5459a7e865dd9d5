// End to end: the custom-UI example (examples/custom-ui), a visitor page built on the
// framework-free client and its typed events instead of the elements, calls the therapist's
// console through the real relay. The example is built with its own build script first. The test
// reads what the page shows and the page's event log, which its listeners fill in.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { describe, before, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  clickWhenPresent,
  Diagnostics,
  HOST_TAG,
  openOnlineConsole,
  openPage,
  readCallIdentity,
  readCallStats,
  saveScreenshot,
  useServersAndBrowsers,
  waitUntil,
} from './_harness.mjs';

const TEST_TIMEOUT_MS = 90_000;
const exampleDir = fileURLToPath(new URL('../../examples/custom-ui/', import.meta.url));

/** Returns the lines of the page's event log. */
function readEventLog(page) {
  return page.$$eval('#event-log li', (items) => items.map((item) => item.textContent));
}

/** Waits until the page's event log contains `line` and returns the log. */
function waitForEvent(page, line) {
  return waitUntil(
    () => readEventLog(page),
    (log) => log.includes(line),
    { description: `event log line "${line}"` },
  );
}

/** Reads whether the remote <video> plays decoded frames: its size and current time. */
function readRemoteVideo(page) {
  return page.$eval('#remote-video', (video) => ({
    width: video.videoWidth,
    height: video.videoHeight,
    currentTime: video.currentTime,
  }));
}

describe('custom UI on the client API', () => {
  const diagnostics = new Diagnostics();

  before(
    async () => {
      await rm(new URL('dist/', `file://${exampleDir}`), { recursive: true, force: true });
      await promisify(execFile)(process.execPath, ['build.mjs'], { cwd: exampleDir });
    },
    { timeout: 60_000 },
  );
  const setup = useServersAndBrowsers(diagnostics);

  it('calls the console through typed events', { timeout: TEST_TIMEOUT_MS }, async () => {
    await diagnostics.explainFailure(async () => {
      const { servers, host, visitor } = setup;
      const { hostPage, roomId } = await openOnlineConsole({ servers, host, diagnostics });

      const visitorPage = await openPage(
        visitor,
        `${servers.baseUrl}/custom-ui/dist/?room=${roomId}`,
        diagnostics,
      );
      await diagnostics.step('custom page reports presence available', () =>
        waitForEvent(visitorPage, 'presencechange available'),
      );
      await visitorPage.locator('#name').fill('Sam');
      await clickWhenPresent(visitorPage, '#talk');
      await diagnostics.step('custom page waits in the waiting room', () =>
        waitForEvent(visitorPage, 'statechange requesting-media -> waiting'),
      );
      const queueText = await visitorPage.$eval('#queue', (node) => node.textContent);
      assert.match(queueText, /number 1 in line|Waiting for your therapist/);

      await diagnostics.step('host clicks admit', () =>
        clickWhenPresent(hostPage, `${HOST_TAG} >>> [part~="admit"]`),
      );
      await diagnostics.step('custom page reports the secured call', () =>
        waitForEvent(visitorPage, 'call secured verified'),
      );
      await diagnostics.step('remote video plays on the custom page', () =>
        waitUntil(
          () => readRemoteVideo(visitorPage),
          (video) => video.width > 0 && video.currentTime > 0,
          { description: 'the remote video to play' },
        ),
      );
      const firstFrame = await readRemoteVideo(visitorPage);
      await waitUntil(
        () => readRemoteVideo(visitorPage),
        (video) => video.currentTime > firstFrame.currentTime + 1,
        { description: 'the remote video to keep playing' },
      );
      await waitUntil(
        () => readCallStats(hostPage, HOST_TAG),
        (stats) => stats.inbound?.video.framesDecoded > 0,
        { description: 'the console to decode the custom page video' },
      );

      const hostIdentity = await readCallIdentity(hostPage, HOST_TAG);
      const security = await visitorPage.$eval('#security', (node) => node.textContent);
      assert.match(hostIdentity?.sas ?? '', /^\d{3} \d{3}$/, 'host SAS');
      assert.equal(security, `Verified therapist. Security code: ${hostIdentity.sas}`);

      await diagnostics.step('custom page sends a chat message', async () => {
        await visitorPage.locator('#chat-text').fill('Hello from a custom page');
        await clickWhenPresent(visitorPage, '#chat button[type="submit"]');
        await waitForEvent(visitorPage, 'call chatmessage local');
      });
      await diagnostics.step('console shows the message and answers', async () => {
        await waitUntil(
          () =>
            hostPage.evaluate(
              (tag) =>
                document
                  .querySelector(tag)
                  ?.shadowRoot?.querySelector('porchlight-call-view')
                  ?.shadowRoot?.querySelector('[part~="chat-log"]')?.textContent ?? '',
              HOST_TAG,
            ),
          (text) => text.includes('Hello from a custom page'),
          { description: 'the message in the console chat log' },
        );
        await hostPage.locator(`${HOST_TAG} >>> [part~="chat-input"]`).fill('Hello back');
        await clickWhenPresent(hostPage, `${HOST_TAG} >>> [part~="chat-send"]`);
      });
      await waitForEvent(visitorPage, 'call chatmessage remote');
      const chatLines = await visitorPage.$$eval('#chat-log li', (items) =>
        items.map((item) => item.textContent),
      );
      assert.deepEqual(chatLines, ['You: Hello from a custom page', 'Therapist: Hello back']);
      await saveScreenshot(visitorPage, 'custom-ui-call');

      await diagnostics.step('host hangs up', () =>
        clickWhenPresent(hostPage, `${HOST_TAG} >>> [part~="hang-up"]`),
      );
      const log = await waitForEvent(visitorPage, 'statechange in-call -> ended');
      const status = await visitorPage.$eval('#status', (node) => node.textContent);
      assert.equal(status, 'The call has ended. Thank you.');

      const states = log.filter((line) => line.startsWith('statechange '));
      assert.deepEqual(states, [
        'statechange idle -> connecting',
        'statechange connecting -> ready',
        'statechange ready -> requesting-media',
        'statechange requesting-media -> waiting',
        'statechange waiting -> in-call',
        'statechange in-call -> ended',
      ]);
      // Media, key agreement and the connection finish in any order between start and end.
      const callEvents = log.filter((line) => line.startsWith('call') && !line.includes('chat'));
      assert.equal(callEvents[0], 'callstart');
      assert.deepEqual(callEvents.slice(1, -2).sort(), [
        'call remotestream',
        'call secured verified',
        'call statechange connecting -> connected',
      ]);
      assert.deepEqual(callEvents.slice(-2), [
        'call statechange connected -> ended',
        'call end remote-hang-up',
      ]);
      assert.deepEqual(diagnostics.uncaughtErrors, [], 'pages threw uncaught errors');
    });
  });
});
