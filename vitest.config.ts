import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

function fromRoot(path: string): string {
  return fileURLToPath(new URL(path, import.meta.url));
}

// Workspace packages resolve to their TypeScript sources, so unit tests need no build first.
// Each pattern matches the whole specifier: '@porchlight/e2ee' must not swallow '/worker'.
const workspaceAliases = [
  { find: /^@porchlight\/protocol$/, replacement: fromRoot('./packages/protocol/src/index.ts') },
  { find: /^@porchlight\/e2ee$/, replacement: fromRoot('./packages/e2ee/src/index.ts') },
  { find: /^@porchlight\/e2ee\/worker$/, replacement: fromRoot('./packages/e2ee/src/worker.ts') },
  { find: /^@porchlight\/client$/, replacement: fromRoot('./packages/client/src/index.ts') },
];

export default defineConfig({
  resolve: { alias: workspaceAliases },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'signaling-server/src/**/*.test.ts'],
    // Browser-only tests need a real Chromium and run under web-test-runner instead.
    exclude: ['**/node_modules/**', '**/dist/**', '**/*.browser.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
