// Checks what goes into the E2EE worker bundle, from the esbuild metafile of the same options that
// packages/widget/scripts/build-bundle.mjs builds it with. The worker runs AES on WebCrypto only,
// so noble's AES code and the noble-backed SFrameContext must stay out of it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as esbuild from 'esbuild';
import { workerBundle } from '../packages/widget/scripts/build-bundle.mjs';

/** Input files of the worker bundle, as paths relative to the working folder. */
async function workerInputs() {
  const result = await esbuild.build({
    ...workerBundle,
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const [output] = Object.values(result.metafile.outputs).filter((entry) => entry.entryPoint);
  assert.ok(output, 'The worker build has no output with an entry point');
  return Object.keys(output.inputs).map((file) => file.replaceAll('\\', '/'));
}

test('E2EE worker bundle excludes noble AES', async () => {
  const inputs = await workerInputs();

  // The files the worker needs, so that an empty or wrong metafile cannot pass.
  for (const needed of ['e2ee/src/_webcrypto-aead.ts', '@noble/hashes/hkdf.js']) {
    assert.ok(
      inputs.some((file) => file.endsWith(needed)),
      `Expected ${needed} in the worker bundle: got ${inputs.join(', ')}`,
    );
  }
  const unwanted = inputs.filter(
    (file) =>
      file.includes('@noble/ciphers/') ||
      file.endsWith('e2ee/src/_aead.ts') ||
      file.endsWith('e2ee/src/sframe.ts'),
  );
  assert.deepEqual(unwanted, [], 'Noble AES code is in the worker bundle');
});
