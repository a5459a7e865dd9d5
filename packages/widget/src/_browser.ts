/** Browser families whose settings screens the widget's help text names. */
export type BrowserFamily = 'chromium' | 'firefox' | 'safari' | 'other';

/**
 * Guesses the browser family from the user-agent string, only to word help text: which icon
 * to click for camera permission. Nothing else depends on it.
 */
export function browserFamily(userAgent = globalThis.navigator?.userAgent ?? ''): BrowserFamily {
  if (/Firefox\//.test(userAgent)) return 'firefox';
  if (/Edg\/|Chrome\/|Chromium\/|CriOS\//.test(userAgent)) return 'chromium';
  // Other iOS browsers run WebKit too and some send Version/ (Edge: EdgiOS/), but Safari's
  // settings screens do not apply to them.
  if (/Version\/.*Safari\//.test(userAgent) && !/iOS\//.test(userAgent)) return 'safari';
  return 'other';
}

/** Tells whether this looks like a phone or tablet: a touch screen without a fine pointer. */
export function isTouchDevice(): boolean {
  return globalThis.matchMedia?.('(pointer: coarse)').matches ?? false;
}

/** Tells whether the browser can share a screen (desktop browsers; not iOS or Android). */
export function canShareScreen(): boolean {
  return typeof globalThis.navigator?.mediaDevices?.getDisplayMedia === 'function' && !isTouchDevice();
}
