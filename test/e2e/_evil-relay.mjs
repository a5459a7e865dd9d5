// A relay in the middle for the end-to-end tests: a WebSocket proxy in front of the real relay
// that runs its own key agreement with each side of a call. On the way to the host it replaces
// the visitor's X25519 and ML-KEM keys with its own. On the way back it replaces the host's X25519
// key and ML-KEM ciphertext with those of its own exchange with the visitor. The host's signature
// passes through unchanged, because the proxy cannot sign for the room.
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import {
  agreeAsHost,
  fromBase64Url,
  generateVisitorKeyShare,
  toBase64Url,
} from '@porchlight/e2ee';
// The ws that the relay uses (8.x); the copy hoisted to the root folder is an older major.
const { WebSocket, WebSocketServer } = createRequire(
  new URL('../../signaling-server/package.json', import.meta.url),
)('ws');

/** Placeholder DTLS fingerprints for the proxy's own transcript, which no side verifies. */
const FAKE_FINGERPRINTS = 'sha-256 00';

/**
 * Starts the proxy on a free loopback port in front of `upstreamUrl`. Resolves with its URL, a
 * count of rewritten key shares, and `close()`.
 */
export async function startEvilRelay(upstreamUrl) {
  const server = createServer();
  const wss = new WebSocketServer({ server });
  const sockets = new Set();
  const stats = { rewrittenKeyShares: 0 };
  // The visitors' real key shares by call id, needed to forge the reply to each visitor.
  const visitorShares = new Map();

  wss.on('connection', (client) => {
    const upstream = new WebSocket(upstreamUrl);
    sockets.add(client).add(upstream);
    const pending = [];
    // Rewriting is asynchronous (the key agreement runs on WebCrypto), so frames from the relay
    // pass through one chain that keeps their order.
    let delivery = Promise.resolve();

    // Key shares are rewritten once, on delivery from the relay to the receiving browser.
    client.on('message', (data) => {
      const text = data.toString('utf8');
      if (upstream.readyState === WebSocket.OPEN) upstream.send(text);
      else pending.push(text);
    });
    upstream.on('open', () => {
      for (const text of pending.splice(0)) upstream.send(text);
    });
    upstream.on('message', (data) => {
      const text = data.toString('utf8');
      delivery = delivery
        .then(() => rewrite(text, visitorShares, stats))
        .then((frame) => client.send(frame))
        .catch(closeBoth);
    });
    const closeBoth = () => {
      client.close();
      upstream.close();
    };
    client.on('close', closeBoth);
    upstream.on('close', closeBoth);
    client.on('error', closeBoth);
    upstream.on('error', closeBoth);
  });

  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `ws://127.0.0.1:${port}`,
    stats,
    async close() {
      for (const socket of sockets) socket.terminate();
      await new Promise((resolve) => wss.close(() => resolve()));
      await new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Rewrites one frame if it carries a key share, in either direction. Visitor shares carry
 * `mlkem`, host shares carry `mlkemCiphertext`.
 */
async function rewrite(text, visitorShares, stats) {
  let message;
  try {
    message = JSON.parse(text);
  } catch {
    return text;
  }
  const share = message?.data;
  if (message?.type !== 'signal' || share?.type !== 'key-share') return text;

  if (share.mlkem !== undefined) {
    // Visitor to host: keep the visitor's values for the reply, send the proxy's own.
    const own = await generateVisitorKeyShare();
    visitorShares.set(message.callId, { x25519: share.x25519, mlkem: share.mlkem });
    share.x25519 = toBase64Url(own.x25519.publicKey);
    share.mlkem = toBase64Url(own.mlkem.encapsulationKey);
  } else if (share.mlkemCiphertext !== undefined) {
    // Host to visitor: reply to the visitor's real share with the proxy's own exchange.
    const visitor = visitorShares.get(message.callId);
    if (visitor === undefined) return text;
    const fake = await agreeAsHost({
      room: 'evil',
      protocolVersion: 1,
      visitorFingerprints: FAKE_FINGERPRINTS,
      hostFingerprints: FAKE_FINGERPRINTS,
      visitorX25519: fromBase64Url(visitor.x25519),
      mlkemEncapsulationKey: fromBase64Url(visitor.mlkem),
    });
    share.x25519 = toBase64Url(fake.x25519PublicKey);
    share.mlkemCiphertext = toBase64Url(fake.mlkemCiphertext);
  } else {
    return text;
  }
  stats.rewrittenKeyShares += 1;
  return JSON.stringify(message);
}
