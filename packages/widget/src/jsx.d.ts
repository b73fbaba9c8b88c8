/**
 * `<sip-relative-view>` in JSX and TSX, for a framework that renders custom elements as they
 * are (Preact, Solid, React 19 and the like): its attributes, typed. In React 18 use the wrapper,
 * `@sip/widget/react`: React 18 passes only attributes, never the `getAccessToken` property.
 * The element itself is in `HTMLElementTagNameMap` (from `@sip/widget`).
 *
 *   /// <reference types="@sip/widget/jsx" />
 */
import type { SipRelativeView } from './sip-relative-view.ts';

/** The attributes of `<sip-relative-view>`; the token is a property only, never an attribute. */
export interface SipRelativeViewAttributes {
  /** The broker's base URL (required). */
  'api-base'?: string;
  /** Show this plan only. */
  'plan-id'?: string;
  /** `sv` (default), `sv-x-lattlast`, `en`, `fi` or `ar`. */
  lang?: string;
  /** The level of the element's first heading, 1 to 6 (default 2). */
  'heading-level'?: number | `${1 | 2 | 3 | 4 | 5 | 6}`;
  id?: string;
  class?: string;
  className?: string;
  hidden?: boolean;
  ref?: unknown;
  key?: string | number;
  children?: never;
}

declare global {
  interface HTMLElementTagNameMap {
    'sip-relative-view': SipRelativeView;
  }
  // The global JSX namespace (React 17 and 18's classic types, Preact, Solid).
  namespace JSX {
    interface IntrinsicElements {
      'sip-relative-view': SipRelativeViewAttributes;
    }
  }
}

// React 19's types look in the namespace of the module `react` itself.
declare module 'react' {
  namespace JSX {
    interface IntrinsicElements {
      'sip-relative-view': SipRelativeViewAttributes;
    }
  }
}
