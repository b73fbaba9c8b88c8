/**
 * What the elements' events have in common: how they are sent, and what a `sip-error` carries.
 * Ids and codes only, never personal data or content.
 */

/** Every element event bubbles and crosses shadow roots (`composed`), so a host can listen on any ancestor. */
export const eventInit: EventInit = { bubbles: true, composed: true };

/** The detail of `sip-error`: what went wrong as a code, never a message. */
export interface ErrorEventDetail<Code extends string> {
  code: Code;
  /** The HTTP status, when the service answered. */
  status?: number;
  /** The service's request id, for support (no personal data). */
  requestId?: string;
}
