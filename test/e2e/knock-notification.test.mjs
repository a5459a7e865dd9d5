// End to end: the console's system notification and tab title for knocks. The console page
// gets the notifications permission from Chromium over the DevTools protocol, as a therapist
// who allowed it would. A script that runs before the page records every Notification the page
// constructs (the real constructor still runs) and every close(). Headless Chromium shows no
// notification a test could click, so the test fires `click` on the page's own Notification
// object, which is the event a click on the shown notification fires.
//
// Two visitors, in separate browser contexts, knock. Each knock raises one notification, which
// leaves out the name the visitor typed. A knock that ends (cancelled or admitted) closes its own notification
// only, and a click focuses the console and closes it. The title counts the waiting visitors
// and comes back when none wait.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import {
  clickWhenPresent,
  Diagnostics,
  HOST_TAG,
  openOnlineConsole,
  openPage,
  useServersAndBrowsers,
  VISITOR_TAG,
  waitUntil,
} from './_harness.mjs';

const TEST_TIMEOUT_MS = 90_000;
const CONSOLE_TITLE = 'Porchlight console';

/** Runs in the console page before its scripts: records notifications and focus() calls. */
function recordNotifications() {
  const Real = globalThis.Notification;
  const record = { notifications: [], focusCalls: 0 };
  const objects = [];
  globalThis.__PORCHLIGHT_NOTIFICATIONS__ = record;
  globalThis.__PORCHLIGHT_NOTIFICATION_OBJECTS__ = objects;
  globalThis.Notification = class RecordingNotification extends Real {
    constructor(title, options) {
      super(title, options);
      this.entry = { title, options: { ...options }, closeCalls: 0 };
      record.notifications.push(this.entry);
      objects.push(this);
    }

    close() {
      this.entry.closeCalls++;
      super.close();
    }
  };
  const focus = globalThis.focus;
  globalThis.focus = () => {
    record.focusCalls++;
    focus.call(globalThis);
  };
}

function readRecord(hostPage) {
  return hostPage.evaluate(() => ({
    ...JSON.parse(JSON.stringify(globalThis.__PORCHLIGHT_NOTIFICATIONS__)),
    permission: Notification.permission,
    title: document.title,
  }));
}

/** Body of every knock notification: no name, because the system may show it to others. */
const NOTIFICATION_BODY = 'Someone knocked on your Porchlight room. Open the console to see who.';

/** Presses Talk now, types `name` in the device check and joins the waiting room. */
async function knock(page, name) {
  await page.bringToFront();
  await clickWhenPresent(page, `${VISITOR_TAG} >>> [part~="talk-button"]`);
  await clickWhenPresent(page, `${VISITOR_TAG} >>> [part~="name"]`);
  await page.locator(`${VISITOR_TAG} >>> [part~="name"]`).fill(name);
  await clickWhenPresent(page, `${VISITOR_TAG} >>> [part~="join"]`);
}

describe('knock notifications in the console', () => {
  const diagnostics = new Diagnostics();
  const setup = useServersAndBrowsers(diagnostics);

  before(async () => {
    // The grant lasts only while this session stays attached.
    const session = await setup.host.browser.target().createCDPSession();
    await session.send('Browser.setPermission', {
      permission: { name: 'notifications' },
      setting: 'granted',
      origin: new URL(setup.servers.baseUrl).origin,
    });
  });

  it('notifies per knock and closes with it', { timeout: TEST_TIMEOUT_MS }, async () => {
    const { servers, host, visitor } = setup;
    await diagnostics.explainFailure(async () => {
      const { hostPage, roomId } = await openOnlineConsole({
        servers,
        host,
        diagnostics,
        hostPrepare: (page) => page.evaluateOnNewDocument(recordNotifications),
      });
      await hostPage.evaluate((title) => {
        document.title = title;
      }, CONSOLE_TITLE);
      assert.equal((await readRecord(hostPage)).permission, 'granted');

      const siteUrl = `${servers.baseUrl}/site/?room=${roomId}`;
      const robin = await openPage(visitor, siteUrl, diagnostics);
      const secondContext = await visitor.browser.createBrowserContext();
      const sam = await openPage(visitor, siteUrl, diagnostics, undefined, undefined, {
        context: secondContext,
      });
      const untilRecord = (done, description) =>
        waitUntil(() => readRecord(hostPage), done, { description });

      await knock(robin, 'Robin');
      let record = await diagnostics.step('Robin knocks', () =>
        untilRecord((read) => read.notifications.length === 1, 'one notification'),
      );
      assert.deepEqual(record.notifications[0], {
        title: 'A visitor is waiting',
        options: { body: NOTIFICATION_BODY },
        closeCalls: 0,
      });
      assert.equal(record.title, `(1) A visitor is waiting · ${CONSOLE_TITLE}`);

      await knock(sam, 'Sam');
      record = await diagnostics.step('Sam knocks', () =>
        untilRecord((read) => read.notifications.length === 2, 'two notifications'),
      );
      assert.equal(record.notifications[1].options.body, NOTIFICATION_BODY);
      for (const { title, options } of record.notifications) {
        assert.doesNotMatch(`${title} ${options.body}`, /Robin|Sam/, 'a notification names a visitor');
      }
      assert.equal(record.title, `(2) Visitors are waiting · ${CONSOLE_TITLE}`);

      await clickWhenPresent(robin, `${VISITOR_TAG} >>> [part~="cancel"]`);
      record = await diagnostics.step("Robin's knock ends", () =>
        untilRecord((read) => read.notifications[0].closeCalls > 0, "Robin's notification closed"),
      );
      assert.equal(record.notifications[1].closeCalls, 0, "Sam's notification was closed");
      assert.equal(record.title, `(1) A visitor is waiting · ${CONSOLE_TITLE}`);

      await hostPage.evaluate(() => {
        globalThis.__PORCHLIGHT_NOTIFICATION_OBJECTS__[1].dispatchEvent(new Event('click'));
      });
      record = await readRecord(hostPage);
      assert.equal(record.focusCalls, 1, 'a click did not focus the console');
      assert.equal(record.notifications[1].closeCalls, 1, 'a click did not close the notification');

      await clickWhenPresent(sam, `${VISITOR_TAG} >>> [part~="cancel"]`);
      record = await diagnostics.step("Sam's knock ends", () =>
        untilRecord((read) => read.title === CONSOLE_TITLE, 'the original title'),
      );

      // Admitting ends the knock, so its notification closes too.
      await knock(robin, 'Robin');
      await untilRecord((read) => read.notifications.length === 3, 'a third notification');
      await clickWhenPresent(hostPage, `${HOST_TAG} >>> [part~="admit"]`);
      record = await diagnostics.step('host admits Robin', () =>
        untilRecord((read) => read.notifications[2].closeCalls > 0, 'the third notification closed'),
      );
      assert.equal(record.title, CONSOLE_TITLE);
      assert.deepEqual(diagnostics.uncaughtErrors, [], 'pages threw uncaught errors');
    });
  });
});
