#!/usr/bin/env node
// Frame encryption benchmark. It measures encrypt+decrypt time per frame for every SFrame cipher
// suite on both AES paths (noble, WebCrypto), beside a WebCrypto random-IV scheme of the kind
// large SDKs use. Every case runs in Node and in a dedicated worker of headless Chromium. It also
// prints the bytes each scheme adds to a frame and the CPU share of a 720p30 call. Run it with
// `npm run bench:e2ee`, which bundles the package sources itself and keeps Chromium inside a
// loopback-only network namespace.
//
// Usage: node bench/e2ee.mjs [--budget-ms=N] [--node-only]
//   --budget-ms  time per case, in milliseconds: a warm-up of half this, then seven measured
//                rounds of half this each (default 100, so a case takes 400 ms)
//   --node-only  skip the Chromium half
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import puppeteer from 'puppeteer-core';
import { chromePath, chromiumArgs } from '../scripts/_chromium.mjs';
import { CALL_SIZES, SUITES, SWEEP_SIZES, TABLE_SIZES } from './_e2ee-cases.mjs';

const benchDir = fileURLToPath(new URL('.', import.meta.url));
const options = {
  budgetMs: Number(process.argv.find((arg) => arg.startsWith('--budget-ms='))?.slice(12) ?? 100),
  nodeOnly: process.argv.includes('--node-only'),
};
if (!Number.isFinite(options.budgetMs) || options.budgetMs <= 0) {
  process.stderr.write('bench:e2ee: --budget-ms must be a positive number of milliseconds\n');
  process.exit(2);
}

async function bundle(entry, format, platform) {
  const result = await build({
    entryPoints: [join(benchDir, entry)],
    bundle: true,
    format,
    platform,
    target: 'es2022',
    write: false,
    logLevel: 'error',
  });
  return result.outputFiles[0].text;
}

async function runInNode(scratch) {
  const file = join(scratch, 'node-entry.mjs');
  const { writeFile } = await import('node:fs/promises');
  await writeFile(file, await bundle('_e2ee-entry.mjs', 'esm', 'node'));
  const entry = await import(pathToFileURL(file).href);
  const rows = await entry.runCases({
    SFrameContext: entry.SFrameContext,
    KeyRing: entry.KeyRing,
    FrameCryptor: entry.FrameCryptor,
    subtle: globalThis.crypto.subtle,
    now: () => performance.now(),
    budgetMs: options.budgetMs,
    webCryptoMinBytes: entry.WEBCRYPTO_MIN_BYTES,
  });
  return { rows, webCryptoMinBytes: entry.WEBCRYPTO_MIN_BYTES };
}

async function runInChromium(scratch, webCryptoMinBytes) {
  const workerSource = await bundle('_e2ee-worker.mjs', 'iife', 'browser');
  const page = '<!doctype html><title>bench</title>';
  const server = createServer((request, response) => {
    const isWorker = request.url === '/worker.js';
    response.writeHead(200, {
      'content-type': isWorker ? 'text/javascript' : 'text/html',
    });
    response.end(isWorker ? workerSource : page);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();

  const userDataDir = join(scratch, 'chromium');
  const browser = await puppeteer.launch({
    executablePath: chromePath,
    args: chromiumArgs,
    headless: true,
    userDataDir,
  });
  try {
    const tab = await browser.newPage();
    await tab.goto(`http://127.0.0.1:${port}/`);
    const version = await browser.version();
    const reply = await tab.evaluate(
      (request) =>
        new Promise((resolve) => {
          const worker = new Worker('/worker.js');
          worker.onmessage = (event) => resolve(event.data);
          worker.onerror = (event) => resolve({ error: event.message });
          worker.postMessage(request);
        }),
      { budgetMs: options.budgetMs, webCryptoMinBytes },
    );
    if (reply.error !== undefined) throw new Error(`Chromium worker failed: ${reply.error}`);
    return { rows: reply.rows, version };
  } finally {
    await browser.close();
    server.close();
  }
}

// Formatting

const SUITE_NAMES = new Map(SUITES);

function pad(text, width, left = false) {
  const value = String(text);
  return left ? value.padEnd(width) : value.padStart(width);
}

function micros(value) {
  if (value === undefined) return '-';
  return value < 100 ? value.toFixed(1) : value.toFixed(0);
}

function find(rows, group, suite, path, size) {
  return rows.find(
    (row) => row.group === group && row.suite === suite && row.path === path && row.size === size,
  );
}

function label(suite, path) {
  if (suite === 'random-iv') return 'WebCrypto AES-GCM, random IV (SDK style)';
  return `${SUITE_NAMES.get(suite)} ${path}`;
}

function printTable(title, rows) {
  const lines = [`${title}: encrypt+decrypt per frame, microseconds`, ''];
  const header = `| ${pad('Scheme', 44, true)} | ${TABLE_SIZES.map((size) => pad(`${size} B`, 9)).join(' | ')} | ${pad('Bytes added', 11)} |`;
  lines.push(header, header.replace(/[^|]/g, '-'));
  const schemes = [
    ...SUITES.flatMap(([suite]) => [
      [suite, 'noble'],
      [suite, 'webcrypto'],
    ]),
    ['random-iv', 'webcrypto'],
  ];
  for (const [suite, path] of schemes) {
    const cells = TABLE_SIZES.map((size) =>
      pad(micros(find(rows, 'table', suite, path, size)?.microseconds), 9),
    );
    const added = find(rows, 'table', suite, path, TABLE_SIZES[0])?.added;
    lines.push(
      `| ${pad(label(suite, path), 44, true)} | ${cells.join(' | ')} | ${pad(added, 11)} |`,
    );
  }
  return lines.join('\n');
}

/** Smallest swept size from which WebCrypto stays faster than noble. */
function crossover(rows) {
  let threshold;
  for (const size of [...SWEEP_SIZES].reverse()) {
    const noble = find(rows, 'sweep', 0x0004, 'noble', size)?.microseconds;
    const webCrypto = find(rows, 'sweep', 0x0004, 'webcrypto', size)?.microseconds;
    if (noble === undefined || webCrypto === undefined || webCrypto >= noble) break;
    threshold = size;
  }
  return threshold;
}

function printSweep(results) {
  const names = Object.keys(results);
  const lines = ['AES_128_GCM_SHA256_128, encrypt+decrypt per frame, microseconds', ''];
  const columns = names.flatMap((name) => [`${name} noble`, `${name} WebCrypto`]);
  const header = `| ${pad('Size', 7)} | ${columns.map((column) => pad(column, 18)).join(' | ')} |`;
  lines.push(header, header.replace(/[^|]/g, '-'));
  for (const size of SWEEP_SIZES) {
    const cells = names.flatMap((name) =>
      ['noble', 'webcrypto'].map((path) =>
        pad(micros(find(results[name], 'sweep', 0x0004, path, size)?.microseconds), 18),
      ),
    );
    lines.push(`| ${pad(`${size} B`, 7)} | ${cells.join(' | ')} |`);
  }
  lines.push('');
  for (const name of names) {
    const threshold = crossover(results[name]);
    lines.push(
      `${name}: WebCrypto is faster from ${threshold === undefined ? 'none of the swept sizes' : `${threshold} B`} on`,
    );
  }
  return lines.join('\n');
}

function printCall(results, webCryptoMinBytes) {
  const lines = [
    `Call model: 720p30 video at 1.5 Mbit/s (${CALL_SIZES.video} B a frame) plus Opus at 50 frames/s ` +
      `(${CALL_SIZES.audio} B), each side encrypting what it sends and decrypting what it receives`,
    `(auto = noble below ${webCryptoMinBytes} B, WebCrypto from there)`,
    '',
  ];
  const names = Object.keys(results);
  const header = `| ${pad('Scheme', 44, true)} | ${names.map((name) => pad(`${name} CPU of one core`, 26)).join(' | ')} | ${pad('Overhead, kbit/s each way', 25)} |`;
  lines.push(header, header.replace(/[^|]/g, '-'));
  const schemes = [
    [0x0004, 'noble'],
    [0x0004, 'webcrypto'],
    [0x0004, 'auto'],
    ['random-iv', 'webcrypto'],
  ];
  for (const [suite, path] of schemes) {
    const cells = names.map((name) => {
      const video = find(results[name], 'call', suite, path, CALL_SIZES.video);
      const audio = find(results[name], 'call', suite, path, CALL_SIZES.audio);
      if (video === undefined || audio === undefined) return pad('-', 26);
      const perSecond = 30 * video.microseconds + 50 * audio.microseconds;
      return pad(`${((perSecond / 1e6) * 100).toFixed(2)} %`, 26);
    });
    const first = results[names[0]];
    const video = find(first, 'call', suite, path, CALL_SIZES.video);
    const audio = find(first, 'call', suite, path, CALL_SIZES.audio);
    const kbits = ((30 * video.added + 50 * audio.added) * 8) / 1000;
    const name = suite === 'random-iv' ? label(suite, path) : `AES_128_GCM_SHA256_128 ${path}`;
    lines.push(`| ${pad(name, 44, true)} | ${cells.join(' | ')} | ${pad(kbits.toFixed(1), 25)} |`);
  }
  return lines.join('\n');
}

function printRatchet(results) {
  const lines = [
    `Key ratchet: one ${CALL_SIZES.audio} B Opus frame encrypted and decrypted through the ` +
      "worker's FrameCryptor and KeyRing, microseconds",
    '',
  ];
  const header = `| ${pad('Runtime', 10, true)} | ${pad('No ratchet', 10)} | ${pad('Ratchet before each frame', 25)} | ${pad('Cost of one ratchet', 19)} |`;
  lines.push(header, header.replace(/[^|]/g, '-'));
  for (const [name, rows] of Object.entries(results)) {
    const steady = find(rows, 'ratchet', 0x0004, 'steady', CALL_SIZES.audio)?.microseconds;
    const moved = find(rows, 'ratchet', 0x0004, 'ratchet', CALL_SIZES.audio)?.microseconds;
    if (steady === undefined || moved === undefined) continue;
    lines.push(
      `| ${pad(name, 10, true)} | ${pad(micros(steady), 10)} | ${pad(micros(moved), 25)} | ${pad(micros(moved - steady), 19)} |`,
    );
  }
  lines.push('', 'The cost covers both sides: the sender ratchets and the receiver follows.');
  return lines.join('\n');
}

const loadBefore = loadavg()
  .map((value) => value.toFixed(2))
  .join(', ');
const scratch = await mkdtemp(join(tmpdir(), 'porchlight-bench-'));
try {
  const started = performance.now();
  const node = await runInNode(scratch);
  const results = { Node: node.rows };
  let browserVersion = 'not run';
  if (!options.nodeOnly) {
    const chromium = await runInChromium(scratch, node.webCryptoMinBytes);
    results.Chromium = chromium.rows;
    browserVersion = chromium.version;
  }

  const machine = `${cpus().length} x ${cpus()[0]?.model ?? 'unknown CPU'}`;
  process.stdout.write(
    [
      `Machine: ${machine}; Node ${process.version}; ${browserVersion} (dedicated worker)`,
      `Budget per case: ${options.budgetMs} ms; load average before the run: ${loadBefore}`,
      '',
      ...Object.entries(results).map(([name, rows]) => `${printTable(name, rows)}\n`),
      printSweep(results),
      '',
      printCall(results, node.webCryptoMinBytes),
      '',
      printRatchet(results),
      '',
      `Took ${((performance.now() - started) / 1000).toFixed(0)} s`,
      '',
    ].join('\n'),
  );
} finally {
  await rm(scratch, { recursive: true, force: true });
}
