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

  it('starts a call on click', async () => {
    const { button, fake } = await mountWithFake();
    await change(button, fake, { state: 'ready', presence: { status: 'available' } });
    talkButton(button).click();
    expect(fake.calls).to.deep.equal([['startCall', undefined]]);
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
    expect(fake.calls).to.deep.equal([['startCall', undefined]]);
  });

  it('offers no retry after a decline', async () => {
    const { button, fake } = await mountWithFake();
    const error = new PorchlightError('declined', 'Declined');
    await change(button, fake, { state: 'error', error });
    expect(shadowText(button)).to.contain('cannot take the call right now');
    expect(hasPart(button, 'retry')).to.equal(false);
    expect(hasPart(button, 'close')).to.equal(true);
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
