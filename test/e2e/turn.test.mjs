// End to end through TURN: the relay hands each admitted side a time-limited coturn credential,
// both browsers run with iceTransportPolicy 'relay' (the forceRelay test hook), and the call must
// connect over a relay candidate pair and decode video. With a relay whose secret does not match
// coturn's, no relay candidate is gathered and the call never connects.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { coturnInstalled, startCoturn } from './_coturn.mjs';
import {
  clickWhenPresent,
  Diagnostics,
  launchBrowser,
  openPage,
  readConsoleRoomId,
  requireWidgetBuild,
  startServers,
  waitUntil,
} from './_harness.mjs';

const HOST_TAG = 'porchlight-console';
const VISITOR_TAG = 'porchlight-button';
const TURN_SECRET = 'porchlight-e2e-turn-secret';
const TEST_TIMEOUT_MS = 60_000;
const HOOK_TIMEOUT_MS = 30_000;
const skip = coturnInstalled() ? false : 'turnserver not found: apt-get install -y coturn';

/** Reads the ICE route of the element's call: selected pair types, gathering and decoding. */
function readIceRoute(page, tag) {
  return page.evaluate(async (tagName) => {
    const peerConnection = document.querySelector(tagName)?.call?.peerConnection;
    if (!(peerConnection instanceof RTCPeerConnection)) return { error: 'no peer connection' };
    const report = await peerConnection.getStats();
    const entries = new Map();
    report.forEach((entry) => entries.set(entry.id, entry));
    let pair;
    let framesDecoded = 0;
    for (const entry of entries.values()) {
      if (entry.type === 'transport' && entry.selectedCandidatePairId !== undefined) {
        pair = entries.get(entry.selectedCandidatePairId);
      }
      if (entry.type === 'inbound-rtp' && entry.kind === 'video') {
        framesDecoded += entry.framesDecoded ?? 0;
      }
    }
    return {
      connectionState: peerConnection.connectionState,
      iceGatheringState: peerConnection.iceGatheringState,
      localRelayCandidate: (peerConnection.localDescription?.sdp ?? '').includes(' typ relay'),
      localCandidateType:
        pair === undefined ? null : entries.get(pair.localCandidateId)?.candidateType,
      remoteCandidateType:
        pair === undefined ? null : entries.get(pair.remoteCandidateId)?.candidateType,
      framesDecoded,
    };
  }, tag);
}

/** Opens both pages with the forceRelay hook, goes online, knocks and admits. */
async function knockAndAdmit({ servers, host, visitor, diagnostics }) {
  const hooks = { forceRelay: true };
  const hostPage = await openPage(host, `${servers.baseUrl}/console/`, diagnostics, hooks);
  // A fresh console creates its key only after the harness types a backup passphrase.
  const roomId = await readConsoleRoomId(hostPage);
  await diagnostics.step('host clicks go-online', () =>
    clickWhenPresent(hostPage, `${HOST_TAG} >>> [part~="go-online"]`),
  );
  const siteUrl = `${servers.baseUrl}/site/?room=${roomId}`;
  const visitorPage = await openPage(visitor, siteUrl, diagnostics, hooks);
  await diagnostics.step('visitor button shows presence="available"', () =>
    visitorPage.waitForSelector(`${VISITOR_TAG}[presence="available"]`, { timeout: 15_000 }),
  );
  await diagnostics.step('visitor clicks talk-button', () =>
    clickWhenPresent(visitorPage, `${VISITOR_TAG} >>> [part~="talk-button"]`),
  );
  await diagnostics.step('visitor clicks join in the device check', () =>
    clickWhenPresent(visitorPage, `${VISITOR_TAG} >>> [part~="join"]`),
  );
  await diagnostics.step('host clicks admit', () =>
    clickWhenPresent(hostPage, `${HOST_TAG} >>> [part~="admit"]`),
  );
  return [
    ['host', hostPage, HOST_TAG],
    ['visitor', visitorPage, VISITOR_TAG],
  ];
}

describe('call through TURN', { skip }, () => {
  const diagnostics = new Diagnostics();
  let coturn;
  let host;
  let visitor;
  const opened = [];

  before(
    async () => {
      requireWidgetBuild();
      coturn = await startCoturn(TURN_SECRET);
      host = await launchBrowser('host', diagnostics);
      visitor = await launchBrowser('visitor', diagnostics);
    },
    { timeout: HOOK_TIMEOUT_MS },
  );

  after(
    async () => {
      await Promise.allSettled([host?.close(), visitor?.close()]);
      await Promise.allSettled(opened.map((servers) => servers.close()));
      await coturn?.stop();
    },
    { timeout: HOOK_TIMEOUT_MS },
  );

  async function startRelayWithSecret(secret) {
    const servers = await startServers(diagnostics, {
      PORCHLIGHT_TURN_SECRET: secret,
      PORCHLIGHT_TURN_URLS: coturn.url,
      PORCHLIGHT_TURN_TTL_SECONDS: '300',
    });
    opened.push(servers);
    return servers;
  }

  it('connects over a relay pair and decodes video', { timeout: TEST_TIMEOUT_MS }, async () => {
    await diagnostics.explainFailure(async () => {
      const servers = await startRelayWithSecret(TURN_SECRET);
      const sides = await knockAndAdmit({ servers, host, visitor, diagnostics });

      for (const [side, page, tag] of sides) {
        const route = await diagnostics.step(`${side} decodes video through TURN`, () =>
          waitUntil(
            () => readIceRoute(page, tag),
            (value) => value.connectionState === 'connected' && value.framesDecoded > 0,
            { description: 'a connected call with decoded video' },
          ),
        );
        assert.equal(route.localCandidateType, 'relay', `${side} local candidate type`);
        assert.equal(route.remoteCandidateType, 'relay', `${side} remote candidate type`);
        assert.equal(route.localRelayCandidate, true, `${side} offered a relay candidate`);
      }

      const first = await Promise.all(sides.map(([, page, tag]) => readIceRoute(page, tag)));
      await sleep(2000);
      const second = await Promise.all(sides.map(([, page, tag]) => readIceRoute(page, tag)));
      sides.forEach(([side], index) => {
        const before = first[index].framesDecoded;
        const later = second[index].framesDecoded;
        assert.ok(later > before, `${side} framesDecoded did not grow: ${before} then ${later}`);
      });
      await Promise.all(sides.map(([, page]) => page.close()));
    });
  });

  it('wrong TURN secret gathers no relay candidate', { timeout: TEST_TIMEOUT_MS }, async () => {
    await diagnostics.explainFailure(async () => {
      const servers = await startRelayWithSecret('not-the-coturn-secret');
      const sides = await knockAndAdmit({ servers, host, visitor, diagnostics });

      for (const [side, page, tag] of sides) {
        // coturn rejects the allocation with 401, so gathering ends without a relay candidate.
        const route = await diagnostics.step(`${side} finishes gathering`, () =>
          waitUntil(
            () => readIceRoute(page, tag),
            (value) => value.iceGatheringState === 'complete',
            { description: 'iceGatheringState "complete"' },
          ),
        );
        assert.equal(route.localRelayCandidate, false, `${side} gathered a relay candidate`);
      }
      await sleep(2000);
      for (const [side, page, tag] of sides) {
        const route = await readIceRoute(page, tag);
        assert.notEqual(route.connectionState, 'connected', `${side} connection state`);
        assert.equal(route.framesDecoded, 0, `${side} decoded frames`);
      }
      await Promise.all(sides.map(([, page]) => page.close()));
    });
  });
});
