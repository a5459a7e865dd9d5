// Bundles the React app into dist/app.js and its styles into dist/app.css, and copies the E2EE
// worker and the page beside them. The elements load the worker from the folder of the bundle
// unless `setDefaultWorkerUrl` or a `worker-url` attribute names another URL. Paths are relative
// to this file, so the build works from any working directory.
import { copyFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const exampleDir = fileURLToPath(new URL('.', import.meta.url));

mkdirSync(new URL('dist', import.meta.url), { recursive: true });
await esbuild.build({
  absWorkingDir: exampleDir,
  entryPoints: ['src/main.jsx'],
  outfile: 'dist/app.js',
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  jsx: 'automatic',
  minify: true,
  sourcemap: true,
  // React reads process.env.NODE_ENV to choose its production build. simple-peer and its
  // dependencies expect Node's `global`.
  define: { global: 'globalThis', 'process.env.NODE_ENV': '"production"' },
  logLevel: 'warning',
});

const worker = fileURLToPath(import.meta.resolve('@porchlight/widget/porchlight-e2ee-worker.js'));
copyFileSync(worker, new URL('dist/porchlight-e2ee-worker.js', import.meta.url));
copyFileSync(new URL('index.html', import.meta.url), new URL('dist/index.html', import.meta.url));
