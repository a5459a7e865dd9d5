import { languageOf } from './_i18n.js';

/**
 * The therapist's console strings, kept apart from the tables in `_strings.ts` and `_locales.ts`
 * so that the visitor's call chunk does not carry them. Every table has the shape of
 * {@link englishConsole}.
 */
export const englishConsole = {
  label: 'Porchlight console',
  goOnline: 'Go online',
  goOffline: 'Go offline',
  statusOffline: 'You are offline. Visitors see that you are not available.',
  statusConnecting: 'Connecting…',
  statusOnline: 'You are online. Visitors can knock.',
  statusInCall: 'You are in a call.',
  waitingRoom: 'Waiting room',
  noKnocks: 'Nobody is waiting.',
  visitor: 'Visitor',
  knockedAt: (time: string): string => `knocked at ${time}`,
  admit: 'Admit',
  decline: 'Decline',
  admitLabel: (name: string): string => `Admit ${name}`,
  declineLabel: (name: string): string => `Decline ${name}`,
  loadingIdentity: 'Loading your identity key…',
  identityFailed: 'This browser could not create or load your identity key.',
  identityFailedAction: 'Use an up-to-date browser outside private mode, then reload.',
  roomMismatch: (expected: string, actual: string): string =>
    `This page is set up for room ${expected}, but this browser holds the key of room ` +
    `${actual}. Update the room on this page, or open it in the browser that holds that key.`,
  embedHeading: 'Your website snippet',
  embedHint: 'Paste this line into every page of your website that should show the button.',
  copy: 'Copy',
  copied: 'Copied',
  openDemoSite: 'Open your demo website',
  askToWait: 'Ask to wait',
  askToWaitLabel: (name: string): string => `Ask to wait: ${name}`,
  replyLabel: (name: string): string => `Message to ${name} (optional)`,
  presenceHeading: 'Your status',
  presenceMessageLabel: 'Message visitors see (optional)',
  setBusy: 'Set busy',
  setOfflineWithMessage: 'Offline with message',
  statusBusy: 'You are busy. Visitors see your message and cannot knock.',
  statusOfflineConnected: 'You are offline. Visitors see your message.',
  statusReconnecting: 'Connection to the call service lost. Reconnecting…',
  knockTitle: (count: number): string =>
    count === 1 ? '(1) A visitor is waiting' : `(${count}) Visitors are waiting`,
  notificationTitle: 'A visitor is waiting',
  notificationBody: 'Someone knocked on your Porchlight room. Open the console to see who.',
  knockAnnouncement: (name: string): string => `${name} is waiting.`,
  roomUnknown: {
    message: 'This call service is not set up for your room, so you cannot go online.',
    action:
      'Ask whoever runs the call service (the relay) to add your room id, which your website ' +
      'snippet shows. Or check that this page uses the right relay address.',
  },
  callFailed: {
    message: 'The last call could not be connected or was interrupted.',
    action:
      'The visitor was asked to check their connection and try again, and can knock once ' +
      'more. If calls keep failing, ask whoever runs the call service (the relay) whether it ' +
      'offers a TURN server.',
  },
};

/** The shape of one language's table of console strings. */
export type ConsoleStrings = typeof englishConsole;

/** German console strings, with the same forms of address as the German table in `_locales.ts`. */
export const germanConsole: ConsoleStrings = {
  label: 'Porchlight-Konsole',
  goOnline: 'Online gehen',
  goOffline: 'Offline gehen',
  statusOffline: 'Sie sind offline. Ihre Website zeigt, dass Sie nicht erreichbar sind.',
  statusConnecting: 'Verbindung wird hergestellt…',
  statusOnline: 'Sie sind online. Besucherinnen und Besucher können anklopfen.',
  statusInCall: 'Sie sind in einem Gespräch.',
  waitingRoom: 'Wartezimmer',
  noKnocks: 'Niemand wartet.',
  visitor: 'Gast',
  knockedAt: (time: string): string => `hat um ${time} angeklopft`,
  admit: 'Hereinlassen',
  decline: 'Ablehnen',
  admitLabel: (name: string): string => `${name} hereinlassen`,
  declineLabel: (name: string): string => `${name} ablehnen`,
  loadingIdentity: 'Ihr Schlüssel wird geladen…',
  identityFailed: 'Dieser Browser konnte Ihren Schlüssel nicht erstellen oder laden.',
  identityFailedAction:
    'Nutzen Sie einen aktuellen Browser außerhalb des privaten Modus und laden Sie neu.',
  roomMismatch: (expected: string, actual: string): string =>
    `Diese Seite ist für den Raum ${expected} eingerichtet, aber dieser Browser hat den ` +
    `Schlüssel des Raums ${actual}. Ändern Sie den Raum auf dieser Seite oder öffnen Sie sie ` +
    `in dem Browser mit diesem Schlüssel.`,
  embedHeading: 'Code für Ihre Website',
  embedHint: 'Fügen Sie diese Zeile in jede Seite Ihrer Website ein, die den Knopf zeigen soll.',
  copy: 'Kopieren',
  copied: 'Kopiert',
  openDemoSite: 'Ihre Demo-Website öffnen',
  askToWait: 'Um Geduld bitten',
  askToWaitLabel: (name: string): string => `Um Geduld bitten: ${name}`,
  replyLabel: (name: string): string => `Nachricht an ${name} (freiwillig)`,
  presenceHeading: 'Ihr Status',
  presenceMessageLabel: 'Nachricht für Ihre Website (freiwillig)',
  setBusy: 'Beschäftigt',
  setOfflineWithMessage: 'Offline mit Nachricht',
  statusBusy: 'Sie sind beschäftigt. Gäste sehen Ihre Nachricht und können nicht anklopfen.',
  statusOfflineConnected: 'Sie sind offline. Gäste sehen Ihre Nachricht.',
  statusReconnecting: 'Verbindung zum Gesprächsdienst verloren. Neuer Versuch…',
  knockTitle: (count: number): string =>
    count === 1 ? '(1) Ein Gast wartet' : `(${count}) Gäste warten`,
  notificationTitle: 'Ein Gast wartet',
  notificationBody:
    'Jemand hat in Ihrem Porchlight-Raum angeklopft. Öffnen Sie die Konsole, um zu sehen, wer.',
  knockAnnouncement: (name: string): string => `${name} wartet.`,
  roomUnknown: {
    message:
      'Dieser Gesprächsdienst ist nicht für Ihren Raum eingerichtet, daher können Sie nicht ' +
      'online gehen.',
    action:
      'Bitten Sie die Betreiber des Gesprächsdienstes (Relay), Ihre Raum-ID einzutragen. Sie ' +
      'finden sie im Code für Ihre Website. Oder prüfen Sie, ob diese Seite die richtige ' +
      'Relay-Adresse verwendet.',
  },
  callFailed: {
    message: 'Das letzte Gespräch konnte nicht aufgebaut werden oder wurde unterbrochen.',
    action:
      'Ihr Gast wurde gebeten, die Internetverbindung zu prüfen und es noch einmal zu versuchen, ' +
      'und kann erneut anklopfen. Wenn Gespräche immer wieder scheitern, fragen Sie die ' +
      'Betreiber des Gesprächsdienstes (Relay), ob sie einen TURN-Server anbieten.',
  },
};

/** Every shipped console language by its primary language subtag (BCP 47), English first. */
export const consoleLocales: Readonly<Record<string, ConsoleStrings>> = {
  en: englishConsole,
  de: germanConsole,
};

/**
 * The console strings of the console that is rendering now, like `strings` in `_strings.ts`.
 * Outside an update it is {@link englishConsole}.
 */
export let consoleStrings: ConsoleStrings = englishConsole;

/** Runs one synchronous render of `element` with {@link consoleStrings} in its language. */
export function renderConsoleInLanguage(element: Element, render: () => void): void {
  const primary = languageOf(element).trim().toLowerCase().split('-')[0] ?? '';
  const previous = consoleStrings;
  consoleStrings = consoleLocales[primary] ?? englishConsole;
  try {
    render();
  } finally {
    consoleStrings = previous;
  }
}
