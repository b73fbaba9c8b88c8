/**
 * Style rules the elements share, as CSS text: an element's stylesheet takes them in with Lit's
 * `unsafeCSS` where they stand in its cascade. Constants of this module only, never anything a
 * caller or the service sends.
 */

/**
 * The declarations of an element's `:host` rule: a block in the host's text colour on its
 * background, and the `--sip-` custom properties it is themed by, with their defaults, under
 * short private names.
 */
export const hostTheme = `
    display: block;
    color: var(--sip-color-text, #0b0c0c);
    background: var(--sip-color-background, #ffffff);
    line-height: 1.5;
    overflow-wrap: anywhere;
    --_space: var(--sip-spacing, 1rem);
    --_border: var(--sip-color-border, #6f777b);
    --_primary: var(--sip-color-primary, #1d70b8);
    --_danger: var(--sip-color-danger, #c3310f);
    --_muted: var(--sip-color-muted, #505a5f);
    --_radius: var(--sip-radius, 0.25rem);
`;

/** `hidden` hides the element; every box is sized by its border box. */
export const hiddenAndBoxSizing = `
  :host([hidden]) {
    display: none;
  }
  *,
  *::before,
  *::after {
    box-sizing: border-box;
  }
`;

/** Text for screen readers only. */
export const visuallyHidden = `
  .visually-hidden {
    position: absolute !important;
    width: 1px !important;
    height: 1px !important;
    margin: 0 !important;
    padding: 0 !important;
    overflow: hidden !important;
    clip: rect(0 0 0 0) !important;
    clip-path: inset(50%) !important;
    border: 0 !important;
    white-space: nowrap !important;
  }
`;

/** Focus: a two-tone ring, visible on light and dark backgrounds. */
export const focusRing = `
  :focus-visible {
    outline: 0.1875rem solid var(--sip-color-focus, #ffdd00);
    outline-offset: 0;
    box-shadow: 0 0 0 0.375rem var(--sip-color-focus-contrast, #0b0c0c);
  }
`;
