// Static HTTP server for the demo pages: `examples/` at `/` and the widget build
// (`packages/widget/dist/`) at `/dist/`. Used by scripts/start.mjs and the end-to-end tests.
//
// The example pages name the relay as ws://127.0.0.1:8787. With the `relayUrl` option, the server
// rewrites every `server="..."` and `data-server="..."` attribute in served HTML to that URL and
// allows it in the Content-Security-Policy, so files on disk never change.
//
// Room ids are therapist public keys, created by the console in each browser, so no fixed id
// can sit in the demo pages. Every page but the console takes it from a `?room=` query
// parameter: a valid room id there replaces every `data-room="..."` and `room="..."` attribute.
import { ed25519 } from '@noble/curves/ed25519.js';
import { createReadStream } from 'node:fs';
import { readFile, realpath, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const repositoryRoot = fileURLToPath(new URL('..', import.meta.url));

/** Relay URL written in the example pages. */
export const DEFAULT_RELAY_URL = 'ws://127.0.0.1:8787';

const CONTENT_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
};

// Matches a server attribute with a double-quoted value, as the example pages write it.
const SERVER_ATTRIBUTE = /(\s(?:data-)?server=")[^"]*(")/g;
const ROOM_ATTRIBUTE = /(\s(?:data-)?room=")[^"]*(")/g;

/** Returns whether `room` is a room id: an Ed25519 public key in canonical unpadded base64url. */
export function isRoomId(room) {
  if (typeof room !== 'string' || !/^[A-Za-z0-9_-]{43}$/.test(room)) return false;
  const bytes = Buffer.from(room, 'base64url');
  if (bytes.toString('base64url') !== room) return false;
  try {
    ed25519.Point.fromBytes(bytes);
    return true;
  } catch {
    return false;
  }
}

/**
 * Builds the Content-Security-Policy for HTML pages. Lit applies styles as constructable
 * stylesheets (adoptedStyleSheets), which style-src 'self' does not block, so no 'unsafe-inline'.
 */
export function contentSecurityPolicy(relayUrl) {
  const relayOrigin = new URL(relayUrl).origin;
  return [
    "default-src 'self'",
    `connect-src 'self' ${relayOrigin}`,
    "img-src 'self' data: blob:",
    "media-src 'self' blob: mediastream:",
    "worker-src 'self' blob:",
    "style-src 'self'",
    "script-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

function relayUrlError(relayUrl) {
  try {
    const url = new URL(relayUrl);
    if (url.protocol === 'ws:' || url.protocol === 'wss:') return undefined;
    return `must use ws: or wss:, got "${url.protocol}"`;
  } catch {
    return 'is not a valid URL';
  }
}

/**
 * Maps a URL path to a file path inside one of the mounts, or returns undefined when the path is
 * malformed or would leave its mount (`..`, encoded slashes, NUL bytes).
 */
function resolveRequestPath(mounts, pathname) {
  let decoded;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return undefined;

  const segments = decoded.split('/');
  if (segments.some((segment) => segment === '..' || segment === '.')) return undefined;

  for (const [prefix, directory] of mounts) {
    if (decoded === prefix.slice(0, -1) || decoded.startsWith(prefix)) {
      const relative = decoded.slice(prefix.length);
      return { directory, file: join(directory, relative) };
    }
  }
  return undefined;
}

/** Checks that the real path of `file` (after symlinks) is still inside `directory`. */
async function isInside(directory, file) {
  try {
    const [realDirectory, realFile] = await Promise.all([realpath(directory), realpath(file)]);
    return realFile === realDirectory || realFile.startsWith(realDirectory + sep);
  } catch {
    return false;
  }
}

function sendText(response, status, text, extraHeaders = {}) {
  response.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    ...extraHeaders,
  });
  response.end(status === 204 ? undefined : `${text}\n`);
}

async function serveFile(request, response, file, relayUrl, room) {
  const type = CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
  const headers = {
    'Content-Type': type,
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
  };

  if (type.startsWith('text/html')) {
    let html = (await readFile(file, 'utf8')).replace(SERVER_ATTRIBUTE, `$1${relayUrl}$2`);
    if (room !== undefined) html = html.replace(ROOM_ATTRIBUTE, `$1${room}$2`);
    const body = Buffer.from(html, 'utf8');
    headers['Content-Security-Policy'] = contentSecurityPolicy(relayUrl);
    headers['Content-Length'] = body.length;
    response.writeHead(200, headers);
    response.end(request.method === 'HEAD' ? undefined : body);
    return;
  }

  const info = await stat(file);
  headers['Content-Length'] = info.size;
  response.writeHead(200, headers);
  if (request.method === 'HEAD') {
    response.end();
    return;
  }
  createReadStream(file).pipe(response);
}

async function handleRequest(request, response, mounts, relayUrl) {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    sendText(response, 405, 'Method not allowed', { Allow: 'GET, HEAD' });
    return;
  }

  const url = new URL(request.url ?? '/', 'http://localhost');
  const target = resolveRequestPath(mounts, url.pathname);
  if (target === undefined) {
    sendText(response, 404, 'Not found');
    return;
  }

  let file = target.file;
  let info = await stat(file).catch(() => undefined);
  if (info?.isDirectory()) {
    // Relative links in index.html resolve against the directory only with a trailing slash.
    if (!url.pathname.endsWith('/')) {
      sendText(response, 301, 'Moved permanently', { Location: `${url.pathname}/${url.search}` });
      return;
    }
    file = join(file, 'index.html');
    info = await stat(file).catch(() => undefined);
  }
  if (info === undefined || !info.isFile() || !(await isInside(target.directory, file))) {
    sendText(response, 404, 'Not found');
    return;
  }

  let room;
  if (!url.pathname.startsWith('/console/') && url.searchParams.has('room')) {
    room = url.searchParams.get('room');
    if (!isRoomId(room)) {
      sendText(response, 400, 'Invalid "room": expected the 43-character room id the console shows');
      return;
    }
  }
  await serveFile(request, response, file, relayUrl, room);
}

/**
 * Starts the static server and resolves once it listens.
 *
 * @param {object} [options]
 * @param {string} [options.host] Address to listen on; 127.0.0.1 unless given.
 * @param {number} [options.port] TCP port; 0 picks a free one. 8080 unless given.
 * @param {string} [options.relayUrl] Relay URL written into served pages and the CSP.
 * @param {string} [options.widgetDir] Folder served at /dist/; packages/widget/dist unless given.
 * @returns {Promise<{ url: string, port: number, close: () => Promise<void> }>}
 * @throws {TypeError} When relayUrl is not a ws: or wss: URL.
 * @throws {Error} When the port is in use or listening fails otherwise.
 */
export async function startStaticServer(options = {}) {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 8080;
  const relayUrl = options.relayUrl ?? DEFAULT_RELAY_URL;
  const problem = relayUrlError(relayUrl);
  if (problem !== undefined) throw new TypeError(`Relay URL "${relayUrl}" ${problem}`);

  // Longer prefixes first, so `/dist/` wins over `/`.
  const mounts = [
    ['/dist/', options.widgetDir ?? join(repositoryRoot, 'packages', 'widget', 'dist')],
    ['/', join(repositoryRoot, 'examples')],
  ];

  const server = createServer((request, response) => {
    handleRequest(request, response, mounts, relayUrl).catch(() => {
      if (!response.headersSent) sendText(response, 500, 'Internal server error');
      else response.destroy();
    });
  });

  await new Promise((resolve, reject) => {
    server.once('error', (error) => {
      if (error.code === 'EADDRINUSE') {
        reject(new Error(`Static server failed to listen: port ${port} on ${host} is in use`));
      } else {
        reject(new Error(`Static server failed to listen on ${host}:${port}: ${error.message}`));
      }
    });
    server.listen(port, host, resolve);
  });

  const address = server.address();
  const boundPort = typeof address === 'object' && address !== null ? address.port : port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${boundPort}`,
    port: boundPort,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
