import { expect } from 'chai';
import { PorchlightCallView } from './call-view.js';
import './define.js';
import { PorchlightHangUpRequestEvent } from './events.js';
import { FakeCall, getPart, hasPart, mount, shadowText, unnamedButtons } from './_test-helpers.js';

async function mountView(call: FakeCall): Promise<PorchlightCallView> {
  const view = document.createElement('porchlight-call-view');
  view.call = call.asCall();
  return mount(view);
}

describe('porchlight-call-view', () => {
  afterEach(() => {
    document.body.replaceChildren();
  });

  it('renders nothing without a call', async () => {
    const view = await mount(document.createElement('porchlight-call-view'));
    expect(shadowText(view)).to.equal('');
    expect(view.shadowRoot?.querySelector('video')).to.equal(null);
  });

  it('shows connecting then connected status', async () => {
    const call = new FakeCall();
    const view = await mountView(call);
    expect(getPart(view, 'status').textContent).to.equal('Connecting securely…');

    call.update({ state: 'connected' });
    await view.updateComplete;
    expect(getPart(view, 'status').textContent).to.equal('Connected · end-to-end encrypted');
  });

  it('shows SAS and verified badge', async () => {
    const call = new FakeCall();
    const view = await mountView(call);
    expect(shadowText(view)).not.to.contain('Security code');
    expect(view.shadowRoot?.querySelector('[part="verified"]')).to.equal(null);

    call.update({ sas: '123 456', state: 'connected' });
    await view.updateComplete;
    expect(getPart(view, 'sas').textContent).to.equal('Security code 123 456');
    expect(shadowText(view)).to.contain('Read the code aloud');
    expect(view.shadowRoot?.querySelector('[part="verified"]')).to.equal(null);

    call.update({ identityVerified: true });
    await view.updateComplete;
    expect(getPart(view, 'verified').textContent).to.equal('Verified therapist');
  });

  it('binds streams to the videos', async () => {
    const call = new FakeCall();
    const view = await mountView(call);
    const remote = getPart<HTMLVideoElement>(view, 'remote-video');
    const local = getPart<HTMLVideoElement>(view, 'local-video');
    expect(local.srcObject).to.equal(call.localStream);
    expect(local.muted).to.equal(true);
    expect(local.hasAttribute('playsinline')).to.equal(true);
    expect(remote.srcObject).to.equal(null);

    const remoteStream = new MediaStream();
    call.update({ remoteStream, state: 'connected' });
    await view.updateComplete;
    expect(remote.srcObject).to.equal(remoteStream);
    expect(remote.autoplay).to.equal(true);
  });

  it('mirrors the local preview only', async () => {
    const view = await mountView(new FakeCall());
    const local = getPart(view, 'local-video');
    const remote = getPart(view, 'remote-video');
    expect(getComputedStyle(local).transform).to.equal('matrix(-1, 0, 0, 1, 0, 0)');
    expect(getComputedStyle(remote).transform).to.equal('none');
  });

  it('toggles microphone and camera', async () => {
    const call = new FakeCall();
    const view = await mountView(call);
    const mute = getPart(view, 'mute');
    const camera = getPart(view, 'camera');
    expect(mute.getAttribute('aria-pressed')).to.equal('false');
    expect(camera.getAttribute('aria-pressed')).to.equal('false');

    mute.click();
    camera.click();
    expect(call.calls).to.deep.equal([
      ['setMicrophoneEnabled', false],
      ['setCameraEnabled', false],
    ]);

    call.update({ microphoneEnabled: false, cameraEnabled: false });
    await view.updateComplete;
    expect(mute.getAttribute('aria-pressed')).to.equal('true');
    expect(camera.getAttribute('aria-pressed')).to.equal('true');
    expect(shadowText(view)).to.contain('Your microphone is off');
    expect(shadowText(view)).to.contain('Your camera is off');

    mute.click();
    expect(call.calls.at(-1)).to.deep.equal(['setMicrophoneEnabled', true]);
  });

  it('hangs up unless the request is cancelled', async () => {
    const call = new FakeCall();
    const view = await mountView(call);
    const requests: PorchlightHangUpRequestEvent[] = [];
    let cancelNext = true;
    document.body.addEventListener('porchlight-hang-up-request', (event) => {
      requests.push(event);
      if (cancelNext) event.preventDefault();
    });

    getPart(view, 'hang-up').click();
    expect(requests).to.have.length(1);
    expect(call.calls).to.deep.equal([]);

    cancelNext = false;
    getPart(view, 'hang-up').click();
    expect(requests).to.have.length(2);
    expect(call.calls).to.deep.equal([['hangUp']]);
  });

  it('disables the buttons once the call ended', async () => {
    const call = new FakeCall();
    const view = await mountView(call);
    call.update({ state: 'ended', endReason: 'remote-hang-up' });
    await view.updateComplete;
    expect(getPart(view, 'status').textContent).to.equal('Call ended');
    for (const part of ['mute', 'camera', 'hang-up']) {
      expect(getPart<HTMLButtonElement>(view, part).disabled, part).to.equal(true);
    }
  });

  it('names every button and has a live status', async () => {
    const view = await mountView(new FakeCall());
    expect(unnamedButtons(view)).to.deep.equal([]);
    expect(view.shadowRoot?.querySelector('[aria-live="polite"] [part="status"]')).to.not.equal(
      null,
    );
  });

  it('stops listening to a replaced call', async () => {
    const first = new FakeCall('first');
    const view = await mountView(first);
    const second = new FakeCall('second');
    second.state = 'connected';
    view.call = second.asCall();
    await view.updateComplete;

    first.update({ state: 'ended' });
    await view.updateComplete;
    expect(getPart(view, 'status').textContent).to.equal('Connected · end-to-end encrypted');
  });

  it('shows chat messages and sends', async () => {
    const call = new FakeCall();
    call.state = 'connected';
    call.chatReady = true;
    call.messages = [{ from: 'remote', text: '<b>hi</b>', at: 0 }];
    const view = await mountView(call);
    const log = getPart(view, 'chat-log');
    expect(log.getAttribute('role')).to.equal('log');
    expect(log.textContent).to.contain('Them:');
    expect(log.textContent).to.contain('<b>hi</b>');
    expect(log.querySelector('b')).to.equal(null);

    getPart<HTMLInputElement>(view, 'chat-input').value = 'Hello back';
    getPart<HTMLButtonElement>(view, 'chat-send').click();
    expect(call.calls).to.deep.equal([['sendMessage', 'Hello back']]);
    expect(getPart<HTMLInputElement>(view, 'chat-input').value).to.equal('');
  });

  it('disables chat until ready', async () => {
    const view = await mountView(new FakeCall());
    expect(getPart<HTMLInputElement>(view, 'chat-input').disabled).to.equal(true);
    expect(getPart<HTMLButtonElement>(view, 'chat-send').disabled).to.equal(true);
  });

  it('shows the network quality', async () => {
    const call = new FakeCall();
    call.state = 'connected';
    const view = await mountView(call);
    expect(hasPart(view, 'quality')).to.equal(false);
    call.update({ networkQuality: 'poor' });
    await view.updateComplete;
    expect(getPart(view, 'quality').textContent?.trim()).to.contain('Connection: poor');
  });

  it('says when it is reconnecting', async () => {
    const call = new FakeCall();
    call.state = 'reconnecting';
    const view = await mountView(call);
    expect(getPart(view, 'status').textContent).to.equal('Connection interrupted. Reconnecting…');
  });

  it('offers screen sharing on desktop', async () => {
    const view = await mountView(new FakeCall());
    expect(hasPart(view, 'share-screen')).to.equal(true);
    expect(hasPart(view, 'switch-camera')).to.equal(false);
  });
});
