// Builds the script-tag files into dist/ after the ESM build, then prints the raw and gzip size of
// each. `porchlight.js` is src/embed.ts with lit and the client bundled in. The E2EE worker
// `porchlight-e2ee-worker.js` lands in the same folder as porchlight.js and the ESM modules,
// because all of them load it from their own folder by default. Both files are IIFEs.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';

/** Options shared by both bundles: browser code with every dependency inside. */
const common = {
  bundle: true,
  format: 'iife',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  sourcemap: true,
  legalComments: 'eof',
  // simple-peer and its dependencies expect Node's `global`.
  define: { global: 'globalThis' },
  logLevel: 'warning',
};

const bundles = [
  {
    ...common,
    entryPoints: ['src/embed.ts'],
    outfile: 'dist/porchlight.js',
    // An IIFE has no import.meta.url. The embed always sets the worker URL from its own script
    // tag, so the fallback that reads import.meta.url never runs in this bundle.
    define: { ...common.define, 'import.meta.url': 'undefined' },
  },
  {
    ...common,
    entryPoints: [fileURLToPath(new URL('../../e2ee/src/worker.ts', import.meta.url))],
    outfile: 'dist/porchlight-e2ee-worker.js',
  },
];

for (const options of bundles) await esbuild.build(options);

const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
for (const { outfile } of bundles) {
  const code = readFileSync(outfile);
  const gzipped = gzipSync(code, { level: 9 });
  console.log(`${outfile}: ${kib(code.length)} raw, ${kib(gzipped.length)} gzip`);
}
