// A visitor page built on the framework-free client instead of <porchlight-button>: its own
// markup, its own words, and the client's typed events to drive them. The room id and the relay
// URL come from data attributes on <main>, the worker from the same folder as this script.
import {
  VisitorClient,
  type Call,
  type PorchlightErrorCode,
  type VisitorState,
} from '@porchlight/client';

/** Message this page shows the visitor for each failure, with what to do next. */
const ERROR_TEXT: Record<PorchlightErrorCode, string> = {
  'relay-unreachable': 'The connection to the call service failed. Check your internet and reload.',
  'relay-error': 'The call service rejected this page. Please reload it.',
  'media-denied': 'Camera and microphone are blocked. Allow them in the address bar and retry.',
  'media-not-found': 'No camera or microphone was found. Connect one and try again.',
  'media-in-use': 'Another app is using your camera or microphone. Close it and try again.',
  'media-failed': 'Camera and microphone could not start. Reload the page and try again.',
  'e2ee-unsupported': 'This browser cannot encrypt the call. Use a current Chrome, Edge or Firefox.',
  declined: 'Your therapist cannot take the call now.',
  'knock-timeout': 'Nobody answered in time. Please try again later.',
  'room-unknown': 'This page does not lead to a therapist. Check the address you were given.',
  'host-offline': 'Your therapist is offline now. Please try again later.',
  'call-failed': 'The call connection was lost. Please try again.',
  'identity-mismatch': 'The therapist could not be verified, so no call was started.',
  'no-common-codec': 'Your two browsers cannot encrypt a common video format.',
};

/** Status line for the states that have no element of their own. */
const STATE_TEXT: Partial<Record<VisitorState, string>> = {
  idle: 'Not connected.',
  connecting: 'Connecting…',
  'requesting-media': 'Please allow camera and microphone when your browser asks.',
  waiting: 'You are in the waiting room.',
  reconnecting: 'Connection lost. Reconnecting…',
  'in-call': 'In a call. Both sides encrypt every frame end to end.',
  ended: 'The call has ended. Thank you.',
};

const app = element('app');
const room = app.dataset['room'] ?? '';
const server = app.dataset['server'] ?? '';
const workerUrl = new URL('./porchlight-e2ee-worker.js', import.meta.url);

const client = new VisitorClient({ server, room, workerUrl });

/** Returns the element with `id`, which this page's markup always contains. */
function element<T extends HTMLElement = HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (found === null) throw new Error(`The page has no element with id "${id}"`);
  return found as T;
}

/** Adds one line to the event log, for developers who read along. */
function logEvent(text: string): void {
  const item = document.createElement('li');
  item.textContent = text;
  element('event-log').append(item);
}

function setStatus(text: string): void {
  element('status').textContent = text;
}

/** Shows the form, the waiting room or the call for `state`. */
function showState(state: VisitorState): void {
  element('start').hidden = state !== 'ready';
  element('waiting').hidden = state !== 'waiting';
  element('call').hidden = state !== 'in-call';
  const text = STATE_TEXT[state];
  if (text !== undefined) setStatus(text);
}

client.addEventListener('statechange', (event) => {
  logEvent(`statechange ${event.previousState} -> ${event.state}`);
  showState(event.state);
});

client.addEventListener('presencechange', (event) => {
  const status = event.presence?.status ?? 'unknown';
  logEvent(`presencechange ${status}`);
  const talk = element<HTMLButtonElement>('talk');
  talk.disabled = status !== 'available';
  if (client.state !== 'ready') return;
  if (status === 'available') setStatus('Your therapist is available.');
  else if (status === 'busy') setStatus('Your therapist is in another call.');
  else setStatus(event.presence?.message ?? 'Your therapist is offline.');
});

client.addEventListener('error', (event) => {
  logEvent(`error ${event.error.code}`);
  setStatus(ERROR_TEXT[event.error.code]);
});

client.addEventListener('change', () => {
  const position = client.queuePosition;
  element('queue').textContent =
    position === null ? 'Waiting for your therapist…' : `You are number ${position} in line.`;
});

client.addEventListener('callstart', (event) => {
  logEvent('callstart');
  followCall(event.call);
});

/** Connects the call's media, security code, chat and controls to the page. */
function followCall(call: Call): void {
  element<HTMLVideoElement>('local-video').srcObject = call.localStream;

  call.addEventListener('statechange', (event) => {
    logEvent(`call statechange ${event.previousState} -> ${event.state}`);
  });
  call.addEventListener('remotestream', (event) => {
    logEvent('call remotestream');
    element<HTMLVideoElement>('remote-video').srcObject = event.stream;
  });
  call.addEventListener('secured', (event) => {
    logEvent(`call secured ${event.identityVerified ? 'verified' : 'unverified'}`);
    const verified = event.identityVerified ? 'Verified therapist. ' : '';
    element('security').textContent = `${verified}Security code: ${event.sas}`;
  });
  call.addEventListener('qualitychange', (event) => {
    element('quality').textContent = `Connection: ${event.quality}`;
  });
  call.addEventListener('chatmessage', (event) => {
    const { from, text } = event.message;
    logEvent(`call chatmessage ${from}`);
    const item = document.createElement('li');
    // Remote text is untrusted: textContent never parses it as HTML.
    item.textContent = `${from === 'local' ? 'You' : 'Therapist'}: ${text}`;
    element('chat-log').append(item);
  });
  call.addEventListener('end', (event) => {
    logEvent(`call end ${event.reason}`);
    element<HTMLVideoElement>('remote-video').srcObject = null;
    element<HTMLVideoElement>('local-video').srcObject = null;
    element('chat-log').replaceChildren();
  });
}

element('start').addEventListener('submit', (event) => {
  event.preventDefault();
  const name = element<HTMLInputElement>('name').value.trim();
  void client.startCall(name ? { name } : {});
});

element('cancel').addEventListener('click', () => client.cancel());
element('hang-up').addEventListener('click', () => client.hangUp());

element('mute').addEventListener('click', () => {
  const call = client.call;
  if (call === null) return;
  const muted = call.microphoneEnabled;
  call.setMicrophoneEnabled(!muted);
  const button = element('mute');
  button.setAttribute('aria-pressed', String(muted));
  button.textContent = muted ? 'Unmute' : 'Mute';
});

element('chat').addEventListener('submit', (event) => {
  event.preventDefault();
  const input = element<HTMLInputElement>('chat-text');
  const text = input.value;
  client.call?.sendMessage(text).then(
    () => {
      input.value = '';
    },
    (error: unknown) => setStatus(`The message was not sent: ${String(error)}`),
  );
});

client.connect();
