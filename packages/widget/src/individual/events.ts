/**
 * The events `<sip-individual-view>` dispatches: those of the relatives' widget (`sip-ready`,
 * `sip-error`, `sip-session-expired`), and `sip-change` when a change of the individual's is
 * saved. Each bubbles and crosses shadow roots, and carries ids and status only: never a name,
 * what was written or a token.
 */
import { eventInit as init } from '@sip/shared/client';

export { SipErrorEvent, SipReadyEvent, SipSessionExpiredEvent } from '../events.ts';
export type { SipErrorCode, SipErrorDetail, SipReadyDetail } from '../events.ts';

/** What the individual changed: their consent to the plan, a relative's sharing, or their own words. */
export type ChangeKind = 'consent' | 'sharing' | 'own-words';
/** The consent or sharing given, narrowed or widened (`changed`), or withdrawn; own words `saved`. */
export type ChangeStatus = 'given' | 'changed' | 'withdrawn' | 'saved';

export interface SipChangeDetail {
  planId: string;
  kind: ChangeKind;
  /** The relative's id, for `sharing`. */
  relativeId?: string;
  status: ChangeStatus;
}

/** The individual's change was saved by the service, and is in force. */
export class SipChangeEvent extends Event {
  static readonly eventName = 'sip-change';
  readonly detail: Readonly<SipChangeDetail>;

  constructor(detail: SipChangeDetail) {
    super(SipChangeEvent.eventName, init);
    this.detail = Object.freeze({ ...detail });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'sip-change': SipChangeEvent;
  }
}
