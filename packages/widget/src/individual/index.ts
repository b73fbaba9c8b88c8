/**
 * `<sip-individual-view>`: importing this module defines the element, once. Loading it again
 * (portals do) leaves the first definition in place. A module of its own: a relatives' portal
 * never loads it.
 */
import { SipIndividualView } from './sip-individual-view.ts';

if (!customElements.get('sip-individual-view')) customElements.define('sip-individual-view', SipIndividualView);

export { SipIndividualView };
export { SipChangeEvent, SipErrorEvent, SipReadyEvent, SipSessionExpiredEvent } from './events.ts';
export type { ChangeKind, ChangeStatus, SipChangeDetail, SipErrorCode, SipErrorDetail, SipReadyDetail } from './events.ts';
export type { AccessTokenProvider } from '@sip/shared/client';

declare global {
  interface HTMLElementTagNameMap {
    'sip-individual-view': SipIndividualView;
  }
}
