import { focusRing, hiddenAndBoxSizing, hostTheme, visuallyHidden } from '@sip/shared/client';
import { css, unsafeCSS } from 'lit';

/**
 * Adopted stylesheets only (no inline styles), so the element runs under a strict CSP. Colours
 * are the defaults of the `--sip-` custom properties and meet WCAG 2.1 AA on the default
 * background; fonts come from the host page; sizes are in em/rem, so the element reflows at
 * 320 CSS pixels and 200 % zoom.
 */
export const styles = css`
  :host {
    ${unsafeCSS(hostTheme)}
  }

  ${unsafeCSS(hiddenAndBoxSizing)}

  .base {
    padding: var(--_space);
  }

  /* Headings by their depth in the element, whatever their level on the host page (heading-level). */
  .d0,
  .d1,
  .d2,
  .d3 {
    line-height: 1.25;
    margin: 0 0 calc(var(--_space) * 0.5);
  }
  .d0 {
    font-size: 1.5em;
  }
  .d1 {
    font-size: 1.25em;
  }
  .d2 {
    font-size: 1.1em;
    margin-top: var(--_space);
  }
  .d3 {
    font-size: 1em;
    margin-top: calc(var(--_space) * 0.75);
  }
  p,
  ul,
  ol,
  dl {
    margin: 0 0 calc(var(--_space) * 0.75);
  }
  ul,
  ol {
    padding-inline-start: 1.25em;
  }

  a {
    color: var(--_primary);
    text-decoration: underline;
    text-underline-offset: 0.15em;
  }

  .muted,
  .hint {
    color: var(--_muted);
  }

  ${unsafeCSS(visuallyHidden)}

  /* Focus: a two-tone ring, visible on light and dark backgrounds. It also shows where the
     element moved focus after an answer or a failed load (the status, the message, the error
     summary); only a heading focused at the top of a new view goes without. */
  ${unsafeCSS(focusRing)}
  .d0:focus {
    outline: none;
    box-shadow: none;
  }
  .error-summary:focus {
    outline: 0.1875rem solid var(--sip-color-focus, #ffdd00);
    outline-offset: 0;
  }

  /* Buttons */
  .button {
    font: inherit;
    line-height: 1.25;
    display: inline-flex;
    align-items: center;
    justify-content: center;
    gap: 0.4em;
    min-height: 2.75em;
    padding: 0.5em 1em;
    border: 0.125rem solid transparent;
    border-radius: var(--_radius);
    cursor: pointer;
    text-align: center;
  }
  .button.primary {
    background: var(--_primary);
    color: var(--sip-color-primary-text, #ffffff);
  }
  .button.secondary {
    background: var(--sip-color-background, #ffffff);
    color: var(--_primary);
    border-color: var(--_primary);
  }
  .button.warning {
    background: var(--_danger);
    color: var(--sip-color-primary-text, #ffffff);
  }
  .button.link {
    background: none;
    color: var(--_primary);
    text-decoration: underline;
    padding-inline: 0.25em;
  }
  /* Decorative marks, with empty alternative text: not read out, and no text to check. */
  .back::before {
    content: '←';
    content: '←' / '';
  }
  [dir='rtl'] .back::before {
    content: '→';
    content: '→' / '';
  }
  .button:hover {
    text-decoration: underline;
  }
  .button[aria-disabled='true'] {
    opacity: 0.6;
    cursor: progress;
  }

  .toolbar {
    display: flex;
    flex-wrap: wrap;
    justify-content: space-between;
    gap: calc(var(--_space) * 0.5);
    margin-bottom: var(--_space);
  }
  .toolbar .print {
    margin-inline-start: auto;
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: calc(var(--_space) * 0.5);
    margin-top: calc(var(--_space) * 0.5);
  }

  /* Messages */
  .message {
    padding: calc(var(--_space) * 0.75) var(--_space);
    border-inline-start: 0.3125rem solid var(--_border);
  }
  .message--error {
    border-color: var(--_danger);
  }
  .message--warning {
    border-color: #b58800;
  }
  .message-title,
  .outcome-title,
  .error-summary-title {
    font-weight: 700;
    margin-bottom: 0.25em;
  }
  .loading {
    display: flex;
    align-items: center;
    gap: 0.5em;
  }
  .spinner {
    width: 1em;
    height: 1em;
    border: 0.15em solid var(--_border);
    border-top-color: transparent;
    border-radius: 50%;
    animation: spin 1s linear infinite;
  }
  @keyframes spin {
    to {
      transform: rotate(360deg);
    }
  }

  /* The list of plans */
  .plan-list {
    list-style: none;
    padding: 0;
  }
  .plan-list li {
    padding: calc(var(--_space) * 0.75) 0;
    border-bottom: 0.0625rem solid var(--_border);
  }
  .plan-button {
    font: inherit;
    font-size: 1.1em;
    font-weight: 700;
    display: block;
    padding: 0.25em 0;
    background: none;
    border: 0;
    color: var(--_primary);
    text-decoration: underline;
    text-align: start;
    cursor: pointer;
    min-height: 2.75em;
  }

  /* A plan */
  .section {
    padding-top: var(--_space);
    margin-top: var(--_space);
    border-top: 0.125rem solid var(--_border);
  }
  .facts > div {
    margin-bottom: 0.5em;
  }
  dt {
    font-weight: 700;
  }
  dd {
    margin: 0;
  }
  .facts--inline {
    display: flex;
    flex-wrap: wrap;
    gap: 0.25em 1.5em;
  }
  .facts--inline > div {
    margin: 0;
  }

  .commitments,
  .cards {
    list-style: none;
    padding: 0;
  }
  .commitment,
  .card {
    padding: var(--_space);
    margin-bottom: var(--_space);
    border: 0.0625rem solid var(--_border);
    border-radius: var(--_radius);
  }
  .commitment .d2 {
    margin-top: 0;
  }
  .card-title {
    font-weight: 700;
    margin-bottom: 0.25em;
  }

  .state {
    margin: calc(var(--_space) * 0.5) 0;
  }
  .status {
    display: inline-block;
    padding: 0.15em 0.5em;
    border-radius: var(--_radius);
    background: #eeefef;
    color: #383f43;
    margin: 0 0 0.5em;
  }
  .status-label {
    font-weight: 700;
  }
  .status--requested {
    background: #fff7bf;
    color: #594d00;
  }
  .status--accepted {
    background: #cce2d8;
    color: #005a30;
  }
  .status--cancelled {
    background: #f4cdc6;
    color: #942514;
  }

  .outcome {
    margin: 0 0 0.5em;
  }
  .outcome--saved {
    color: var(--sip-color-success, #00703c);
    font-weight: 700;
  }
  .outcome--saved::before {
    content: '✓ ';
    content: '✓ ' / '';
  }
  .receipt {
    padding: calc(var(--_space) * 0.75);
    border-inline-start: 0.3125rem solid var(--sip-color-success, #00703c);
  }
  .reference {
    font-family: monospace;
    font-size: 1.125em;
    letter-spacing: 0.05em;
  }
  .printed-receipt {
    display: none;
  }
  .outcome--not-saved,
  .outcome--unknown {
    padding: calc(var(--_space) * 0.75);
    border-inline-start: 0.3125rem solid var(--_danger);
  }
  .outcome--unknown {
    border-color: #b58800;
  }
  .outcome p {
    margin-bottom: 0.5em;
  }

  .history {
    margin-top: calc(var(--_space) * 0.75);
  }
  .history summary {
    cursor: pointer;
    color: var(--_primary);
    text-decoration: underline;
  }
  .history ol {
    margin-top: 0.5em;
  }
  .when {
    font-weight: 700;
  }
  q {
    font-style: italic;
  }

  /* Forms (GOV.UK's patterns) */
  form {
    margin-top: calc(var(--_space) * 0.5);
  }
  .field {
    margin: 0 0 var(--_space);
    padding: 0;
    border: 0;
  }
  .field--error {
    border-inline-start: 0.3125rem solid var(--_danger);
    padding-inline-start: calc(var(--_space) * 0.75);
  }
  label,
  legend {
    display: block;
    font-weight: 700;
    margin-bottom: 0.25em;
    padding: 0;
  }
  .hint {
    margin-bottom: 0.25em;
  }
  textarea {
    font: inherit;
    display: block;
    width: 100%;
    min-height: 4.5em;
    padding: 0.35em;
    color: inherit;
    background: var(--sip-color-background, #ffffff);
    border: 0.125rem solid currentColor;
    border-radius: 0;
    resize: vertical;
  }
  .field--error textarea {
    border-color: var(--_danger);
  }
  .error-message {
    color: var(--_danger);
    font-weight: 700;
    margin-bottom: 0.25em;
  }
  .radio {
    display: flex;
    align-items: center;
    gap: 0.5em;
    margin-bottom: 0.5em;
  }
  .radio input {
    width: 1.5em;
    height: 1.5em;
    margin: 0;
    accent-color: var(--_primary);
  }
  .radio label {
    font-weight: 400;
    margin: 0;
  }
  .error-summary {
    padding: var(--_space);
    margin-bottom: var(--_space);
    border: 0.3125rem solid var(--_danger);
  }
  .error-summary ul {
    list-style: none;
    padding: 0;
    margin: 0;
  }
  .error-summary a {
    color: var(--_danger);
    font-weight: 700;
  }

  /* The withdrawal dialog */
  .dialog {
    max-width: min(40rem, calc(100vw - 2rem));
    padding: calc(var(--_space) * 1.5);
    color: var(--sip-color-text, #0b0c0c);
    background: var(--sip-color-background, #ffffff);
    border: 0.125rem solid var(--_border);
    border-radius: var(--_radius);
    overflow-wrap: anywhere;
  }
  .dialog::backdrop {
    background: rgb(0 0 0 / 0.6);
  }
  .dialog-what {
    font-weight: 700;
  }

  @media (prefers-reduced-motion: reduce) {
    *,
    *::before,
    *::after {
      animation: none !important;
      transition: none !important;
      scroll-behavior: auto !important;
    }
  }

  @media (forced-colors: active) {
    .status,
    .button {
      border: 0.0625rem solid CanvasText;
    }
  }

  /* A clean copy on paper: what the plan says and my answers, without the controls. */
  @media print {
    :host {
      color: #000000;
      background: #ffffff;
    }
    .controls,
    button:not(.plan-button),
    dialog,
    .visually-hidden {
      display: none !important;
    }
    .base {
      padding: 0;
    }
    /* A receipt printed alone: only it, with the plan it belongs to. */
    .print-receipt .view {
      display: none;
    }
    .print-receipt .printed-receipt {
      display: block;
    }
    .receipt {
      border: 0.0625rem solid #000000;
    }
    .section,
    .commitment,
    .card {
      break-inside: avoid;
    }
    .status {
      background: none;
      color: #000000;
      padding: 0;
    }
    .history summary {
      color: #000000;
      text-decoration: none;
      font-weight: 700;
    }
    a {
      color: #000000;
    }
  }
`;
