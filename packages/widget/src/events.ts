/**
 * The events `<sip-relative-view>` dispatches. Each one bubbles and crosses shadow roots, and
 * carries ids and status only: never a name, a comment, a message text or a token.
 */
import { eventInit as init, type ErrorEventDetail } from '@sip/shared/client';

export interface SipReadyDetail {
  /** What the first render with data shows: the list of plans, or one plan. */
  view: 'list' | 'plan';
  /** The plan shown, when `view` is `plan`. */
  planId?: string;
}

/** The element has rendered data from the service for the first time. */
export class SipReadyEvent extends Event {
  static readonly eventName = 'sip-ready';
  readonly detail: Readonly<SipReadyDetail>;

  constructor(detail: SipReadyDetail) {
    super(SipReadyEvent.eventName, init);
    this.detail = Object.freeze({ ...detail });
  }
}

export type ConsentKind = 'commitment' | 'home-consent';
/** A commitment's status after the answer, or the relative's answer on the home. */
export type ConsentStatus = 'accepted' | 'declined' | 'withdrawn' | 'reconfirmed' | 'consented' | 'not-consented';

export interface SipConsentChangeDetail {
  planId: string;
  /** What the answer was about: a voluntary commitment, or the home as a place of care. */
  kind: ConsentKind;
  /** The commitment's id; `home-consent` for the home. */
  itemId: string;
  status: ConsentStatus;
}

/** The relative's answer was saved by the service. */
export class SipConsentChangeEvent extends Event {
  static readonly eventName = 'sip-consent-change';
  readonly detail: Readonly<SipConsentChangeDetail>;

  constructor(detail: SipConsentChangeDetail) {
    super(SipConsentChangeEvent.eventName, init);
    this.detail = Object.freeze({ ...detail });
  }
}

export type SipErrorCode =
  | 'config'
  | 'network'
  | 'timeout'
  | 'not-found'
  | 'forbidden'
  | 'conflict'
  | 'validation'
  | 'server'
  | 'bad-response';

export type SipErrorDetail = ErrorEventDetail<SipErrorCode>;

/** Loading or saving failed; the element shows the relative what happened. */
export class SipErrorEvent extends Event {
  static readonly eventName = 'sip-error';
  readonly detail: Readonly<SipErrorDetail>;

  constructor(detail: SipErrorDetail) {
    super(SipErrorEvent.eventName, init);
    this.detail = Object.freeze({ ...detail });
  }
}

/**
 * The service refused the access token and no new one could be had from `getAccessToken`.
 * The host should sign the relative in again and set a new token; the element then reloads.
 */
export class SipSessionExpiredEvent extends Event {
  static readonly eventName = 'sip-session-expired';

  constructor() {
    super(SipSessionExpiredEvent.eventName, init);
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'sip-ready': SipReadyEvent;
    'sip-consent-change': SipConsentChangeEvent;
    'sip-error': SipErrorEvent;
    'sip-session-expired': SipSessionExpiredEvent;
  }
}
