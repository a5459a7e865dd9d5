import type { Strings } from './_strings.js';

/**
 * German strings. The visitor is addressed with the formal "Sie", as a practice would write to a
 * client, and the therapist is called "die Praxis" where English has "your therapist", because
 * German has no gender-neutral word for one therapist.
 */
export const german: Strings = {
  button: {
    talkNow: 'Jetzt sprechen',
    checking: 'Wir prüfen, ob die Praxis gerade erreichbar ist…',
    notConfigured: 'Videogespräche sind auf dieser Seite gerade nicht verfügbar',
    busy: 'Gerade im Gespräch',
    offline: 'Gerade nicht erreichbar',
    requestingMedia: 'Bitte erlauben Sie Kamera und Mikrofon, wenn Ihr Browser danach fragt',
    waiting: 'Sie sind im Wartezimmer…',
    queuePosition: (position: number): string =>
      `Sie sind an ${position}. Stelle in der Warteschlange`,
    cancel: 'Abbrechen',
    callEnded: 'Gespräch beendet',
    close: 'Schließen',
    tryAgain: 'Erneut versuchen',
    fallbackLink: 'Stattdessen einen Termin buchen',
    reconnecting: 'Verbindung unterbrochen. Neuer Verbindungsversuch…',
    askedToWait: 'Die Praxis hat Sie gesehen und bittet Sie, noch etwas zu warten.',
    precheckHeading: 'Bevor Sie beitreten',
    precheckIntro:
      'Prüfen Sie Kamera und Mikrofon. Nichts wird gesendet, bevor die Praxis Sie hereinlässt.',
    nameLabel: 'Ihr Name (freiwillig)',
    nameHint: 'Nur die Praxis sieht ihn.',
    previewLabel: 'Vorschau Ihrer Kamera',
    audioOnlyPreview: 'Nur Ton: Ihre Kamera bleibt aus.',
    join: 'Ins Wartezimmer',
    joinAudioOnly: 'Nur mit Ton beitreten',
    useCamera: 'Kamera verwenden',
    checkingDevices: 'Kamera und Mikrofon werden gestartet…',
    endedHeading: 'Ihr Gespräch ist beendet',
    endedBody:
      'Vielen Dank. Sie können dieses Fenster schließen oder ein neues Gespräch beginnen, ' +
      'sobald die Praxis erreichbar ist.',
  },
  mediaFix: {
    denied: {
      chromium:
        'In Chrome oder Edge: Klicken Sie links in der Adressleiste auf das Kamera- oder ' +
        'Einstellungssymbol, stellen Sie Kamera und Mikrofon auf „Zulassen“ und laden Sie die ' +
        'Seite neu.',
      firefox:
        'In Firefox: Klicken Sie in der Adressleiste auf das durchgestrichene Kamerasymbol, ' +
        'heben Sie die Sperre für diese Website auf, laden Sie die Seite neu und wählen Sie ' +
        '„Erlauben“.',
      safari:
        'In Safari: Öffnen Sie Safari > Einstellungen für diese Website (auf iPhone oder iPad: ' +
        'die Taste „aA“), stellen Sie Kamera und Mikrofon auf „Erlauben“ und laden Sie die Seite ' +
        'neu.',
      other:
        'Öffnen Sie die Website-Einstellungen Ihres Browsers für diese Seite, erlauben Sie ' +
        'Kamera und Mikrofon und laden Sie die Seite neu.',
    },
    'in-use': {
      chromium:
        'Schließen Sie andere Apps oder Tabs, die die Kamera nutzen, und tippen Sie auf ' +
        '„Erneut versuchen“. Unter Windows kann immer nur eine App die Kamera nutzen.',
      firefox:
        'Schließen Sie andere Apps oder Tabs, die die Kamera nutzen, und tippen Sie auf ' +
        '„Erneut versuchen“. Firefox zeigt ein Kamerasymbol im Tab jeder Seite, die sie nutzt.',
      safari:
        'Schließen Sie andere Apps, die die Kamera nutzen, etwa FaceTime oder Photo Booth, und ' +
        'tippen Sie auf „Erneut versuchen“.',
      other:
        'Schließen Sie andere Apps oder Tabs, die Kamera oder Mikrofon nutzen, und tippen Sie ' +
        'auf „Erneut versuchen“.',
    },
    'not-found': {
      chromium:
        'Schließen Sie eine Kamera oder ein Headset an und tippen Sie auf „Erneut versuchen“. ' +
        'In Chrome oder Edge können Sie das Gerät auch über das Einstellungssymbol in der ' +
        'Adressleiste wählen.',
      firefox:
        'Schließen Sie eine Kamera oder ein Headset an und tippen Sie auf „Erneut versuchen“, ' +
        'oder treten Sie nur mit Ton bei.',
      safari:
        'Schließen Sie eine Kamera oder ein Headset an und tippen Sie auf „Erneut versuchen“. ' +
        'Auf einem Mac: Systemeinstellungen > Datenschutz & Sicherheit > Kamera.',
      other:
        'Schließen Sie eine Kamera oder ein Headset an und tippen Sie auf „Erneut versuchen“, ' +
        'oder treten Sie nur mit Ton bei.',
    },
  },
  call: {
    label: 'Videogespräch',
    connecting: 'Sichere Verbindung wird aufgebaut…',
    connected: 'Verbunden · Ende-zu-Ende-verschlüsselt',
    ended: 'Gespräch beendet',
    remoteVideo: 'Video Ihres Gegenübers',
    localVideo: 'Vorschau Ihrer Kamera',
    mute: 'Stumm',
    muteLabel: 'Mikrofon stummschalten',
    microphoneOff: 'Ihr Mikrofon ist aus',
    cameraOff: 'Kamera aus',
    cameraOffLabel: 'Kamera ausschalten',
    cameraIsOff: 'Ihre Kamera ist aus',
    hangUp: 'Auflegen',
    hangUpLabel: 'Auflegen und Gespräch beenden',
    verified: 'Bestätigte Praxis',
    sas: (code: string): string => `Sicherheitscode ${code}`,
    sasHint:
      'Lesen Sie den Code laut vor: Sehen Sie beide dieselben Ziffern, hört niemand mit.',
    reconnecting: 'Verbindung unterbrochen. Neuer Verbindungsversuch…',
    cameraSelect: 'Kamera',
    microphoneSelect: 'Mikrofon',
    shareScreen: 'Bildschirm teilen',
    stopSharing: 'Teilen beenden',
    shareFailed: 'Ihr Bildschirm wird nicht geteilt. Das Gespräch läuft mit Ihrer Kamera weiter.',
    switchCamera: 'Kamera wechseln',
    switchCameraLabel: 'Zwischen Front- und Rückkamera wechseln',
    deviceFailed: 'Dieses Gerät ließ sich nicht starten. Bitte wählen Sie ein anderes.',
    chatHeading: 'Chat',
    chatLog: 'Chatnachrichten',
    chatInput: 'Nachricht',
    chatSend: 'Senden',
    chatYou: 'Sie',
    chatThem: 'Gegenüber',
    chatNotReady: 'Der Chat öffnet sich, sobald das Gespräch verbunden ist.',
    chatFailed: 'Die Nachricht konnte nicht gesendet werden.',
    quality: {
      good: 'Verbindung: gut',
      fair: 'Verbindung: mittel',
      poor: 'Verbindung: schwach. Schalten Sie eventuell Ihre Kamera aus.',
    },
  },
  unknownError: {
    message: 'Etwas ist schiefgelaufen.',
    action: 'Bitte versuchen Sie es gleich noch einmal.',
  },
  errors: {
    'relay-unreachable': {
      message: 'Wir konnten den Gesprächsdienst nicht erreichen.',
      action: 'Prüfen Sie Ihre Internetverbindung und versuchen Sie es dann noch einmal.',
    },
    'relay-error': {
      message: 'Der Gesprächsdienst hat die Anfrage nicht angenommen.',
      action: 'Laden Sie diese Seite neu und versuchen Sie es noch einmal.',
    },
    'media-denied': {
      message: 'Ihr Browser gibt Kamera und Mikrofon nicht frei.',
      action:
        'Klicken Sie in der Adressleiste auf das Kamera- oder Schloss-Symbol, wählen Sie für ' +
        'Kamera und Mikrofon „Zulassen“ und versuchen Sie es dann noch einmal.',
    },
    'media-not-found': {
      message: 'Wir konnten keine Kamera und kein Mikrofon finden.',
      action:
        'Schließen Sie eine Kamera und ein Mikrofon an oder nutzen Sie ein Gerät, das beides ' +
        'hat, und versuchen Sie es dann noch einmal.',
    },
    'media-in-use': {
      message: 'Eine andere App verwendet gerade Ihre Kamera oder Ihr Mikrofon.',
      action:
        'Schließen Sie andere Video-Apps oder Browser-Tabs, die die Kamera nutzen, und ' +
        'versuchen Sie es dann noch einmal.',
    },
    'media-failed': {
      message: 'Kamera und Mikrofon konnten nicht gestartet werden.',
      action:
        'Prüfen Sie, ob die Adresse dieser Seite mit https beginnt, und versuchen Sie es dann ' +
        'noch einmal.',
    },
    'e2ee-unsupported': {
      message: 'Mit diesem Browser ist kein vertrauliches, verschlüsseltes Gespräch möglich.',
      action:
        'Bitte öffnen Sie diese Seite in einer aktuellen Version von Chrome, Edge, Firefox ' +
        'oder Safari.',
    },
    'knock-timeout': {
      message: 'Die Praxis hat nicht rechtzeitig geantwortet.',
      action: 'Sie können es später noch einmal versuchen oder einen Termin buchen.',
    },
    'room-unknown': {
      message: 'Videogespräche sind auf dieser Seite nicht richtig eingerichtet.',
      action:
        'Bitte erreichen Sie die Praxis auf anderem Weg, zum Beispiel per Telefon oder E-Mail, ' +
        'und sagen Sie ihr Bescheid.',
    },
    declined: {
      message: 'Die Praxis kann Ihr Gespräch gerade nicht annehmen.',
      action:
        'Sie können es später noch einmal versuchen oder die Praxis auf anderem Weg erreichen.',
    },
    'host-offline': {
      message: 'Die Praxis ist gerade nicht erreichbar.',
      action: 'Bitte versuchen Sie es später noch einmal.',
    },
    'call-failed': {
      message: 'Das Gespräch konnte nicht aufgebaut werden oder wurde unterbrochen.',
      action: 'Prüfen Sie Ihre Internetverbindung und versuchen Sie es dann noch einmal.',
    },
    'identity-mismatch': {
      message: 'Wir konnten nicht bestätigen, dass dies Ihre Praxis ist, daher wurde das ' +
        'Gespräch beendet.',
      action:
        'Versuchen Sie es auf dieser Seite nicht erneut. Erreichen Sie die Praxis auf anderem ' +
        'Weg und sagen Sie ihr Bescheid.',
    },
    'no-common-codec': {
      message:
        'Ihr Browser und der Browser Ihres Gegenübers können sich auf kein vertrauliches, ' +
        'verschlüsseltes Videoformat einigen, deshalb wurde das Gespräch beendet.',
      action: 'Bitte versuchen Sie es in einer aktuellen Version von Chrome, Edge oder Firefox.',
    },
  },
};
