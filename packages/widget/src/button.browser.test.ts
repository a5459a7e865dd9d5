import type { VisitorClient } from '@porchlight/client';
import { PorchlightError } from '@porchlight/client';
import { expect } from 'chai';
import { PorchlightButton } from './button.js';
import './define.js';
import { PorchlightCallEndEvent, PorchlightCallStartEvent } from './events.js';
import {
  FakeCall,
  FakeVisitorClient,
  getPart,
  hasPart,
  mount,
  shadowText,
  unnamedButtons,
} from './_test-helpers.js';

async function mountWithFake(
  fake = new FakeVisitorClient(),
): Promise<{ button: PorchlightButton; fake: FakeVisitorClient }> {
  const button = document.createElement('porchlight-button');
  button.client = fake as unknown as VisitorClient;
  await mount(button);
  return { button, fake };
}

async function change(
  button: PorchlightButton,
  fake: FakeVisitorClient,
  fields: Parameters<FakeVisitorClient['update']>[0],
): Promise<void> {
  fake.update(fields);
  await button.updateComplete;
}

/** Waits for a part that appears after an asynchronous step, such as opening the camera. */
async function waitForPart<T extends HTMLElement = HTMLElement>(
  host: PorchlightButton,
  name: string,
): Promise<T> {
  for (let tries = 0; tries < 100; tries++) {
    await host.updateComplete;
    if (hasPart(host, name)) return getPart<T>(host, name);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`Part "${name}" did not appear in <${host.localName}>`);
}

function talkButton(button: PorchlightButton): HTMLButtonElement {
  return getPart<HTMLButtonElement>(button, 'talk-button');
}

describe('porchlight-button', () => {
  afterEach(() => {
    document.body.replaceChildren();
  });

  it('is unknown and disabled without room and server', async () => {
    const button = await mount(document.createElement('porchlight-button'));
    expect(button.client).to.equal(null);
    expect(button.getAttribute('presence')).to.equal('unknown');
    expect(talkButton(button).disabled).to.equal(true);
  });

  it('is unknown until presence arrives', async () => {
    const { button } = await mountWithFake();
    expect(button.getAttribute('presence')).to.equal('unknown');
    expect(talkButton(button).disabled).to.equal(true);
    expect(talkButton(button).textContent?.trim()).to.equal(
      'Checking if your therapist is available…',
    );
  });

  it('follows presence changes', async () => {
    const { button, fake } = await mountWithFake();

    await change(button, fake, { state: 'ready', presence: { status: 'available' } });
    expect(button.getAttribute('presence')).to.equal('available');
    expect(talkButton(button).disabled).to.equal(false);
    expect(talkButton(button).textContent?.trim()).to.equal('Talk now');

    await change(button, fake, { presence: { status: 'busy', message: 'Back at 3 pm' } });
    expect(button.getAttribute('presence')).to.equal('busy');
    expect(talkButton(button).disabled).to.equal(true);
    expect(talkButton(button).textContent?.trim()).to.equal('Therapist is busy');
    expect(shadowText(button)).to.contain('Back at 3 pm');

    await change(button, fake, { presence: { status: 'offline' } });
    expect(button.getAttribute('presence')).to.equal('offline');
    expect(talkButton(button).disabled).to.equal(true);
    expect(talkButton(button).textContent?.trim()).to.equal('Therapist is offline');
  });

  it('checks devices, then knocks with name', async () => {
    const { button, fake } = await mountWithFake();
    await change(button, fake, { state: 'ready', presence: { status: 'available' } });
    talkButton(button).click();
    await button.updateComplete;
    expect(hasPart(button, 'precheck')).to.equal(true);
    expect(fake.calls).to.deep.equal([]);

    const join = await waitForPart<HTMLButtonElement>(button, 'join');
    const preview = getPart<HTMLVideoElement>(button, 'preview');
    const stream = preview.srcObject as MediaStream;
    expect(stream.getVideoTracks()).to.have.length(1);
    expect(stream.getAudioTracks()).to.have.length(1);
    getPart<HTMLInputElement>(button, 'name').value = '  Sam ';
    join.click();
    expect(fake.calls).to.deep.equal([
      ['startCall', { media: stream, audioOnly: false, name: 'Sam' }],
    ]);
    expect(stream.getTracks().every((track) => track.readyState === 'live')).to.equal(true);
    stream.getTracks().forEach((track) => track.stop());
  });

  it('knocks with audio only', async () => {
    const { button, fake } = await mountWithFake();
    await change(button, fake, { state: 'ready', presence: { status: 'available' } });
    talkButton(button).click();
    await button.updateComplete;
    getPart(button, 'join-audio-only').click();
    await button.updateComplete;
    expect(hasPart(button, 'preview')).to.equal(false);
    (await waitForPart(button, 'join')).click();
    const [name, options] = fake.calls[0] as [string, { media: MediaStream; audioOnly: boolean }];
    expect(name).to.equal('startCall');
    expect(options.audioOnly).to.equal(true);
    expect(options.media.getVideoTracks()).to.have.length(0);
    expect(options.media.getAudioTracks()).to.have.length(1);
    options.media.getTracks().forEach((track) => track.stop());
  });

  it('stops the preview on cancel', async () => {
    const { button, fake } = await mountWithFake();
    await change(button, fake, { state: 'ready', presence: { status: 'available' } });
    talkButton(button).click();
    await waitForPart(button, 'join');
    const stream = getPart<HTMLVideoElement>(button, 'preview').srcObject as MediaStream;
    getPart(button, 'cancel').click();
    await button.updateComplete;
    expect(stream.getTracks().every((track) => track.readyState === 'ended')).to.equal(true);
    expect(button.shadowRoot?.activeElement).to.equal(talkButton(button));
  });

  it('explains a denied camera for this browser', async () => {
    const { button, fake } = await mountWithFake();
    await change(button, fake, { state: 'ready', presence: { status: 'available' } });
    // Headless Chromium here grants every request, so a refusal has to be simulated.
    const original = navigator.mediaDevices.getUserMedia;
    navigator.mediaDevices.getUserMedia = () =>
      Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));
    try {
      talkButton(button).click();
      await waitForPart(button, 'retry');
    } finally {
      navigator.mediaDevices.getUserMedia = original;
    }
    const alert = button.shadowRoot?.querySelector('[role="alert"]');
    expect(alert?.textContent).to.contain('not allowing the camera and microphone');
    expect(alert?.textContent).to.contain('In Chrome or Edge');
    expect(hasPart(button, 'join')).to.equal(false);
    expect(hasPart(button, 'join-audio-only')).to.equal(true);
  });

  it('offers the fallback link when busy', async () => {
    const { button, fake } = await mountWithFake();
    button.fallbackUrl = 'https://therapist.example/book';
    await change(button, fake, { state: 'ready', presence: { status: 'available' } });
    expect(hasPart(button, 'fallback')).to.equal(false);

    await change(button, fake, { presence: { status: 'busy' } });
    expect(getPart<HTMLAnchorElement>(button, 'fallback').href).to.equal(
      'https://therapist.example/book',
    );
    await change(button, fake, { presence: { status: 'offline', message: 'On leave' } });
    expect(hasPart(button, 'fallback')).to.equal(true);
    expect(shadowText(button)).to.contain('On leave');
  });

  it('refuses a script fallback link', async () => {
    const { button, fake } = await mountWithFake();
    button.fallbackUrl = 'javascript:alert(1)';
    await change(button, fake, { state: 'ready', presence: { status: 'offline' } });
    expect(hasPart(button, 'fallback')).to.equal(false);
  });

  it('shows the ask-to-wait message', async () => {
    const { button, fake } = await mountWithFake();
    await change(button, fake, { state: 'waiting', queuePosition: 1 });
    expect(hasPart(button, 'wait-message')).to.equal(false);
    await change(button, fake, { waitMessage: 'Finishing up, 5 minutes' });
    expect(shadowText(button)).to.contain('asked you to wait a little');
    expect(shadowText(button)).to.contain('Finishing up, 5 minutes');
  });

  it('moves focus into the call and back', async () => {
    const { button, fake } = await mountWithFake();
    await change(button, fake, { state: 'ready', presence: { status: 'available' } });
    await change(button, fake, { state: 'in-call', call: new FakeCall().asCall() });
    const view = button.shadowRoot?.querySelector('porchlight-call-view');
    await view?.updateComplete;
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(view?.shadowRoot?.activeElement?.getAttribute('part')).to.equal('mute');

    await change(button, fake, { state: 'ended' });
    expect(button.shadowRoot?.activeElement).to.equal(getPart(button, 'close'));
    getPart(button, 'close').click();
    await button.updateComplete;
    expect(button.shadowRoot?.activeElement).to.equal(talkButton(button));
  });

  it('announces state changes in one live region', async () => {
    const { button, fake } = await mountWithFake();
    const announcer = getPart(button, 'announcer');
    await change(button, fake, { state: 'waiting' });
    expect(announcer.textContent?.trim()).to.equal('Waiting for your therapist…');
    await change(button, fake, { state: 'reconnecting' });
    expect(getPart(button, 'announcer')).to.equal(announcer);
    expect(announcer.textContent?.trim()).to.equal('Connection lost. Reconnecting…');
    const error = new PorchlightError('knock-timeout', 'Timed out');
    await change(button, fake, { state: 'error', error });
    expect(announcer.textContent?.trim()).to.equal('Your therapist did not answer in time.');
  });

  it('shows the queue position and cancels', async () => {
    const { button, fake } = await mountWithFake();
    await change(button, fake, {
      state: 'waiting',
      presence: { status: 'available' },
      queuePosition: 2,
    });
    expect(shadowText(button)).to.contain('Waiting for your therapist…');
    expect(shadowText(button)).to.contain('You are number 2 in line');
    expect(hasPart(button, 'talk-button')).to.equal(false);

    getPart(button, 'cancel').click();
    expect(fake.calls).to.deep.equal([['cancel']]);
  });

  it('fires start and end on state changes', async () => {
    const { button, fake } = await mountWithFake();
    const events: Event[] = [];
    document.body.addEventListener('porchlight-call-start', (event) => events.push(event));
    document.body.addEventListener('porchlight-call-end', (event) => events.push(event));
    const call = new FakeCall('call-7');

    await change(button, fake, { state: 'in-call', call: call.asCall() });
    expect(events).to.have.length(1);
    expect(events[0]).to.be.instanceOf(PorchlightCallStartEvent);
    expect((events[0] as PorchlightCallStartEvent).detail.callId).to.equal('call-7');
    expect(button.call).to.equal(call);
    const view = button.shadowRoot?.querySelector('porchlight-call-view');
    expect(view?.call).to.equal(call);

    await change(button, fake, { queuePosition: null });
    expect(events).to.have.length(1);

    call.endReason = 'remote-hang-up';
    await change(button, fake, { state: 'ended' });
    expect(events).to.have.length(2);
    const end = events[1] as PorchlightCallEndEvent;
    expect(end).to.be.instanceOf(PorchlightCallEndEvent);
    expect(end.detail).to.deep.equal({
      callId: 'call-7',
      reason: 'remote-hang-up',
      errorCode: null,
    });
    expect(end.bubbles).to.equal(true);
    expect(end.composed).to.equal(true);
  });

  it('fires nothing for a client set in a call', async () => {
    const fake = new FakeVisitorClient();
    fake.state = 'in-call';
    fake.call = new FakeCall().asCall();
    const events: Event[] = [];
    document.body.addEventListener('porchlight-call-start', (event) => events.push(event));
    const { button } = await mountWithFake(fake);
    expect(button.shadowRoot?.querySelector('porchlight-call-view')).to.not.equal(null);
    expect(events).to.deep.equal([]);
  });

  it('shows call ended until closed', async () => {
    const { button, fake } = await mountWithFake();
    await change(button, fake, { state: 'ended', presence: { status: 'available' } });
    expect(shadowText(button)).to.contain('Call ended');

    getPart(button, 'close').click();
    await button.updateComplete;
    expect(shadowText(button)).to.not.contain('Call ended');
    expect(talkButton(button).disabled).to.equal(false);
  });

  it('explains a denied camera and retries', async () => {
    const { button, fake } = await mountWithFake();
    const error = new PorchlightError('media-denied', 'Camera permission denied');
    await change(button, fake, { state: 'error', error, presence: { status: 'available' } });
    const alert = button.shadowRoot?.querySelector('[role="alert"]');
    expect(alert?.textContent).to.contain('not allowing the camera and microphone');
    expect(alert?.textContent).to.contain('address bar');

    getPart(button, 'retry').click();
    await button.updateComplete;
    expect(hasPart(button, 'precheck')).to.equal(true);
    getPart(button, 'cancel').click();
  });

  it('offers no retry after a decline', async () => {
    const { button, fake } = await mountWithFake();
    button.fallbackUrl = 'https://therapist.example/book';
    const error = new PorchlightError('declined', 'Declined');
    await change(button, fake, { state: 'error', error });
    expect(hasPart(button, 'fallback')).to.equal(true);
    expect(shadowText(button)).to.contain('cannot take the call right now');
    expect(hasPart(button, 'retry')).to.equal(false);
    expect(hasPart(button, 'close')).to.equal(true);
  });

  it('explains an unknown room with the fallback link', async () => {
    const { button, fake } = await mountWithFake();
    button.fallbackUrl = 'https://therapist.example/book';
    const error = new PorchlightError('room-unknown', 'The relay rejected the connection');
    await change(button, fake, { state: 'error', error });
    const alert = button.shadowRoot?.querySelector('[role="alert"]');
    expect(alert?.textContent).to.contain('Video calls on this page are not set up correctly.');
    expect(alert?.textContent).to.contain('contact your therapist another way');
    expect(getPart<HTMLAnchorElement>(button, 'fallback').href).to.equal(
      'https://therapist.example/book',
    );
    expect(hasPart(button, 'retry')).to.equal(false);

    getPart(button, 'close').click();
    await button.updateComplete;
    expect(talkButton(button).textContent?.trim()).to.equal(
      'Video calls are not available on this page right now',
    );
    expect(talkButton(button).disabled).to.equal(true);
  });

  it('connects for a room that is no room id', async () => {
    // The relay, not the element, decides that the room is unknown, so a client is made.
    const button = document.createElement('porchlight-button');
    button.setAttribute('room', 'OPEN-THIS-PAGE-FROM-THE-CONSOLE');
    button.setAttribute('server', 'ws://127.0.0.1:9');
    await mount(button);
    expect(button.client).to.not.equal(null);
  });

  it('leaves a set client open on removal', async () => {
    const { button, fake } = await mountWithFake();
    button.remove();
    expect(fake.calls).to.deep.equal([]);
  });

  it('names every button in each state', async () => {
    const { button, fake } = await mountWithFake();
    const states: Array<Parameters<FakeVisitorClient['update']>[0]> = [
      { state: 'ready', presence: { status: 'available' } },
      { state: 'waiting', queuePosition: 1 },
      { state: 'in-call', call: new FakeCall().asCall() },
      { state: 'ended' },
      { state: 'error', error: new PorchlightError('call-failed', 'Failed') },
    ];
    for (const fields of states) {
      await change(button, fake, fields);
      expect(unnamedButtons(button), String(fields.state)).to.deep.equal([]);
    }
  });

  it('floats in the corner', async () => {
    const button = document.createElement('porchlight-button');
    button.floating = true;
    await mount(button);
    expect(button.hasAttribute('floating')).to.equal(true);
    expect(getComputedStyle(button).position).to.equal('fixed');
    expect(Number(getComputedStyle(button).zIndex)).to.be.greaterThan(1_000_000);
  });
});
