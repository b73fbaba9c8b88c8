/**
 * The events the staff elements send to the host. Each carries ids and codes only, never
 * personal data or content: a host that logs them logs nothing about the individual.
 * All bubble and cross shadow roots (`composed`), so a host can listen on any ancestor.
 */
import { eventInit as init, type ErrorEventDetail } from '@sip/shared/client';

/** The element has loaded what it shows. */
export class SipReadyEvent extends Event {
  static readonly eventName = 'sip-ready';
  constructor(readonly detail: Readonly<{ planId?: string; revision?: number }>) {
    super(SipReadyEvent.eventName, init);
  }
}

/**
 * The user asked to open a plan (from the list, the work list or a search), at an item when one
 * is named. The host opens `<sip-plan-editor plan-id>` where it wants it.
 */
export class SipOpenPlanEvent extends Event {
  static readonly eventName = 'sip-open-plan';
  constructor(readonly detail: Readonly<{ planId: string; focus?: string }>) {
    super(SipOpenPlanEvent.eventName, init);
  }
}

/** A plan was created from the list; the host may open it. */
export class SipPlanCreatedEvent extends Event {
  static readonly eventName = 'sip-plan-created';
  constructor(readonly detail: Readonly<{ planId: string }>) {
    super(SipPlanCreatedEvent.eventName, init);
  }
}

/** A change the user made was saved. */
export class SipSavedEvent extends Event {
  static readonly eventName = 'sip-saved';
  constructor(readonly detail: Readonly<{ planId: string; section: string; revision?: number }>) {
    super(SipSavedEvent.eventName, init);
  }
}

export type SipErrorCode =
  | 'config'
  | 'network'
  | 'timeout'
  | 'unavailable'
  | 'not-found'
  | 'forbidden'
  | 'conflict'
  | 'precondition-failed'
  | 'validation'
  | 'server'
  | 'bad-response';

export type SipErrorDetail = ErrorEventDetail<SipErrorCode>;

/** Loading or saving failed; the element shows the user what happened. */
export class SipErrorEvent extends Event {
  static readonly eventName = 'sip-error';
  readonly detail: Readonly<SipErrorDetail>;
  constructor(detail: SipErrorDetail) {
    super(SipErrorEvent.eventName, init);
    this.detail = Object.freeze({ ...detail });
  }
}

/**
 * The service refused the access token and `getAccessToken` gave no new one. The host signs the
 * user in again and sets `getAccessToken`; the element then reloads.
 */
export class SipSessionExpiredEvent extends Event {
  static readonly eventName = 'sip-session-expired';
  constructor() {
    super(SipSessionExpiredEvent.eventName, init);
  }
}

// `sip-ready`, `sip-error` and `sip-session-expired` share their names with the relatives'
// widget's events, which declare them globally; a host typing both listens with these classes.
declare global {
  interface GlobalEventHandlersEventMap {
    'sip-open-plan': SipOpenPlanEvent;
    'sip-plan-created': SipPlanCreatedEvent;
    'sip-saved': SipSavedEvent;
  }
}
