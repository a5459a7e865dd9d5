// End to end: a room the relay does not serve. The visitor's button and the therapist's console
// both show the room-unknown message and open no further connection to the relay. Three ways
// lead there: an embed whose room is no room id, a relay started with a served-room list
// (PORCHLIGHT_ROOMS) that leaves the room out, and a relay restarted with such a list while the
// clients are connected. A listed room on the same relay still gets its presence.
//
// Screenshots of both messages go to test-results/screenshots/, or to docs/screenshots/ when
// PORCHLIGHT_SCREENSHOTS=docs is set.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, afterEach, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { ed25519 } from '@noble/curves/ed25519.js';
import { hostAuthMessage, PROTOCOL_VERSION } from '@porchlight/protocol';
import { startRelay } from '../../scripts/_relay-process.mjs';
import { startStaticServer } from '../../scripts/_static-server.mjs';
import {
  clickWhenPresent,
  Diagnostics,
  HOST_TAG,
  launchBrowser,
  openPage,
  readAlertText,
  readConsoleRoomId,
  requireWidgetBuild,
  saveStateScreenshot,
  startServers,
  STATE_SCREENSHOT_VIEWPORT,
  VISITOR_TAG,
  waitUntil,
} from './_harness.mjs';
// The ws that the relay uses (8.x); the copy hoisted to the root folder is an older major.
const { WebSocket } = createRequire(
  new URL('../../signaling-server/package.json', import.meta.url),
)('ws');

const TEST_TIMEOUT_MS = 90_000;
const HOOK_TIMEOUT_MS = 30_000;
/**
 * Time to watch for reconnects after the message shows. The clients' backoff would retry
 * within 0.5 s, 1 s and 2 s, so a reconnect loop opens several connections in this time.
 */
const QUIET_MS = 4_000;

/** Starts of the room-unknown texts in the widget strings, for the visitor and the console. */
const VISITOR_TEXT = 'Video calls on this page are not set up correctly.';
const CONSOLE_TEXT = 'This call service is not set up for your room';

/** Returns a new room id with its secret key, as the therapist's console would create it. */
function newRoom() {
  const { secretKey, publicKey } = ed25519.keygen();
  return { room: Buffer.from(publicKey).toString('base64url'), secretKey };
}

/**
 * Connects a host for `room` from Node with the protocol's own messages, authenticates with
 * `secretKey` and sets the room available. Resolves with the open socket.
 */
function connectAvailableHost(relayUrl, { room, secretKey }) {
  const socket = new WebSocket(relayUrl);
  return new Promise((resolve, reject) => {
    socket.on('error', reject);
    socket.on('close', (code) => reject(new Error(`Host connection closed with ${code}`)));
    socket.on('open', () => {
      socket.send(JSON.stringify({ type: 'hello', version: PROTOCOL_VERSION, role: 'host', room }));
    });
    socket.on('message', (data) => {
      const message = JSON.parse(data.toString('utf8'));
      if (message.type === 'welcome') {
        const signed = ed25519.sign(
          hostAuthMessage(Buffer.from(message.challenge, 'base64url'), room),
          secretKey,
        );
        const signature = Buffer.from(signed).toString('base64url');
        socket.send(JSON.stringify({ type: 'authenticate', signature }));
      } else if (message.type === 'authenticated') {
        socket.send(JSON.stringify({ type: 'set-presence', status: 'available' }));
        resolve(socket);
      } else if (message.type === 'error') {
        reject(new Error(`Relay rejected the host: ${message.code}`));
      }
    });
  });
}

/** Reads the relay's count of `room-unknown` rejections from its /metrics page. */
async function roomUnknownRejections(relayUrl) {
  const metricsUrl = new URL('/metrics', relayUrl.replace(/^ws/, 'http'));
  const text = await (await fetch(metricsUrl)).text();
  const match = /^porchlight_relay_rejections_total\{reason="room-unknown"\} (\d+)$/m.exec(text);
  return match === null ? 0 : Number(match[1]);
}

/**
 * Returns a `prepare` hook for openPage that counts the page's WebSocket connections over the
 * Chrome DevTools Protocol, and the function that reads the count.
 */
function countWebSockets() {
  let count = 0;
  const prepare = async (page) => {
    const session = await page.createCDPSession();
    session.on('Network.webSocketCreated', () => count++);
    await session.send('Network.enable');
    await page.setViewport(STATE_SCREENSHOT_VIEWPORT);
  };
  return { prepare, read: () => count };
}

/**
 * Opens `url` in `browser`, in `context` when given, and counts the page's WebSocket connections.
 * Resolves with the page and its counter.
 */
async function openCountedPage(browser, url, diagnostics, context) {
  const sockets = countWebSockets();
  const page = await openPage(browser, url, diagnostics, undefined, sockets.prepare, { context });
  return { page, sockets };
}

/** Reads the client state and error code of the element `tag` in `page`. */
function clientOutcome(page, tag) {
  return page.evaluate((selector) => {
    const client = document.querySelector(selector)?.client;
    return { state: client?.state ?? null, error: client?.error?.code ?? null };
  }, tag);
}

/** Waits until the alert of `tag` contains `text`, then checks that the client ended for good. */
async function expectRoomUnknown(page, tag, text) {
  const alert = await waitUntil(
    () => readAlertText(page, tag),
    (shown) => shown !== null && shown.includes(text),
    { description: `${tag} to show the room-unknown message` },
  );
  assert.ok(alert.includes(text), `alert: ${alert}`);
  assert.deepEqual(await clientOutcome(page, tag), { state: 'error', error: 'room-unknown' });
}

/**
 * Waits {@link QUIET_MS} and checks that neither `sockets` (a page's WebSocket count) nor the
 * relay's room-unknown count moved, so the page made no reconnect attempt.
 */
async function expectNoReconnect(sockets, relayUrl) {
  const before = { sockets: sockets.read(), rejections: await roomUnknownRejections(relayUrl) };
  await sleep(QUIET_MS);
  const after = { sockets: sockets.read(), rejections: await roomUnknownRejections(relayUrl) };
  assert.deepEqual(after, before, 'the page opened another connection after room-unknown');
}

describe('room unknown', () => {
  const diagnostics = new Diagnostics();
  let browser;
  let servers;

  before(
    async () => {
      requireWidgetBuild();
      browser = await launchBrowser('chromium', diagnostics);
    },
    { timeout: HOOK_TIMEOUT_MS },
  );

  afterEach(async () => {
    await servers?.close();
    servers = undefined;
  });

  after(
    async () => {
      await browser?.close();
    },
    { timeout: HOOK_TIMEOUT_MS },
  );

  it('embed with a malformed room shows the message once', { timeout: TEST_TIMEOUT_MS }, () =>
    diagnostics.explainFailure(async () => {
      servers = await startServers(diagnostics);
      // Without ?room= the demo site keeps its placeholder, which is no room id.
      const url = `${servers.baseUrl}/site/`;
      const { page, sockets } = await openCountedPage(browser, url, diagnostics);
      const room = await page.evaluate(
        (tag) => document.querySelector(tag)?.getAttribute('room'),
        VISITOR_TAG,
      );
      assert.equal(room, 'OPEN-THIS-PAGE-FROM-THE-CONSOLE');

      await expectRoomUnknown(page, VISITOR_TAG, VISITOR_TEXT);
      await saveStateScreenshot(page, 'button-room-unknown');
      assert.equal(await page.$(`${VISITOR_TAG} >>> [part~="retry"]`), null, 'a retry is offered');
      // The demo site's embed sets data-fallback-url="#contact", which the message offers.
      const fallback = await page.$eval(`${VISITOR_TAG} >>> [part~="fallback"]`, (link) => link.href);
      assert.equal(fallback, `${servers.baseUrl}/site/#contact`);
      await expectNoReconnect(sockets, servers.relayUrl);
      // The loader's presence preview and the full element each connected once, and the relay
      // rejected each with room-unknown.
      assert.ok(sockets.read() >= 1, 'the page never connected to the relay');
      assert.equal(await roomUnknownRejections(servers.relayUrl), sockets.read());
      assert.deepEqual(diagnostics.uncaughtErrors, []);
      await page.close();
    }),
  );

  it('relay with a room list serves only listed rooms', { timeout: TEST_TIMEOUT_MS }, () =>
    diagnostics.explainFailure(async () => {
      const listed = newRoom();
      const unlisted = newRoom();
      servers = await startServers(diagnostics, { PORCHLIGHT_ROOMS: listed.room });
      const host = await connectAvailableHost(servers.relayUrl, listed);

      await diagnostics.step('listed room shows its presence', async () => {
        const url = `${servers.baseUrl}/site/?room=${listed.room}`;
        const page = await openPage(browser, url, diagnostics);
        await page.waitForSelector(`${VISITOR_TAG}[presence="available"]`, { timeout: 15_000 });
        await page.close();
      });

      await diagnostics.step('unlisted room shows room-unknown', async () => {
        const { page, sockets } = await openCountedPage(
          browser,
          `${servers.baseUrl}/site/?room=${unlisted.room}`,
          diagnostics,
        );
        await expectRoomUnknown(page, VISITOR_TAG, VISITOR_TEXT);
        await expectNoReconnect(sockets, servers.relayUrl);
        await page.close();
      });

      await diagnostics.step('console of an unlisted room cannot go online', async () => {
        // A fresh profile creates a new identity, whose room is not on the list.
        const context = await browser.browser.createBrowserContext();
        const { page, sockets } = await openCountedPage(
          browser,
          `${servers.baseUrl}/console/`,
          diagnostics,
          context,
        );
        const consoleRoom = await readConsoleRoomId(page);
        assert.notEqual(consoleRoom, listed.room);
        await clickWhenPresent(page, `${HOST_TAG} >>> [part~="go-online"]`);
        await expectRoomUnknown(page, HOST_TAG, CONSOLE_TEXT);
        await saveStateScreenshot(page, 'console-room-unknown');
        await expectNoReconnect(sockets, servers.relayUrl);
        await context.close();
      });

      host.close();
      assert.deepEqual(diagnostics.uncaughtErrors, []);
    }),
  );

  it('clients stop after a restart drops their room', { timeout: TEST_TIMEOUT_MS }, () =>
    diagnostics.explainFailure(async () => {
      const onLine = (line) => diagnostics.add('relay', line);
      let relay = await startRelay({ port: 0, onLine });
      const web = await startStaticServer({ port: 0, relayUrl: relay.url });
      servers = {
        async close() {
          await Promise.all([relay.stop(), web.close()]);
        },
      };
      const context = await browser.browser.createBrowserContext();
      const host = await openCountedPage(browser, `${web.url}/console/`, diagnostics, context);
      const hostPage = host.page;
      const room = await readConsoleRoomId(hostPage);
      await clickWhenPresent(hostPage, `${HOST_TAG} >>> [part~="go-online"]`);
      const visitor = await openCountedPage(browser, `${web.url}/site/?room=${room}`, diagnostics);
      const visitorPage = visitor.page;
      await visitorPage.waitForSelector(`${VISITOR_TAG}[presence="available"]`, {
        timeout: 15_000,
      });
      // Talk now loads the full element in place of the loader's preview, and its client is
      // the one that reconnects after the restart.
      await clickWhenPresent(visitorPage, `${VISITOR_TAG} >>> [part~="talk-button"]`);
      await waitUntil(
        () => clientOutcome(visitorPage, VISITOR_TAG),
        (outcome) => outcome.state === 'ready',
        { description: 'the full element to connect' },
      );

      await diagnostics.step('relay restarts serving another room only', async () => {
        const port = Number(new URL(relay.url).port);
        await relay.stop();
        relay = await startRelay({ port, onLine, env: { PORCHLIGHT_ROOMS: newRoom().room } });
      });
      await expectRoomUnknown(hostPage, HOST_TAG, CONSOLE_TEXT);
      await expectRoomUnknown(visitorPage, VISITOR_TAG, VISITOR_TEXT);
      await expectNoReconnect(host.sockets, relay.url);
      await expectNoReconnect(visitor.sockets, relay.url);
      assert.deepEqual(diagnostics.uncaughtErrors, []);
      await Promise.all([visitorPage.close(), context.close()]);
    }),
  );
});
