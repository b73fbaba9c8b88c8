import { html } from 'lit';
import { SipStaffElement } from './base.ts';

/**
 * @summary Not built yet.
 */
export class SipAccessLog extends SipStaffElement {
  override render() {
    return html``;
  }
}
