// Starts the real signaling relay (signaling-server/bin/porchlight-signaling.js) as a child
// process and waits for its start-up line. Used by scripts/start.mjs and the end-to-end tests.
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { createInterface } from 'node:readline';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

/** Relay executable inside this repository. */
export const RELAY_BIN = fileURLToPath(
  new URL('../signaling-server/bin/porchlight-signaling.js', import.meta.url),
);

// The relay prints exactly this line once it listens, with the address it bound.
const LISTENING_LINE = /^porchlight-signaling listening on (wss?:\/\/\S+)$/m;
const MAX_RECENT_OUTPUT = 64 * 1024;
const STOP_GRACE_MS = 5_000;

/**
 * Starts the relay and resolves once it prints its listening line.
 *
 * @param {object} [options]
 * @param {string} [options.host] Address for --host; 127.0.0.1 unless given.
 * @param {number} [options.port] Port for --port; 0 lets the relay pick a free port.
 * @param {boolean} [options.echo] Copy the relay's stdout and stderr to this process's own.
 * @param {(line: string) => void} [options.onLine] Called with each line the relay prints.
 * @param {number} [options.startTimeoutMs] How long to wait for the listening line.
 * @param {Record<string, string>} [options.env] Extra environment variables for the relay, such
 *   as `PORCHLIGHT_TURN_SECRET`.
 * @returns {Promise<{ url: string, pid: number, output: () => string, exited: Promise<number>,
 *   stop: () => Promise<void> }>}
 *   `url` is the relay's ws:// URL, `pid` its process id, `output()` the last 64 KiB of its stdout and stderr, and
 *   `exited` resolves with its exit code (128+n after signal n).
 * @throws {Error} When the relay exits or stays silent before it listens.
 */
export function startRelay(options = {}) {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 0;
  const startTimeoutMs = options.startTimeoutMs ?? 15_000;

  const child = spawn(process.execPath, [RELAY_BIN, '--port', String(port), '--host', host], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...options.env },
  });

  let recentOutput = '';
  const keep = (chunk) => {
    recentOutput = (recentOutput + chunk.toString('utf8')).slice(-MAX_RECENT_OUTPUT);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  if (options.onLine) {
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream, crlfDelay: Infinity }).on('line', options.onLine);
    }
  }
  if (options.echo) {
    child.stdout.pipe(process.stdout);
    child.stderr.pipe(process.stderr);
  }

  const exited = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      resolve(signal === null ? (code ?? 1) : 128 + (constants.signals[signal] ?? 0));
    });
    child.on('error', () => resolve(127));
  });

  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    await exited;
    clearTimeout(timer);
  };

  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`Relay printed no listening line within ${startTimeoutMs} ms`));
    }, startTimeoutMs);

    const onData = () => {
      const match = LISTENING_LINE.exec(recentOutput);
      if (match === null) return;
      clearTimeout(timer);
      child.stdout.off('data', onData);
      resolve(match[1]);
    };
    child.stdout.on('data', onData);

    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`Relay failed to start "${RELAY_BIN}": ${error.message}`));
    });
    exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`Relay exited with code ${code} before listening on ${host}:${port}`));
    });
  });

  return ready.then(
    (url) => ({ url, pid: child.pid, output: () => recentOutput, exited, stop }),
    async (error) => {
      await stop();
      error.relayOutput = recentOutput;
      throw error;
    },
  );
}
