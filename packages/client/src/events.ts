// Typed events of VisitorClient, HostClient and Call. Each of them also dispatches a plain
// `change` event whenever any readable property changed. These events name what changed and carry
// the new value.
import type { Call } from './call.js';
import type { NetworkQuality } from './quality.js';
import type {
  CallEndReason,
  CallState,
  ChatMessage,
  HostState,
  Knock,
  PorchlightError,
  PresenceDetail,
  VisitorState,
} from './types.js';

/** `statechange`: the `state` property changed. */
export class StateChangeEvent<S extends string = string> extends Event {
  /** The new state. */
  readonly state: S;
  /** The state before this change. */
  readonly previousState: S;

  constructor(state: S, previousState: S) {
    super('statechange');
    this.state = state;
    this.previousState = previousState;
  }
}

/** `presencechange`: the therapist's presence, as the relay reports it to the visitor, changed. */
export class PresenceChangeEvent extends Event {
  /** The new presence, or null while the relay has not sent one. */
  readonly presence: PresenceDetail | null;

  constructor(presence: PresenceDetail | null) {
    super('presencechange');
    this.presence = presence;
  }
}

/** `callstart`: a call began; its media and chat run on {@link CallStartEvent.call}. */
export class CallStartEvent extends Event {
  /** The new call. It dispatches its own events. */
  readonly call: Call;

  constructor(call: Call) {
    super('callstart');
    this.call = call;
  }
}

/** `error`: the client entered its `error` state. */
export class ClientErrorEvent extends Event {
  /** The failure, with a stable `code` for choosing the message shown to a person. */
  readonly error: PorchlightError;

  constructor(error: PorchlightError) {
    super('error');
    this.error = error;
  }
}

/** `knock`: a visitor knocked and waits in the therapist's waiting room. */
export class KnockEvent extends Event {
  /** The new knock. Its name is untrusted text. */
  readonly knock: Knock;

  constructor(knock: Knock) {
    super('knock');
    this.knock = knock;
  }
}

/** `chatmessage`: a chat message was received, or one sent from this side went out. */
export class ChatMessageEvent extends Event {
  /** The message. Its text is untrusted when `from` is `remote`: render it as text only. */
  readonly message: ChatMessage;

  constructor(message: ChatMessage) {
    super('chatmessage');
    this.message = message;
  }
}

/** `remotestream`: the other person's audio and video arrived. */
export class RemoteStreamEvent extends Event {
  /** The decrypted remote media, ready for a `<video>` element's `srcObject`. */
  readonly stream: MediaStream;

  constructor(stream: MediaStream) {
    super('remotestream');
    this.stream = stream;
  }
}

/** `secured`: the call's keys are agreed, so the short authentication string can be shown. */
export class CallSecuredEvent extends Event {
  /** Short authentication string, six digits grouped `123 456`. */
  readonly sas: string;
  /** Whether the therapist's signature checked out against the room id. Always false for hosts. */
  readonly identityVerified: boolean;

  constructor(sas: string, identityVerified: boolean) {
    super('secured');
    this.sas = sas;
    this.identityVerified = identityVerified;
  }
}

/** `qualitychange`: the network rating of the connection changed. */
export class QualityChangeEvent extends Event {
  /** The new rating. */
  readonly quality: NetworkQuality;

  constructor(quality: NetworkQuality) {
    super('qualitychange');
    this.quality = quality;
  }
}

/** `end`: the call ended. It dispatches nothing after this event. */
export class CallEndEvent extends Event {
  /** Reason the call ended. */
  readonly reason: CallEndReason;

  constructor(reason: CallEndReason) {
    super('end');
    this.reason = reason;
  }
}

/** Events of {@link VisitorClient}, by type. */
export interface VisitorClientEventMap {
  change: Event;
  statechange: StateChangeEvent<VisitorState>;
  presencechange: PresenceChangeEvent;
  callstart: CallStartEvent;
  error: ClientErrorEvent;
}

/** Events of {@link HostClient}, by type. */
export interface HostClientEventMap {
  change: Event;
  statechange: StateChangeEvent<HostState>;
  knock: KnockEvent;
  callstart: CallStartEvent;
  error: ClientErrorEvent;
}

/** Events of {@link Call}, by type. */
export interface CallEventMap {
  change: Event;
  statechange: StateChangeEvent<CallState>;
  remotestream: RemoteStreamEvent;
  secured: CallSecuredEvent;
  chatmessage: ChatMessageEvent;
  qualitychange: QualityChangeEvent;
  end: CallEndEvent;
}

/** A listener for the event type `K` of the event map `M`. */
export type TypedListener<M, K extends keyof M> =
  | ((event: M[K]) => void)
  | { handleEvent(event: M[K]): void };

/**
 * An EventTarget whose `addEventListener` and `removeEventListener` know the event classes of
 * the map `M`, so that `client.addEventListener('statechange', (event) => event.state)`
 * type-checks. Other event types keep the DOM's signatures.
 */
export class TypedEventTarget<M> extends EventTarget {}

export interface TypedEventTarget<M> {
  addEventListener<K extends keyof M & string>(
    type: K,
    listener: TypedListener<M, K> | null,
    options?: boolean | AddEventListenerOptions,
  ): void;
  addEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject | null,
    options?: boolean | AddEventListenerOptions,
  ): void;
  removeEventListener<K extends keyof M & string>(
    type: K,
    listener: TypedListener<M, K> | null,
    options?: boolean | EventListenerOptions,
  ): void;
  removeEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject | null,
    options?: boolean | EventListenerOptions,
  ): void;
}

/**
 * Dispatches events on `target` one at a time, in the order they were raised. A listener may
 * change the client or call and so raise more events during a dispatch. Those wait until the
 * current event has reached every listener, so no listener receives an older event after a
 * newer one.
 */
export class EventQueue {
  readonly #target: EventTarget;
  readonly #pending: Event[] = [];
  #dispatching = false;

  constructor(target: EventTarget) {
    this.#target = target;
  }

  /** Queues `events` and dispatches them unless a dispatch is already running. */
  emit(...events: Event[]): void {
    this.#pending.push(...events);
    if (this.#dispatching) return;
    this.#dispatching = true;
    try {
      for (let event = this.#pending.shift(); event; event = this.#pending.shift()) {
        this.#target.dispatchEvent(event);
      }
    } finally {
      this.#dispatching = false;
    }
  }
}
