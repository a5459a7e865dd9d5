// Chromium executable and command-line flags for tests, which run it as root with a fake camera and
// microphone that need no permission prompt. Both launchers (web-test-runner.config.mjs and the
// end-to-end harness) add headless mode themselves.
import process from 'node:process';

/** Chromium executable: $CHROME_PATH, else Debian's /usr/bin/chromium. */
export const chromePath = process.env.CHROME_PATH || '/usr/bin/chromium';

/**
 * Command-line flags for every test browser. Without --allow-loopback-in-peer-connection Chromium
 * gathers no ICE candidate on 127.0.0.1, so in a namespace that has only `lo` no call connects.
 * --no-sandbox is needed because tests run as root in CI containers.
 */
export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  '--allow-loopback-in-peer-connection',
];
