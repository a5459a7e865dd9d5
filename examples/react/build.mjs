// Bundles the React app into dist/app.js and copies the E2EE worker and the page beside it. The
// elements load the worker from the folder of the bundle unless
// `setDefaultWorkerUrl` or a `worker-url` attribute names another URL.
import { copyFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

mkdirSync('dist', { recursive: true });
await esbuild.build({
  entryPoints: ['src/main.jsx'],
  outfile: 'dist/app.js',
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  jsx: 'automatic',
  minify: true,
  sourcemap: true,
  define: { global: 'globalThis', 'process.env.NODE_ENV': '"production"' },
  logLevel: 'warning',
});

const worker = fileURLToPath(import.meta.resolve('@porchlight/widget/porchlight-e2ee-worker.js'));
copyFileSync(worker, 'dist/porchlight-e2ee-worker.js');
copyFileSync('index.html', 'dist/index.html');
