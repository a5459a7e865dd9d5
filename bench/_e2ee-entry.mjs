// Entry bundled by bench/e2ee.mjs, once for Node and once for the Chromium worker, so both run
// the package's TypeScript sources through the same cases.
export { SFrameContext } from '../packages/e2ee/src/sframe.ts';
export { FrameCryptor, WEBCRYPTO_MIN_BYTES } from '../packages/e2ee/src/_frame-cryptor.ts';
export { KeyRing } from '../packages/e2ee/src/_key-ring.ts';
export { runCases } from './_e2ee-cases.mjs';
