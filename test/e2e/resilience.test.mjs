// End to end: calls that meet real life. The visitor's tab closes mid-call, the link drops and
// comes back (the namespace's only interface goes down for some seconds), end-of-call handlers
// tear the element down, and the two sides chat with a message long enough to be split. Real
// relay, real browsers, nothing mocked.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import process from 'node:process';
import { after, afterEach, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  clickWhenPresent,
  consoleStatus,
  Diagnostics,
  launchBrowser,
  placeCall,
  readCall,
  readCallStats,
  requireWidgetBuild,
  startServers,
  waitUntil,
} from './_harness.mjs';

const HOST_TAG = 'porchlight-console';
const VISITOR_TAG = 'porchlight-button';
const TEST_TIMEOUT_MS = 90_000;
const HOOK_TIMEOUT_MS = 30_000;
/** The console must leave a call this soon after the visitor's tab closes. */
const HANG_UP_DEADLINE_MS = 5_000;
/** How long the link stays down: longer than Chromium takes to call ICE `disconnected`. */
const LINK_DOWN_MS = 8_000;

describe('resilience', () => {
  const diagnostics = new Diagnostics();
  let servers;
  let host;
  let visitor;
  const pages = [];

  before(
    async () => {
      requireWidgetBuild();
      servers = await startServers(diagnostics);
      host = await launchBrowser('host', diagnostics);
      visitor = await launchBrowser('visitor', diagnostics);
    },
    { timeout: HOOK_TIMEOUT_MS },
  );

  afterEach(async () => {
    await Promise.allSettled(pages.splice(0).map((page) => page.close()));
  });

  after(
    async () => {
      await Promise.allSettled([host?.close(), visitor?.close()]);
      await servers?.close();
    },
    { timeout: HOOK_TIMEOUT_MS },
  );

  async function call(options = {}) {
    const result = await placeCall({ servers, host, visitor, diagnostics, ...options });
    pages.push(result.hostPage, result.visitorPage);
    return result;
  }

  it('console leaves call on tab close', { timeout: TEST_TIMEOUT_MS }, () =>
    diagnostics.explainFailure(async () => {
      const { hostPage, visitorPage } = await call();
      assert.equal(await consoleStatus(hostPage), 'in-call');

      const closedAt = Date.now();
      await visitorPage.close();
      await waitUntil(
        () => consoleStatus(hostPage),
        (status) => status !== 'in-call',
        { description: 'the console to leave the call', timeoutMs: HANG_UP_DEADLINE_MS },
      );
      diagnostics.add('step', `console left the call ${Date.now() - closedAt} ms after close`);
      assert.equal(await consoleStatus(hostPage), 'online');
      assert.equal(await readCall(hostPage, HOST_TAG, 'endReason'), 'remote-disconnected');
      assert.deepEqual(diagnostics.uncaughtErrors, []);
    }),
  );

  it('chat both ways, split message', { timeout: TEST_TIMEOUT_MS }, () =>
    diagnostics.explainFailure(async () => {
      const { hostPage, visitorPage } = await call();
      await waitUntil(
        () => readCall(visitorPage, VISITOR_TAG, 'chatReady'),
        (ready) => ready === true,
        { description: 'the visitor chat to be ready' },
      );

      await visitorPage.locator(`${VISITOR_TAG} >>> [part~="chat-input"]`).fill('Hello there');
      await clickWhenPresent(visitorPage, `${VISITOR_TAG} >>> [part~="chat-send"]`);
      // The host replies once the greeting arrived, so each side's list has a fixed order.
      await waitUntil(
        () => readCall(hostPage, HOST_TAG, 'messages'),
        (messages) => messages?.length === 1,
        { description: 'the greeting on the host side' },
      );
      const long = 'Long message. '.repeat(3_000); // 42,000 bytes: three chunks
      await hostPage.evaluate(
        (tag, text) => document.querySelector(tag).call.sendMessage(text),
        HOST_TAG,
        long,
      );

      const hostMessages = await waitUntil(
        () => readCall(hostPage, HOST_TAG, 'messages'),
        (messages) => messages?.length === 2,
        { description: 'two messages on the host side' },
      );
      const visitorMessages = await waitUntil(
        () => readCall(visitorPage, VISITOR_TAG, 'messages'),
        (messages) => messages?.length === 2,
        { description: 'two messages on the visitor side' },
      );
      assert.equal(hostMessages[0].from, 'remote');
      assert.equal(hostMessages[0].text, 'Hello there');
      assert.equal(visitorMessages[1].from, 'remote');
      assert.equal(visitorMessages[1].text.length, long.length);
      assert.equal(visitorMessages[1].text, long);
      const shown = await hostPage.evaluate(
        (tag) =>
          document
            .querySelector(tag)
            .shadowRoot.querySelector('porchlight-call-view')
            .shadowRoot.querySelector('[part~="chat-log"]').textContent,
        HOST_TAG,
      );
      assert.match(shown, /Hello there/);
      assert.deepEqual(diagnostics.uncaughtErrors, []);
    }),
  );

  it('end handlers hang up and remove', { timeout: TEST_TIMEOUT_MS }, () =>
    diagnostics.explainFailure(async () => {
      const { hostPage, visitorPage } = await call();
      await visitorPage.evaluate((tag) => {
        const element = document.querySelector(tag);
        globalThis.__endEvents = 0;
        element.addEventListener('porchlight-call-end', () => {
          globalThis.__endEvents++;
          element.client.hangUp();
          element.call.hangUp();
          element.remove();
        });
      }, VISITOR_TAG);
      await hostPage.evaluate((tag) => {
        const element = document.querySelector(tag);
        element.addEventListener('porchlight-call-end', () => element.client.hangUp());
      }, HOST_TAG);

      const hangUp = `${HOST_TAG} >>> porchlight-call-view >>> [part~="hang-up"]`;
      await clickWhenPresent(hostPage, hangUp);
      await waitUntil(
        () => visitorPage.evaluate((tag) => document.querySelector(tag) === null, VISITOR_TAG),
        (removed) => removed,
        { description: 'the visitor element to be removed by its end handler' },
      );
      assert.equal(await visitorPage.evaluate(() => globalThis.__endEvents), 1);
      assert.equal(await consoleStatus(hostPage), 'online');
      await sleep(500);
      assert.deepEqual(diagnostics.uncaughtErrors, []);
    }),
  );

  it(
    'ICE restart after link drop',
    {
      timeout: TEST_TIMEOUT_MS,
      skip:
        process.env.PORCHLIGHT_IN_NETNS !== '1' &&
        'needs the loopback-only network namespace to take its interface down',
    },
    () =>
      diagnostics.explainFailure(async () => {
        const { hostPage, visitorPage } = await call();
        await waitUntil(
          () => readCallStats(hostPage, HOST_TAG),
          (stats) => stats.inbound?.video.framesDecoded > 0,
          { description: 'host to decode video before the drop' },
        );

        // The driver talks to the browsers over loopback too, so nothing is read while the
        // link is down: the page records every call state it passes through instead.
        await visitorPage.evaluate((tag) => {
          const call = document.querySelector(tag).call;
          globalThis.__callStates = [];
          call.addEventListener('change', () => globalThis.__callStates.push(call.state));
        }, VISITOR_TAG);
        execFileSync('ip', ['link', 'set', 'lo', 'down']);
        try {
          await sleep(LINK_DOWN_MS);
        } finally {
          execFileSync('ip', ['link', 'set', 'lo', 'up']);
        }

        await waitUntil(
          () => readCall(visitorPage, VISITOR_TAG, 'state'),
          (state) => state === 'connected',
          { description: 'the visitor call to reconnect', timeoutMs: 30_000 },
        );
        const states = await visitorPage.evaluate(() => globalThis.__callStates);
        assert.ok(states.includes('reconnecting'), `no reconnecting state: ${states.join(', ')}`);
        assert.ok((await readCall(visitorPage, VISITOR_TAG, 'iceRestarts')) > 0, 'no ICE restart');
        const first = await readCallStats(hostPage, HOST_TAG);
        await sleep(2_500);
        const second = await readCallStats(hostPage, HOST_TAG);
        assert.ok(
          second.inbound.video.framesDecoded > first.inbound.video.framesDecoded,
          `host decoded no new frame after the restart: ${first.inbound.video.framesDecoded} ` +
            `then ${second.inbound.video.framesDecoded}`,
        );
        assert.ok(
          second.e2ee.decrypt.video.frames > first.e2ee.decrypt.video.frames,
          'host decrypted no new frame after the restart',
        );
        assert.equal(await consoleStatus(hostPage), 'in-call');
      }),
  );
});
