import { focusRing, hiddenAndBoxSizing, hostTheme, visuallyHidden } from '@sip/shared/client';
import { css, unsafeCSS } from 'lit';

/**
 * Adopted stylesheets only (no inline styles), so the element runs under a strict CSP. Colours
 * are the defaults of the `--sip-` custom properties and meet WCAG 2.1 AA on the default
 * background; sizes are in em/rem, so the element reflows at 320 CSS pixels and 200 % zoom.
 */
export const styles = css`
  :host {
    ${unsafeCSS(hostTheme)}
    --_notice: var(--sip-color-notice, #fff7bf);
  }
  ${unsafeCSS(hiddenAndBoxSizing)}
  .base {
    padding: var(--_space);
    max-width: 60rem;
  }
  h2,
  h3,
  h4,
  h5,
  h6 {
    line-height: 1.25;
    margin: 0 0 calc(var(--_space) * 0.5);
  }
  h2 {
    font-size: 1.5em;
  }
  h3 {
    font-size: 1.3em;
  }
  h4 {
    font-size: 1.15em;
  }
  h5,
  h6 {
    font-size: 1em;
  }
  p,
  ul,
  ol,
  dl {
    margin: 0 0 calc(var(--_space) * 0.5);
  }
  ul,
  ol {
    padding-inline-start: 1.25em;
  }
  dt {
    font-weight: 700;
  }
  dd {
    margin: 0 0 calc(var(--_space) * 0.25);
  }
  .muted {
    color: var(--_muted);
  }
  ${unsafeCSS(visuallyHidden)}
  ${unsafeCSS(focusRing)}
  [tabindex='-1']:focus {
    outline: 0.1875rem solid var(--sip-color-focus, #ffdd00);
  }
  .section {
    border-top: 0.0625rem solid var(--_border);
    padding-top: calc(var(--_space) * 0.75);
    margin-top: calc(var(--_space) * 0.75);
  }
  .sub {
    margin-top: calc(var(--_space) * 0.75);
    padding-inline-start: calc(var(--_space) * 0.5);
    border-inline-start: 0.25rem solid var(--sip-color-rule, #b1b4b6);
  }
  .item {
    margin-bottom: calc(var(--_space) * 0.5);
  }
  .pill {
    display: inline-block;
    border: 0.125rem solid currentColor;
    border-radius: 1em;
    padding: 0 0.6em;
    font-weight: 700;
  }
  .changed {
    background: var(--_notice);
    border-inline-start: 0.3rem solid var(--_primary);
    padding: 0.25em 0.5em;
    font-weight: 700;
  }
  .changed::before {
    content: '● ';
    content: '● ' / '';
  }
  .reason {
    color: var(--_muted);
    font-style: italic;
  }
  .reason::before {
    content: '🔒 ';
    content: '🔒 ' / '';
    font-style: normal;
  }
  .presence {
    font-weight: 700;
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5em;
    margin: calc(var(--_space) * 0.5) 0;
  }
  .button {
    font: inherit;
    line-height: 1.25;
    min-height: 2.75em;
    padding: 0.5em 1em;
    border: 0.125rem solid var(--_primary);
    border-radius: var(--_radius);
    cursor: pointer;
    background: var(--sip-color-background, #ffffff);
    color: var(--_primary);
    max-width: 100%;
    white-space: normal;
  }
  .button.primary {
    background: var(--_primary);
    color: var(--sip-color-primary-text, #ffffff);
  }
  .button.warning {
    border-color: var(--_danger);
    color: var(--_danger);
  }
  .button[aria-disabled='true'] {
    cursor: progress;
    opacity: 0.8;
  }
  form {
    background: var(--sip-color-form, #f3f2f1);
    padding: calc(var(--_space) * 0.75);
    margin: calc(var(--_space) * 0.5) 0;
    border-radius: var(--_radius);
  }
  fieldset {
    border: 0.0625rem solid var(--_border);
    margin: 0 0 calc(var(--_space) * 0.75);
    padding: calc(var(--_space) * 0.5);
    min-width: 0;
  }
  legend {
    font-weight: 700;
    padding: 0 0.25em;
  }
  .field {
    margin-bottom: calc(var(--_space) * 0.75);
  }
  .field label,
  .field .label {
    display: block;
    font-weight: 700;
  }
  .check label {
    display: inline;
    font-weight: 400;
  }
  .check {
    display: flex;
    gap: 0.5em;
    align-items: flex-start;
    margin-bottom: 0.25em;
  }
  .check input {
    width: 1.5em;
    height: 1.5em;
    flex: none;
  }
  input:not([type='checkbox']),
  select,
  textarea {
    font: inherit;
    width: 100%;
    max-width: 40em;
    padding: 0.4em;
    border: 0.125rem solid var(--sip-color-field-border, #0b0c0c);
    border-radius: 0;
    background: var(--sip-color-background, #ffffff);
    color: inherit;
  }
  textarea {
    min-height: 5em;
    resize: vertical;
  }
  [aria-invalid='true'] {
    border-color: var(--_danger) !important;
    border-width: 0.1875rem !important;
  }
  .field-error {
    color: var(--_danger);
    font-weight: 700;
    margin: 0.25em 0;
  }
  .field-error::before {
    content: '⚠ ';
    content: '⚠ ' / '';
  }
  .error-summary,
  .form-error {
    border: 0.25rem solid var(--_danger);
    padding: calc(var(--_space) * 0.5);
    margin-bottom: calc(var(--_space) * 0.75);
    background: var(--sip-color-background, #ffffff);
  }
  .error-summary a {
    color: var(--_danger);
    font-weight: 700;
  }
  .conflict {
    border: 0.25rem solid var(--_primary);
    background: var(--sip-color-background, #ffffff);
    padding: calc(var(--_space) * 0.5);
    margin-bottom: calc(var(--_space) * 0.75);
  }
  .conflict-title {
    font-weight: 700;
    font-size: 1.1em;
  }
  .comparison {
    list-style: none;
    padding: 0;
  }
  .comparison > li {
    border-top: 0.0625rem solid var(--_border);
    padding: 0.25em 0;
  }
  .comparison-field {
    font-weight: 700;
  }
  .comparison dd {
    margin-inline-start: 1em;
  }
  .comparison mark {
    background: var(--_notice);
    color: inherit;
    text-decoration: underline;
  }
  .pre {
    white-space: pre-wrap;
  }
  .hint {
    color: var(--_muted);
    margin: 0 0 0.25em;
    font-weight: 400;
  }
`;
