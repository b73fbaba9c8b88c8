/**
 * `<sip-relative-view>`: importing this module defines the element, once. Loading it again
 * (portals do) leaves the first definition in place.
 */
import { SipRelativeView } from './sip-relative-view.ts';

if (!customElements.get('sip-relative-view')) customElements.define('sip-relative-view', SipRelativeView);

export { SipRelativeView };
export { SipConsentChangeEvent, SipErrorEvent, SipReadyEvent, SipSessionExpiredEvent } from './events.ts';
export type { ConsentKind, ConsentStatus, SipConsentChangeDetail, SipErrorCode, SipErrorDetail, SipReadyDetail } from './events.ts';
export type { AccessTokenProvider } from './api.ts';

declare global {
  interface HTMLElementTagNameMap {
    'sip-relative-view': SipRelativeView;
  }
}
