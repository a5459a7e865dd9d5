// Gzip size budgets of the script-tag build in packages/widget/dist. Every visitor of a
// therapist's site downloads the loader, so it stays small. The call chunk and the E2EE worker
// load only for a call. Each size is reported as one test diagnostic line.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const distDir = fileURLToPath(new URL('../packages/widget/dist/', import.meta.url));
const KIB = 1024;

/** Files of one budget, chosen by name from dist/, and the budget in gzip bytes. */
const budgets = [
  { name: 'loader', match: (file) => file === 'porchlight.js', maxBytes: 8 * KIB },
  {
    name: 'call chunk',
    match: (file) => file === 'porchlight-call.js' || /^porchlight-chunk-.*\.js$/.test(file),
    // ML-KEM-768 (about 7 KiB gzip) and Ed25519 verification (about 5 KiB) came with the
    // identity check of the key agreement.
    maxBytes: 64 * KIB,
  },
  {
    // The product requirement is "at most 15 KB gzip", read strictly as 15,000 bytes. The worker
    // runs AES on WebCrypto only, so it bundles no AES code (test/e2ee-worker-bundle.test.mjs).
    name: 'E2EE worker',
    match: (file) => file === 'porchlight-e2ee-worker.js',
    maxBytes: 15_000,
  },
];

/** Returns the gzip size of one file at level 9, zlib's smallest output. */
function gzipBytes(file) {
  return gzipSync(readFileSync(join(distDir, file)), { level: 9 }).length;
}

for (const { name, match, maxBytes } of budgets) {
  test(`${name} stays within its gzip budget`, (t) => {
    const files = readdirSync(distDir).filter(match).sort();
    assert.ok(files.length > 0, `No ${name} file found in ${distDir}: run npm run build first`);

    const bytes = files.reduce((sum, file) => sum + gzipBytes(file), 0);
    const budget = `${(maxBytes / KIB).toFixed(1)} KiB (${maxBytes} B)`;
    const measured = `${(bytes / KIB).toFixed(1)} KiB gzip (${bytes} B)`;
    t.diagnostic(`${name} (${files.join(', ')}): ${measured}, budget ${budget}`);
    assert.ok(bytes <= maxBytes, `${name} is ${bytes} bytes gzip, over the budget of ${maxBytes}`);
  });
}
