// Bundles src/main.js into dist/app.js as an ES module and copies the E2EE worker beside it.
// The worker must sit in the same folder as the bundle, because the elements load it from
// `new URL('./porchlight-e2ee-worker.js', import.meta.url)` unless
// `setDefaultWorkerUrl` or a `worker-url` attribute names another URL. Paths are relative to this
// file, so the build works from any working directory.
import { copyFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const exampleDir = fileURLToPath(new URL('.', import.meta.url));

mkdirSync(new URL('dist', import.meta.url), { recursive: true });
await esbuild.build({
  absWorkingDir: exampleDir,
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
copyFileSync(worker, new URL('dist/porchlight-e2ee-worker.js', import.meta.url));
copyFileSync(new URL('index.html', import.meta.url), new URL('dist/index.html', import.meta.url));
