// Tests for the demo static server (scripts/_static-server.mjs) over real HTTP on 127.0.0.1.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ed25519 } from '@noble/curves/ed25519.js';
import { contentSecurityPolicy, isRoomId, startStaticServer } from '../scripts/_static-server.mjs';

const RELAY_URL = 'ws://127.0.0.1:4321';

/** Sends one raw GET request, so that `..` segments reach the server without URL normalization. */
function rawGet(port, path) {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
    });
    let response = '';
    socket.on('data', (chunk) => {
      response += chunk.toString('latin1');
    });
    socket.on('end', () => resolve(response));
    socket.on('error', reject);
  });
}

function statusOf(rawResponse) {
  return Number(rawResponse.split(' ', 2)[1]);
}

describe('static server', () => {
  let server;
  let widgetDir;

  before(async () => {
    widgetDir = await mkdtemp(join(tmpdir(), 'porchlight-static-test-'));
    await writeFile(join(widgetDir, 'porchlight.js'), 'globalThis.loaded = true;\n');
    server = await startStaticServer({ port: 0, relayUrl: RELAY_URL, widgetDir });
  });

  after(async () => {
    await server?.close();
    await rm(widgetDir, { recursive: true, force: true });
  });

  it('rewrites the relay URL in site HTML', async () => {
    const response = await fetch(`${server.url}/site/`);
    const html = await response.text();
    assert.equal(response.status, 200);
    assert.match(html, /data-server="ws:\/\/127\.0\.0\.1:4321"/);
    assert.doesNotMatch(html, /127\.0\.0\.1:8787/);
  });

  it('rewrites the relay URL in console HTML', async () => {
    const html = await (await fetch(`${server.url}/console/`)).text();
    assert.match(html, /<porchlight-console server="ws:\/\/127\.0\.0\.1:4321" demo-site=/);
  });

  it('writes a valid room into site HTML', async () => {
    const room = Buffer.from(ed25519.keygen().publicKey).toString('base64url');
    const response = await fetch(`${server.url}/site/?room=${room}`);
    const html = await response.text();
    assert.equal(response.status, 200);
    assert.match(html, new RegExp(` data-room="${room}" `));
    assert.equal(html.split('data-room=').length, 2, 'one data-room attribute');
  });

  it('leaves the console room alone', async () => {
    const room = Buffer.from(ed25519.keygen().publicKey).toString('base64url');
    const html = await (await fetch(`${server.url}/console/?room=${room}`)).text();
    assert.doesNotMatch(html, new RegExp(room));
  });

  it('rejects an invalid room with 400', async () => {
    const valid = Buffer.from(ed25519.keygen().publicKey).toString('base64url');
    const invalid = ['demo-room', `${valid.slice(0, 42)}B`, `${valid}A`, '%22%3E%3Cscript%3E'];
    for (const room of invalid) {
      const response = await fetch(`${server.url}/site/?room=${room}`);
      assert.equal(response.status, 400, room);
      assert.match(await response.text(), /Invalid "room"/, room);
    }
  });

  it('checks room ids are curve points', () => {
    assert.equal(isRoomId(Buffer.from(ed25519.keygen().publicKey).toString('base64url')), true);
    // y = 2 is not the y-coordinate of any Ed25519 point.
    const offCurve = Buffer.alloc(32);
    offCurve[0] = 2;
    assert.equal(isRoomId(offCurve.toString('base64url')), false);
    assert.equal(isRoomId(undefined), false);
  });

  it('sends CSP and no-store on HTML', async () => {
    const response = await fetch(`${server.url}/site/`);
    const policy = response.headers.get('content-security-policy') ?? '';
    assert.equal(response.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.equal(response.headers.get('cache-control'), 'no-store');
    assert.equal(policy, contentSecurityPolicy(RELAY_URL));
    assert.match(policy, /connect-src 'self' ws:\/\/127\.0\.0\.1:4321;/);
    assert.match(policy, /script-src 'self'(;|$)/);
    assert.match(policy, /style-src 'self';/);
  });

  it('serves the widget build under /dist/', async () => {
    const response = await fetch(`${server.url}/dist/porchlight.js`);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'text/javascript; charset=utf-8');
    assert.equal(response.headers.get('cache-control'), 'no-store');
    assert.equal(response.headers.get('content-security-policy'), null);
    assert.equal(await response.text(), 'globalThis.loaded = true;\n');
  });

  it('serves CSS with its content type', async () => {
    const response = await fetch(`${server.url}/site/site.css`);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'text/css; charset=utf-8');
  });

  it('redirects a folder without a trailing slash', async () => {
    const response = await fetch(`${server.url}/console`, { redirect: 'manual' });
    assert.equal(response.status, 301);
    assert.equal(response.headers.get('location'), '/console/');
  });

  it('rejects paths that leave the served folders', async () => {
    const paths = [
      '/../package.json',
      '/site/../../package.json',
      '/dist/../../../package.json',
      '/%2e%2e/package.json',
      '/site/..%2f..%2fpackage.json',
      '/site\\..\\..\\package.json',
      '/site/%00',
      '/%E0%A4%A',
    ];
    for (const path of paths) {
      assert.equal(statusOf(await rawGet(server.port, path)), 404, `status for ${path}`);
    }
  });

  it('answers 404 for a missing file', async () => {
    const response = await fetch(`${server.url}/site/missing.html`);
    assert.equal(response.status, 404);
  });

  it('rejects methods other than GET and HEAD', async () => {
    const response = await fetch(`${server.url}/site/`, { method: 'POST' });
    assert.equal(response.status, 405);
    assert.equal(response.headers.get('allow'), 'GET, HEAD');
  });

  it('reports a port in use', async () => {
    const second = startStaticServer({ port: server.port });
    await assert.rejects(second, /port \d+ on 127\.0\.0\.1 is in use/);
  });

  it('rejects a relay URL that is not ws or wss', async () => {
    await assert.rejects(startStaticServer({ port: 0, relayUrl: 'http://127.0.0.1:1' }), TypeError);
  });
});
