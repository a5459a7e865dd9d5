// Bundles the page's script, src/main.ts, into dist/app.js and the E2EE worker from
// `@porchlight/e2ee/worker` into dist/porchlight-e2ee-worker.js, then copies the page and its
// style sheet beside them. The page passes the worker's URL to the client, so the two files must
// be served from the same folder.
import { copyFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const common = {
  bundle: true,
  platform: 'browser',
  target: 'es2022',
  minify: true,
  sourcemap: true,
  logLevel: 'warning',
};

mkdirSync('dist', { recursive: true });
await esbuild.build({
  ...common,
  entryPoints: ['src/main.ts'],
  outfile: 'dist/app.js',
  format: 'esm',
  // simple-peer and its dependencies expect Node's `global`.
  define: { global: 'globalThis' },
});
await esbuild.build({
  ...common,
  // A worker script loaded with `new Worker(url)` is a classic script, so the worker is an IIFE.
  entryPoints: [fileURLToPath(import.meta.resolve('@porchlight/e2ee/worker'))],
  outfile: 'dist/porchlight-e2ee-worker.js',
  format: 'iife',
});
copyFileSync('index.html', 'dist/index.html');
copyFileSync('style.css', 'dist/style.css');
