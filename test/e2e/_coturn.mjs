// Starts Debian's coturn (`turnserver`) on 127.0.0.1 for the TURN end-to-end test, with the TURN
// REST shared secret scheme and a small relay port range. `allow-loopback-peers` is required
// here: without it coturn rejects a permission for a 127.0.0.1 peer with 403 Forbidden IP. It is
// unsafe outside tests, and coturn warns about it at start-up.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const READY_LINE = 'Total General servers';
const START_TIMEOUT_MS = 10_000;

/** Returns whether `turnserver` is on the PATH. */
export function coturnInstalled() {
  return spawnSync('turnserver', ['-h'], { stdio: 'ignore' }).error === undefined;
}

/** Returns a TCP port that was free a moment ago. coturn uses the same number for UDP. */
async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Starts coturn with `secret` as its static auth secret and resolves once it listens.
 *
 * @returns {Promise<{ url: string, output: () => string, stop: () => Promise<void> }>} `url` is
 *   the `turn:` URL for UDP on 127.0.0.1.
 */
export async function startCoturn(secret) {
  const port = await freePort();
  // A range of 40 relay ports, away from the kernel's ephemeral range start.
  const minPort = 40_000 + Math.floor(Math.random() * 200) * 40;
  const folder = await mkdtemp(join(tmpdir(), 'porchlight-coturn-'));
  const args = [
    '-n',
    '--listening-ip=127.0.0.1',
    '--relay-ip=127.0.0.1',
    `--listening-port=${port}`,
    `--min-port=${minPort}`,
    `--max-port=${minPort + 39}`,
    '--use-auth-secret',
    `--static-auth-secret=${secret}`,
    '--realm=porchlight.test',
    '--allow-loopback-peers',
    '--no-tls',
    '--no-dtls',
    '--no-cli',
    '--fingerprint',
    `--userdb=${join(folder, 'turndb')}`,
    `--pidfile=${join(folder, 'turnserver.pid')}`,
    '--log-file=stdout',
  ];
  const child = spawn('turnserver', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk) => {
    output = (output + chunk.toString('utf8')).slice(-64 * 1024);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise((resolve) => child.on('exit', resolve));

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killed = await Promise.race([exited.then(() => true), sleep(3000).then(() => false)]);
      if (!killed) child.kill('SIGKILL');
    }
    await rm(folder, { recursive: true, force: true });
  };

  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!output.includes(READY_LINE)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`coturn did not start on port ${port}: output ${output.slice(-2000)}`);
    }
    await sleep(50);
  }
  return { url: `turn:127.0.0.1:${port}?transport=udp`, output: () => output, stop };
}
