// Builds one workspace package: ESM with esbuild into dist/, then declarations with tsc.
// Usage (from the package folder): node ../../scripts/build-package.mjs [--platform=node] [entry...]
// Entries default to src/index.ts. Dependencies stay external, so npm consumers dedupe them.
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import * as esbuild from 'esbuild';

const args = process.argv.slice(2);
const platform = args.find((a) => a.startsWith('--platform='))?.slice('--platform='.length) ?? 'neutral';
const entryPoints = args.filter((a) => !a.startsWith('--'));
if (entryPoints.length === 0) entryPoints.push('src/index.ts');

rmSync('dist', { recursive: true, force: true });

const root = resolve(import.meta.dirname, '..');

await esbuild.build({
  entryPoints,
  // The base config has no `paths`, so sibling packages stay imports of their published names.
  tsconfig: resolve(root, 'tsconfig.base.json'),
  outdir: 'dist',
  outbase: 'src',
  bundle: true,
  packages: 'external',
  format: 'esm',
  platform,
  target: 'es2022',
  sourcemap: true,
  logLevel: 'warning',
});

// Declarations come from tsc so that they match the sources exactly.
const tsconfig = resolve('tsconfig.build.json');
writeFileSync(
  tsconfig,
  JSON.stringify(
    {
      extends: resolve(root, 'tsconfig.base.json'),
      compilerOptions: {
        rootDir: 'src',
        outDir: 'dist',
        emitDeclarationOnly: true,
        types: platform === 'node' ? ['node'] : [],
      },
      include: ['src'],
      exclude: ['src/**/*.test.ts', 'src/**/_test-*.ts'],
    },
    null,
    2,
  ),
);
try {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', tsconfig], { stdio: 'inherit' });
} finally {
  rmSync(tsconfig);
}
