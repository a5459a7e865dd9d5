// Video codecs under SFrame in real Chromium: two peer connections in one page send the fake
// camera to each other through the E2EE worker, with the codec forced by setCodecPreferences.
// Decoding that keeps going proves the worker's clear bytes suit the codec's depacketizer; a
// wrong receiver key proves the frames really were encrypted.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { Diagnostics, launchBrowser } from './_harness.mjs';

const repositoryRoot = fileURLToPath(new URL('../..', import.meta.url));

const PAGE = '<!doctype html><meta charset="utf-8"><title>codecs</title>';

/**
 * Runs in the page: sets up the loopback call with `mimeType` first in the codec list and
 * resolves with the receiver's decoding statistics after `durationMs`.
 */
async function runCall({ mimeType, sendKey, receiveKey, durationMs }) {
  const toBytes = (values) => Uint8Array.from(values);
  const startWorker = (keys) => {
    const worker = new Worker('/worker.js');
    worker.postMessage({ type: 'set-keys', keys });
    return worker;
  };
  const sendWorker = startWorker([
    { operation: 'encrypt', kind: 'video', kid: 1, baseKey: toBytes(sendKey) },
  ]);
  const receiveWorker = startWorker([
    { operation: 'decrypt', kind: 'video', kid: 1, baseKey: toBytes(receiveKey) },
  ]);

  const stream = await navigator.mediaDevices.getUserMedia({ video: true });
  const sender = new RTCPeerConnection({ iceServers: [] });
  const receiver = new RTCPeerConnection({ iceServers: [] });
  sender.onicecandidate = (event) => event.candidate && receiver.addIceCandidate(event.candidate);
  receiver.onicecandidate = (event) => event.candidate && sender.addIceCandidate(event.candidate);

  const transceiver = sender.addTransceiver(stream.getVideoTracks()[0], { direction: 'sendonly' });
  const codecs = RTCRtpSender.getCapabilities('video').codecs;
  const wanted = codecs.filter((codec) => codec.mimeType.toLowerCase() === mimeType.toLowerCase());
  if (wanted.length === 0) return { error: `${mimeType} is not offered` };
  transceiver.setCodecPreferences([...wanted, ...codecs.filter((c) => !wanted.includes(c))]);
  transceiver.sender.transform = new RTCRtpScriptTransform(sendWorker, {
    operation: 'encrypt',
    kind: 'video',
  });
  receiver.ontrack = (event) => {
    event.receiver.transform = new RTCRtpScriptTransform(receiveWorker, {
      operation: 'decrypt',
      kind: 'video',
    });
  };

  await sender.setLocalDescription();
  await receiver.setRemoteDescription(sender.localDescription);
  await receiver.setLocalDescription();
  await sender.setRemoteDescription(receiver.localDescription);

  await new Promise((resolve) => setTimeout(resolve, durationMs));
  const report = await receiver.getStats();
  let inbound;
  const codecById = new Map();
  report.forEach((entry) => {
    if (entry.type === 'inbound-rtp' && entry.kind === 'video') inbound = entry;
    if (entry.type === 'codec') codecById.set(entry.id, entry.mimeType);
  });
  const stats = await new Promise((resolve) => {
    receiveWorker.onmessage = (event) => event.data.type === 'stats' && resolve(event.data.stats);
    receiveWorker.postMessage({ type: 'get-stats', requestId: 1 });
  });
  sender.close();
  receiver.close();
  return {
    codec: inbound ? codecById.get(inbound.codecId) : undefined,
    framesDecoded: inbound?.framesDecoded ?? 0,
    framesReceived: inbound?.framesReceived ?? 0,
    decrypted: stats.decrypt.video.frames,
    dropped: stats.decrypt.video.dropped,
  };
}

describe('video codecs under SFrame', { timeout: 60_000 }, () => {
  const diagnostics = new Diagnostics();
  let server;
  let origin;
  let chromium;
  let page;

  before(async () => {
    const bundled = await build({
      entryPoints: [join(repositoryRoot, 'packages/e2ee/src/worker.ts')],
      bundle: true,
      format: 'iife',
      write: false,
      logLevel: 'error',
    });
    const workerSource = bundled.outputFiles[0].text;
    server = createServer((request, response) => {
      const isWorker = request.url === '/worker.js';
      response.writeHead(200, { 'content-type': isWorker ? 'text/javascript' : 'text/html' });
      response.end(isWorker ? workerSource : PAGE);
    });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${server.address().port}`;
    chromium = await launchBrowser('codecs', diagnostics);
    page = await chromium.browser.newPage();
    page.on('console', (message) => diagnostics.add('page', message.text()));
    await page.goto(`${origin}/`);
  });

  after(async () => {
    await chromium?.close();
    server?.close();
  });

  const key = Array.from({ length: 32 }, (_, i) => i);
  const otherKey = Array.from({ length: 32 }, (_, i) => 255 - i);

  for (const mimeType of ['video/H264', 'video/VP9']) {
    it(`${mimeType} frames decrypt and decode`, async () => {
      const result = await page.evaluate(runCall, {
        mimeType,
        sendKey: key,
        receiveKey: key,
        durationMs: 2000,
      });
      const context = `${JSON.stringify(result)}${diagnostics.report()}`;
      assert.equal(result.error, undefined, context);
      assert.equal(result.codec?.toLowerCase(), mimeType.toLowerCase(), context);
      assert.ok(result.decrypted >= 15, `too few frames decrypted: ${context}`);
      assert.ok(result.framesDecoded >= 15, `too few frames decoded: ${context}`);
      assert.ok(result.framesDecoded >= result.framesReceived - 5, `frames lost: ${context}`);
    });

    it(`${mimeType} with a wrong key decodes nothing`, async () => {
      const result = await page.evaluate(runCall, {
        mimeType,
        sendKey: key,
        receiveKey: otherKey,
        durationMs: 1000,
      });
      const context = `${JSON.stringify(result)}${diagnostics.report()}`;
      assert.equal(result.decrypted, 0, context);
      assert.ok(result.dropped > 0, context);
      assert.equal(result.framesDecoded, 0, context);
    });
  }
});
