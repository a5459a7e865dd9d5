import { createHash, randomBytes } from 'node:crypto';
import type {
  ErrorCode,
  Role,
  ServerMessage,
  SetPresenceMessage,
} from '@porchlight/protocol';
import { Redis } from 'ioredis';
import type { RelayLogger } from './log.js';
import type { RoomDirectory, RoomHandle } from './room-directory.js';
import { Room, type Peer, type RoomContext, type RoomMessage } from './rooms.js';

/** Options of {@link RedisRoomDirectory}. */
export interface RedisDirectoryOptions {
  /** Redis URL such as `redis://127.0.0.1:6379/0`. */
  redisUrl: string;
  /**
   * Interval between liveness refreshes and checks, in milliseconds. A node's liveness key and
   * its room leases expire after {@link LEASE_HEARTBEATS} intervals.
   */
  heartbeatMs: number;
  context: RoomContext;
  log: RelayLogger;
}

/**
 * Heartbeats a liveness key outlives its last refresh. A node that stops refreshing is seen as
 * gone at most `(LEASE_HEARTBEATS + 1) * heartbeatMs` after its last refresh: the key expires,
 * then the other nodes notice on their next check.
 */
export const LEASE_HEARTBEATS = 3;

const PREFIX = 'porchlight:';

/**
 * Claims a room for this node unless a live node already holds it, and returns the holder.
 * KEYS[1] is the room's lease, ARGV[1] this node's id, ARGV[2] the lease time in ms, ARGV[3] the
 * prefix of liveness keys. A lease whose holder's liveness key has expired is taken over.
 */
const CLAIM_SCRIPT = `
local holder = redis.call('GET', KEYS[1])
if holder and holder ~= ARGV[1] and redis.call('EXISTS', ARGV[3] .. holder) == 1 then
  return holder
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return ARGV[1]
`;

/** Deletes a room's lease only while this node holds it. */
const RELEASE_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

/** A bus message sent on a node's channel. Room keys are hashes, never room ids. */
type BusMessage =
  | { t: 'join'; room: string; node: string; conn: string; role: Role }
  | { t: 'message'; room: string; node: string; conn: string; message: RoomMessage }
  | { t: 'leave'; room: string; node: string; conn: string }
  | { t: 'send'; conn: string; message: ServerMessage }
  | { t: 'reject'; conn: string; code: ErrorCode; text: string }
  | { t: 'moved'; room: string };

/** One operation on a room, queued while the room's owner is being looked up. */
type RoomOperation =
  | { kind: 'join'; peer: Peer; role: Role }
  | { kind: 'message'; peer: Peer; message: RoomMessage }
  | { kind: 'leave'; peer: Peer };

/**
 * Where a room's state machine runs, as this node sees it: not known yet (operations wait), on
 * this node, or on another node that operations are forwarded to.
 */
type Binding =
  | { kind: 'pending'; operations: RoomOperation[] }
  | { kind: 'owner'; room: Room }
  | { kind: 'member'; owner: string };

/** Knocks and calls that the relay sent one local connection and that have not ended. */
type OpenItem = 'knock' | 'call';

/** A connection of this node in a room. */
interface LocalMember {
  peer: Peer;
  role: Role;
  /** The host's last `set-presence`, replayed when the room moves to another node. */
  presence?: SetPresenceMessage;
  /** Open knocks and calls by call id, ended for the client when the room's owner is lost. */
  open: Map<string, OpenItem>;
}

/** A connection held by another node, as the room's state machine on this node sees it. */
class RemotePeer implements Peer {
  constructor(
    readonly id: string,
    readonly node: string,
    private readonly directory: RedisRoomDirectory,
  ) {}

  send(message: ServerMessage): void {
    this.directory.publish(this.node, { t: 'send', conn: this.id, message });
  }

  reject(code: ErrorCode, text: string): void {
    this.directory.publish(this.node, { t: 'reject', conn: this.id, code, text });
  }
}

/**
 * One room as seen from one node. Exactly one node, the owner, runs the room's {@link Room}
 * state machine; the others forward their connections' joins, messages and leaves to it over
 * the owner's channel, and the owner's messages to those connections come back the same way.
 */
class ClusterRoom implements RoomHandle {
  readonly local = new Map<string, LocalMember>();
  /** Connections of other nodes in this room; only filled while this node owns the room. */
  readonly remote = new Map<string, RemotePeer>();
  binding: Binding = { kind: 'pending', operations: [] };

  constructor(
    readonly key: string,
    private readonly directory: RedisRoomDirectory,
  ) {}

  get isEmpty(): boolean {
    if (this.binding.kind === 'pending') return false;
    if (this.local.size > 0 || this.remote.size > 0) return false;
    return this.binding.kind !== 'owner' || this.binding.room.isEmpty;
  }

  join(peer: Peer, role: Role): void {
    const member: LocalMember = { peer, role, open: new Map() };
    this.local.set(peer.id, member);
    this.directory.localMembers.set(peer.id, { room: this, member });
    this.apply({ kind: 'join', peer, role });
  }

  leave(peer: Peer): void {
    if (!this.local.delete(peer.id)) return;
    this.directory.localMembers.delete(peer.id);
    this.apply({ kind: 'leave', peer });
  }

  handle(peer: Peer, message: RoomMessage): void {
    const member = this.local.get(peer.id);
    if (member === undefined) return;

    if (message.type === 'set-presence' && member.role === 'host') member.presence = message;
    if (message.type === 'hang-up') member.open.delete(message.callId);
    if (message.type === 'cancel') {
      for (const [callId, item] of member.open) if (item === 'knock') member.open.delete(callId);
    }
    this.apply({ kind: 'message', peer, message });
  }

  /** Runs one operation on the owner, or queues it while the owner is not known. */
  apply(operation: RoomOperation): void {
    const binding = this.binding;
    if (binding.kind === 'pending') {
      binding.operations.push(operation);
    } else if (binding.kind === 'owner') {
      applyToRoom(binding.room, operation);
    } else {
      this.directory.forward(binding.owner, this.key, operation);
    }
  }

  /** Binds the room to the owner that a claim returned, and runs the queued operations. */
  bind(owner: string): void {
    if (this.binding.kind !== 'pending') return;
    const operations = this.binding.operations;

    if (owner === this.directory.nodeId) {
      const room = new Room(this.directory.context);
      this.binding = { kind: 'owner', room };
      for (const operation of operations) applyToRoom(room, operation);
      return;
    }

    this.binding = { kind: 'member', owner };
    const movedNodes = new Set<string>();
    for (const operation of operations) {
      if (operation.peer instanceof RemotePeer) {
        // Another node sent this room's operations here, but a third node owns the room.
        movedNodes.add(operation.peer.node);
        this.remote.delete(operation.peer.id);
      } else {
        this.directory.forward(owner, this.key, operation);
      }
    }
    for (const node of movedNodes) this.directory.publish(node, { t: 'moved', room: this.key });
  }

  /**
   * Moves this room's local connections to a new owner after the old one was lost. Each
   * connection's open knocks and calls end, because their state went with the old owner; hosts
   * join again with their last presence, so visitors see them again.
   */
  rehome(): void {
    if (this.binding.kind !== 'member') return;
    this.binding = { kind: 'pending', operations: [] };

    for (const member of this.local.values()) {
      endOpenItems(member);
      this.apply({ kind: 'join', peer: member.peer, role: member.role });
      if (member.presence !== undefined) {
        this.apply({ kind: 'message', peer: member.peer, message: member.presence });
      }
    }
    this.directory.claim(this);
  }
}

function applyToRoom(room: Room, operation: RoomOperation): void {
  if (operation.kind === 'join') room.join(operation.peer, operation.role);
  else if (operation.kind === 'message') room.handle(operation.peer, operation.message);
  else room.leave(operation.peer);
}

/** Tells a local connection that its open knocks and calls ended with the lost owner. */
function endOpenItems(member: LocalMember): void {
  for (const [callId, item] of member.open) {
    if (item === 'call') {
      member.peer.send({ type: 'call-ended', callId, reason: 'disconnected' });
    } else if (member.role === 'visitor') {
      member.peer.send({ type: 'declined', callId, reason: 'host-offline' });
    } else {
      member.peer.send({ type: 'knock-ended', callId, reason: 'declined' });
    }
  }
  member.open.clear();
}

/** Records which knocks and calls a message to a local connection opens or ends. */
function trackOpenItems(member: LocalMember, message: ServerMessage): void {
  switch (message.type) {
    case 'waiting':
    case 'knock-received':
      member.open.set(message.callId, 'knock');
      return;
    case 'admitted':
      member.open.set(message.callId, 'call');
      return;
    case 'declined':
    case 'knock-ended':
    case 'call-ended':
      member.open.delete(message.callId);
      return;
    default:
      return;
  }
}

/**
 * Shares rooms between relay processes through Redis. Each room's state machine runs on one
 * node, its owner, which holds the room's lease key; connections on other nodes reach it over
 * Redis pub/sub. Every node refreshes its liveness key each heartbeat. When a node's key
 * expires, the owners of rooms it had connections in remove those connections, so its hosts go
 * offline, and the rooms it owned move to a node that still has connections in them.
 *
 * Redis stores only hashed room keys, node ids and leases. Signaling messages between
 * connections on different nodes pass through Redis pub/sub and are not stored.
 */
export class RedisRoomDirectory implements RoomDirectory {
  readonly nodeId = randomBytes(8).toString('hex');
  readonly context: RoomContext;
  /** Local connections in rooms, by connection id, for messages that come back from owners. */
  readonly localMembers = new Map<string, { room: ClusterRoom; member: LocalMember }>();
  private readonly rooms = new Map<string, ClusterRoom>();
  private readonly commands: Redis;
  private readonly subscriber: Redis;
  private readonly heartbeatMs: number;
  private readonly leaseMs: number;
  private readonly log: RelayLogger;
  private heartbeat: NodeJS.Timeout | undefined;
  private started = false;
  private closed = false;

  constructor(options: RedisDirectoryOptions) {
    this.context = options.context;
    this.heartbeatMs = options.heartbeatMs;
    this.leaseMs = options.heartbeatMs * LEASE_HEARTBEATS;
    this.log = options.log;
    const redisOptions = { lazyConnect: true, maxRetriesPerRequest: 2 };
    this.commands = new Redis(options.redisUrl, redisOptions);
    this.subscriber = new Redis(options.redisUrl, redisOptions);
    for (const client of [this.commands, this.subscriber]) {
      client.on('error', (error: Error) => {
        this.log({ event: 'redis-error', errorName: error.name });
      });
    }
  }

  get size(): number {
    return this.rooms.size;
  }

  async start(): Promise<void> {
    this.started = true;
    try {
      await Promise.all([this.commands.connect(), this.subscriber.connect()]);
    } catch (error) {
      this.closed = true;
      this.commands.disconnect();
      this.subscriber.disconnect();
      // ioredis messages name no address, so the URL and any password in it stay out.
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(`Connecting to Redis failed: ${reason.replace(/\.$/, '')}`);
    }
    this.subscriber.on('message', (_channel: string, text: string) => this.receive(text));
    await this.subscriber.subscribe(channelOf(this.nodeId));
    await this.commands.set(aliveKey(this.nodeId), '1', 'PX', this.leaseMs);
    this.heartbeat = setInterval(() => void this.beat(), this.heartbeatMs);
    this.heartbeat.unref();
    this.log({ event: 'cluster-joined', nodeId: this.nodeId });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.heartbeat);
    if (!this.started) return;

    // Drop the leases first, then tell the nodes with connections in those rooms, so they
    // claim the rooms at once instead of waiting for the liveness key to expire.
    const notify = new Set<string>();
    try {
      await this.commands.del(aliveKey(this.nodeId));
      for (const room of this.rooms.values()) {
        if (room.binding.kind !== 'owner') continue;
        await this.commands.eval(RELEASE_SCRIPT, 1, leaseKey(room.key), this.nodeId);
        for (const peer of room.remote.values()) notify.add(`${peer.node} ${room.key}`);
      }
      for (const entry of notify) {
        const [node, key] = entry.split(' ') as [string, string];
        await this.commands.publish(channelOf(node), JSON.stringify({ t: 'moved', room: key }));
      }
    } catch (error) {
      this.log({ event: 'redis-error', errorName: errorName(error) });
    }
    this.subscriber.disconnect();
    await this.commands.quit().catch(() => this.commands.disconnect());
  }

  open(roomId: string): RoomHandle {
    const key = roomKey(roomId);
    let room = this.rooms.get(key);
    if (room === undefined) {
      room = new ClusterRoom(key, this);
      this.rooms.set(key, room);
      this.claim(room);
    }
    return room;
  }

  release(roomId: string): void {
    this.releaseIfEmpty(roomKey(roomId));
  }

  /** Looks up or takes the room's lease, then binds the room; retries while Redis fails. */
  claim(room: ClusterRoom): void {
    const key = leaseKey(room.key);
    this.commands.eval(CLAIM_SCRIPT, 1, key, this.nodeId, this.leaseMs, PREFIX + 'alive:').then(
      (owner) => {
        if (this.rooms.get(room.key) !== room) return;
        room.bind(String(owner));
        this.releaseIfEmpty(room.key);
      },
      (error: unknown) => {
        this.log({ event: 'redis-error', errorName: errorName(error) });
        if (this.closed) return;
        setTimeout(() => this.claim(room), this.heartbeatMs).unref();
      },
    );
  }

  /** Sends a local connection's operation to the node that owns its room. */
  forward(owner: string, room: string, operation: RoomOperation): void {
    const base = { room, node: this.nodeId, conn: operation.peer.id };
    if (operation.kind === 'join') {
      this.publish(owner, { t: 'join', ...base, role: operation.role });
    } else if (operation.kind === 'message') {
      this.publish(owner, { t: 'message', ...base, message: operation.message });
    } else {
      this.publish(owner, { t: 'leave', ...base });
    }
  }

  publish(node: string, message: BusMessage): void {
    if (this.closed) return;
    this.commands.publish(channelOf(node), JSON.stringify(message)).catch((error: unknown) => {
      this.log({ event: 'redis-error', errorName: errorName(error) });
    });
  }

  private receive(text: string): void {
    let message: BusMessage;
    try {
      message = JSON.parse(text) as BusMessage;
    } catch {
      this.log({ event: 'redis-error', errorName: 'SyntaxError' });
      return;
    }

    switch (message.t) {
      case 'send': {
        const local = this.localMembers.get(message.conn);
        if (local === undefined) return;
        trackOpenItems(local.member, message.message);
        local.member.peer.send(message.message);
        return;
      }
      case 'reject':
        this.localMembers.get(message.conn)?.member.peer.reject(message.code, message.text);
        return;
      case 'moved':
        this.rooms.get(message.room)?.rehome();
        return;
      default:
        this.receiveRoomOperation(message);
    }
  }

  /** Applies an operation that another node forwarded to this node as the room's owner. */
  private receiveRoomOperation(message: Extract<BusMessage, { room: string; node: string }>): void {
    let room = this.rooms.get(message.room);
    if (room === undefined) {
      // The room emptied here after the sender looked up its owner. A leave needs nothing more;
      // anything else claims the room again.
      if (message.t === 'leave') return;
      room = new ClusterRoom(message.room, this);
      this.rooms.set(message.room, room);
      this.claim(room);
    }
    if (room.binding.kind === 'member') {
      this.publish(message.node, { t: 'moved', room: message.room });
      return;
    }

    let peer = room.remote.get(message.conn);
    if (peer === undefined) {
      if (message.t !== 'join') return;
      peer = new RemotePeer(message.conn, message.node, this);
      room.remote.set(message.conn, peer);
    }
    if (message.t === 'join') {
      room.apply({ kind: 'join', peer, role: message.role });
    } else if (message.t === 'message') {
      room.apply({ kind: 'message', peer, message: message.message });
    } else {
      room.remote.delete(peer.id);
      room.apply({ kind: 'leave', peer });
      this.releaseIfEmpty(room.key);
    }
  }

  private releaseIfEmpty(key: string): void {
    const room = this.rooms.get(key);
    if (room === undefined || !room.isEmpty) return;

    this.rooms.delete(key);
    if (room.binding.kind !== 'owner') return;
    this.commands.eval(RELEASE_SCRIPT, 1, leaseKey(key), this.nodeId).catch((error: unknown) => {
      this.log({ event: 'redis-error', errorName: errorName(error) });
    });
  }

  /**
   * Refreshes this node's liveness key and the leases of the rooms it owns, and checks the
   * liveness keys of the nodes it depends on: owners of rooms its connections are in, and nodes
   * whose connections are in rooms it owns.
   */
  private async beat(): Promise<void> {
    const pipeline = this.commands.pipeline();
    pipeline.set(aliveKey(this.nodeId), '1', 'PX', this.leaseMs);
    const watched = new Set<string>();
    for (const room of this.rooms.values()) {
      if (room.binding.kind === 'owner') {
        pipeline.pexpire(leaseKey(room.key), this.leaseMs);
        for (const peer of room.remote.values()) watched.add(peer.node);
      } else if (room.binding.kind === 'member') {
        watched.add(room.binding.owner);
      }
    }
    const nodes = [...watched];
    for (const node of nodes) pipeline.exists(aliveKey(node));

    let results: [Error | null, unknown][] | null;
    try {
      results = await pipeline.exec();
    } catch (error) {
      this.log({ event: 'redis-error', errorName: errorName(error) });
      return;
    }
    if (results === null || this.closed) return;

    const checks = results.slice(results.length - nodes.length);
    nodes.forEach((node, index) => {
      const [error, exists] = checks[index] as [Error | null, unknown];
      if (error === null && exists === 0) this.dropNode(node);
    });
  }

  /** Removes a node whose liveness key expired from every room this node knows. */
  private dropNode(node: string): void {
    this.log({ event: 'cluster-node-lost', nodeId: node });
    for (const room of [...this.rooms.values()]) {
      if (room.binding.kind === 'member' && room.binding.owner === node) {
        room.rehome();
        continue;
      }
      for (const peer of [...room.remote.values()]) {
        if (peer.node !== node) continue;
        room.remote.delete(peer.id);
        room.apply({ kind: 'leave', peer });
      }
      this.releaseIfEmpty(room.key);
    }
  }
}

/** Maps a room id to the key used in Redis, so Redis never stores room ids themselves. */
function roomKey(roomId: string): string {
  return createHash('sha256').update(roomId).digest('base64url');
}

function channelOf(node: string): string {
  return `${PREFIX}node:${node}`;
}

function aliveKey(node: string): string {
  return `${PREFIX}alive:${node}`;
}

function leaseKey(room: string): string {
  return `${PREFIX}room:${room}`;
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}
