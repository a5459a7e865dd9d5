import { PorchlightError, type HostClient } from '@porchlight/client';
import { expect } from 'chai';
import { PorchlightConsole } from './console.js';
import './define.js';
import { PorchlightKnockEvent } from './events.js';
import { createIdentity, loadIdentity } from './_identity-store.js';
import {
  FakeCall,
  FakeHostClient,
  getPart,
  hasPart,
  mount,
  shadowText,
  unnamedButtons,
} from './_test-helpers.js';

async function mountWithFake(
  fake = new FakeHostClient(),
): Promise<{ element: PorchlightConsole; fake: FakeHostClient }> {
  const element = document.createElement('porchlight-console');
  element.client = fake as unknown as HostClient;
  await mount(element);
  return { element, fake };
}

async function change(
  element: PorchlightConsole,
  fake: FakeHostClient,
  fields: Parameters<FakeHostClient['update']>[0],
): Promise<void> {
  fake.update(fields);
  await element.updateComplete;
}

/** Sets an input's text the way typing does, with an `input` event. */
function type(input: HTMLInputElement, text: string): void {
  input.value = text;
  input.dispatchEvent(new Event('input'));
}

const knocks = [
  { callId: 'a', name: 'Sam', receivedAt: Date.UTC(2025, 0, 2, 9, 30) },
  { callId: 'b', receivedAt: Date.UTC(2025, 0, 2, 9, 31) },
];

describe('porchlight-console', () => {
  afterEach(() => {
    document.body.replaceChildren();
  });

  it('is offline with a disabled go-online without a client', async () => {
    const element = await mount(document.createElement('porchlight-console'));
    expect(element.getAttribute('status')).to.equal('offline');
    expect(getPart<HTMLButtonElement>(element, 'go-online').disabled).to.equal(true);
  });

  it('goes online and offline', async () => {
    const { element, fake } = await mountWithFake();
    getPart(element, 'go-online').click();
    expect(fake.calls).to.deep.equal([['goOnline', undefined]]);

    await change(element, fake, { state: 'online', presence: { status: 'available' } });
    expect(element.getAttribute('status')).to.equal('online');
    expect(hasPart(element, 'go-online')).to.equal(false);
    getPart(element, 'go-offline').click();
    expect(fake.calls.at(-1)).to.deep.equal(['goOffline']);

    await change(element, fake, { state: 'idle' });
    expect(element.getAttribute('status')).to.equal('offline');
  });

  it('lists knocks with name and time', async () => {
    const { element, fake } = await mountWithFake();
    await change(element, fake, { state: 'online', knocks });
    const items = [...(element.shadowRoot?.querySelectorAll('[part="knock"]') ?? [])];
    expect(items).to.have.length(2);
    expect(items[0]?.querySelector('.name')?.textContent).to.equal('Sam');
    expect(items[1]?.querySelector('.name')?.textContent).to.equal('Visitor');
    const time = items[0]?.querySelector('time');
    expect(time?.getAttribute('datetime')).to.equal('2025-01-02T09:30:00.000Z');
    expect(time?.textContent).to.contain('knocked at');
  });

  it('admits and declines on click', async () => {
    const { element, fake } = await mountWithFake();
    await change(element, fake, { state: 'online', knocks });
    const admit = element.shadowRoot?.querySelectorAll<HTMLButtonElement>('[part="admit"]');
    const decline = element.shadowRoot?.querySelectorAll<HTMLButtonElement>('[part="decline"]');
    expect(admit?.[0]?.getAttribute('aria-label')).to.equal('Admit Sam');

    admit?.[1]?.click();
    decline?.[0]?.click();
    expect(fake.calls).to.deep.equal([
      ['admit', 'b'],
      ['decline', 'a', undefined],
    ]);
  });

  it('disables admit while in a call', async () => {
    const { element, fake } = await mountWithFake();
    await change(element, fake, { state: 'in-call', knocks, call: new FakeCall().asCall() });
    expect(element.getAttribute('status')).to.equal('in-call');
    expect(getPart<HTMLButtonElement>(element, 'admit').disabled).to.equal(true);
    const view = element.shadowRoot?.querySelector('porchlight-call-view');
    expect(view?.call).to.equal(fake.call);
  });

  it('fires a knock event for new knocks only', async () => {
    const fake = new FakeHostClient();
    fake.state = 'online';
    fake.knocks = [knocks[0]!];
    const events: PorchlightKnockEvent[] = [];
    document.body.addEventListener('porchlight-knock', (event) => events.push(event));
    const { element } = await mountWithFake(fake);
    expect(events).to.deep.equal([]);

    await change(element, fake, { knocks });
    expect(events.map((event) => event.detail.callId)).to.deep.equal(['b']);
  });

  it('says nobody is waiting', async () => {
    const { element, fake } = await mountWithFake();
    await change(element, fake, { state: 'online' });
    expect(shadowText(element)).to.contain('Nobody is waiting.');
    expect(hasPart(element, 'knocks')).to.equal(false);
  });

  it('tells the therapist how to fix an unknown room', async () => {
    const { element, fake } = await mountWithFake();
    const error = new PorchlightError('room-unknown', 'The relay rejected the connection');
    await change(element, fake, { state: 'error', error });
    const alert = element.shadowRoot?.querySelector('[role="alert"]');
    expect(alert?.textContent).to.contain('not set up for your room');
    expect(alert?.textContent).to.contain('add your room id');
    expect(alert?.textContent).to.contain('relay address');
    expect(getPart<HTMLButtonElement>(element, 'go-online').disabled).to.equal(false);
  });

  it('names every button', async () => {
    const { element, fake } = await mountWithFake();
    await change(element, fake, { state: 'online', knocks });
    expect(unnamedButtons(element)).to.deep.equal([]);
  });

  describe('identity', () => {
    const server = 'ws://127.0.0.1:9';

    // A fresh profile asks for a backup passphrase first (see identity-key.browser.test.ts), so
    // these tests start from a stored key.
    before(async () => {
      if (!(await loadIdentity())) await createIdentity('console test passphrase');
    });

    async function mountOwned(attributes: Record<string, string>): Promise<PorchlightConsole> {
      const element = document.createElement('porchlight-console');
      for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
      await mount(element);
      for (let i = 0; i < 100 && element.roomId === null; i++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await element.updateComplete;
      return element;
    }

    it('keeps one identity across elements', async () => {
      const first = await mountOwned({ server });
      expect(first.roomId).to.match(/^[A-Za-z0-9_-]{43}$/);
      first.remove();
      const second = await mountOwned({ server });
      expect(second.roomId).to.equal(first.roomId);
      expect(second.client?.room).to.equal(first.roomId);
    });

    it('shows the snippet and demo link', async () => {
      const element = await mountOwned({ server, 'demo-site': '/site/' });
      const roomId = element.roomId ?? '';
      const snippet = getPart(element, 'snippet').textContent ?? '';
      expect(snippet).to.contain(`data-room="${roomId}"`);
      expect(snippet).to.contain(`data-server="${server}"`);
      expect(snippet).to.match(/^<script src="[^"]+\/porchlight\.js" /);
      const link = getPart<HTMLAnchorElement>(element, 'demo-site');
      expect(new URL(link.href).pathname).to.equal('/site/');
      expect(new URL(link.href).searchParams.get('room')).to.equal(roomId);
      expect(link.textContent).to.equal('Open your demo website');
    });

    it('refuses a room of another identity', async () => {
      const other = 'O2onvM62pC1io6jQKm8Nc2UyFXcd4kOmOsBIoYtZ2ik';
      const element = await mountOwned({ server, room: other });
      expect(element.roomId).not.to.equal(other);
      expect(element.client).to.equal(null);
      expect(hasPart(element, 'go-online')).to.equal(false);
      const alert = element.shadowRoot?.querySelector('[role="alert"]');
      expect(alert?.textContent).to.contain(other);
      expect(alert?.textContent).to.contain(element.roomId ?? 'missing');
    });

    it('accepts its own room', async () => {
      const first = await mountOwned({ server });
      const roomId = first.roomId ?? '';
      first.remove();
      const element = await mountOwned({ server, room: roomId });
      expect(element.client?.room).to.equal(roomId);
      expect(hasPart(element, 'go-online')).to.equal(true);
    });
  });

  it('sets busy and offline with the typed message', async () => {
    const { element, fake } = await mountWithFake();
    await change(element, fake, { state: 'online', presence: { status: 'available' } });
    getPart<HTMLInputElement>(element, 'presence-message').value = 'Back at 3 pm';
    getPart(element, 'set-busy').click();
    getPart(element, 'set-offline-message').click();
    expect(fake.calls).to.deep.equal([
      ['setPresence', 'busy', 'Back at 3 pm'],
      ['setPresence', 'offline', 'Back at 3 pm'],
    ]);

    await change(element, fake, { presence: { status: 'busy', message: 'Back at 3 pm' } });
    expect(shadowText(element)).to.contain('You are busy');
    expect(hasPart(element, 'go-online')).to.equal(true);
  });

  it('asks to wait and declines with a reply', async () => {
    const { element, fake } = await mountWithFake();
    await change(element, fake, { state: 'online', knocks });
    const replies = element.shadowRoot?.querySelectorAll<HTMLInputElement>('[part="reply"]');
    type(replies![0]!, 'Five more minutes');
    type(replies![1]!, 'Please book a session');
    element.shadowRoot?.querySelectorAll<HTMLButtonElement>('[part="ask-to-wait"]')[0]?.click();
    element.shadowRoot?.querySelectorAll<HTMLButtonElement>('[part="decline"]')[1]?.click();
    expect(fake.calls).to.deep.equal([
      ['askToWait', 'a', 'Five more minutes'],
      ['decline', 'b', 'Please book a session'],
    ]);
  });

  it('counts knocks in the tab title', async () => {
    const { element, fake } = await mountWithFake();
    document.title = 'Console';
    const title = document.title;
    await change(element, fake, { state: 'online', knocks: [knocks[0]!] });
    expect(document.title).to.equal(`(1) A visitor is waiting · ${title}`);
    await change(element, fake, { knocks });
    expect(document.title).to.equal(`(2) Visitors are waiting · ${title}`);
    expect(getPart(element, 'announcer').textContent?.trim()).to.equal('Visitor is waiting.');

    await change(element, fake, { knocks: [] });
    expect(document.title).to.equal(title);
  });

  it('restores the title on removal', async () => {
    const { element, fake } = await mountWithFake();
    const title = document.title;
    await change(element, fake, { state: 'online', knocks });
    element.remove();
    expect(document.title).to.equal(title);
  });

  it('announces a knock by name', async () => {
    const { element, fake } = await mountWithFake();
    await change(element, fake, { state: 'online', knocks: [knocks[0]!] });
    expect(getPart(element, 'announcer').textContent?.trim()).to.equal('Sam is waiting.');
  });

  it('returns focus to the status after a call', async () => {
    const { element, fake } = await mountWithFake();
    await change(element, fake, { state: 'in-call', call: new FakeCall().asCall() });
    await change(element, fake, { state: 'online' });
    expect(element.shadowRoot?.activeElement?.id).to.equal('console-status');
  });

  it('keeps a typed reply with its visitor', async () => {
    const { element, fake } = await mountWithFake();
    await change(element, fake, { state: 'online', knocks });
    const replyFor = (callId: string) =>
      element.shadowRoot?.querySelector<HTMLInputElement>(
        `[data-call-id="${callId}"] [part="reply"]`,
      );
    type(replyFor('b')!, 'Please book a session');
    await change(element, fake, { knocks: [knocks[1]!] });
    expect(replyFor('b')?.value).to.equal('Please book a session');
  });

  it('keeps a typed status message across updates', async () => {
    const { element, fake } = await mountWithFake();
    await change(element, fake, { state: 'online', presence: { status: 'available' } });
    getPart<HTMLInputElement>(element, 'presence-message').value = 'Back at';
    await change(element, fake, { knocks });
    expect(getPart<HTMLInputElement>(element, 'presence-message').value).to.equal('Back at');
  });
});
