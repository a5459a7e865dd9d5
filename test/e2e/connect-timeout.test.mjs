// End to end: a call whose peer-to-peer connection can never come up. The visitor's Chromium runs
// without --allow-loopback-in-peer-connection, so in the loopback-only namespace it gathers no ICE
// candidate at all, while signaling through the real relay works. Both sides admit, derive keys
// and show "Connecting securely…". The connect budget, shortened by a test hook, must then end
// the call on both sides. The visitor's button shows the call-failed message with Try again, and
// the console shows its own notice and is online again for the next visitor.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chromiumArgs } from '../../scripts/_chromium.mjs';
import {
  admitCall,
  consoleStatus,
  Diagnostics,
  HOST_TAG,
  readAlertText,
  readCall,
  saveScreenshot,
  useServersAndBrowsers,
  VISITOR_TAG,
  waitUntil,
} from './_harness.mjs';

const TEST_TIMEOUT_MS = 60_000;
/** Connect budget both sides get through the `connectBudgetMs` test hook. */
const CONNECT_BUDGET_MS = 6_000;
/** Time allowed beyond the budget for the relay round trip and the re-render. */
const SLACK_MS = 4_000;

/** Starts of the widget's texts for a failed call, on the visitor's side and in the console. */
const VISITOR_TEXT = 'The call could not be connected or was interrupted.';
const CONSOLE_TEXT = 'The last call could not be connected or was interrupted.';
const CONNECTING_TEXT = 'Connecting securely…';

/** Reads the status text of the call view inside the element `tag`, or null when there is none. */
async function readCallViewStatus(page, tag) {
  return page.evaluate((tagName) => {
    const view = document.querySelector(tagName)?.shadowRoot?.querySelector('porchlight-call-view');
    const status = view?.shadowRoot?.querySelector('[part~="status"]');
    return status ? status.textContent.trim() : null;
  }, tag);
}

/** Returns whether `selector` matches inside the shadow root of the element `tag`. */
async function hasPart(page, tag, selector) {
  return page.evaluate(
    (tagName, partSelector) =>
      document.querySelector(tagName)?.shadowRoot?.querySelector(partSelector) != null,
    tag,
    selector,
  );
}

describe('call that cannot connect', () => {
  const diagnostics = new Diagnostics();
  const visitorArgs = chromiumArgs.filter((flag) => flag !== '--allow-loopback-in-peer-connection');
  const setup = useServersAndBrowsers(diagnostics, { visitorArgs });

  it('ends as failed on both sides', { timeout: TEST_TIMEOUT_MS }, async () => {
    await diagnostics.explainFailure(async () => {
      const hooks = { connectBudgetMs: CONNECT_BUDGET_MS };
      const { hostPage, visitorPage } = await admitCall({
        ...setup,
        diagnostics,
        hostHooks: hooks,
        visitorHooks: hooks,
      });
      const admittedAt = Date.now();

      for (const [side, page, tag] of [
        ['host', hostPage, HOST_TAG],
        ['visitor', visitorPage, VISITOR_TAG],
      ]) {
        const text = await diagnostics.step(`${side} shows the connecting state`, () =>
          waitUntil(
            () => readCallViewStatus(page, tag),
            (status) => status === CONNECTING_TEXT,
            { description: `${side} call view to read "${CONNECTING_TEXT}"`, timeoutMs: 5_000 },
          ),
        );
        assert.equal(text, CONNECTING_TEXT, `${side} call view status`);
      }
      const hostSas = await waitUntil(
        () => readCall(hostPage, HOST_TAG, 'sas'),
        (sas) => sas !== null,
        { description: 'host to derive the security code', timeoutMs: 5_000 },
      );
      assert.equal(await readCall(visitorPage, VISITOR_TAG, 'sas'), hostSas, 'security codes');
      assert.equal(await readCall(hostPage, HOST_TAG, 'state'), 'connecting', 'host call state');
      assert.equal(
        await readCall(visitorPage, VISITOR_TAG, 'state'),
        'connecting',
        'visitor call state',
      );
      await saveScreenshot(visitorPage, 'connect-timeout-connecting');

      const visitorAlert = await diagnostics.step('visitor shows the call-failed message', () =>
        waitUntil(
          () => readAlertText(visitorPage, VISITOR_TAG),
          (text) => text !== null,
          { description: 'visitor alert', timeoutMs: CONNECT_BUDGET_MS + SLACK_MS },
        ),
      );
      const visitorFailedAfterMs = Date.now() - admittedAt;
      await saveScreenshot(visitorPage, 'connect-timeout-visitor');
      const consoleAlert = await diagnostics.step('console shows the call-failed notice', () =>
        waitUntil(
          () => readAlertText(hostPage, HOST_TAG),
          (text) => text !== null,
          { description: 'console alert', timeoutMs: SLACK_MS },
        ),
      );
      await saveScreenshot(hostPage, 'connect-timeout-host');

      assert.ok(visitorAlert.startsWith(VISITOR_TEXT), `visitor alert: ${visitorAlert}`);
      // The call starts a little after the admit click returned, so allow a second either way.
      assert.ok(
        visitorFailedAfterMs >= CONNECT_BUDGET_MS - 1_000,
        `visitor failed after ${visitorFailedAfterMs} ms, before the ${CONNECT_BUDGET_MS} ms budget`,
      );
      assert.ok(
        visitorFailedAfterMs <= CONNECT_BUDGET_MS + SLACK_MS,
        `visitor failed after ${visitorFailedAfterMs} ms, budget ${CONNECT_BUDGET_MS} ms`,
      );
      assert.ok(
        await hasPart(visitorPage, VISITOR_TAG, '[part~="retry"]'),
        'visitor has no Try again button',
      );
      assert.equal(await readCall(visitorPage, VISITOR_TAG, 'endReason'), 'failed');
      assert.ok(consoleAlert.startsWith(CONSOLE_TEXT), `console alert: ${consoleAlert}`);
      assert.equal(await readCall(hostPage, HOST_TAG, 'endReason'), 'failed');
      assert.equal(await consoleStatus(hostPage), 'online', 'console status');
      await diagnostics.step('visitor sees the therapist available again', () =>
        visitorPage.waitForSelector(`${VISITOR_TAG}[presence="available"]`, { timeout: 5_000 }),
      );
      assert.deepEqual(diagnostics.uncaughtErrors, [], 'pages threw uncaught errors');
    });
  });
});
