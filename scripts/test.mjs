#!/usr/bin/env node
// Runs every test stage in order inside one loopback-only network namespace: unit tests (vitest),
// browser tests (web-test-runner), then the node:test files under test/, which include the calls
// between two Chromium instances.
// Stops at the first stage that fails and exits with that stage's exit code.
//
// `npm test` runs this after the build and the type check. Extra arguments are ignored.
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { constants } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const binDir = join(root, 'node_modules', '.bin');

// Node 20's test runner treats every file under a folder named `test` as a test file, helpers
// included, and takes no glob patterns. So the stage gets the `*.test.mjs` files by name.
const nodeTestFiles = readdirSync(join(root, 'test'), { recursive: true })
  .filter((name) => name.endsWith('.test.mjs'))
  .sort()
  .map((name) => join('test', name));

const stages = [
  { name: 'unit tests', file: join(binDir, 'vitest'), args: ['run'] },
  { name: 'browser tests', file: join(binDir, 'web-test-runner'), args: [] },
  {
    // Package import checks, static server tests and, in test/e2e/, the two-browser call tests.
    name: 'end-to-end tests',
    file: process.execPath,
    args: ['--test', '--test-concurrency=1', ...nodeTestFiles],
  },
];

let current = null;

// Ctrl-C reaches the running command through the terminal's process group, so this process only
// waits for that command to exit and reports its code. SIGTERM is sent to this process alone, so
// it is passed on.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => current?.kill('SIGTERM'));

/** Runs one command with inherited output and resolves with its exit code (128+n on signal n). */
function run(file, args) {
  return new Promise((resolve) => {
    const child = spawn(file, args, { cwd: root, stdio: 'inherit' });
    current = child;
    child.on('error', (error) => {
      process.stderr.write(`test: failed to start "${file}": ${error.message}\n`);
      resolve(127);
    });
    child.on('exit', (code, signal) => {
      resolve(signal === null ? (code ?? 1) : 128 + (constants.signals[signal] ?? 0));
    });
  });
}

if (process.env.PORCHLIGHT_IN_NETNS === undefined) {
  // Re-run this script through the wrapper so that all stages share one namespace.
  const wrapper = join(root, 'scripts', 'in-loopback-netns.mjs');
  const self = fileURLToPath(import.meta.url);
  const code = await run(process.execPath, [wrapper, process.execPath, self]);
  process.exit(code);
}

for (const stage of stages) {
  process.stderr.write(`\n== ${stage.name} ==\n`);
  const code = await run(stage.file, stage.args);
  if (code !== 0) {
    process.stderr.write(`\ntest: ${stage.name} failed with exit code ${code}\n`);
    if (stage !== stages.at(-1)) process.stderr.write('test: later stages skipped\n');
    process.exit(code);
  }
}
process.stderr.write('\ntest: all stages passed\n');
