// Starts a throwaway redis-server on a free loopback port, with persistence off and its working
// folder in a new temporary directory. Used by the relay's Redis tests and by bench:relay.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const READY_LINE = /Ready to accept connections/;
const START_TIMEOUT_MS = 10_000;

/** Returns a TCP port that was free on 127.0.0.1 a moment ago. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts redis-server and resolves once it accepts connections.
 *
 * @returns {Promise<{ url: string, port: number, pid: number, stop: () => Promise<void> }>}
 * @throws {Error} When redis-server is not installed, exits early or does not get ready in 10 s.
 */
export async function startRedisServer() {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'porchlight-redis-'));
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
  const child = spawn('redis-server', [...args, '--dir', dir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));

  let output = '';
  await new Promise((resolve, reject) => {
    const fail = (reason) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
      reject(new Error(`redis-server on port ${port} failed to start: ${reason}`));
    };
    const timer = setTimeout(() => fail(`not ready within ${START_TIMEOUT_MS} ms`), START_TIMEOUT_MS);
    child.once('error', (error) => {
      const hint = error.code === 'ENOENT' ? 'not installed (apt-get install -y redis-server)' : '';
      fail(hint || error.message);
    });
    child.stdout.on('data', (chunk) => {
      output += chunk.toString('utf8');
      if (READY_LINE.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    });
    void exited.then((code) => fail(`exited with ${code}: ${output.slice(-500)}`));
  });

  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    pid: child.pid,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
