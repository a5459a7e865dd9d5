// Dedicated worker of the Chromium half of `npm run bench:e2ee`: runs the cases on request.
import { FrameCryptor, KeyRing, runCases, SFrameContext } from './_e2ee-entry.mjs';

self.onmessage = async (event) => {
  try {
    const rows = await runCases({
      SFrameContext,
      KeyRing,
      FrameCryptor,
      subtle: crypto.subtle,
      now: () => performance.now(),
      ...event.data,
    });
    self.postMessage({ rows });
  } catch (error) {
    self.postMessage({ error: String(error) });
  }
};
