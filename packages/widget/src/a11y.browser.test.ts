// Runs axe-core against every state of the three elements. axe walks open shadow roots, so each
// run checks what the visitor or therapist actually sees in that state.
import type { HostClient, VisitorClient } from '@porchlight/client';
import { PorchlightError } from '@porchlight/client';
import { expect } from 'chai';
import './define.js';
import { FakeCall, FakeHostClient, FakeVisitorClient, mount } from './_test-helpers.js';

interface AxeViolation {
  id: string;
  help: string;
  nodes: Array<{ target: unknown }>;
}

interface Axe {
  run(context: Element, options: object): Promise<{ violations: AxeViolation[] }>;
}

/** Loads axe-core's browser build once, which defines `window.axe`. */
async function loadAxe(): Promise<Axe> {
  const global = globalThis as { axe?: Axe };
  if (global.axe) return global.axe;
  await new Promise<void>((resolve, reject) => {
    const script = document.createElement('script');
    script.src = '/node_modules/axe-core/axe.min.js';
    script.addEventListener('load', () => resolve());
    script.addEventListener('error', () => reject(new Error('Failed to load axe-core')));
    document.head.append(script);
  });
  if (!global.axe) throw new Error('axe-core loaded but defined no window.axe');
  return global.axe;
}

/** Runs axe on `element` inside a page with a language and a main landmark. */
async function violations(element: Element): Promise<string[]> {
  const axe = await loadAxe();
  const result = await axe.run(element, { resultTypes: ['violations'] });
  return result.violations.map(
    (violation) => `${violation.id}: ${violation.help} (${JSON.stringify(violation.nodes[0]?.target)})`,
  );
}

async function settle(element: { updateComplete: Promise<boolean> }): Promise<void> {
  await element.updateComplete;
  await new Promise((resolve) => setTimeout(resolve, 20));
}

describe('accessibility (axe-core)', () => {
  before(() => {
    document.documentElement.lang = 'en';
  });

  afterEach(() => {
    document.body.replaceChildren();
  });

  const connectedCall = () => {
    const call = new FakeCall();
    call.state = 'connected';
    call.chatReady = true;
    call.networkQuality = 'fair';
    call.messages = [
      { from: 'remote', text: 'Hello', at: 0 },
      { from: 'local', text: 'Hi there', at: 1 },
    ];
    return call;
  };

  const visitorStates: Array<[string, Parameters<FakeVisitorClient['update']>[0]]> = [
    ['checking', { state: 'connecting' }],
    ['available', { state: 'ready', presence: { status: 'available' } }],
    ['busy', { state: 'ready', presence: { status: 'busy', message: 'Back at 3 pm' } }],
    ['offline', { state: 'ready', presence: { status: 'offline', message: 'On leave' } }],
    ['requesting media', { state: 'requesting-media' }],
    ['waiting', { state: 'waiting', queuePosition: 2 }],
    ['asked to wait', { state: 'waiting', queuePosition: 1, waitMessage: 'Five minutes' }],
    ['reconnecting', { state: 'reconnecting' }],
    ['in call', { state: 'in-call', call: connectedCall().asCall() }],
    ['ended', { state: 'ended' }],
    ['declined', { state: 'error', error: new PorchlightError('declined', 'Declined') }],
    ['media denied', { state: 'error', error: new PorchlightError('media-denied', 'Denied') }],
  ];

  for (const [label, fields] of visitorStates) {
    it(`button: ${label}`, async () => {
      const fake = new FakeVisitorClient();
      const button = document.createElement('porchlight-button');
      button.fallbackUrl = 'https://therapist.example/book';
      button.client = fake as unknown as VisitorClient;
      await mount(button);
      fake.update(fields);
      await settle(button);
      expect(await violations(button)).to.deep.equal([]);
    });
  }

  it('button: device check', async () => {
    const fake = new FakeVisitorClient();
    const button = document.createElement('porchlight-button');
    button.client = fake as unknown as VisitorClient;
    await mount(button);
    fake.update({ state: 'ready', presence: { status: 'available' } });
    await settle(button);
    button.shadowRoot?.querySelector<HTMLButtonElement>('[part~="talk-button"]')?.click();
    for (let tries = 0; tries < 100; tries++) {
      await settle(button);
      if (button.shadowRoot?.querySelector('[part~="join"]')) break;
    }
    expect(button.shadowRoot?.querySelector('[part~="join"]')).to.not.equal(null);
    expect(await violations(button)).to.deep.equal([]);
    button.shadowRoot?.querySelector<HTMLButtonElement>('[part~="cancel"]')?.click();
  });

  const callStates: Array<[string, () => FakeCall]> = [
    ['connecting', () => new FakeCall()],
    ['connected with chat', connectedCall],
    [
      'reconnecting, muted',
      () => {
        const call = connectedCall();
        call.state = 'reconnecting';
        call.microphoneEnabled = false;
        call.cameraEnabled = false;
        return call;
      },
    ],
    [
      'ended',
      () => {
        const call = new FakeCall();
        call.state = 'ended';
        return call;
      },
    ],
  ];

  for (const [label, makeCall] of callStates) {
    it(`call view: ${label}`, async () => {
      const view = document.createElement('porchlight-call-view');
      view.call = makeCall().asCall();
      await mount(view);
      await settle(view);
      expect(await violations(view)).to.deep.equal([]);
    });
  }

  const knocks = [
    { callId: 'a', name: 'Sam', receivedAt: Date.UTC(2025, 0, 2, 9, 30) },
    { callId: 'b', receivedAt: Date.UTC(2025, 0, 2, 9, 31) },
  ];
  const consoleStates: Array<[string, Parameters<FakeHostClient['update']>[0]]> = [
    ['offline', { state: 'idle' }],
    ['connecting', { state: 'connecting' }],
    ['online', { state: 'online', presence: { status: 'available' } }],
    ['busy', { state: 'online', presence: { status: 'busy', message: 'Back soon' } }],
    ['knocks', { state: 'online', presence: { status: 'available' }, knocks }],
    ['reconnecting', { state: 'reconnecting' }],
    ['in call', { state: 'in-call', knocks, call: connectedCall().asCall() }],
    ['error', { state: 'error', error: new PorchlightError('relay-unreachable', 'Lost') }],
  ];

  for (const [label, fields] of consoleStates) {
    it(`console: ${label}`, async () => {
      const fake = new FakeHostClient();
      const element = document.createElement('porchlight-console');
      element.client = fake as unknown as HostClient;
      await mount(element);
      fake.update(fields);
      await settle(element);
      expect(await violations(element)).to.deep.equal([]);
    });
  }
});
