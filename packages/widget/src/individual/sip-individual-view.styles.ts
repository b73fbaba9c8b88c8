import { css } from 'lit';
import { styles as citizenStyles } from '../sip-relative-view.styles.ts';

/**
 * The relatives' widget's stylesheet (theme, type, buttons, forms, dialog, print), and what only
 * the individual's view has: its headings, check boxes, a date field, the receipt and the
 * access-log list.
 * Adopted stylesheets only, sizes in em/rem, so it runs under a strict CSP and reflows at 320 px.
 */
export const styles = [
  citizenStyles,
  css`
    /* Its own headings, h2 to h5, whatever the relatives' widget styles its own by. */
    h2,
    h3,
    h4,
    h5 {
      line-height: 1.25;
      margin: 0 0 calc(var(--_space) * 0.5);
    }
    h2 {
      font-size: 1.5em;
    }
    h3 {
      font-size: 1.25em;
    }
    h4 {
      font-size: 1.1em;
      margin-top: var(--_space);
    }
    h5 {
      font-size: 1em;
      margin-top: calc(var(--_space) * 0.75);
    }
    /* A heading focused at the top of a new view goes without the ring; what a change moved focus to keeps it. */
    h2[tabindex='-1']:focus {
      outline: none;
      box-shadow: none;
    }
    .checkbox {
      display: flex;
      align-items: flex-start;
      gap: 0.5em;
      margin-bottom: 0.5em;
    }
    .checkbox input {
      flex: none;
      width: 1.5em;
      height: 1.5em;
      margin: 0;
      accent-color: var(--_primary);
    }
    .checkbox label {
      font-weight: 400;
      margin: 0;
    }
    input[type='text'] {
      font: inherit;
      display: block;
      width: 100%;
      max-width: 12em;
      padding: 0.35em;
      color: inherit;
      background: var(--sip-color-background, #ffffff);
      border: 0.125rem solid currentColor;
      border-radius: 0;
    }
    .field--error input[type='text'],
    .field--error textarea {
      border-color: var(--_danger);
    }
    .receipt {
      margin: calc(var(--_space) * 0.75) 0;
      padding: var(--_space);
      border: 0.1875rem solid var(--sip-color-success, #00703c);
    }
    .receipt .facts {
      margin-bottom: 0.5em;
    }
    .conflict {
      margin: calc(var(--_space) * 0.75) 0;
      padding: var(--_space);
      border: 0.1875rem solid var(--_danger);
    }
    .relatives {
      list-style: none;
      padding: 0;
    }
    .relative {
      padding: var(--_space) 0;
      border-top: 0.0625rem solid var(--_border);
    }
    .note {
      padding: calc(var(--_space) * 0.75);
      border-inline-start: 0.3125rem solid var(--_border);
    }
    .log {
      list-style: none;
      padding: 0;
    }
    .log li {
      padding: 0.5em 0;
      border-bottom: 0.0625rem solid var(--_border);
    }
    .print-only {
      display: none;
    }
    .printed-receipt {
      display: none;
    }
    @media print {
      .print-only {
        display: block;
      }
      /* One receipt printed alone, in the view's place. */
      .print-receipt .view {
        display: none;
      }
      .print-receipt .printed-receipt {
        display: block;
      }
      .receipt {
        border-color: #000000;
      }
    }
  `,
];
