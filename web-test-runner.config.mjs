// Web Test Runner: runs `*.browser.test.ts` files (mocha globals, chai assertions) in headless
// Chromium with a fake camera and microphone. `npm run test:browser` and `npm test` start it inside
// a loopback-only network namespace (scripts/in-loopback-netns.mjs).
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import * as esbuild from 'esbuild';
import { fileURLToPath } from 'node:url';
import { chromePath, chromiumArgs } from './scripts/_chromium.mjs';

// Workspace packages resolve to their TypeScript sources, as in vitest.config.ts. Paths are
// relative to rootDir, which is the repository root.
const workspaceAliases = new Map([
  ['@porchlight/protocol', '/packages/protocol/src/index.ts'],
  ['@porchlight/e2ee', '/packages/e2ee/src/index.ts'],
  ['@porchlight/e2ee/worker', '/packages/e2ee/src/worker.ts'],
  ['@porchlight/client', '/packages/client/src/index.ts'],
]);

/** Dev-server plugin that maps each workspace package name to its source entry. */
function workspaceAliasPlugin() {
  return {
    name: 'porchlight-workspace-aliases',
    resolveImport({ source }) {
      return workspaceAliases.get(source);
    },
  };
}

// Packages whose dependency tree is CommonJS (simple-peer pulls in debug, streamx and err-code).
// The dev server serves modules as they are and cannot convert CommonJS, so esbuild bundles each
// of these into one ES module, in memory, the first time a test imports it.
const PREBUNDLED_PACKAGES = ['@thaunknown/simple-peer'];
const PREBUNDLE_PREFIX = '/__prebundled__/';

/** Dev-server plugin that serves each package in PREBUNDLED_PACKAGES as one esbuild bundle. */
function prebundlePlugin(rootDir) {
  const bundles = new Map();

  const bundle = async (specifier) => {
    const result = await esbuild.build({
      stdin: {
        contents: `export * from '${specifier}';\nexport { default } from '${specifier}';\n`,
        resolveDir: rootDir,
      },
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      // simple-peer and its dependencies expect Node's `global`.
      define: { global: 'globalThis' },
      write: false,
      logLevel: 'warning',
    });
    return result.outputFiles[0].text;
  };

  return {
    name: 'porchlight-prebundle',
    resolveImport({ source }) {
      if (!PREBUNDLED_PACKAGES.includes(source)) return undefined;
      return `${PREBUNDLE_PREFIX}${encodeURIComponent(source)}.js`;
    },
    async serve(context) {
      if (!context.path.startsWith(PREBUNDLE_PREFIX)) return undefined;
      const specifier = decodeURIComponent(context.path.slice(PREBUNDLE_PREFIX.length, -3));
      if (!PREBUNDLED_PACKAGES.includes(specifier)) return undefined;
      if (!bundles.has(specifier)) bundles.set(specifier, bundle(specifier));
      return { body: await bundles.get(specifier), type: 'js' };
    },
  };
}

const rootDir = fileURLToPath(new URL('.', import.meta.url));

export default {
  rootDir,
  files: ['packages/widget/src/**/*.browser.test.ts'],
  // Prefer each package's browser build (the `browser` field and export condition).
  nodeResolve: { browser: true, exportConditions: ['browser', 'development'] },
  concurrency: 1,
  browserStartTimeout: 60_000,
  testsFinishTimeout: 180_000,
  testFramework: { config: { timeout: 20_000 } },
  // Tests print nothing. Lit's development build announces itself once per page, so drop that.
  filterBrowserLogs: ({ args }) => !String(args[0]).startsWith('Lit is in dev mode'),
  plugins: [
    workspaceAliasPlugin(),
    prebundlePlugin(rootDir),
    // The base tsconfig carries experimentalDecorators and useDefineForClassFields: false, which
    // Lit's decorators need.
    esbuildPlugin({
      ts: true,
      target: 'es2022',
      tsconfig: fileURLToPath(new URL('./tsconfig.base.json', import.meta.url)),
    }),
  ],
  browsers: [
    chromeLauncher({
      launchOptions: { executablePath: chromePath, headless: true, args: chromiumArgs },
    }),
  ],
};
