import type { CallEndReason, PorchlightErrorCode } from '@porchlight/client';

/** Detail of {@link PorchlightCallStartEvent}. */
export interface CallStartDetail {
  callId: string | null;
}

/** Detail of {@link PorchlightCallEndEvent}. */
export interface CallEndDetail {
  callId: string | null;
  /** Why the call ended, or null when it ended before the call was connected. */
  reason: CallEndReason | null;
  /** Set when the call ended because of a failure. */
  errorCode: PorchlightErrorCode | null;
}

/** Detail of {@link PorchlightKnockEvent}. */
export interface KnockDetail {
  callId: string;
}

/** Fired when a call begins: the visitor was admitted, or the host admitted a visitor. */
export class PorchlightCallStartEvent extends Event {
  static readonly eventName = 'porchlight-call-start';
  readonly detail: CallStartDetail;

  constructor(detail: CallStartDetail) {
    super(PorchlightCallStartEvent.eventName, { bubbles: true, composed: true });
    this.detail = detail;
  }
}

/** Fired when a call that had begun is over, for any reason. */
export class PorchlightCallEndEvent extends Event {
  static readonly eventName = 'porchlight-call-end';
  readonly detail: CallEndDetail;

  constructor(detail: CallEndDetail) {
    super(PorchlightCallEndEvent.eventName, { bubbles: true, composed: true });
    this.detail = detail;
  }
}

/** Fired on the console when a new visitor knocks. */
export class PorchlightKnockEvent extends Event {
  static readonly eventName = 'porchlight-knock';
  readonly detail: KnockDetail;

  constructor(detail: KnockDetail) {
    super(PorchlightKnockEvent.eventName, { bubbles: true, composed: true });
    this.detail = detail;
  }
}

/**
 * Fired before the local person's hang-up click ends the call. Call `preventDefault()` to keep
 * the call running, for example to ask for confirmation first.
 */
export class PorchlightHangUpRequestEvent extends Event {
  static readonly eventName = 'porchlight-hang-up-request';

  constructor() {
    super(PorchlightHangUpRequestEvent.eventName, {
      bubbles: true,
      composed: true,
      cancelable: true,
    });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'porchlight-call-start': PorchlightCallStartEvent;
    'porchlight-call-end': PorchlightCallEndEvent;
    'porchlight-knock': PorchlightKnockEvent;
    'porchlight-hang-up-request': PorchlightHangUpRequestEvent;
  }
}
