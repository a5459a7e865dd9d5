// End to end: the demo console, served with the strict Content-Security-Policy, downloads the
// encrypted backup of its key, and a second browser with a fresh profile restores it and shows
// the same room id. The download runs through a Blob URL, which CSP fetch directives do not
// govern, and the test checks that the page reports no policy violation.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  CONSOLE_PASSPHRASE,
  clickWhenPresent,
  Diagnostics,
  launchBrowser,
  openPage,
  readConsoleRoomId,
  requireWidgetBuild,
  startServers,
  waitUntil,
} from './_harness.mjs';

const PANEL = 'porchlight-console >>> porchlight-identity-key';

/** Makes `page` collect every CSP violation in `window.__cspViolations`. */
async function recordCspViolations(page) {
  await page.evaluateOnNewDocument(() => {
    globalThis.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (event) => {
      globalThis.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
    });
  });
}

describe('identity key backup', () => {
  const diagnostics = new Diagnostics();
  let servers;
  let first;
  let second;
  let downloadDir;

  before(
    async () => {
      requireWidgetBuild();
      downloadDir = await mkdtemp(join(tmpdir(), 'porchlight-e2e-download-'));
      servers = await startServers(diagnostics);
      first = await launchBrowser('first', diagnostics);
      second = await launchBrowser('second', diagnostics);
    },
    { timeout: 30_000 },
  );

  after(
    async () => {
      await Promise.allSettled([first?.close(), second?.close()]);
      await servers?.close();
      if (downloadDir) await rm(downloadDir, { recursive: true, force: true });
    },
    { timeout: 30_000 },
  );

  it('restores the downloaded backup in a fresh profile', { timeout: 60_000 }, async () => {
    await diagnostics.explainFailure(async () => {
      const url = `${servers.baseUrl}/console/`;
      const page = await openPage(first, url, diagnostics, undefined, recordCspViolations);
      const roomId = await diagnostics.step('console creates its key', () =>
        readConsoleRoomId(page),
      );

      const session = await page.createCDPSession();
      await session.send('Browser.setDownloadBehavior', {
        behavior: 'allow',
        downloadPath: downloadDir,
      });
      await diagnostics.step('therapist clicks download', () =>
        clickWhenPresent(page, `${PANEL} >>> [part~="download"]`),
      );
      const fileName = `porchlight-identity-${roomId.slice(0, 8)}.json`;
      await waitUntil(
        () => readdir(downloadDir),
        (files) => files.includes(fileName),
        { description: `the download ${fileName}`, timeoutMs: 10_000 },
      );
      const text = await readFile(join(downloadDir, fileName), 'utf8');
      const backup = JSON.parse(text);
      assert.equal(backup.format, 'porchlight-identity-backup');
      assert.equal(backup.room, roomId);
      assert.deepEqual(await page.evaluate(() => globalThis.__cspViolations), []);

      const restorePage = await openPage(second, url, diagnostics);
      // Polled, because puppeteer's waitForSelector misses elements that appear later inside
      // a shadow root.
      const fileInput = await diagnostics.step('fresh console shows the restore form', () =>
        waitUntil(
          () => restorePage.$(`${PANEL} >>> form[part="restore"] input[name="file"]`),
          (handle) => handle !== null,
          { description: 'the restore form', timeoutMs: 15_000 },
        ),
      );
      await fileInput.uploadFile(join(downloadDir, fileName));
      await restorePage.$eval(
        `${PANEL} >>> form[part="restore"]`,
        (form, passphrase) => {
          form.querySelector('input[name="passphrase"]').value = passphrase;
          form.requestSubmit();
        },
        CONSOLE_PASSPHRASE,
      );
      const restoredRoom = await waitUntil(
        () =>
          restorePage.evaluate(() => document.querySelector('porchlight-console')?.roomId ?? null),
        (room) => typeof room === 'string',
        { description: 'the restored room id', timeoutMs: 15_000 },
      );
      assert.equal(restoredRoom, roomId);
    });
  });
});
