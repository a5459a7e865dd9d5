import type {
  AskToWaitMessage,
  ClientMessage,
  DeclineMessage,
  ErrorCode,
  HelloMessage,
  IceServer,
  KnockEndReason,
  KnockMessage,
  KnockReceivedMessage,
  PresenceMessage,
  PresenceStatus,
  Role,
  ServerMessage,
  SetPresenceMessage,
  SignalMessage,
} from '@porchlight/protocol';
import type { CallEndCause, KnockEndCause, RelayLogger } from './log.js';
import type { RelayMetrics } from './metrics.js';
import { roomPresence, samePresence } from './presence.js';

/** The part of a connection that a room uses. */
export interface Peer {
  /** Random connection id, also sent in `welcome`. */
  readonly id: string;
  /** Sends one message. Does nothing when the connection is already closing. */
  send(message: ServerMessage): void;
  /** Sends an `error` and counts the rejection; the connection stays open. */
  reject(code: ErrorCode, message: string): void;
}

/** Settings and services shared by every room of one relay. */
export interface RoomContext {
  createId: () => string;
  log: RelayLogger;
  metrics: RelayMetrics;
  /** Time a knock may wait before it is declined with `timeout`, in milliseconds; 0 is no limit. */
  knockTimeoutMs: number;
  /** Largest number of knocks waiting in one room; a further knock gets `room-full`. */
  maxWaiting: number;
  /** Returns fresh TURN servers for one member of an admitted call, or undefined without TURN. */
  iceServersFor?: () => IceServer[];
}

/** Any message that may follow `hello`. */
export type RoomMessage = Exclude<ClientMessage, HelloMessage>;

interface HostMember {
  role: 'host';
  peer: Peer;
  status: PresenceStatus;
  message?: string;
  call?: Call;
}

interface VisitorMember {
  role: 'visitor';
  peer: Peer;
  knock?: Knock;
  call?: Call;
}

type Member = HostMember | VisitorMember;

/** A visitor's knock while it waits in the queue. */
interface Knock {
  callId: string;
  visitor: VisitorMember;
  name?: string;
  queuedAt: number;
  timer?: NodeJS.Timeout;
}

/** An admitted call between one host connection and one visitor connection. */
interface Call {
  callId: string;
  host: HostMember;
  visitor: VisitorMember;
  startedAt: number;
}

/**
 * The state of one room: its host and visitor connections, the queue of waiting knocks and the
 * admitted calls. A room exists while at least one connection has joined it.
 *
 * Rules beyond the message types themselves:
 * - Knocks are accepted while the room is `available` or `busy`, and queued in arrival order.
 *   Only an `offline` room rejects a knock, with `room-offline`.
 * - When the room turns `offline` (the last host connection left or set `offline`), every
 *   waiting visitor gets `declined` with reason `host-offline`, and any remaining host
 *   connections get `knock-ended` with reason `declined`.
 * - A host connection takes at most one admitted call at a time.
 * - Every host connection receives `knock-ended` when a knock leaves the queue, including the
 *   host connection that admitted or declined it, so all of a therapist's devices stay in step.
 */
export class Room {
  private readonly hosts = new Map<string, HostMember>();
  private readonly visitors = new Map<string, VisitorMember>();
  private readonly queue: Knock[] = [];
  private presence: PresenceMessage = { type: 'presence', status: 'offline' };

  private readonly createId: () => string;
  private readonly log: RelayLogger;

  constructor(private readonly context: RoomContext) {
    this.createId = context.createId;
    this.log = context.log;
  }

  /** Whether no connection is in the room, so it can be dropped. */
  get isEmpty(): boolean {
    return this.hosts.size === 0 && this.visitors.size === 0;
  }

  /** Adds a connection that sent a valid `hello`. */
  join(peer: Peer, role: Role): void {
    if (role === 'host') {
      // A host starts offline, so joining never changes the room's presence.
      this.hosts.set(peer.id, { role, peer, status: 'offline' });
      for (const knock of this.queue) peer.send(knockReceived(knock));
      return;
    }

    this.visitors.set(peer.id, { role, peer });
    peer.send(this.presence);
  }

  /** Removes a closed connection and notifies the members whose knock or call it ends. */
  leave(peer: Peer): void {
    const member = this.hosts.get(peer.id) ?? this.visitors.get(peer.id);
    if (member === undefined) return;

    if (member.role === 'host') {
      this.hosts.delete(peer.id);
    } else {
      this.visitors.delete(peer.id);
      if (member.knock !== undefined) this.removeKnock(member.knock, 'disconnected');
    }

    if (member.call !== undefined) this.endCall(member.call, member, 'disconnected');
    this.updatePresence();
  }

  /** Applies one message from a connection of this room. */
  handle(peer: Peer, message: RoomMessage): void {
    const host = this.hosts.get(peer.id);
    if (host !== undefined) {
      this.handleHostMessage(host, message);
      return;
    }

    const visitor = this.visitors.get(peer.id);
    if (visitor !== undefined) this.handleVisitorMessage(visitor, message);
  }

  private handleHostMessage(host: HostMember, message: RoomMessage): void {
    switch (message.type) {
      case 'set-presence':
        return this.setPresence(host, message);
      case 'admit':
        return this.admit(host, message.callId);
      case 'decline':
        return this.decline(host, message);
      case 'signal':
        return this.forwardSignal(host, message);
      case 'hang-up':
        return this.hangUp(host, message.callId);
      case 'ask-to-wait':
        return this.askToWait(host, message);
      default:
        return reject(host, 'not-allowed', `Message "${message.type}" is not allowed for a host`);
    }
  }

  private handleVisitorMessage(visitor: VisitorMember, message: RoomMessage): void {
    switch (message.type) {
      case 'knock':
        return this.knock(visitor, message);
      case 'cancel':
        return this.cancel(visitor);
      case 'signal':
        return this.forwardSignal(visitor, message);
      case 'hang-up':
        return this.hangUp(visitor, message.callId);
      default:
        return reject(
          visitor,
          'not-allowed',
          `Message "${message.type}" is not allowed for a visitor`,
        );
    }
  }

  private setPresence(host: HostMember, message: SetPresenceMessage): void {
    host.status = message.status;
    host.message = message.message;
    this.updatePresence();
  }

  private knock(visitor: VisitorMember, message: KnockMessage): void {
    if (visitor.knock !== undefined || visitor.call !== undefined) {
      const text = 'Knock failed: this connection is already waiting or in a call';
      reject(visitor, 'not-allowed', text);
      return;
    }
    if (this.presence.status === 'offline') {
      reject(visitor, 'room-offline', 'Knock failed: no host of this room is online');
      return;
    }
    const maxWaiting = this.context.maxWaiting;
    if (this.queue.length >= maxWaiting) {
      reject(visitor, 'room-full', `Knock failed: ${maxWaiting} visitors are already waiting`);
      return;
    }

    const knock: Knock = { callId: this.createId(), visitor, queuedAt: Date.now() };
    if (message.name !== undefined) knock.name = message.name;
    this.queue.push(knock);
    visitor.knock = knock;
    this.context.metrics.knocks.inc();
    this.context.metrics.waitingKnocks.inc();
    if (this.context.knockTimeoutMs > 0) {
      knock.timer = setTimeout(() => this.expireKnock(knock), this.context.knockTimeoutMs);
      knock.timer.unref();
    }

    visitor.peer.send({ type: 'waiting', callId: knock.callId, position: this.queue.length });
    for (const host of this.hosts.values()) host.peer.send(knockReceived(knock));
  }

  private cancel(visitor: VisitorMember): void {
    if (visitor.knock === undefined) {
      reject(visitor, 'not-allowed', 'Cancel failed: this connection has no waiting knock');
      return;
    }
    this.removeKnock(visitor.knock, 'cancelled');
  }

  /** Declines a knock that waited for the whole knock timeout. */
  private expireKnock(knock: Knock): void {
    if (!this.queue.includes(knock)) return;
    this.removeKnock(knock, 'timeout');
    knock.visitor.peer.send({ type: 'declined', callId: knock.callId, reason: 'timeout' });
  }

  private askToWait(host: HostMember, message: AskToWaitMessage): void {
    const knock = this.findKnock(host, 'Ask-to-wait', message.callId);
    if (knock === undefined) return;

    knock.visitor.peer.send(
      message.message === undefined
        ? { type: 'asked-to-wait', callId: knock.callId }
        : { type: 'asked-to-wait', callId: knock.callId, message: message.message },
    );
  }

  private admit(host: HostMember, callId: string): void {
    if (host.call !== undefined) {
      reject(host, 'not-allowed', 'Admit failed: this host connection is already in a call');
      return;
    }
    const knock = this.findKnock(host, 'Admit', callId);
    if (knock === undefined) return;

    const visitor = knock.visitor;
    this.removeKnock(knock, undefined);
    const call: Call = { callId, host, visitor, startedAt: Date.now() };
    host.call = call;
    visitor.call = call;

    // Each member gets its own TURN credential, so one leaked credential names one person.
    const iceServersFor = this.context.iceServersFor;
    host.peer.send(admitted(callId, iceServersFor?.()));
    visitor.peer.send(admitted(callId, iceServersFor?.()));
    this.context.metrics.admittedCalls.inc();
    this.context.metrics.activeCalls.inc();
    for (const other of this.hosts.values()) {
      if (other !== host) other.peer.send(knockEnded(callId, 'admitted-elsewhere'));
    }
    this.log({
      event: 'call-admitted',
      callId,
      hostConnectionId: host.peer.id,
      visitorConnectionId: visitor.peer.id,
    });
    this.updatePresence();
  }

  private decline(host: HostMember, message: DeclineMessage): void {
    const knock = this.findKnock(host, 'Decline', message.callId);
    if (knock === undefined) return;

    this.removeKnock(knock, 'declined');
    knock.visitor.peer.send(
      message.message === undefined
        ? { type: 'declined', callId: knock.callId, reason: 'declined' }
        : { type: 'declined', callId: knock.callId, reason: 'declined', message: message.message },
    );
  }

  private forwardSignal(member: Member, message: SignalMessage): void {
    const call = this.findCall(member, 'Signal', message.callId);
    if (call === undefined) return;

    const other = call.host === member ? call.visitor : call.host;
    other.peer.send({ type: 'signal', callId: call.callId, data: message.data });
    this.context.metrics.messagesRelayed.inc();
  }

  private hangUp(member: Member, callId: string): void {
    const call = this.findCall(member, 'Hang-up', callId);
    if (call === undefined) return;

    this.endCall(call, member, 'hang-up');
    this.updatePresence();
  }

  /** Returns the queued knock with this call id, or sends `unknown-call` to the host. */
  private findKnock(host: HostMember, action: string, callId: string): Knock | undefined {
    const knock = this.queue.find((queued) => queued.callId === callId);
    if (knock === undefined) {
      reject(host, 'unknown-call', `${action} failed: no waiting knock has call id "${callId}"`);
    }
    return knock;
  }

  /**
   * Returns the admitted call with this id if the member is part of it. Otherwise sends
   * `not-allowed` when the id is the member's own knock that is still waiting, and
   * `unknown-call` for any other id, so a connection learns nothing about calls of others.
   */
  private findCall(member: Member, action: string, callId: string): Call | undefined {
    if (member.call !== undefined && member.call.callId === callId) return member.call;

    if (member.role === 'visitor' && member.knock?.callId === callId) {
      reject(member, 'not-allowed', `${action} failed: call "${callId}" is not admitted yet`);
    } else {
      reject(member, 'unknown-call', `${action} failed: this connection has no call "${callId}"`);
    }
    return undefined;
  }

  /** Ends an admitted call that `endedBy` hung up or left, and notifies the other member. */
  private endCall(call: Call, endedBy: Member, cause: CallEndCause): void {
    const other = call.host === endedBy ? call.visitor : call.host;
    call.host.call = undefined;
    call.visitor.call = undefined;
    this.context.metrics.activeCalls.dec();

    other.peer.send({ type: 'call-ended', callId: call.callId, reason: cause });
    this.log({
      event: 'call-ended',
      callId: call.callId,
      cause,
      durationMs: Date.now() - call.startedAt,
    });
  }

  /**
   * Takes a knock out of the queue and sends the visitors behind it their new positions. With a
   * reason, every host connection also gets `knock-ended`.
   */
  private removeKnock(knock: Knock, reason: KnockEndReason | undefined): void {
    const index = this.queue.indexOf(knock);
    if (index < 0) return;

    this.queue.splice(index, 1);
    const admittedHere = reason === undefined || reason === 'admitted-elsewhere';
    this.forgetKnock(knock, admittedHere ? 'admitted' : reason);
    for (let position = index; position < this.queue.length; position++) {
      const behind = this.queue[position] as Knock;
      behind.visitor.peer.send({ type: 'waiting', callId: behind.callId, position: position + 1 });
    }

    if (reason === undefined) return;
    for (const host of this.hosts.values()) host.peer.send(knockEnded(knock.callId, reason));
  }

  /**
   * Recomputes the room's presence. When it turns offline, the waiting queue is declined. When
   * it changes, every visitor connection gets the new presence.
   */
  private updatePresence(): void {
    const next = roomPresence(
      Array.from(this.hosts.values(), (host) => ({
        status: host.status,
        message: host.message,
        inCall: host.call !== undefined,
      })),
    );

    if (next.status === 'offline') this.declineQueue();
    if (samePresence(next, this.presence)) return;

    this.presence = next;
    for (const visitor of this.visitors.values()) visitor.peer.send(next);
  }

  private declineQueue(): void {
    const knocks = this.queue.splice(0);
    for (const knock of knocks) {
      this.forgetKnock(knock, 'host-offline');
      knock.visitor.peer.send({ type: 'declined', callId: knock.callId, reason: 'host-offline' });
      for (const host of this.hosts.values()) host.peer.send(knockEnded(knock.callId, 'declined'));
    }
  }

  /** Clears the state of a knock that has just left the queue. */
  private forgetKnock(knock: Knock, cause: KnockEndCause | 'admitted'): void {
    clearTimeout(knock.timer);
    knock.visitor.knock = undefined;
    this.context.metrics.waitingKnocks.dec();
    if (cause === 'admitted') return;
    const durationMs = Date.now() - knock.queuedAt;
    this.log({ event: 'knock-ended', callId: knock.callId, cause, durationMs });
  }
}

function reject(member: Member, code: ErrorCode, message: string): void {
  member.peer.reject(code, message);
}

function admitted(callId: string, iceServers: IceServer[] | undefined): ServerMessage {
  return iceServers === undefined
    ? { type: 'admitted', callId }
    : { type: 'admitted', callId, iceServers };
}

function knockReceived(knock: Knock): KnockReceivedMessage {
  return knock.name === undefined
    ? { type: 'knock-received', callId: knock.callId }
    : { type: 'knock-received', callId: knock.callId, name: knock.name };
}

function knockEnded(callId: string, reason: KnockEndReason): ServerMessage {
  return { type: 'knock-ended', callId, reason };
}
