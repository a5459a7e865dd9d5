import { expect } from 'chai';
import type { PorchlightConsole } from './console.js';
import './define.js';
import type { PorchlightIdentityKey } from './identity-key.js';
import { getPart, hasPart, mount, shadowText, unnamedButtons } from './_test-helpers.js';

const passphrase = 'a calm lake at dawn';
// Nothing listens here: the console makes its client, but the tests never go online.
const server = 'ws://127.0.0.1:9';

function deleteDatabase(): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.deleteDatabase('porchlight');
    request.onsuccess = () => resolve();
    request.onerror = () => reject(request.error ?? new Error('Failed to delete the database'));
  });
}

/** Reads the stored identity record straight from IndexedDB. */
async function readStoredRecord(): Promise<Record<string, unknown> | undefined> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const open = indexedDB.open('porchlight', 1);
    open.onupgradeneeded = () => open.result.createObjectStore('identity');
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error ?? new Error('Failed to open the database'));
  });
  try {
    return await new Promise((resolve, reject) => {
      const get = db.transaction('identity').objectStore('identity').get('therapist');
      get.onsuccess = () => resolve(get.result as Record<string, unknown> | undefined);
      get.onerror = () => reject(get.error ?? new Error('Failed to read the identity'));
    });
  } finally {
    db.close();
  }
}

async function waitFor<T>(read: () => T | null | undefined, what: string): Promise<T> {
  const deadline = performance.now() + 10_000;
  for (;;) {
    const value = read();
    if (value !== null && value !== undefined) return value;
    if (performance.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function mountConsole(): Promise<PorchlightConsole> {
  const element = document.createElement('porchlight-console');
  element.setAttribute('server', server);
  return mount(element);
}

function panelOf(element: PorchlightConsole): Promise<PorchlightIdentityKey> {
  return waitFor(
    () => element.shadowRoot?.querySelector('porchlight-identity-key'),
    'the identity key panel',
  );
}

function fill(form: HTMLFormElement, name: string, value: string): void {
  const input = form.querySelector<HTMLInputElement>(`input[name="${name}"]`);
  if (!input) throw new Error(`Input "${name}" not found`);
  input.value = value;
}

function chooseFile(form: HTMLFormElement, text: string): void {
  const input = form.querySelector<HTMLInputElement>('input[name="file"]');
  if (!input) throw new Error('Input "file" not found');
  const transfer = new DataTransfer();
  transfer.items.add(new File([text], 'backup.json', { type: 'application/json' }));
  input.files = transfer.files;
  input.dispatchEvent(new Event('change'));
}

async function messageOf(panel: PorchlightIdentityKey, expected: string): Promise<string> {
  return waitFor(() => {
    const text = panel.shadowRoot?.querySelector('[part="message"]')?.textContent ?? '';
    return text.includes(expected) ? text : null;
  }, `the message "${expected}"`);
}

/** Clicks "Download backup" and returns the file name and text of the download. */
async function download(panel: PorchlightIdentityKey): Promise<{ name: string; text: string }> {
  let link: HTMLAnchorElement | null = null;
  const catchLink = (event: Event): void => {
    if (event.target instanceof HTMLAnchorElement) {
      link = event.target;
      event.preventDefault();
    }
  };
  panel.shadowRoot?.addEventListener('click', catchLink, { capture: true });
  try {
    getPart(panel, 'download').click();
  } finally {
    panel.shadowRoot?.removeEventListener('click', catchLink, { capture: true });
  }
  const clicked = link as HTMLAnchorElement | null;
  if (!clicked) throw new Error('No download link was clicked');
  expect(clicked.href.startsWith('blob:')).to.equal(true);
  const response = await fetch(clicked.href);
  return { name: clicked.download, text: await response.text() };
}

async function createKey(panel: PorchlightIdentityKey, value = passphrase): Promise<void> {
  const form = getPart<HTMLFormElement>(panel, 'create');
  fill(form, 'passphrase', value);
  fill(form, 'repeat', value);
  form.requestSubmit();
  await panel.updateComplete;
}

describe('porchlight-identity-key in the console', () => {
  beforeEach(async () => {
    await deleteDatabase();
  });

  afterEach(async () => {
    document.body.replaceChildren();
    await deleteDatabase();
  });

  it('asks for a passphrase before creating a key', async () => {
    const element = await mountConsole();
    const panel = await panelOf(element);
    expect(hasPart(element, 'go-online')).to.equal(false);
    expect(shadowText(panel)).to.contain('every page of your website must be replaced');
    expect(unnamedButtons(panel)).to.deep.equal([]);

    await createKey(panel, 'too short');
    await messageOf(panel, 'at least 12 characters');
    expect(element.roomId).to.equal(null);
    expect(await readStoredRecord()).to.equal(undefined);
  });

  it('renders in German', async () => {
    const wrapper = document.createElement('div');
    wrapper.lang = 'de';
    const element = document.createElement('porchlight-console');
    element.setAttribute('server', server);
    wrapper.append(element);
    document.body.append(wrapper);
    const panel = await panelOf(element);
    await panel.updateComplete;
    expect(shadowText(panel)).to.contain('Ihren Schlüssel erstellen');
    expect(shadowText(panel)).to.contain('Aus Sicherung wiederherstellen');
  });

  it('rejects passphrases that differ', async () => {
    const element = await mountConsole();
    const panel = await panelOf(element);
    const form = getPart<HTMLFormElement>(panel, 'create');
    fill(form, 'passphrase', passphrase);
    fill(form, 'repeat', `${passphrase}.`);
    form.requestSubmit();
    await messageOf(panel, 'not the same');
    expect(element.roomId).to.equal(null);
  });

  it('creates, downloads, and restores the same room', async () => {
    const first = await mountConsole();
    await createKey(await panelOf(first));
    const roomId = await waitFor(() => first.roomId, 'the room id');
    expect(hasPart(first, 'go-online')).to.equal(true);

    const stored = await readStoredRecord();
    const privateKey = stored?.['privateKey'] as CryptoKey;
    expect(privateKey.extractable).to.equal(false);
    expect(Object.keys(stored ?? {}).sort()).to.deep.equal(['backup', 'privateKey', 'publicKey']);

    const panel = await panelOf(first);
    expect(shadowText(panel)).to.contain('every page of your website must be replaced');
    const file = await download(panel);
    expect(file.name).to.equal(`porchlight-identity-${roomId.slice(0, 8)}.json`);
    const backup = JSON.parse(file.text) as Record<string, unknown>;
    expect(backup['format']).to.equal('porchlight-identity-backup');
    expect(backup['version']).to.equal(1);
    expect(backup['room']).to.equal(roomId);

    // A new device: no stored key at all.
    document.body.replaceChildren();
    await deleteDatabase();
    const second = await mountConsole();
    const setup = await panelOf(second);
    const restore = getPart<HTMLFormElement>(setup, 'restore');
    chooseFile(restore, file.text);
    await waitFor(() => (shadowText(setup).includes(roomId) ? true : null), 'the room shown');

    fill(restore, 'passphrase', 'not the passphrase');
    restore.requestSubmit();
    await messageOf(setup, 'passphrase is wrong');
    expect(second.roomId).to.equal(null);
    expect(await readStoredRecord()).to.equal(undefined);

    fill(restore, 'passphrase', passphrase);
    restore.requestSubmit();
    expect(await waitFor(() => second.roomId, 'the restored room id')).to.equal(roomId);
    const restored = await readStoredRecord();
    expect((restored?.['privateKey'] as CryptoKey).extractable).to.equal(false);
    expect(restored?.['backup']).to.deep.equal(backup);
  });

  it('rejects a damaged file and keeps the current key', async () => {
    const element = await mountConsole();
    await createKey(await panelOf(element));
    const roomId = await waitFor(() => element.roomId, 'the room id');
    const panel = await panelOf(element);
    const restore = getPart<HTMLFormElement>(panel, 'restore');
    chooseFile(restore, '{"format":"porchlight-identity-backup","version":1}');
    fill(restore, 'passphrase', passphrase);
    restore.requestSubmit();
    await messageOf(panel, 'not a Porchlight backup file');
    expect(element.roomId).to.equal(roomId);
  });

  it('offers a new key for a key without backup', async () => {
    const pair = (await crypto.subtle.generateKey('Ed25519', false, [
      'sign',
      'verify',
    ])) as CryptoKeyPair;
    const publicKey = new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey));
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open('porchlight', 1);
      open.onupgradeneeded = () => open.result.createObjectStore('identity');
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error ?? new Error('Failed to open the database'));
    });
    await new Promise((resolve, reject) => {
      const put = db
        .transaction('identity', 'readwrite')
        .objectStore('identity')
        .put({ privateKey: pair.privateKey, publicKey }, 'therapist');
      put.onsuccess = resolve;
      put.onerror = () => reject(put.error ?? new Error('Failed to store the identity'));
    });
    db.close();

    const element = await mountConsole();
    const oldRoom = await waitFor(() => element.roomId, 'the room id');
    const panel = await panelOf(element);
    expect(shadowText(panel)).to.contain('cannot be backed up');
    expect(hasPart(panel, 'download')).to.equal(false);

    await createKey(panel);
    const newRoom = await waitFor(
      () => (element.roomId !== oldRoom ? element.roomId : null),
      'the new room id',
    );
    expect(newRoom).to.not.equal(oldRoom);
    expect(hasPart(await panelOf(element), 'download')).to.equal(true);
  });
});
