// Firefox executable and preferences for the end-to-end tests, which drive Firefox ESR through
// puppeteer-core over WebDriver BiDi with a fake camera and microphone.
import process from 'node:process';

/** Firefox executable: $FIREFOX_PATH, else Debian's /usr/bin/firefox-esr. */
export const firefoxPath = process.env.FIREFOX_PATH || '/usr/bin/firefox-esr';

/**
 * Preferences for every test Firefox. puppeteer-core 24 cannot grant camera permission to Firefox
 * over WebDriver BiDi, so the prefs do. Without `media.navigator.permission.fake` Firefox gathers no ICE candidate in a network
 * namespace that has no default route, and without `media.peerconnection.ice.loopback` it
 * gathers none on 127.0.0.1, so no call connects.
 */
export const firefoxPrefs = {
  'media.navigator.streams.fake': true,
  'media.navigator.permission.disabled': true,
  'media.navigator.permission.fake': true,
  'media.peerconnection.ice.loopback': true,
};
