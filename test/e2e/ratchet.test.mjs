// End to end: calls whose two sides ratchet their encrypt keys every half second, as a call does
// every minute, while the receivers follow each new epoch. The epoch sits in the low 4 bits of
// the wire KID, so it wraps to 0 every 16 ratchets and the receiver places it by its own count.
// The window crosses two wraps, at epochs 16 and 32. Nothing is mocked: the real relay, the demo
// pages, the built widget and its E2EE worker in Chromium and Firefox ESR.
//
// The key ratchet works when, across the window, every receiver followed every epoch one at a
// time, remote video kept decoding, and every audio and video frame that one side encrypted was
// decrypted by the other. The only frames a receiver may drop there are identical redeliveries.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  Diagnostics,
  HOST_TAG,
  placeCall,
  readBothSides,
  readCallStats,
  useServersAndBrowsers,
  VISITOR_TAG,
  waitUntil,
} from './_harness.mjs';

const TEST_TIMEOUT_MS = 120_000;

/**
 * Interval of the `ratchetIntervalMs` test hook, on both sides. Half a second still leaves each
 * epoch 10 or more video frames and 25 Opus frames, and crosses two wraps in about 17 s.
 */
const RATCHET_INTERVAL_MS = 500;

/**
 * Epoch every receiver must reach: past 16 and 32, where the 4-bit epoch of the wire KID wraps
 * to 0.
 */
const TARGET_EPOCH = 34;

/** Minimum number of ratchets the window must span on every key, whatever epoch it starts at. */
const MIN_RATCHETS_IN_WINDOW = 5;

/**
 * Maximum time remote video may go without a newly decoded frame during the window. It spans a
 * few ratchet intervals, because a loaded 2-core machine can stall a decoder for a moment.
 */
const MAX_DECODE_GAP_MS = 3_000;

/**
 * Duplicate frames a receiver may drop during the window, per kind, when Firefox sends to
 * Chromium. No other drop may happen in the window, and none at all between two Chromiums.
 * Every frame there carries the receiver's current epoch, the next one, or the previous one
 * within its 2 s grace, so none drops as `unknown-kid` or fails authentication. Duplicates are
 * frames the browser hands to the transform again with the same bytes, and the replay check
 * drops them. They do not depend on keys. Chromium 156 hands some of Firefox ESR 153's key
 * frames to its transform several times. Calls with and without ratchets showed 3 to 8 at the
 * start and 0 to 10 at each of the two resolution changes Firefox makes in the first 20 s.
 */
const MAX_FIREFOX_DUPLICATES = 20;

/**
 * Time whose frames the counts of the two sides may differ by over the window: frames still in
 * the pipeline at either end of it, and the gap between the reads of the two sides. On a 2-core
 * machine with a load average above 20, one window's counts differed by 93 Opus frames, about
 * 1.9 s. The allowance is at least 15 frames.
 */
const IN_FLIGHT_MS = 2_500;
const MIN_IN_FLIGHT_FRAMES = 15;

/** Maximum time from the first sample until every receiver reached {@link TARGET_EPOCH}. */
const SAMPLING_TIMEOUT_MS = 60_000;

const SIDES = [
  ['host', HOST_TAG],
  ['visitor', VISITOR_TAG],
];
const KINDS = ['audio', 'video'];

/** Reads both sides at the same time and notes when. */
async function readBoth(hostPage, visitorPage) {
  return { ...(await readBothSides(hostPage, visitorPage)), at: Date.now() };
}

function lowestDecryptEpoch(sample) {
  const epochs = SIDES.flatMap(([side]) =>
    KINDS.map((kind) => sample[side].e2ee.epochs.decrypt[kind]?.epoch ?? -1),
  );
  return Math.min(...epochs);
}

/**
 * Waits until both sides decode remote video, then reads both sides once per ratchet interval
 * until every receiver reached {@link TARGET_EPOCH} and the window spans at least
 * {@link MIN_RATCHETS_IN_WINDOW} ratchets. Returns the samples, oldest first.
 */
async function sampleAcrossRatchets(hostPage, visitorPage, diagnostics) {
  for (const [side, tag] of SIDES) {
    const page = side === 'host' ? hostPage : visitorPage;
    await waitUntil(
      () => readCallStats(page, tag),
      (stats) => stats.inbound?.video.framesDecoded > 0,
      { description: `${side} to decode its first remote video frame` },
    );
  }

  const samples = [await readBoth(hostPage, visitorPage)];
  const target = Math.max(TARGET_EPOCH, lowestDecryptEpoch(samples[0]) + MIN_RATCHETS_IN_WINDOW);
  const deadline = Date.now() + SAMPLING_TIMEOUT_MS;
  while (lowestDecryptEpoch(samples.at(-1)) < target) {
    if (Date.now() > deadline) {
      const epochs = JSON.stringify(samples.at(-1).host.e2ee.epochs);
      throw new Error(
        `Timed out after ${SAMPLING_TIMEOUT_MS} ms waiting for every receiver to reach epoch ` +
          `${target}: host epochs ${epochs}`,
      );
    }
    await sleep(RATCHET_INTERVAL_MS);
    samples.push(await readBoth(hostPage, visitorPage));
  }
  for (const sample of samples) diagnostics.add('stats', JSON.stringify(sample));
  return samples;
}

/**
 * Checks what `receiver` got from `sender` across the samples. It followed each epoch of the
 * sender one at a time past both wraps of the 4-bit KID epoch, and video kept decoding. Audio
 * kept arriving, each frame the sender encrypted was decrypted, and only duplicates dropped.
 */
function assertFollowed(samples, sender, receiver, maxDuplicates) {
  const first = samples[0];
  const last = samples.at(-1);
  const label = `${sender} to ${receiver}`;

  for (const kind of KINDS) {
    const sent = last[sender].e2ee.epochs.encrypt[kind];
    const followed = last[receiver].e2ee.epochs.decrypt[kind];
    const start = first[receiver].e2ee.epochs.decrypt[kind];
    assert.ok(sent !== null, `${label} ${kind}: sender has no key`);
    assert.ok(start !== null, `${label} ${kind}: receiver had no key at the first sample`);
    assert.ok(followed !== null, `${label} ${kind}: receiver has no key`);
    assert.equal(sent.ratchets, sent.epoch, `${label} ${kind}: sender ratchets`);
    assert.ok(start.epoch < 16, `${label} ${kind}: window started at epoch ${start.epoch}`);
    assert.ok(followed.epoch > 32, `${label} ${kind}: receiver stopped at epoch ${followed.epoch}`);
    assert.ok(
      followed.epoch - start.epoch >= MIN_RATCHETS_IN_WINDOW,
      `${label} ${kind}: receiver moved from epoch ${start.epoch} only to ${followed.epoch}`,
    );
    assert.equal(
      followed.ratchets,
      followed.epoch,
      `${label} ${kind}: receiver reached epoch ${followed.epoch} in ${followed.ratchets} moves`,
    );
    // Frames in flight and the gap between the two reads let the receiver trail by the epochs
    // the sender starts within IN_FLIGHT_MS.
    assert.ok(
      sent.epoch - followed.epoch <= Math.ceil(IN_FLIGHT_MS / RATCHET_INTERVAL_MS),
      `${label} ${kind}: sender at epoch ${sent.epoch}, receiver at ${followed.epoch}`,
    );

    const counts = (sample) => sample[receiver].e2ee.drops.decrypt[kind];
    const reasons = new Set([...Object.keys(counts(first)), ...Object.keys(counts(last))]);
    for (const reason of reasons) {
      const dropped = (counts(last)[reason] ?? 0) - (counts(first)[reason] ?? 0);
      const limit = reason === 'duplicate' ? maxDuplicates : 0;
      assert.ok(dropped <= limit, `${label} ${kind}: receiver dropped ${dropped} as ${reason}`);
    }

    const framesOf = (sample, side, operation) => sample[side].e2ee[operation][kind].frames;
    const encrypted = framesOf(last, sender, 'encrypt') - framesOf(first, sender, 'encrypt');
    const decrypted = framesOf(last, receiver, 'decrypt') - framesOf(first, receiver, 'decrypt');
    const windowMs = last.at - first.at;
    const allowance = Math.max(MIN_IN_FLIGHT_FRAMES, (encrypted * IN_FLIGHT_MS) / windowMs);
    assert.ok(
      Math.abs(encrypted - decrypted) <= allowance,
      `${label} ${kind}: sender encrypted ${encrypted} frames in ${windowMs} ms, receiver ` +
        `decrypted ${decrypted}`,
    );
  }

  const packetsFirst = first[receiver].inbound.audio.packetsReceived;
  const packetsLast = last[receiver].inbound.audio.packetsReceived;
  assert.ok(
    packetsLast > packetsFirst,
    `${label}: audio packetsReceived did not grow: ${packetsFirst} then ${packetsLast}`,
  );

  let lastGrowth = first.at;
  for (const [index, sample] of samples.entries()) {
    if (index === 0) continue;
    const decoded = sample[receiver].inbound.video.framesDecoded;
    const previous = samples[index - 1][receiver].inbound.video.framesDecoded;
    if (decoded > previous) lastGrowth = sample.at;
    assert.ok(
      sample.at - lastGrowth <= MAX_DECODE_GAP_MS,
      `${label}: video framesDecoded stuck at ${decoded} for ${sample.at - lastGrowth} ms ` +
        `(epoch ${sample[receiver].e2ee.epochs.decrypt.video?.epoch})`,
    );
  }
  const decodedFirst = first[receiver].inbound.video.framesDecoded;
  const decodedLast = last[receiver].inbound.video.framesDecoded;
  assert.ok(decodedLast > decodedFirst, `${label}: video framesDecoded did not grow`);
}

/**
 * Places a call with ratchets every half second on both sides and checks both directions, allowing
 * each receiver `maxDuplicates` duplicate frames per kind in the window.
 */
async function assertCallAcrossRatchets(setup, diagnostics, { visitorPrepare, maxDuplicates }) {
  const hooks = { ratchetIntervalMs: RATCHET_INTERVAL_MS };
  const { hostPage, visitorPage } = await placeCall({
    ...setup,
    diagnostics,
    hostHooks: hooks,
    visitorHooks: hooks,
    visitorPrepare,
  });
  const samples = await sampleAcrossRatchets(hostPage, visitorPage, diagnostics);
  assertFollowed(samples, 'visitor', 'host', maxDuplicates);
  assertFollowed(samples, 'host', 'visitor', maxDuplicates);
  assert.deepEqual(diagnostics.uncaughtErrors, [], 'pages threw uncaught errors');
  return { hostPage, visitorPage };
}

describe('key ratchet in a Chromium call', () => {
  const diagnostics = new Diagnostics();
  const setup = useServersAndBrowsers(diagnostics);

  it('receivers follow epochs on both APIs', { timeout: TEST_TIMEOUT_MS }, async () => {
    await diagnostics.explainFailure(async () => {
      // The visitor's Chromium loses RTCRtpScriptTransform, so it attaches its transforms with
      // the legacy createEncodedStreams() while the host keeps the standard API.
      const visitorPrepare = (page) =>
        page.evaluateOnNewDocument(() => {
          delete globalThis.RTCRtpScriptTransform;
        });
      const { visitorPage } = await assertCallAcrossRatchets(setup, diagnostics, {
        visitorPrepare,
        maxDuplicates: 0,
      });
      const visitorApi = await visitorPage.evaluate(() => typeof globalThis.RTCRtpScriptTransform);
      assert.equal(visitorApi, 'undefined', 'visitor page still has RTCRtpScriptTransform');
    });
  });
});

describe('key ratchet in a Chromium and Firefox call', () => {
  const diagnostics = new Diagnostics();
  const setup = useServersAndBrowsers(diagnostics, { visitorEngine: 'firefox' });

  it('receivers follow epochs both ways', { timeout: TEST_TIMEOUT_MS }, async () => {
    await diagnostics.explainFailure(() =>
      assertCallAcrossRatchets(setup, diagnostics, { maxDuplicates: MAX_FIREFOX_DUPLICATES }),
    );
  });
});
