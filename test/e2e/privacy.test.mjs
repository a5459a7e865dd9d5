// End to end: a whole visit under the demo's strict Content-Security-Policy. The visitor sees the
// therapist offline, then available, knocks, is admitted, talks, hangs up, knocks again and is
// declined. Every request of both pages and their workers is recorded over the Chrome DevTools
// Protocol, WebSockets included, and must go to the page's own origin or to the relay. The
// visitor's browser must end with no cookie and nothing in Web Storage, IndexedDB or Cache
// Storage, and no page may report a CSP violation.
//
// The same walk saves a screenshot of each state to test-results/screenshots/, or to
// docs/screenshots/ when PORCHLIGHT_SCREENSHOTS=docs is set (which refreshes the README images).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  clickWhenPresent,
  Diagnostics,
  openPage,
  readCallStats,
  readConsoleRoomId,
  saveStateScreenshot,
  STATE_SCREENSHOT_VIEWPORT,
  useServersAndBrowsers,
  waitUntil,
} from './_harness.mjs';

const HOST_TAG = 'porchlight-console';
const VISITOR_TAG = 'porchlight-button';
const TEST_TIMEOUT_MS = 90_000;

/**
 * Records the URL of every request of `page` and of every worker it starts, WebSocket handshakes
 * included, and every console entry about the Content-Security-Policy, into `record`. Workers
 * are held at their start until their Network domain is enabled, so their first request counts.
 */
async function recordTraffic(page, record) {
  const session = await page.createCDPSession();
  const watch = async (target) => {
    target.on('Network.requestWillBeSent', (event) => record.requests.push(event.request.url));
    target.on('Network.webSocketCreated', (event) => record.requests.push(event.url));
    target.on('Log.entryAdded', ({ entry }) => {
      if (/content security policy/i.test(entry.text)) record.cspMessages.push(entry.text);
    });
    await target.send('Network.enable');
    await target.send('Log.enable');
  };
  session.on('sessionattached', (child) => {
    watch(child)
      .then(() => child.send('Target.setAutoAttach', autoAttach))
      .catch((error) => record.errors.push(`worker session: ${error.message}`))
      .finally(() => child.send('Runtime.runIfWaitingForDebugger').catch(() => undefined));
  });
  const autoAttach = { autoAttach: true, waitForDebuggerOnStart: true, flatten: true };
  await watch(session);
  await session.send('Target.setAutoAttach', autoAttach);

  // The listener is added before any page script runs. It also hears violations inside shadow
  // roots, because the event is composed.
  await page.evaluateOnNewDocument(() => {
    globalThis.__PORCHLIGHT_CSP_VIOLATIONS__ = [];
    document.addEventListener('securitypolicyviolation', (event) => {
      globalThis.__PORCHLIGHT_CSP_VIOLATIONS__.push(
        `${event.effectiveDirective} blocked ${event.blockedURI || 'inline code'}`,
      );
    });
  });
  page.on('response', (response) => {
    if (response.request().resourceType() === 'document') {
      record.policies.push(response.headers()['content-security-policy'] ?? '');
    }
  });
  return session;
}

function newRecord() {
  return { requests: [], cspMessages: [], policies: [], errors: [] };
}

/** Polls until `selector` matches, looking into shadow roots (`>>>`). */
function waitForDeep(page, selector, description) {
  return waitUntil(
    async () => (await page.$(selector)) !== null,
    (present) => present,
    { description: description ?? `an element matching ${selector}`, timeoutMs: 15_000 },
  );
}

/** Reads what the visitor's browser stored for the page's origin. */
function readVisitorStorage(page) {
  return page.evaluate(async () => ({
    cookie: document.cookie,
    localStorage: localStorage.length,
    sessionStorage: sessionStorage.length,
    indexedDb: (await indexedDB.databases()).map((database) => database.name),
    cacheStorage: await caches.keys(),
  }));
}

function assertStrictPolicy(policy, side) {
  assert.match(policy, /script-src 'self'/, `${side} page has no strict script-src: ${policy}`);
  assert.doesNotMatch(policy, /unsafe-inline/, `${side} policy allows unsafe-inline`);
  assert.doesNotMatch(policy, /unsafe-eval/, `${side} policy allows unsafe-eval`);
}

/** Returns the origin of a URL, or `data:` or `blob:` for URLs that never leave the browser. */
function originOf(url) {
  if (url.startsWith('data:') || url.startsWith('blob:')) return url.slice(0, 5);
  return new URL(url).origin;
}

describe('visit under a strict CSP', () => {
  const diagnostics = new Diagnostics();
  const setup = useServersAndBrowsers(diagnostics);

  it('talks only to its origin and the relay', { timeout: TEST_TIMEOUT_MS }, async () => {
    await diagnostics.explainFailure(async () => {
      const { servers, host, visitor } = setup;
      const hostRecord = newRecord();
      const visitorRecord = newRecord();
      let visitorSession;
      const prepare = (record, keep) => async (page) => {
        await page.setViewport(STATE_SCREENSHOT_VIEWPORT);
        const session = await recordTraffic(page, record);
        if (keep) visitorSession = session;
      };

      const hostPage = await openPage(
        host,
        `${servers.baseUrl}/console/`,
        diagnostics,
        undefined,
        prepare(hostRecord, false),
      );
      const roomId = await readConsoleRoomId(hostPage);
      const visitorPage = await openPage(
        visitor,
        `${servers.baseUrl}/site/?room=${roomId}`,
        diagnostics,
        undefined,
        prepare(visitorRecord, true),
      );

      await diagnostics.step('visitor sees the therapist offline', async () => {
        await visitorPage.waitForSelector(`${VISITOR_TAG}[presence="offline"]`, { timeout: 15_000 });
        await saveStateScreenshot(visitorPage, 'button-offline');
      });
      // The demo site's embed carries data-fallback-url="#contact", the visitor's way on while
      // no call can start.
      const fallback = `${VISITOR_TAG} >>> [part~="fallback"]`;
      const fallbackHref = await visitorPage.$eval(fallback, (link) => link.href);
      assert.equal(fallbackHref, `${servers.baseUrl}/site/?room=${roomId}#contact`);

      await diagnostics.step('host goes online', () =>
        clickWhenPresent(hostPage, `${HOST_TAG} >>> [part~="go-online"]`),
      );
      await diagnostics.step('visitor sees the therapist available', async () => {
        await visitorPage.waitForSelector(`${VISITOR_TAG}[presence="available"]`, {
          timeout: 15_000,
        });
        await saveStateScreenshot(visitorPage, 'button-available');
      });
      assert.equal(await visitorPage.$(fallback), null, 'the fallback link shows while available');
      const definedBeforeClick = await visitorPage.evaluate(
        () => customElements.get('porchlight-button') !== undefined,
      );
      assert.equal(definedBeforeClick, false, 'the call code ran before the visitor clicked');

      await diagnostics.step('visitor knocks and waits', async () => {
        await clickWhenPresent(visitorPage, `${VISITOR_TAG} >>> [part~="talk-button"]`);
        await clickWhenPresent(visitorPage, `${VISITOR_TAG} >>> [part~="join"]`);
        await waitForDeep(visitorPage, `${VISITOR_TAG} >>> [part~="cancel"]`);
        await saveStateScreenshot(visitorPage, 'button-waiting');
      });
      await diagnostics.step('host sees the knock and admits', async () => {
        await waitForDeep(hostPage, `${HOST_TAG} >>> [part~="admit"]`);
        await saveStateScreenshot(hostPage, 'console-knock');
        await clickWhenPresent(hostPage, `${HOST_TAG} >>> [part~="admit"]`);
      });

      for (const [page, tag] of [
        [hostPage, HOST_TAG],
        [visitorPage, VISITOR_TAG],
      ]) {
        await diagnostics.step(`${tag} decodes remote video`, () =>
          waitUntil(
            () => readCallStats(page, tag),
            (stats) => stats.inbound?.video.framesDecoded > 0,
            { description: `${tag} to decode its first remote video frame` },
          ),
        );
      }
      await saveStateScreenshot(visitorPage, 'button-in-call');
      await saveStateScreenshot(hostPage, 'console-in-call');

      await diagnostics.step('visitor hangs up', async () => {
        await clickWhenPresent(visitorPage, `${VISITOR_TAG} >>> [part~="hang-up"]`);
        await waitForDeep(visitorPage, `${VISITOR_TAG} >>> [part~="close"]`);
        await saveStateScreenshot(visitorPage, 'button-ended');
        await clickWhenPresent(visitorPage, `${VISITOR_TAG} >>> [part~="close"]`);
      });

      await diagnostics.step('host declines a second knock', async () => {
        await clickWhenPresent(visitorPage, `${VISITOR_TAG} >>> [part~="talk-button"]`);
        await clickWhenPresent(visitorPage, `${VISITOR_TAG} >>> [part~="join"]`);
        await clickWhenPresent(hostPage, `${HOST_TAG} >>> [part~="decline"]`);
        await waitForDeep(visitorPage, `${VISITOR_TAG} >>> [role="alert"]`);
        await saveStateScreenshot(visitorPage, 'button-error');
      });

      const allowed = new Set([new URL(servers.baseUrl).origin, new URL(servers.relayUrl).origin]);
      for (const [side, record] of [
        ['host', hostRecord],
        ['visitor', visitorRecord],
      ]) {
        assert.deepEqual(record.errors, [], `${side}: recording failed`);
        assert.ok(record.requests.length > 0, `${side}: no request was recorded`);
        assert.ok(
          record.requests.includes(servers.relayUrl) ||
            record.requests.some((url) => url.startsWith(servers.relayUrl)),
          `${side}: no WebSocket to the relay was recorded: ${record.requests.join(', ')}`,
        );
        const foreign = record.requests.filter((url) => !allowed.has(originOf(url)));
        assert.deepEqual(foreign, [], `${side}: requests left the page origin and the relay`);
        assert.ok(record.policies.length > 0, `${side}: no document response was recorded`);
        for (const policy of record.policies) assertStrictPolicy(policy, side);
        assert.deepEqual(record.cspMessages, [], `${side}: the console reported CSP problems`);
      }
      assert.ok(
        visitorRecord.requests.some((url) => url.endsWith('/porchlight-e2ee-worker.js')),
        'the visitor never requested the E2EE worker, so its requests were not covered',
      );

      for (const [side, page] of [
        ['host', hostPage],
        ['visitor', visitorPage],
      ]) {
        const violations = await page.evaluate(() => globalThis.__PORCHLIGHT_CSP_VIOLATIONS__);
        assert.deepEqual(violations, [], `${side}: securitypolicyviolation events`);
      }

      const { cookies } = await visitorSession.send('Network.getAllCookies');
      assert.deepEqual(cookies, [], 'the visitor browser holds cookies');
      const stored = await readVisitorStorage(visitorPage);
      assert.equal(stored.cookie, '', 'document.cookie is not empty');
      assert.equal(stored.localStorage, 0, 'localStorage has entries');
      assert.equal(stored.sessionStorage, 0, 'sessionStorage has entries');
      assert.deepEqual(stored.indexedDb, [], 'IndexedDB has databases');
      assert.deepEqual(stored.cacheStorage, [], 'Cache Storage has caches');
      assert.deepEqual(diagnostics.uncaughtErrors, [], 'pages threw uncaught errors');
    });
  });
});
