// Builds the script-tag files into dist/ after the ESM build, then prints the raw and gzip size of
// each:
// - `porchlight.js`, the classic-script loader (src/embed.ts): presence preview, no Lit;
// - `porchlight-call.js`, the visitor's call code as an ES module (src/embed-call.ts) with lit,
//   the client and simple-peer inside, which the loader imports from its own folder;
// - `porchlight-console.js`, the therapist's console as an ES module (src/embed-console.ts),
//   which the loader imports only for a page with a `<porchlight-console>`;
// - `porchlight-e2ee-worker.js`, the E2EE worker (an IIFE), which every build loads from its own
//   folder by default;
// - `porchlight-curves.js`, X25519 and Ed25519 from @noble/curves as one self-contained ES module,
//   which the call and console code import only in a browser whose WebCrypto lacks either.
// Tests import `workerBundle` to inspect what goes into the worker, so the builds run only when
// this file is the script Node was started with.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import process from 'node:process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';

/** Options shared by every bundle: browser code with every dependency inside. */
const common = {
  bundle: true,
  platform: 'browser',
  target: 'es2022',
  minify: true,
  sourcemap: true,
  legalComments: 'eof',
  // simple-peer and its dependencies expect Node's `global`.
  define: { global: 'globalThis' },
  // simple-peer logs through `debug` (and its `ms`, 6 KiB together). The library logs nothing, so
  // every bundle gets a logger that does nothing instead.
  alias: { debug: './scripts/debug-noop.js' },
  logLevel: 'warning',
};

/** The E2EE worker bundle. Its entry is an absolute path, so it builds from any folder. */
export const workerBundle = {
  ...common,
  format: 'iife',
  entryPoints: [fileURLToPath(new URL('../../e2ee/src/worker.ts', import.meta.url))],
  outfile: 'dist/porchlight-e2ee-worker.js',
};

/** The client's entry module, which re-exports the host client for the console. */
const clientIndex = fileURLToPath(new URL('../../client/src/index.ts', import.meta.url));
const hostExport = "export { HostClient } from './host.js';";

/**
 * esbuild places a module in a shared chunk when more than one entry reaches its file, even when
 * one of them uses none of its code. Every element imports `@porchlight/client`, whose index
 * re-exports the host client, so the host client would land in the visitor's chunks. This plugin
 * gives every module but the console the client's index without that one re-export.
 */
const visitorClientPlugin = {
  name: 'porchlight-visitor-client',
  setup(build) {
    build.onResolve({ filter: /^@porchlight\/client$/ }, (args) =>
      args.importer.endsWith('/src/console.ts')
        ? { path: clientIndex }
        : { path: clientIndex, namespace: 'porchlight-visitor-client' },
    );
    build.onLoad({ filter: /.*/, namespace: 'porchlight-visitor-client' }, () => {
      const source = readFileSync(clientIndex, 'utf8');
      if (!source.includes(hostExport)) {
        throw new Error(`The host client re-export was not found in ${clientIndex}`);
      }
      return {
        contents: source.replace(hostExport, ''),
        loader: 'ts',
        resolveDir: dirname(clientIndex),
      };
    });
  },
};

/** The module that the E2EE package imports when WebCrypto lacks X25519 or Ed25519. */
const curvesModule = '@noble/curves/ed25519.js';
const curvesFile = 'porchlight-curves.js';

/**
 * With code splitting, the curves fallback would share chunks with ML-KEM-768, which also uses
 * @noble/curves (its number-theoretic transform and field checks). Such a shared chunk contains the
 * code of both, so every visitor would download part of the fallback. This plugin leaves the
 * fallback import to a separate file in the same folder, which bundles its own copy of what it
 * needs. The console's identity code signs with noble's Ed25519 and imports it statically; that
 * import stays in the console's chunks.
 */
const separateCurvesPlugin = {
  name: 'porchlight-separate-curves',
  setup(build) {
    build.onResolve({ filter: /^@noble\/curves\/ed25519\.js$/ }, (args) =>
      args.kind === 'dynamic-import' ? { path: `./${curvesFile}`, external: true } : undefined,
    );
  },
};

const bundles = [
  {
    ...common,
    format: 'iife',
    entryPoints: ['src/embed.ts'],
    outfile: 'dist/porchlight.js',
    // A classic script has no import.meta.url. The loader always passes the worker URL from its
    // own script tag, so the fallback in _config.ts that reads import.meta.url never runs here.
    define: { ...common.define, 'import.meta.url': 'undefined' },
  },
  {
    ...common,
    // ES modules, so that the loader can import() them. With splitting, code shared by later
    // entries goes to porchlight-chunk-*.js files beside them.
    format: 'esm',
    splitting: true,
    entryPoints: {
      'porchlight-call': 'src/embed-call.ts',
      'porchlight-console': 'src/embed-console.ts',
    },
    outdir: 'dist',
    chunkNames: 'porchlight-chunk-[hash]',
    // The licence notices of the bundled libraries go to a porchlight-chunk-*.js.LEGAL.txt file
    // beside each chunk, linked from a comment in it, so that they ship without every visitor
    // downloading them.
    legalComments: 'linked',
    plugins: [visitorClientPlugin, separateCurvesPlugin],
    metafile: true,
  },
  workerBundle,
  {
    ...common,
    format: 'esm',
    stdin: {
      contents: `export { ed25519, x25519 } from '${curvesModule}';`,
      resolveDir: fileURLToPath(new URL('../../e2ee/', import.meta.url)),
      sourcefile: 'porchlight-curves-entry.js',
    },
    outfile: `dist/${curvesFile}`,
  },
];

/** Builds every bundle and prints the raw and gzip size of each output file. */
async function main() {
  const outputs = [];
  for (const options of bundles) {
    const result = await esbuild.build(options);
    if (options.outfile) outputs.push(options.outfile);
    else {
      const files = Object.keys(result.metafile.outputs);
      outputs.push(...files.filter((file) => file.endsWith('.js')));
      // The size test follows each chunk's static imports in this file. It stays out of dist/,
      // so that it is not published.
      writeFileSync('call-chunk-meta.json', JSON.stringify(result.metafile, null, 1));
    }
  }

  const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
  for (const file of outputs) {
    const code = readFileSync(file);
    const gzipped = gzipSync(code, { level: 9 });
    const sizes = `${kib(code.length)} raw, ${kib(gzipped.length)} gzip (${gzipped.length} B)`;
    console.log(`${file}: ${sizes}`);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
