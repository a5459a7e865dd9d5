// Helpers for the end-to-end tests. They start the real relay process, the static server for the
// example pages and separate Chromium or Firefox instances driven by puppeteer-core. They read call
// statistics from the pages and collect what the pages and the relay print, for failure messages.
//
// Run the tests inside a loopback-only network namespace (`npm run test:e2e` does), so that the
// browsers send ICE checks nowhere but 127.0.0.1. Set PORCHLIGHT_E2E_VERBOSE=1 to also print the
// page and relay log live to stderr, and PORCHLIGHT_E2E_WIDGET_DIR to serve another widget build
// than packages/widget/dist at /dist/.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { after, before } from 'node:test';
import puppeteer from 'puppeteer-core';
import { chromePath, chromiumArgs } from '../../scripts/_chromium.mjs';
import { firefoxPath, firefoxPrefs } from '../../scripts/_firefox.mjs';
import { startRelay } from '../../scripts/_relay-process.mjs';
import { startStaticServer } from '../../scripts/_static-server.mjs';

const repositoryRoot = fileURLToPath(new URL('../..', import.meta.url));

/** Folder for screenshots; ignored by git. */
export const RESULTS_DIR = join(repositoryRoot, 'test-results');

const widgetDir =
  process.env.PORCHLIGHT_E2E_WIDGET_DIR || join(repositoryRoot, 'packages', 'widget', 'dist');

const BROWSER_CLOSE_GRACE_MS = 5_000;
const MAX_LOG_LINES = 400;

/** Throws unless the widget bundle has been built, with the command that builds it. */
export function requireWidgetBuild() {
  const bundle = join(widgetDir, 'porchlight.js');
  if (!existsSync(bundle)) {
    throw new Error(`Widget bundle not found at ${bundle}: run npm run build first`);
  }
}

/** Collects log lines from pages, workers and the relay, for failure messages. */
export class Diagnostics {
  lines = [];
  /** Uncaught exceptions of pages, as "source: message" strings. */
  uncaughtErrors = [];
  verbose = process.env.PORCHLIGHT_E2E_VERBOSE === '1';

  add(source, text) {
    const line = `[${source}] ${text}`;
    this.lines.push(line);
    if (this.lines.length > MAX_LOG_LINES) this.lines.shift();
    if (this.verbose) process.stderr.write(`${line}\n`);
  }

  /** Formats the collected lines as a block to append to an error message. */
  report() {
    if (this.lines.length === 0) return '\n(no page or relay output)';
    const header = `--- page and relay output (last ${this.lines.length} lines) ---`;
    return `\n${header}\n${this.lines.join('\n')}`;
  }

  /** Runs one named step of a test, so that a failure names the step. */
  async step(description, body) {
    this.add('step', description);
    try {
      return await body();
    } catch (error) {
      if (error instanceof Error) error.message = `${description}: ${error.message}`;
      throw error;
    }
  }

  /** Runs `body` and, when it throws, appends the collected output to the error message. */
  async explainFailure(body) {
    try {
      return await body();
    } catch (error) {
      if (error instanceof Error) error.message += this.report();
      throw error;
    }
  }
}

/**
 * Starts the relay on a free port and the static server on another, with the example pages'
 * relay URL rewritten to the relay's. `relayEnv` adds environment variables for the relay. With
 * `startProxy`, the pages connect to the proxy it starts in front of the relay instead:
 * `startProxy(relayUrl)` resolves with `{ url, close }`.
 */
export async function startServers(diagnostics, relayEnv = {}, { startProxy } = {}) {
  const onLine = (line) => diagnostics.add('relay', line);
  const relay = await startRelay({ port: 0, onLine, env: relayEnv });
  let proxy;
  let web;
  try {
    proxy = startProxy ? await startProxy(relay.url) : undefined;
    web = await startStaticServer({ port: 0, relayUrl: proxy?.url ?? relay.url, widgetDir });
  } catch (error) {
    await proxy?.close();
    await relay.stop();
    throw error;
  }
  return {
    relayUrl: relay.url,
    baseUrl: web.url,
    proxy,
    async close() {
      await proxy?.close();
      await Promise.all([relay.stop(), web.close()]);
    },
  };
}

/** Throws unless Firefox is installed, with the command that installs it. */
export function requireFirefox() {
  if (!existsSync(firefoxPath)) {
    throw new Error(
      `Firefox not found at ${firefoxPath}: run apt-get install -y firefox-esr or set FIREFOX_PATH`,
    );
  }
}

function launchOptions(engine, userDataDir, args, prefs) {
  const common = { headless: true, userDataDir, defaultViewport: { width: 1280, height: 800 } };
  if (engine === 'firefox') {
    return {
      ...common,
      browser: 'firefox',
      executablePath: firefoxPath,
      extraPrefsFirefox: prefs,
    };
  }
  return { ...common, executablePath: chromePath, args };
}

/**
 * Launches one Chromium (`engine` 'chromium', the default) or Firefox ('firefox') instance with
 * its own fresh profile under the temp folder. `args` replaces the Chromium flags of
 * `scripts/_chromium.mjs`, and `prefs` the Firefox preferences of `scripts/_firefox.mjs`.
 * `close()` closes it (killing it if it hangs) and removes the profile.
 */
export async function launchBrowser(
  name,
  diagnostics,
  { engine = 'chromium', args = chromiumArgs, prefs = firefoxPrefs } = {},
) {
  const userDataDir = await mkdtemp(join(tmpdir(), `porchlight-e2e-${name}-`));
  let browser;
  try {
    browser = await puppeteer.launch(launchOptions(engine, userDataDir, args, prefs));
  } catch (error) {
    await rm(userDataDir, { recursive: true, force: true });
    throw error;
  }
  browser.on('disconnected', () => diagnostics.add(name, 'browser disconnected'));

  return {
    name,
    engine,
    browser,
    async close() {
      const closing = browser.close().catch(() => {});
      const timedOut = await Promise.race([
        closing.then(() => false),
        sleep(BROWSER_CLOSE_GRACE_MS).then(() => true),
      ]);
      if (timedOut) browser.process()?.kill('SIGKILL');
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}

/** Records console messages, uncaught errors and failed requests of a page and its workers. */
function recordPageOutput(page, source, diagnostics) {
  page.on('console', (message) => {
    diagnostics.add(source, `console.${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => {
    diagnostics.uncaughtErrors.push(`${source}: ${error instanceof Error ? error.message : error}`);
    diagnostics.add(source, `uncaught: ${error instanceof Error ? error.stack : String(error)}`);
  });
  page.on('requestfailed', (request) => {
    const reason = request.failure()?.errorText ?? 'unknown reason';
    diagnostics.add(source, `request failed: ${request.url()} (${reason})`);
  });
  page.on('response', (response) => {
    if (response.status() >= 400) {
      diagnostics.add(source, `HTTP ${response.status()} ${response.url()}`);
    }
  });
  page.on('workercreated', (worker) => {
    diagnostics.add(source, `worker started: ${worker.url()}`);
    worker.on('console', (message) => {
      diagnostics.add(`${source} worker`, `console.${message.type()}: ${message.text()}`);
    });
  });
}

/**
 * Opens `url` in a new page of `browser`, or of `context` (a puppeteer BrowserContext of that
 * browser) when given. `testHooks`, when given, becomes `globalThis.__PORCHLIGHT_TEST__` before
 * any script of the page runs. `prepare(page)`, when given, runs before the page navigates, for
 * example to start recording its requests.
 *
 * Every page also records the `frames-dropped` notices that E2EE workers post to it, for
 * {@link readCallStats}: a `Worker` subclass adds a listener and changes nothing else.
 */
export async function openPage(browser, url, diagnostics, testHooks, prepare, { context } = {}) {
  const page = await (context ?? browser.browser).newPage();
  recordPageOutput(page, browser.name, diagnostics);
  if (prepare !== undefined) await prepare(page);
  await page.evaluateOnNewDocument(() => {
    const notices = [];
    globalThis.__PORCHLIGHT_DROP_NOTICES__ = notices;
    globalThis.Worker = class RecordingWorker extends globalThis.Worker {
      constructor(...args) {
        super(...args);
        this.addEventListener('message', (event) => {
          if (event.data?.type === 'frames-dropped') notices.push(event.data);
        });
      }
    };
  });
  if (testHooks !== undefined) {
    await page.evaluateOnNewDocument((hooks) => {
      globalThis.__PORCHLIGHT_TEST__ = hooks;
    }, testHooks);
  }
  await page.goto(url, { waitUntil: 'load' });
  return page;
}

/** Backup passphrase the harness types when a fresh console asks for one to create its key. */
export const CONSOLE_PASSPHRASE = 'end-to-end test passphrase';

/**
 * Waits for the console in `page` to load its identity and returns the room id it derived. A
 * fresh profile holds no key, so the console first asks for a backup passphrase: the harness
 * fills in {@link CONSOLE_PASSPHRASE} and submits the form once.
 */
export async function readConsoleRoomId(page) {
  return waitUntil(
    () =>
      page.evaluate((passphrase) => {
        const element = document.querySelector('porchlight-console');
        if (!element) return null;
        if (element.roomId) return element.roomId;
        const panel = element.shadowRoot?.querySelector('porchlight-identity-key');
        const form = panel?.shadowRoot?.querySelector('form[part="create"]');
        if (form && form.dataset.submitted === undefined) {
          form.dataset.submitted = '';
          form.querySelector('input[name="passphrase"]').value = passphrase;
          form.querySelector('input[name="repeat"]').value = passphrase;
          form.requestSubmit();
        }
        return null;
      }, CONSOLE_PASSPHRASE),
    (roomId) => typeof roomId === 'string',
    { description: 'the console to create or load its identity (roomId)' },
  );
}

/** Reads the identity fields of the call of element `tagName`: SAS and identityVerified. */
export async function readCallIdentity(page, tagName) {
  return page.evaluate((tag) => {
    const call = document.querySelector(tag)?.call;
    return call ? { sas: call.sas, identityVerified: call.identityVerified } : null;
  }, tagName);
}

/**
 * Reads the call state of the element `tagName` in `page`: the peer connection state, inbound RTP
 * counters per media kind (summed over streams), the negotiated codecs, the element's E2EE frame
 * counters and the E2EE workers' `frames-dropped` notices so far.
 */
export async function readCallStats(page, tagName) {
  return page.evaluate(async (tag) => {
    const element = document.querySelector(tag);
    if (element === null) return { error: `no <${tag}> element in the page` };
    const call = element.call;
    if (call === undefined || call === null) return { error: `<${tag}> has no call` };
    const peerConnection = call.peerConnection;
    if (!(peerConnection instanceof RTCPeerConnection)) {
      return { error: `<${tag}>.call.peerConnection is not an RTCPeerConnection` };
    }

    const inbound = {
      audio: { packetsReceived: 0, totalSamplesReceived: 0, bytesReceived: 0 },
      video: { packetsReceived: 0, framesDecoded: 0, bytesReceived: 0 },
    };
    const codecIds = [];
    const report = await peerConnection.getStats();
    report.forEach((entry) => {
      if (entry.type !== 'inbound-rtp' && entry.type !== 'outbound-rtp') return;
      if (entry.codecId !== undefined) codecIds.push(entry.codecId);
      if (entry.type !== 'inbound-rtp') return;
      const totals = inbound[entry.kind];
      if (totals === undefined) return;
      for (const field of Object.keys(totals)) totals[field] += entry[field] ?? 0;
    });
    // MIME types of the codecs that RTP streams use, for example "video/VP8".
    const codecs = [...new Set(codecIds.map((id) => report.get(id)?.mimeType))]
      .filter((mimeType) => typeof mimeType === 'string')
      .sort();

    const e2ee = await call.getE2eeStats();
    return {
      connectionState: peerConnection.connectionState,
      inbound,
      codecs,
      e2ee: JSON.parse(JSON.stringify(e2ee)),
      dropNotices: JSON.parse(JSON.stringify(globalThis.__PORCHLIGHT_DROP_NOTICES__ ?? [])),
    };
  }, tagName);
}

/**
 * Reads the call stats of the host's console and the visitor's button at the same time, and
 * throws if either page has no call to read. Returns `{ host, visitor }`.
 */
export async function readBothSides(hostPage, visitorPage) {
  const [host, visitor] = await Promise.all([
    readCallStats(hostPage, HOST_TAG),
    readCallStats(visitorPage, VISITOR_TAG),
  ]);
  assert.equal(host.error, undefined, `host: ${host.error}`);
  assert.equal(visitor.error, undefined, `visitor: ${visitor.error}`);
  return { host, visitor };
}

/**
 * Calls `read` every `intervalMs` until `done(value)` is true and returns that value. On timeout it
 * throws with `description` and the last value read.
 */
export async function waitUntil(read, done, { description, timeoutMs = 20_000, intervalMs = 250 }) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    last = await read();
    if (done(last)) return last;
    await sleep(intervalMs);
  }
  const lastValue = JSON.stringify(last);
  throw new Error(`Timed out after ${timeoutMs} ms waiting for ${description}: got ${lastValue}`);
}

/**
 * Waits until an element matches `selector`, polling for the reason {@link clickWhenPresent}
 * gives.
 */
export async function waitForElement(page, selector, timeoutMs = 15_000) {
  await waitUntil(
    async () => (await page.$(selector)) !== null,
    (present) => present,
    { description: `an element matching ${selector}`, timeoutMs },
  );
}

/**
 * Clicks the first element matching `selector` once it exists, polling for it because puppeteer
 * 24.43 watches only the light DOM for changes and misses elements that appear later inside a
 * shadow root. The click itself still waits for the element to be visible, enabled and stable.
 */
export async function clickWhenPresent(page, selector, timeoutMs = 15_000) {
  const started = Date.now();
  await waitForElement(page, selector, timeoutMs);
  const remainingMs = Math.max(1_000, timeoutMs - (Date.now() - started));
  await page.locator(selector).setTimeout(remainingMs).click();
}

/** Saves a screenshot of the visible viewport to test-results/NAME.png. */
export async function saveScreenshot(page, name) {
  await mkdir(RESULTS_DIR, { recursive: true });
  await page.screenshot({ path: join(RESULTS_DIR, `${name}.png`), fullPage: false });
}

/** Viewport of the state screenshots: small PNGs that still show the floating button in context. */
export const STATE_SCREENSHOT_VIEWPORT = { width: 800, height: 600 };

const stateScreenshotDir =
  process.env.PORCHLIGHT_SCREENSHOTS === 'docs'
    ? join(repositoryRoot, 'docs', 'screenshots')
    : join(RESULTS_DIR, 'screenshots');

/**
 * Saves a screenshot of one state of an element to test-results/screenshots/NAME.png, or to
 * docs/screenshots/ when PORCHLIGHT_SCREENSHOTS=docs is set (which refreshes the README images).
 */
export async function saveStateScreenshot(page, name) {
  await mkdir(stateScreenshotDir, { recursive: true });
  await page.screenshot({ path: join(stateScreenshotDir, `${name}.png`), fullPage: false });
}

/** Tag of the therapist's console element on the demo console page. */
export const HOST_TAG = 'porchlight-console';
/** Tag of the visitor's button element on the demo website. */
export const VISITOR_TAG = 'porchlight-button';

/** Reads one field of the current call of the element `tagName`, or null when it has no call. */
export async function readCall(page, tagName, field) {
  return page.evaluate(
    (tag, name) => {
      const call = document.querySelector(tag)?.call;
      return call ? call[name] : null;
    },
    tagName,
    field,
  );
}

/** Reads the console's reflected `status`: `offline`, `online` or `in-call`. */
export async function consoleStatus(page) {
  return page.evaluate((tag) => document.querySelector(tag)?.getAttribute('status'), HOST_TAG);
}

/**
 * Adds hooks to the enclosing `describe` that start the relay, the static server and one browser
 * for each side before its tests, and close them after. Returns the object whose `servers`,
 * `host` and `visitor` the `before` hook fills in. `startProxy` is passed on to
 * {@link startServers}, and `visitorArgs`, when given, replaces the visitor's Chromium flags.
 * The host runs in Chromium, the visitor in `visitorEngine` ('chromium' or 'firefox').
 */
export function useServersAndBrowsers(
  diagnostics,
  { startProxy, visitorArgs, timeoutMs = 30_000, visitorEngine = 'chromium' } = {},
) {
  const setup = { servers: undefined, host: undefined, visitor: undefined };
  before(
    async () => {
      requireWidgetBuild();
      if (visitorEngine === 'firefox') requireFirefox();
      setup.servers = await startServers(diagnostics, {}, { startProxy });
      setup.host = await launchBrowser('host', diagnostics);
      setup.visitor = await launchBrowser('visitor', diagnostics, {
        engine: visitorEngine,
        args: visitorArgs,
      });
    },
    { timeout: timeoutMs },
  );
  after(
    async () => {
      await Promise.allSettled([setup.host?.close(), setup.visitor?.close()]);
      await setup.servers?.close();
    },
    { timeout: timeoutMs },
  );
  return setup;
}

/**
 * Opens the therapist's console in `host` (in `hostContext` when given, with `hostHooks` as its
 * test hooks and `hostPrepare` as the `prepare` step of {@link openPage}), waits for its identity
 * and presses Go online. Returns the page and the room id.
 */
export async function openOnlineConsole({
  servers,
  host,
  diagnostics,
  hostHooks,
  hostContext,
  hostPrepare,
}) {
  const hostPage = await openPage(
    host,
    `${servers.baseUrl}/console/`,
    diagnostics,
    hostHooks,
    hostPrepare,
    { context: hostContext },
  );
  const roomId = await diagnostics.step('console derives its room id', () =>
    readConsoleRoomId(hostPage),
  );
  await diagnostics.step('host clicks go-online', () =>
    clickWhenPresent(hostPage, `${HOST_TAG} >>> [part~="go-online"]`),
  );
  return { hostPage, roomId };
}

/**
 * Walks through the product flow up to the admission. The host goes online, the visitor's button
 * shows the therapist as available, the visitor presses Talk now and joins from the device
 * check, and the host admits. Each page
 * opens in `hostContext` or `visitorContext` when given, with `hostHooks` or `visitorHooks` as
 * its test hooks. `hostPrepare(page)` and `visitorPrepare(page)`, when given, run on that side's
 * page before it loads. The visitor opens `visitorPath` (the demo website unless given) with the
 * console's room id as `?room=`.
 */
export async function admitCall({
  servers,
  host,
  visitor,
  diagnostics,
  hostHooks,
  visitorHooks,
  hostContext,
  visitorContext,
  hostPrepare,
  visitorPrepare,
  visitorPath = '/site/',
}) {
  const { hostPage, roomId } = await openOnlineConsole({
    servers,
    host,
    diagnostics,
    hostHooks,
    hostContext,
    hostPrepare,
  });

  // The visitor's page pins the console's identity: the static server writes the room id into
  // its room and data-room attributes.
  const visitorPage = await openPage(
    visitor,
    `${servers.baseUrl}${visitorPath}?room=${roomId}`,
    diagnostics,
    visitorHooks,
    visitorPrepare,
    { context: visitorContext },
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
  return { hostPage, visitorPage };
}

/**
 * Walks through the product flow of {@link admitCall} (same arguments), then waits until both
 * peer connections reach `connected`.
 */
export async function placeCall(options) {
  const { diagnostics } = options;
  const { hostPage, visitorPage } = await admitCall(options);
  for (const [page, tag] of [
    [hostPage, HOST_TAG],
    [visitorPage, VISITOR_TAG],
  ]) {
    await diagnostics.step(`${tag} call connects`, () =>
      waitUntil(
        () => readCallStats(page, tag),
        (stats) => stats.connectionState === 'connected',
        { description: 'connectionState "connected"' },
      ),
    );
  }
  return { hostPage, visitorPage };
}

/** Pause between two samples of the counters that must keep growing. */
export const GROWTH_WINDOW_MS = 2_500;

function assertGrows(before, after, label) {
  assert.ok(before > 0, `${label} is ${before} at the first sample, expected more than 0`);
  assert.ok(after > before, `${label} did not grow: ${before} then ${after}`);
}

/** Checks that media arrives, decodes and passes through the E2EE transforms in both directions. */
export function assertMediaFlows(first, second, side) {
  assert.equal(first.error, undefined, `${side}: ${first.error}`);
  assert.equal(second.error, undefined, `${side}: ${second.error}`);

  assertGrows(
    first.inbound.video.framesDecoded,
    second.inbound.video.framesDecoded,
    `${side} remote video framesDecoded`,
  );
  assertGrows(
    first.inbound.audio.packetsReceived,
    second.inbound.audio.packetsReceived,
    `${side} remote audio packetsReceived`,
  );
  assertGrows(
    first.inbound.audio.totalSamplesReceived,
    second.inbound.audio.totalSamplesReceived,
    `${side} remote audio totalSamplesReceived`,
  );

  for (const direction of ['encrypt', 'decrypt']) {
    for (const kind of ['audio', 'video']) {
      assertGrows(
        first.e2ee[direction][kind].frames,
        second.e2ee[direction][kind].frames,
        `${side} e2ee ${direction}.${kind}.frames`,
      );
    }
  }
}

/**
 * Waits until both sides decoded their first remote video frame, then samples the call stats of
 * both sides twice, `GROWTH_WINDOW_MS` apart. Returns `[first, second]`, each `[host, visitor]`.
 */
export async function sampleBothSides(hostPage, visitorPage, diagnostics) {
  const sides = [
    ['host', hostPage, HOST_TAG],
    ['visitor', visitorPage, VISITOR_TAG],
  ];
  for (const [side, page, tag] of sides) {
    await waitUntil(
      () => readCallStats(page, tag),
      (stats) => stats.inbound?.video.framesDecoded > 0,
      { description: `${side} to decode its first remote video frame` },
    );
  }

  const first = await Promise.all(sides.map(([, page, tag]) => readCallStats(page, tag)));
  await sleep(GROWTH_WINDOW_MS);
  const second = await Promise.all(sides.map(([, page, tag]) => readCallStats(page, tag)));
  for (const [index, [side]] of sides.entries()) {
    diagnostics.add(`${side} stats`, JSON.stringify(first[index]));
    diagnostics.add(`${side} stats`, JSON.stringify(second[index]));
  }
  return [first, second];
}

/**
 * Reads the text of the error notice (the element with role="alert") inside the shadow root of
 * `tagName`, or null while there is none.
 */
export async function readAlertText(page, tagName) {
  return page.evaluate((tag) => {
    const alert = document.querySelector(tag)?.shadowRoot?.querySelector('[role="alert"]');
    return alert ? alert.textContent.replace(/\s+/g, ' ').trim() : null;
  }, tagName);
}
