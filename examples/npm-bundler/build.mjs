// Bundles src/main.js into dist/app.js as an ES module and copies the E2EE worker beside it.
// The worker must sit in the same folder as the bundle, because the elements load it from
// `new URL('./porchlight-e2ee-worker.js', import.meta.url)` unless
// `setDefaultWorkerUrl` or a `worker-url` attribute names another URL.
import { copyFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

mkdirSync('dist', { recursive: true });
await esbuild.build({
  entryPoints: ['src/main.js'],
  outfile: 'dist/app.js',
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  sourcemap: true,
  // simple-peer and its dependencies expect Node's `global`.
  define: { global: 'globalThis' },
  logLevel: 'warning',
});

const worker = fileURLToPath(import.meta.resolve('@porchlight/widget/porchlight-e2ee-worker.js'));
copyFileSync(worker, 'dist/porchlight-e2ee-worker.js');
copyFileSync('index.html', 'dist/index.html');
