/**
 * `<sip-relative-view>` for React (17, 18 and 19), made with `@lit/react`: React 18 sets only
 * attributes on a custom element, so a `getAccessToken` function passed as a prop would never
 * reach the element, and the element would wait for a token for ever. This component sets every
 * property the element has (`getAccessToken`, `accessToken`, `apiBase`, `planId`, `headingLevel`)
 * as a property, and takes the element's events as `onSip…` props.
 *
 *   import { SipRelativeView } from '@sip/widget/react';
 *   <SipRelativeView apiBase="https://sip.example.se" getAccessToken={portal.citizenToken} onSipConsentChange={…} />
 */
import { createComponent, type EventName } from '@lit/react';
import * as React from 'react';
import type { SipConsentChangeEvent, SipErrorEvent, SipReadyEvent, SipSessionExpiredEvent } from './events.ts';
import { SipRelativeView as SipRelativeViewElement } from './index.ts';

export const SipRelativeView = createComponent({
  react: React,
  tagName: 'sip-relative-view',
  elementClass: SipRelativeViewElement,
  displayName: 'SipRelativeView',
  events: {
    onSipReady: 'sip-ready' as EventName<SipReadyEvent>,
    onSipConsentChange: 'sip-consent-change' as EventName<SipConsentChangeEvent>,
    onSipError: 'sip-error' as EventName<SipErrorEvent>,
    onSipSessionExpired: 'sip-session-expired' as EventName<SipSessionExpiredEvent>,
  },
});
