import { CloseCode, PROTOCOL_VERSION, type SignalPayload } from '@porchlight/protocol';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startRedisServer, type RedisServer } from '../../scripts/_redis-server.mjs';
import {
  randomRoom,
  runRelayCli,
  startRelayProcess,
  TestClient,
  type RelayProcess,
} from './_test-client.js';

const HEARTBEAT_MS = 200;
/** The documented bound: the liveness key lives three heartbeats, then one check interval. */
const OFFLINE_BOUND_MS = 4 * HEARTBEAT_MS;
/** Room for process scheduling and the pub/sub hop on a loaded test machine. */
const SLACK_MS = 1000;

const OFFER: SignalPayload = { type: 'offer', sdp: 'v=0\r\n' };
const ANSWER: SignalPayload = { type: 'answer', sdp: 'v=0\r\n' };

let redis: RedisServer;

beforeAll(async () => {
  redis = await startRedisServer();
});

afterAll(async () => {
  await redis?.stop();
});

/** Starts a relay process on the shared Redis; `extraArgs` adds flags such as `--rooms`. */
function startNode(extraArgs: string[] = []): Promise<RelayProcess> {
  return startRelayProcess([
    '--port',
    '0',
    '--redis-url',
    redis.url,
    '--redis-heartbeat-ms',
    String(HEARTBEAT_MS),
    '--log-level',
    'silent',
    ...extraArgs,
  ]);
}

/** Starts two relay processes on the shared Redis and stops them after the test body. */
async function withTwoNodes(
  body: (nodeA: RelayProcess, nodeB: RelayProcess) => Promise<void>,
): Promise<void> {
  const nodeA = await startNode();
  const nodeB = await startNode();
  try {
    await body(nodeA, nodeB);
  } finally {
    await Promise.all([nodeA.stop('SIGKILL'), nodeB.stop('SIGKILL')]);
  }
}

/** Joins a host that goes available, then waits until the visitor sees it available. */
async function hostGoesAvailable(host: TestClient, visitor: TestClient): Promise<void> {
  host.send({ type: 'set-presence', status: 'available' });
  for (;;) {
    const presence = await visitor.next('presence');
    if (presence.status === 'available') return;
  }
}

describe('relays sharing rooms on Redis', () => {
  test('each node checks its own served rooms', async () => {
    const [listed, unlisted] = [randomRoom(), randomRoom()];
    const nodeA = await startNode([`--rooms=${listed}`]);
    const nodeB = await startNode();
    try {
      // Node B serves every room, so the host of the unlisted room is online there.
      const host = await TestClient.join(nodeB.url, 'host', unlisted);
      host.send({ type: 'set-presence', status: 'available' });
      const visitorB = await TestClient.join(nodeB.url, 'visitor', unlisted);
      expect((await visitorB.next('presence')).status).toBe('available');

      const visitorA = await TestClient.connect(nodeA.url);
      visitorA.send({ type: 'hello', version: PROTOCOL_VERSION, role: 'visitor', room: unlisted });
      expect((await visitorA.next('error')).code).toBe('room-unknown');
      expect((await visitorA.closed).code).toBe(CloseCode.roomUnknown);

      const listedVisitor = await TestClient.join(nodeA.url, 'visitor', listed);
      expect((await listedVisitor.next('presence')).status).toBe('offline');
      await Promise.all([host.close(), visitorB.close(), listedVisitor.close()]);
    } finally {
      await Promise.all([nodeA.stop('SIGKILL'), nodeB.stop('SIGKILL')]);
    }
  });

  test('visitor on node B sees presence of host on node A', async () => {
    await withTwoNodes(async (nodeA, nodeB) => {
      const room = randomRoom();
      const host = await TestClient.join(nodeA.url, 'host', room);
      const visitor = await TestClient.join(nodeB.url, 'visitor', room);

      expect(await visitor.next('presence')).toEqual({ type: 'presence', status: 'offline' });
      host.send({ type: 'set-presence', status: 'available', message: 'Come in' });
      expect(await visitor.next('presence')).toEqual({
        type: 'presence',
        status: 'available',
        message: 'Come in',
      });

      host.send({ type: 'set-presence', status: 'offline' });
      expect(await visitor.next('presence')).toEqual({ type: 'presence', status: 'offline' });
      await Promise.all([host.close(), visitor.close()]);
    });
  });

  test('knock, admit, signal and hang-up cross nodes', async () => {
    await withTwoNodes(async (nodeA, nodeB) => {
      const room = randomRoom();
      const host = await TestClient.join(nodeA.url, 'host', room);
      const visitor = await TestClient.join(nodeB.url, 'visitor', room);
      await hostGoesAvailable(host, visitor);

      visitor.send({ type: 'knock', name: 'Sam' });
      const waiting = await visitor.next('waiting');
      expect(waiting.position).toBe(1);
      const knock = await host.next('knock-received');
      expect(knock).toEqual({ type: 'knock-received', callId: waiting.callId, name: 'Sam' });

      host.send({ type: 'admit', callId: knock.callId });
      expect(await host.next('admitted')).toEqual({ type: 'admitted', callId: knock.callId });
      expect(await visitor.next('admitted')).toEqual({ type: 'admitted', callId: knock.callId });
      expect((await visitor.next('presence')).status).toBe('busy');

      visitor.send({ type: 'signal', callId: knock.callId, data: OFFER });
      expect(await host.next('signal')).toEqual({
        type: 'signal',
        callId: knock.callId,
        data: OFFER,
      });
      host.send({ type: 'signal', callId: knock.callId, data: ANSWER });
      expect(await visitor.next('signal')).toEqual({
        type: 'signal',
        callId: knock.callId,
        data: ANSWER,
      });

      visitor.send({ type: 'hang-up', callId: knock.callId });
      expect(await host.next('call-ended')).toEqual({
        type: 'call-ended',
        callId: knock.callId,
        reason: 'hang-up',
      });
      expect((await visitor.next('presence')).status).toBe('available');
      await Promise.all([host.close(), visitor.close()]);
    });
  });

  test('signals reach only the admitted pair', async () => {
    await withTwoNodes(async (nodeA, nodeB) => {
      const room = randomRoom();
      const host = await TestClient.join(nodeA.url, 'host', room);
      const otherHost = await TestClient.join(nodeB.url, 'host', room);
      const visitor = await TestClient.join(nodeB.url, 'visitor', room);
      const bystander = await TestClient.join(nodeA.url, 'visitor', room);
      await hostGoesAvailable(host, visitor);

      visitor.send({ type: 'knock' });
      const { callId } = await host.next('knock-received');
      host.send({ type: 'admit', callId });
      await visitor.next('admitted');
      visitor.send({ type: 'signal', callId, data: OFFER });
      await host.next('signal');

      // The room's owner answers these after the forwarded signal, on the same ordered
      // channels, so a stray copy of the signal would have arrived before the answer.
      otherHost.send({ type: 'decline', callId: 'f'.repeat(32) });
      expect((await otherHost.next('error')).code).toBe('unknown-call');
      bystander.send({ type: 'cancel' });
      expect((await bystander.next('error')).code).toBe('not-allowed');
      for (const client of [otherHost, bystander]) {
        const types = client.received.map((message) => message.type);
        expect(types).not.toContain('signal');
        expect(types).not.toContain('admitted');
      }
      bystander.send({ type: 'signal', callId, data: OFFER });
      expect((await bystander.next('error')).code).toBe('unknown-call');
      await Promise.all([host, otherHost, visitor, bystander].map((client) => client.close()));
    });
  });

  test('Redis holds no room id', async () => {
    await withTwoNodes(async (nodeA, nodeB) => {
      const room = randomRoom();
      const host = await TestClient.join(nodeA.url, 'host', room);
      const visitor = await TestClient.join(nodeB.url, 'visitor', room);
      await hostGoesAvailable(host, visitor);

      const client = new Redis(redis.url);
      try {
        const keys = await client.keys('*');
        expect(keys.some((key) => key.startsWith('porchlight:room:'))).toBe(true);
        for (const key of keys) {
          expect(key).not.toContain(room);
          expect(await client.get(key)).not.toContain(room);
        }
      } finally {
        client.disconnect();
      }
      await Promise.all([host.close(), visitor.close()]);
    });
  });
});

describe('relay with an unreachable Redis', () => {
  test('exits with 1 and says Redis failed', async () => {
    const { code, stdout, stderr } = await runRelayCli([
      '--port',
      '0',
      '--redis-url',
      'redis://user:hunter2@127.0.0.1:1',
      '--log-level',
      'silent',
    ]);

    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain('Connecting to Redis failed');
    expect(stderr).not.toContain('hunter2');
  });
});

describe('relays sharing rooms on Redis when a node is killed', () => {
  test('host on a killed owner node shows offline in time', async () => {
    await withTwoNodes(async (nodeA, nodeB) => {
      const room = randomRoom();
      // The host joins first, so node A owns the room and dies with its state.
      const host = await TestClient.join(nodeA.url, 'host', room);
      const visitor = await TestClient.join(nodeB.url, 'visitor', room);
      await hostGoesAvailable(host, visitor);
      visitor.send({ type: 'knock' });
      const { callId } = await visitor.next('waiting');

      const killedAt = Date.now();
      await nodeA.stop('SIGKILL');
      const declined = await visitor.next('declined', OFFLINE_BOUND_MS + SLACK_MS);
      expect(declined).toEqual({ type: 'declined', callId, reason: 'host-offline' });
      const presence = await visitor.next('presence', SLACK_MS);
      expect(presence).toEqual({ type: 'presence', status: 'offline' });
      expect(Date.now() - killedAt).toBeLessThan(OFFLINE_BOUND_MS + SLACK_MS);

      // Node B now runs the room: a new host there can take the visitor's next knock.
      const newHost = await TestClient.join(nodeB.url, 'host', room);
      await hostGoesAvailable(newHost, visitor);
      visitor.send({ type: 'knock' });
      expect((await newHost.next('knock-received')).callId).toBe(
        (await visitor.next('waiting')).callId,
      );
      await Promise.all([newHost.close(), visitor.close()]);
    });
  });

  test('host on a killed member node shows offline in time', async () => {
    await withTwoNodes(async (nodeA, nodeB) => {
      const room = randomRoom();
      // The visitor joins first, so node B owns the room and outlives the host's node.
      const visitor = await TestClient.join(nodeB.url, 'visitor', room);
      expect((await visitor.next('presence')).status).toBe('offline');
      const host = await TestClient.join(nodeA.url, 'host', room);
      await hostGoesAvailable(host, visitor);
      visitor.send({ type: 'knock' });
      const { callId } = await visitor.next('waiting');
      host.send({ type: 'admit', callId });
      await visitor.next('admitted');
      expect((await visitor.next('presence')).status).toBe('busy');

      const killedAt = Date.now();
      await nodeA.stop('SIGKILL');
      const ended = await visitor.next('call-ended', OFFLINE_BOUND_MS + SLACK_MS);
      expect(ended).toEqual({ type: 'call-ended', callId, reason: 'disconnected' });
      const presence = await visitor.next('presence', SLACK_MS);
      expect(presence).toEqual({ type: 'presence', status: 'offline' });
      expect(Date.now() - killedAt).toBeLessThan(OFFLINE_BOUND_MS + SLACK_MS);
      await visitor.close();
    });
  });

  test('stopped owner hands its rooms over', async () => {
    await withTwoNodes(async (nodeA, nodeB) => {
      const room = randomRoom();
      const host = await TestClient.join(nodeA.url, 'host', room);
      const otherHost = await TestClient.join(nodeB.url, 'host', room);
      const visitor = await TestClient.join(nodeB.url, 'visitor', room);
      otherHost.send({ type: 'set-presence', status: 'busy', message: 'Back soon' });
      await hostGoesAvailable(host, visitor);

      // On SIGTERM node A closes its host, which node A's room still reports, then releases
      // the lease and tells node B, which joins its connections to a room of its own.
      expect(await nodeA.stop('SIGTERM')).toBe(0);
      const busy = { type: 'presence', status: 'busy', message: 'Back soon' };
      expect(await visitor.next('presence')).toEqual(busy);
      expect(await visitor.next('presence', OFFLINE_BOUND_MS + SLACK_MS)).toEqual(busy);

      visitor.send({ type: 'knock' });
      const { callId } = await visitor.next('waiting');
      expect((await otherHost.next('knock-received')).callId).toBe(callId);
      await Promise.all([otherHost.close(), visitor.close()]);
    });
  });
});
