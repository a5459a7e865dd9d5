#!/usr/bin/env node
// Measures call set-up in two headless Chromium instances on loopback, through the real relay and
// the demo pages. The first span runs from the visitor's click that knocks (the device check's
// join button) to the console's `porchlight-knock` event, when it rings. The second runs from
// the therapist's click on Admit to the first remote video frame presented on each side
// (`requestVideoFrameCallback`); a frame only decodes after the E2EE worker decrypted it.
// Both browsers share the machine's clock, so each page reports
// `performance.timeOrigin + performance.now()` and the script subtracts.
//
// Usage: npm run bench:call [-- --calls N]   (default 10 measured calls after one warm-up call)
// Run it through scripts/in-loopback-netns.mjs, as `npm run bench:call` does.
import process from 'node:process';
import { parseArgs } from 'node:util';
import {
  clickWhenPresent,
  Diagnostics,
  launchBrowser,
  openPage,
  readConsoleRoomId,
  requireWidgetBuild,
  startServers,
  waitUntil,
} from '../test/e2e/_harness.mjs';

const { values } = parseArgs({ options: { calls: { type: 'string', default: '10' } } });
const calls = Number(values.calls);
if (!Number.isInteger(calls) || calls < 1) {
  const text = `bench:call: invalid --calls "${values.calls}": expected a positive integer\n`;
  process.stderr.write(text);
  process.exit(2);
}

/** Installs listeners that record when a click on the part `part` happened, as `__clickAt`. */
function recordClick(page, part) {
  return page.evaluate((name) => {
    globalThis.__clickAt = null;
    document.addEventListener(
      'click',
      (event) => {
        const target = event.composedPath()[0];
        if (target instanceof Element && target.getAttribute('part') === name) {
          globalThis.__clickAt ??= performance.timeOrigin + performance.now();
        }
      },
      true,
    );
  }, part);
}

/** Records when the remote video of the element `tag` presents its first frame. */
function recordFirstFrame(page, tag) {
  return page.evaluate((selector) => {
    globalThis.__firstFrameAt = null;
    const timer = setInterval(() => {
      const root = document.querySelector(selector)?.shadowRoot;
      const view = root?.querySelector('porchlight-call-view');
      const video = view?.shadowRoot?.querySelector('[part~="remote-video"]');
      if (!video || !video.srcObject) return;
      clearInterval(timer);
      video.requestVideoFrameCallback((now) => {
        globalThis.__firstFrameAt = performance.timeOrigin + now;
      });
    }, 2);
  }, tag);
}

function read(page, name) {
  return page.evaluate((key) => globalThis[key] ?? null, name);
}

function summary(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median =
    sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  return { median, worst: sorted.at(-1), best: sorted[0] };
}

requireWidgetBuild();
const diagnostics = new Diagnostics();
const servers = await startServers(diagnostics);
const host = await launchBrowser('host', diagnostics);
const visitor = await launchBrowser('visitor', diagnostics);
const results = { ringing: [], hostFrame: [], visitorFrame: [] };

try {
  await diagnostics.explainFailure(async () => {
    const hostPage = await openPage(host, `${servers.baseUrl}/console/`, diagnostics);
    const roomId = await readConsoleRoomId(hostPage);
    await clickWhenPresent(hostPage, 'porchlight-console >>> [part~="go-online"]');
    await hostPage.evaluate(() => {
      globalThis.__knockAt = null;
      document.addEventListener('porchlight-knock', () => {
        globalThis.__knockAt ??= performance.timeOrigin + performance.now();
      });
    });

    for (let index = 0; index <= calls; index++) {
      const visitorPage = await openPage(
        visitor,
        `${servers.baseUrl}/site/?room=${roomId}`,
        diagnostics,
      );
      await visitorPage.waitForSelector('porchlight-button[presence="available"]', {
        timeout: 15_000,
      });
      await recordClick(visitorPage, 'join');
      await recordClick(hostPage, 'admit');
      await hostPage.evaluate(() => {
        globalThis.__knockAt = null;
      });
      await recordFirstFrame(visitorPage, 'porchlight-button');
      await recordFirstFrame(hostPage, 'porchlight-console');

      await clickWhenPresent(visitorPage, 'porchlight-button >>> [part~="talk-button"]');
      await clickWhenPresent(visitorPage, 'porchlight-button >>> [part~="join"]');
      await clickWhenPresent(hostPage, 'porchlight-console >>> [part~="admit"]');
      for (const page of [hostPage, visitorPage]) {
        await waitUntil(
          () => read(page, '__firstFrameAt'),
          (value) => value !== null,
          { description: 'the first remote video frame', intervalMs: 50 },
        );
      }

      const joinAt = await read(visitorPage, '__clickAt');
      const knockAt = await read(hostPage, '__knockAt');
      const admitAt = await read(hostPage, '__clickAt');
      const hostFrameAt = await read(hostPage, '__firstFrameAt');
      const visitorFrameAt = await read(visitorPage, '__firstFrameAt');
      if (index > 0) {
        results.ringing.push(knockAt - joinAt);
        results.hostFrame.push(hostFrameAt - admitAt);
        results.visitorFrame.push(visitorFrameAt - admitAt);
      }

      await clickWhenPresent(
        hostPage,
        'porchlight-console >>> porchlight-call-view >>> [part~="hang-up"]',
      );
      await waitUntil(
        () => hostPage.evaluate(() => document.querySelector('porchlight-console').status),
        (status) => status === 'online',
        { description: 'the console to be online again' },
      );
      await visitorPage.close();
    }
  });
} finally {
  await Promise.allSettled([host.close(), visitor.close()]);
  await servers.close();
}

const rows = [
  ['Click to therapist ringing', results.ringing],
  ['Admit to first decrypted frame, therapist side', results.hostFrame],
  ['Admit to first decrypted frame, visitor side', results.visitorFrame],
];
process.stdout.write(`Call set-up, ${calls} calls after one warm-up call (ms)\n`);
process.stdout.write('| Measure | Median | Worst | Best |\n|---|---|---|---|\n');
for (const [label, values] of rows) {
  const { median, worst, best } = summary(values);
  const cells = [median, worst, best].map((value) => value.toFixed(1));
  process.stdout.write(`| ${label} | ${cells.join(' | ')} |\n`);
}
const raw = Object.entries(results).map(([key, list]) => [key, list.map(Math.round)]);
process.stdout.write(`\nRaw (ms): ${JSON.stringify(Object.fromEntries(raw))}\n`);
