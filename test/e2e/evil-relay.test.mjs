// End to end with a relay in the middle: a proxy between the browsers and the real relay runs its
// own key agreement with each side. The visitor must stop the call with the identity error, and
// call must end on the host's side too.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startEvilRelay } from './_evil-relay.mjs';
import {
  clickWhenPresent,
  Diagnostics,
  openOnlineConsole,
  openPage,
  saveScreenshot,
  useServersAndBrowsers,
  waitUntil,
} from './_harness.mjs';

const HOST_TAG = 'porchlight-console';
const VISITOR_TAG = 'porchlight-button';
const TEST_TIMEOUT_MS = 60_000;
const IDENTITY_MESSAGE = 'We could not confirm that this is your therapist, so the call was stopped.';

describe('call through a relay in the middle', () => {
  const diagnostics = new Diagnostics();
  const setup = useServersAndBrowsers(diagnostics, { startProxy: startEvilRelay });

  it('visitor shows the identity error', { timeout: TEST_TIMEOUT_MS }, async () => {
    await diagnostics.explainFailure(async () => {
      const { servers, host, visitor } = setup;
      const { hostPage, roomId } = await openOnlineConsole({ servers, host, diagnostics });
      const visitorPage = await openPage(
        visitor,
        `${servers.baseUrl}/site/?room=${roomId}`,
        diagnostics,
      );
      await diagnostics.step('visitor button shows presence="available"', () =>
        visitorPage.waitForSelector(`${VISITOR_TAG}[presence="available"]`, { timeout: 15_000 }),
      );
      await diagnostics.step('visitor clicks talk-button', () =>
        clickWhenPresent(visitorPage, `${VISITOR_TAG} >>> [part~="talk-button"]`),
      );
      await diagnostics.step('visitor clicks join in the device check', () =>
        clickWhenPresent(visitorPage, `${VISITOR_TAG} >>> [part~="join"]`),
      );
      await diagnostics.step('host clicks admit', () =>
        clickWhenPresent(hostPage, `${HOST_TAG} >>> [part~="admit"]`),
      );

      const errorCode = await diagnostics.step('visitor reports identity-mismatch', () =>
        waitUntil(
          () =>
            visitorPage.evaluate(
              (tag) => document.querySelector(tag)?.client?.error?.code ?? null,
              VISITOR_TAG,
            ),
          (code) => code !== null,
          { description: 'an error on the visitor client' },
        ),
      );
      await saveScreenshot(visitorPage, 'evil-relay-visitor');

      assert.equal(errorCode, 'identity-mismatch');
      const alertText = await visitorPage.evaluate(
        (tag) => document.querySelector(tag)?.shadowRoot?.querySelector('[role="alert"]')?.textContent,
        VISITOR_TAG,
      );
      assert.ok(alertText?.includes(IDENTITY_MESSAGE), `visitor alert reads: ${alertText}`);
      assert.equal(servers.proxy.stats.rewrittenKeyShares, 2, 'proxy rewrote both key shares');

      // The visitor sends hang-up and closes the peer connection; whichever reaches the host
      // first decides its end reason, so only the end itself is checked.
      await waitUntil(
        () => hostPage.evaluate((tag) => document.querySelector(tag)?.call?.state ?? null, HOST_TAG),
        (state) => state === 'ended',
        { description: 'the host call to end' },
      );
      assert.deepEqual(diagnostics.uncaughtErrors, [], 'pages threw uncaught errors');
    });
  });
});
