#!/usr/bin/env node
// Runs the local demo: the signaling relay and a static server for the example pages and the
// widget build. `npm start` builds first, then runs this script. Ctrl-C stops both.
//
// Options (flags win over environment variables):
//   --host ADDRESS      address for both servers (PORCHLIGHT_HOST, default 127.0.0.1)
//   --http-port PORT    static server port (PORCHLIGHT_HTTP_PORT, default 8080)
//   --relay-port PORT   relay port (PORCHLIGHT_RELAY_PORT, default 8787)
import { existsSync } from 'node:fs';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startRelay } from './_relay-process.mjs';
import { startStaticServer } from './_static-server.mjs';

const USAGE = `Usage: node scripts/start.mjs [--host ADDRESS] [--http-port PORT] [--relay-port PORT]

  --host ADDRESS      address for both servers (env PORCHLIGHT_HOST, default 127.0.0.1)
  --http-port PORT    static server port, 0 for a free one (env PORCHLIGHT_HTTP_PORT, default 8080)
  --relay-port PORT   relay port, 0 for a free one (env PORCHLIGHT_RELAY_PORT, default 8787)
`;

function fail(message) {
  process.stderr.write(`start: ${message}\n`);
  process.exit(1);
}

function parsePort(name, text) {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65_535) fail(`invalid ${name} "${text}": expected 0 to 65535`);
  return port;
}

let values;
try {
  ({ values } = parseArgs({
    options: {
      host: { type: 'string' },
      'http-port': { type: 'string' },
      'relay-port': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  }));
} catch (error) {
  fail(`${error.message}\n\n${USAGE}`);
}
if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}

const host = values.host ?? process.env.PORCHLIGHT_HOST ?? '127.0.0.1';
const httpPort = parsePort(
  '--http-port',
  values['http-port'] ?? process.env.PORCHLIGHT_HTTP_PORT ?? '8080',
);
const relayPort = parsePort(
  '--relay-port',
  values['relay-port'] ?? process.env.PORCHLIGHT_RELAY_PORT ?? '8787',
);

const bundle = fileURLToPath(new URL('../packages/widget/dist/porchlight.js', import.meta.url));
if (!existsSync(bundle)) {
  process.stderr.write('start: packages/widget/dist/porchlight.js is missing; run npm run build\n');
}

let relay;
try {
  relay = await startRelay({ host, port: relayPort, echo: true });
} catch (error) {
  fail(`${error.message}; if the port is in use, stop the other process or pass --relay-port`);
}

let web;
try {
  web = await startStaticServer({ host, port: httpPort, relayUrl: relay.url });
} catch (error) {
  await relay.stop();
  fail(`${error.message}; stop the other process or pass --http-port`);
}

process.stdout.write(
  [
    '',
    'Porchlight demo is running:',
    `  Therapist console (host side):    ${web.url}/console/`,
    `  Therapist website (visitor side): ${web.url}/site/?room=<room id>`,
    `  Same button in a React app:       ${web.url}/react/dist/?room=<room id>`,
    `  Same button bundled by esbuild:   ${web.url}/npm-bundler/dist/?room=<room id>`,
    `  Own interface on the client:      ${web.url}/custom-ui/dist/?room=<room id>`,
    `  Signaling relay:                  ${relay.url}`,
    '',
    'The room id is the therapist key that the console creates on first use, so open the',
    'console first and follow its "Open your demo website" link: it carries the room id.',
    'Press Ctrl-C to stop.',
    '',
  ].join('\n'),
);

let stopping = false;
async function shutdown(exitCode) {
  if (stopping) return;
  stopping = true;
  await Promise.all([relay.stop(), web.close()]);
  process.exit(exitCode);
}

process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));
relay.exited.then((code) => {
  if (stopping) return;
  process.stderr.write(`start: relay exited unexpectedly with code ${code}; stopping\n`);
  void shutdown(code === 0 ? 1 : code);
});
