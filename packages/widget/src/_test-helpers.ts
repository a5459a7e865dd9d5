// Shared pieces of the widget's browser tests: fakes of the client objects
// that record calls, and small DOM queries. Nothing here is imported by the shipped modules.
import type {
  Call,
  CallEndReason,
  CallState,
  ChatMessage,
  HostState,
  Knock,
  NetworkQuality,
  PorchlightError,
  PresenceDetail,
  VisitorState,
} from '@porchlight/client';

/** Returns a stream with one real video track, drawn from a canvas. */
export function canvasStream(): MediaStream {
  const canvas = document.createElement('canvas');
  canvas.width = 64;
  canvas.height = 48;
  canvas.getContext('2d')?.fillRect(0, 0, 64, 48);
  return canvas.captureStream(1);
}

/** Base of the fakes: public fields plus `update`, which changes them and fires `change`. */
class FakeTarget<Fields extends object> extends EventTarget {
  /** Names of the methods called, in order, with their arguments. */
  readonly calls: Array<[string, ...unknown[]]> = [];

  update(fields: Partial<Fields>): void {
    Object.assign(this, fields);
    this.dispatchEvent(new Event('change'));
  }
}

interface CallFields {
  state: CallState;
  endReason: CallEndReason | null;
  remoteStream: MediaStream | null;
  microphoneEnabled: boolean;
  cameraEnabled: boolean;
  sas: string | null;
  identityVerified: boolean;
  messages: readonly ChatMessage[];
  chatReady: boolean;
  networkQuality: NetworkQuality | null;
  screenSharing: boolean;
}

/** Stands in for `Call`: records method calls and changes nothing by itself. */
export class FakeCall extends FakeTarget<CallFields> {
  readonly role = 'visitor';
  readonly localStream = canvasStream();
  readonly peerConnection = null;
  state: CallState = 'connecting';
  endReason: CallEndReason | null = null;
  remoteStream: MediaStream | null = null;
  microphoneEnabled = true;
  cameraEnabled = true;
  sas: string | null = null;
  identityVerified = false;
  messages: readonly ChatMessage[] = [];
  chatReady = false;
  networkQuality: NetworkQuality | null = null;
  screenSharing = false;

  constructor(readonly callId = 'call-1') {
    super();
  }

  setMicrophoneEnabled(on: boolean): void {
    this.calls.push(['setMicrophoneEnabled', on]);
  }

  setCameraEnabled(on: boolean): void {
    this.calls.push(['setCameraEnabled', on]);
  }

  hangUp(): void {
    this.calls.push(['hangUp']);
  }

  sendMessage(text: string): Promise<void> {
    this.calls.push(['sendMessage', text]);
    return Promise.resolve();
  }

  asCall(): Call {
    return this as unknown as Call;
  }
}

interface VisitorFields {
  state: VisitorState;
  error: PorchlightError | null;
  presence: PresenceDetail | null;
  queuePosition: number | null;
  waitMessage: string | null;
  call: Call | null;
}

/** Stands in for `VisitorClient`: records method calls and changes nothing by itself. */
export class FakeVisitorClient extends FakeTarget<VisitorFields> {
  state: VisitorState = 'connecting';
  error: PorchlightError | null = null;
  presence: PresenceDetail | null = null;
  queuePosition: number | null = null;
  waitMessage: string | null = null;
  call: Call | null = null;

  connect(): void {
    this.calls.push(['connect']);
  }

  startCall(options?: { name?: string; audioOnly?: boolean; media?: MediaStream }): Promise<void> {
    this.calls.push(['startCall', options]);
    return Promise.resolve();
  }

  cancel(): void {
    this.calls.push(['cancel']);
  }

  hangUp(): void {
    this.calls.push(['hangUp']);
  }

  close(): void {
    this.calls.push(['close']);
  }
}

interface HostFields {
  state: HostState;
  error: PorchlightError | null;
  knocks: readonly Knock[];
  presence: PresenceDetail;
  call: Call | null;
}

/** Stands in for `HostClient`: records method calls and changes nothing by itself. */
export class FakeHostClient extends FakeTarget<HostFields> {
  state: HostState = 'idle';
  error: PorchlightError | null = null;
  knocks: readonly Knock[] = [];
  presence: PresenceDetail = { status: 'offline' };
  call: Call | null = null;

  goOnline(message?: string): void {
    this.calls.push(['goOnline', message]);
  }

  setPresence(status: PresenceDetail['status'], message?: string): void {
    this.calls.push(['setPresence', status, message]);
  }

  askToWait(callId: string, message?: string): void {
    this.calls.push(['askToWait', callId, message]);
  }

  goOffline(): void {
    this.calls.push(['goOffline']);
  }

  admit(callId: string): Promise<void> {
    this.calls.push(['admit', callId]);
    return Promise.resolve();
  }

  decline(callId: string, message?: string): void {
    this.calls.push(['decline', callId, message]);
  }

  hangUp(): void {
    this.calls.push(['hangUp']);
  }

  close(): void {
    this.calls.push(['close']);
  }
}

/** Returns the element's shadow-root child with `part` equal to `name`, or throws. */
export function getPart<T extends Element = HTMLElement>(host: Element, name: string): T {
  const found = host.shadowRoot?.querySelector<T>(`[part~="${name}"]`);
  if (!found) throw new Error(`Part "${name}" not found in <${host.localName}>`);
  return found;
}

/** Returns whether the element's shadow root contains a `part` named `name`. */
export function hasPart(host: Element, name: string): boolean {
  return host.shadowRoot?.querySelector(`[part~="${name}"]`) != null;
}

/** Returns the visible text of the element's shadow root with whitespace collapsed. */
export function shadowText(host: Element): string {
  return (host.shadowRoot?.textContent ?? '').replace(/\s+/g, ' ').trim();
}

/**
 * Returns the buttons in the shadow root that have neither text nor `aria-label`, that is
 * buttons a screen reader could not name.
 */
export function unnamedButtons(host: Element): HTMLButtonElement[] {
  const buttons = [...(host.shadowRoot?.querySelectorAll('button') ?? [])];
  return buttons.filter(
    (button) => !button.getAttribute('aria-label') && !button.textContent?.trim(),
  );
}

/** Adds `element` to the document and waits for its first render. */
export async function mount<T extends HTMLElement & { updateComplete: Promise<boolean> }>(
  element: T,
): Promise<T> {
  document.body.append(element);
  await element.updateComplete;
  return element;
}
