import { hiddenAndBoxSizing, hostTheme } from '@sip/shared/client';
import { css, unsafeCSS } from 'lit';

/**
 * The lists' shared look. Adopted stylesheets only (no inline styles), so the elements run
 * under a strict CSP; colours are the defaults of the `--sip-` custom properties and meet WCAG
 * AA on the default background; sizes in em/rem, so the elements reflow at 320 CSS pixels and
 * 200 % zoom. A wide table scrolls inside its own focusable region, never the page.
 */
export const listStyles = css`
  :host {
    ${unsafeCSS(hostTheme)}
    min-width: 0;
    --_primary-text: var(--sip-color-primary-text, #ffffff);
    --_success: var(--sip-color-success, #00703c);
    --_focus: var(--sip-color-focus, #ffdd00);
    --_focus-contrast: var(--sip-color-focus-contrast, #0b0c0c);
  }
  ${unsafeCSS(hiddenAndBoxSizing)}
  .base {
    padding: var(--_space);
    max-width: 100%;
  }
  h2,
  h3,
  h4 {
    line-height: 1.25;
    margin: 0 0 calc(var(--_space) * 0.5);
  }
  h2 {
    font-size: 1.5em;
  }
  h3 {
    font-size: 1.2em;
    margin-top: var(--_space);
  }
  h4 {
    font-size: 1.05em;
    margin-top: calc(var(--_space) * 0.75);
  }
  p,
  ul,
  ol,
  dl {
    margin: 0 0 calc(var(--_space) * 0.75);
  }
  .muted {
    color: var(--_muted);
  }
  .toolbar {
    display: flex;
    flex-wrap: wrap;
    gap: calc(var(--_space) * 0.5);
    align-items: center;
    margin-bottom: var(--_space);
  }
  .toolbar h2 {
    margin: 0;
    flex: 1 1 12em;
  }
  button,
  .button {
    font: inherit;
    color: var(--_primary-text);
    background: var(--_primary);
    border: 2px solid transparent;
    border-radius: var(--_radius);
    padding: 0.375em 0.875em;
    min-height: 2.75em;
    min-width: 2.75em;
    cursor: pointer;
    text-align: start;
  }
  button.secondary {
    color: var(--_primary);
    background: var(--sip-color-background, #ffffff);
    border-color: var(--_primary);
  }
  button.link {
    color: var(--_primary);
    background: none;
    border: none;
    padding: 0.25em 0;
    min-height: 2.75em;
    text-decoration: underline;
    text-underline-offset: 0.15em;
    font-weight: 600;
  }
  button[disabled] {
    cursor: not-allowed;
    opacity: 0.6;
  }
  a {
    color: var(--_primary);
    text-decoration: underline;
    text-underline-offset: 0.15em;
  }
  a.item-link {
    font-weight: 600;
    display: inline-block;
    padding: 0.5em 0;
  }
  :is(button, a, input, select, textarea, [tabindex]):focus-visible {
    outline: 3px solid var(--_focus);
    outline-offset: 0;
    box-shadow: 0 0 0 6px var(--_focus-contrast);
  }
  [tabindex='-1']:focus {
    outline: none;
  }
  [tabindex='-1']:focus-visible {
    outline: 3px solid var(--_focus);
    box-shadow: 0 0 0 6px var(--_focus-contrast);
  }
  label {
    display: block;
    font-weight: 600;
    margin-bottom: 0.25em;
  }
  .hint {
    display: block;
    color: var(--_muted);
    font-weight: normal;
    margin-bottom: 0.25em;
  }
  input,
  select,
  textarea {
    font: inherit;
    color: inherit;
    background: var(--sip-color-background, #ffffff);
    border: 2px solid var(--_border);
    border-radius: var(--_radius);
    padding: 0.375em 0.5em;
    min-height: 2.75em;
    max-width: 100%;
    width: 100%;
  }
  input[type='checkbox'] {
    width: 1.5em;
    height: 1.5em;
    min-height: 0;
    margin: 0;
    flex: none;
  }
  .check {
    display: flex;
    gap: 0.5em;
    align-items: center;
    font-weight: normal;
  }
  [aria-invalid='true'] {
    border-color: var(--_danger);
    border-width: 3px;
  }
  .field {
    margin-bottom: var(--_space);
  }
  .field-error {
    color: var(--_danger);
    font-weight: 600;
    margin: 0 0 0.25em;
  }
  .filters {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(min(100%, 14em), 1fr));
    gap: 0 var(--_space);
    align-items: end;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    padding: calc(var(--_space) * 0.75);
    margin: 0 0 var(--_space);
  }
  fieldset {
    min-width: 0;
  }
  legend {
    font-weight: 700;
    padding: 0 0.25em;
  }
  .table-wrap {
    overflow-x: auto;
    max-width: 100%;
    margin-bottom: var(--_space);
  }
  table {
    border-collapse: collapse;
    width: 100%;
  }
  /* The caption stays in view and wraps within the region while a wide table scrolls sideways. */
  .table-wrap {
    container-type: inline-size;
  }
  caption {
    text-align: start;
    font-weight: 700;
    padding-bottom: 0.5em;
    position: sticky;
    inset-inline-start: 0;
    max-width: 100cqi;
  }
  th,
  td {
    overflow-wrap: normal;
    min-width: 4em;
    text-align: start;
    vertical-align: top;
    padding: 0.5em;
    border-bottom: 1px solid var(--_border);
  }
  thead th {
    border-bottom-width: 2px;
  }
  .message {
    border-inline-start: 0.3em solid var(--_border);
    padding: 0.5em var(--_space);
    margin-bottom: var(--_space);
  }
  .message.error {
    border-color: var(--_danger);
  }
  .message.success {
    border-color: var(--_success);
  }
  .badge {
    font-weight: 700;
  }
  .badge.overdue {
    color: var(--_danger);
  }
  .badge.overdue::before {
    content: '! ';
  }
  .pager {
    display: flex;
    flex-wrap: wrap;
    gap: calc(var(--_space) * 0.5);
    align-items: center;
  }
  .items {
    list-style: none;
    padding: 0;
  }
  .items > li {
    border-bottom: 1px solid var(--_border);
    padding: 0.25em 0 0.5em;
  }
  .items > li p {
    margin: 0;
  }
  .visually-hidden {
    position: absolute !important;
    width: 1px !important;
    height: 1px !important;
    overflow: hidden !important;
    clip: rect(0 0 0 0) !important;
    clip-path: inset(50%) !important;
    white-space: nowrap !important;
  }
  .side-by-side {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(min(100%, 12em), 1fr));
    gap: 0 var(--_space);
    margin: 0.25em 0 0.5em;
  }
  .side-by-side dt {
    font-weight: 700;
  }
  .side-by-side dd {
    margin: 0;
  }
  .change-kind {
    font-weight: 700;
  }
  dialog,
  .panel {
    border: 2px solid var(--_border);
    border-radius: var(--_radius);
    padding: var(--_space);
    margin-bottom: var(--_space);
  }
  @media (prefers-reduced-motion: reduce) {
    * {
      transition: none !important;
      animation: none !important;
    }
  }
`;
