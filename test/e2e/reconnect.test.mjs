// End to end: the relay restarts while a therapist is online and a visitor waits. Both clients
// must reconnect with backoff by themselves: the console announces its presence again, and the
// visitor knocks again, so the console lists the visitor once more and can admit them.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startRelay } from '../../scripts/_relay-process.mjs';
import { startStaticServer } from '../../scripts/_static-server.mjs';
import {
  clickWhenPresent,
  Diagnostics,
  launchBrowser,
  openPage,
  readCallStats,
  readConsoleRoomId,
  requireWidgetBuild,
  waitUntil,
} from './_harness.mjs';

const TEST_TIMEOUT_MS = 90_000;
const HOOK_TIMEOUT_MS = 30_000;

function attribute(page, tag, name) {
  return page.evaluate((selector, key) => document.querySelector(selector)?.[key], tag, name);
}

describe('relay restart', () => {
  const diagnostics = new Diagnostics();
  let relay;
  let web;
  let host;
  let visitor;

  before(
    async () => {
      requireWidgetBuild();
      relay = await startRelay({ port: 0, onLine: (line) => diagnostics.add('relay', line) });
      web = await startStaticServer({ port: 0, relayUrl: relay.url });
      host = await launchBrowser('host', diagnostics);
      visitor = await launchBrowser('visitor', diagnostics);
    },
    { timeout: HOOK_TIMEOUT_MS },
  );

  after(
    async () => {
      await Promise.allSettled([host?.close(), visitor?.close()]);
      await Promise.allSettled([relay?.stop(), web?.close()]);
    },
    { timeout: HOOK_TIMEOUT_MS },
  );

  it('clients reconnect and knock again', { timeout: TEST_TIMEOUT_MS }, () =>
    diagnostics.explainFailure(async () => {
      const hostPage = await openPage(host, `${web.url}/console/`, diagnostics);
      const roomId = await readConsoleRoomId(hostPage);
      await clickWhenPresent(hostPage, 'porchlight-console >>> [part~="go-online"]');
      const visitorPage = await openPage(visitor, `${web.url}/site/?room=${roomId}`, diagnostics);
      await visitorPage.waitForSelector('porchlight-button[presence="available"]');
      await clickWhenPresent(visitorPage, 'porchlight-button >>> [part~="talk-button"]');
      await clickWhenPresent(visitorPage, 'porchlight-button >>> [part~="join"]');
      await waitUntil(
        () =>
          hostPage.evaluate(() => document.querySelector('porchlight-console').client.knocks.length),
        (count) => count === 1,
        { description: 'one knock on the console' },
      );

      const port = new URL(relay.url).port;
      await relay.stop();
      const clientState = (page, tag) =>
        page.evaluate((selector) => document.querySelector(selector).client.state, tag);
      await waitUntil(
        () => clientState(visitorPage, 'porchlight-button'),
        (state) => state === 'reconnecting',
        { description: 'the visitor to notice the relay is gone' },
      );
      assert.equal(await clientState(hostPage, 'porchlight-console'), 'reconnecting');

      relay = await startRelay({
        port: Number(port),
        onLine: (line) => diagnostics.add('relay', line),
      });
      await waitUntil(
        () => clientState(hostPage, 'porchlight-console'),
        (state) => state === 'online',
        { description: 'the console to be online again', timeoutMs: 30_000 },
      );
      await waitUntil(
        () => clientState(visitorPage, 'porchlight-button'),
        (state) => state === 'waiting',
        { description: 'the visitor to knock again', timeoutMs: 30_000 },
      );
      assert.equal(await attribute(visitorPage, 'porchlight-button', 'presence'), 'available');

      await clickWhenPresent(hostPage, 'porchlight-console >>> [part~="admit"]');
      await waitUntil(
        () => readCallStats(visitorPage, 'porchlight-button'),
        (stats) => stats.connectionState === 'connected',
        { description: 'the call after the restart to connect' },
      );
      assert.deepEqual(diagnostics.uncaughtErrors, []);
    }),
  );
});
