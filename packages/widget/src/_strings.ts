import type { PorchlightErrorCode } from '@porchlight/client';

/** Plain-language text for one failure: what happened, then what the person can do. */
export interface ErrorText {
  message: string;
  action: string;
}

/**
 * Every user-facing English string of the widget. This object is the source of the keys: every
 * table in `_locales.ts` has the same shape. Visitors may be upset when they read these, so the
 * error texts avoid jargon and always say what to do next.
 */
export const english = {
  button: {
    talkNow: 'Talk now',
    checking: 'Checking if your therapist is available…',
    notConfigured: 'Video calls are not available on this page right now',
    busy: 'Therapist is busy',
    offline: 'Therapist is offline',
    requestingMedia: 'Please allow your camera and microphone when your browser asks',
    waiting: 'Waiting for your therapist…',
    queuePosition: (position: number): string => `You are number ${position} in line`,
    cancel: 'Cancel',
    callEnded: 'Call ended',
    close: 'Close',
    tryAgain: 'Try again',
    fallbackLink: 'Book a time instead',
    reconnecting: 'Connection lost. Reconnecting…',
    askedToWait: 'Your therapist has seen you and asked you to wait a little.',
    precheckHeading: 'Before you join',
    precheckIntro: 'Check your camera and microphone. Nothing is sent until your therapist lets you in.',
    nameLabel: 'Your name (optional)',
    nameHint: 'Shown only to your therapist.',
    previewLabel: 'Preview of your camera',
    audioOnlyPreview: 'Audio only: your camera stays off.',
    join: 'Join the waiting room',
    joinAudioOnly: 'Join with audio only',
    useCamera: 'Use my camera',
    checkingDevices: 'Starting your camera and microphone…',
    endedHeading: 'Your call has ended',
    endedBody: 'Thank you. You can close this window, or start a new call when your therapist is available.',
  },
  /** How to fix a camera or microphone problem, by browser family. */
  mediaFix: {
    denied: {
      chromium:
        'In Chrome or Edge, click the camera icon or the site settings icon at the left of the ' +
        'address bar, set Camera and Microphone to Allow, then reload the page.',
      firefox:
        'In Firefox, click the crossed-out camera icon in the address bar, clear the blocked ' +
        'permissions for this site, then reload the page and choose Allow.',
      safari:
        'In Safari, open Safari > Settings for This Website (on iPhone or iPad: the aA button), ' +
        'set Camera and Microphone to Allow, then reload the page.',
      other:
        'Open your browser\'s site settings for this page, allow the camera and microphone, ' +
        'then reload the page.',
    },
    'in-use': {
      chromium:
        'Close other apps or tabs that use the camera (video calls, the Camera app), then press ' +
        'Try again. On Windows, only one app can use a camera at a time.',
      firefox:
        'Close other apps or tabs that use the camera, then press Try again. Firefox shows a ' +
        'camera icon in the tab of any page that is using it.',
      safari:
        'Close other apps that use the camera, such as FaceTime or Photo Booth, then press ' +
        'Try again.',
      other: 'Close other apps or tabs that use the camera or microphone, then press Try again.',
    },
    'not-found': {
      chromium:
        'Connect a camera or headset, then press Try again. In Chrome or Edge you can also pick ' +
        'a device under the site settings icon in the address bar.',
      firefox: 'Connect a camera or headset, then press Try again, or join with audio only.',
      safari:
        'Connect a camera or headset, then press Try again. On a Mac, check System Settings > ' +
        'Privacy & Security > Camera.',
      other: 'Connect a camera or headset, then press Try again, or join with audio only.',
    },
  },
  call: {
    label: 'Video call',
    connecting: 'Connecting securely…',
    connected: 'Connected · end-to-end encrypted',
    ended: 'Call ended',
    remoteVideo: 'Video of the other person',
    localVideo: 'Your camera preview',
    mute: 'Mute',
    muteLabel: 'Mute microphone',
    microphoneOff: 'Your microphone is off',
    cameraOff: 'Camera off',
    cameraOffLabel: 'Turn camera off',
    cameraIsOff: 'Your camera is off',
    hangUp: 'Hang up',
    hangUpLabel: 'Hang up and end the call',
    verified: 'Verified therapist',
    sas: (code: string): string => `Security code ${code}`,
    sasHint: 'Read the code aloud: if you both see the same digits, nobody is listening in.',
    reconnecting: 'Connection interrupted. Reconnecting…',
    cameraSelect: 'Camera',
    microphoneSelect: 'Microphone',
    shareScreen: 'Share screen',
    stopSharing: 'Stop sharing',
    shareFailed: 'Your screen is not shared. The call goes on with your camera.',
    switchCamera: 'Switch camera',
    switchCameraLabel: 'Switch between front and back camera',
    deviceFailed: 'That device could not be started. Pick another one.',
    chatHeading: 'Chat',
    chatLog: 'Chat messages',
    chatInput: 'Message',
    chatSend: 'Send',
    chatYou: 'You',
    chatThem: 'Them',
    chatNotReady: 'Chat opens once the call is connected.',
    chatFailed: 'The message could not be sent.',
    quality: {
      good: 'Connection: good',
      fair: 'Connection: fair',
      poor: 'Connection: poor. Try turning your camera off.',
    },
  },
  /** Shown when the client is in the error state but carries no error object. */
  unknownError: {
    message: 'Something went wrong.',
    action: 'Please try again in a moment.',
  } satisfies ErrorText,
  errors: {
    'relay-unreachable': {
      message: 'We could not reach the call service.',
      action: 'Check that you are connected to the internet, then try again.',
    },
    'relay-error': {
      message: 'The call service did not accept the request.',
      action: 'Reload this page and try again.',
    },
    'media-denied': {
      message: 'Your browser is not allowing the camera and microphone.',
      action:
        'Click the camera or lock icon in the address bar, choose Allow for camera and ' +
        'microphone, then try again.',
    },
    'media-not-found': {
      message: 'We could not find a camera or microphone.',
      action: 'Plug in a camera and microphone, or use a device that has them, then try again.',
    },
    'media-in-use': {
      message: 'Another app is using your camera or microphone.',
      action: 'Close other video apps or browser tabs that use the camera, then try again.',
    },
    'media-failed': {
      message: 'Your camera and microphone could not be started.',
      action: 'Check that this page address starts with https, then try again.',
    },
    'e2ee-unsupported': {
      message: 'This browser cannot make a private, encrypted call.',
      action: 'Please open this page in an up-to-date Chrome, Edge, Firefox or Safari.',
    },
    'knock-timeout': {
      message: 'Your therapist did not answer in time.',
      action: 'You can try again later or book a time instead.',
    },
    'room-unknown': {
      message: 'Video calls on this page are not set up correctly.',
      action:
        'Please contact your therapist another way, for example by phone or email, and let ' +
        'them know.',
    },
    declined: {
      message: 'Your therapist cannot take the call right now.',
      action: 'You can try again later or contact your therapist another way.',
    },
    'host-offline': {
      message: 'Your therapist is not available right now.',
      action: 'Please try again later.',
    },
    'call-failed': {
      message: 'The call could not be connected or was interrupted.',
      action: 'Check your internet connection, then try again.',
    },
    'identity-mismatch': {
      message: 'We could not confirm that this is your therapist, so the call was stopped.',
      action: 'Do not retry on this page. Contact your therapist another way and tell them.',
    },
    'no-common-codec': {
      message: 'Your browser and the other person\'s browser cannot agree on a private, ' +
        'encrypted video format, so the call was ended.',
      action: 'Please try again in an up-to-date Chrome, Edge or Firefox.',
    },
  } satisfies Record<PorchlightErrorCode, ErrorText>,
};

/** The shape of one language's table of user-facing strings. */
export type Strings = typeof english;

/**
 * The strings of the element that is rendering now. Elements switch this to the table of their
 * language for one synchronous update (`renderInLanguage` in `_i18n.ts`), so templates can read
 * `strings.button.talkNow` directly. Outside an update it is {@link english}.
 */
export let strings: Strings = english;

/** Makes `table` the current {@link strings} and returns the table it replaces. */
export function swapStrings(table: Strings): Strings {
  const previous = strings;
  strings = table;
  return previous;
}
