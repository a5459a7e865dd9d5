// End to end: the two bundler examples, examples/npm-bundler (esbuild) and examples/react (React
// 19 and esbuild), each built with its own build script and served as a developer would serve
// it, call the therapist's console through the real relay. Both sides must decode the encrypted
// video, and a hang-up on one side must end the call on the other. For the React app the test
// also checks that the props React sets reach the element, that React state follows the
// element's events, and that unmounting the element ends a running call.
//
// One Chromium runs both sides, each in its own browser context, so that the console's key and
// the visitor's page share no storage.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import process from 'node:process';
import { after, afterEach, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  assertMediaFlows,
  clickWhenPresent,
  consoleStatus,
  Diagnostics,
  HOST_TAG,
  launchBrowser,
  placeCall,
  readCall,
  readCallStats,
  requireWidgetBuild,
  sampleBothSides,
  saveScreenshot,
  startServers,
  VISITOR_TAG,
  waitUntil,
} from './_harness.mjs';

const examplesDir = fileURLToPath(new URL('../../examples', import.meta.url));
const TEST_TIMEOUT_MS = 90_000;
const HOOK_TIMEOUT_MS = 60_000;
/** The console must leave a call this soon after the visitor's side ends it. */
const REMOTE_END_DEADLINE_MS = 5_000;
/** Status line of examples/react before any call. */
const IDLE_STATUS = 'Press Talk now to reach the therapist while they are online.';

/** Runs `examples/NAME/build.mjs`, the example's own `npm run build`, and fails with its output. */
async function buildExample(name) {
  try {
    await promisify(execFile)(process.execPath, [join(examplesDir, name, 'build.mjs')], {
      cwd: join(examplesDir, name),
    });
  } catch (error) {
    throw new Error(`Build of examples/${name} failed: ${error.stderr || error.message}`);
  }
}

/** Waits until the console has left its call and returns the call's end reason. */
async function waitForConsoleToLeaveCall(hostPage) {
  await waitUntil(
    () => consoleStatus(hostPage),
    (status) => status === 'online',
    { description: 'the console to leave the call', timeoutMs: REMOTE_END_DEADLINE_MS },
  );
  return readCall(hostPage, HOST_TAG, 'endReason');
}

/**
 * Returns the ids of the visitor connections that the relay accepted and has not closed yet,
 * read from the relay's log lines that `diagnostics` collected.
 */
function openVisitorConnections(diagnostics) {
  const open = new Set();
  for (const line of diagnostics.lines) {
    if (!line.startsWith('[relay] {')) continue;
    const entry = JSON.parse(line.slice('[relay] '.length));
    if (entry.event === 'hello-accepted' && entry.role === 'visitor') open.add(entry.connectionId);
    if (entry.event === 'connection-closed') open.delete(entry.connectionId);
  }
  return [...open];
}

/** Waits until the relay has exactly `count` visitor connections open. */
function waitForVisitorConnections(diagnostics, count) {
  return waitUntil(
    () => openVisitorConnections(diagnostics),
    (open) => open.length === count,
    { description: `${count} open visitor connections at the relay` },
  );
}

/** Collects the console errors that `page` prints from now on. */
function recordConsoleErrors(page) {
  const errors = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  return errors;
}

describe('bundler examples', () => {
  const diagnostics = new Diagnostics();
  let servers;
  let chromium;
  const contexts = [];

  before(
    async () => {
      requireWidgetBuild();
      await buildExample('npm-bundler');
      await buildExample('react');
      servers = await startServers(diagnostics);
      chromium = await launchBrowser('chromium', diagnostics);
    },
    { timeout: HOOK_TIMEOUT_MS },
  );

  afterEach(async () => {
    await Promise.allSettled(contexts.splice(0).map((context) => context.close()));
  });

  after(
    async () => {
      await chromium?.close();
      await servers?.close();
    },
    { timeout: HOOK_TIMEOUT_MS },
  );

  /** Places a call from the example page at `visitorPath` to a fresh console. */
  async function callFromExample(visitorPath) {
    const hostContext = await chromium.browser.createBrowserContext();
    const visitorContext = await chromium.browser.createBrowserContext();
    contexts.push(hostContext, visitorContext);
    return placeCall({
      servers,
      host: { ...chromium, name: 'host' },
      visitor: { ...chromium, name: 'visitor' },
      diagnostics,
      hostContext,
      visitorContext,
      visitorPath,
    });
  }

  it('npm-bundler page calls the console', { timeout: TEST_TIMEOUT_MS }, () =>
    diagnostics.explainFailure(async () => {
      const { hostPage, visitorPage } = await callFromExample('/npm-bundler/dist/');

      // src/main.js retitles the page on porchlight-call-start and porchlight-call-end.
      await diagnostics.step('page title follows the call start', () =>
        waitUntil(
          () => visitorPage.title(),
          (title) => title === 'In a call · Example practice',
          { description: 'the in-call page title' },
        ),
      );
      const [first, second] = await diagnostics.step('media flows both ways', () =>
        sampleBothSides(hostPage, visitorPage, diagnostics),
      );
      assertMediaFlows(first[0], second[0], 'host');
      assertMediaFlows(first[1], second[1], 'visitor');

      await diagnostics.step('host hangs up', () =>
        clickWhenPresent(hostPage, `${HOST_TAG} >>> porchlight-call-view >>> [part~="hang-up"]`),
      );
      await diagnostics.step('visitor shows the call ended', () =>
        clickWhenPresent(visitorPage, `${VISITOR_TAG} >>> [part~="close"]`),
      );
      assert.equal(await readCall(visitorPage, VISITOR_TAG, 'endReason'), 'remote-hang-up');
      assert.equal(await visitorPage.title(), 'Example practice');
      assert.equal(await consoleStatus(hostPage), 'online');
      assert.deepEqual(diagnostics.uncaughtErrors, [], 'pages threw uncaught errors');
    }),
  );

  it('React page calls, hangs up and unmounts', { timeout: TEST_TIMEOUT_MS }, () =>
    diagnostics.explainFailure(async () => {
      const { hostPage, visitorPage } = await callFromExample('/react/dist/');
      const consoleErrors = recordConsoleErrors(visitorPage);

      // React 19 sets `room` and `server` as properties, because the element has properties of
      // those names, and `fallback-url` as an attribute, which the element reads into
      // `fallbackUrl`.
      const roomId = await hostPage.evaluate((tag) => document.querySelector(tag).roomId, HOST_TAG);
      const element = await visitorPage.evaluate((tag) => {
        const button = document.querySelector(tag);
        return {
          room: button.room,
          server: button.server,
          roomAttribute: button.getAttribute('room'),
          fallbackUrl: button.fallbackUrl,
        };
      }, VISITOR_TAG);
      assert.equal(element.room, roomId, 'room property');
      assert.equal(element.roomAttribute, null, 'React set room as an attribute');
      assert.equal(element.server, servers.relayUrl, 'server property');
      assert.equal(element.fallbackUrl, '#book', 'fallbackUrl from the fallback-url attribute');

      const readReactStatus = () =>
        visitorPage.evaluate(() => {
          const status = document.querySelector('.call-status');
          return status ? `${status.dataset.callState}: ${status.textContent}` : null;
        });
      await diagnostics.step('React state shows the call', () =>
        waitUntil(readReactStatus, (status) => status === 'in-call: You are in a call.', {
          description: 'React to render the in-call status',
        }),
      );
      const [first, second] = await diagnostics.step('media flows both ways', () =>
        sampleBothSides(hostPage, visitorPage, diagnostics),
      );
      await saveScreenshot(visitorPage, 'example-react-in-call');
      assertMediaFlows(first[0], second[0], 'host');
      assertMediaFlows(first[1], second[1], 'visitor');

      await diagnostics.step('visitor hangs up', () =>
        clickWhenPresent(visitorPage, `${VISITOR_TAG} >>> [part~="hang-up"]`),
      );
      assert.equal(await waitForConsoleToLeaveCall(hostPage), 'remote-hang-up');
      await diagnostics.step('React state shows the end', () =>
        waitUntil(readReactStatus, (status) => status === 'ended: Your call has ended.', {
          description: 'React to render the ended status',
        }),
      );

      // The npm-bundler page of the test before has closed its connection long since, so the
      // React page's button has the only open visitor connection.
      await waitForVisitorConnections(diagnostics, 1);
      await diagnostics.step('React unmounts the button after the call', async () => {
        await visitorPage.locator('nav a[href="#book"]').click();
        await waitUntil(
          () => visitorPage.evaluate((tag) => document.querySelector(tag) === null, VISITOR_TAG),
          (removed) => removed,
          { description: 'the booking page to replace the button' },
        );
        await waitForVisitorConnections(diagnostics, 0);
      });
      await diagnostics.step('React mounts a fresh button', async () => {
        await visitorPage.locator('nav a[href="#talk"]').click();
        await visitorPage.waitForSelector(`${VISITOR_TAG}[presence="available"]`, {
          timeout: 15_000,
        });
        assert.equal(await readReactStatus(), `idle: ${IDLE_STATUS}`);
      });

      await diagnostics.step('visitor knocks again and host admits', async () => {
        await clickWhenPresent(visitorPage, `${VISITOR_TAG} >>> [part~="talk-button"]`);
        await clickWhenPresent(visitorPage, `${VISITOR_TAG} >>> [part~="join"]`);
        await clickWhenPresent(hostPage, `${HOST_TAG} >>> [part~="admit"]`);
        await waitUntil(
          () => readCallStats(hostPage, HOST_TAG),
          (stats) => stats.inbound?.video.framesDecoded > 0,
          { description: 'host to decode video of the second call' },
        );
        await waitUntil(readReactStatus, (status) => status?.startsWith('in-call:'), {
          description: 'React to render the in-call status again',
        });
      });

      await diagnostics.step('React unmounts the button during the call', async () => {
        await visitorPage.locator('nav a[href="#book"]').click();
        assert.equal(await waitForConsoleToLeaveCall(hostPage), 'remote-hang-up');
        const heading = await visitorPage.$eval('main h1', (node) => node.textContent);
        assert.equal(heading, 'Book a session');
        await waitForVisitorConnections(diagnostics, 0);
      });

      assert.deepEqual(consoleErrors, [], 'the React page printed console errors');
      assert.deepEqual(diagnostics.uncaughtErrors, [], 'pages threw uncaught errors');
    }),
  );
});
