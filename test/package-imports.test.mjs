// Each published package must load from Node by its name once `npm run build` has run, exactly as
// an application that installed it from npm would load it.
import assert from 'node:assert/strict';
import { test } from 'node:test';

test('@porchlight/protocol exports its parser', async () => {
  const protocol = await import('@porchlight/protocol');
  assert.equal(protocol.PROTOCOL_VERSION, 1);
  const result = protocol.parseClientMessage('{"type":"cancel"}');
  assert.equal(result.ok, true);
});

test('@porchlight/e2ee round-trips one SFrame', async () => {
  const e2ee = await import('@porchlight/e2ee');
  const baseKey = new Uint8Array(16).fill(7);
  const plaintext = new TextEncoder().encode('frame');
  const metadata = new Uint8Array(0);
  const ciphertext = e2ee.sframeEncrypt({ cipherSuite: 4, baseKey, kid: 1n, ctr: 2n, metadata, plaintext });
  const opened = e2ee.sframeDecrypt({ cipherSuite: 4, baseKey, metadata, ciphertext });
  assert.equal(opened.kid, 1n);
  assert.equal(opened.ctr, 2n);
  assert.deepEqual(opened.plaintext, plaintext);
});

test('@porchlight/client exports the visitor and host clients', async () => {
  const client = await import('@porchlight/client');
  assert.equal(typeof client.VisitorClient, 'function');
  assert.equal(typeof client.HostClient, 'function');
  assert.equal(client.detectTransformApi(), null);
});

test('@porchlight/widget exports the element classes without defining them', async () => {
  const widget = await import('@porchlight/widget');
  assert.equal(typeof widget.PorchlightButton, 'function');
  assert.equal(typeof widget.PorchlightConsole, 'function');
});

test('@porchlight/signaling-server exports createRelay', async () => {
  const server = await import('@porchlight/signaling-server');
  assert.equal(typeof server.createRelay, 'function');
});
