import type { Role } from '@porchlight/protocol';
import { Room, type Peer, type RoomContext, type RoomMessage } from './rooms.js';

/**
 * What a connection talks to after its `hello`: the room's state machine, or a stand-in that
 * carries the same three calls to the node that runs the room's state machine.
 */
export interface RoomHandle {
  join(peer: Peer, role: Role): void;
  leave(peer: Peer): void;
  handle(peer: Peer, message: RoomMessage): void;
}

/**
 * The rooms of one relay process. {@link MemoryRoomDirectory} keeps every room in this process;
 * the Redis directory in `cluster.ts` shares rooms between processes.
 */
export interface RoomDirectory {
  /** Rooms this process holds, for the `porchlight_relay_rooms` gauge. */
  readonly size: number;
  /** Returns the room with this id, creating it when no connection has joined it yet. */
  open(roomId: string): RoomHandle;
  /** Drops the room once its last connection has left. Call after {@link RoomHandle.leave}. */
  release(roomId: string): void;
  /** Connects to shared storage, if any. The relay calls it before it listens. */
  start(): Promise<void>;
  /** Leaves shared storage, if any. The relay calls it after every connection closed. */
  close(): Promise<void>;
}

/** Keeps every room in this process: the relay's default, which needs no other service. */
export class MemoryRoomDirectory implements RoomDirectory {
  private readonly rooms = new Map<string, Room>();

  constructor(private readonly context: RoomContext) {}

  get size(): number {
    return this.rooms.size;
  }

  open(roomId: string): RoomHandle {
    let room = this.rooms.get(roomId);
    if (room === undefined) {
      room = new Room(this.context);
      this.rooms.set(roomId, room);
    }
    return room;
  }

  release(roomId: string): void {
    if (this.rooms.get(roomId)?.isEmpty === true) this.rooms.delete(roomId);
  }

  start(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
